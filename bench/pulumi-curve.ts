/**
 * The Pulumi cost curve: at each N, the trivial dynamic-resource baseline
 * (2N resources), examples/fleet on pod's dynamic resources (N PodVm + N
 * PodCommand) and the same fleet through the provider plugin, in the same
 * run: preview, up, no-op up, destroy, and the peak RSS of each program's
 * provider processes. Only the `pulumi` command is timed: building,
 * installing, `stack select`, `config set` and the checks happen outside the
 * timers. Per program and size: a warm-up preview, then `runs` up→destroy
 * cycles, each up and destroy timed alone and checked (outputs after up; no
 * resource in the state and no VM in vcsim after destroy); while the stack is
 * up in the first cycle, `runs` previews and `runs` no-op ups (checked to
 * change nothing), so nothing is created more often than the cycles need.
 * A wall-clock budget (pulumi-budget.ts) stops the curve before a size that
 * would not fit, and the last row says where and why. Every command starts
 * its own language host and provider processes; "warm" means the caches
 * around them (files, compile caches).
 */

import {
  type BudgetDecision,
  fitsBudget,
  type GuestMemory,
  memoryNote,
  type SizeTime,
  stopNote,
} from "./pulumi-budget";
import { checkNoChanges, checkUpOutputs, failureNote, resourcesLeft } from "./pulumi-checks";
import { availableMemoryBytes, guestContainersMemory, stackExport, stackOutputs, vcsimVms } from "./pulumi-lab-state";
import { type Program, programs } from "./pulumi-programs";
import { timedPulumi } from "./pulumi-timed";
import type { BenchRow } from "./table";

/** The work name of the curve's closing row (where it stopped and why). */
export const CURVE_STOP_WORK = "pulumi cost curve: where it stops";

const mb = (kb: number) => Math.round(kb / 1024);
const side = (p: Program) => (p.name === "baseline" ? "baseline" : "pod");
const work = (op: string, n: number) => `pulumi ${op}, ${n} guests (${2 * n} resources)`;

class Series {
  times: number[] = [];
  peakKb = 0;
  add(r: { ms: number; peakKb: number }): void {
    this.times.push(r.ms);
    this.peakKb = Math.max(this.peakKb, r.peakKb);
  }
}

/**
 * Measures one program at one size; completed rows go to `rows` as they finish, a failure becomes a row too.
 * Returns the sum of its timed ups and destroys (the part the budget scales with N), undefined if it failed.
 */
