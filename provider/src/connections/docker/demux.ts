/**
 * Docker's multiplexed attach stream (no TTY): frames of an 8-byte header
 * (stream type 1 = stdout, 2 = stderr; big-endian payload length at 4) and the
 * payload. Frames may arrive split across chunks, or several in one chunk.
 */
export class DockerDemuxer {
  readonly stdout: Buffer[] = [];
  readonly stderr: Buffer[] = [];
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    while (this.#pending.length >= 8) {
      const size = this.#pending.readUInt32BE(4);
      if (this.#pending.length < 8 + size) return;
      const payload = this.#pending.subarray(8, 8 + size);
      (this.#pending[0] === 2 ? this.stderr : this.stdout).push(payload);
      this.#pending = this.#pending.subarray(8 + size);
    }
  }

  text(which: "stdout" | "stderr"): string {
    return Buffer.concat(this[which]).toString("utf8");
  }
}
