import { cancelledError, throwIfCancelled } from "../../common/cancel";
import { isPodError, PodError } from "../../common/errors";
import { checkByteLimit, DEFAULT_MAX_FILE_BYTES, tooLarge } from "../../common/limits";
import { type Secret, toSecret } from "../../common/secret";
import type { TlsTrust } from "../../common/tls";
import { psInvocation, psReadFileBase64, psWriteFileFromStdin } from "../../os/shell/powershell";
import type { PoolEventListener, PoolEventSource } from "../pool-events";
import {
  type ConnectionHealth,
  type ExecOptions,
  type FileStream,
  type GetFileOptions,
  type GuestConnection,
  isFileStream,
  type RawExecResult,
} from "../types";
import { decodeClixml } from "./clixml";
import { type CreateShellOptions, type EnvelopeContext, identify } from "./envelope";
import { isWsmanFault } from "./faults";
import { uploadInChunks } from "./file-upload";
import type { KerberosOptions } from "./kerberos/options";
import { WSMAN_FAULT } from "./namespaces";
import { parseResponse } from "./response";
import { type RunResult, WinrsShell } from "./shell";
import { type WinrmAuthKind, WinrmTransport } from "./transport";

/**
 * A Windows guest over WinRM (WS-Man/WinRS), implementing GuestConnection.
 * `exec` runs a cmd.exe command line; `execPowerShell` a PowerShell script
 * (CLIXML stderr decoded to text). One cmd shell is opened lazily and reused
 * for every command (Windows caps shells per user; each open costs a round
 * trip), replaced when the guest forgets it. Commands on one connection run
 * one at a time. Default: NTLMv2 over HTTPS 5986 with channel binding;
 * `https: false` is the explicit choice of NTLMv2 with message encryption
 * over HTTP 5985; Basic needs HTTPS; `auth: "kerberos"` (SPNEGO, with
 * Kerberos message encryption over HTTP). CredSSP is not supported.
 */
export interface WinrmConnectionOptions {
  host: string;
  /** Default 5986 with https, else 5985. */
  port?: number;
  /**
   * Default true: HTTPS, verified per `tls`, with NTLM channel binding. `false` is the explicit choice of
   * plain HTTP, where NTLM seals every message (128-bit RC4, refusing weaker offers); see docs/winrm.md.
   */
  https?: boolean;
  /** Default "ntlm". */
  auth?: WinrmAuthKind;
  /** "Administrator", "DOMAIN\\user" or "user@domain" (Kerberos: "user@REALM", or "user" with kerberos.realm). */
  username: string;
  /** Kerberos: "" to use a keytab or an existing ticket cache. */
  password: string | Secret;
  /** auth: "kerberos": realm/KDC, keytab, ticket cache, service principal host. */
  kerberos?: KerberosOptions;
  /** HTTPS trust: the CA, a pinned SHA-256 thumbprint, or insecure: true (labs only). */
  tls?: TlsTrust;
  /** How long one Receive waits on the guest for output (w:OperationTimeout), seconds; default 20. */
  operationTimeoutS?: number;
  /** WINRS_CODEPAGE; 65001 (UTF-8, the default) or 437 (decoded as Latin-1). */
  codepage?: 65001 | 437;
  /** Commands per shell before it is replaced (MaxConcurrentOperationsPerUser counts them). Default 1000. */
  maxCommandsPerShell?: number;
  /**
   * Default true: one WinRS shell serves every command (a command costs Command, Receive and Signal; the
   * shell's Create and Delete are paid once). false: a shell per command, as winrs.exe and pywinrm's
   * run_cmd do (for guests that must not share a shell's state; `make bench` compares the two).
   */
  reuseShell?: boolean;
}

export class WinrmConnection implements GuestConnection, PoolEventSource {
  readonly transport = "winrm" as const;
  readonly target: string;
  readonly #http: WinrmTransport;
  readonly #ctx: EnvelopeContext;
  readonly #codepage: number;
  readonly #maxCommands: number;
  readonly #reuseShell: boolean;
  #shell: Promise<WinrsShell> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  readonly #stats = { commands: 0, shellsOpened: 0, shellsLost: 0 };

