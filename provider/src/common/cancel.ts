/**
 * Cancellation: one typed error for work stopped by an AbortSignal, and the
 * step's signal as ambient context. Front-ends pass a signal explicitly to
 * the executor (RunOptions.signal); the Pulumi plugin also runs each step
 * inside `withStepSignal`, so work its handlers reach only through the
 * dynamic providers (a vSphere task wait, a PodNetwork guest command) sees
 * the same signal without every layer in between growing a parameter.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PodError } from "./errors";

const scope = new AsyncLocalStorage<AbortSignal | undefined>();

/** Runs fn with `signal` as the ambient step signal (undefined: none, e.g. for cleanup that must finish). */
export function withStepSignal<T>(signal: AbortSignal | undefined, fn: () => T): T {
  return scope.run(signal, fn);
}

/** The signal of the step this code runs in, if any. */
export function stepSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/** What was stopped, as a CANCELLED PodError; the signal's reason (a TIMEOUT, the engine's Cancel) is its cause. */
export function cancelledError(what: string, signal?: AbortSignal): PodError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof PodError ? ` (${reason.message.replace(/\.$/, "")})` : "";
  return new PodError("CANCELLED", `${what} was cancelled${why}; it was ended where it ran.`, {
    fix: "Run it again when you want it; nothing of the cancelled run keeps running.",
    ...(reason !== undefined ? { cause: reason } : {}),
  });
}

/** Throws CANCELLED when the signal has fired. */
export function throwIfCancelled(what: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError(what, signal);
}

/** Calls onAbort once when the signal fires (at once if it already has); returns the unsubscribe. */
export function onAbort(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
