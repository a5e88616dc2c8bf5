/**
 * cmd.exe dialect. An argument goes through two parsers: cmd.exe (metacharacters,
 * %VAR% expansion) and then the program's CommandLineToArgvW rules. So each
 * argument is first quoted for CommandLineToArgvW, then every cmd metacharacter,
 * quotes included, is escaped with a caret (D. Colascione, "Everyone quotes
 * command line arguments the wrong way").
 */
import { PodError } from "../../common/errors";
import { assertEnvName } from "./posix";

const CMD_META = /[()%!^"<>&|]/g;

/**
 * Characters that Windows' "best fit" ANSI conversion turns into a double
 * quote, a backslash or a space when a program reads its command line through
 * the ANSI API (GetCommandLineA, a narrow `main`): U+FF02 becomes `"` after pod
 * quoted the argument, and splits it ("WorstFit", 2025). They cannot be
 * escaped for a conversion that happens after quoting, so they are refused.
 */
const BEST_FIT = new Set([
  0xa0, 0xa5, 0x2ba, 0x2dd, 0x2ee, 0x30e, 0x5f4, 0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x2036, 0x20a9, 0x2216, 0x3000,
  0x3003, 0xfe68, 0xff02, 0xff3c,
]);

function assertOneLine(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new PodError("INVALID_INPUT", `${what} contains a line break or NUL, which cmd.exe cannot pass on.`, {
      fix: "Use a PowerShell script ({ script, shell: 'powershell' }) for multi-line values.",
    });
  }
}

/**
 * What no cmd.exe escaping makes safe: `!` (with delayed expansion on, the
 * guest's registry choice, `!x!` expands and a lone `!` vanishes, caret or
 * not) and best-fit look-alikes of `"`, `\` and space.
 */
function assertCmdSafe(value: string, what: string): void {
  assertOneLine(value, what);
  const fit = [...value].map((ch) => ch.codePointAt(0) ?? 0).find((cp) => BEST_FIT.has(cp));
  if (fit !== undefined) {
    const code = `U+${fit.toString(16).toUpperCase().padStart(4, "0")}`;
    throw new PodError(
      "INVALID_INPUT",
      `${what} contains ${code}, which Windows' best-fit conversion turns into a quote, backslash or space.`,
      {
        fix: "Use the plain ASCII character, or pass the value in the environment (never on a command line).",
      },
    );
  }
  if (value.includes("!")) {
    throw new PodError(
      "INVALID_INPUT",
      `${what} contains "!", which cmd.exe drops or expands when delayed expansion is on.`,
      {
        fix: "Pass the value in the environment (environment / env), or use a PowerShell script.",
      },
    );
  }
}

/** CommandLineToArgvW quoting: backslashes double only before a quote. */
export function msvcQuote(arg: string): string {
  if (arg.length > 0 && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === "\\") {
      slashes++;
      continue;
    }
    if (ch === '"') out += `${"\\".repeat(slashes * 2 + 1)}"`;
    else out += "\\".repeat(slashes) + ch;
    slashes = 0;
  }
  return `${out}${"\\".repeat(slashes * 2)}"`;
}

/** Carets before cmd.exe metacharacters; on a command line (not in a .cmd file) `^%` stops expansion. */
export function cmdEscape(value: string): string {
  return value.replace(CMD_META, "^$&");
}

export function cmdQuoteArg(arg: string): string {
  assertCmdSafe(arg, "A command argument");
  return cmdEscape(msvcQuote(arg));
}

/**
 * The program name is quoted plainly: cmd.exe finds the program by the first
 * token, and caret-escaped quotes would let a space split "C:\Program Files\…".
 * Inside those quotes carets are literal, so `%VAR%` (expanded even there) and
 * `!` cannot be escaped: they are refused.
 */
export function cmdProgram(program: string): string {
  assertCmdSafe(program, "The program name");
  if (/["%]/.test(program)) {
    throw new PodError("INVALID_INPUT", 'A program name cannot contain a double quote or "%" on Windows.', {
      fix: "Give the program's resolved path (cmd.exe would expand %VAR% in it).",
    });
  }
  return program.length > 0 && !/[\s()^<>&|]/.test(program) ? program : `"${program}"`;
}

/**
 * An argv as the line `cmd /c` gets. When a line starts with a quote (a
 * quoted program), cmd /c without /S strips its first and last quote unless
 * exactly two are left (the "old behavior" of `cmd /?`), cutting the quoting
 * of the last argument; a server that wraps the line in quotes itself makes
 * that strip happen on its pair instead. Pod starts such a line with `@` (the
 * echo-off prefix, a no-op here), so its first character is never a quote and
 * the line survives both.
 */
export function cmdArgv(argv: readonly string[]): string {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new PodError("INVALID_INPUT", "The command is empty.", { fix: "Give a program name." });
  }
  const line = [cmdProgram(program), ...args.map(cmdQuoteArg)].join(" ");
  return line.startsWith('"') ? `@${line}` : line;
}

/** `set A=v&& `: no space before `&&`, or the value would end in one. An empty value unsets. */
export function cmdEnvPrefix(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      assertEnvName(name);
      assertCmdSafe(value, `The value of ${name}`);
      return `set ${name}=${cmdEscape(value)}&& `;
    })
    .join("");
}

export function cmdCwdPrefix(cwd: string): string {
  return `cd /d ${cmdQuoteArg(cwd)}&& `;
}
