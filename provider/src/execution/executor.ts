/**
 * Runs commands on guests: builds the command line with the target's OS
 * handler, runs it over the target's GuestConnection within concurrency limits
 * (per host and overall), and returns the normalized CommandResult. A non-zero
 * exit is data; transport failures and unknown OSes throw typed PodErrors.
 * An aborted signal (RunOptions.signal, else the step's, common/cancel.ts)
 * ends the command on the guest and fails the run with CANCELLED.
 * Every command leaves one audit record.
 */
import { randomUUID } from "node:crypto";
import { stepSignal, throwIfCancelled } from "../common/cancel";
import { toPodError } from "../common/errors";
import { checkByteLimit, DEFAULT_MAX_OUTPUT_BYTES, tooLarge } from "../common/limits";
import { redact, type Secret } from "../common/secret";
import type { GuestConnection } from "../connections/types";
import { type AuditRecord, type AuditSink, emitAudit, noAudit } from "../observability/audit-record";
import { defaultOsRegistry, type OsRegistry } from "../os/registry";
import type { GuestInfoHint, OsInfo } from "../os/types";
import { runBatch, runEach } from "./batch";
import { buildCommandLine, describeCommand, type PodCommand } from "./command";
import { detectOs } from "./detect-os";
import { KeyedLimiter, Semaphore, withSlots } from "./limiter";
import { type OutputParser, parseOutput } from "./parsers";
import type { CommandResult } from "./result";

export interface ExecTarget {
  connection: GuestConnection;
  /** The guest's OS, when known; otherwise detected once per connection. */
  os?: OsInfo | string;
  guestInfo?: GuestInfoHint;
  /** How results and audit records name the target (default: the connection's target). */
  name?: string;
}

export interface RunOptions<D = unknown> {
  timeoutMs?: number;
  env?: Record<string, string | Secret>;
  cwd?: string;
  stdin?: string | Buffer | Secret;
  pty?: boolean;
  /** Exit codes that count as success (default [0]). */
  acceptExitCodes?: number[];
  /** Parses stdout into `data` when the command succeeded. */
  parser?: OutputParser<D>;
  correlationId?: string;
  actor?: string;
  /** Bytes of stdout, and of stderr, kept in the result (default: the executor's, 16 MiB); the rest is counted in `truncated`. */
  maxOutputBytes?: number;
  /** Every stdout chunk as it arrives, also past maxOutputBytes. Must not throw. */
  onStdout?: (chunk: Buffer) => void;
  /** Every stderr chunk as it arrives, also past maxOutputBytes. Must not throw. */
  onStderr?: (chunk: Buffer) => void;
  /** Ends the command on the guest (as timeoutMs does) and fails the run with CANCELLED. */
  signal?: AbortSignal;
}

export interface ExecutorOptions {
  /** Commands running at once, all hosts together (default 16). */
  maxConcurrent?: number;
  /** Commands running at once on one host (default 8). */
  maxPerHost?: number;
  audit?: AuditSink;
  /** Who runs the commands, for the audit trail (default "pod"). */
  actor?: string;
  registry?: OsRegistry;
  /** Default maxOutputBytes for every run (16 MiB). */
  maxOutputBytes?: number;
}

const reveal = (value: string | Secret): string => (typeof value === "string" ? value : value.reveal());
const trimNewline = (text: string): string => text.replace(/\r?\n$/, "");

export class CommandExecutor {
  readonly #global: Semaphore;
  readonly #perHost: KeyedLimiter;
  readonly #audit: AuditSink;
  readonly #actor: string;
  readonly #registry: OsRegistry;
  readonly #maxOutputBytes: number;
  readonly #osCache = new WeakMap<GuestConnection, Promise<OsInfo>>();

  constructor(options: ExecutorOptions = {}) {
    this.#global = new Semaphore(options.maxConcurrent ?? 16);
    this.#perHost = new KeyedLimiter(options.maxPerHost ?? 8);
    this.#audit = options.audit ?? noAudit;
    this.#actor = options.actor ?? "pod";
    this.#registry = options.registry ?? defaultOsRegistry;
    this.#maxOutputBytes = checkByteLimit(options.maxOutputBytes, "maxOutputBytes", DEFAULT_MAX_OUTPUT_BYTES);
  }

