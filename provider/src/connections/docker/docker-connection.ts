/**
 * GuestConnection into a container through the Docker Engine API (dockerode):
 * exec with stdout/stderr demultiplexed, stdin ended explicitly and the exit
 * code read from exec inspect after the stream ends; files through the
 * container archive API.
 *
 * Docker cannot signal an exec'd process. So every exec carries a marker
 * variable (POD_EXEC_ID) that its children inherit; at the deadline a second
 * exec kills every process with that marker (TERM, then KILL), and the command
 * also runs under `timeout` inside the container as a backstop. An aborted
 * signal ends the exec the same way, and the run rejects with CANCELLED.
 */
import { randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { cancelledError, onAbort, throwIfCancelled } from "../../common/cancel";
import { PodError } from "../../common/errors";
import { checkByteLimit, DEFAULT_MAX_FILE_BYTES } from "../../common/limits";
import { assertEnvName, posixKillByEnvMarker, posixWrap } from "../../os/shell/posix";
import type {
  ConnectionHealth,
  ExecOptions,
  FileStream,
  GetFileOptions,
  GuestConnection,
  RawExecResult,
} from "../types";
import { getFileByArchive, putFileByArchive } from "./archive";
import { DockerDemuxer } from "./demux";
import { dockerError } from "./errors";

export interface DockerConnectionOptions {
  /** Container id or name. */
  container: string;
  /** Engine client; default from DOCKER_HOST or /var/run/docker.sock. */
  docker?: Docker;
  /** The argv that runs a command line (default ["/bin/sh", "-c"]; ["cmd", "/S", "/C"] for Windows containers). */
  shell?: string[];
  user?: string;
  /** The container has a POSIX shell and /proc: deadlines kill on the guest (default true). */
  posix?: boolean;
  /** Between TERM and KILL at a timeout (default 2000). */
  killGraceMs?: number;
}

export const EXEC_MARKER = "POD_EXEC_ID";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DockerExecConnection implements GuestConnection {
  readonly transport = "docker" as const;
  readonly target: string;
  readonly #docker: Docker;
  readonly #shell: string[];
  readonly #posix: boolean;
  readonly #options: DockerConnectionOptions;
  readonly #counters = { commands: 0, timeouts: 0, failures: 0 };

  constructor(options: DockerConnectionOptions) {
    if (!options.container) {
      throw new PodError("INVALID_INPUT", "The container name is empty.", { fix: "Give a container id or name." });
    }
    this.#options = options;
    this.target = options.container;
    // Loaded on first use: dockerode pulls in protobufjs and gRPC loaders (~80 modules) that every
    // Pulumi provider process would otherwise load at start, Docker targets or not.
    this.#docker = options.docker ?? new (require("dockerode") as typeof Docker)();
    this.#shell = options.shell ?? ["/bin/sh", "-c"];
    this.#posix = options.posix ?? true;
  }

  get #container(): Docker.Container {
    return this.#docker.getContainer(this.target);
  }

  async exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    throwIfCancelled(`The command in ${this.target}`, options.signal);
    this.#counters.commands++;
    const marker = randomUUID();
    const env = Object.entries(options.env ?? {}).map(([name, value]) => {
      assertEnvName(name);
      return `${name}=${value}`;
    });
    if (this.#posix) env.push(`${EXEC_MARKER}=${marker}`);
    const { timeoutMs } = options;
    const line =
      this.#posix && timeoutMs !== undefined
        ? posixWrap(command, { timeoutSeconds: Math.ceil(timeoutMs / 1000) + 2 })
        : command;
    let stream: Duplex;
    let exec: Docker.Exec;
    const started = Date.now();
    try {
      exec = await this.#container.exec({
        Cmd: [...this.#shell, line],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: options.pty === true,
        Env: env,
        ...(options.cwd !== undefined ? { WorkingDir: options.cwd } : {}),
        ...(this.#options.user ? { User: this.#options.user } : {}),
      });
      stream = (await exec.start({ hijack: true, stdin: true, Tty: options.pty === true })) as Duplex;
    } catch (error) {
      this.#counters.failures++;
      throw dockerError(error, this.target, "exec");
    }

    const demux = new DockerDemuxer({
      ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
    });
    let timedOut = false;
    const ended = new Promise<void>((resolve) => {
      // With a TTY the stream is stdout alone, unframed.
      stream.on("data", (chunk: Buffer) => (options.pty ? demux.stdout.push(chunk) : demux.push(chunk)));
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", () => resolve());
    });
    if (options.pty) {
      // With a TTY, Docker ends the whole attach when stdin closes: write, never end.
      if (options.stdin !== undefined) stream.write(options.stdin);
    } else if (options.stdin !== undefined) {
      // End stdin explicitly, with the input if any: `cat` and friends wait for EOF.
      stream.end(options.stdin);
    } else {
      stream.end();
    }

    let timer: NodeJS.Timeout | undefined;
    let killing: Promise<void> | undefined;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        killing ??= this.#killByMarker(marker, ended, stream);
      }, timeoutMs);
    }
    let cancelled = false;
    const unsubscribe = onAbort(options.signal, () => {
      if (timedOut) return;
      cancelled = true;
      killing ??= this.#killByMarker(marker, ended, stream);
    });
    await ended;
    clearTimeout(timer);
    unsubscribe();
    if (cancelled) {
      // The stream can end before the kill sweep does: the command is gone only when the sweep is done.
      await killing;
      throw cancelledError(`The command in ${this.target}`, options.signal);
    }

    const exitCode = timedOut ? null : await this.#exitCode(exec);
    if (timedOut) this.#counters.timeouts++;
    return {
      stdout: demux.text("stdout"),
      stderr: demux.text("stderr"),
      exitCode,
      timedOut,
      durationMs: Date.now() - started,
      ...demux.truncation(),
    };
  }

  /** TERM, then KILL, every process of this exec; then stop waiting for the stream. */
  async #killByMarker(marker: string, ended: Promise<void>, stream: Duplex): Promise<void> {
    const grace = this.#options.killGraceMs ?? 2000;
    const done = (ms: number) => Promise.race([ended.then(() => true), sleep(ms).then(() => false)]);
    if (this.#posix) {
      for (const signal of ["TERM", "KILL"]) {
        await this.#runQuiet(posixKillByEnvMarker(EXEC_MARKER, marker, signal));
        if (await done(grace)) return;
      }
    }
    stream.destroy();
  }

  async #runQuiet(line: string): Promise<void> {
    try {
      const exec = await this.#container.exec({ Cmd: [...this.#shell, line], AttachStdout: true, AttachStderr: true });
      const s = (await exec.start({ hijack: true, stdin: false })) as Duplex;
      s.resume();
      await new Promise<void>((resolve) => {
        s.once("end", resolve);
        s.once("close", resolve);
        s.once("error", () => resolve());
      });
    } catch {
      // Best effort: the container may be gone already.
    }
  }

  /** Exit code from exec inspect; the stream can end a moment before Docker marks the exec done. */
  async #exitCode(exec: Docker.Exec): Promise<number | null> {
    for (let i = 0; i < 40; i++) {
      try {
        const info = await exec.inspect();
        if (!info.Running) return typeof info.ExitCode === "number" ? info.ExitCode : null;
      } catch (error) {
        throw dockerError(error, this.target, "exec inspect");
      }
      await sleep(25);
    }
    return null;
  }

  putFile(remotePath: string, content: string | Buffer | FileStream, options: { mode?: number } = {}): Promise<void> {
    return putFileByArchive(this.#container, this.target, remotePath, content, options.mode ?? 0o644);
  }

  getFile(remotePath: string, options: GetFileOptions = {}): Promise<Buffer> {
    const maxBytes = checkByteLimit(options.maxBytes, "maxBytes", DEFAULT_MAX_FILE_BYTES);
    return getFileByArchive(this.#container, this.target, remotePath, maxBytes);
  }

  async health(): Promise<ConnectionHealth> {
    const base = { transport: this.transport, target: this.target, stats: { ...this.#counters } };
    const started = Date.now();
    try {
      const info = await this.#container.inspect();
      if (!info.State.Running) {
        return {
          ...base,
          reachable: false,
          error: { code: "INVALID_STATE", message: `${this.target} is ${info.State.Status}` },
        };
      }
      return { ...base, reachable: true, latencyMs: Date.now() - started };
    } catch (error) {
      const e = dockerError(error, this.target, "inspect");
      return { ...base, reachable: false, error: { code: e.code, message: e.message } };
    }
  }

  /** Nothing to release: dockerode opens a request per call. */
  async close(): Promise<void> {}
}
