import { PodCommand, PodVm } from "@pod-lab/pod";
import * as pulumi from "@pulumi/pulumi";

// In the lab each "VM" is a container behind vcsim (RUN.container): Debian 12,
// the Rocky 9 stand-in, and the simulated Windows Server 2022 (WinRM).
const config = new pulumi.Config();
const stack = `${pulumi.getProject()}-${pulumi.getStack()}`;
const linuxPassword = pulumi.secret("pod");
const windowsPassword = config.getSecret("windowsPassword") ?? pulumi.secret("Pod-Win2022-Admin");
const backing = (image: string) => ({ "RUN.container": `--label pod.lab=1 ${image}`, "RUN.mountdmi": "false" });

const debian = new PodVm("debian", {
  name: `${stack}-debian`,
  template: "pod-template-debian12",
  nics: [{ network: "VM Network" }],
  extraConfig: backing("pod-guest-debian:12"),
  guest: { user: "pod", password: linuxPassword },
});
const rocky = new PodVm("rocky", {
  name: `${stack}-rocky`,
  template: "pod-template-rocky9",
  nics: [{ network: "VM Network" }],
  extraConfig: backing("pod-guest-rocky:9"),
  guest: { user: "pod", password: linuxPassword },
});
const windows = new PodVm("windows", {
  name: `${stack}-windows`,
  template: "pod-template-windows2022",
  nics: [{ network: "VM Network" }],
  extraConfig: backing("pod-guest-windows:2022"),
  guest: { user: "Administrator", password: windowsPassword, transport: "winrm" },
});

// The same question to every guest; pod quotes it for each OS and normalizes the answers.
const ask = (name: string, vm: PodVm, target: Record<string, unknown>, create: string[] | string) =>
  new PodCommand(name, { target: { host: vm.ipAddress, ...target } as never, create });

const linuxTarget = (vm: PodVm) => ({ user: "pod", password: linuxPassword, hostKeys: vm.sshHostKeys });
const results = {
  debian: ask("debian-hostname", debian, linuxTarget(debian), ["hostname"]),
  rocky: ask("rocky-hostname", rocky, linuxTarget(rocky), ["hostname"]),
  windows: ask(
    "windows-hostname",
    windows,
    { transport: "winrm", user: "Administrator", password: windowsPassword },
    "hostname",
  ),
};

export const sideBySide = pulumi.all(
  Object.entries(results).map(([name, cmd]) =>
    pulumi.all([cmd.os, cmd.stdout, cmd.exitCode]).apply(([os, stdout, exitCode]) => ({
      name,
      os: `${os.type} ${os.distribution} ${os.version}`.trim(),
      stdout,
      exitCode,
    })),
  ),
);
