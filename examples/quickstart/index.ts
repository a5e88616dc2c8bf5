import { PodCommand, PodVm } from "@pod-lab/pod";
import * as pulumi from "@pulumi/pulumi";

// vSphere credentials come from stack config (pod:vsphereHost, pod:vsphereUser,
// pod:vspherePassword as a secret, pod:vsphereCaFile) — examples/run.sh sets them for the lab.
const config = new pulumi.Config();
// In the lab a VM is backed by a container (vcsim's RUN.container); on real vSphere drop extraConfig.
const guestImage = config.get("guestImage") ?? "pod-guest-debian:12";
const guestPassword = config.getSecret("guestPassword") ?? pulumi.secret("pod");

const vm = new PodVm("web", {
  name: `${pulumi.getProject()}-${pulumi.getStack()}-web`,
  template: "pod-template-debian12",
  numCpus: 2,
  memoryMb: 1024,
  nics: [{ network: "VM Network" }],
  extraConfig: { "RUN.container": `--label pod.lab=1 ${guestImage}`, "RUN.mountdmi": "false" },
  // With guest credentials pod probes the OS and reads the SSH host keys through VMware Tools.
  guest: { user: "pod", password: guestPassword },
});

// SSH to the VM's address, pinning the host keys pod read out of band: no trust on first use.
const uname = new PodCommand("uname", {
  target: { host: vm.ipAddress, user: "pod", password: guestPassword, hostKeys: vm.sshHostKeys },
  create: ["uname", config.get("unameFlags") ?? "-sr"],
});

export const vmId = vm.moid;
export const ipAddress = vm.ipAddress;
export const detectedOs = vm.os;
export const commandOutput = uname.stdout;
