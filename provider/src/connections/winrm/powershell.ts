/**
 * PowerShell command lines for WinRS (pure string building, no I/O).
 *
 * Short scripts run as `powershell.exe … -EncodedCommand <base64 UTF-16LE>`.
 * cmd.exe refuses command lines over 8191 characters and the encoding grows
 * a script ~2.7×, so scripts whose command line would pass LONG_SCRIPT_LIMIT
 * go through stdin instead: a fixed bootstrap (itself -EncodedCommand) reads
 * stdin to the end, base64-decodes it as UTF-8 and runs it as a script block.
 * Base64 keeps stdin pure ASCII, so the console code page cannot mangle it.
 * `exit N` inside the script still sets powershell.exe's exit code.
 */
export const POWERSHELL = "powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass";
/** Below cmd.exe's 8191-character limit, with room for the prefix. */
export const LONG_SCRIPT_LIMIT = 8000;

/** Progress records would reach stderr as CLIXML noise; every script starts by silencing them. */
const PRELUDE = "$ProgressPreference = 'SilentlyContinue'\n";

export const encodePowerShell = (script: string): string => Buffer.from(script, "utf16le").toString("base64");

export interface PowerShellInvocation {
  commandLine: string;
  /** Set when the script travels on stdin. */
  stdin?: Buffer;
}

const STDIN_BOOTSTRAP =
  "$ProgressPreference = 'SilentlyContinue'; " +
  "$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd())); " +
  ". ([ScriptBlock]::Create($s))";

export function powerShellInvocation(script: string, limit = LONG_SCRIPT_LIMIT): PowerShellInvocation {
  const direct = `${POWERSHELL} -EncodedCommand ${encodePowerShell(PRELUDE + script)}`;
  if (direct.length <= limit) return { commandLine: direct };
  return {
    commandLine: `${POWERSHELL} -EncodedCommand ${encodePowerShell(STDIN_BOOTSTRAP)}`,
    stdin: Buffer.from(Buffer.from(PRELUDE + script, "utf8").toString("base64"), "latin1"),
  };
}

/** A PowerShell single-quoted string literal ('' escapes a quote; no expansion inside). */
export const psQuote = (text: string): string => `'${text.replace(/['‘’‚‛]/g, "$&$&")}'`;

/** Writes stdin (base64 of the content) to `path`, replacing the file; parent folders must exist. */
export function putFileScript(path: string): string {
  return `[IO.File]::WriteAllBytes(${psQuote(path)}, [Convert]::FromBase64String([Console]::In.ReadToEnd()))`;
}

/** Prints the file as one base64 line. */
export function getFileScript(path: string): string {
  return `[Convert]::ToBase64String([IO.File]::ReadAllBytes(${psQuote(path)}))`;
}
