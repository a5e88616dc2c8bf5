/**
 * What the user asks to run: an argv (each word quoted for the guest's shell
 * by its OS handler), or a script for a named shell.
 */
import { PodError } from "../common/errors";
import type { OsHandler, OsInfo, ShellName } from "../os/types";

export interface ScriptCommand {
  script: string;
  shell: ShellName;
}

export type PodCommand = readonly string[] | ScriptCommand;

const SHELLS: readonly ShellName[] = ["sh", "bash", "powershell", "cmd"];

export function isScriptCommand(command: PodCommand): command is ScriptCommand {
  return !Array.isArray(command);
}

/** The command line the guest's default shell will parse. */
export function buildCommandLine(command: PodCommand, handler: OsHandler): string {
  if (isScriptCommand(command)) {
    if (!SHELLS.includes(command.shell)) {
      throw new PodError("INVALID_INPUT", `"${command.shell}" is not a shell pod knows.`, {
        fix: `Use one of ${SHELLS.join(", ")}.`,
      });
    }
    if (!command.script.trim()) throw new PodError("INVALID_INPUT", "The script is empty.", { fix: "Give a script." });
    return handler.script(command.script, command.shell);
  }
  return handler.commandLine(command as readonly string[]);
}

/** How results and audit records show a command: argv joined, or the script's first line. */
export function describeCommand(command: PodCommand): string {
  if (!isScriptCommand(command)) return (command as readonly string[]).join(" ");
  const lines = command.script.trim().split(/\r?\n/);
  return `${command.shell}: ${lines[0] ?? ""}${lines.length > 1 ? " …" : ""}`;
}

/** A script for the guest's own shell: sh, or PowerShell on Windows. */
export function defaultShellScript(script: string, os: Pick<OsInfo, "type" | "family">): ScriptCommand {
  return { script, shell: os.type === "windows" || os.family === "windows" ? "powershell" : "sh" };
}

/** A string is a script for the guest's own shell; an argv or { script, shell } is taken as it is. */
export function toPodCommand(command: PodCommand | string, os: Pick<OsInfo, "type" | "family">): PodCommand {
  return typeof command === "string" ? defaultShellScript(command, os) : command;
}
