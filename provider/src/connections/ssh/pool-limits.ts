/** The pool's knobs and counters (see pool.ts for why the defaults are what they are). */
export interface PoolLimits {
  /** Connections to the host (default 4). */
  maxConnections: number;
  /**
   * Concurrent channels per connection (default 5, half of OpenSSH's MaxSessions 10). sshd frees a
   * closed session only after the loop pass in which it read our close, so a channel closed and a new
   * one opened at once count twice for a moment; 2 × 5 ≤ 10 means no refusal even when every channel
   * turns over together (at 8, 50 commands on one host drew MaxSessions refusals in the lab).
   */
  maxChannels: number;
  /** Connections being opened at once (default 2; OpenSSH MaxStartups starts dropping at 10). */
  maxStartups: number;
  /** Least time between two connection openings (default 150 ms). */
  staggerMs: number;
  /** A connection with nothing to do for this long is closed (default 60 s). */
  idleTimeoutMs: number;
  /** How long a request may wait for a channel (default 120 s). */
  acquireTimeoutMs: number;
  /** After a failed dial (retries included), how long before the next one (default 2 s). */
  failureCooldownMs: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = {
  maxConnections: 4,
  maxChannels: 5,
  maxStartups: 2,
  staggerMs: 150,
  idleTimeoutMs: 60_000,
  acquireTimeoutMs: 120_000,
  failureCooldownMs: 2000,
};

export interface PoolStats {
  openConnections: number;
  openingConnections: number;
  busyChannels: number;
  queued: number;
  /** Connections opened (attempts with retries count once). */
  dials: number;
  /** Dials after a connection was lost. */
  reconnects: number;
  /** Dials that failed after their retries. */
  failures: number;
  /** Connections that dropped while in the pool. */
  lost: number;
  /** Channels the server refused (MaxSessions). */
  refusals: number;
  leases: number;
  [name: string]: number;
}
