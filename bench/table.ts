/**
 * Bench rows and the one table `make bench` prints. Every measured row keeps
 * all its runs (min / median / max), says whether it is cold or warm, and,
 * when it is pod's, its ratio to the best peer row of the same work.
 */
export type Temperature = "cold" | "warm" | "-";

export interface BenchRow {
  /** The work; rows with the same work are compared with each other. */
  work: string;
  subject: string;
  /** pod's own rows are compared against the best peer row of the same work. */
  side: "pod" | "peer" | "baseline";
  temperature: Temperature;
  /** Wall times of the measured runs (warm-up excluded), ms. Empty: not measured (notes say why). */
  runsMs: number[];
  /** Divide the times by this for the per-unit column (e.g. 100 commands → per command). */
  perUnit?: { count: number; unit: string };
  notes?: string;
  /** A point of the cost curve: which series, at what size (plotted by bench/plot.ts). */
  curve?: { series: string; x: number; peakRssMb?: number };
}

const median = (sorted: number[]) => {
  if (!sorted.length) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export function stats(runsMs: number[]): { min: number; median: number; max: number } {
  const sorted = [...runsMs].sort((a, b) => a - b);
  return { min: sorted[0] ?? Number.NaN, median: median(sorted), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Times `runs` runs of fn after `warmups` unmeasured ones; `before` runs untimed ahead of each (cold setup). */
export async function measure(
  runs: number,
  fn: () => Promise<unknown>,
  options: { warmups?: number; before?: () => Promise<unknown> | unknown } = {},
): Promise<number[]> {
  for (let i = 0; i < (options.warmups ?? 1); i++) {
    await options.before?.();
    await fn();
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    await options.before?.();
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

const fmt = (ms: number) =>
  Number.isNaN(ms) ? "-" : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

/** pod's median over the best (lowest median) peer row of the same work: < 1 means pod is faster. */
function ratio(row: BenchRow, rows: BenchRow[]): string {
  if (row.side !== "pod" || !row.runsMs.length) return "";
  const peers = rows.filter((r) => r.work === row.work && r.side !== "pod" && r.runsMs.length);
  if (!peers.length) return "";
  const best = peers.reduce((a, b) => (stats(a.runsMs).median <= stats(b.runsMs).median ? a : b));
  return `${(stats(row.runsMs).median / stats(best.runsMs).median).toFixed(2)}x of ${best.subject}`;
}

/** Prints rows as one aligned plain-text table, grouped by work (in order of first appearance). */
export function printTable(unordered: BenchRow[], header: string): void {
  const order = [...new Set(unordered.map((r) => r.work))];
  const rows = [...unordered].sort((a, b) => order.indexOf(a.work) - order.indexOf(b.work));
  const cells = rows.map((r) => {
    const s = stats(r.runsMs);
    const per = r.perUnit && r.runsMs.length ? `${fmt(s.median / r.perUnit.count)}/${r.perUnit.unit}` : "";
    return [
      r.work,
      r.subject,
      r.temperature,
      r.runsMs.length ? String(r.runsMs.length) : "not run",
      fmt(s.min),
      fmt(s.median),
      fmt(s.max),
      per,
      ratio(r, rows),
      r.notes ?? "",
    ];
  });
  const head = [
    "work",
    "subject",
    "cold/warm",
    "runs",
    "min",
    "median",
    "max",
    "median per unit",
    "pod / best peer",
    "notes",
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  console.log(header);
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  let last = "";
  for (const [i, c] of cells.entries()) {
    const work = rows[i]?.work ?? "";
    if (last && work !== last) console.log("");
    last = work;
    console.log(line(c));
  }
}
