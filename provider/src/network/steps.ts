/**
 * Apply scripts print `@@STEP n` before step n and `@@FAIL n rc` when it fails,
 * then `@@DONE` at the end. A step's own output follows its marker (Linux
 * steps run with 2>&1); Windows prints the error after the FAIL marker. This
 * reads that back: which steps completed, and the failing step's output.
 */
export interface StepReport {
  /** Steps that completed, in order. */
  completed: number[];
  failed?: { step: number; exitCode: number; output: string };
  done: boolean;
}

export function parseStepOutput(stdout: string, stderr = ""): StepReport {
  const started: number[] = [];
  const output = new Map<number, string[]>();
  let current: number | undefined;
  let failed: { step: number; exitCode: number } | undefined;
  let done = false;
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    const step = /^@@STEP (\d+)$/.exec(line);
    const fail = /^@@FAIL (-?\d+) (-?\d+)$/.exec(line);
    if (step) {
      current = Number(step[1]);
      started.push(current);
      output.set(current, []);
    } else if (fail) {
      failed = { step: Number(fail[1]), exitCode: Number(fail[2]) };
      current = failed.step;
      if (!output.has(current)) output.set(current, []);
    } else if (line === "@@DONE") {
      done = true;
      current = undefined;
    } else if (current !== undefined && line) {
      output.get(current)?.push(raw);
    }
  }
  const completed = started.filter((s) => s !== failed?.step);
  if (!failed) return { completed: done ? completed : completed.slice(0, -1), done };
  const text = [...(output.get(failed.step) ?? []), stderr.trim()].filter(Boolean).join("\n").trim();
  return { completed, failed: { ...failed, output: text }, done };
}
