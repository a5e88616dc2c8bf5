/**
 * pod's one engine. PodClient, the `pod` CLI and every Pulumi resource are
 * front-ends over a PodRuntime: it owns the vSphere session pool, the one
 * connection cache (SSH pools, WinRM shells, Docker, guest operations, keyed
 * on every access field), the traced and measured executor, OS detection
 * (one classifier: os/guest-info.ts, then probes) and the audit trail with
 * its change tracker. Work done through any front-end is therefore traced,
 * counted and audited the same way. close() releases every socket and timer.
 */
import type { Registry } from "prom-client";
import { stepSignal } from "../common/cancel";
import { isPodError } from "../common/errors";
import { withRetry } from "../common/retry";
import type { MaybeSecret } from "../common/secret";
import { ConnectionCache, type GuestAccess } from "../connections/factory";
import type { RecordedInterface } from "../network/record";
import type { AuditDestination } from "../observability/audit-log";
import type { AuditSink } from "../observability/audit-record";
import type { ChangeOutcome, ChangeTracker } from "../observability/change-tracker";
import { createPodMetrics, type PodMetrics } from "../observability/metrics";
import { traceSoapCall, withSpan } from "../observability/tracing";
import { parseProbe } from "../os/detect";
import { hintFromGuestInfo } from "../os/guest-info";
import { POSIX_FACTS_COMMAND, splitPosixFacts } from "../os/probe/posix-facts";
import { SSH_HOST_KEYS_COMMAND, sshFingerprints } from "../os/probe/ssh-host-keys";
import { defaultOsRegistry } from "../os/registry";
import type { GuestInfoHint, OsInfo } from "../os/types";
import type { VsphereConnectOptions, VsphereSession } from "../vsphere/session";
import { SessionPool } from "../vsphere/session-pool";
import { type PodCommand, toPodCommand } from "./command";
import type { ExecTarget, RunOptions } from "./executor";
import {
  applyNetwork,
  type NetworkApplyOptions,
  type NetworkApplyResult,
  type NetworkRunOptions,
  readNetwork,
  restoreNetwork,
} from "./network/apply";
import type { CommandResult } from "./result";
import { RuntimeAudit } from "./runtime-audit";
import { TracedExecutor } from "./traced-executor";

export interface PodRuntimeOptions {
  /** Who acts, in audit records ("pod", "cli:<user>", "pulumi:<user>"). */
  actor?: string;
  /** Metrics into this set (shared across runtimes), or a new set in `registry`. */
  metrics?: PodMetrics;
  registry?: Registry;
  /** Audit records go here too: a sink, or a file path / stream for the JSON-lines log. */
  audit?: AuditSink | AuditDestination;
  maxConcurrent?: number;
  maxPerHost?: number;
  /** Default bytes of stdout, and of stderr, kept per command (16 MiB); the rest is counted in `truncated`. */
  maxOutputBytes?: number;
  /** An unused vSphere session is logged out after this long (default 30 s). */
  sessionIdleMs?: number;
}

/** What pod learns in a guest before changing it: the OS and, on Linux, its SSH host keys. */
export interface GuestFacts {
  os: OsInfo;
  sshHostKeys: string[];
}

/** A guest that just got its IP may not listen yet: these are retried for a bounded while. */
const NOT_YET = ["UNREACHABLE", "CONNECTION_LOST", "TIMEOUT"];

const networkOutcome = (r: NetworkApplyResult): ChangeOutcome => ({
  result: r.changed ? "ok" : "unchanged",
  details: { interfaces: r.targets, commands: r.commands },
});

export class PodRuntime {
  readonly actor: string;
  readonly metrics: PodMetrics;
  readonly audit: RuntimeAudit;
  readonly sessions: SessionPool;
  readonly connections: ConnectionCache;
  readonly executor: TracedExecutor;
  readonly #untrackPools: () => void;

