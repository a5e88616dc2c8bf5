/**
 * One way to ask for a connection to a guest, whatever the transport, and a
 * cache that hands the same connection (and so the same SSH pool or WinRM
 * shell) to everyone who asks for the same guest with the same credentials.
 */
import { createHash } from "node:crypto";
import { Secret } from "../common/secret";
import type { GuestOperations } from "../vsphere/guest-ops";
import { type DockerConnectionOptions, DockerExecConnection } from "./docker";
import { GuestOpsConnection } from "./guestops/guestops-connection";
import { isPoolEventSource, type PoolEventListener } from "./pool-events";
import { SshConnectionCache, type SshConnectionOptions } from "./ssh";
import type { GuestConnection } from "./types";
import { WinrmConnection, type WinrmConnectionOptions } from "./winrm/connection";

export type GuestAccess =
  | ({ transport: "ssh" } & SshConnectionOptions)
  | ({ transport: "winrm" } & WinrmConnectionOptions)
  | ({ transport: "docker" } & Omit<DockerConnectionOptions, "docker">)
  | { transport: "guestops"; ops: GuestOperations; target: string };

const material = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (v instanceof Secret ? v.reveal() : Buffer.isBuffer(v) ? v.toString("base64") : v));

export interface ConnectionCacheOptions {
  /** Hears every pooled connection's reconnects and failures as they happen (metrics). */
  onPoolEvent?: PoolEventListener;
}

export class ConnectionCache {
  readonly #ssh = new SshConnectionCache();
  readonly #others = new Map<string, GuestConnection>();
  readonly #onPoolEvent: PoolEventListener | undefined;
  /** Connections already listened to: the same pool is handed out many times, its events count once. */
  readonly #watched = new WeakSet<GuestConnection>();

  constructor(options: ConnectionCacheOptions = {}) {
    this.#onPoolEvent = options.onPoolEvent;
  }

  get(access: GuestAccess): GuestConnection {
    const connection = this.#get(access);
    if (this.#onPoolEvent && isPoolEventSource(connection) && !this.#watched.has(connection)) {
      this.#watched.add(connection);
      connection.onPoolEvent(this.#onPoolEvent);
    }
    return connection;
  }

  #get(access: GuestAccess): GuestConnection {
    switch (access.transport) {
      case "ssh": {
        const { transport: _t, ...options } = access;
        return this.#ssh.get(options);
      }
      case "guestops":
        // Bound to a vSphere session the caller owns; cheap to make, nothing to share.
        return new GuestOpsConnection(access.ops, access.target);
      default: {
        const key = createHash("sha256").update(material(access)).digest("hex");
        let connection = this.#others.get(key);
        if (!connection) {
          const { transport, ...options } = access;
          connection =
            transport === "winrm"
              ? new WinrmConnection(options as WinrmConnectionOptions)
              : new DockerExecConnection(options as DockerConnectionOptions);
          this.#others.set(key, connection);
        }
        return connection;
      }
    }
  }

  async closeAll(): Promise<void> {
    const others = [...this.#others.values()];
    this.#others.clear();
    await Promise.all([this.#ssh.closeAll(), ...others.map((c) => c.close())]);
  }
}
