import { PodCommand, PodNetwork, PodVm } from "@pod-lab/pod";
import * as pulumi from "@pulumi/pulumi";

// In the lab each "VM" is a container behind vcsim (RUN.container): Debian 12,
// the Rocky 9 stand-in, and the simulated Windows Server 2022 (WinRM).
const config = new pulumi.Config();
const stack = `${pulumi.getProject()}-${pulumi.getStack()}`;
const linuxPassword = pulumi.secret("pod");
const windowsPassword = config.getSecret("windowsPassword") ?? pulumi.secret("Pod-Win2022-Admin");
// NET_ADMIN lets pod configure the Linux containers' interfaces; drop extraConfig on real vSphere.
const backing = (image: string, extra: Record<string, string> = {}) => ({
  "RUN.container": `--cap-add NET_ADMIN --label pod.lab=1 ${image}`,
  "RUN.mountdmi": "false",
  ...extra,
});

// One VLAN for the three guests: a port group tagged on every host of the cluster.
const vlanId = config.getNumber("vlanId") ?? 120;
const subnet = `10.${vlanId % 256}.0`;
const vlan = new PodNetwork("vlan", { portGroup: { name: `${stack}-vlan${vlanId}`, vlanId } });

const debian = new PodVm("debian", {
  name: `${stack}-debian`,
  template: "pod-template-debian12",
  nics: [{ network: vlan.portGroupName }],
  extraConfig: backing("pod-guest-debian:12"),
  guest: { user: "pod", password: linuxPassword },
});
const rocky = new PodVm("rocky", {
  name: `${stack}-rocky`,
  template: "pod-template-rocky9",
  nics: [{ network: vlan.portGroupName }],
  extraConfig: backing("pod-guest-rocky:9"),
  guest: { user: "pod", password: linuxPassword },
});
// Windows the way lab VMs usually are: a management NIC (DHCP) and a second NIC on the VLAN.
const windows = new PodVm("windows", {
  name: `${stack}-windows`,
  template: "pod-template-windows2022",
  nics: [{ network: "VM Network" }, { network: vlan.portGroupName }],
  extraConfig: backing("pod-guest-windows:2022", { "guestinfo.pod.extra_nics": "1" }),
  // The lab's cloned Windows guests have no certificate enrolled, so no HTTPS listener: plain HTTP (NTLM
  // message encryption) is chosen explicitly here; pod's default is HTTPS with channel binding.
  guest: { user: "Administrator", password: windowsPassword, transport: "winrm", https: false },
});

const linuxTarget = (vm: PodVm) => ({
  host: vm.ipAddress,
  user: "pod",
  password: linuxPassword,
  hostKeys: vm.sshHostKeys,
});
const windowsTarget = {
  host: windows.ipAddress,
  transport: "winrm",
  https: false,
  user: "Administrator",
  password: windowsPassword,
};

// Each guest's address on the VLAN. The Linux guests have one NIC: the VLAN address goes beside the
// DHCP address pod reaches them on. Windows gets it on its second adapter, Ethernet1.
const linuxAddress = (name: string, vm: PodVm, host: number) =>
  new PodNetwork(`${name}-ip`, {
    target: linuxTarget(vm),
    interfaces: [{ name: "eth0", addresses: [{ address: `${subnet}.${host}/24` }], keepExistingAddresses: true }],
  });
const addresses = {
  debian: linuxAddress("debian", debian, 11),
  rocky: linuxAddress("rocky", rocky, 12),
  windows: new PodNetwork("windows-ip", {
    target: windowsTarget as never,
    interfaces: [{ name: "Ethernet1", addresses: [{ address: `${subnet}.13/24` }] }],
  }),
};

// The same question to every guest once its network is configured; pod quotes it for each OS and
// normalizes the answers.
const ask = (name: keyof typeof addresses, target: unknown, create: string[] | string) =>
  new PodCommand(`${name}-hostname`, { target: target as never, create }, { dependsOn: [addresses[name]] });
const results = {
  debian: ask("debian", linuxTarget(debian), ["hostname"]),
  rocky: ask("rocky", linuxTarget(rocky), ["hostname"]),
  windows: ask("windows", windowsTarget, "hostname"),
};

// Proof the Linux guests share the VLAN: Debian reaches Rocky on its VLAN address.
const ping = new PodCommand(
  "debian-pings-rocky",
  { target: linuxTarget(debian), create: ["ping", "-c", "1", "-W", "3", `${subnet}.12`] },
  { dependsOn: [addresses.debian, addresses.rocky] },
);

export const portGroup = vlan.portGroupName;
export const vlanReachable = ping.exitCode.apply((code) => code === 0);
export const sideBySide = pulumi.all(
  (Object.keys(results) as (keyof typeof results)[]).map((name) =>
    pulumi
      .all([results[name].os, results[name].stdout, results[name].exitCode, addresses[name].applied])
      .apply(([os, stdout, exitCode, applied]) => ({
        name,
        os: `${os.type} ${os.distribution} ${os.version}`.trim(),
        stdout,
        exitCode,
        vlanAddress: applied[0]?.addresses.find((a) => a.startsWith(`${subnet}.`)) ?? "",
      })),
  ),
);
