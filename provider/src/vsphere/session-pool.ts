import { createHash } from "node:crypto";
import { type VsphereConnectOptions, VsphereSession } from "./session";

/**
 * Shares logged-in sessions between callers in one process (a Pulumi
 * provider process handles many resources): one login per endpoint and
 * credentials, closed after it sat idle, and never holding the process open.
 */
export class SessionPool {
  readonly #entries = new Map<string, { session: Promise<VsphereSession>; users: number; idle?: NodeJS.Timeout }>();

  constructor(readonly idleMs = 30_000) {}

  async use<T>(options: VsphereConnectOptions, fn: (session: VsphereSession) => Promise<T>): Promise<T> {
    const key = poolKey(options);
    let entry = this.#entries.get(key);
    if (!entry) {
      const created = { session: VsphereSession.connect(options), users: 0 };
      entry = created;
      this.#entries.set(key, created);
      // A failed login (refused, unreachable, a handshake that timed out) is never handed to a
      // later caller: it leaves the pool, unless a newer entry already took its place.
      created.session.catch(() => {
        if (this.#entries.get(key) === created) this.#entries.delete(key);
      });
    }
    clearTimeout(entry.idle);
    entry.users++;
    try {
      return await fn(await entry.session);
    } finally {
      entry.users--;
      if (entry.users === 0) this.#scheduleClose(key, entry);
    }
  }

  #scheduleClose(key: string, entry: { session: Promise<VsphereSession>; idle?: NodeJS.Timeout }): void {
    entry.idle = setTimeout(() => {
      this.#entries.delete(key);
      entry.session.then((s) => s.close()).catch(() => undefined);
    }, this.idleMs);
    entry.idle.unref();
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(
      entries.map(async (e) => {
        clearTimeout(e.idle);
        await (await e.session.catch(() => undefined))?.close();
      }),
    );
  }
}

/**
 * Identity of a session: endpoint, user, how the server is trusted, and a
 * hash of the password (never the password itself). Trust is part of it so a
 * session opened with one CA is never handed to a caller who did not trust it.
 */
function poolKey(o: VsphereConnectOptions): string {
  const hash = (value: string | Buffer) => createHash("sha256").update(value).digest("hex").slice(0, 16);
  const trust = `${o.trust.thumbprint ?? ""}#${o.trust.ca ? hash(o.trust.ca) : ""}#${o.trust.insecure ? 1 : 0}`;
  return `${o.user}@${o.host}#${hash(o.password.reveal())}#${trust}`;
}
