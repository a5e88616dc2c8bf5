/**
 * Runs one command on one SSH channel: collects stdout/stderr, ends stdin,
 * reads the exit status, and enforces the client-side deadline. At the
 * deadline the channel gets a TERM signal (OpenSSH ≥ 7.9 delivers it with
 * killpg to the session's process group), then KILL, then the channel is
 * closed. An aborted `signal` ends the command the same way, and the run
 * rejects with CANCELLED. The guest-side `timeout` wrapper (os/shell/posix.ts)
 * is the backstop for when this client or its connection is gone.
 */
import type { Client, ClientChannel, PseudoTtyOptions } from "ssh2";
import { cancelledError, onAbort } from "../../common/cancel";
import { PodError } from "../../common/errors";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../common/limits";
import { CappedOutput, truncation } from "../capped-output";
import type { ExecOptions, RawExecResult } from "../types";

export interface ChannelExecOptions extends Pick<ExecOptions, "maxOutputBytes" | "onStdout" | "onStderr" | "signal"> {
  stdin?: string | Buffer;
  /** Sent as SSH env requests (sshd accepts only names in AcceptEnv). */
  env?: Record<string, string>;
  pty?: boolean;
  timeoutMs?: number;
  /** Between TERM and KILL, and between KILL and giving up on the channel (default 2000 ms). */
  killGraceMs?: number;
}

/** The command never reached the server: safe to try again, on another connection if need be. */
export class ChannelNotOpened extends Error {
  constructor(
    message: string,
    /** The server refused the channel (MaxSessions reached), rather than the connection being gone. */
    readonly refused: boolean,
  ) {
    super(message);
  }
}

/**
 * Sends a signal request. ssh2's channel.signal() refuses once stdin is ended
 * (it checks `writable`), but SSH allows channel requests after EOF, and we end
 * stdin first on purpose; so this sends the request through ssh2's protocol
 * object (ssh2 1.17 internals, guarded).
 */
export function sendSignal(channel: ClientChannel, name: string): boolean {
  const internals = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, name: string) => void } };
  };
  const { outgoing } = internals;
  const protocol = internals._client?._protocol;
  if (typeof outgoing?.id !== "number" || (outgoing.state !== "open" && outgoing.state !== "eof")) return false;
  if (typeof protocol?.signal !== "function") return false;
  protocol.signal(outgoing.id, name);
  return true;
}

/** Collects one channel's output and outcome; `settle` is called once, on close. */
function watch(
  channel: ClientChannel,
  options: ChannelExecOptions,
  started: number,
  where: string,
  settle: (result: RawExecResult | PodError) => void,
): void {
  const limit = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new CappedOutput(limit, options.onStdout);
  const stderr = new CappedOutput(limit, options.onStderr);
  let exitCode: number | null = null;
  let signal: string | undefined;
  let sawExit = false;
  let timedOut = false;
  let cancelled = false;
  let finished = false;
  const timers: NodeJS.Timeout[] = [];
  const grace = options.killGraceMs ?? 2000;
  let unsubscribe = () => {};

  const finish = () => {
    if (finished) return;
    finished = true;
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    const out = stdout.text();
    const err = stderr.text();
    if (cancelled) {
      settle(cancelledError(`The command on ${where}`, options.signal));
      return;
    }
    if (!sawExit && !timedOut) {
      settle(
        new PodError(
          "CONNECTION_LOST",
          `The SSH channel to ${where} closed before the command reported an exit status.`,
          {
            fix: "The connection dropped or sshd went away while the command ran; check the guest, then run the command again if it is safe to repeat.",
            details: { host: where, stdout: out.slice(-2000), stderr: err.slice(-2000) },
            transient: true,
          },
        ),
      );
      return;
    }
    settle({
      stdout: out,
      stderr: err,
      exitCode: timedOut ? null : exitCode,
      ...(signal ? { signal } : {}),
      timedOut,
      durationMs: Date.now() - started,
      ...truncation(stdout, stderr),
    });
  };

  channel.on("data", (chunk: Buffer) => stdout.push(chunk));
  channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  channel.on("exit", (code: number | null, signalName?: string) => {
    sawExit = true;
    exitCode = typeof code === "number" ? code : null;
    if (signalName) signal = signalName.replace(/^SIG/, "");
  });
  channel.once("close", finish);
  channel.on("error", () => {}); // surfaces as a close without exit status

  let stopping = false;
  /** TERM, then KILL, then the channel; used by the deadline and by the signal alike. */
  const stop = () => {
    if (stopping || finished) return;
    stopping = true;
    sendSignal(channel, "TERM");
    timers.push(
      setTimeout(() => {
        sendSignal(channel, "KILL");
        channel.close();
        // Do not wait forever for a close that a dead connection will not deliver.
        timers.push(
          setTimeout(() => {
            channel.destroy();
            finish();
          }, grace),
        );
      }, grace),
    );
  };
  if (options.timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs),
    );
  }
  unsubscribe = onAbort(options.signal, () => {
    if (finished || timedOut || sawExit) return; // it ended on its own: the result stands
    cancelled = true;
    stop();
  });
  // End stdin explicitly, or commands that read it (cat, sh -s) never finish.
  if (options.stdin !== undefined) channel.end(options.stdin);
  else channel.end();
}

export function execOnChannel(
  client: Client,
  command: string,
  options: ChannelExecOptions,
  where: string,
): Promise<RawExecResult> {
  const started = Date.now();
  return new Promise<RawExecResult>((resolve, reject) => {
    const pty: PseudoTtyOptions | undefined = options.pty ? { term: "xterm", rows: 24, cols: 200 } : undefined;
    try {
      client.exec(
        command,
        { ...(options.env ? { env: options.env } : {}), ...(pty ? { pty } : {}) },
        (error, channel) => {
          if (error) {
            // A numeric reason is the server refusing the channel (MaxSessions); else the connection is gone.
            const reason = (error as Error & { reason?: unknown }).reason;
            reject(new ChannelNotOpened(error.message, typeof reason === "number"));
            return;
          }
          // Listeners go on now, synchronously: the exit status can arrive in the same
          // packet batch as the exec confirmation, before any promise continuation runs.
          watch(channel, options, started, where, (outcome) =>
            outcome instanceof PodError ? reject(outcome) : resolve(outcome),
          );
        },
      );
    } catch (error) {
      reject(new ChannelNotOpened((error as Error).message, false)); // "Not connected"
    }
  });
}
