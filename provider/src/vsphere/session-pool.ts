import { accessKey } from "../common/access-key";
import { type VsphereConnectOptions, VsphereSession } from "./session";

export interface SessionPoolOptions {
  /** A session nobody uses is logged out after this long (default 30 s). */
  idleMs?: number;
  /** Metrics and spans for every SOAP call of every session the pool opens. */
  onCall?: VsphereConnectOptions["onCall"];
  wrapCall?: VsphereConnectOptions["wrapCall"];
}

interface Entry {
  session: Promise<VsphereSession>;
  users: number;
  idle?: NodeJS.Timeout;
}

/**
 * Shares logged-in sessions between callers in one process (a Pulumi
 * provider process handles many resources; a PodClient many calls): one
 * login per endpoint and credentials, closed after it sat idle, and never
 * holding the process open.
 */
export class SessionPool {
  readonly idleMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #hooks: Pick<SessionPoolOptions, "onCall" | "wrapCall">;

  constructor(options: number | SessionPoolOptions = {}) {
    const o = typeof options === "number" ? { idleMs: options } : options;
    this.idleMs = o.idleMs ?? 30_000;
    this.#hooks = { ...(o.onCall ? { onCall: o.onCall } : {}), ...(o.wrapCall ? { wrapCall: o.wrapCall } : {}) };
  }

  async use<T>(options: VsphereConnectOptions, fn: (session: VsphereSession) => Promise<T>): Promise<T> {
    const [key, entry] = this.#enter(options);
    try {
      return await fn(await entry.session);
    } finally {
      this.#leave(key, entry);
    }
  }

  /** A session held until closeAll (a PodClient's, for its whole life). */
  pin(options: VsphereConnectOptions): Promise<VsphereSession> {
    return this.#enter(options)[1].session;
  }

  #enter(options: VsphereConnectOptions): [string, Entry] {
    const key = poolKey(options);
    let entry = this.#entries.get(key);
    if (!entry) {
      const created: Entry = { session: VsphereSession.connect({ ...options, ...this.#hooks }), users: 0 };
      this.#entries.set(key, created);
      created.session.catch(() => {
        if (this.#entries.get(key) === created) this.#entries.delete(key); // the next caller logs in again
      });
      entry = created;
    }
    clearTimeout(entry.idle);
    entry.users++;
    return [key, entry];
  }

  #leave(key: string, entry: Entry): void {
    entry.users--;
    if (entry.users > 0) return;
    entry.idle = setTimeout(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
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
 * Identity of a session: endpoint, user, how the server is trusted (a
 * session opened with one CA is never handed to a caller who did not trust
 * it) and the password, through the process's keyed hash (common/access-key.ts).
 */
function poolKey(o: VsphereConnectOptions): string {
  return accessKey({ transport: "vsphere", host: o.host, user: o.user, password: o.password, trust: o.trust });
}
