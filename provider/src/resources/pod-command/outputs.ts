/**
 * One PodCommand step from inputs to outputs, shared by the two Pulumi
 * front-ends (the dynamic provider and the plugin) so both store the same
 * state and fail with the same errors.
 */
import { toPodError } from "../../common/errors";
import type { MaybeSecret } from "../../common/secret";
import { targetName } from "../../execution/guest-target";
import type { PodRuntime } from "../../execution/runtime";
import { resourceError } from "../shared/errors";
import { toDetectedOs } from "../shared/runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodCommandInputs, PodCommandOutputs } from "./args";
import { failedRun, type RunHooks, runCommand } from "./run";

/** Runs `command` and returns the resource's outputs, or throws the one-line resource error. */
export async function commandOutputs(
  runtime: PodRuntime,
  config: ProviderConfig,
  inputs: PodCommandInputs,
  command: PodCommandInputs["create"],
  step: {
    action: string;
    correlationId?: string | undefined;
    hooks?: RunHooks;
    /** addPreviousOutputInEnv: the last run's output as PULUMI_COMMAND_STDOUT/STDERR. */
    previousOutput?: Record<string, MaybeSecret> | undefined;
  },
): Promise<PodCommandOutputs> {
  try {
    // The command's audit record carries the resource's URN as its correlation id.
    const run = await runCommand(runtime, config, inputs, command, step.correlationId, step.hooks, step.previousOutput);
    const { result, os } = run;
    if (!result.success) throw failedRun(result, run.secretOutput);
    return {
      ...inputs,
      stdout: result.stdout,
      stderr: result.stderr,
      exitCode: result.exitCode ?? -1,
      ...(result.data !== undefined ? { data: result.data } : {}),
      durationMs: result.durationMs,
      ...(result.truncated ? { truncated: result.truncated } : {}),
      os: toDetectedOs(os),
    };
  } catch (error) {
    throw resourceError(`PodCommand on ${targetName(inputs.target)}`, step.action, toPodError(error));
  }
}

/** An update that re-runs nothing keeps the last run's results (undefined values never reach Pulumi's serializer). */
export function keptOutputs(olds: PodCommandOutputs, news: PodCommandInputs): PodCommandOutputs {
  const { stdout, stderr, exitCode, data, durationMs, os, truncated } = olds;
  const kept = { ...(data === undefined ? {} : { data }), ...(truncated === undefined ? {} : { truncated }) };
  return { ...news, stdout, stderr, exitCode, ...kept, durationMs, os };
}
