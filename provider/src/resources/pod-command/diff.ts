import type { PodCommandInputs, PodCommandOutputs } from "./args";

/** Changing any of these runs the command again (update). */
const RERUN_KEYS = ["create", "update", "environment", "stdin", "acceptExitCodes", "parser"] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export interface CommandDiff {
  changes: boolean;
  /** True when the command must run again; false when only stored settings (target, timeouts) change. */
  rerun: boolean;
  /** Inputs whose change replaces the resource (create again, then the old delete): new triggers. */
  replaces: string[];
}

/**
 * New triggers replace the resource (as @pulumi/command's replaceOnChanges);
 * a new command, environment or stdin re-runs it (update); a new target alone (another
 * address or password for the same guest) only updates state: pod never
 * re-runs a command because the way to reach the guest changed.
 */
export function diffPodCommand(olds: PodCommandOutputs, news: PodCommandInputs): CommandDiff {
  const replaces = same(olds.triggers, news.triggers) ? [] : ["triggers"];
  const rerun = RERUN_KEYS.some((k) => !same(olds[k], news[k]));
  const other = (
    [
      "target",
      "delete",
      "timeoutSeconds",
      "strictDelete",
      "maxOutputBytes",
      "secretOutputs",
      "addPreviousOutputInEnv",
      "logging",
    ] as const
  ).some((k) => !same(olds[k], news[k]));
  return { changes: rerun || other || replaces.length > 0, rerun, replaces };
}
