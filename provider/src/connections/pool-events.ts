/**
 * Pool events as they happen — a reconnect after a lost connection, a dial
 * that failed after its retries — so that metrics count each one when it
 * occurs instead of copying counters at scrape time (a counter read from a
 * pool that has since closed would go backwards; an event never does).
 */
import type { TransportKind } from "../common/transport";

export type PoolEventKind = "reconnect" | "failure";

export interface PoolEvent {
  transport: TransportKind;
  /** The pool's target ("host:port"): no user, no credential. */
  target: string;
  kind: PoolEventKind;
}

export type PoolEventListener = (event: PoolEvent) => void;

/** Connections that keep a pool (SSH, WinRM) let listeners hear its events. */
export interface PoolEventSource {
  onPoolEvent(listener: PoolEventListener): () => void;
}

export function isPoolEventSource(value: unknown): value is PoolEventSource {
  return typeof (value as Partial<PoolEventSource> | undefined)?.onPoolEvent === "function";
}

/** One pool's listeners; a listener that throws never disturbs the pool or the other listeners. */
export class PoolEvents {
  readonly #listeners = new Set<PoolEventListener>();

  constructor(
    readonly transport: TransportKind,
    readonly target: string,
  ) {}

  on(listener: PoolEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(kind: PoolEventKind): void {
    for (const listener of this.#listeners) {
      try {
        listener({ transport: this.transport, target: this.target, kind });
      } catch {
        // Observers are best effort; the pool's own work goes on.
      }
    }
  }
}
