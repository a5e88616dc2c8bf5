/**
 * PodClient: pod's engine without Pulumi. It owns one vSphere session (opened
 * on first use), the guest connections (SSH pools, WinRM shells, Docker) and
 * an executor; it caches VM metadata and detected OSes for a TTL (never
 * command results, unless a call asks), and records metrics, spans and audit
 * records for everything it does. close() releases all of it: no socket or
 * timer is left to keep the process alive. Use `await using` or close().
 */
import { randomUUID } from "node:crypto";
import { PodError, toPodError } from "../common/errors";
import { redact } from "../common/secret";
import { ConnectionCache, type GuestAccess } from "../connections/factory";
import type { HostKeyPolicy } from "../connections/ssh";
import type { GuestConnection } from "../connections/types";
import { type CredentialSources, resolveGuestCredentials, resolveVsphereCredentials } from "../credentials";
import type { BatchEntry } from "../execution/batch";
import { describeCommand, type PodCommand } from "../execution/command";
import type { ExecTarget, RunOptions } from "../execution/executor";
import { Semaphore } from "../execution/limiter";
import { applyNetwork, type NetworkApplyResult, type NetworkRunOptions, readNetwork } from "../execution/network/apply";
import type { CommandResult } from "../execution/result";
import { AuditLog, type ChangeRecord, FanoutAuditSink } from "../observability/audit-log";
import type { AuditSink } from "../observability/audit-record";
import { createPodMetrics, type PodMetrics } from "../observability/metrics";
import { traceSoapCall, withSpan } from "../observability/tracing";
import type { OsInfo } from "../os/types";
import { targetName, toGuestAccess } from "../resources/shared/guest-target";
import type { VsphereConnectOptions } from "../vsphere/session";
import { VsphereSession } from "../vsphere/session";
import { SERVICE_INSTANCE } from "../vsphere/soap/client";
import { boundedHealth, type HealthReport, statsOf, type VmHealth, type VsphereHealth } from "./health";
import { parseTarget, type TargetSpec } from "./targets";
import { TracedExecutor } from "./traced-executor";
import { TtlCache } from "./ttl-cache";
import { type PodVm, VmDirectory } from "./vm-directory";

export interface PodClientOptions extends CredentialSources {
  /** Already-resolved vSphere options (skips credential resolution). */
  vsphereOptions?: VsphereConnectOptions;
  /** Host key policy for SSH targets without pinned keys (default "strict"; vm: targets pin keys read through VMware Tools). */
  hostKeyPolicy?: HostKeyPolicy;
  knownHostsFile?: string;
  /** Metrics into this registry (or pass `metrics` to share one set across clients). */
  metrics?: PodMetrics;
  registry?: import("prom-client").Registry;
  /** Where audit records go: a sink, or a file path / stream for the JSON-lines log. */
  audit?: AuditSink | string | NodeJS.WritableStream;
  actor?: string;
  /** VM metadata and detected OS are reused this long (default 60 s). */
  cacheTtlMs?: number;
  maxConcurrent?: number;
  maxPerHost?: number;
  /** Health probes give up after this long per guest (default 5000). */
  healthTimeoutMs?: number;
}

export interface ExecuteOptions<D = unknown> extends RunOptions<D> {
  /** Reuse this command's result on this target for this long (off by default: commands are not idempotent). */
  cacheTtlMs?: number;
}

export interface BatchRequest<D = unknown> {
  targets: TargetSpec[];
  commands: (PodCommand | string)[];
  /** Targets worked on at once (default 8); each target runs its commands in order. */
  concurrency?: number;
  options?: RunOptions<D>;
  /** Called as each target finishes, for progress output. */
  onTargetDone?: (target: string, entries: BatchEntry<D>[]) => void;
}

export type BatchResultEntry<D = unknown> = BatchEntry<D> & { command: string };

