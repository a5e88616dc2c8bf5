/**
 * One way to ask for a connection to a guest, whatever the transport, and a
 * cache that hands the same connection (and so the same SSH pool, WinRM
 * shell or guest-operations path) to everyone who asks with the same access
 * — every field of it, credentials included (common/access-key.ts).
 */
import { accessKey } from "../common/access-key";
import { SessionPool } from "../vsphere/session-pool";
import { type DockerConnectionOptions, DockerExecConnection } from "./docker";
import { type GuestOpsAccess, PooledGuestOpsConnection } from "./guestops/pooled";
import { isPoolEventSource, type PoolEventListener } from "./pool-events";
import { SshConnection, type SshConnectionOptions } from "./ssh";
import type { GuestConnection } from "./types";
import { WinrmConnection, type WinrmConnectionOptions } from "./winrm/connection";

export type GuestAccess =
  | ({ transport: "ssh" } & SshConnectionOptions)
  | ({ transport: "winrm" } & WinrmConnectionOptions)
  | ({ transport: "docker" } & Omit<DockerConnectionOptions, "docker">)
  | ({ transport: "guestops" } & GuestOpsAccess);

export interface ConnectionCacheOptions {
  /** Hears every pooled connection's reconnects and failures as they happen (metrics). */
  onPoolEvent?: PoolEventListener;
  /** vSphere sessions for guest operations (default: a pool of the cache's own). */
  sessions?: SessionPool;
}

export class ConnectionCache {
  readonly #connections = new Map<string, GuestConnection>();
  readonly #onPoolEvent: PoolEventListener | undefined;
  readonly #sessions: SessionPool;
  readonly #ownSessions: boolean;

  constructor(options: ConnectionCacheOptions = {}) {
    this.#onPoolEvent = options.onPoolEvent;
    this.#ownSessions = !options.sessions;
    this.#sessions = options.sessions ?? new SessionPool();
  }

  /** A connection of the caller's own, outside the cache (the caller closes it). */
  open(access: GuestAccess): GuestConnection {
    return this.#open(access);
  }

  get(access: GuestAccess): GuestConnection {
    const key = accessKey(access as GuestAccess & Record<string, unknown>);
    let connection = this.#connections.get(key);
    if (!connection) {
      connection = this.#open(access);
      this.#connections.set(key, connection);
      // Listened to once: the same pool is handed out many times, its events count once.
      if (this.#onPoolEvent && isPoolEventSource(connection)) connection.onPoolEvent(this.#onPoolEvent);
    }
    return connection;
  }

  /** Every connection handed out so far (health checks, pool gauges). */
  all(): GuestConnection[] {
    return [...this.#connections.values()];
  }

  get size(): number {
    return this.#connections.size;
  }

  #open(access: GuestAccess): GuestConnection {
    switch (access.transport) {
      case "ssh": {
        const { transport: _t, ...options } = access;
        return new SshConnection(options);
      }
      case "winrm": {
        const { transport: _t, ...options } = access;
        return new WinrmConnection(options);
      }
      case "docker": {
        const { transport: _t, ...options } = access;
        return new DockerExecConnection(options);
      }
      case "guestops": {
        const { transport: _t, ...options } = access;
        return new PooledGuestOpsConnection(this.#sessions, options);
      }
    }
  }

  async closeAll(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all([
      ...all.map((c) => c.close().catch(() => undefined)),
      ...(this.#ownSessions ? [this.#sessions.closeAll()] : []),
    ]);
  }
}
