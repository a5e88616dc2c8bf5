/** What PodClient.healthCheck() reports; each probe is bounded so one dead guest cannot stall the report. */
import { toPodError } from "../common/errors";
import type { ConnectionHealth, GuestConnection } from "../connections/types";
import type { PowerState } from "../vsphere/vm-info";

export interface VsphereHealth {
  configured: boolean;
  reachable: boolean;
  /** none: never connected; active: a call just succeeded; error: the last attempt failed. */
  session: "none" | "active" | "error";
  host?: string;
  apiVersion?: string;
  latencyMs?: number;
  error?: { code: string; message: string };
}

export interface VmHealth {
  name: string;
  powerState?: PowerState;
  toolsRunning?: boolean;
  ipAddress?: string;
  /** Whether pod's connection to it answered (undefined when pod has none). */
  reachable?: boolean;
  error?: { code: string; message: string };
}

export interface HealthReport {
  ok: boolean;
  vsphere: VsphereHealth;
  /** Per guest connection: reachability and pool counters (open connections, busy channels, reconnects, failures). */
  pools: ConnectionHealth[];
  vms: VmHealth[];
}

/** A connection's health within `timeoutMs`; a probe that takes longer is "unreachable: TIMEOUT". */
export async function boundedHealth(connection: GuestConnection, timeoutMs: number): Promise<ConnectionHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ConnectionHealth>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          transport: connection.transport,
          target: connection.target,
          reachable: false,
          ...statsOf(connection),
          error: { code: "TIMEOUT", message: `no answer within ${timeoutMs} ms` },
        }),
      timeoutMs,
    );
    timer.unref();
  });
  try {
    return await Promise.race([
      connection.health().catch((error: unknown) => {
        const e = toPodError(error);
        return {
          transport: connection.transport,
          target: connection.target,
          reachable: false,
          error: { code: e.code, message: e.message },
        };
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Pool counters, for connections that keep them (SSH). */
export function statsOf(connection: GuestConnection): { stats?: Record<string, number> } {
  const stats = (connection as { stats?: () => Record<string, number> }).stats;
  return typeof stats === "function" ? { stats: stats.call(connection) } : {};
}
