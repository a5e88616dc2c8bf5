/**
 * A small TTL cache of promises: concurrent loads of one key share a single
 * request, a failed load is forgotten at once (the next call retries), and
 * invalidate() drops one key or all. No timers: expiry is checked on read,
 * so the cache never keeps a process alive.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = load();
    const entry = { value, expires: this.now() + this.ttlMs };
    this.#entries.set(key, entry);
    value.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    return value;
  }

  /** Drops one key, or everything. */
  invalidate(key?: string): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }

  /** Keys still fresh. */
  keys(): string[] {
    const now = this.now();
    return [...this.#entries].filter(([, e]) => e.expires > now).map(([k]) => k);
  }
}
