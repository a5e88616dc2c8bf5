/**
 * PodClient.batchExecute: every target x command gets an entry, in the order
 * given; a target that cannot be reached fails its own entries only.
 */
import { randomUUID } from "node:crypto";
import { toPodError } from "../common/errors";
import { redact } from "../common/secret";
import type { BatchEntry } from "../execution/batch";
import { describeCommand, type PodCommand, toPodCommand } from "../execution/command";
import type { ExecTarget, RunOptions } from "../execution/executor";
import { targetName } from "../execution/guest-target";
import { Semaphore } from "../execution/limiter";
import type { PodRuntime } from "../execution/runtime";
import type { TargetSpec } from "./targets";

export interface BatchRequest<D = unknown> {
  targets: TargetSpec[];
  commands: (PodCommand | string)[];
  /** Targets worked on at once (default 8); each target runs its commands in order. */
  concurrency?: number;
  options?: RunOptions<D>;
  /** Called as each target finishes, for progress output. */
  onTargetDone?: (target: string, entries: BatchEntry<D>[]) => void;
}

export type BatchResultEntry<D = unknown> = BatchEntry<D> & { command: string };

type Resolve = (spec: TargetSpec) => Promise<ExecTarget>;

export async function runBatchRequest<D>(
  runtime: PodRuntime,
  resolve: Resolve,
  request: BatchRequest<D>,
): Promise<BatchResultEntry<D>[]> {
  const correlationId = request.options?.correlationId ?? randomUUID();
  const slots = new Semaphore(request.concurrency ?? 8);
  const perTarget = await Promise.all(
    request.targets.map(async (spec) => {
      const release = await slots.acquire();
      try {
        const entries = await runTarget<D>(runtime, resolve, spec, request.commands, {
          ...request.options,
          correlationId,
        });
        request.onTargetDone?.(entries[0]?.target ?? String(spec), entries);
        return entries;
      } finally {
        release();
      }
    }),
  );
  return perTarget.flat();
}

async function runTarget<D>(
  runtime: PodRuntime,
  resolve: Resolve,
  spec: TargetSpec,
  commands: (PodCommand | string)[],
  options: RunOptions<D>,
): Promise<BatchResultEntry<D>[]> {
  const describe = (c: PodCommand | string) => redact(typeof c === "string" ? c : describeCommand(c));
  let target: ExecTarget;
  try {
    target = await resolve(spec);
  } catch (error) {
    const e = toPodError(error);
    const name = typeof spec === "string" ? spec : targetName(spec);
    const failure = { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) };
    return commands.map(
      (c): BatchResultEntry<D> => ({ target: name, ok: false, error: failure, command: describe(c) }),
    );
  }
  const entries: BatchResultEntry<D>[] = [];
  for (const command of commands) {
    // A string needs the OS for its shell; if detection fails, the executor fails it again, audited.
    const os = await runtime.executor.osOf(target).catch(() => undefined);
    const podCommand = toPodCommand(command, os ?? { type: "linux", family: "" });
    const [entry] = await runtime.executor.runBatch<D>([target], podCommand, options);
    if (entry) entries.push({ ...entry, command: describe(command) });
  }
  return entries;
}
