/**
 * Lab environments per branch: one Pulumi stack each, driven through the
 * Automation API against whatever backend the team uses (file, PostgreSQL,
 * S3). Who owns it, when it was made and when it expires are stack tags,
 * written before the first update, so an environment whose `up` failed is
 * still listed and `down` can still remove it.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { PodError } from "../../common/errors";
import { Semaphore } from "../limiter";
import {
  checkEnvironmentName,
  type EnvironmentMetadata,
  environmentTags,
  isExpired,
  parseTtl,
  readEnvironmentTags,
} from "./metadata";
import { backendWorkspace, openStack, toEnvError, type WorkspaceOptions } from "./workspace";

export interface EnvironmentUp {
  name: string;
  program: string;
  owner: string;
  /** Plain config values, "key" or "namespace:key" → value (secrets belong in the environment). */
  config?: Record<string, string>;
  ttl?: string;
}

export interface EnvironmentInfo {
  name: string;
  project: string;
  owner: string;
  createdAt: string;
  expiresAt?: string;
  expired: boolean;
  resources: number;
  /** The last update's kind and result ("up succeeded", "destroy failed", …), or "none". */
  lastResult: string;
  program: string;
}

export interface EnvironmentOutcome {
  name: string;
  ok: boolean;
  error?: { code: string; message: string; fix?: string };
}

/** A line of progress: which environment, and what happened to which resource. */
export type ProgressSink = (env: string, line: string) => void;

export interface EnvironmentsOptions extends WorkspaceOptions {
  onProgress?: ProgressSink;
  now?: () => Date;
}

/** Resource-level progress from the engine's events, one short line each. */
function progressOf(env: string, sink: ProgressSink | undefined) {
  return (event: EngineEvent) => {
    if (!sink) return;
    const pre = event.resourcePreEvent?.metadata;
    const done = event.resOutputsEvent?.metadata;
    const failed = event.resOpFailedEvent?.metadata;
    const meta = pre ?? done ?? failed;
    if (!meta || meta.op === "same" || meta.type === "pulumi:pulumi:Stack" || meta.type.startsWith("pulumi:providers:"))
      return;
    const name = meta.urn.split("::").pop() ?? meta.urn;
    const type = meta.type.split(":").pop() ?? meta.type;
    sink(env, `${meta.op} ${type} ${name}${pre ? "…" : done ? ": done" : ": FAILED"}`);
  };
}

export class Environments {
  readonly #options: EnvironmentsOptions;

