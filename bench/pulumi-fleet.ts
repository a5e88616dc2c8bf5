import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchRow } from "./table";

const N = 20;
const repo = join(__dirname, "..");

/**
 * Issue 6: wall time of `pulumi preview` and `pulumi up` of examples/fleet
 * with 20 guests, and the peak memory of the dynamic-provider processes.
 * (The @pulumi/command side of the comparison is not run: its provider is
 * not served by the Go module proxy here; see the issue notes.)
 */
export async function benchPulumiFleet(): Promise<BenchRow[]> {
  const stack = `bench${process.pid}`;
  // Asynchronous, so the memory sampler below keeps running while Pulumi works.
  const run = (...args: string[]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      let output = "";
      const p = spawn("bash", [join(repo, "examples/run.sh"), "fleet", ...args], {
        env: { ...process.env, POD_STACK: stack },
      });
      p.stdout.on("data", (d: Buffer) => {
        output += d;
      });
      p.stderr.on("data", (d: Buffer) => {
        output += d;
      });
      p.on("exit", (code) =>
        code === 0
          ? resolve(performance.now() - t0)
          : reject(new Error(`fleet ${args.join(" ")} exited ${code}: ${output}`)),
      );
    });
  const peak = { kb: 0 };
  const sampler = setInterval(() => {
    peak.kb = Math.max(peak.kb, providerPeakKb());
  }, 200);
  try {
    await run("config", "set", "count", String(N));
    const preview = await run("preview");
    const up = await run("up");
    const noop = await run("up");
    const destroy = await run("destroy");
    const mb = `${(peak.kb / 1024).toFixed(0)} MiB peak RSS of the dynamic-provider processes`;
    return [
      { benchmark: `pulumi, ${N} guests + ${N} commands`, subject: "pod preview", wallMs: preview },
      { benchmark: `pulumi, ${N} guests + ${N} commands`, subject: "pod up", wallMs: up, notes: mb },
      { benchmark: `pulumi, ${N} guests + ${N} commands`, subject: "pod up, no changes", wallMs: noop },
      { benchmark: `pulumi, ${N} guests + ${N} commands`, subject: "pod destroy", wallMs: destroy },
      {
        benchmark: `pulumi, ${N} guests + ${N} commands`,
        subject: "@pulumi/command remote.Command up",
        notes: "blocked: the Go module proxy refuses github.com/pulumi/pulumi-command (403); 2x target unmeasured",
      },
    ];
  } finally {
    clearInterval(sampler);
    spawnSync("bash", [join(repo, "examples/run.sh"), "fleet", "destroy"], {
      env: { ...process.env, POD_STACK: stack },
    });
    spawnSync("bash", [join(repo, "examples/run.sh"), "fleet", "stack", "rm", "--yes", "--force", stack], {
      env: { ...process.env, POD_STACK: stack },
    });
  }
}

/** Sum of VmHWM over the running dynamic-provider node processes (one per provider instance). */
function providerPeakKb(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("dynamic-provider")) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += Number(hwm?.[1] ?? 0);
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}
