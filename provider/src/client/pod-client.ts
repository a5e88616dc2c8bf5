import { PodError, toPodError } from "../common/errors";
import type { GuestAccess } from "../connections/factory";
import { type HostKeyPolicy, resolveHostKeyPolicy, type SshSessionMode } from "../connections/ssh";
import type { GuestConnection } from "../connections/types";
import {
  type CredentialSources,
  resolveGuestCredentials,
  resolveVsphereCredentials,
  vsphereConfigured,
} from "../credentials";
import { resolveTargetSecrets } from "../credentials/vault/resolve";
import { commandKey, type PodCommand, toPodCommand } from "../execution/command";
import type { ExecTarget, RunOptions } from "../execution/executor";
import { targetName, toGuestAccess } from "../execution/guest-target";
import type { NetworkApplyResult, NetworkRunOptions } from "../execution/network/apply";
import type { NetworkRecord } from "../execution/network/declaration";
import { createNetwork, deleteNetwork } from "../execution/network/lifecycle";
import { type NetworkObservation, observeNetwork } from "../execution/network/observe";
import type { CommandResult } from "../execution/result";
import { PodRuntime } from "../execution/runtime";
import type { AuditSink } from "../observability/audit-record";
import type { PodMetrics } from "../observability/metrics";
import { withSpan } from "../observability/tracing";
import type { OsInfo } from "../os/types";
import type { VsphereConnectOptions, VsphereSession } from "../vsphere/session";
import { SERVICE_INSTANCE } from "../vsphere/soap/client";
import { type BatchRequest, type BatchResultEntry, runBatchRequest } from "./batch";
import { boundedHealth, type HealthReport, type VmHealth, type VsphereHealth } from "./health";
import { type ClientNetworkDeclaration, type ClientNetworkDeps, clientContext, toDeclaration } from "./network";
import { parseTarget, type TargetSpec } from "./targets";
import { TtlCache } from "./ttl-cache";
import { type PodVm, VmDirectory } from "./vm-directory";

export interface PodClientOptions extends CredentialSources {
  /** Already-resolved vSphere options (skips credential resolution). */
  vsphereOptions?: VsphereConnectOptions;
  /**
   * Host key policy for SSH targets without pinned keys (else $POD_HOST_KEY_POLICY, else "strict"; vm: targets
   * pin keys read through VMware Tools). Anything but the three policies is INVALID_INPUT at construction.
   */
  hostKeyPolicy?: HostKeyPolicy;
  /** The one known_hosts file (default: read pod's own and ~/.ssh/known_hosts, accept-new writes pod's own). */
  knownHostsFile?: string;
  /** SSH targets: "exec" (default, a channel per command) or "persistent" (long-lived shells; POSIX guests). */
  sshSessionMode?: SshSessionMode;
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
  /** Bytes of stdout, and of stderr, kept per command (default 16 MiB); a run's maxOutputBytes overrides it. */
  maxOutputBytes?: number;
}

export interface ExecuteOptions<D = unknown> extends RunOptions<D> {
  /** Reuse this command's result on this target for this long (off by default: commands are not idempotent). */
  cacheTtlMs?: number;
}

export type { BatchRequest, BatchResultEntry };

export class PodClient {
  /** The engine every call goes through (shared with nothing unless you pass it around). */
  readonly runtime: PodRuntime;
  readonly #options: PodClientOptions;
  readonly #hostKeyPolicy: HostKeyPolicy;
  /** The connection each target name last resolved to, for health reports. */
  readonly #named = new Map<string, GuestConnection>();
  readonly #results: TtlCache<CommandResult<unknown>>;
  readonly #vms: VmDirectory;
  #vsphere: Promise<VsphereConnectOptions> | undefined;
  #session: Promise<VsphereSession> | undefined;
  #sessionState: VsphereHealth["session"] = "none";
  #closed = false;

