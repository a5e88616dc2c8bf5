/**
 * GuestConnection over SSH: a pool of ssh2 connections to one host (see
 * pool.ts), host keys verified by default, and commands that end on the guest
 * when they time out.
 */
import type { Duplex } from "node:stream";
import type { Client } from "ssh2";
import { throwIfCancelled } from "../../common/cancel";
import { PodError } from "../../common/errors";
import { checkByteLimit, DEFAULT_MAX_FILE_BYTES } from "../../common/limits";
import { posixEnvInput, posixWrap } from "../../os/shell/posix";
import { posixKillTree, posixSessionCommand } from "../../os/shell/posix-session";
import type { PoolEventListener, PoolEventSource } from "../pool-events";
import type {
  ConnectionHealth,
  ExecOptions,
  FileStream,
  GetFileOptions,
  GuestConnection,
  RawExecResult,
} from "../types";
import { type ResolvedAuth, resolveAuth } from "./auth";
import { ChannelNotOpened, execOnChannel } from "./channel-exec";
import { dialWithRetry } from "./dial";
import { createHostKeyVerifier, type HostKeyVerifier } from "./host-key";
import type { CommandWrapper, SshConnectionOptions } from "./options";
import { newMarker, PersistentShell } from "./persistent-shell";
import { SshPool } from "./pool";
import { DEFAULT_POOL_LIMITS } from "./pool-limits";
import { sftpGet, sftpPut } from "./sftp";
import { ShellSet } from "./shell-set";

interface Prepared {
  auth: ResolvedAuth;
  hostKey: HostKeyVerifier;
}

export class SshConnection implements GuestConnection, PoolEventSource {
  readonly transport = "ssh" as const;
  readonly target: string;
  readonly #options: SshConnectionOptions;
  readonly #host: string;
  readonly #port: number;
  readonly #pool: SshPool;
  readonly #jump: SshConnection | undefined;
  readonly #wrapper: CommandWrapper | null;
  #prepared: Promise<Prepared> | undefined;
  /** Persistent mode's shells; undefined in exec mode. */
  readonly #shells: ShellSet | undefined;
  readonly #counters = { commands: 0, timeouts: 0, channelRetries: 0 };

