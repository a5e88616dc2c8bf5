import { PodError } from "../../common/errors";
import type { PodCommand } from "../../execution/command";
import type { CommandResult } from "../../execution/result";
import type { OsInfo } from "../../os/types";
import type { GuestRuntime } from "../shared/guest-runtime";
import type { ProviderConfig } from "../shared/vsphere-connection";
import type { PodCommandInputs } from "./args";

type CommandInput = PodCommandInputs["create"];

/** A script string runs in the guest's default shell: sh, or PowerShell on Windows. */
export function toPodCommand(command: CommandInput, os: OsInfo): PodCommand {
  if (typeof command === "string") return { script: command, shell: os.type === "windows" ? "powershell" : "sh" };
  return command;
}

export async function runCommand(
  runtime: GuestRuntime,
  config: ProviderConfig,
  inputs: PodCommandInputs,
  command: CommandInput,
  correlationId?: string,
): Promise<{ result: CommandResult; os: OsInfo }> {
  return runtime.withTarget(inputs.target, config, async (connection, name) => {
    const target = { connection, name };
    const os = await runtime.executor.osOf(target);
    const result = await runtime.executor.run(target, toPodCommand(command, os), {
      timeoutMs: (inputs.timeoutSeconds ?? 600) * 1000,
      ...(inputs.environment ? { env: inputs.environment } : {}),
      ...(inputs.stdin !== undefined ? { stdin: inputs.stdin } : {}),
      ...(inputs.acceptExitCodes ? { acceptExitCodes: inputs.acceptExitCodes } : {}),
      ...(inputs.parser ? { parser: inputs.parser } : {}),
      ...(inputs.maxOutputBytes !== undefined ? { maxOutputBytes: inputs.maxOutputBytes } : {}),
      ...(correlationId ? { correlationId } : {}),
    });
    return { result, os };
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
