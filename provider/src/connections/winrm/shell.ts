import { isPodError } from "../../common/errors";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../common/limits";
import { CappedOutput, truncation } from "../capped-output";
import type { ExecOptions, OutputTruncation } from "../types";
import type { CreateShellOptions, EnvelopeContext } from "./envelope";
import * as env from "./envelope";
import { isWsmanFault } from "./faults";
import { WSMAN_FAULT } from "./namespaces";
import { readCommandId, readReceive, readShellId } from "./response";
import type { WinrmTransport } from "./transport";
import { call } from "./wsman";

/**
 * One WinRS cmd shell: Command → [Send stdin] → Receive until Done →
 * Signal terminate, as many times as needed, then Delete. A Receive that
 * finds no output within OperationTimeout fails with WSManFault 2150858793
 * (w:TimedOut); that is normal and we simply receive again.
 */
export interface RunOptions extends Pick<ExecOptions, "maxOutputBytes" | "onStdout" | "onStderr" | "signal"> {
  stdin?: Buffer;
  /** Ends the command with a terminate signal after this long; the result says timedOut. */
  timeoutMs?: number;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number | null;
  timedOut: boolean;
  /** The signal fired: the command was ended with the terminate signal. */
  cancelled?: boolean;
  /** Bytes past maxOutputBytes, dropped (present only when some were). */
  truncated?: OutputTruncation;
}

/** Raw stdin bytes per Send: ~80 KB of base64, well under the 150 KiB MaxEnvelopeSize we announce. */
export const STDIN_CHUNK = 60_000;
/** The HTTP wait for a Receive: the server holds it up to OperationTimeout, plus slack. */
const RECEIVE_SLACK_MS = 15_000;
const REQUEST_TIMEOUT_MS = 60_000;
/**
 * With a signal, one Receive waits at most this long: requests on a session are
 * serialized (NTLM sealing is one stream), so the terminate can only go out
 * once the Receive in flight has returned.
 */
const CANCELLABLE_WAIT_S = 3;

export class WinrsShell {
  commands = 0;
  #closed = false;

  private constructor(
    private readonly transport: WinrmTransport,
    private readonly ctx: EnvelopeContext,
    readonly id: string,
  ) {}

  static async open(transport: WinrmTransport, ctx: EnvelopeContext, options: CreateShellOptions): Promise<WinrsShell> {
    const res = await call(transport, env.createShell(ctx, options), "Create shell", REQUEST_TIMEOUT_MS);
    return new WinrsShell(transport, ctx, readShellId(res));
  }

  get closed(): boolean {
    return this.#closed;
  }

  async run(commandLine: string, options: RunOptions = {}): Promise<RunResult> {
    this.commands++;
    const started = Date.now();
    const res = await call(this.transport, env.command(this.ctx, this.id, commandLine), "Command", REQUEST_TIMEOUT_MS);
    const commandId = readCommandId(res);
    try {
      if (options.stdin) await this.#sendStdin(commandId, options.stdin);
      return await this.#receiveAll(commandId, started, options);
    } finally {
      // Windows keeps a finished command's resources until it is signalled (pywinrm does the same).
      await call(this.transport, env.signal(this.ctx, this.id, commandId), "Signal", REQUEST_TIMEOUT_MS).catch(
        () => undefined,
      );
    }
  }

  async #sendStdin(commandId: string, data: Buffer): Promise<void> {
    for (let at = 0; at < data.length || at === 0; at += STDIN_CHUNK) {
      const chunk = data.subarray(at, at + STDIN_CHUNK);
      const end = at + STDIN_CHUNK >= data.length;
      await call(this.transport, env.send(this.ctx, this.id, commandId, chunk, end), "Send", REQUEST_TIMEOUT_MS);
    }
  }

  async #receiveAll(commandId: string, started: number, options: RunOptions): Promise<RunResult> {
    const { timeoutMs } = options;
    // Output is kept up to a bound per stream (a guest printing without end must not exhaust our memory).
    const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const stdout = new CappedOutput(limit, options.onStdout);
    const stderr = new CappedOutput(limit, options.onStderr);
    const outputs = () => ({ stdout: stdout.bytes(), stderr: stderr.bytes(), ...truncation(stdout, stderr) });
    for (;;) {
      const left = timeoutMs === undefined ? Number.POSITIVE_INFINITY : timeoutMs - (Date.now() - started);
      if (left <= 0) return { ...outputs(), exitCode: null, timedOut: true };
      // Cancelled: run()'s finally sends the terminate signal, as at a timeout.
      if (options.signal?.aborted) return { ...outputs(), exitCode: null, timedOut: false, cancelled: true };
      // Never let one Receive outlive the caller's deadline.
      const most = options.signal
        ? Math.min(CANCELLABLE_WAIT_S, this.ctx.operationTimeoutS)
        : this.ctx.operationTimeoutS;
      const waitS = Math.max(1, Math.min(most, Math.ceil(left / 1000)));
      const ctx = { ...this.ctx, operationTimeoutS: waitS };
      try {
        const res = await call(
          this.transport,
          env.receive(ctx, this.id, commandId),
          "Receive",
          waitS * 1000 + RECEIVE_SLACK_MS,
        );
        const chunk = readReceive(res, commandId);
        stdout.push(chunk.stdout);
        stderr.push(chunk.stderr);
        if (chunk.done) {
          return { ...outputs(), exitCode: chunk.exitCode ?? null, timedOut: false };
        }
      } catch (error) {
        if (!isWsmanFault(error, WSMAN_FAULT.operationTimeout)) throw error;
      }
    }
  }

  /** Deletes the shell on the guest; errors are swallowed when the shell is already gone. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await call(this.transport, env.deleteShell(this.ctx, this.id), "Delete shell", REQUEST_TIMEOUT_MS);
    } catch (error) {
      if (!isPodError(error)) throw error;
    }
  }
}