  constructor(options: SshConnectionOptions) {
    if (!options.host)
      throw new PodError("INVALID_INPUT", "The SSH host is empty.", { fix: "Give the guest's address." });
    const port = options.port ?? 22;
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PodError("INVALID_INPUT", `${port} is not a TCP port.`, { fix: "Give a port from 1 to 65535." });
    }
    this.#options = options;
    this.#host = options.host;
    this.#port = port;
    this.target = `${options.host}:${port}`;
    this.#wrapper = options.wrapper === undefined ? posixWrap : options.wrapper;
    this.#jump = options.jump ? new SshConnection(options.jump) : undefined;
    this.#pool = new SshPool(this.target, () => this.#dial(), options.pool);
    if (options.sessionMode === "persistent") {
      if (!this.#wrapper) {
        throw new PodError("INVALID_INPUT", 'sessionMode "persistent" needs a POSIX shell on the guest.', {
          fix: 'Use sessionMode "exec" for guests without a POSIX shell (Windows OpenSSH).',
        });
      }
      this.#shells = new ShellSet({
        max: options.persistentShells ?? 4,
        idleMs: options.pool?.idleTimeoutMs ?? DEFAULT_POOL_LIMITS.idleTimeoutMs,
        open: () => this.#openShell(),
      });
    } else if (options.sessionMode !== undefined && options.sessionMode !== "exec") {
      throw new PodError("INVALID_INPUT", `"${options.sessionMode}" is not an SSH session mode.`, {
        fix: 'Use "exec" or "persistent".',
      });
    }
  }

  /** Creates the pool and opens its first connection, so bad credentials or host keys fail here. */
  static async connect(options: SshConnectionOptions): Promise<SshConnection> {
    const connection = new SshConnection(options);
    try {
      const lease = await connection.#pool.acquire();
      lease.release();
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  #prepare(): Promise<Prepared> {
    this.#prepared ??= (async () => ({
      auth: await resolveAuth(this.#options),
      hostKey: await createHostKeyVerifier(this.#host, this.#port, this.#options.hostKey),
    }))().catch((error: unknown) => {
      this.#prepared = undefined; // a fixed key file (chmod 600) works on the next try
      throw error;
    });
    return this.#prepared;
  }

  async #dial(): Promise<Client> {
    const { auth, hostKey } = await this.#prepare();
    const jump = this.#jump;
    return dialWithRetry(
      {
        host: this.#host,
        port: this.#port,
        auth,
        hostKey,
        perDialTimeoutMs: this.#options.perDialTimeoutMs ?? 15_000,
        keepaliveIntervalMs: this.#options.keepaliveIntervalMs ?? 10_000,
        keepaliveCountMax: this.#options.keepaliveCountMax ?? 3,
        ...(jump ? { openSocket: () => jump.openTunnel(this.#host, this.#port) } : {}),
      },
      {
        dialErrorLimit: this.#options.dialErrorLimit ?? 10,
        baseDelayMs: this.#options.dialBackoff?.baseDelayMs ?? 250,
        maxDelayMs: this.#options.dialBackoff?.maxDelayMs ?? 5000,
        ...(this.#options.log ? { onRetry: this.#options.log } : {}),
      },
    );
  }

  /** A TCP stream to host:port from this host (what `ssh -J` uses). */
  async openTunnel(host: string, port: number): Promise<Duplex> {
    return this.#withClient(
      (client) =>
        new Promise<Duplex>((resolve, reject) => {
          try {
            client.forwardOut("127.0.0.1", 0, host, port, (error, stream) => {
              if (!error) return resolve(stream);
              reject(
                new PodError(
                  "UNREACHABLE",
                  `The jump host ${this.target} cannot reach ${host}:${port}: ${error.message}.`,
                  {
                    fix: "Check the address from the jump host's side, and that it allows TCP forwarding (AllowTcpForwarding).",
                    details: { jump: this.target, host: `${host}:${port}` },
                    transient: true,
                  },
                ),
              );
            });
          } catch (error) {
            reject(new ChannelNotOpened((error as Error).message, false));
          }
        }),
    );
  }

  /** Runs fn on a pooled connection; retries on another when the channel never opened. */
  async #withClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const lease = await this.#pool.acquire();
      try {
        return await fn(lease.client);
      } catch (error) {
        if (!(error instanceof ChannelNotOpened)) throw error;
        if (error.refused) lease.refused();
        if (attempt >= 5) {
          throw new PodError("CONNECTION_LOST", `No SSH channel could be opened on ${this.target}: ${error.message}.`, {
            fix: "The server keeps refusing sessions (MaxSessions) or dropping connections; lower the pool's maxChannels or check sshd.",
            transient: true,
          });
        }
        this.#counters.channelRetries++;
        // A dropped connection leaves the pool on its close event; give that a moment.
        if (!error.refused) await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      } finally {
        lease.release();
      }
    }
  }

  /** A shell on a channel of its own, which it holds until it closes. */
  async #openShell(): Promise<PersistentShell> {
    for (let attempt = 1; ; attempt++) {
      const lease = await this.#pool.acquire();
      try {
        const shell = await PersistentShell.open(lease.client, this.target);
        void shell.whenClosed().then(() => lease.release());
        return shell;
      } catch (error) {
        if (error instanceof ChannelNotOpened && error.refused) lease.refused();
        lease.release();
        if (!(error instanceof ChannelNotOpened)) throw error;
        if (attempt >= 5) {
          throw new PodError("CONNECTION_LOST", `No shell could be started on ${this.target}: ${error.message}.`, {
            fix: "The server keeps refusing sessions (MaxSessions) or dropping connections; lower persistentShells or check sshd.",
            transient: true,
          });
        }
      }
    }
  }

  /** Persistent mode: the command in a subshell of a long-lived shell (no stdin, no pty). */
  #execInShell(command: string, options: ExecOptions, shells: ShellSet): Promise<RawExecResult> {
    const marker = newMarker();
    const { env, cwd, timeoutMs } = options;
    const script = posixSessionCommand(command, marker, {
      ...(env ? { env } : {}),
      ...(cwd !== undefined ? { cwd } : {}),
      // The guest's own deadline comes a little after ours: it is the backstop.
      ...(timeoutMs !== undefined ? { timeoutSeconds: Math.ceil(timeoutMs / 1000) + 2 } : {}),
    });
    const killTree = async (pid: number, signal: "TERM" | "KILL") => {
      await this.#withClient((client) =>
        execOnChannel(client, posixKillTree(pid, signal), { timeoutMs: 10_000 }, this.target),
      );
    };
    return shells.use((shell) =>
      shell.run(
        {
          script,
          marker,
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(this.#options.killGraceMs !== undefined ? { killGraceMs: this.#options.killGraceMs } : {}),
          ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
          ...(options.onStdout ? { onStdout: options.onStdout } : {}),
          ...(options.onStderr ? { onStderr: options.onStderr } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        killTree,
      ),
    );
  }

  async exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    throwIfCancelled(`The command on ${this.target}`, options.signal);
    if (this.#shells && options.stdin === undefined && !options.pty) {
      this.#counters.commands++;
      const result = await this.#execInShell(command, options, this.#shells);
      if (result.timedOut) this.#counters.timeouts++;
      return result;
    }
    const { env, cwd, timeoutMs } = options;
    const wrapper = this.#wrapper;
    if (cwd !== undefined && !wrapper) {
      throw new PodError("INVALID_INPUT", "cwd needs a guest-side wrapper, and this SSH connection has none.", {
        fix: "Change directory in the command itself (cd /d … && … on cmd.exe).",
      });
    }
    const envNames = Object.keys(env ?? {});
    const hasEnv = envNames.length > 0;
    if (hasEnv && wrapper && options.pty) {
      // A terminal echoes its input: the values would come back in stdout.
      throw new PodError("INVALID_INPUT", "Environment variables and a pseudo-terminal cannot be combined over SSH.", {
        fix: "Drop pty, or set the variables in the command itself.",
      });
    }
    const line =
      wrapper && (hasEnv || cwd !== undefined || timeoutMs !== undefined)
        ? wrapper(command, {
            // Values go first on stdin, never on the command line the guest's `ps` shows.
            ...(hasEnv ? { envFromStdin: envNames } : {}),
            ...(cwd !== undefined ? { cwd } : {}),
            // The guest's own deadline comes a little after ours: it is the backstop.
            ...(timeoutMs !== undefined ? { timeoutSeconds: Math.ceil(timeoutMs / 1000) + 2 } : {}),
          })
        : command;
    const stdin =
      wrapper && hasEnv && env
        ? Buffer.concat([posixEnvInput(env, envNames), Buffer.from(options.stdin ?? "")])
        : options.stdin;
    this.#counters.commands++;
    const result = await this.#withClient((client) =>
      execOnChannel(
        client,
        line,
        {
          ...(stdin !== undefined ? { stdin } : {}),
          ...(!wrapper && hasEnv ? { env } : {}),
          ...(options.pty ? { pty: true } : {}),
          ...(timeoutMs !== undefined ? { timeoutMs } : {}),
          ...(this.#options.killGraceMs !== undefined ? { killGraceMs: this.#options.killGraceMs } : {}),
          ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
          ...(options.onStdout ? { onStdout: options.onStdout } : {}),
          ...(options.onStderr ? { onStderr: options.onStderr } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        },
        this.target,
      ),
    );
    if (result.timedOut) this.#counters.timeouts++;
    return result;
  }

  putFile(remotePath: string, content: string | Buffer | FileStream, options: { mode?: number } = {}): Promise<void> {
    return this.#withClient((client) => sftpPut(client, remotePath, content, options.mode, this.target));
  }

  getFile(remotePath: string, options: GetFileOptions = {}): Promise<Buffer> {
    const maxBytes = checkByteLimit(options.maxBytes, "maxBytes", DEFAULT_MAX_FILE_BYTES);
    return this.#withClient((client) => sftpGet(client, remotePath, this.target, maxBytes));
  }

  /** Pool counters: open connections, busy channels, queue, dials, reconnects, failures, lost connections. */
  stats(): Record<string, number> {
    return { ...this.#pool.stats(), ...this.#counters, ...this.#shells?.stats() };
  }

  /** The pool's reconnects and failures, as they happen (for metrics). */
  onPoolEvent(listener: PoolEventListener): () => void {
    return this.#pool.events.on(listener);
  }

  async health(): Promise<ConnectionHealth> {
    const base = { transport: this.transport, target: this.target };
    try {
      // "exit 0" means the same to sh, cmd.exe and PowerShell.
      const result = await this.#withClient((client) =>
        execOnChannel(client, "exit 0", { timeoutMs: 15_000 }, this.target),
      );
      return { ...base, reachable: !result.timedOut, latencyMs: result.durationMs, stats: this.stats() };
    } catch (error) {
      const e = error instanceof PodError ? error : new PodError("INTERNAL", String(error));
      return { ...base, reachable: false, stats: this.stats(), error: { code: e.code, message: e.message } };
    }
  }

  async close(): Promise<void> {
    this.#shells?.close();
    await this.#pool.close();
    await this.#jump?.close();
  }
}
