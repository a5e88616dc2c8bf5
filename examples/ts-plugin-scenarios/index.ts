import * as dynamic from "@pod-lab/pod";
import * as pod from "@pod-lab/pulumi-pod";
import * as pulumi from "@pulumi/pulumi";

/**
 * One small program per scenario the plugin's lab tests need (config `scenario`):
 *   command   a PodCommand in a Docker guest (config container, script, timeout, secretOutputs)
 *   vm        a bare PodVm through the plugin (config vmName, timeout), e.g. after `pulumi import`; with
 *             config getMoid, also PodVm.get of that VM
 *   dynamic-vm the same VM through the dynamic resources (@pod-lab/pod), the start of a migration
 *   two-providers explicit pod providers, each with its own vSphere settings, one VM each
 *   kerberos  a PodCommand through each provider (dynamic and plugin) to a WinRM guest with Kerberos
 *             (config host, port, user, realm, kdc, spnHost, marker; the password is pod:guestPassword)
 *   copy      PodCopy of a file (FileAsset) and a folder (FileArchive) into a guest over SSH
 *             (config host, user, password, hostKeys, sourceFile, sourceDir, remoteFile, remoteDir)
 *   network   a port-group-only PodNetwork through the plugin (config pgName, pgVlan, pgKind), e.g.
 *             after `pulumi import`; with config getNetwork, also PodNetwork.get of that id
 *   alias-vm  the same VM (and network) through the plugin, with aliases to the dynamic resources'
 *             types: the migration from dynamic-vm without import
 */
const config = new pulumi.Config();
const scenario = config.require("scenario");
const vmArgs = (name: string) => ({
  name,
  template: "pod-template-debian12",
  powerState: pod.PowerState.Off,
  numCpus: 1,
  memoryMb: 256,
});

export const out: Record<string, pulumi.Output<unknown>> = {};

if (scenario === "command") {
  const timeout = config.get("timeout");
  const cmd = new pod.PodCommand(
    "cmd",
    {
      target: { transport: "docker", container: config.require("container") },
      create: config.require("script"),
      secretOutputs: config.getBoolean("secretOutputs"),
      logging: config.get("logging") as pod.Logging | undefined,
    },
    timeout ? { customTimeouts: { create: timeout } } : {},
  );
  out.stdout = cmd.stdout;
}

if (scenario === "vm") {
  const vmTimeout = config.get("timeout");
  const vm = new pod.PodVm(
    "vm",
    vmArgs(config.require("vmName")),
    vmTimeout ? { customTimeouts: { create: vmTimeout } } : {},
  );
  out.moid = vm.moid;
  // PodVm.get reads a VM by its moid without managing it (the plugin's read, as for import).
  const seen = config.get("getMoid");
  if (seen) out.seenName = pod.PodVm.get("seen", seen).name;
}

if (scenario === "network") {
  const kind = config.get("pgKind") as pod.PortGroupKind | undefined;
  const net = new pod.PodNetwork("net", {
    portGroup: { name: config.require("pgName"), vlanId: config.requireNumber("pgVlan"), ...(kind ? { kind } : {}) },
  });
  out.portGroupName = net.portGroupName;
  // PodNetwork.get reads a port group by its name or moid without managing it (the import's read).
  const seen = config.get("getNetwork");
  if (seen) out.seenVlan = pod.PodNetwork.get("seen", seen).portGroup.apply((pg) => pg?.vlanId);
}

// dynamic-vm and alias-vm: with config pgName and pgVlan, also a port-group-only PodNetwork "net".
const portGroup = () => ({ name: config.require("pgName"), vlanId: config.requireNumber("pgVlan") });

if (scenario === "alias-vm") {
  // The dynamic resources' types: pulumi-nodejs:dynamic/pod:PodVm and …/pod:PodNetwork.
  const vm = new pod.PodVm("vm", vmArgs(config.require("vmName")), {
    aliases: [{ type: "pulumi-nodejs:dynamic/pod:PodVm" }],
  });
  out.moid = vm.moid;
  if (config.get("pgName")) {
    const net = new pod.PodNetwork(
      "net",
      { portGroup: portGroup() },
      { aliases: [{ type: "pulumi-nodejs:dynamic/pod:PodNetwork" }] },
    );
    out.portGroupName = net.portGroupName;
  }
}

if (scenario === "dynamic-vm") {
  const vm = new dynamic.PodVm("vm", { ...vmArgs(config.require("vmName")), powerState: "off" });
  out.moid = vm.moid;
  if (config.get("pgName")) out.portGroupName = new dynamic.PodNetwork("net", { portGroup: portGroup() }).portGroupName;
}

if (scenario === "two-providers") {
  // Explicit providers, each its own plugin process with its own vSphere settings (config
  // `providers`: a secret JSON list of { vsphereHost, vsphereUser, vspherePassword, vsphereCaFile?,
  // vsphereThumbprint? }), one VM through each.
  // Read as text to declare resources per entry; each password is wrapped as a secret again below.
  const settings = JSON.parse(config.require("providers"));
  (settings as pod.ProviderArgs[]).forEach((args, i) => {
    const provider = new pod.Provider(`vc${i}`, { ...args, vspherePassword: pulumi.secret(args.vspherePassword) });
    const vm = new pod.PodVm(`vm${i}`, vmArgs(`${config.require("vmName")}-${i}`), { provider });
    out[`moid${i}`] = vm.moid;
  });
}

if (scenario === "kerberos") {
  // SPNEGO/Kerberos over plain http: every WinRM message encrypted with the Kerberos session. No password
  // here: pod reads --secret pod:guestPassword in each provider's configure and kinits into a cache of its own.
  const target = {
    host: config.require("host"),
    port: config.requireNumber("port"),
    https: false,
    user: config.require("user"),
    kerberos: { realm: config.require("realm"), kdc: config.require("kdc"), spnHost: config.require("spnHost") },
  };
  const marker = config.require("marker");
  const viaDynamic = new dynamic.PodCommand("krb-dynamic", {
    target: { ...target, transport: "winrm", auth: "kerberos" },
    create: `echo dynamic-${marker}`,
  });
  const viaPlugin = new pod.PodCommand("krb-plugin", {
    target: { ...target, transport: pod.Transport.Winrm, auth: pod.WinrmAuth.Kerberos },
    create: `echo plugin-${marker}`,
  });
  out.dynamicStdout = viaDynamic.stdout;
  out.pluginStdout = viaPlugin.stdout;
}

if (scenario === "copy") {
  const target = {
    host: config.require("host"),
    user: config.require("user"),
    password: config.requireSecret("password"),
    hostKeys: config.requireObject<string[]>("hostKeys"),
  };
  // Relative paths are read from the program's folder (the plugin runs there, as the program does).
  const file = new pod.PodCopy("file", {
    target,
    source: new pulumi.asset.FileAsset(config.require("sourceFile")),
    remotePath: config.require("remoteFile"),
  });
  const tree = new pod.PodCopy("tree", {
    target,
    source: new pulumi.asset.FileArchive(config.require("sourceDir")),
    remotePath: config.require("remoteDir"),
    mode: "0640",
  });
  out.fileSha256 = file.sha256;
  out.treeFiles = tree.files.apply((files) => files.map((f) => f.path));
}
