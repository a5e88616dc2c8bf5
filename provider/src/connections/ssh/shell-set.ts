/**
 * The persistent shells of one SSH connection (sessionMode "persistent"):
 * up to `max` shells, each on its own channel of the pool and holding that
 * channel while it lives; a command takes an idle shell, else opens one, else
 * waits for one. A dead shell is dropped (its channel given back), and the
 * next command opens a new one. Shells idle for `idleMs` are closed so the
 * pool can close idle connections as in exec mode.
 */
import { PodError } from "../../common/errors";
import type { PersistentShell } from "./persistent-shell";

export interface ShellSetOptions {
  max: number;
  idleMs: number;
  /** Opens one shell on a pooled channel; the channel is given back when the shell closes. */
  open: () => Promise<PersistentShell>;
}

export class ShellSet {
  readonly #options: ShellSetOptions;
  #idle: { shell: PersistentShell; timer: NodeJS.Timeout }[] = [];
  #waiters: { resolve: (shell: PersistentShell) => void; reject: (error: unknown) => void }[] = [];
  #count = 0;
  #closed = false;
  readonly #counters = { shellsOpened: 0, shellsLost: 0 };

  constructor(options: ShellSetOptions) {
    this.#options = { ...options, max: Math.max(1, options.max) };
  }

  /** Runs fn on a shell of its own for the duration. */
  async use<T>(fn: (shell: PersistentShell) => Promise<T>): Promise<T> {
    const shell = await this.#take();
    try {
      return await fn(shell);
    } finally {
      this.#give(shell);
    }
  }

  stats(): Record<string, number> {
    return { shells: this.#count, idleShells: this.#idle.length, ...this.#counters };
  }

  close(): void {
    this.#closed = true;
    for (const { shell, timer } of this.#idle.splice(0)) {
      clearTimeout(timer);
      shell.close();
    }
    for (const waiter of this.#waiters.splice(0)) waiter.reject(closedError());
  }

  async #take(): Promise<PersistentShell> {
    if (this.#closed) throw closedError();
    for (let entry = this.#idle.pop(); entry; entry = this.#idle.pop()) {
      clearTimeout(entry.timer);
      if (entry.shell.alive) return entry.shell;
    }
    if (this.#count < this.#options.max) return this.#open();
    return new Promise<PersistentShell>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async #open(): Promise<PersistentShell> {
    this.#count++;
    try {
      const shell = await this.#options.open();
      this.#counters.shellsOpened++;
      void shell.whenClosed().then(() => {
        this.#count--;
        if (shell.lost) this.#counters.shellsLost++;
        this.#idle = this.#idle.filter((e) => e.shell !== shell);
        this.#wakeOne();
      });
      return shell;
    } catch (error) {
      this.#count--;
      this.#wakeOne();
      throw error;
    }
  }

  #give(shell: PersistentShell): void {
    if (!shell.alive) return; // its close handler counts it out
    if (this.#closed) {
      shell.close();
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve(shell);
      return;
    }
    const timer = setTimeout(() => shell.close(), this.#options.idleMs);
    timer.unref();
    this.#idle.push({ shell, timer });
  }

  /** A slot freed up: the first waiter opens a shell of its own. */
  #wakeOne(): void {
    if (this.#closed || this.#count >= this.#options.max) return;
    const waiter = this.#waiters.shift();
    if (!waiter) return;
    this.#open().then(waiter.resolve, waiter.reject);
  }
}

const closedError = () =>
  new PodError("CONNECTION_LOST", "The SSH connection's shells were closed.", { fix: "Open a new connection." });
