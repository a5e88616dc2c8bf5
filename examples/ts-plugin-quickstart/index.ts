import * as pod from "@pod-lab/pulumi-pod";
import * as pulumi from "@pulumi/pulumi";

// The quickstart through the provider plugin (pulumi-resource-pod) and the SDK Pulumi's generator
// made from schema.json. vSphere settings come from `pod:` stack config, as for the dynamic resources.
const config = new pulumi.Config();
const stack = `${pulumi.getProject()}-${pulumi.getStack()}`;
const guestImage = config.get("guestImage") ?? "pod-guest-debian:12";
const guestPassword = config.getSecret("guestPassword") ?? pulumi.secret("pod");

const vm = new pod.PodVm("web", {
  name: `${stack}-web`,
  template: "pod-template-debian12",
  numCpus: config.getNumber("numCpus") ?? 2,
  memoryMb: 1024,
  extraConfig: { "RUN.container": `--cap-add NET_ADMIN --label pod.lab=1 ${guestImage}`, "RUN.mountdmi": "false" },
  guest: { user: "pod", password: guestPassword },
});

const target = { host: vm.ipAddress, user: "pod", password: guestPassword, hostKeys: vm.sshHostKeys };

const vlanId = config.getNumber("vlanId") ?? 121;
const network = new pod.PodNetwork("web-net", {
  vm: vm.moid,
  nic: 0, // the VM's first NIC, by index (or its MAC as a string)
  portGroup: { name: `${stack}-vlan${vlanId}`, vlanId },
  target,
  interfaces: [
    {
      name: "eth0",
      addresses: [{ address: config.get("vlanAddress") ?? `10.${vlanId % 256}.0.10/24` }],
      keepExistingAddresses: true,
    },
  ],
});

// The generated SDK takes a command as a script for the guest's shell.
const uname = new pod.PodCommand("uname", { target, create: "uname -sr" }, { dependsOn: [network] });

export const vmId = vm.moid;
export const ipAddress = vm.ipAddress;
export const detectedOs = vm.os;
export const portGroup = network.portGroupName;
export const commandOutput = uname.stdout;
