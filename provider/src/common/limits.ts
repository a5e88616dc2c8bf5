/**
 * How much pod reads into memory from a peer it does not control. A guest
 * running `yes`, a container archive of a disk image or a hostile vSphere
 * endpoint must not be able to exhaust the provider's memory: every buffer
 * that grows with what the peer sends has one of these bounds.
 */
import type { Readable } from "node:stream";
import { PodError } from "./errors";

const MiB = 1024 * 1024;

/** Bytes of stdout (and, separately, of stderr) kept per command; the rest is counted, not kept. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * MiB;

/** Bytes of one file read from a guest (SFTP, container archive, guest-operations transfer). */
export const DEFAULT_MAX_FILE_BYTES = 128 * MiB;

/** Bytes of one WinRM reply body (a service's own envelopes stay under its MaxEnvelopeSizekb, 500 KB by default). */
export const DEFAULT_MAX_WINRM_REPLY_BYTES = 32 * MiB;

/** Bytes of one vSphere SOAP response body. */
export const DEFAULT_MAX_SOAP_RESPONSE_BYTES = 64 * MiB;

/** A caller-given bound must be a positive whole number of bytes. */
export function checkByteLimit(value: number | undefined, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new PodError("INVALID_INPUT", `${what} must be a positive whole number of bytes, not ${value}.`, {
      fix: `Give ${what} in bytes, e.g. ${16 * MiB} for 16 MiB.`,
    });
  }
  return value;
}

/** The typed error for something bigger than its bound; `size` when the peer announced it. */
export function tooLarge(what: string, limit: number, fix: string, size?: number): PodError {
  return new PodError(
    "TOO_LARGE",
    `${what} is larger than ${limit} bytes${size === undefined ? "" : ` (${size} bytes)`}, the most pod reads into memory.`,
    { fix, details: { limit, ...(size === undefined ? {} : { size }) } },
  );
}

/**
 * A whole body into memory, at most `limit` bytes: past it the stream is
 * destroyed and the promise rejects with `refuse()`, so a flooding peer is
 * never buffered. pod's small JSON-over-HTTPS clients (vAPI REST, Vault) read
 * their replies through this.
 */
export function readBounded(body: Readable, limit: number, refuse: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      body.destroy();
      reject(refuse());
    });
    body.on("end", () => resolve(Buffer.concat(chunks)));
    body.on("error", reject);
  });
}
