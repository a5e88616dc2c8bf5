/**
 * `make bench`: every benchmark, one table. Speed targets live here, never in
 * tests. Each section brings up what it needs and tears it down.
 *   BENCH_RUNS      measured runs per row after a warm-up (default 5)
 *   BENCH_ONLY      comma-separated section names to run (default: all)
 *   BENCH_FLEET     guest counts of the Pulumi cost curve (default 10,20,50,100): the baseline,
 *                   pod's dynamic resources and pod's provider plugin at each
 *   BENCH_PULUMI_RUNS  per program and size: up→destroy cycles (each up and destroy timed alone and
 *                   checked), and previews and no-op ups with the stack up (default BENCH_RUNS)
 *   BENCH_PULUMI_BUDGET_MIN  wall-clock minutes for the Pulumi section (default 60): a size whose
 *                   estimate (the previous size's up→destroy cycles scaled linearly with N, plus the
 *                   rest of its time as it was) does not fit what is left is not started; the
 *                   table's last Pulumi row says where the curve stopped, why, and the guests'
 *                   memory per guest against the machine's available memory
 *   BENCH_GUESTS    guests for the command rows (default 20)
 *   BENCH_NOTE      a line printed above the table (e.g. "machine shared with other jobs")
 *   BENCH_RESULTS   the results file under bench/out (default results.json)
 *   BENCH_MERGE     print one table (and plot) from these results files instead of measuring
 * Rows also go to bench/out/<BENCH_RESULTS> (the Pulumi section's so far to pulumi-partial.json, after
 * each program and size); the cost-curve plot to bench/out/cost-curve.png.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { benchFleetCommands } from "./fleet-commands";
import { startBenchGuests } from "./guests";
import { plotCostCurve } from "./plot";
import { benchPulumiCurve, CURVE_STOP_WORK } from "./pulumi-curve";
import { benchSequential } from "./sequential-commands";
import { type BenchRow, printTable } from "./table";
import { benchVsphereProperties } from "./vsphere-properties";

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const FLEET_GUESTS = Number(process.env.BENCH_GUESTS ?? 20);
const OUT = join(__dirname, "out");

const sections: [string, () => Promise<BenchRow[]>][] = [
  [
    "properties",
    async () => [...(await benchVsphereProperties(500, RUNS, 0)), ...(await benchVsphereProperties(5000, RUNS, 1))],
  ],
  [
    "commands",
    async () => {
      const guests = await startBenchGuests(FLEET_GUESTS);
      try {
        return [...(await benchSequential(guests, RUNS)), ...(await benchFleetCommands(guests, RUNS))];
      } finally {
        await guests.remove();
      }
    },
  ],
  [
    "pulumi",
    () =>
      benchPulumiCurve(
        (process.env.BENCH_FLEET ?? "10,20,50,100").split(",").map(Number),
        Math.max(1, Number(process.env.BENCH_PULUMI_RUNS ?? RUNS)),
        Number(process.env.BENCH_PULUMI_BUDGET_MIN ?? 60),
        (partial) => writeFileSync(join(OUT, "pulumi-partial.json"), `${JSON.stringify(partial, null, 2)}\n`),
      ),
  ],
];

/** The machine's 1, 5 and 15 minute load averages: the run is only as quiet as the machine was. */
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

async function main(): Promise<void> {
  const loadAtStart = load();
  const only = process.env.BENCH_ONLY?.split(",");
  const merge = process.env.BENCH_MERGE?.split(",");
  const rows: BenchRow[] = merge
    ? merge
        .flatMap((f) => JSON.parse(readFileSync(join(OUT, f), "utf8")) as BenchRow[])
        // Each run's closing curve row goes after every run's sizes (the sort is stable).
        .sort((a, b) => Number(a.work === CURVE_STOP_WORK) - Number(b.work === CURVE_STOP_WORK))
    : [];
  const results = join(OUT, process.env.BENCH_RESULTS ?? "results.json");
  mkdirSync(OUT, { recursive: true });
  for (const [name, run] of merge ? [] : sections) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`bench: ${name}…\n`);
    try {
      rows.push(...(await run()));
    } catch (error) {
      // One failing section must not hide the others' rows: say what failed, in the table too.
      process.stderr.write(`bench: ${name} failed: ${(error as Error).stack}\n`);
      rows.push({
        work: name,
        subject: "section failed",
        side: "peer",
        temperature: "-",
        runsMs: [],
        notes: String((error as Error).message).slice(0, 200),
      });
    }
    writeFileSync(results, `${JSON.stringify(rows, null, 2)}\n`);
  }
  const plot = rows.some((r) => r.curve) ? plotCostCurve(rows, join(OUT, "cost-curve.png")) : undefined;
  const header = [
    merge
      ? `pod bench: one table merged from ${merge.join(", ")} (BENCH_MERGE), ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}); BENCH_NOTE says when each was measured`
      : `pod bench: ${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), node ${process.version}, ${RUNS} measured runs per row after a warm-up`,
    process.env.BENCH_NOTE ?? "",
    // A merge measures nothing: the load while it printed would say nothing about the runs.
    merge ? "" : `load average (1 / 5 / 15 min): ${loadAtStart} at the start, ${load()} at the end`,
    "ratio = pod's median / the best peer (or baseline) row's median for the same work (< 1: pod is faster)",
    plot ? `cost-curve plot: ${relative(join(__dirname, ".."), plot)}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  printTable(rows, header);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
