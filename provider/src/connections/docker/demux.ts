/**
 * Docker's multiplexed attach stream (no TTY): frames of an 8-byte header
 * (stream type 1 = stdout, 2 = stderr; big-endian payload length at 4) and the
 * payload. Frames may arrive split across chunks, or several in one chunk.
 * Payload bytes are handed on as they arrive, never held until a frame is
 * complete: a frame header may announce up to 4 GiB.
 */
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../common/limits";
import { CappedOutput, type OutputListener, truncation } from "../capped-output";

export interface DemuxOptions {
  /** Bytes kept per stream (default DEFAULT_MAX_OUTPUT_BYTES). */
  maxOutputBytes?: number;
  onStdout?: OutputListener;
  onStderr?: OutputListener;
}

export class DockerDemuxer {
  readonly stdout: CappedOutput;
  readonly stderr: CappedOutput;
  /** A header split across chunks (fewer than 8 bytes). */
  #header: Buffer = Buffer.alloc(0);
  /** Payload bytes of the current frame still to come, and where they go. */
  #remaining = 0;
  #target: CappedOutput;

  constructor(options: DemuxOptions = {}) {
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    this.stdout = new CappedOutput(limit, options.onStdout);
    this.stderr = new CappedOutput(limit, options.onStderr);
    this.#target = this.stdout;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - offset);
        this.#target.push(chunk.subarray(offset, offset + take));
        this.#remaining -= take;
        offset += take;
        continue;
      }
      const need = 8 - this.#header.length;
      this.#header = Buffer.concat([this.#header, chunk.subarray(offset, offset + need)]);
      offset += Math.min(need, chunk.length - offset);
      if (this.#header.length < 8) return;
      this.#target = this.#header[0] === 2 ? this.stderr : this.stdout;
      this.#remaining = this.#header.readUInt32BE(4);
      this.#header = Buffer.alloc(0);
    }
  }

  text(which: "stdout" | "stderr"): string {
    return this[which].text();
  }

  truncation() {
    return truncation(this.stdout, this.stderr);
  }
}
