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

function assertOneLine(value: string, what: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new PodError("INVALID_INPUT", `${what} contains a line break or NUL, which cmd.exe cannot pass on.`, {
      fix: "Use a PowerShell script ({ script, shell: 'powershell' }) for multi-line values.",
    });
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
  assertOneLine(arg, "A command argument");
  return cmdEscape(msvcQuote(arg));
}

/**
 * The program name is quoted plainly: cmd.exe finds the program by the first
 * token, and caret-escaped quotes would let a space split "C:\Program Files\…".
 */
export function cmdProgram(program: string): string {
  assertOneLine(program, "The program name");
  if (program.includes('"')) {
    throw new PodError("INVALID_INPUT", "A program name cannot contain a double quote on Windows.", {
      fix: "Check the program path.",
    });
  }
  return program.length > 0 && !/[\s()%!^<>&|]/.test(program) ? program : `"${program}"`;
}

export function cmdArgv(argv: readonly string[]): string {
  const [program, ...args] = argv;
  if (program === undefined) {
    throw new PodError("INVALID_INPUT", "The command is empty.", { fix: "Give a program name." });
  }
  return [cmdProgram(program), ...args.map(cmdQuoteArg)].join(" ");
}

/** `set A=v&& `: no space before `&&`, or the value would end in one. An empty value unsets. */
export function cmdEnvPrefix(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      assertEnvName(name);
      assertOneLine(value, `The value of ${name}`);
      return `set ${name}=${cmdEscape(value)}&& `;
    })
    .join("");
}

export function cmdCwdPrefix(cwd: string): string {
  return `cd /d ${cmdQuoteArg(cwd)}&& `;
}
