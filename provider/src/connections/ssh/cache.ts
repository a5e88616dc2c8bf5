/**
 * One SshConnection (one pool) per host and credentials, shared by everyone
 * who asks for it, so that resources touching the same guest reuse its
 * connections instead of each opening their own.
 */
import { createHash } from "node:crypto";
import { Secret } from "../../common/secret";
import type { SshConnectionOptions } from "./options";
import { SshConnection } from "./ssh-connection";

const reveal = (value: unknown): unknown =>
  value instanceof Secret ? value.reveal() : Buffer.isBuffer(value) ? value.toString("base64") : value;

/** user@host:port plus a hash of everything else (credentials included, never in clear). */
export function sshConnectionKey(options: SshConnectionOptions): string {
  const { host, port, username, jump, log: _log, wrapper: _wrapper, ...rest } = options;
  const material = JSON.stringify(
    Object.entries(rest)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, reveal(v)]),
  );
  const hash = createHash("sha256")
    .update(material)
    .update(jump ? sshConnectionKey(jump) : "")
    .digest("hex")
    .slice(0, 16);
  return `${username}@${host}:${port ?? 22}#${hash}`;
}

export class SshConnectionCache {
  readonly #connections = new Map<string, SshConnection>();

  get(options: SshConnectionOptions): SshConnection {
    const key = sshConnectionKey(options);
    let connection = this.#connections.get(key);
    if (!connection) {
      connection = new SshConnection(options);
      this.#connections.set(key, connection);
    }
    return connection;
  }

  get size(): number {
    return this.#connections.size;
  }

  async closeAll(): Promise<void> {
    const all = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