  constructor(options: PodClientOptions = {}) {
    this.#options = options;
    this.#hostKeyPolicy = resolveHostKeyPolicy(options.hostKeyPolicy, options.env ?? process.env);
    this.runtime = new PodRuntime({
      actor: options.actor ?? "pod",
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.audit ? { audit: options.audit } : {}),
      ...(options.maxConcurrent ? { maxConcurrent: options.maxConcurrent } : {}),
      ...(options.maxPerHost ? { maxPerHost: options.maxPerHost } : {}),
      ...(options.maxOutputBytes !== undefined ? { maxOutputBytes: options.maxOutputBytes } : {}),
    });
    const ttl = options.cacheTtlMs ?? 60_000;
    this.#results = new TtlCache(ttl);
    this.#vms = new VmDirectory(
      this.runtime,
      () => this.#vsphereOptions(),
      () => this.session(),
      ttl,
      options,
    );
  }

  get metrics(): PodMetrics {
    return this.runtime.metrics;
  }

  /** The vSphere connection through the credential chain, resolved once (again after a failure). */
  #vsphereOptions(): Promise<VsphereConnectOptions> {
    if (!this.#vsphere) {
      const resolved = this.#options.vsphereOptions
        ? Promise.resolve(this.#options.vsphereOptions)
        : resolveVsphereCredentials(this.#options);
      this.#vsphere = resolved;
      resolved.catch(() => {
        if (this.#vsphere === resolved) this.#vsphere = undefined;
      });
    }
    return this.#vsphere;
  }

  /** The vSphere session, logged in on first use and held from the runtime's pool until close(). */
  session(): Promise<VsphereSession> {
    this.#assertOpen();
    if (!this.#session) {
      const session = withSpan("pod.vsphere.connect", {}, async (span) => {
        const options = await this.#vsphereOptions();
        span.setAttribute("server.address", options.host);
        return this.runtime.sessions.pin(options);
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
    return this.runtime.osOf(await this.target(spec));
  }

  async executeCommand<D = unknown>(
    spec: TargetSpec,
    command: PodCommand | string,
    options: ExecuteOptions<D> = {},
  ): Promise<CommandResult<D>> {
    const target = await this.target(spec);
    // Only a string needs the OS first (for its shell); otherwise detection runs inside the audited run.
    const podCommand = typeof command === "string" ? toPodCommand(command, await this.runtime.osOf(target)) : command;
    const run = () => this.runtime.executor.run<D>(target, podCommand, options);
    if (!options.cacheTtlMs) return run();
    const key = `${target.name}\0${commandKey(podCommand)}`; // secret parts by keyed hash
    return (await this.#results.getOrLoad(key, run as () => Promise<CommandResult<unknown>>)) as CommandResult<D>;
  }

  /** Every target × command gets an entry, in the order given; a failing target never hides the others. */
  batchExecute<D = unknown>(request: BatchRequest<D>): Promise<BatchResultEntry<D>[]> {
    return runBatchRequest(this.runtime, (spec) => this.target(spec), request);
  }

  /** Applies a guest network declaration (the network engine's apply); one audit change record. */
  async configureNetwork(
    spec: TargetSpec,
    interfaces: unknown,
    options: Omit<NetworkRunOptions, "connection" | "executor"> & { correlationId?: string } = {},
  ): Promise<NetworkApplyResult> {
    const { correlationId, ...rest } = options;
    const target = await this.target(spec);
    return this.runtime.applyNetwork(target, { ...rest, interfaces }, this.runtime.tracker(correlationId));
  }

  /** The guest's interfaces, addresses and routes as the network engine reads them (read-only). */
  async readNetwork(spec: TargetSpec) {
    return this.runtime.readNetwork(await this.target(spec));
  }

  /** What applying `interfaces` would change on the target (read-only): drift lines, the changes, the applied view. */
  async diffNetwork(spec: TargetSpec, interfaces: unknown): Promise<NetworkObservation & { os: OsInfo }> {
    const { os, state } = await this.readNetwork(spec);
    return { os, ...observeNetwork(state, interfaces) };
  }

  /**
   * A network declaration as PodNetwork takes it — a port group with its
   * VLAN, a VM's NIC (VM by name or moid) on it, guest interfaces — applied
   * by the same engine, transactionally. The record says what pod did; pass
   * it to removeNetwork to undo exactly that.
   */
  async applyNetwork(declaration: ClientNetworkDeclaration, options: { correlationId?: string } = {}) {
    const deps = this.#networkDeps();
    return createNetwork(clientContext(deps, options.correlationId), await toDeclaration(deps, declaration));
  }

  /** Undoes what applyNetwork recorded: guest settings restored, NIC put back, a port group pod made removed. */
  async removeNetwork(
    declaration: ClientNetworkDeclaration,
    record: NetworkRecord,
    options: { correlationId?: string } = {},
  ): Promise<void> {
    const deps = this.#networkDeps();
    await deleteNetwork(clientContext(deps, options.correlationId), await toDeclaration(deps, declaration), record);
  }

  #networkDeps(): ClientNetworkDeps {
    this.#assertOpen();
    return {
      runtime: this.runtime,
      session: () => this.session(),
      vsphereOptions: () => this.#vsphereOptions(),
      target: (spec) => this.target(spec),
      vmId: async (name) => (await this.getVm(name)).id,
    };
  }

  /** vSphere reachability and session, per-connection pool counters and reachability, and the known VMs. */
  async healthCheck(): Promise<HealthReport> {
    this.#assertOpen();
    const timeoutMs = this.#options.healthTimeoutMs ?? 5_000;
    const [vsphere, pools] = await Promise.all([
      this.#vsphereHealth(),
      Promise.all(this.runtime.connections.all().map((c) => boundedHealth(c, timeoutMs))),
    ]);
    const vms: VmHealth[] = await this.#vms.health(vsphere.reachable, (name) => {
      const pool = pools.find((p) => p.target === this.#named.get(`vm:${name}`)?.target);
      return pool?.reachable;
    });
    const ok = (!vsphere.configured || vsphere.reachable) && pools.every((p) => p.reachable);
    return { ok: ok && vms.every((v) => v.reachable !== false), vsphere, pools, vms };
  }

  async #vsphereHealth(): Promise<VsphereHealth> {
    const configured = !!this.#options.vsphereOptions || vsphereConfigured(this.#options);
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

  /**
   * Resolves a target spec to a connection. The runtime's cache shares one
   * connection per access — transport, address, user, credentials, host-key
   * policy — never per name alone.
   */
  async target(spec: TargetSpec): Promise<ExecTarget> {
    this.#assertOpen();
    const parsed = parseTarget(spec, targetName);
    return withSpan("pod.connect", { "pod.target": parsed.name }, async (span) => {
      let access: GuestAccess;
      if (parsed.kind === "docker") access = { transport: "docker", container: parsed.container };
      else if (parsed.kind === "object") {
        const t = parsed.target;
        const vsphere = (t.transport ?? "ssh") === "guestops" ? await this.#guestOpsVsphere(t.vsphere) : undefined;
        // vault: references in the target are read now, for this connection.
        const config = this.#options.config ?? {};
        access = toGuestAccess(
          await resolveTargetSecrets(t, { config, env: this.#options.env ?? process.env }),
          vsphere,
        );
      } else if (parsed.kind === "ssh")
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
      const target = this.runtime.connect(access, parsed.name);
      this.#named.set(parsed.name, target.connection);
      return target;
    });
  }

  /** A guestops target's vSphere: its own connection fields over the client's chain. */
  #guestOpsVsphere(input: { host?: string } | undefined): Promise<VsphereConnectOptions> {
    if (!input || Object.keys(input).length === 0) return this.#vsphereOptions();
    return resolveVsphereCredentials({ ...this.#options, vsphere: { ...this.#options.vsphere, ...input } });
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
      ...(this.#options.sshSessionMode ? { sessionMode: this.#options.sshSessionMode } : {}),
      hostKey: {
        ...(pins?.length ? { fingerprints: pins } : { policy: this.#hostKeyPolicy }),
        ...(this.#options.knownHostsFile ? { knownHostsFile: this.#options.knownHostsFile } : {}),
      },
    };
  }

  #assertOpen(): void {
    if (this.#closed)
      throw new PodError("INVALID_STATE", "This PodClient is closed.", { fix: "Create a new PodClient." });
  }

  /** Closes every connection and the vSphere session; safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#named.clear();
    this.#results.invalidate();
    this.#vms.invalidate();
    this.#session = undefined;
    await this.runtime.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
