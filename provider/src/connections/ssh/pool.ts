/**
 * A pool of SSH connections to one host. OpenSSH allows MaxSessions (10)
 * sessions per connection and drops unauthenticated connections beyond
 * MaxStartups (10:30:100), so the pool keeps at most `maxChannels` channels
 * busy per connection, opens more connections only when all are full (up to
 * `maxConnections`), at most `maxStartups` at a time and `staggerMs` apart, and
 * queues the rest. A lost connection leaves the pool; the next request dials a
 * new one (the dial function retries with backoff).
 */
import type { Client } from "ssh2";
import { PodError } from "../../common/errors";
import { PoolEvents } from "../pool-events";
import { DEFAULT_POOL_LIMITS, type PoolLimits, type PoolStats } from "./pool-limits";

interface Link {
  id: number;
  client: Client;
  busy: number;
  capacity: number;
  alive: boolean;
  idleSince: number;
}

export interface Lease {
  readonly client: Client;
  readonly linkId: number;
  /** The server refused a channel: this connection holds fewer than we thought. */
  refused(): void;
  release(): void;
}

interface Waiter {
  resolve: (lease: Lease) => void;
  reject: (error: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class SshPool {
  readonly #limits: PoolLimits;
  readonly #dial: () => Promise<Client>;
  readonly #target: string;
  #links: Link[] = [];
  #waiters: Waiter[] = [];
  #opening = 0;
  #lastDialAt = 0;
  #nextId = 1;
  #everLost = false;
  #closed = false;
  #staggerTimer: NodeJS.Timeout | undefined;
  readonly #reaper: NodeJS.Timeout;
  readonly #counters = { dials: 0, reconnects: 0, failures: 0, lost: 0, refusals: 0, leases: 0 };
  /** Reconnects and failures as they happen (the counters above say how many so far). */
  readonly events: PoolEvents;

  constructor(target: string, dial: () => Promise<Client>, limits: Partial<PoolLimits> = {}) {
    this.#target = target;
    this.events = new PoolEvents("ssh", target);
    this.#dial = dial;
    this.#limits = { ...DEFAULT_POOL_LIMITS, ...limits };
    this.#reaper = setInterval(() => this.#reapIdle(), Math.max(1000, this.#limits.idleTimeoutMs / 2));
    this.#reaper.unref();
  }

  acquire(): Promise<Lease> {
    if (this.#closed) return Promise.reject(this.#closedError());
    // The common case, a free channel and nobody queued: no waiter, no timer.
    if (this.#waiters.length === 0) {
      const link = this.#pick();
      if (link) return Promise.resolve(this.#lease(link));
    }
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      const expire = () => {
        // While the first connection is still being dialed, its own bounded retries
        // decide (UNREACHABLE says more than TIMEOUT would): wait for them.
        if (this.#links.length === 0 && this.#opening > 0) {
          waiter.timer = setTimeout(expire, this.#limits.acquireTimeoutMs).unref();
          return;
        }
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new PodError(
            "TIMEOUT",
            `No SSH channel to ${this.#target} became free within ${this.#limits.acquireTimeoutMs} ms.`,
            {
              fix: "Lower the concurrency for this host or raise the pool's maxConnections/acquireTimeoutMs.",
              transient: true,
            },
          ),
        );
      };
      waiter.timer = setTimeout(expire, this.#limits.acquireTimeoutMs).unref();
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  stats(): PoolStats {
    return {
      openConnections: this.#links.length,
      openingConnections: this.#opening,
      busyChannels: this.#links.reduce((n, l) => n + l.busy, 0),
      queued: this.#waiters.length,
      ...this.#counters,
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    clearTimeout(this.#staggerTimer);
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(this.#closedError());
    }
    await Promise.all(this.#links.map((link) => this.#endLink(link)));
    this.#links = [];
  }

  #closedError(): PodError {
    return new PodError("CONNECTION_LOST", `The SSH connection to ${this.#target} was closed.`, {
      fix: "Open a new connection.",
    });
  }

  #pump(): void {
    while (this.#waiters.length) {
      const link = this.#pick();
      if (!link) break;
      const waiter = this.#waiters.shift();
      if (!waiter) break;
      clearTimeout(waiter.timer);
      waiter.resolve(this.#lease(link));
    }
    if (this.#waiters.length) this.#maybeOpen();
  }

  /** The least busy live connection with a free channel. */
  #pick(): Link | undefined {
    let best: Link | undefined;
    for (const link of this.#links) {
      if (link.alive && link.busy < link.capacity && (!best || link.busy < best.busy)) best = link;
    }
    return best;
  }

  #lease(link: Link): Lease {
    link.busy++;
    this.#counters.leases++;
    let done = false;
    let wasRefused = false;
    return {
      client: link.client,
      linkId: link.id,
      refused: () => {
        wasRefused = true;
        this.#counters.refusals++;
        link.capacity = Math.max(1, link.busy - 1);
      },
      release: () => {
        if (done) return;
        done = true;
        link.busy--;
        // Refusals are often transient (sshd frees a session slot only after reaping its child): win capacity back.
        if (!wasRefused && link.capacity < this.#limits.maxChannels) link.capacity++;
        if (link.busy === 0) link.idleSince = Date.now();
        this.#pump();
      },
    };
  }

  #maybeOpen(): void {
    if (this.#closed) return;
    const incoming = this.#opening * this.#limits.maxChannels;
    if (this.#waiters.length <= incoming) return;
    if (this.#links.length + this.#opening >= this.#limits.maxConnections) return;
    if (this.#opening >= this.#limits.maxStartups) return;
    const wait = this.#lastDialAt + this.#limits.staggerMs - Date.now();
    if (wait > 0) {
      this.#staggerTimer ??= setTimeout(() => {
        this.#staggerTimer = undefined;
        this.#pump();
      }, wait);
      return;
    }
    this.#opening++;
    this.#lastDialAt = Date.now();
    this.#counters.dials++;
    if (this.#everLost) {
      this.#counters.reconnects++;
      this.events.emit("reconnect");
    }
    this.#dial().then(
      (client) => {
        this.#opening--;
        if (this.#closed) {
          client.end();
          return;
        }
        this.#adopt(client);
        this.#pump();
      },
      (error: unknown) => {
        this.#opening--;
        this.#counters.failures++;
        this.events.emit("failure");
        // The dial already retried with backoff; do not start another one at once.
        this.#lastDialAt = Date.now() + this.#limits.failureCooldownMs;
        // With no connection to wait for, everyone waiting gets the reason now.
        if (this.#links.length === 0) {
          for (const waiter of this.#waiters.splice(0)) {
            clearTimeout(waiter.timer);
            waiter.reject(error);
          }
        }
      },
    );
  }

  #adopt(client: Client): void {
    const link: Link = {
      id: this.#nextId++,
      client,
      busy: 0,
      capacity: this.#limits.maxChannels,
      alive: true,
      idleSince: Date.now(),
    };
    const lost = () => {
      if (!link.alive) return;
      link.alive = false;
      this.#links = this.#links.filter((l) => l !== link);
      if (!this.#closed) {
        this.#everLost = true;
        this.#counters.lost++;
      }
      this.#pump();
    };
    client.on("close", lost);
    client.on("end", lost);
    client.on("error", lost); // keepalive timeouts and socket errors end here
    this.#links.push(link);
  }

  #reapIdle(): void {
    const cutoff = Date.now() - this.#limits.idleTimeoutMs;
    for (const link of this.#links) {
      if (link.busy === 0 && link.idleSince < cutoff) {
        link.alive = false;
        this.#links = this.#links.filter((l) => l !== link);
        void this.#endLink(link);
      }
    }
  }

  /** Ends one connection and waits (briefly) for its socket to close. */
  #endLink(link: Link): Promise<void> {
    link.alive = false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // ssh2's destroy() does nothing once end() has closed the writable
        // side, so a peer that vanished (its address moved) would keep the
        // half-closed socket, and the process, alive for minutes: destroy the socket itself.
        link.client.destroy();
        (link.client as unknown as { _sock?: { destroy(): void } })._sock?.destroy();
        resolve();
      }, 1000);
      timer.unref();
      link.client.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      link.client.end();
    });
  }
}
