/**
 * The audit trail: one structured record per command, whatever its outcome,
 * with every known secret redacted. Emitted through a small interface so that
 * a logger (Pulumi's, a file, a SIEM) can be plugged in later.
 */
import { redact } from "../common/secret";
import type { TransportKind } from "../common/transport";

export interface AuditRecord {
  /** ISO 8601, when the command finished. */
  time: string;
  actor: string;
  /** The target as results name it ("10.0.0.5:22", a container, a VM). */
  target: string;
  transport: TransportKind;
  os?: string;
  /** The command as the user gave it (argv joined or the script's first line), redacted. */
  action: string;
  exitCode: number | null;
  success: boolean;
  timedOut: boolean;
  durationMs: number;
  correlationId: string;
  /** Set when the command could not run (transport failure, unknown OS, …). */
  error?: { code: string; message: string };
}

export interface AuditSink {
  record(entry: AuditRecord): void;
}

export const noAudit: AuditSink = { record() {} };

/** Keeps records in memory; for tests and short-lived tools. */
export class MemoryAuditSink implements AuditSink {
  readonly records: AuditRecord[] = [];
  record(entry: AuditRecord): void {
    this.records.push(entry);
  }
}

/** Redacts every text field; the sink never sees a registered secret. */
export function redactRecord(entry: AuditRecord): AuditRecord {
  return {
    ...entry,
    actor: redact(entry.actor),
    target: redact(entry.target),
    action: redact(entry.action),
    ...(entry.error ? { error: { code: entry.error.code, message: redact(entry.error.message) } } : {}),
  };
}

/** A sink that throws must not fail the command it records. */
export function emitAudit(sink: AuditSink, entry: AuditRecord): void {
  try {
    sink.record(redactRecord(entry));
  } catch {
    // Auditing is best effort by design; the command's own result stands.
  }
}
