import type { PodCommandInputs, PodCommandOutputs } from "./args";

/** Changing any of these runs the command again. */
const RERUN_KEYS = ["create", "update", "triggers", "environment", "stdin", "acceptExitCodes", "parser"] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface CommandDiff {
  changes: boolean;
  /** True when the command must run again; false when only stored settings (target, timeouts) change. */
  rerun: boolean;
}

/**
 * A new command or trigger re-runs the command; a new target alone (another
 * address or password for the same guest) only updates state: pod never
 * re-runs a command because the way to reach the guest changed.
 */
export function diffPodCommand(olds: PodCommandOutputs, news: PodCommandInputs): CommandDiff {
  const rerun = RERUN_KEYS.some((k) => !same(olds[k], news[k]));
  const other = (
    ["target", "delete", "timeoutSeconds", "strictDelete", "maxOutputBytes", "secretOutputs", "logging"] as const
  ).some((k) => !same(olds[k], news[k]));
  return { changes: rerun || other, rerun };
}