export class PodClient {
  readonly metrics: PodMetrics;
  readonly #options: PodClientOptions;
  // Reconnects and failures are counted the moment a pool reports them.
  readonly #connections = new ConnectionCache({ onPoolEvent: (event) => this.metrics.observePoolEvent(event) });
  readonly #targets = new Map<string, GuestConnection>();
  readonly #audit: FanoutAuditSink;
  readonly #ownedLog: AuditLog | undefined;
  readonly #executor: TracedExecutor;
  readonly #results: TtlCache<CommandResult<unknown>>;
  readonly #vms: VmDirectory;
  readonly #untrackPools: () => void;
  #session: Promise<VsphereSession> | undefined;
  #sessionState: VsphereHealth["session"] = "none";
  #closed = false;

  constructor(options: PodClientOptions = {}) {
    this.#options = options;
    this.metrics = options.metrics ?? createPodMetrics(options.registry);
    const sinks: AuditSink[] = [{ record: (r) => this.metrics.observeCommand(r) }];
    if (typeof options.audit === "string" || (options.audit && "write" in options.audit)) {
      this.#ownedLog = new AuditLog(options.audit as string | NodeJS.WritableStream);
      sinks.push(this.#ownedLog);
    } else if (options.audit) sinks.push(options.audit as AuditSink);
    this.#audit = new FanoutAuditSink(sinks);
    this.#executor = new TracedExecutor({
      audit: this.#audit,
      actor: options.actor ?? "pod",
      ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.maxPerHost ? { maxPerHost: options.maxPerHost } : {}),
    });
    const ttl = options.cacheTtlMs ?? 60_000;
    this.#results = new TtlCache(ttl);
    this.#vms = new VmDirectory(() => this.session(), this.#executor, ttl, options);
    this.#untrackPools = this.metrics.addPoolSource(() =>
      [...this.#targets.values()].map((c) => ({
        target: c.target,
        transport: c.transport,
        stats: statsOf(c).stats ?? {},
      })),
    );
  }

  /** The vSphere session, logged in on first use. */
  session(): Promise<VsphereSession> {
    this.#assertOpen();
    if (!this.#session) {
      const session = withSpan("pod.vsphere.connect", {}, async (span) => {
        const options = this.#options.vsphereOptions ?? (await resolveVsphereCredentials(this.#options));
        span.setAttribute("server.address", options.host);
        return VsphereSession.connect({
          ...options,
          onCall: (info) => this.metrics.observeSoap(info),
          wrapCall: traceSoapCall,
        });
      });
      this.#session = session;
      session.then(
        () => {
          this.#sessionState = "active";
        },
        () => {
          this.#sessionState = "error";
          if (this.#session === session) this.#session = undefined; // the next call tries again
        },
      );
    }
    return this.#session;
  }

  /** A VM by name, with its detected OS (cached for the TTL; `fresh` bypasses the cache). */
  getVm(name: string, options: { fresh?: boolean } = {}): Promise<PodVm> {
    this.#assertOpen();
    if (options.fresh) this.#vms.invalidate(name);
    return this.#vms.get(name);
  }

  /** Every VM (not templates) with power state and IP; not cached. */
  listVms(): Promise<PodVm[]> {
    this.#assertOpen();
    return this.#vms.list();
  }

  /** Forgets cached VM metadata, detected OS and command results (one VM, or all). */
  invalidate(vmName?: string): void {
    this.#vms.invalidate(vmName);
    if (vmName === undefined) this.#results.invalidate();
  }

  /** The OS of any target (detected once per connection, read-only probes). */
  async detectOs(spec: TargetSpec): Promise<OsInfo> {
    const target = await this.target(spec);
    return withSpan("pod.detect_os", { "pod.target": target.name ?? "" }, () => this.#executor.osOf(target));
  }

  async executeCommand<D = unknown>(
    spec: TargetSpec,
    command: PodCommand | string,
    options: ExecuteOptions<D> = {},
  ): Promise<CommandResult<D>> {
    const target = await this.target(spec);
    const podCommand = await this.#toPodCommand(target, command);
    const run = () => this.#executor.run<D>(target, podCommand, options) as Promise<CommandResult<unknown>>;
    if (!options.cacheTtlMs) return run() as Promise<CommandResult<D>>;
    const key = `${target.name}\0${JSON.stringify(podCommand)}`;
    return (await this.#results.getOrLoad(key, run)) as CommandResult<D>;
  }

  /** Every target × command gets an entry, in the order given; a failing target never hides the others. */
  async batchExecute<D = unknown>(request: BatchRequest<D>): Promise<BatchResultEntry<D>[]> {
    const correlationId = request.options?.correlationId ?? randomUUID();
    const slots = new Semaphore(request.concurrency ?? 8);
    const perTarget = await Promise.all(
      request.targets.map(async (spec) => {
        const release = await slots.acquire();
        try {
          const entries = await this.#runTarget<D>(spec, request.commands, { ...request.options, correlationId });
          request.onTargetDone?.(entries[0]?.target ?? String(spec), entries);
          return entries;
        } finally {
          release();
        }
      }),
    );
    return perTarget.flat();
  }

  async #runTarget<D>(spec: TargetSpec, commands: (PodCommand | string)[], options: RunOptions<D>) {
    const describe = (c: PodCommand | string) => redact(typeof c === "string" ? c : describeCommand(c));
    let target: ExecTarget;
    try {
      target = await this.target(spec);
    } catch (error) {
      const e = toPodError(error);
      const name = typeof spec === "string" ? spec : targetName(spec);
      const failure = { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) };
      return commands.map(
        (c): BatchResultEntry<D> => ({ target: name, ok: false, error: failure, command: describe(c) }),
      );
    }
    const entries: BatchResultEntry<D>[] = [];
    for (const command of commands) {
      // A string needs the OS for its shell; if detection fails, the executor fails it again, audited.
      const podCommand = await this.#toPodCommand(target, command).catch(() => ({
        script: String(command),
        shell: "sh" as const,
      }));
      const [entry] = await this.#executor.runBatch<D>([target], podCommand, options);
      if (entry) entries.push({ ...entry, command: describe(command) });
    }
    return entries;
  }

  /** Applies a guest network declaration (the network engine's apply); one audit change record. */
  async configureNetwork(
    spec: TargetSpec,
    interfaces: unknown,
    options: Omit<NetworkRunOptions, "connection" | "executor"> & { correlationId?: string } = {},
  ): Promise<NetworkApplyResult> {
    const target = await this.target(spec);
    const started = Date.now();
    const change = (result: string, details: Record<string, unknown>) =>
      this.#change({
        target: target.name ?? target.connection.target,
        action: "network.applied",
        result,
        durationMs: Date.now() - started,
        correlationId: options.correlationId ?? randomUUID(),
        details,
      });
    return withSpan("pod.network.apply", { "pod.target": target.name ?? "" }, async () => {
      try {
        const os = await this.#executor.osOf(target);
        const result = await applyNetwork({
          ...options,
          connection: target.connection,
          executor: this.#executor,
          os,
          interfaces,
        });
        change(result.changed ? "ok" : "unchanged", { commands: result.commands });
        return result;
      } catch (error) {
        const e = toPodError(error);
        change(e.code, { message: e.message });
        throw e;
      }
    });
  }

  /** The guest's interfaces, addresses and routes as the network engine reads them (read-only). */
  async readNetwork(spec: TargetSpec) {
    const target = await this.target(spec);
    const os = await this.#executor.osOf(target);
    return readNetwork({ connection: target.connection, executor: this.#executor, os });
  }

  /** vSphere reachability and session, per-connection pool counters and reachability, and the known VMs. */
  async healthCheck(): Promise<HealthReport> {
    this.#assertOpen();
    const timeoutMs = this.#options.healthTimeoutMs ?? 5_000;
    const [vsphere, pools] = await Promise.all([
      this.#vsphereHealth(),
      Promise.all([...this.#targets.values()].map((c) => boundedHealth(c, timeoutMs))),
    ]);
    const vms: VmHealth[] = await this.#vms.health(vsphere.reachable, (name) => {
      const pool = pools.find((p) => p.target === this.#targets.get(`vm:${name}`)?.target);
      return pool?.reachable;
    });
    const ok = (!vsphere.configured || vsphere.reachable) && pools.every((p) => p.reachable);
    return { ok: ok && vms.every((v) => v.reachable !== false), vsphere, pools, vms };
  }

  async #vsphereHealth(): Promise<VsphereHealth> {
    const configured = !!(this.#options.vsphereOptions ?? this.#options.vsphere?.host ?? process.env.POD_VSPHERE_HOST);
    const base = { configured, session: this.#sessionState } as const;
    if (!configured) return { ...base, reachable: false };
    const started = Date.now();
    try {
      const session = await this.session();
      await session.call("CurrentTime", { _this: SERVICE_INSTANCE });
      this.#sessionState = "active";
      return {
        ...base,
        session: "active",
        reachable: true,
        host: session.client.host,
        apiVersion: session.apiVersion,
        latencyMs: Date.now() - started,
      };
    } catch (error) {
      const e = toPodError(error);
      this.#sessionState = "error";
      return { ...base, session: "error", reachable: false, error: { code: e.code, message: e.message } };
    }
  }

  /** Resolves a target spec to a connection (cached: one SSH pool per guest). */
  async target(spec: TargetSpec): Promise<ExecTarget> {
    this.#assertOpen();
    const parsed = parseTarget(spec, targetName);
    const known = this.#targets.get(parsed.name);
    if (known) return { connection: known, name: parsed.name };
    const connection = await withSpan("pod.connect", { "pod.target": parsed.name }, async (span) => {
      let access: GuestAccess;
      if (parsed.kind === "docker") access = { transport: "docker", container: parsed.container };
      else if (parsed.kind === "object") access = toGuestAccess(parsed.target);
      else if (parsed.kind === "ssh")
        access = await this.#sshAccess(parsed.name, parsed.host, parsed.port, parsed.user);
      else {
        const vm = await this.#vms.get(parsed.vm);
        if (!vm.ipAddress) {
          throw new PodError("INVALID_STATE", `VM ${parsed.vm} has no IP address (power: ${vm.powerState}).`, {
            fix: "Power the VM on and wait for VMware Tools to report its address.",
          });
        }
        access = await this.#sshAccess(parsed.name, vm.ipAddress, undefined, undefined, vm.sshHostKeys);
      }
      span.setAttribute("pod.transport", access.transport);
      return this.#connections.get(access);
    });
    this.#targets.set(parsed.name, connection);
    return { connection, name: parsed.name };
  }

  async #sshAccess(name: string, host: string, port?: number, user?: string, pins?: string[]): Promise<GuestAccess> {
    const auth = await resolveGuestCredentials(name, this.#options);
    return {
      transport: "ssh",
      host,
      ...(port ? { port } : {}),
      ...auth,
      ...(user ? { username: user } : {}),
      dialErrorLimit: 3,
      hostKey: {
        ...(pins?.length ? { fingerprints: pins } : { policy: this.#options.hostKeyPolicy ?? "strict" }),
        ...(this.#options.knownHostsFile ? { knownHostsFile: this.#options.knownHostsFile } : {}),
      },
    };
  }

  /** A string is a script for the guest's own shell (sh, or PowerShell on Windows). */
  async #toPodCommand(target: ExecTarget, command: PodCommand | string): Promise<PodCommand> {
    if (typeof command !== "string") return command;
    const os = await this.#executor.osOf(target);
    return { script: command, shell: os.type === "windows" ? "powershell" : "sh" };
  }

  #change(entry: Omit<ChangeRecord, "time" | "actor">): void {
    this.#audit.change({ time: new Date().toISOString(), actor: this.#options.actor ?? "pod", ...entry });
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new PodError("INVALID_STATE", "This PodClient is closed.", { fix: "Create a new PodClient." });
  }

  /** Closes every connection and the vSphere session; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#untrackPools();
    this.#targets.clear();
    this.#results.invalidate();
    this.#vms.invalidate();
    const session = this.#session;
    this.#session = undefined;
    await Promise.all([this.#connections.closeAll(), session?.then((s) => s.close()).catch(() => undefined)]);
    this.#ownedLog?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
