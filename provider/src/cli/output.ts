/**
 * Terminal output for the CLI: aligned tables, a progress bar on stderr (TTY
 * only), and errors with their fix. Human output passes through `sanitize`:
 * guest output, VM names and error messages come from machines pod does not
 * control, and escape sequences in them could rewrite the screen, the window
 * title or the clipboard. `--json` output is left exact (JSON escapes controls).
 */
import { toPodError } from "../common/errors";

/**
 * C0 controls but \n and \t, DEL, C1 controls (U+0080–U+009F: 8-bit CSI and
 * friends), and bidirectional overrides and isolates (text that displays in
 * another order than it reads).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this regex's purpose.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Text safe to print on a terminal: each unsafe character shown as \xHH or \uHHHH; CRLF becomes LF. */
export function sanitize(text: string): string {
  return text.replace(/\r\n/g, "\n").replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? "" : sanitize(String(c)))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells
    .map((r) =>
      r
        .map((c, i) => (c ?? "").padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** A one-line bar redrawn in place; silent when stderr is not a terminal (CI logs, pipes). */
export class ProgressBar {
  #done = 0;
  constructor(
    readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(label: string): void {
    this.#done++;
    if (!this.stream.isTTY) return;
    const width = 30;
    const filled = Math.round((this.#done / this.total) * width);
    this.stream.write(
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.#done}/${this.total} ${sanitize(label).slice(0, 40).padEnd(40)}`,
    );
    if (this.#done === this.total) this.stream.write("\n");
  }
}

/** "error [CODE] message" and "fix: …" on stderr; the exit code for errors is 2. */
export function printError(error: unknown, json: boolean): number {
  const e = toPodError(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message, fix: e.fix } })}\n`);
  else process.stderr.write(sanitize(`error [${e.code}] ${e.message}\n${e.fix ? `  fix: ${e.fix}\n` : ""}`));
  return 2;
}
