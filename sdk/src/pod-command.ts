import type { PodCommandInputs } from "@pod-lab/provider/dist/resources/pod-command/args";
import type { DetectedOs } from "@pod-lab/provider/dist/resources/pod-vm/args";
import * as pulumi from "@pulumi/pulumi";

import podCommandProvider = require("@pod-lab/provider/dist/resources/pod-command/instance");

import type { DeepInput } from "./inputs";
import { markCommand, markEnvironment, markText } from "./secret-parts";
import { urnInput } from "./urn";

/** secretOutputs is the option below; the SDK passes it on to the provider itself. */
type Inputs = Omit<PodCommandInputs, "secretOutputs">;

export type PodCommandArgs = { [K in keyof Inputs]: DeepInput<Inputs[K]> } & {
  /** Store stdout, stderr and data encrypted and hide them from diffs and logs. */
  secretOutputs?: boolean;
};

/**
 * Commands in a guest over SSH, WinRM, Docker exec or VMware Tools, with one
 * normalized result for every OS. A new command or trigger runs it again; a
 * new target alone does not. Nothing runs during `pulumi preview`.
 */
export class PodCommand extends pulumi.dynamic.Resource {
  declare readonly stdout: pulumi.Output<string>;
  declare readonly stderr: pulumi.Output<string>;
  declare readonly exitCode: pulumi.Output<number>;
  declare readonly data: pulumi.Output<unknown>;
  declare readonly durationMs: pulumi.Output<number>;
  /** Set when the last run printed more than maxOutputBytes: bytes dropped from each stream. */
  declare readonly truncated: pulumi.Output<{ stdout: number; stderr: number } | undefined>;
  declare readonly os: pulumi.Output<DetectedOs>;

  constructor(name: string, args: PodCommandArgs, opts?: pulumi.CustomResourceOptions) {
    const { secretOutputs, ...inputs } = args;
    const secret = ["target", ...(secretOutputs ? ["stdout", "stderr", "data", "stdin"] : [])];
    super(
      podCommandProvider,
      name,
      {
        ...inputs,
        // Pulumi secrets in commands, environment and stdin travel as { secret } markers (see secret-parts.ts).
        create: markCommand(inputs.create),
        ...(inputs.update !== undefined ? { update: markCommand(inputs.update) } : {}),
        ...(inputs.delete !== undefined ? { delete: markCommand(inputs.delete) } : {}),
        ...(inputs.environment !== undefined ? { environment: markEnvironment(inputs.environment) } : {}),
        ...(inputs.stdin !== undefined
          ? { stdin: secretOutputs ? markText(pulumi.secret(inputs.stdin)) : markText(inputs.stdin) }
          : {}),
        ...(secretOutputs ? { secretOutputs: true } : {}),
        target: pulumi.secret(inputs.target),
        // The audit records' correlation id (providers never see their URN); never diffed.
        pulumiUrn: urnInput("PodCommand", name, opts),
        stdout: undefined,
        stderr: undefined,
        exitCode: undefined,
        data: undefined,
        durationMs: undefined,
        truncated: undefined,
        os: undefined,
      },
      { ...opts, additionalSecretOutputs: [...secret, ...(opts?.additionalSecretOutputs ?? [])] },
      "pod",
      "PodCommand",
    );
  }
}
