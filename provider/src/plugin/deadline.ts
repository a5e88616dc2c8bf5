/**
 * customTimeouts for steps the engine below cannot bound itself: the step
 * fails with a typed TIMEOUT when the engine's limit passes, or CANCELLED
 * when the engine sends Cancel. PodCommand passes its timeout down instead
 * (the guest-side kill of timeoutSeconds), so nothing keeps running there.
 */
import { PodError } from "../common/errors";

export function timeoutError(step: string, timeoutMs: number): PodError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new PodError("TIMEOUT", `${step} exceeded its customTimeouts (${seconds}s).`, {
    fix: "Raise the resource's customTimeouts, or find out why the step is slow.",
    details: { timeoutMs },
  });
}

export function cancelledError(step: string): PodError {
  return new PodError("CANCELLED", `${step} was cancelled by the Pulumi engine (Ctrl-C).`, {
    fix: "Run `pulumi up` again; `pulumi refresh` first if a step may have been half done.",
  });
}

export async function withDeadline<T>(
  step: string,
  timeoutMs: number | undefined,
  signal: AbortSignal,
  work: () => Promise<T>,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stops = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) timer = setTimeout(() => reject(timeoutError(step, timeoutMs)), timeoutMs);
    onAbort = () => reject(cancelledError(step));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), stops]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
