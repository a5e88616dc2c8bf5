/**
 * The Pulumi cost curve: at each N, the trivial dynamic-resource baseline
 * (2N resources), examples/fleet on pod's dynamic resources (N PodVm + N
 * PodCommand) and the same fleet through the provider plugin, in the same
 * run: preview, up, no-op up, destroy, and the peak RSS of each program's
 * provider processes. Only the `pulumi` command is timed: building,
 * installing, `stack select` and `config set` happen before the timers.
 * preview and no-op up are repeated `runs` times after a warm-up preview; up
 * and destroy once per N (each is a whole fleet's life), which the runs
 * column says. Every command starts its own language host and provider
 * processes; "warm" means the caches around them (files, compile caches).
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { type Program, programs } from "./pulumi-programs";
import type { BenchRow } from "./table";

/** Runs one timed pulumi command and samples the program's provider processes meanwhile. */
function timedPulumi(program: Program, args: string[]): Promise<{ ms: number; peakKb: number }> {
  return new Promise((resolve, reject) => {
    let peakKb = 0;
    const sampler = setInterval(() => {
      peakKb = Math.max(peakKb, providerRssKb(program));
    }, 100);
    const t0 = performance.now();
    let output = "";
    const p = spawn("pulumi", [...args, "--stack", program.stack, "--non-interactive"], {
      cwd: program.dir,
      env: program.env,
    });
    const keep = (d: Buffer) => {
      output = (output + d).slice(-20_000);
    };
    p.stdout.on("data", keep);
    p.stderr.on("data", keep);
    p.on("exit", (code) => {
      const ms = performance.now() - t0;
      clearInterval(sampler);
      if (code === 0) resolve({ ms, peakKb });
      else reject(new Error(`pulumi ${args.join(" ")} exited ${code}: ${output.slice(-2000)}`));
    });
  });
}

/** Sum of the RSS high-water marks (VmHWM) of the program's provider processes (ours, not other jobs'). */
function providerRssKb(program: Program): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes("dynamic-provider") && !cmdline.includes("pulumi-resource-pod")) continue;
      if (!program.isProvider(cmdline, readlinkSync(`/proc/${pid}/cwd`))) continue;
      total += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

const mb = (kb: number) => Math.round(kb / 1024);

async function measureProgram(program: Program, n: number, runs: number): Promise<BenchRow[]> {
  const resources = 2 * n;
  const work = (op: string) => `pulumi ${op}, ${n} guests (${resources} resources)`;
  const side = program.name === "baseline" ? "baseline" : "pod";
  const run = (args: string[]) => timedPulumi(program, args);
  program.prepare(n);
  await run(["preview"]); // warm-up: file and compile caches
  const repeat = async (args: string[]) => {
    const times: number[] = [];
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      const r = await run(args);
      times.push(r.ms);
      peak = Math.max(peak, r.peakKb);
    }
    return { times, peak };
  };
  const preview = await repeat(["preview"]);
  const up = await run(["up", "--yes", "--skip-preview"]);
  const noop = await repeat(["up", "--yes", "--skip-preview"]);
  const destroy = await run(["destroy", "--yes", "--skip-preview"]);
  const row = (op: string, times: number[], peakKb: number, notes: string): BenchRow => ({
    work: work(op),
    subject: program.subject(n),
    side,
    temperature: "warm",
    runsMs: times,
    notes: `${notes}; provider peak RSS ${mb(peakKb)} MB`,
    curve: { series: `${program.name} ${op}`, x: n, peakRssMb: mb(peakKb) },
  });
  return [
    row("preview", preview.times, preview.peak, "no changes (after a warm-up preview)"),
    row("up", [up.ms], up.peakKb, "creates everything; one run per size"),
    row("no-op up", noop.times, noop.peak, "nothing changed"),
    row("destroy", [destroy.ms], destroy.peakKb, "deletes everything; one run per size"),
  ];
}

/** `progress` gets the rows so far after each program and size (a run cut short keeps what it measured). */
export async function benchPulumiCurve(
  sizes: number[],
  runs: number,
  progress: (rows: BenchRow[]) => void = () => undefined,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const all = programs(String(process.pid));
  const stopped = new Set<Program>();
  try {
    for (const n of sizes) {
      for (const program of all) {
        if (stopped.has(program)) continue;
        process.stderr.write(`bench: ${program.name} at ${n} guests…\n`);
        try {
          rows.push(...(await measureProgram(program, n, runs)));
        } catch (error) {
          // A size this program does not hold: say so in the table; larger sizes will not hold either.
          rows.push({
            work: `pulumi up, ${n} guests (${2 * n} resources)`,
            subject: program.subject(n),
            side: program.name === "baseline" ? "baseline" : "pod",
            temperature: "-",
            runsMs: [],
            notes: `stopped: ${(error as Error).message.slice(0, 300)}`,
          });
          process.stderr.write(`bench: ${program.name} at ${n} failed: ${(error as Error).message}\n`);
          stopped.add(program);
        } finally {
          program.cleanup();
        }
        progress(rows);
      }
    }
  } finally {
    for (const program of all) program.dispose?.();
  }
  return rows;
}
