/**
 * customTimeouts and Cancel for a plugin step. The step runs with its own
 * AbortSignal as the ambient step signal (common/cancel.ts), which fires when
 * the engine's limit passes (TIMEOUT) or the engine sends Cancel (CANCELLED):
 * guest commands are ended where they run, the vSphere task being waited for
 * is cancelled, and a create undoes what it made. The step then waits (up to
 * STOP_GRACE_MS) for that to be done before it fails, so the engine is not
 * told "failed" while pod is still changing things; a step that finished
 * anyway returns its result (nothing it made is lost to state).
 */
import { onAbort, withStepSignal } from "../common/cancel";
import { PodError } from "../common/errors";

/** How long a stopped step may take to end what it started, before it fails regardless. */
export const STOP_GRACE_MS = 60_000;

export function timeoutError(step: string, timeoutMs: number, cause?: unknown): PodError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new PodError("TIMEOUT", `${step} exceeded its customTimeouts (${seconds}s).`, {
    fix: "Raise the resource's customTimeouts, or find out why the step is slow.",
    details: { timeoutMs },
    ...(cause !== undefined ? { cause } : {}),
  });
}

export function cancelledError(step: string, cause?: unknown): PodError {
  return new PodError("CANCELLED", `${step} was cancelled by the Pulumi engine (Ctrl-C).`, {
    fix: "Run `pulumi up` again; `pulumi refresh` first if a step may have been half done.",
    ...(cause !== undefined ? { cause } : {}),
  });
}

export async function withDeadline<T>(
  step: string,
  timeoutMs: number | undefined,
  signal: AbortSignal,
  work: () => Promise<T>,
  graceMs = STOP_GRACE_MS,
): Promise<T> {
  const stop = new AbortController();
  const timer =
    timeoutMs === undefined ? undefined : setTimeout(() => stop.abort(timeoutError(step, timeoutMs)), timeoutMs);
  const unsubscribe = onAbort(signal, () => stop.abort(cancelledError(step)));
  let graceTimer: NodeJS.Timeout | undefined;
  // Past the grace period the step fails even if its work has not ended yet.
  const givenUp = new Promise<never>((_, reject) => {
    onAbort(stop.signal, () => {
      graceTimer = setTimeout(() => reject(stop.signal.reason), graceMs);
    });
  });
  try {
    return await Promise.race([withStepSignal(stop.signal, work), givenUp]);
  } catch (error) {
    if (!stop.signal.aborted) throw error;
    const reason = stop.signal.reason as PodError;
    if (reason === error) throw reason;
    throw new PodError(reason.code, reason.message, {
      ...(reason.fix !== undefined ? { fix: reason.fix } : {}),
      details: reason.details,
      cause: error,
    });
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    unsubscribe();
  }
}
