import { PodCommand, PodNetwork, PodVm } from "@pod-lab/pod";
import * as pulumi from "@pulumi/pulumi";

// vSphere credentials come from stack config (pod:vsphereHost, pod:vsphereUser,
// pod:vspherePassword as a secret, pod:vsphereCaFile) — examples/run.sh sets them for the lab.
const config = new pulumi.Config();
const stack = `${pulumi.getProject()}-${pulumi.getStack()}`;
// In the lab a VM is backed by a container (vcsim's RUN.container), given NET_ADMIN so pod can
// configure its interfaces; on real vSphere drop extraConfig.
const guestImage = config.get("guestImage") ?? "pod-guest-debian:12";
const guestPassword = config.getSecret("guestPassword") ?? pulumi.secret("pod");

const vm = new PodVm("web", {
  name: `${stack}-web`,
  template: "pod-template-debian12",
  numCpus: 2,
  memoryMb: 1024,
  extraConfig: { "RUN.container": `--cap-add NET_ADMIN --label pod.lab=1 ${guestImage}`, "RUN.mountdmi": "false" },
  // With guest credentials pod probes the OS and reads the SSH host keys through VMware Tools.
  guest: { user: "pod", password: guestPassword },
});

// SSH to the VM's address, pinning the host keys pod read out of band: no trust on first use.
const target = { host: vm.ipAddress, user: "pod", password: guestPassword, hostKeys: vm.sshHostKeys };

// The VM's network in one resource: a port group tagged with the VLAN (made on every host), the
// VM's first NIC moved onto it, and the guest's address on that VLAN. keepExistingAddresses adds
// the address beside the one pod reaches the guest on (DHCP), instead of replacing the set.
const vlanId = config.getNumber("vlanId") ?? 120;
const network = new PodNetwork("web-net", {
  vm: vm.moid,
  nic: 0,
  portGroup: { name: `${stack}-vlan${vlanId}`, vlanId },
  target,
  interfaces: [
    {
      name: "eth0",
      addresses: [{ address: config.get("vlanAddress") ?? `10.${vlanId % 256}.0.10/24` }],
      keepExistingAddresses: true,
    },
  ],
  // Destroy leaves an unreachable guest as it is (and still undoes the vSphere half) unless strictDelete.
  strictDelete: config.getBoolean("strictDelete"),
});

const uname = new PodCommand(
  "uname",
  { target, create: ["uname", config.get("unameFlags") ?? "-sr"] },
  { dependsOn: [network] },
);

export const vmId = vm.moid;
export const ipAddress = vm.ipAddress;
export const detectedOs = vm.os;
export const portGroup = network.portGroupName;
export const vlanAddresses = network.applied.apply((a) => a[0]?.addresses ?? []);
export const commandOutput = uname.stdout;
