import * as pod from "@pod-lab/pulumi-pod";
import * as pulumi from "@pulumi/pulumi";

// The same fleet as examples/fleet (N guests, one command each), through the provider plugin.
const config = new pulumi.Config();
const count = config.getNumber("count") ?? 10;
const guestImage = config.get("guestImage") ?? "pod-guest-debian:12";
const guestPassword = pulumi.secret("pod");

const results = Array.from({ length: count }, (_, i) => {
  const vm = new pod.PodVm(`node-${i}`, {
    name: `${pulumi.getProject()}-${pulumi.getStack()}-${i}`,
    template: "pod-template-debian12",
    numCpus: 1,
    memoryMb: 256,
    nics: [{ network: "VM Network" }],
    extraConfig: { "RUN.container": `--label pod.lab=1 ${guestImage}`, "RUN.mountdmi": "false" },
    guest: { user: "pod", password: guestPassword },
  });
  const hostname = new pod.PodCommand(`hostname-${i}`, {
    target: { host: vm.ipAddress, user: "pod", password: guestPassword, hostKeys: vm.sshHostKeys },
    create: ["hostname"],
  });
  return pulumi.all([vm.name, vm.ipAddress, hostname.stdout]).apply(([name, ip, out]) => ({ name, ip, hostname: out }));
});

export const fleet = pulumi.all(results);
