import { randomUUID } from "node:crypto";
import { cancelledError, throwIfCancelled } from "../../common/cancel";
import { PodError } from "../../common/errors";
import { checkByteLimit, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_OUTPUT_BYTES } from "../../common/limits";
import { posixQuote } from "../../os/shell/posix";
import type { GuestOperations } from "../../vsphere/guest-ops";
import { CappedOutput, truncation } from "../capped-output";
import {
  type ConnectionHealth,
  type ExecOptions,
  type FileStream,
  type GetFileOptions,
  type GuestConnection,
  isFileStream,
  type RawExecResult,
} from "../types";
import { EXEC_MARKER, endTree } from "./end-tree";

/**
 * Commands through VMware Tools guest operations: no network path to the
 * guest is needed. A command runs under the guest's shell with stdout and
 * stderr redirected to temporary files, which are fetched and deleted after
 * it ends (the pattern govc's guest.run uses), always, even when the run
 * fails midway. At a timeout the whole process tree is ended (end-tree.ts),
 * not just the shell; an aborted signal ends it the same way and the run
 * rejects with CANCELLED. Output is read back within maxOutputBytes per stream.
 * Linux/POSIX guests only for now: Windows guests use WinRM.
 */
export class GuestOpsConnection implements GuestConnection {
  readonly transport = "guestops" as const;

  constructor(
    readonly ops: GuestOperations,
    readonly target: string,
    readonly shellPath = "/bin/sh",
  ) {}

  async exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    throwIfCancelled(`The command on ${this.target}`, options.signal);
    const started = Date.now();
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    // One private temporary directory holds the command's files: one guest
    // round trip to make it and one to remove it, whatever the number of
    // streams (each guest file operation is a VMware Tools round trip).
    let directory: string | undefined;
    let running: number | undefined;
    try {
      directory = await this.ops.createTempDirectory("pod-", "");
      const out = `${directory}/out`;
      const err = `${directory}/err`;
      const input = options.stdin === undefined ? undefined : `${directory}/in`;
      if (input) await this.ops.upload(input, Buffer.from(options.stdin ?? ""));
      const redirect = `>${posixQuote(out)} 2>${posixQuote(err)}${input ? ` <${posixQuote(input)}` : ""}`;
      // The arguments string is parsed once more by the guest side (vcsim: the
      // host's sh), so the whole command travels as one quoted word.
      const args = `-c ${posixQuote(`{ ${command}\n} ${redirect}`)}`;
      const marker = randomUUID();
      const env = [...Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`), `${EXEC_MARKER}=${marker}`];
      const pid = await this.ops.start(this.shellPath, args, { ...(options.cwd ? { cwd: options.cwd } : {}), env });
      running = pid;
      const ended = await this.ops.wait(pid, options.timeoutMs ?? 10 * 60_000, 200, {
        terminate: false,
        signal: options.signal,
      });
      if (ended.timedOut) await endTree(this.ops, pid, marker, { shellPath: this.shellPath });
      running = undefined;
      if (ended.cancelled) throw cancelledError(`The command on ${this.target}`, options.signal);
      const stdout = await this.#collect(out, new CappedOutput(limit, options.onStdout), !!options.onStdout);
      const stderr = await this.#collect(err, new CappedOutput(limit, options.onStderr), !!options.onStderr);
      return {
        stdout: stdout.text(),
        stderr: stderr.text(),
        exitCode: ended.timedOut ? null : ended.exitCode,
        timedOut: ended.timedOut,
        durationMs: Date.now() - started,
        ...truncation(stdout, stderr),
      };
    } finally {
      // Failed midway (say the session dropped while waiting): do not leave the shell running.
      if (running !== undefined) await this.ops.terminate(running).catch(() => undefined);
      if (directory !== undefined) await this.ops.deleteDirectory(directory).catch(() => undefined);
    }
  }

  /**
   * Reads an output file into `sink`. Without a listener the read stops once
   * the sink is full and the server has said how big the file is (the rest is
   * counted, not fetched); with one, every byte goes through the listener.
   */
  async #collect(path: string, sink: CappedOutput, streaming: boolean): Promise<CappedOutput> {
    const { received, size } = await this.ops.stream(path, (chunk, declared) => {
      sink.push(chunk);
      return streaming || sink.dropped === 0 || declared === undefined;
    });
    if (size !== undefined && size > received) sink.skipped(size - received);
    return sink;
  }

  async putFile(
    remotePath: string,
    content: string | Buffer | FileStream,
    options: { mode?: number } = {},
  ): Promise<void> {
    await this.ops.upload(remotePath, isFileStream(content) ? content : Buffer.from(content));
    if (options.mode !== undefined) {
      const r = await this.exec(`chmod ${options.mode.toString(8)} ${posixQuote(remotePath)}`);
      if (r.exitCode !== 0) {
        throw new PodError("COMMAND_FAILED", `chmod of ${remotePath} failed: ${r.stderr.trim()}`, {
          details: { exitCode: r.exitCode },
        });
      }
    }
  }

  getFile(remotePath: string, options: GetFileOptions = {}): Promise<Buffer> {
    return this.ops.download(remotePath, checkByteLimit(options.maxBytes, "maxBytes", DEFAULT_MAX_FILE_BYTES));
  }

  async health(): Promise<ConnectionHealth> {
    const started = Date.now();
    try {
      await this.ops.list([]);
      return { transport: this.transport, target: this.target, reachable: true, latencyMs: Date.now() - started };
    } catch (error) {
      const e = error instanceof PodError ? error : new PodError("INTERNAL", String(error));
      return {
        transport: this.transport,
        target: this.target,
        reachable: false,
        error: { code: e.code, message: e.message },
      };
    }
  }

  async close(): Promise<void> {
    // Nothing of its own to release: the vSphere session belongs to the caller.
  }
}
