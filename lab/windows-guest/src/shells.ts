import { randomUUID } from "node:crypto";

/**
 * WinRS shells and commands with Windows' semantics: a command runs as soon
 * as Command arrives; its output is buffered until a Receive takes it; a
 * Receive waits up to OperationTimeout for output (then the caller answers
 * with the w:TimedOut fault), returns what is there (Running), and reports
 * Done with the exit code once the command ended and all output was taken.
 * Shells count against MaxShellsPerUser and expire after IdleTimeOut.
 */
export type Runner = (io: {
  stdout(data: Buffer): void;
  stderr(data: Buffer): void;
  readStdin(): Promise<Buffer>;
  signal: AbortSignal;
}) => Promise<number>;

export interface ReceiveResult {
  stdout: Buffer;
  stderr: Buffer;
  done: boolean;
  exitCode?: number;
}

/** STATUS_CONTROL_C_EXIT, what a command stopped by ctrl_c reports. */
const CTRL_C_EXIT = 0xc000013a;

export class Command {
  readonly id = randomUUID().toUpperCase();
  #out: Buffer[] = [];
  #err: Buffer[] = [];
  #exitCode: number | undefined;
  #stdin: Buffer[] = [];
  #stdinEnded = false;
  #stdinWaiters: (() => void)[] = [];
  #wake: (() => void)[] = [];
  readonly #abort = new AbortController();
  delivered = false;

  constructor(run: Runner) {
    void run({
      stdout: (d) => this.#push(this.#out, d),
      stderr: (d) => this.#push(this.#err, d),
      readStdin: () => this.#readStdin(),
      signal: this.#abort.signal,
    }).then(
      (code) => this.#finish(code),
      () => this.#finish(this.#abort.signal.aborted ? CTRL_C_EXIT : 1),
    );
  }

  get done(): boolean {
    return this.#exitCode !== undefined;
  }

  #push(queue: Buffer[], data: Buffer): void {
    if (data.length === 0) return;
    queue.push(data);
    this.#notify();
  }

  #finish(code: number): void {
    if (this.#exitCode !== undefined) return;
    this.#exitCode = code >>> 0;
    this.#notify();
  }

  #notify(): void {
    for (const w of this.#wake.splice(0)) w();
  }

  async #readStdin(): Promise<Buffer> {
    while (!this.#stdinEnded && !this.#abort.signal.aborted) await new Promise<void>((r) => this.#stdinWaiters.push(r));
    return Buffer.concat(this.#stdin);
  }

  pushStdin(data: Buffer, end: boolean): void {
    this.#stdin.push(data);
    if (end) this.#stdinEnded = true;
    for (const w of this.#stdinWaiters.splice(0)) w();
  }

  stop(ctrlC = false): void {
    this.#abort.abort();
    for (const w of this.#stdinWaiters.splice(0)) w();
    if (ctrlC) this.#finish(CTRL_C_EXIT);
  }

  /** Waits for output or completion; undefined when nothing came within `timeoutMs`. */
  async receive(timeoutMs: number, maxBytes: number, cancel: AbortSignal): Promise<ReceiveResult | undefined> {
    const deadline = Date.now() + timeoutMs;
    // With output already there, linger briefly so that a command about to finish
    // reports its output and Done in one response (as Windows usually does).
    let lingerUntil = this.#out.length + this.#err.length > 0 ? Date.now() + 50 : Number.POSITIVE_INFINITY;
    let wakeNow: (() => void) | undefined;
    const onCancel = () => wakeNow?.();
    cancel.addEventListener("abort", onCancel, { once: true });
    try {
      while (!this.done && !cancel.aborted) {
        const now = Date.now();
        const wakeAt = Math.min(deadline, lingerUntil);
        if (now >= wakeAt) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wakeAt - now);
          wakeNow = () => {
            clearTimeout(timer);
            resolve();
          };
          this.#wake.push(wakeNow);
        });
        if (lingerUntil === Number.POSITIVE_INFINITY && this.#out.length + this.#err.length > 0)
          lingerUntil = Date.now() + 50;
      }
    } finally {
      cancel.removeEventListener("abort", onCancel);
    }
    if (!this.done && this.#out.length + this.#err.length === 0) return undefined;
    const stdout = take(this.#out, Math.ceil(maxBytes / 2));
    const stderr = take(this.#err, maxBytes - stdout.length);
    const drained = this.#out.length + this.#err.length === 0;
    if (this.done && drained) {
      this.delivered = true;
      return { stdout, stderr, done: true, exitCode: this.#exitCode ?? 0 };
    }
    return { stdout, stderr, done: false };
  }
}

/** Takes up to `max` bytes off the front of a queue of chunks. */
function take(queue: Buffer[], max: number): Buffer {
  const out: Buffer[] = [];
  let size = 0;
  while (queue.length > 0 && size < max) {
    const head = queue[0] as Buffer;
    if (size + head.length <= max) {
      out.push(head);
      size += head.length;
      queue.shift();
    } else {
      out.push(head.subarray(0, max - size));
      queue[0] = head.subarray(max - size);
      size = max;
    }
  }
  return Buffer.concat(out);
}

export interface ShellOptions {
  owner: string;
  codepage: number;
  env: Record<string, string>;
  cwd: string;
  idleTimeoutMs: number;
  clientIp: string;
}

export class Shell {
  readonly id = randomUUID().toUpperCase();
  readonly commands = new Map<string, Command>();
  readonly created = Date.now();
  lastUsed = Date.now();

  constructor(readonly options: ShellOptions) {}

  touch(): void {
    this.lastUsed = Date.now();
  }

  close(): void {
    for (const c of this.commands.values()) c.stop();
    this.commands.clear();
  }
}

export class ShellTable {
  readonly #shells = new Map<string, Shell>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(readonly maxShellsPerUser: number) {
    this.#sweeper = setInterval(() => this.#sweep(), 30_000);
    this.#sweeper.unref();
  }

  count(owner: string): number {
    return [...this.#shells.values()].filter((s) => s.options.owner.toLowerCase() === owner.toLowerCase()).length;
  }

  add(shell: Shell): void {
    this.#shells.set(shell.id, shell);
  }

  get(id: string): Shell | undefined {
    const shell = this.#shells.get(id.toUpperCase());
    shell?.touch();
    return shell;
  }

  delete(id: string): boolean {
    const shell = this.#shells.get(id.toUpperCase());
    shell?.close();
    return this.#shells.delete(id.toUpperCase());
  }

  closeAll(): void {
    clearInterval(this.#sweeper);
    for (const id of [...this.#shells.keys()]) this.delete(id);
  }

  #sweep(): void {
    const now = Date.now();
    for (const s of [...this.#shells.values()]) if (now - s.lastUsed > s.options.idleTimeoutMs) this.delete(s.id);
  }
}
