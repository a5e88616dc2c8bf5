/** Counting semaphores: one for the whole executor, one per host. */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.#free = Math.max(1, size);
  }

  async acquire(): Promise<() => void> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next)
        next(); // hand the slot straight over
      else this.#free++;
    };
  }

  get busy(): number {
    return this.size - this.#free;
  }
}

export class KeyedLimiter {
  readonly #semaphores = new Map<string, Semaphore>();

  constructor(readonly perKey: number) {}

  acquire(key: string): Promise<() => void> {
    let semaphore = this.#semaphores.get(key);
    if (!semaphore) {
      semaphore = new Semaphore(this.perKey);
      this.#semaphores.set(key, semaphore);
    }
    return semaphore.acquire();
  }
}

/** Runs fn holding a slot of each limiter, in order (global first, so a busy host cannot hog them). */
export async function withSlots<T>(acquirers: (() => Promise<() => void>)[], fn: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const acquire of acquirers) releases.push(await acquire());
    return await fn();
  } finally {
    for (const release of releases.reverse()) release();
  }
}
