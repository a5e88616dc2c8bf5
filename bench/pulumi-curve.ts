/**
 * The Pulumi cost curve: examples/fleet (N guests + N commands) against the
 * baseline program (2N trivial dynamic resources, bench/baseline) at each N,
 * in the same run: preview, up, no-op up, destroy, and the peak RSS of the
 * dynamic-provider processes. Only the `pulumi` command is timed: building,
 * installing, `stack select` and `config set` happen before the timers.
 * preview and no-op up are repeated `runs` times; up and destroy once per N
 * (each is a whole fleet's life), which the runs column says.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import type { BenchRow } from "./table";

const REPO = join(__dirname, "..");

interface Program {
  name: "pod fleet" | "baseline";
  dir: string;
  stack: string;
  /** Resources for this N. */
  count: (n: number) => number;
  /** Untimed: build, install, select the stack, write config. */
  prepare: (n: number) => void;
}

function sh(what: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${(r.stderr || r.stdout).slice(-1500)}`);
  return r.stdout;
}

/** Runs one timed pulumi command and samples the program's dynamic-provider processes meanwhile. */
function timedPulumi(dir: string, stack: string, args: string[]): Promise<{ ms: number; peakKb: number }> {
  return new Promise((resolve, reject) => {
    let peakKb = 0;
    const sampler = setInterval(() => {
      peakKb = Math.max(peakKb, providerRssKb(dir));
    }, 100);
    const t0 = performance.now();
    let output = "";
    const p = spawn("pulumi", [...args, "--stack", stack, "--non-interactive"], { cwd: dir });
    p.stdout.on("data", (d: Buffer) => {
      output = (output + d).slice(-20_000);
    });
    p.stderr.on("data", (d: Buffer) => {
      output = (output + d).slice(-20_000);
    });
    p.on("exit", (code) => {
      const ms = performance.now() - t0;
      clearInterval(sampler);
      if (code === 0) resolve({ ms, peakKb });
      else reject(new Error(`pulumi ${args.join(" ")} exited ${code}: ${output.slice(-2000)}`));
    });
  });
}

/** Sum of the RSS high-water marks of the dynamic-provider processes running in `dir` (ours, not other jobs'). */
function providerRssKb(dir: string): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
      if (readlinkSync(`/proc/${pid}/cwd`) !== dir) continue;
      total += Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

function programs(tag: string): Program[] {
  const fleetDir = join(REPO, "examples/fleet");
  const baselineDir = join(REPO, "bench/baseline");
  const fleetStack = `bench-${tag}`;
  const baseStack = `bench-base-${tag}`;
  return [
    {
      name: "baseline",
      dir: baselineDir,
      stack: baseStack,
      count: (n) => 2 * n,
      prepare: (n) => {
        sh("stack select", "pulumi", ["stack", "select", "--create", baseStack, "--non-interactive"], baselineDir);
        sh("config", "pulumi", ["config", "set", "count", String(2 * n), "--stack", baseStack], baselineDir);
      },
    },
    {
      name: "pod fleet",
      dir: fleetDir,
      stack: fleetStack,
      count: (n) => 2 * n,
      // run.sh builds pod, installs the example, selects the stack and writes the lab's config.
      prepare: (n) =>
        sh(
          "examples/run.sh",
          "bash",
          [join(REPO, "examples/run.sh"), "fleet", "config", "set", "count", String(n)],
          REPO,
          {
            ...process.env,
            POD_STACK: fleetStack,
          },
        ),
    },
  ];
}

export async function benchPulumiCurve(sizes: number[], runs: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const tag = String(process.pid);
  for (const n of sizes) {
    for (const program of programs(tag)) {
      const work = (op: string) => `pulumi ${op}, ${n} guests (${program.count(n)} resources)`;
      const side = program.name === "baseline" ? "baseline" : "pod";
      const subject =
        program.name === "baseline"
          ? `baseline: ${program.count(n)} trivial dynamic resources`
          : `pod fleet: ${n} PodVm + ${n} PodCommand`;
      const run = (args: string[]) => timedPulumi(program.dir, program.stack, args);
      try {
        program.prepare(n);
        await run(["preview"]); // warm-up: plugin and module caches
        const preview: number[] = [];
        let previewPeak = 0;
        for (let i = 0; i < runs; i++) {
          const r = await run(["preview"]);
          preview.push(r.ms);
          previewPeak = Math.max(previewPeak, r.peakKb);
        }
        const up = await run(["up", "--yes", "--skip-preview"]);
        const noop: number[] = [];
        let noopPeak = 0;
        for (let i = 0; i < runs; i++) {
          const r = await run(["up", "--yes", "--skip-preview"]);
          noop.push(r.ms);
          noopPeak = Math.max(noopPeak, r.peakKb);
        }
        const destroy = await run(["destroy", "--yes", "--skip-preview"]);
        const mb = (kb: number) => Math.round(kb / 1024);
        const add = (op: string, times: number[], peakKb: number, notes = "") =>
          rows.push({
            work: work(op),
            subject,
            side,
            temperature: "-",
            runsMs: times,
            notes: `${notes}${notes ? "; " : ""}provider peak RSS ${mb(peakKb)} MB`,
            curve: { series: `${program.name} ${op}`, x: n, peakRssMb: mb(peakKb) },
          });
        add("preview", preview, previewPeak, "no changes");
        add("up", [up.ms], up.peakKb, "creates everything");
        add("no-op up", noop, noopPeak, "nothing changed");
        add("destroy", [destroy.ms], destroy.peakKb);
      } catch (error) {
        rows.push({
          work: work("up"),
          subject,
          side,
          temperature: "-",
          runsMs: [],
          notes: `stopped: ${(error as Error).message.slice(0, 300)}`,
        });
        process.stderr.write(`bench: ${program.name} at ${n} failed: ${(error as Error).message}\n`);
        cleanup(program);
        return rows; // larger N will not hold either
      }
      cleanup(program);
    }
  }
  return rows;
}

function cleanup(program: Program): void {
  spawnSync("pulumi", ["destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", program.stack], {
    cwd: program.dir,
  });
  spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--non-interactive", "--stack", program.stack], {
    cwd: program.dir,
  });
}
