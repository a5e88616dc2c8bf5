/**
 * What the user asks to run: an argv (each word quoted for the guest's shell
 * by its OS handler), or a script for a named shell. Any argv word, or the
 * whole script, may be a Secret: it is revealed only into the command line
 * handed to the connection, and every description shows it as "***".
 */
import { PodError } from "../common/errors";
import { display, isSecret, type MaybeSecret, revealValue, secretFingerprint } from "../common/secret";
import type { OsHandler, OsInfo, ShellName } from "../os/types";

export interface ScriptCommand {
  script: MaybeSecret;
  shell: ShellName;
}

export type PodCommand = readonly MaybeSecret[] | ScriptCommand;

const SHELLS: readonly ShellName[] = ["sh", "bash", "powershell", "cmd"];

export function isScriptCommand(command: PodCommand): command is ScriptCommand {
  return !Array.isArray(command);
}

/** The command line the guest's default shell will parse; the only place its secrets are revealed. */
export function buildCommandLine(command: PodCommand, handler: OsHandler): string {
  if (isScriptCommand(command)) {
    if (!SHELLS.includes(command.shell)) {
      throw new PodError("INVALID_INPUT", `"${command.shell}" is not a shell pod knows.`, {
        fix: `Use one of ${SHELLS.join(", ")}.`,
      });
    }
    const script = revealValue(command.script);
    if (!script.trim()) throw new PodError("INVALID_INPUT", "The script is empty.", { fix: "Give a script." });
    return handler.script(script, command.shell);
  }
  return handler.commandLine((command as readonly MaybeSecret[]).map(revealValue));
}

/** How results and audit records show a command: argv joined, or the script's first line; Secrets as "***". */
export function describeCommand(command: PodCommand): string {
  if (!isScriptCommand(command)) return (command as readonly MaybeSecret[]).map(display).join(" ");
  if (isSecret(command.script)) return `${command.shell}: ***`;
  const lines = command.script.trim().split(/\r?\n/);
  return `${command.shell}: ${lines[0] ?? ""}${lines.length > 1 ? " …" : ""}`;
}

export function hasSecretParts(command: PodCommand): boolean {
  return isScriptCommand(command) ? isSecret(command.script) : command.some(isSecret);
}

/** A cache key that tells commands apart, secret parts by a keyed hash (never the value itself). */
export function commandKey(command: PodCommand): string {
  const part = (v: MaybeSecret) => (isSecret(v) ? { secret: secretFingerprint(v) } : v);
  return JSON.stringify(isScriptCommand(command) ? { ...command, script: part(command.script) } : command.map(part));
}

/** A script for the guest's own shell: sh, or PowerShell on Windows. */
export function defaultShellScript(script: MaybeSecret, os: Pick<OsInfo, "type" | "family">): ScriptCommand {
  return { script, shell: os.type === "windows" || os.family === "windows" ? "powershell" : "sh" };
}

/** A string (or a secret one) is a script for the guest's own shell; an argv or { script, shell } is taken as it is. */
export function toPodCommand(command: PodCommand | MaybeSecret, os: Pick<OsInfo, "type" | "family">): PodCommand {
  return typeof command === "string" || isSecret(command) ? defaultShellScript(command, os) : command;
}