async function measureProgram(
  program: Program,
  n: number,
  runs: number,
  rows: BenchRow[],
  memory: (m: GuestMemory) => void,
): Promise<number | undefined> {
  const kind = side(program) === "baseline" ? "baseline" : "pod";
  const fail = (why: string) => {
    throw new Error(why);
  };
  const row = (op: string, s: Series, notes: string): BenchRow => {
    const base = rows.find((r) => r.curve?.series === `baseline ${op}` && r.curve.x === n)?.curve?.peakRssMb;
    const floor = kind === "pod" && base !== undefined ? ` (baseline's ${base} MB)` : "";
    return {
      work: work(op, n),
      subject: program.subject(n),
      side: side(program),
      temperature: "warm",
      runsMs: s.times,
      notes: `${notes}; provider peak RSS ${mb(s.peakKb)} MB${floor}`,
      curve: { series: `${program.name} ${op}`, x: n, peakRssMb: mb(s.peakKb) },
    };
  };
  let op = "preview";
  let at = "prepare and warm-up"; // where a failure happened, for its note
  try {
    program.prepare(n);
    await timedPulumi(program, ["preview"]); // warm-up: file and compile caches
    const [preview, up, noop, destroy] = [new Series(), new Series(), new Series(), new Series()];
    const unchanged = 2 * n + 1; // the program's resources and the stack
    let previewAt = rows.length;
    for (let cycle = 1; cycle <= runs; cycle++) {
      at = `cycle ${cycle} of ${runs}`;
      op = "up";
      up.add(await timedPulumi(program, ["up", "--yes", "--skip-preview"]));
      const outputs = checkUpOutputs(kind, n, stackOutputs(program));
      if (outputs) fail(`check after up: ${outputs}`);
      if (cycle === 1) {
        if (program.vmPrefix) {
          const guests = guestContainersMemory(program.vmPrefix);
          memory({ n: guests.count, guestBytes: guests.bytes, availableBytes: availableMemoryBytes() });
        }
        for (const [name, s, args] of [
          ["preview", preview, ["preview"]],
          ["no-op up", noop, ["up", "--yes", "--skip-preview"]],
        ] as const) {
          op = name;
          for (let i = 0; i < runs; i++) {
            const r = await timedPulumi(program, [...args]);
            const changes = checkNoChanges(r.output, unchanged);
            if (changes) fail(`check after ${name} ${i + 1}: ${changes}`);
            s.add(r);
          }
        }
        // Complete now: a later cycle's failure keeps them (up goes between them below, the table's order).
        previewAt = rows.length;
        rows.push(
          row("preview", preview, `${runs} runs with the stack up (checked: no changes), after a warm-up preview`),
          row("no-op up", noop, `${runs} runs with the stack up (checked: nothing changed)`),
        );
      }
      op = "destroy";
      destroy.add(await timedPulumi(program, ["destroy", "--yes", "--skip-preview"]));
      const left = resourcesLeft(stackExport(program));
      if (left.length) fail(`check after destroy: ${left.length} resources left in the state`);
      const vms = program.vmPrefix ? vcsimVms(program.vmPrefix) : [];
      if (vms.length) fail(`check after destroy: ${vms.length} VMs left in vcsim (${vms[0]}…)`);
    }
    const cycles = `${runs} up→destroy cycles after a warm-up preview`;
    const vcsim = kind === "pod" ? " and vcsim holds none of its VMs" : "";
    rows.splice(previewAt + 1, 0, row("up", up, `${cycles}; outputs checked after each`));
    rows.push(row("destroy", destroy, `${cycles}; checked after each: state empty${vcsim}`));
    return [...up.times, ...destroy.times].reduce((a, b) => a + b, 0);
  } catch (error) {
    // A size this program does not hold, or a wrong result: say so in the table; larger sizes will not hold either.
    rows.push({
      work: work(op, n),
      subject: program.subject(n),
      side: side(program),
      temperature: "-",
      runsMs: [],
      notes: `stopped in ${at}: ${failureNote((error as Error).message)}`,
    });
    process.stderr.write(`bench: ${program.name} at ${n} failed: ${(error as Error).message}\n`);
    return undefined;
  } finally {
    program.cleanup();
  }
}

/** `progress` gets the rows so far after each program and size (a run cut short keeps what it measured). */
export async function benchPulumiCurve(
  sizes: number[],
  runs: number,
  budgetMin: number,
  progress: (rows: BenchRow[]) => void = () => undefined,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const all = programs(String(process.pid));
  const stopped = new Map<Program, number>(); // program → the size it failed at
  const t0 = performance.now();
  const used = () => performance.now() - t0;
  let previous: SizeTime | undefined;
  let stop: { n: number; decision: BudgetDecision } | undefined;
  let largestMemory: GuestMemory | undefined;
  const ran: number[] = [];
  try {
    for (const n of sizes) {
      const decision = fitsBudget(previous, n, budgetMin, used());
      if (!decision.fits) {
        stop = { n, decision };
        break;
      }
      const size: SizeTime = { n, wallMs: 0, cyclesMs: 0 }; // the programs that held this size
      for (const program of all) {
        if (stopped.has(program)) continue;
        process.stderr.write(`bench: ${program.name} at ${n} guests…\n`);
        const programStart = performance.now();
        const cyclesMs = await measureProgram(program, n, runs, rows, (m) => {
          if (!largestMemory || m.n >= largestMemory.n) largestMemory = m;
        });
        if (cyclesMs === undefined) stopped.set(program, n);
        else {
          size.wallMs += performance.now() - programStart;
          size.cyclesMs += cyclesMs;
        }
        progress(rows);
      }
      ran.push(n);
      previous = size;
      if (stopped.size === all.length) break; // no program left to run larger sizes
    }
  } finally {
    for (const program of all) program.dispose?.();
  }
  rows.push({
    work: CURVE_STOP_WORK,
    subject: `BENCH_FLEET=${sizes.join(",")}`,
    side: "pod",
    temperature: "-",
    runsMs: [],
    notes: [
      stopNote(stop, budgetMin, used(), ran),
      ...[...stopped].map(([p, at]) => `${p.name} failed at ${at} guests (its row says why), larger sizes skipped`),
      memoryNote(largestMemory, Math.max(...sizes)),
    ].join("; "),
  });
  progress(rows);
  return rows;
}
