/** Terminal output for the CLI: aligned tables, a progress bar on stderr (TTY only), and errors with their fix. */
import { toPodError } from "../common/errors";

export function table(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? "" : String(c))))];
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
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.#done}/${this.total} ${label.slice(0, 40).padEnd(40)}`,
    );
    if (this.#done === this.total) this.stream.write("\n");
  }
}

/** "error [CODE] message" and "fix: …" on stderr; the exit code for errors is 2. */
export function printError(error: unknown, json: boolean): number {
  const e = toPodError(error);
  if (json) process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message, fix: e.fix } })}\n`);
  else process.stderr.write(`error [${e.code}] ${e.message}\n${e.fix ? `  fix: ${e.fix}\n` : ""}`);
  return 2;
}