  /** Records an OS found by a probe run outside osOf (runtime.guestFacts' combined probe): later runs need no probe. */
  rememberOs(connection: GuestConnection, os: OsInfo): void {
    if (!this.#osCache.has(connection)) this.#osCache.set(connection, Promise.resolve(os));
  }

  /** The target's OS: given, or detected once per connection (a failed detection is retried next time). */
  osOf(target: ExecTarget): Promise<OsInfo> {
    if (typeof target.os === "object") return Promise.resolve(target.os);
    if (typeof target.os === "string") {
      const type = target.os;
      return Promise.resolve({ type, family: type, distribution: type, version: "", container: false, tools: [] });
    }
    let cached = this.#osCache.get(target.connection);
    if (!cached) {
      cached = detectOs(target.connection, {
        ...(target.guestInfo ? { guestInfo: target.guestInfo } : {}),
        registry: this.#registry,
      });
      cached.catch(() => this.#osCache.delete(target.connection));
      this.#osCache.set(target.connection, cached);
    }
    return cached;
  }

  async run<D = unknown>(
    target: ExecTarget,
    command: PodCommand,
    options: RunOptions<D> = {},
  ): Promise<CommandResult<D>> {
    const host = target.name ?? target.connection.target;
    const action = redact(describeCommand(command));
    const started = Date.now();
    const record = (
      fields: Pick<AuditRecord, "exitCode" | "success" | "timedOut" | "durationMs"> & Partial<AuditRecord>,
    ) =>
      emitAudit(this.#audit, {
        time: new Date().toISOString(),
        actor: options.actor ?? this.#actor,
        target: host,
        transport: target.connection.transport,
        action,
        correlationId: options.correlationId ?? randomUUID(),
        ...fields,
      });
    let os: OsInfo | undefined;
    const signal = options.signal ?? stepSignal();
    try {
      throwIfCancelled(`"${action}" on ${host}`, signal);
      const result = await withSlots([() => this.#global.acquire(), () => this.#perHost.acquire(host)], async () => {
        throwIfCancelled(`"${action}" on ${host}`, signal); // cancelled while it waited for a slot
        os = await this.osOf(target);
        const line = buildCommandLine(command, this.#registry.require(os)); // OS_UNKNOWN before anything runs
        const run = signal ? { ...options, signal } : options;
        return this.#execute<D>(target, line, run, { command: action, host, os: os.type });
      });
      const { exitCode, success, timedOut, durationMs } = result;
      record({ os: os?.type, exitCode, success, timedOut, durationMs });
      return result;
    } catch (error) {
      const e = toPodError(error);
      const failure = { exitCode: null, success: false, timedOut: false, durationMs: Date.now() - started };
      record({ ...failure, ...(os ? { os: os.type } : {}), error: { code: e.code, message: e.message } });
      throw e;
    }
  }

  async #execute<D>(
    target: ExecTarget,
    line: string,
    options: RunOptions<D>,
    names: { command: string; host: string; os: string },
  ): Promise<CommandResult<D>> {
    const raw = await target.connection.exec(line, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.env ? { env: Object.fromEntries(Object.entries(options.env).map(([k, v]) => [k, reveal(v)])) } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.stdin !== undefined
        ? { stdin: Buffer.isBuffer(options.stdin) ? options.stdin : reveal(options.stdin) }
        : {}),
      ...(options.pty ? { pty: true } : {}),
      maxOutputBytes: checkByteLimit(options.maxOutputBytes, "maxOutputBytes", this.#maxOutputBytes),
      ...(options.onStdout ? { onStdout: options.onStdout } : {}),
      ...(options.onStderr ? { onStderr: options.onStderr } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const accepted = options.acceptExitCodes ?? [0];
    const success = !raw.timedOut && raw.exitCode !== null && accepted.includes(raw.exitCode);
    const result: CommandResult<D> = {
      ...names,
      transport: target.connection.transport,
      stdout: trimNewline(raw.stdout),
      stderr: trimNewline(raw.stderr),
      exitCode: raw.exitCode,
      success,
      timedOut: raw.timedOut,
      durationMs: raw.durationMs,
      ...(raw.truncated ? { truncated: raw.truncated } : {}),
    };
    // A failed command's output is rarely what the parser expects: parse successes only.
    if (success && options.parser !== undefined) {
      // Half a document would fail to parse with a misleading message: say what happened instead.
      if (raw.truncated?.stdout) {
        throw tooLarge(
          `The output of "${names.command}" on ${names.host}`,
          checkByteLimit(options.maxOutputBytes, "maxOutputBytes", this.#maxOutputBytes),
          "Raise maxOutputBytes, or make the command print less.",
        );
      }
      result.data = parseOutput(options.parser, raw.stdout) as D;
    }
    return result;
  }

  /** Runs on every target; every target gets an entry, in the order given, failures included. */
  runBatch<D = unknown>(targets: readonly ExecTarget[], command: PodCommand, options: RunOptions<D> = {}) {
    return runBatch<ExecTarget, RunOptions<D>, D>(this, targets, command, options);
  }

  /** Like runBatch, but yields each target's entry as soon as it is done. */
  runEach<D = unknown>(targets: readonly ExecTarget[], command: PodCommand, options: RunOptions<D> = {}) {
    return runEach<ExecTarget, RunOptions<D>, D>(this, targets, command, options);
  }
}
