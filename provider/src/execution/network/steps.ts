/**
 * Reading the guest's network and running planned changes as one step
 * script, over a GuestShell. Failures become NetworkConfigErrors with the
 * failing step's own output (classified the same way on every OS).
 */
import { PodError } from "../../common/errors";
import { failureError } from "../../network/classify";
import { linuxCommand, linuxStepsScript } from "../../network/linux/commands";
import { LINUX_READ_SCRIPT, parseLinuxState } from "../../network/linux/read";
import type { NetworkChange } from "../../network/plan";
import type { NetworkState } from "../../network/state";
import { parseStepOutput } from "../../network/steps";
import { windowsCommand, windowsStepsScript } from "../../network/windows/commands";
import { parseWindowsState, WINDOWS_READ_SCRIPT } from "../../network/windows/read";
import type { GuestShell } from "./guest-shell";

const hostOf = (target: string) => target.replace(/^\[?([^\]]+?)\]?(:\d+)?$/, "$1");

export async function readNetworkState(shell: GuestShell): Promise<NetworkState> {
  const script = shell.kind === "linux" ? LINUX_READ_SCRIPT : WINDOWS_READ_SCRIPT;
  const out = await shell.run(script, { timeoutMs: 60_000 });
  if (out.exitCode !== 0) {
    throw new PodError("COMMAND_FAILED", `Reading the guest's network failed (exit ${out.exitCode ?? "none"}).`, {
      fix: "Check that the guest has iproute2 (Linux) or the NetTCPIP cmdlets (Windows).",
      details: { stdout: out.stdout.slice(0, 2000), stderr: out.stderr.slice(0, 2000) },
    });
  }
  const transport = shell.connection.transport;
  const state =
    shell.kind === "linux"
      ? parseLinuxState(out.stdout)
      : parseWindowsState(out.stdout, transport === "winrm" ? hostOf(shell.connection.target) : undefined);
  // Docker exec and guest operations do not use the guest's network: there is no branch to cut.
  if (transport !== "ssh" && transport !== "winrm") delete state.management;
  return state;
}

export const commandFor = (shell: Pick<GuestShell, "kind">, c: NetworkChange): string =>
  shell.kind === "linux" ? linuxCommand(c) : windowsCommand(c);

export function stepsScript(shell: Pick<GuestShell, "kind">, commands: string[], continueOnError = false): string {
  return shell.kind === "linux"
    ? linuxStepsScript(commands, { continueOnError })
    : windowsStepsScript(commands, { continueOnError });
}

/** Runs the changes in order; throws the classified error of the first that fails. */
export async function runChanges(shell: GuestShell, changes: NetworkChange[], commands: string[]): Promise<void> {
  if (commands.length === 0) return;
  const out = await shell.run(stepsScript(shell, commands), { root: true, timeoutMs: 180_000 });
  const report = parseStepOutput(out.stdout, out.stderr);
  if (report.done && !report.failed && out.exitCode === 0) return;
  const index = report.failed?.step ?? report.completed.length;
  const change = changes[index] ?? changes[0];
  if (!change) return;
  throw failureError(
    {
      change,
      command: commands[index] ?? "",
      exitCode: report.failed?.exitCode ?? out.exitCode,
      output: report.failed?.output || out.stderr.trim() || out.stdout.trim() || (out.timedOut ? "timed out" : ""),
    },
    { completedSteps: report.completed.length },
  );
}

/** Runs every command, failures included (rollbacks, cleanup): returns the output for the record. */
export async function runBestEffort(shell: GuestShell, commands: string[]): Promise<string> {
  if (commands.length === 0) return "";
  const out = await shell.run(stepsScript(shell, commands, true), { root: true, timeoutMs: 180_000 });
  return `${out.stdout}\n${out.stderr}`.trim();
}
