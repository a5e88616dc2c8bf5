/**
 * Change records timed around the work itself: one per change (VM created,
 * port group added, NIC moved, address applied), with its outcome — "ok",
 * "unchanged", or the error code — and the caller's correlation id (the
 * Pulumi URN for resources). Best effort: a failing sink never fails the
 * change, and the change's own error is rethrown untouched.
 */
import { randomUUID } from "node:crypto";
import { toPodError } from "../common/errors";
import type { ChangeAuditSink } from "./audit-log";

export interface ChangeOutcome {
  /** "ok" unless said otherwise ("unchanged" when nothing needed doing). */
  result?: string;
  /** Names and numbers only; strings still pass through redaction in the log. */
  details?: Record<string, unknown>;
}

export interface ChangeTracker {
  readonly correlationId: string;
  track<T>(action: string, target: string, work: () => Promise<T>, outcome?: (value: T) => ChangeOutcome): Promise<T>;
}

export function changeTracker(
  sink: ChangeAuditSink,
  context: { actor: string; correlationId?: string | undefined },
): ChangeTracker {
  const correlationId = context.correlationId ?? randomUUID();
  return {
    correlationId,
    async track(action, target, work, outcome) {
      const started = Date.now();
      const emit = ({ result = "ok", details }: ChangeOutcome) => {
        try {
          sink.change({
            time: new Date().toISOString(),
            actor: context.actor,
            target,
            action,
            result,
            durationMs: Date.now() - started,
            correlationId,
            ...(details ? { details } : {}),
          });
        } catch {
          // Auditing is best effort by design; the change's own result stands.
        }
      };
      let value: Awaited<ReturnType<typeof work>>;
      try {
        value = await work();
      } catch (error) {
        // Resource steps rethrow a one-line Error that keeps the PodError's code.
        const e = toPodError(error);
        const code = (error as { code?: unknown }).code;
        emit({ result: typeof code === "string" ? code : e.code, details: { message: e.message } });
        throw error;
      }
      emit(outcome?.(value) ?? {});
      return value;
    },
  };
}

/** For callers with nowhere to record to. */
export const untracked: ChangeTracker = { correlationId: "", track: (_action, _target, work) => work() };
