/**
 * The cost-curve plot: the curve rows go to a JSON file and matplotlib
 * (Debian's python3-matplotlib, installed by lab/steps/70-bench-tools.sh)
 * draws the PNG (Debian's /usr/bin/python3: a pyenv python3 first on PATH has no matplotlib). matplotlib rather than an npm chart renderer: it is one
 * Debian package with no native build, where vega's PNG output needs
 * node-canvas or resvg binaries on top.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type BenchRow, stats } from "./table";

export function plotCostCurve(rows: BenchRow[], png: string): string | undefined {
  const points = rows
    .filter((r) => r.curve && r.runsMs.length)
    .map((r) => ({
      series: r.curve?.series,
      x: r.curve?.x,
      medianS: stats(r.runsMs).median / 1000,
      minS: stats(r.runsMs).min / 1000,
      maxS: stats(r.runsMs).max / 1000,
      peakRssMb: r.curve?.peakRssMb,
    }));
  const data = png.replace(/\.png$/, ".json");
  writeFileSync(data, `${JSON.stringify(points, null, 2)}\n`);
  const r = spawnSync("/usr/bin/python3", [join(__dirname, "plot.py"), data, png], { encoding: "utf8" });
  if (r.status !== 0) {
    process.stderr.write(`bench: plot failed: ${r.stderr}\n`);
    return undefined;
  }
  return png;
}
