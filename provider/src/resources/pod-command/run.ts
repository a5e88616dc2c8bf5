import { PodError } from "../../common/errors";
import type { MaybeSecret } from "../../common/secret";
import type { RunOptions } from "../../execution/executor";
import type { CommandResult } from "../../execution/result";
import type { PodRuntime } from "../../execution/runtime";
import type { OsInfo } from "../../os/types";
import { withGuestDefaults } from "../shared/guest-defaults";
import { resourceTarget } from "../shared/runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodCommandInputs } from "./args";
import { anySecret } from "./previous-output";
import { environmentOf, fromWire, fromWireCommand, outputIsSecret } from "./secret-parts";

type CommandInput = PodCommandInputs["create"];

/**
 * What a front-end adds to one run: the plugin streams output lines to the
 * engine and bounds the run by the resource's customTimeouts (a shorter
 * timeout than timeoutSeconds wins; the guest-side kill is the same), and
 * its Cancel (the signal) ends the command on the guest the same way.
 */
export type RunHooks = Pick<RunOptions, "onStdout" | "onStderr" | "timeoutMs" | "signal">;

/** Runs one of the resource's commands through the runtime (a string: the guest's own shell). */
export async function runCommand(
  runtime: PodRuntime,
  config: ProviderConfig,
  inputs: PodCommandInputs,
  command: CommandInput,
  correlationId?: string,
  hooks: RunHooks = {},
  previousOutput?: Record<string, MaybeSecret>,
): Promise<{ result: CommandResult; os: OsInfo; secretOutput: boolean }> {
  const podCommand = fromWireCommand(command);
  // The previous output goes last, as @pulumi/command sets it after the user's environment.
  const merged = { ...environmentOf(inputs), ...previousOutput };
  const env = Object.keys(merged).length ? merged : undefined;
  const target = await withGuestDefaults(inputs.target, config);
  const { result, os } = await runtime.run(resourceTarget(runtime, target, config), podCommand, {
    timeoutMs: Math.min((inputs.timeoutSeconds ?? 600) * 1000, hooks.timeoutMs ?? Number.POSITIVE_INFINITY),
    ...(hooks.onStdout ? { onStdout: hooks.onStdout } : {}),
    ...(hooks.onStderr ? { onStderr: hooks.onStderr } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(env ? { env } : {}),
    ...(inputs.stdin !== undefined ? { stdin: fromWire(inputs.stdin) } : {}),
    ...(inputs.acceptExitCodes ? { acceptExitCodes: inputs.acceptExitCodes } : {}),
    ...(inputs.parser ? { parser: inputs.parser } : {}),
    ...(inputs.maxOutputBytes !== undefined ? { maxOutputBytes: inputs.maxOutputBytes } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
  return { result, os, secretOutput: outputIsSecret(inputs, podCommand) || anySecret(previousOutput) };
}

/**
 * A run that did not succeed fails the resource step, with the tail of stderr
 * and the fix; with secret output, stderr is withheld (only its size is told).
 */
export function failedRun(result: CommandResult, secretOutput = false): PodError {
  const lines = result.stderr.trim() ? result.stderr.trim().split("\n") : [];
  let tail = ".";
  if (lines.length && secretOutput) tail = `; its stderr (${lines.length} lines) is withheld: the output is secret.`;
  else if (lines.length) tail = `:\n${lines.slice(-10).join("\n")}`;
  const what = result.timedOut ? "timed out" : `exited ${result.exitCode}`;
  return new PodError("COMMAND_FAILED", `The command ${what} on ${result.host}${tail}`, {
    fix: result.timedOut
      ? "Raise timeoutSeconds, or check why the command hangs."
      : "Fix the command, or list the exit code in acceptExitCodes if it means success.",
    details: { exitCode: result.exitCode, timedOut: result.timedOut },
  });
}
