import type {
  appliedInterfaceSchema,
  PodNetworkInputs,
  recordedInterfaceSchema,
} from "@pod-lab/provider/dist/resources/pod-network/args";
import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

import podNetworkProvider = require("@pod-lab/provider/dist/resources/pod-network/instance");

import type { DeepInput } from "./inputs";
import { urnInput } from "./urn";

export type PodNetworkArgs = { [K in keyof PodNetworkInputs]: DeepInput<PodNetworkInputs[K]> };
export type AppliedInterface = z.infer<typeof appliedInterfaceSchema>;
export type RecordedInterface = z.infer<typeof recordedInterfaceSchema>;

/**
 * One network declaration for a VM and its guest: the port group (with its
 * VLAN) a NIC goes on, and the guest's interfaces — addresses, gateway, DNS,
 * MTU, in-guest VLAN — on Linux VMs, Rocky 9 containers (run-time only) and
 * Windows. Applied idempotently and verified by reading back; delete puts
 * back what pod recorded before changing it (see docs/pod-network.md).
 */
export class PodNetwork extends pulumi.dynamic.Resource {
  declare readonly portGroupName: pulumi.Output<string>;
  declare readonly nicMac: pulumi.Output<string>;
  declare readonly os: pulumi.Output<string>;
  declare readonly persistence: pulumi.Output<string>;
  declare readonly runtimeOnly: pulumi.Output<boolean>;
  declare readonly note: pulumi.Output<string>;
  declare readonly applied: pulumi.Output<AppliedInterface[]>;
  declare readonly recorded: pulumi.Output<RecordedInterface[]>;
  declare readonly drift: pulumi.Output<string[]>;
  declare readonly reachedAt: pulumi.Output<string>;

  constructor(name: string, args: PodNetworkArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...args,
      // Credentials are stored encrypted, in inputs and in outputs.
      connection: args.connection && pulumi.secret(args.connection),
      target: args.target && pulumi.secret(args.target),
      // The audit log's correlation id (providers never see their URN); never diffed.
      pulumiUrn: urnInput("PodNetwork", name, opts),
      portGroupName: undefined,
      portGroupCreated: undefined,
      portGroupHosts: undefined,
      nicMac: undefined,
      nicPreviousNetwork: undefined,
      os: undefined,
      persistence: undefined,
      runtimeOnly: undefined,
      note: undefined,
      applied: undefined,
      recorded: undefined,
      drift: undefined,
      reachedAt: undefined,
    };
    super(
      podNetworkProvider,
      name,
      props,
      { ...opts, additionalSecretOutputs: ["connection", "target", ...(opts?.additionalSecretOutputs ?? [])] },
      "pod",
      "PodNetwork",
    );
  }
}
