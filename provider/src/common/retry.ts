import { isPodError } from "./errors";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Decides whether an error is worth another attempt. */
  retryable: (error: unknown) => boolean;
  /** Called before each wait; for "attempt 2/5 failed, retrying" messages. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full-jitter exponential backoff: uniform in [0, min(max, base·2^n)]. */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, "baseDelayMs" | "maxDelayMs" | "random">) {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round((policy.random ?? Math.random)() * ceiling);
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !policy.retryable(error)) throw error;
      const delay = backoffDelay(attempt - 1, policy);
      policy.onRetry?.(error, attempt, delay);
      await (policy.sleep ?? sleep)(delay);
    }
  }
}

/** The stock rule: retry only errors marked transient (network blips). */
export const retryTransient = (error: unknown): boolean => isPodError(error) && error.transient;
