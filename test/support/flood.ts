/**
 * Starts test/support/flood-child.ts (one flooding command through pod, in a
 * process of its own) and returns its report; checks a peak-RSS bound.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { FloodReport, FloodSpec } from "./flood-child";

const ROOT = join(__dirname, "..", "..");
const MiB = 1024 * 1024;

export function runFlood(spec: FloodSpec): Promise<FloodReport> {
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    "-r",
    "./test/support/lab-env.ts",
    "./test/support/flood-child.ts",
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...process.env, POD_FLOOD_SPEC: JSON.stringify(spec) }, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`flood child failed: ${error.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as FloodReport);
        } catch {
          reject(new Error(`flood child printed no report:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

/** The child's peak RSS grew by less than `boundBytes` during the flood; prints the figures for the record. */
export function assertBoundedRss(what: string, report: FloodReport, streamedBytes: number, boundBytes: number): void {
  const growth = report.maxRssAfterBytes - report.maxRssBeforeBytes;
  const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
  console.log(
    `      ${what}: streamed ${mib(streamedBytes)}, peak RSS ${mib(report.maxRssBeforeBytes)} -> ${mib(report.maxRssAfterBytes)} (+${mib(growth)}, bound ${mib(boundBytes)})`,
  );
  assert.ok(growth < boundBytes, `${what}: peak RSS grew by ${mib(growth)}, more than ${mib(boundBytes)}`);
}
