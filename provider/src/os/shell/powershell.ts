/**
 * PowerShell dialect, the only one in pod: quoting, argv invocation, env/cwd
 * prefixes, the -EncodedCommand form that survives any outer shell (cmd.exe,
 * sh) unchanged, and for transports with stdin (WinRM) the stdin form for
 * scripts too long for a command line, plus the file transfer scripts.
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

const encodedLine = (exe: string, script: string): string =>
  `${exe} -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${psEncode(script)}`;

/**
 * A command line that runs `script` in PowerShell. Base64 of UTF-16LE needs
 * no quoting in any shell; the price is ~2.7× the script's length.
 */
export function psCommandLine(script: string, exe = "powershell.exe", limit = CMD_LINE_LIMIT): string {
  const line = encodedLine(exe, script);
  if (line.length > limit) {
    throw new PodError(
      "INVALID_INPUT",
      `The PowerShell script is too long for one command line (${line.length} characters encoded, limit ${limit}).`,
      { fix: "Upload the script with putFile and run the file, or split it." },
    );
  }
  return line;
}

export interface PowerShellInvocation {
  commandLine: string;
  /** Set when the script travels on stdin. */
  stdin?: Buffer;
}

/**
 * Reads stdin to the end, base64-decodes it as UTF-8 and runs it as a script
 * block: base64 keeps stdin ASCII, so the console code page cannot mangle it,
 * and `exit N` inside the script still sets powershell.exe's exit code.
 */
const STDIN_BOOTSTRAP =
  "$s = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd())); " +
  ". ([ScriptBlock]::Create($s))";

/**
 * For transports that can feed stdin (WinRM): the command line when it fits
 * cmd.exe's limit, else a short fixed bootstrap with the script on stdin.
 */
export function psInvocation(script: string, limit = CMD_LINE_LIMIT): PowerShellInvocation {
  const direct = encodedLine("powershell.exe", script);
  if (direct.length <= limit) return { commandLine: direct };
  return {
    commandLine: encodedLine("powershell.exe", STDIN_BOOTSTRAP),
    stdin: Buffer.from(Buffer.from(PRELUDE + script, "utf8").toString("base64"), "latin1"),
  };
}

/** Writes stdin (base64 of the content) to `path`, replacing the file; parent folders must exist. */
export function psWriteFileFromStdin(path: string): string {
  return `[IO.File]::WriteAllBytes(${psQuote(path)}, [Convert]::FromBase64String([Console]::In.ReadToEnd()))`;
}

/**
 * Writes stdin (base64 of one chunk of a file) to `path` through a FileStream:
 * `append` false creates or truncates the file, true adds to its end. A large
 * file goes as a series of these, so no single command holds it whole.
 */
export function psWriteChunkFromStdin(path: string, append: boolean): string {
  return [
    "$b = [Convert]::FromBase64String([Console]::In.ReadToEnd())",
    `$s = [IO.File]::Open(${psQuote(path)}, '${append ? "Append" : "Create"}')`,
    "try { $s.Write($b, 0, $b.Length) } finally { $s.Dispose() }",
  ].join("; ");
}

/** Prints the file as one base64 line. */
export function psReadFileBase64(path: string): string {
  return `[Convert]::ToBase64String([IO.File]::ReadAllBytes(${psQuote(path)}))`;
}
