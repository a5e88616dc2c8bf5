/**
 * pod's Prometheus metrics in a prom-client Registry the caller owns: pass
 * one to merge pod's metrics into an existing exporter, or let pod make one.
 * Labels are low-cardinality and never carry a credential: transport, error
 * code, SOAP method, and the pool's target (an address or container name).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { TransportKind } from "../common/transport";
import type { AuditRecord } from "./audit-record";

// Metrics sit below the layers that feed them, so they name only the fields they
// read; vsphere/soap/client.ts's SoapCallInfo and connections/pool-events.ts's
// PoolEvent fit these shapes, and the compiler checks it where they are wired.
/** A finished vim25 SOAP call, as the SoapClient's onCall hook reports it. */
export interface SoapCallSample {
  method: string;
  durationMs: number;
  error?: { code: string };
}

/** A pool's reconnect or failure as it happens. */
export interface PoolEventSample {
  transport: TransportKind;
  target: string;
  kind: "reconnect" | "failure";
}

/** One pool's counters as a connection reports them (SshConnection.stats()). */
export type PoolStatsSource = () => { target: string; transport: string; stats: Record<string, number> }[];

export interface PodMetrics {
  readonly registry: Registry;
  /** Feeds one finished command (from the executor's audit record). */
  observeCommand(record: AuditRecord): void;
  /** The SoapClient's onCall hook. */
  observeSoap(info: SoapCallSample): void;
  /** A pool's reconnect or failure, counted as it happens (ConnectionCache's onPoolEvent). */
  observePoolEvent(event: PoolEventSample): void;
  /** Pool sizes (open connections, busy channels) are read from these at every scrape. */
  addPoolSource(source: PoolStatsSource): () => void;
}

/** The error code a command counts under: its PodError code, TIMEOUT, or COMMAND_FAILED for a refused exit. */
export function failureCode(record: AuditRecord): string | undefined {
  if (record.error) return record.error.code;
  if (record.timedOut) return "TIMEOUT";
  return record.success ? undefined : "COMMAND_FAILED";
}

export function createPodMetrics(registry: Registry = new Registry()): PodMetrics {
  const sources = new Set<PoolStatsSource>();
  const seconds = (ms: number) => ms / 1000;
  const commands = new Counter({
    name: "pod_commands_total",
    help: "Commands run, by transport and outcome (success or failure).",
    labelNames: ["transport", "outcome"] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: "pod_command_failures_total",
    help: "Commands that failed, by error code (COMMAND_FAILED: a refused exit code).",
    labelNames: ["code"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "pod_command_duration_seconds",
    help: "Command duration, slot waits included.",
    labelNames: ["transport"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });
  const soapCalls = new Counter({
    name: "pod_soap_calls_total",
    help: "vim25 SOAP calls, by method and outcome (ok or the error code).",
    labelNames: ["method", "outcome"] as const,
    registers: [registry],
  });
  const soapDuration = new Histogram({
    name: "pod_soap_call_duration_seconds",
    help: "vim25 SOAP call duration, retries included.",
    labelNames: ["method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const poolGauge = (name: string, help: string, stat: string) =>
    new Gauge({
      name,
      help,
      labelNames: ["target", "transport"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const source of sources) {
          for (const pool of source()) {
            const value = pool.stats[stat];
            if (value !== undefined) this.set({ target: pool.target, transport: pool.transport }, value);
          }
        }
      },
    });
  poolGauge("pod_pool_open_connections", "Open connections per guest pool.", "openConnections");
  poolGauge("pod_pool_busy_channels", "Channels running a command per guest pool.", "busyChannels");
  // Events are counted when they happen: a gauge copied from pool counters at
  // scrape time would lose what a pool counted before it closed, and go backwards.
  const poolCounter = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ["target", "transport"] as const, registers: [registry] });
  const poolEvents = {
    reconnect: poolCounter(
      "pod_pool_reconnects_total",
      "Reconnections after a lost connection (SSH) or a stale one (WinRM), per guest pool.",
    ),
    failure: poolCounter(
      "pod_pool_failures_total",
      "Connection failures per guest pool: SSH dials that failed after their retries, failed WinRM requests.",
    ),
  };

  return {
    registry,
    observeCommand(record) {
      const code = failureCode(record);
      commands.inc({ transport: record.transport, outcome: code ? "failure" : "success" });
      if (code) failures.inc({ code });
      duration.observe({ transport: record.transport }, seconds(record.durationMs));
    },
    observeSoap(info) {
      soapCalls.inc({ method: info.method, outcome: info.error ? info.error.code : "ok" });
      soapDuration.observe({ method: info.method }, seconds(info.durationMs));
    },
    observePoolEvent(event) {
      poolEvents[event.kind].inc({ target: event.target, transport: event.transport });
    },
    addPoolSource(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
}
