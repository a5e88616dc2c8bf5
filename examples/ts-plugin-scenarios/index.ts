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

if (scenario === "dynamic-vm") {
  const vm = new dynamic.PodVm("vm", { ...vmArgs(config.require("vmName")), powerState: "off" });
  out.moid = vm.moid;
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