  constructor(options: PodRuntimeOptions = {}) {
    this.actor = options.actor ?? "pod";
    this.metrics = options.metrics ?? createPodMetrics(options.registry);
    const caller = options.audit;
    const sinks: AuditSink[] = [{ record: (r) => this.metrics.observeCommand(r) }];
    const isSink = typeof caller === "object" && "record" in caller;
    if (isSink) sinks.push(caller as AuditSink);
    this.audit = new RuntimeAudit(this.actor, sinks);
    if (caller && !isSink) this.audit.useLog(caller as AuditDestination);
    this.sessions = new SessionPool({
      ...(options.sessionIdleMs !== undefined ? { idleMs: options.sessionIdleMs } : {}),
      onCall: (info) => this.metrics.observeSoap(info),
      wrapCall: traceSoapCall,
    });
    this.connections = new ConnectionCache({
      sessions: this.sessions,
      // Reconnects and failures are counted the moment a pool reports them.
      onPoolEvent: (event) => this.metrics.observePoolEvent(event),
    });
    this.executor = new TracedExecutor({
      audit: this.audit,
      actor: this.actor,
      ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.maxPerHost ? { maxPerHost: options.maxPerHost } : {}),
      ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
    });
    this.#untrackPools = this.metrics.addPoolSource(() =>
      this.connections.all().map((c) => ({
        target: c.target,
        transport: c.transport,
        stats: poolStats(c as { stats?: () => Record<string, number> }),
      })),
    );
  }

  /** A target for this access: the shared connection (opened lazily), named as results and records name it. */
  connect(access: GuestAccess, name?: string, guestInfo?: GuestInfoHint): ExecTarget {
    const connection = this.connections.get(access);
    return { connection, name: name ?? connection.target, ...(guestInfo ? { guestInfo } : {}) };
  }

  /** Runs fn with a pooled vSphere session. */
  vsphere<T>(options: VsphereConnectOptions, fn: (session: VsphereSession) => Promise<T>): Promise<T> {
    return this.sessions.use(options, fn);
  }

  /** The target's OS: the detection chain, once per connection. */
  osOf(target: ExecTarget): Promise<OsInfo> {
    return withSpan("pod.detect_os", { "pod.target": target.name ?? target.connection.target }, () =>
      this.executor.osOf(target),
    );
  }

  /** Runs a command; a string is a script for the guest's own shell (sh, or PowerShell on Windows). */
  async run<D = unknown>(
    target: ExecTarget,
    command: PodCommand | MaybeSecret,
    options: RunOptions<D> = {},
  ): Promise<{ result: CommandResult<D>; os: OsInfo }> {
    const os = await this.executor.osOf(target);
    const result = await this.executor.run<D>({ ...target, os }, toPodCommand(command, os), options);
    return { result, os };
  }

  /** The OS (retried while the guest comes up) and, on Linux, the SSH host keys, read over the target. */
  async guestFacts(target: ExecTarget): Promise<GuestFacts> {
    const signal = stepSignal();
    const untilUp = <T>(fn: () => Promise<T>) =>
      withRetry(fn, {
        attempts: 20,
        baseDelayMs: 500,
        maxDelayMs: 3_000,
        retryable: (e) => isPodError(e) && NOT_YET.includes(e.code),
      });
    // vSphere's guest info names a POSIX guest: the OS probe and the host-key
    // read go as one guest command (os/probe/posix-facts.ts). What the probe's
    // output does not settle goes through the whole detection chain below.
    if (typeof target.os !== "object" && hintFromGuestInfo(target.guestInfo) === "posix") {
      const facts = await untilUp(() => this.#posixFacts(target, signal));
      if (facts) return facts;
    }
    const os = await untilUp(() => this.osOf(target));
    if (os.type === "windows") return { os, sshHostKeys: [] };
    const keys = await target.connection.exec(SSH_HOST_KEYS_COMMAND, {
      timeoutMs: 60_000,
      ...(signal ? { signal } : {}),
    });
    return { os, sshHostKeys: sshFingerprints(keys.stdout) };
  }

  /** The OS probe and the host keys in one command; undefined when the probe's output claims no OS. */
  #posixFacts(target: ExecTarget, signal: AbortSignal | undefined): Promise<GuestFacts | undefined> {
    const name = target.name ?? target.connection.target;
    return withSpan("pod.detect_os", { "pod.target": name }, async () => {
      // The probe's own bound (30 s) plus the host-key read's (60 s), as when they ran one after the other.
      const raw = await target.connection.exec(POSIX_FACTS_COMMAND, {
        timeoutMs: 90_000,
        ...(signal ? { signal } : {}),
      });
      const parts = splitPosixFacts(raw.stdout);
      const probe = parts && parseProbe("posix", parts.probe);
      const os = probe && defaultOsRegistry.classify(probe, { transport: target.connection.transport });
      if (!parts || !os) return undefined;
      // As osOf would have: commands on this connection later need no probe of their own.
      this.executor.rememberOs(target.connection, os);
      return { os, sshHostKeys: sshFingerprints(parts.hostKeys) };
    });
  }

  /** Change records correlated by one id (a resource's URN; generated when absent). */
  tracker(correlationId?: string): ChangeTracker {
    return this.audit.tracker(correlationId);
  }

  /** Makes the guest's network match a declaration: one span, one network.applied record. */
  applyNetwork(
    target: ExecTarget,
    options: Omit<NetworkApplyOptions, "connection" | "executor">,
    changes: ChangeTracker = this.tracker(),
  ): Promise<NetworkApplyResult> {
    const name = target.name ?? target.connection.target;
    return withSpan("pod.network.apply", { "pod.target": name }, () =>
      changes.track(
        "network.applied",
        name,
        () => applyNetwork({ ...this.#network(target), ...options }),
        networkOutcome,
      ),
    );
  }

  /** Puts back what a record says pod changed: one span, one network.restored record. */
  restoreNetwork(
    target: ExecTarget,
    options: Omit<NetworkRunOptions, "connection" | "executor"> & { recorded: RecordedInterface[] },
    changes: ChangeTracker = this.tracker(),
  ): Promise<NetworkApplyResult> {
    const name = target.name ?? target.connection.target;
    return withSpan("pod.network.restore", { "pod.target": name }, () =>
      changes.track(
        "network.restored",
        name,
        () => restoreNetwork({ ...this.#network(target), ...options }),
        networkOutcome,
      ),
    );
  }

  /** The guest's interfaces, addresses and routes (read-only). */
  readNetwork(target: ExecTarget) {
    return readNetwork(this.#network(target));
  }

  #network(target: ExecTarget) {
    return {
      connection: target.connection,
      executor: this.executor,
      ...(typeof target.os === "object" ? { os: target.os } : {}),
    };
  }

  /** Closes every guest connection and vSphere session, and the audit log it opened. */
  async close(): Promise<void> {
    this.#untrackPools();
    await Promise.all([this.connections.closeAll(), this.sessions.closeAll()]);
    this.audit.closeLog();
  }
}

/** Pool counters, for connections that keep them (SSH). */
function poolStats(connection: { stats?: () => Record<string, number> }): Record<string, number> {
  return typeof connection.stats === "function" ? connection.stats() : {};
}
