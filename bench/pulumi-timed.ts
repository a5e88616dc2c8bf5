/**
 * One timed `pulumi` command: only the command is inside the timer; the
 * program's provider processes are sampled meanwhile for their peak RSS.
 */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import type { Program } from "./pulumi-programs";

export interface Timed {
  ms: number;
  peakKb: number;
  /** The last 20,000 characters of its output (the summary is at the end). */
  output: string;
}

/** Runs one timed pulumi command and samples the program's provider processes meanwhile. */
export function timedPulumi(program: Program, args: string[]): Promise<Timed> {
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
    let ms = 0;
    // The timer stops at exit; the result waits for the output pipes to drain (the summary comes last).
    p.on("exit", () => {
      ms = performance.now() - t0;
      clearInterval(sampler);
    });
    p.on("close", (code) => {
      if (code === 0) resolve({ ms, peakKb, output });
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
