import { PodCommand, PodVm } from "@pod-lab/pod";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 10;
const guestImage = config.get("guestImage") ?? "pod-guest-debian:12";
const guestPassword = pulumi.secret("pod");

// Pulumi creates independent resources in parallel; pod shares one vSphere
// session and one SSH pool per guest across all of them.
const results = Array.from({ length: count }, (_, i) => {
  const vm = new PodVm(`node-${i}`, {
    name: `${pulumi.getProject()}-${pulumi.getStack()}-${i}`,
    template: "pod-template-debian12",
    numCpus: 1,
    memoryMb: 256,
    nics: [{ network: "VM Network" }],
    extraConfig: { "RUN.container": `--label pod.lab=1 ${guestImage}`, "RUN.mountdmi": "false" },
    guest: { user: "pod", password: guestPassword },
  });
  const hostname = new PodCommand(`hostname-${i}`, {
    target: { host: vm.ipAddress, user: "pod", password: guestPassword, hostKeys: vm.sshHostKeys },
    create: ["hostname"],
  });
  return pulumi.all([vm.name, vm.ipAddress, hostname.stdout]).apply(([name, ip, out]) => ({ name, ip, hostname: out }));
});

export const fleet = pulumi.all(results);
