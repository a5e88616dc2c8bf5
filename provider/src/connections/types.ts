/**
 * One interface for every way into a guest (SSH, WinRM, Docker exec, VMware
 * Tools guest operations). A connection moves bytes and runs command lines;
 * it never knows OS syntax: quoting and scripts are built by os/ handlers.
 */
import type { Readable } from "node:stream";
import type { TransportKind } from "../common/transport";

/**
 * A file's bytes as a stream, for files too big to hold in memory: its size
 * (transports that announce it first need it) and a fresh stream each time
 * it is opened. The stream must yield exactly `size` bytes.
 */
export interface FileStream {
  size: number;
  open(): Readable;
}

export const isFileStream = (content: unknown): content is FileStream =>
  typeof content === "object" && content !== null && !Buffer.isBuffer(content) && "open" in content;

export interface ExecOptions {
  stdin?: string | Buffer;
  /** Extra environment; transports that cannot set it pass it through the command. */
  env?: Record<string, string>;
  cwd?: string;
  /** Ends the command (on the guest too) after this long; the result says timedOut. */
  timeoutMs?: number;
  /** SSH only: allocate a pseudo-terminal (merges stderr into stdout). */
  pty?: boolean;
  /**
   * Bytes of stdout, and separately of stderr, kept in the result (default
   * DEFAULT_MAX_OUTPUT_BYTES, 16 MiB); the rest is dropped and counted in `truncated`.
   */
  maxOutputBytes?: number;
  /** Every stdout chunk as it arrives, kept or not. Must not throw; must not block. */
  onStdout?: (chunk: Buffer) => void;
  /** Every stderr chunk as it arrives, kept or not. Must not throw; must not block. */
  onStderr?: (chunk: Buffer) => void;
  /**
   * Ends the command on the guest the way timeoutMs does (its whole process
   * tree), then rejects with CANCELLED; the connection stays usable.
   */
  signal?: AbortSignal;
}

/** Bytes received past `maxOutputBytes` and not kept, per stream. */
export interface OutputTruncation {
  stdout: number;
  stderr: number;
}

/** What the transport saw. A non-zero exit is data, never an exception. */
export interface RawExecResult {
  stdout: string;
  stderr: string;
  /** null when the transport could not learn it (killed, timed out). */
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  durationMs: number;
  /** Present when output went past `maxOutputBytes`: how many bytes of each stream were dropped. */
  truncated?: OutputTruncation;
}

export interface GetFileOptions {
  /** Refuse (TOO_LARGE) a file bigger than this (default DEFAULT_MAX_FILE_BYTES, 128 MiB). */
  maxBytes?: number;
}

export interface ConnectionHealth {
  transport: TransportKind;
  target: string;
  reachable: boolean;
  latencyMs?: number;
  /** Transport-specific counters: open connections, busy channels, reconnects, failures. */
  stats?: Record<string, number>;
  error?: { code: string; message: string };
}

export interface GuestConnection {
  readonly transport: TransportKind;
  /** How results name the guest: "host:port", container name, VM name. */
  readonly target: string;
  /** Runs one command line as the guest's default shell parses it. */
  exec(command: string, options?: ExecOptions): Promise<RawExecResult>;
  /** Writes (replaces) a file; a FileStream is streamed, never held whole. The parent folder must exist. */
  putFile(remotePath: string, content: string | Buffer | FileStream, options?: { mode?: number }): Promise<void>;
  /** The whole file, or TOO_LARGE when it is bigger than `maxBytes`. */
  getFile(remotePath: string, options?: GetFileOptions): Promise<Buffer>;
  health(): Promise<ConnectionHealth>;
  /** Releases every socket and timer; nothing keeps the process alive after it. */
  close(): Promise<void>;
}
