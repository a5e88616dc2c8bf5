import { PodError } from "../../common/errors";
import type { CommandResult } from "../../execution/result";
import type { PodRuntime } from "../../execution/runtime";
import type { OsInfo } from "../../os/types";
import { resourceTarget } from "../shared/runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodCommandInputs } from "./args";

type CommandInput = PodCommandInputs["create"];

/** Runs one of the resource's commands through the runtime (a string: the guest's own shell). */
export function runCommand(
  runtime: PodRuntime,
  config: ProviderConfig,
  inputs: PodCommandInputs,
  command: CommandInput,
  correlationId?: string,
): Promise<{ result: CommandResult; os: OsInfo }> {
  return runtime.run(resourceTarget(runtime, inputs.target, config), command, {
    timeoutMs: (inputs.timeoutSeconds ?? 600) * 1000,
    ...(inputs.environment ? { env: inputs.environment } : {}),
    ...(inputs.stdin !== undefined ? { stdin: inputs.stdin } : {}),
    ...(inputs.acceptExitCodes ? { acceptExitCodes: inputs.acceptExitCodes } : {}),
    ...(inputs.parser ? { parser: inputs.parser } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
}

/** A run that did not succeed fails the resource step, with the tail of stderr and the fix. */
export function failedRun(result: CommandResult): PodError {
  const tail = result.stderr.trim().split("\n").slice(-10).join("\n");
  const what = result.timedOut ? "timed out" : `exited ${result.exitCode}`;
  return new PodError("COMMAND_FAILED", `The command ${what} on ${result.host}${tail ? `:\n${tail}` : "."}`, {
    fix: result.timedOut
      ? "Raise timeoutSeconds, or check why the command hangs."
      : "Fix the command, or list the exit code in acceptExitCodes if it means success.",
    details: { exitCode: result.exitCode, timedOut: result.timedOut },
  });
}