  constructor(options: WinrmConnectionOptions) {
    const auth = options.auth ?? "ntlm";
    const useHttps = options.https ?? true;
    const port = options.port ?? (useHttps ? 5986 : 5985);
    this.target = `${options.host}:${port}`;
    this.#http = new WinrmTransport({
      host: options.host,
      port,
      https: useHttps,
      auth,
      username: options.username,
      password: toSecret(options.password),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.kerberos ? { kerberos: options.kerberos } : {}),
    });
    const host = options.host.includes(":") ? `[${options.host}]` : options.host;
    this.#ctx = {
      to: `${useHttps ? "https" : "http"}://${host}:${port}/wsman`,
      operationTimeoutS: options.operationTimeoutS ?? 20,
      maxEnvelopeSize: 153600,
      locale: "en-US",
    };
    this.#codepage = options.codepage ?? 65001;
    this.#maxCommands = options.maxCommandsPerShell ?? 1000;
    this.#reuseShell = options.reuseShell ?? true;
  }

  exec(command: string, options: ExecOptions = {}): Promise<RawExecResult> {
    return this.#serial(async () => {
      const started = Date.now();
      const run = await this.#run(
        command,
        options,
        options.stdin === undefined ? undefined : Buffer.from(options.stdin),
      );
      return this.#result(run, started, (b) => this.#decode(b), options.signal);
    });
  }

  /** Runs a PowerShell script (any length: long ones travel on stdin); stderr comes back as plain text. */
  execPowerShell(script: string, options: Omit<ExecOptions, "stdin"> = {}): Promise<RawExecResult> {
    return this.#serial(async () => {
      const started = Date.now();
      const invocation = psInvocation(script);
      const run = await this.#run(invocation.commandLine, options, invocation.stdin);
      return this.#result(run, started, (b) => decodeClixml(this.#decode(b)), options.signal);
    });
  }

  async putFile(remotePath: string, content: string | Buffer | FileStream): Promise<void> {
    if (isFileStream(content)) {
      const failed = await uploadInChunks(remotePath, content.open(), (line, stdin) =>
        this.#serial(() => this.#run(line, {}, stdin)),
      );
      if (failed) throw this.#fileError("write", remotePath, failed);
      return;
    }
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const invocation = psInvocation(psWriteFileFromStdin(remotePath));
    const result = await this.#serial(() =>
      this.#run(invocation.commandLine, {}, Buffer.from(data.toString("base64"), "latin1")),
    );
    if (result.exitCode !== 0) throw this.#fileError("write", remotePath, result);
  }

  async getFile(remotePath: string, options: GetFileOptions = {}): Promise<Buffer> {
    const maxBytes = checkByteLimit(options.maxBytes, "maxBytes", DEFAULT_MAX_FILE_BYTES);
    const invocation = psInvocation(psReadFileBase64(remotePath));
    // The file comes back as one base64 line: 4 characters per 3 bytes, and a line break.
    const maxOutputBytes = Math.ceil(maxBytes / 3) * 4 + 16;
    const result = await this.#serial(() => this.#run(invocation.commandLine, { maxOutputBytes }, invocation.stdin));
    if (result.truncated?.stdout) {
      throw tooLarge(
        `${remotePath} on ${this.target}`,
        maxBytes,
        "Raise getFile's maxBytes, or fetch the file in parts.",
      );
    }
    if (result.exitCode !== 0) throw this.#fileError("read", remotePath, result);
    return Buffer.from(result.stdout.toString("latin1").replace(/\s+/g, ""), "base64");
  }

  /** Reconnects and failed requests on the HTTP connection, as they happen (for metrics). */
  onPoolEvent(listener: PoolEventListener): () => void {
    return this.#http.events.on(listener);
  }

  /** An authenticated wsmid:Identify: proves the listener, the credentials and (over HTTP) the sealing. */
  async health(): Promise<ConnectionHealth> {
    const started = Date.now();
    const stats = { ...this.#stats, ...this.#http.stats };
    try {
      const reply = await this.#http.post(identify(), 30_000, { replaySafe: true, operation: "Identify" });
      const res = parseResponse(reply.body.toString("utf8"));
      if (reply.status !== 200 || res.fault) {
        throw new PodError("PROTOCOL_ERROR", `Identify on ${this.target} answered HTTP ${reply.status}.`);
      }
      return { transport: "winrm", target: this.target, reachable: true, latencyMs: Date.now() - started, stats };
    } catch (error) {
      const e = isPodError(error) ? error : new PodError("INTERNAL", String(error));
      return {
        transport: "winrm",
        target: this.target,
        reachable: false,
        stats,
        error: { code: e.code, message: e.message },
      };
    }
  }

  /** Deletes the shell on the guest and releases the socket; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    const shell = await this.#shell?.catch(() => undefined);
    this.#shell = undefined;
    await shell?.close().catch(() => undefined);
    this.#http.close();
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new PodError("INVALID_STATE", `The WinRM connection to ${this.target} is closed.`));
    const run = this.#queue.then(fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(commandLine: string, options: ExecOptions, stdin: Buffer | undefined): Promise<RunResult> {
    // Cancelled while it waited its turn: it never starts.
    throwIfCancelled(`The command on ${this.target}`, options.signal);
    this.#stats.commands++;
    const runOptions = {
      ...(stdin ? { stdin } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    // env/cwd belong to a WinRS shell, so such a command gets a shell of its own.
    if (options.env || options.cwd || !this.#reuseShell) {
      const shell = await this.#openShell({
        ...(options.env ? { env: options.env } : {}),
        ...(options.cwd ? { workingDirectory: options.cwd } : {}),
      });
      try {
        return await shell.run(commandLine, runOptions);
      } finally {
        await shell.close();
      }
    }
    for (let attempt = 0; ; attempt++) {
      const shell = await this.#sharedShell();
      try {
        return await shell.run(commandLine, runOptions);
      } catch (error) {
        // Only a shell lost before the command started is safe to retry (nothing ran).
        const beforeStart = isPodError(error) && error.details.operation === "Command";
        if (attempt > 0 || !beforeStart || !isWsmanFault(error, WSMAN_FAULT.shellNotFound)) throw error;
        this.#stats.shellsLost++;
        this.#shell = undefined; // the guest forgot it: open another and run again (nothing ran)
      }
    }
  }

  async #sharedShell(): Promise<WinrsShell> {
    const current = await this.#shell?.catch(() => undefined);
    if (current && !current.closed && current.commands < this.#maxCommands) return current;
    if (current) await current.close();
    this.#shell = this.#openShell({});
    this.#shell.catch(() => {
      this.#shell = undefined;
    });
    return this.#shell;
  }

  #openShell(extra: CreateShellOptions): Promise<WinrsShell> {
    this.#stats.shellsOpened++;
    return WinrsShell.open(this.#http, this.#ctx, { codepage: this.#codepage, ...extra });
  }

  #decode(data: Buffer): string {
    return data.toString(this.#codepage === 65001 ? "utf8" : "latin1");
  }

  #result(run: RunResult, started: number, decodeErr: (b: Buffer) => string, signal?: AbortSignal): RawExecResult {
    if (run.cancelled) throw cancelledError(`The command on ${this.target}`, signal);
    return {
      stdout: this.#decode(run.stdout),
      stderr: decodeErr(run.stderr),
      exitCode: run.exitCode,
      timedOut: run.timedOut,
      durationMs: Date.now() - started,
      ...(run.truncated ? { truncated: run.truncated } : {}),
    };
  }

  #fileError(verb: "read" | "write", path: string, result: RunResult): PodError {
    const stderr = decodeClixml(this.#decode(result.stderr)).trim();
    const missing = /could not find|does not exist|cannot find/i.test(stderr);
    return new PodError(
      missing ? "NOT_FOUND" : "COMMAND_FAILED",
      `Cannot ${verb} ${path} on ${this.target}: ${stderr.split(/\r?\n/)[0] || `exit code ${result.exitCode}`}`,
      {
        fix: missing
          ? "Check the path; the parent folder must exist."
          : "Check the path and the account's rights on it.",
        details: { path, exitCode: result.exitCode, stderr },
      },
    );
  }
}
