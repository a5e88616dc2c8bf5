/**
 * One output stream of one command, held in memory up to a bound. The first
 * `limit` bytes are kept (the head: a flood usually repeats itself, and what
 * comes first says what started it); later bytes are counted as dropped. A
 * streaming callback sees every byte, kept or not, for callers who want it all.
 */
export type OutputListener = (chunk: Buffer) => void;

export class CappedOutput {
  readonly #chunks: Buffer[] = [];
  readonly #limit: number;
  readonly #listener: OutputListener | undefined;
  #kept = 0;
  #dropped = 0;

  constructor(limit: number, listener?: OutputListener) {
    this.#limit = limit;
    this.#listener = listener;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.#listener) {
      try {
        this.#listener(chunk);
      } catch {
        // A listener's bug must not break the transport mid-command; it documents "must not throw".
      }
    }
    const room = this.#limit - this.#kept;
    if (chunk.length <= room) {
      this.#chunks.push(chunk);
      this.#kept += chunk.length;
      return;
    }
    // Copy the part kept: a slice would hold the whole (possibly large) chunk alive.
    if (room > 0) this.#chunks.push(Buffer.from(chunk.subarray(0, room)));
    this.#kept += Math.max(room, 0);
    this.#dropped += chunk.length - Math.max(room, 0);
  }

  /** Counts bytes that were never received (a reader stopped early) as dropped. */
  skipped(bytes: number): void {
    this.#dropped += bytes;
  }

  /** Bytes received but not kept. */
  get dropped(): number {
    return this.#dropped;
  }

  bytes(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  text(encoding: BufferEncoding = "utf8"): string {
    return this.bytes().toString(encoding);
  }
}

/** The `truncated` field of a result: present only when something was dropped. */
export function truncation(
  stdout: CappedOutput,
  stderr: CappedOutput,
): { truncated?: { stdout: number; stderr: number } } {
  if (stdout.dropped === 0 && stderr.dropped === 0) return {};
  return { truncated: { stdout: stdout.dropped, stderr: stderr.dropped } };
}