  constructor(options: EnvironmentsOptions = {}) {
    this.#options = options;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  /** Creates or updates an environment; tags first, then `up`. Failures are PodErrors, the stack stays. */
  async up(spec: EnvironmentUp): Promise<EnvironmentInfo> {
    const name = checkEnvironmentName(spec.name);
    const ttlMs = spec.ttl ? parseTtl(spec.ttl) : undefined;
    try {
      const stack = await openStack(name, spec.program, this.#options, true);
      const ws = stack.workspace;
      const now = this.#now();
      const existing = readEnvironmentTags(await ws.listTags(name).catch(() => ({})));
      const meta: EnvironmentMetadata = {
        owner: existing?.owner ?? spec.owner,
        createdAt: existing?.createdAt ?? now,
        program: stack.workspace.workDir,
        ...(spec.ttl && ttlMs !== undefined ? { ttl: spec.ttl, expiresAt: new Date(now.getTime() + ttlMs) } : {}),
      };
      for (const [key, value] of Object.entries(environmentTags(meta))) await ws.setTag(name, key, value);
      const config = Object.fromEntries(Object.entries(spec.config ?? {}).map(([k, v]) => [k, { value: v }]));
      if (Object.keys(config).length) await stack.setAllConfig(config);
      this.#options.onProgress?.(name, "up…");
      const result = await stack.up({ onEvent: progressOf(name, this.#options.onProgress), color: "never" });
      this.#options.onProgress?.(name, `up ${result.summary.result}`);
    } catch (error) {
      this.#options.onProgress?.(name, "up FAILED");
      throw toEnvError(error, name, "up");
    }
    const info = (await this.list()).find((e) => e.name === name);
    if (!info) throw toEnvError(new Error(`${name} vanished after its up`), name, "up");
    return info;
  }

  /** Several `up`s, at most `concurrency` at once; each outcome reported, none stops the others. */
  async upMany(specs: EnvironmentUp[], concurrency: number): Promise<EnvironmentOutcome[]> {
    return this.#bounded(
      specs.map((s) => s.name),
      concurrency,
      async (_name, i) => {
        const spec = specs[i];
        if (spec) await this.up(spec);
      },
      "up",
    );
  }

  /** Every pod environment on the backend (stacks with pod's tags), all projects. */
  async list(): Promise<EnvironmentInfo[]> {
    const ws = await backendWorkspace(this.#options);
    const stacks = await ws.listStacks({ all: true });
    const now = this.#now();
    const slots = new Semaphore(8);
    const rows = await Promise.all(
      stacks.map(async (s) => {
        const release = await slots.acquire();
        try {
          const meta = readEnvironmentTags(await ws.listTags(s.name).catch(() => ({})));
          if (!meta) return undefined;
          const short = s.name.split("/").pop() ?? s.name;
          const project = s.name.includes("/") ? (s.name.split("/").at(-2) ?? "") : "";
          return {
            name: short,
            project,
            owner: meta.owner,
            createdAt: meta.createdAt.toISOString(),
            ...(meta.expiresAt ? { expiresAt: meta.expiresAt.toISOString() } : {}),
            expired: isExpired(meta, now),
            resources: s.resourceCount ?? 0,
            lastResult: await this.#lastResult(short, meta.program, s.updateInProgress),
            program: meta.program,
          } satisfies EnvironmentInfo;
        } finally {
          release();
        }
      }),
    );
    return rows.filter((r): r is EnvironmentInfo => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }

  async #lastResult(name: string, program: string, inProgress: boolean | undefined): Promise<string> {
    if (inProgress) return "in progress";
    try {
      const stack = await openStack(name, program, this.#options, false);
      const [last] = await stack.history(1);
      return last ? `${last.kind} ${last.result}` : "none";
    } catch {
      return "unknown"; // the program directory is not on this machine: tags still list it
    }
  }

  /** Destroys an environment's resources and removes its stack. */
  async down(name: string, programOverride?: string): Promise<void> {
    checkEnvironmentName(name);
    const ws = await backendWorkspace(this.#options);
    const found = (await ws.listStacks({ all: true })).filter((s) => (s.name.split("/").pop() ?? s.name) === name);
    let program = programOverride;
    for (const s of found) {
      const meta = readEnvironmentTags(await ws.listTags(s.name).catch(() => ({})));
      if (meta && !program) program = meta.program;
    }
    if (!program) {
      throw new PodError("NOT_FOUND", `No pod environment ${name} on this backend.`, {
        fix: "Check the name with `pod env ls` and the backend (--backend or PULUMI_BACKEND_URL); --program names the program of a stack pod did not tag.",
      });
    }
    try {
      const stack = await openStack(name, program, this.#options, false);
      this.#options.onProgress?.(name, "destroy…");
      await stack.destroy({ onEvent: progressOf(name, this.#options.onProgress), color: "never" });
      await stack.workspace.removeStack(name);
      this.#options.onProgress?.(name, "removed");
    } catch (error) {
      this.#options.onProgress?.(name, "destroy FAILED");
      throw toEnvError(error, name, "down");
    }
  }

  /** Destroys every expired environment, at most `concurrency` at once; one failure does not stop the rest. */
  async gc(concurrency = 4, programOverride?: string): Promise<EnvironmentOutcome[]> {
    const expired = (await this.list()).filter((e) => e.expired);
    return this.downMany(
      expired.map((e) => e.name),
      concurrency,
      programOverride,
    );
  }

  /** `down` of several environments with a bound on how many run at once. */
  downMany(names: string[], concurrency: number, programOverride?: string): Promise<EnvironmentOutcome[]> {
    return this.#bounded(names, concurrency, (name) => this.down(name, programOverride), "down");
  }

  async #bounded(
    names: string[],
    concurrency: number,
    fn: (name: string, index: number) => Promise<void>,
    op: string,
  ): Promise<EnvironmentOutcome[]> {
    const slots = new Semaphore(concurrency);
    return Promise.all(
      names.map(async (name, index) => {
        const release = await slots.acquire();
        try {
          await fn(name, index);
          return { name, ok: true };
        } catch (error) {
          const e = toEnvError(error, name, op);
          return { name, ok: false, error: { code: e.code, message: e.message, ...(e.fix ? { fix: e.fix } : {}) } };
        } finally {
          release();
        }
      }),
    );
  }
}
