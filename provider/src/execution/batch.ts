/**
 * One command over many targets. Every target gets an entry, in the order
 * given: a result, or an error entry with its code and message. A failing
 * target never hides the others' results.
 */
import { randomUUID } from "node:crypto";
import { type ErrorCode, toPodError } from "../common/errors";
import type { PodCommand } from "./command";
import type { CommandResult } from "./result";

export type BatchEntry<D = unknown> =
  | { target: string; ok: true; result: CommandResult<D> }
  | { target: string; ok: false; error: { code: ErrorCode; message: string; fix?: string } };

// The executor calls into this file, so this file names only what it uses of the
// executor's targets and runner (executor.ts's ExecTarget and CommandExecutor fit):
// importing them back would make the two files a cycle.
/** How an entry names its target: the target's name, else its connection's. */
export interface BatchTarget {
  name?: string;
  connection: { readonly target: string };
}

interface Runner<T, O, D> {
  run(target: T, command: PodCommand, options: O): Promise<CommandResult<D>>;
}

type BatchOptions = { correlationId?: string };

async function entry<T extends BatchTarget, O, D>(runner: Runner<T, O, D>, target: T, command: PodCommand, options: O) {
  const name = target.name ?? target.connection.target;
  try {
    return { target: name, ok: true, result: await runner.run(target, command, options) } satisfies BatchEntry<D>;
  } catch (error) {
    const e = toPodError(error);
    const failed: BatchEntry<D> = {
      target: name,
      ok: false,
      error: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) },
    };
    return failed;
  }
}

/** All entries at once; the executor's limits decide how many run at a time. One correlation id for the batch. */
export function runBatch<T extends BatchTarget, O extends BatchOptions, D>(
  runner: Runner<T, O, D>,
  targets: readonly T[],
  command: PodCommand,
  options: O,
): Promise<BatchEntry<D>[]> {
  const correlationId = options.correlationId ?? randomUUID();
  return Promise.all(targets.map((t) => entry(runner, t, command, { ...options, correlationId })));
}

/** Entries as they finish, for progress output. */
export async function* runEach<T extends BatchTarget, O extends BatchOptions, D>(
  runner: Runner<T, O, D>,
  targets: readonly T[],
  command: PodCommand,
  options: O,
): AsyncGenerator<BatchEntry<D>> {
  const correlationId = options.correlationId ?? randomUUID();
  const pending = new Map<number, Promise<[number, BatchEntry<D>]>>();
  targets.forEach((target, i) => {
    const p = entry(runner, target, command, { ...options, correlationId });
    pending.set(
      i,
      p.then((e): [number, BatchEntry<D>] => [i, e]),
    );
  });
  while (pending.size) {
    const [i, next] = await Promise.race(pending.values());
    pending.delete(i);
    yield next;
  }
}
