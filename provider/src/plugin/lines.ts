/** Chunks of a stream cut into whole lines (a command's output as it arrives). */
export class LineSplitter {
  #rest = "";
  readonly #decoder = new TextDecoder();

  constructor(readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    const text = this.#rest + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.#rest = lines.pop() ?? "";
    for (const line of lines) this.emit(line.replace(/\r$/, ""));
  }

  /** The last line when it had no newline. */
  end(): void {
    if (this.#rest) this.emit(this.#rest);
    this.#rest = "";
  }
}
