/**
 * Where the runtime's audit records go: the metrics (every command is
 * counted), the caller's sinks, and at most one JSON-lines log that can be
 * chosen late (a Pulumi provider learns it in configure). Change records are
 * timed by the one change tracker (observability/change-tracker.ts).
 */
import { resolve } from "node:path";
import { PodError } from "../common/errors";
import {
  type AuditDestination,
  AuditLog,
  type ChangeAuditSink,
  type ChangeRecord,
  FanoutAuditSink,
} from "../observability/audit-log";
import type { AuditRecord, AuditSink } from "../observability/audit-record";
import { type ChangeTracker, changeTracker } from "../observability/change-tracker";

export class RuntimeAudit implements ChangeAuditSink {
  readonly #fanout: FanoutAuditSink;
  #log: AuditLog | undefined;
  #path: string | undefined;
  #later: (() => string | undefined) | undefined;

  constructor(
    readonly actor: string,
    sinks: AuditSink[],
  ) {
    this.#fanout = new FanoutAuditSink(sinks);
  }

  /**
   * Records also go to this log (a path is appended to, a stream written as
   * given); undefined turns the log off. The same path again keeps the open file.
   */
  useLog(destination: AuditDestination | undefined): void {
    this.#later = undefined;
    const path = typeof destination === "string" ? resolve(destination) : undefined;
    if (path !== undefined && path === this.#path) return;
    this.closeLog();
    if (!destination) return;
    try {
      this.#log = new AuditLog(path ?? destination);
      this.#path = path;
    } catch (error) {
      // An audit log someone asked for and pod cannot write must stop the run, not go missing.
      throw new PodError("INVALID_INPUT", `Cannot open the audit log ${path}: ${(error as Error).message}.`, {
        fix: "Point the audit log (pod:auditLog, POD_AUDIT_LOG, --audit-log) at a file this user can create and append to.",
      });
    }
  }

  /** Decides the log at the first record, unless useLog is called before. */
  useLogLater(choose: () => string | undefined): void {
    this.#later = choose;
  }

  record(entry: AuditRecord): void {
    this.#fanout.record(entry);
    this.#current()?.record(entry);
  }

  change(entry: ChangeRecord): void {
    this.#fanout.change(entry);
    this.#current()?.change(entry);
  }

  /** Change records correlated by one id (a resource's URN; generated when absent). */
  tracker(correlationId?: string): ChangeTracker {
    return changeTracker(this, { actor: this.actor, correlationId });
  }

  closeLog(): void {
    this.#log?.close();
    this.#log = undefined;
    this.#path = undefined;
  }

  #current(): AuditLog | undefined {
    const later = this.#later;
    if (later) this.useLog(later());
    return this.#log;
  }
}
