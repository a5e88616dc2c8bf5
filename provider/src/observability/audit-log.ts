/**
 * The audit log: one JSON line per command (the executor's AuditRecord) and
 * per change (VM created, port group added, address applied), written with
 * pino to a file or stream the caller picks. Every string in a record is
 * redacted again on the way out, so a secret that slipped into a detail
 * field still never reaches the log.
 */
import { closeSync, fchmodSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { PodError } from "../common/errors";
import { redact } from "../common/secret";
import { type AuditRecord, type AuditSink, redactRecord } from "./audit-record";

export interface ChangeRecord {
  time: string;
  actor: string;
  target: string;
  /** What changed: "vm.created", "portgroup.added", "network.applied", … */
  action: string;
  /** "ok", "unchanged", or the error code. */
  result: string;
  durationMs: number;
  /** The Pulumi URN when the change comes from a resource; otherwise a generated id. */
  correlationId: string;
  details?: Record<string, unknown>;
}

/** Sinks that also take change records. */
export interface ChangeAuditSink extends AuditSink {
  change(entry: ChangeRecord): void;
}

export function isChangeSink(sink: AuditSink): sink is ChangeAuditSink {
  return typeof (sink as Partial<ChangeAuditSink>).change === "function";
}

/** Every string, at any depth, through redact(). */
export function deepRedact(value: unknown): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map(deepRedact);
  if (value && typeof value === "object" && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepRedact(v)]));
  }
  return value;
}

/**
 * Opens (creating or appending) an audit file only its owner can read: the
 * records name targets, users and commands. An existing file is tightened to
 * 0600 too; one pod cannot tighten (another user's) is refused, not used.
 */
export function openPrivate(path: string): number {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "a", 0o600);
  try {
    fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw new PodError("INVALID_INPUT", `The audit log ${path} cannot be made private (0600).`, {
      fix: "Use a file this user owns, or remove the existing one.",
      cause: error,
    });
  }
  return fd;
}

export type AuditDestination = string | Writable | NodeJS.WritableStream;

export class AuditLog implements ChangeAuditSink {
  readonly #logger: Logger;
  readonly #destination: ReturnType<typeof pino.destination> | undefined;

  /** A path is opened synchronously (append) so a crash loses no record; a stream is written as given. */
  constructor(destination: AuditDestination) {
    this.#destination =
      typeof destination === "string" ? pino.destination({ fd: openPrivate(destination), sync: true }) : undefined;
    this.#logger = pino(
      {
        base: null,
        timestamp: false,
        messageKey: "message",
        formatters: { level: (label) => ({ level: label }), log: (obj) => deepRedact(obj) as Record<string, unknown> },
      },
      this.#destination ?? (destination as NodeJS.WritableStream),
    );
  }

  record(entry: AuditRecord): void {
    this.#logger.info({ kind: "command", ...redactRecord(entry) });
  }

  change(entry: ChangeRecord): void {
    this.#logger.info({ kind: "change", ...entry });
  }

  /** Flushes and closes a file destination; a caller's stream is left open. */
  close(): void {
    this.#logger.flush();
    this.#destination?.end();
  }
}

/** Fans one record out to several sinks (the log, the metrics, a test's memory sink). */
export class FanoutAuditSink implements ChangeAuditSink {
  constructor(readonly sinks: AuditSink[]) {}

  record(entry: AuditRecord): void {
    for (const sink of this.sinks) {
      try {
        sink.record(entry);
      } catch {
        // One failing sink must not starve the others.
      }
    }
  }

  change(entry: ChangeRecord): void {
    for (const sink of this.sinks) {
      try {
        if (isChangeSink(sink)) sink.change(entry);
      } catch {
        // Best effort, like the command records.
      }
    }
  }
}
