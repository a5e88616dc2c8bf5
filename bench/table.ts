/** A benchmark row: what was measured, by whom, and the figures. */
export interface BenchRow {
  benchmark: string;
  subject: string;
  /** Undefined: not measured here (the notes say why). */
  wallMs?: number;
  /** Anything else worth a column: round trips, ratio to a baseline, memory. */
  notes?: string;
}

/** Prints rows as an aligned plain-text table. */
export function printTable(rows: BenchRow[]): void {
  const cells = rows.map((r) => [
    r.benchmark,
    r.subject,
    r.wallMs === undefined ? "not run" : `${r.wallMs.toFixed(0)} ms`,
    r.notes ?? "",
  ]);
  const header = ["benchmark", "subject", "wall time", "notes"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const c of cells) console.log(line(c));
}

/** Median wall time of `runs` runs of `fn` (after one warm-up run). */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
