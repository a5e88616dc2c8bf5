/**
 * One long-lived POSIX shell on one SSH channel, running one command at a
 * time (os/shell/posix-session.ts builds what it is fed). A command costs one
 * write and the packets of its output, not a channel open and close: that is
 * the whole gain over exec mode. The end of a command is a random marker on
 * stdout (with its exit status) and on stderr, so both streams are complete
 * and stay apart. A timeout ends the command's process tree through another
 * channel and the shell goes on; a shell that dies fails its command with
 * CONNECTION_LOST and is never used again. An aborted signal ends the tree
 * the same way and the command fails with CANCELLED; the shell goes on.
 */
import { randomBytes } from "node:crypto";
import type { Client, ClientChannel } from "ssh2";
import { cancelledError, onAbort } from "../../common/cancel";
import { PodError } from "../../common/errors";
import { DEFAULT_MAX_OUTPUT_BYTES } from "../../common/limits";
import { posixSessionHello, posixSessionStart } from "../../os/shell/posix-session";
import { CappedOutput, truncation } from "../capped-output";
import type { ExecOptions, RawExecResult } from "../types";
import { ChannelNotOpened, sendSignal } from "./channel-exec";
import { MarkerScanner } from "./marker-scanner";

export interface ShellCommand
  extends Pick<ExecOptions, "maxOutputBytes" | "onStdout" | "onStderr" | "timeoutMs" | "signal"> {
  /** posixSessionCommand's text, framed by `marker`. */
  script: string;
  marker: string;
  /** Between TERM and KILL, and between KILL and giving up on the shell (default 2000 ms). */
  killGraceMs?: number;
}

/** Ends the running command's process tree from outside the shell (another channel). */
export type TreeKiller = (pid: number, signal: "TERM" | "KILL") => Promise<void>;

/** Where the shell's output goes while a command (or the hello) runs. */
interface Running {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** The shell died: output held back goes out, then the error. */
  fail(error: PodError): void;
}

/** 96 random bits: no output can end a command by chance, and it is short (the shell reads it byte by byte). */
export const newMarker = (): string => `_pod_${randomBytes(12).toString("base64url")}`;

export class PersistentShell {
  readonly #channel: ClientChannel;
  readonly #where: string;
  #pid = 0;
  #alive = true;
  #endedHere = false;
  #running: Running | undefined;
  readonly #closed: Promise<void>;
  /** Commands run on this shell so far. */
  commands = 0;

