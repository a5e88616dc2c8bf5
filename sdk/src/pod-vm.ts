import type { DetectedOs, PodVmInputs } from "@pod-lab/provider/dist/resources/pod-vm/args";
import * as pulumi from "@pulumi/pulumi";

import podVmProvider = require("@pod-lab/provider/dist/resources/pod-vm/instance");

import type { DeepInput } from "./inputs";
import { urnInput } from "./urn";

export type PodVmArgs = { [K in keyof PodVmInputs]: DeepInput<PodVmInputs[K]> };

/**
 * A vSphere VM cloned from a template: CPUs, memory, NICs on port groups
 * (by name or VLAN), power state, extraConfig, and the detected guest OS.
 * NIC, CPU, memory and power changes are made in place; name, template and
 * placement changes replace the VM.
 */
export class PodVm extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly moid: pulumi.Output<string>;
  declare readonly instanceUuid: pulumi.Output<string>;
  declare readonly observedPowerState: pulumi.Output<string>;
  declare readonly ipAddress: pulumi.Output<string>;
  declare readonly ipAddresses: pulumi.Output<string[]>;
  declare readonly macAddresses: pulumi.Output<string[]>;
  declare readonly os: pulumi.Output<DetectedOs>;
  declare readonly sshHostKeys: pulumi.Output<string[]>;

  constructor(name: string, args: PodVmArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      // Credentials are stored encrypted, in inputs and in outputs.
      connection: args.connection && pulumi.secret(args.connection),
      guest: args.guest && pulumi.secret(args.guest),
      // extraConfig typically carries cloud-init userdata with passwords: encrypted, as is what vSphere reports back.
      extraConfig: args.extraConfig && pulumi.secret(args.extraConfig),
      // The audit log's correlation id (providers never see their URN); never diffed.
      pulumiUrn: urnInput("PodVm", name, opts),
      moid: undefined,
      instanceUuid: undefined,
      observedPowerState: undefined,
      ipAddress: undefined,
      ipAddresses: undefined,
      macAddresses: undefined,
      os: undefined,
      sshHostKeys: undefined,
    };
    super(
      podVmProvider,
      name,
      props,
      {
        ...opts,
        additionalSecretOutputs: [
          "connection",
          "guest",
          "extraConfig",
          "observedExtraConfig",
          ...(opts?.additionalSecretOutputs ?? []),
        ],
      },
      "pod",
      "PodVm",
    );
  }
}
