/**
 * PowerShell dialect: quoting, argv invocation, env/cwd prefixes and the
 * -EncodedCommand form that survives any outer shell (cmd.exe, sh) unchanged.
 */
import { PodError } from "../../common/errors";
import { assertEnvName } from "./posix";

// PowerShell also ends single-quoted strings at the typographic single quotes.
const SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/** A verbatim single-quoted string; quotes inside are doubled. */
export function psQuote(value: string): string {
  if (value.includes("\0")) {
    throw new PodError("INVALID_INPUT", "A PowerShell argument contains a NUL character.", { fix: "Remove it." });
  }
  return `'${value.replace(SINGLE_QUOTES, "$&$&")}'`;
}

/**
 * `& 'prog' 'arg1' …`: the call operator runs a program whose name is a string.
 * Windows PowerShell 5.1 drops empty arguments and does not re-escape embedded
 * double quotes for native programs (PowerShell 7.3+ does); pod passes them as given.
 */
export function psArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new PodError("INVALID_INPUT", "The command is empty.", { fix: "Give a program name." });
  return `& ${argv.map(psQuote).join(" ")}`;
}

export function psEnvPrefix(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      assertEnvName(name);
      return `$env:${name} = ${psQuote(value)}; `;
    })
    .join("");
}

export function psCwdPrefix(cwd: string): string {
  return `Set-Location -LiteralPath ${psQuote(cwd)}; `;
}

/** Progress records would reach stderr as CLIXML over remoting; silence them. */
const PRELUDE = "$ProgressPreference = 'SilentlyContinue'\n";

export function psEncode(script: string): string {
  return Buffer.from(PRELUDE + script, "utf16le").toString("base64");
}

/** cmd.exe takes at most 8191 characters on a command line. */
export const CMD_LINE_LIMIT = 8191;

/**
 * A command line that runs `script` in PowerShell. Base64 of UTF-16LE needs
 * no quoting in any shell; the price is ~2.7× the script's length.
 */
export function psCommandLine(script: string, exe = "powershell.exe", limit = CMD_LINE_LIMIT): string {
  const line = `${exe} -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${psEncode(script)}`;
  if (line.length > limit) {
    throw new PodError(
      "INVALID_INPUT",
      `The PowerShell script is too long for one command line (${line.length} characters encoded, limit ${limit}).`,
      { fix: "Upload the script with putFile and run the file, or split it." },
    );
  }
  return line;
}