  private constructor(channel: ClientChannel, where: string) {
    this.#channel = channel;
    this.#where = where;
    channel.on("data", (chunk: Buffer) => this.#running?.stdout(chunk));
    channel.stderr.on("data", (chunk: Buffer) => this.#running?.stderr(chunk));
    channel.on("error", () => {}); // surfaces as close
    let closed = () => {};
    this.#closed = new Promise((resolve) => {
      closed = resolve;
    });
    const ended = () => {
      if (!this.#alive && !this.#running) return;
      this.#alive = false;
      const running = this.#running;
      this.#running = undefined;
      running?.fail(
        new PodError("CONNECTION_LOST", `The persistent shell on ${where} ended while a command ran.`, {
          fix: "The shell or its SSH connection died (killed, sshd restarted, network); the next command gets a new shell. Run this one again if it is safe to repeat.",
          transient: true,
        }),
      );
    };
    channel.once("close", () => {
      ended();
      closed();
    });
    // The shell exited (killed): its command's children may still hold the pipes, and with
    // them the channel, open; end the session's process group and the channel now.
    channel.once("exit", () => {
      ended();
      sendSignal(channel, "KILL");
      channel.close();
    });
  }

  /** Starts a shell on `client` and waits until it answers with its PID. */
  static open(client: Client, where: string, timeoutMs = 15_000): Promise<PersistentShell> {
    return new Promise((resolve, reject) => {
      try {
        client.exec(posixSessionStart(), (error, channel) => {
          if (error) {
            const reason = (error as Error & { reason?: unknown }).reason;
            reject(new ChannelNotOpened(error.message, typeof reason === "number"));
            return;
          }
          const shell = new PersistentShell(channel, where);
          const marker = newMarker();
          const timer = setTimeout(() => {
            shell.close();
            reject(new PodError("TIMEOUT", `The shell on ${where} did not start within ${timeoutMs} ms.`));
          }, timeoutMs);
          shell.#start(marker, (outcome) => {
            clearTimeout(timer);
            if (outcome instanceof PodError) reject(outcome);
            else resolve(shell);
          });
          channel.write(posixSessionHello(marker));
        });
      } catch (error) {
        reject(new ChannelNotOpened((error as Error).message, false));
      }
    });
  }

  #start(marker: string, done: (outcome: PodError | undefined) => void): void {
    const ignore = () => {}; // a login banner or rc-file noise before the hello
    const stdout = new MarkerScanner(marker, ignore);
    const stderr = new MarkerScanner(marker, ignore);
    const check = () => {
      if (!stdout.done || !stderr.done) return;
      this.#running = undefined;
      this.#pid = Number.parseInt(stdout.trailer, 10);
      done(undefined);
    };
    this.#running = {
      stdout: (chunk) => stdout.push(chunk) && check(),
      stderr: (chunk) => stderr.push(chunk) && check(),
      fail: done,
    };
  }

  get alive(): boolean {
    return this.#alive;
  }

  get pid(): number {
    return this.#pid;
  }

  /** Settles when the channel has closed, for whatever reason. */
  whenClosed(): Promise<void> {
    return this.#closed;
  }

  get busy(): boolean {
    return this.#running !== undefined;
  }

  /** Runs one command; resolves with its result, or rejects with CONNECTION_LOST when the shell dies. */
  run(command: ShellCommand, killTree: TreeKiller): Promise<RawExecResult> {
    if (!this.#alive || this.#running) {
      return Promise.reject(new PodError("INTERNAL", `The shell on ${this.#where} is not free for a command.`));
    }
    // Cancelled while it waited for a free shell: it never starts.
    if (command.signal?.aborted) return Promise.reject(cancelledError(`The command on ${this.#where}`, command.signal));
    this.commands++;
    const started = Date.now();
    const limit = command.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
    const out = new CappedOutput(limit, command.onStdout);
    const err = new CappedOutput(limit, command.onStderr);
    return new Promise<RawExecResult>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let timedOut = false;
      let cancelled = false;
      let unsubscribe = () => {};
      const settle = (outcome: RawExecResult | PodError) => {
        for (const t of timers) clearTimeout(t);
        unsubscribe();
        if (this.#running === running) this.#running = undefined;
        if (cancelled && !(outcome instanceof PodError))
          reject(cancelledError(`The command on ${this.#where}`, command.signal));
        else if (outcome instanceof PodError) reject(outcome);
        else resolve(outcome);
      };
      const result = (exitCode: number | null): RawExecResult => ({
        stdout: out.text(),
        stderr: err.text(),
        exitCode: timedOut ? null : exitCode,
        timedOut,
        durationMs: Date.now() - started,
        ...truncation(out, err),
      });
      const stdout = new MarkerScanner(command.marker, (c) => out.push(c));
      const stderr = new MarkerScanner(command.marker, (c) => err.push(c));
      const check = () => {
        if (!stdout.done || !stderr.done) return;
        const code = Number.parseInt(stdout.trailer, 10);
        settle(result(Number.isNaN(code) ? null : code));
      };
      const running: Running = {
        stdout: (chunk) => stdout.push(chunk) && check(),
        stderr: (chunk) => stderr.push(chunk) && check(),
        fail: (error) => {
          stdout.flush();
          stderr.flush();
          error.details.stdout = out.text().slice(-2000);
          error.details.stderr = err.text().slice(-2000);
          settle(error);
        },
      };
      this.#running = running;
      let ending = false;
      // The deadline and the signal end the command alike; its marker then settles the run.
      const end = () => {
        if (ending || this.#running !== running) return;
        ending = true;
        this.#endTree(command, timers, killTree, () => {
          // The tree would not die: give up on this shell, keep what the command printed.
          settle(result(null));
          this.close();
        });
      };
      if (command.timeoutMs !== undefined) {
        timers.push(
          setTimeout(() => {
            timedOut = true;
            end();
          }, command.timeoutMs),
        );
      }
      this.#channel.write(command.script);
      unsubscribe = onAbort(command.signal, () => {
        if (this.#running !== running || timedOut) return;
        cancelled = true;
        end();
      });
    });
  }

  /** TERM, then KILL, the command's process tree (from another channel); onStuck if it still has not ended. */
  #endTree(command: ShellCommand, timers: NodeJS.Timeout[], killTree: TreeKiller, onStuck: () => void): void {
    const grace = command.killGraceMs ?? 2000;
    const kill = (signal: "TERM" | "KILL") => killTree(this.#pid, signal).catch(() => undefined);
    void kill("TERM");
    timers.push(
      setTimeout(() => {
        void kill("KILL");
        timers.push(setTimeout(onStuck, grace));
      }, grace),
    );
  }

  /** The shell ended without close() (killed, connection lost). */
  get lost(): boolean {
    return !this.#alive && !this.#endedHere;
  }

  /** Ends the shell (its whole session process group) and the channel. */
  close(): void {
    if (!this.#alive) return;
    this.#alive = false;
    this.#endedHere = true;
    sendSignal(this.#channel, "KILL");
    this.#channel.close();
  }
}
