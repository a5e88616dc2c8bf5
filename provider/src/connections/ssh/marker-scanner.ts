/**
 * Splits one output stream of a persistent shell at a command's end marker:
 * bytes before it are the command's output, passed on as they arrive (less
 * the few that could be the start of a marker split across packets); the
 * rest of the marker's line is its trailer (the exit status on stdout).
 */
export class MarkerScanner {
  readonly #marker: Buffer;
  readonly #onData: (chunk: Buffer) => void;
  #held: Buffer = Buffer.alloc(0);
  #trailer: Buffer | undefined;
  #done = false;

  constructor(marker: string, onData: (chunk: Buffer) => void) {
    this.#marker = Buffer.from(marker, "latin1");
    this.#onData = onData;
  }

  get done(): boolean {
    return this.#done;
  }

  /** What followed the marker on its line, without the line break. */
  get trailer(): string {
    return (this.#trailer ?? Buffer.alloc(0)).toString("latin1").trim();
  }

  /** Feeds a chunk; true once the marker and the end of its line have been seen. */
  push(chunk: Buffer): boolean {
    if (this.#done) return true; // a late writer (a background job): not this command's output
    if (this.#trailer) return this.#takeTrailer(chunk);
    const buffer = this.#held.length ? Buffer.concat([this.#held, chunk]) : chunk;
    const at = buffer.indexOf(this.#marker);
    if (at >= 0) {
      if (at > 0) this.#onData(buffer.subarray(0, at));
      this.#held = Buffer.alloc(0);
      this.#trailer = Buffer.alloc(0);
      return this.#takeTrailer(buffer.subarray(at + this.#marker.length));
    }
    // Hold back only a tail that could still grow into the marker.
    const keep = this.#partialMatch(buffer);
    if (buffer.length > keep) this.#onData(buffer.subarray(0, buffer.length - keep));
    this.#held = keep ? Buffer.from(buffer.subarray(buffer.length - keep)) : Buffer.alloc(0);
    return false;
  }

  /** Output held back when the stream ends without its marker (the shell died). */
  flush(): void {
    if (this.#held.length) this.#onData(this.#held);
    this.#held = Buffer.alloc(0);
  }

  #takeTrailer(chunk: Buffer): boolean {
    const eol = chunk.indexOf(10);
    const part = eol >= 0 ? chunk.subarray(0, eol) : chunk;
    this.#trailer = Buffer.concat([this.#trailer ?? Buffer.alloc(0), part]);
    if (eol >= 0) this.#done = true;
    return this.#done;
  }

  /** The length of the longest suffix of `buffer` that is a proper prefix of the marker. */
  #partialMatch(buffer: Buffer): number {
    const max = Math.min(this.#marker.length - 1, buffer.length);
    for (let n = max; n > 0; n--) {
      if (buffer.subarray(buffer.length - n).equals(this.#marker.subarray(0, n))) return n;
    }
    return 0;
  }
}
