/**
 * PodCommand in the plugin: the dynamic provider's check and delete, and
 * the shared run (resources/pod-command/outputs.ts) with what only a plugin
 * can add: output lines streamed to the engine while the command runs
 * (`logging`; never for secret output), customTimeouts passed down as the
 * run's timeout (the guest-side kill of timeoutSeconds ends the process),
 * and Cancel.
 */
import { randomUUID } from "node:crypto";
import { isPodError, PodError } from "../common/errors";
import type { PodCommandInputs, PodCommandOutputs } from "../resources/pod-command/args";
import { diffPodCommand } from "../resources/pod-command/diff";
import { commandOutputs, keptOutputs } from "../resources/pod-command/outputs";
import { PodCommandProvider } from "../resources/pod-command/provider";
import type { RunHooks } from "../resources/pod-command/run";
import { fromWireCommand, outputIsSecret } from "../resources/pod-command/secret-parts";
import { resourceError } from "../resources/shared/errors";
import { sharedRuntime } from "../resources/shared/runtime";
import { type ProviderConfig, readProviderConfig } from "../resources/shared/vsphere-connection";
import type { ConfigSource } from "./config";
import { cancelledError, timeoutError, withDeadline } from "./deadline";
import { changedInputs, detailedDiff } from "./detailed-diff";
import { DynamicHandler } from "./dynamic-handler";
import type { Props, StepContext } from "./handler";
import { LineSplitter } from "./lines";
import { reveal } from "./wire";

const COMMAND_KEYS = ["create", "update", "delete", "environment", "stdin"];
const RESULT_KEYS = ["stdout", "stderr", "exitCode", "data", "durationMs", "truncated", "os"];

/** A revealed secret inside a command becomes the engine's { secret } marker, text by text. */
function markText(value: unknown): unknown {
  if (typeof value === "string") return { secret: value };
  if (Array.isArray(value)) return value.map(markText);
  if (value && typeof value === "object" && !("secret" in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === "shell" ? v : markText(v)]));
  }
  return value;
}

export class PodCommandHandler extends DynamicHandler<PodCommandProvider> {
  readonly #runtime = sharedRuntime();
  #config: ProviderConfig = {};

  constructor(config: ConfigSource) {
    super("PodCommand", new PodCommandProvider(), config);
  }

  override async configure(): Promise<void> {
    await super.configure();
    this.#config = readProviderConfig(this.config);
  }

  override plainInputs(wire: Props): Props {
    return Object.fromEntries(
      Object.entries(wire).map(([k, v]) => [k, COMMAND_KEYS.includes(k) ? reveal(v, markText) : reveal(v)]),
    );
  }

  secretOutputs(inputs: Props): string[] {
    const i = inputs as unknown as PodCommandInputs;
    return ["target", ...(this.#outputSecret(i, i.create) ? ["stdout", "stderr", "data"] : [])];
  }

  diff(olds: Props, news: Props) {
    const d = diffPodCommand(olds as unknown as PodCommandOutputs, news as unknown as PodCommandInputs);
    const changed = d.changes ? changedInputs(olds, news, RESULT_KEYS) : [];
    return detailedDiff(olds, news, changed, [], false);
  }

  override async create(inputs: Props, ctx: StepContext) {
    const i = inputs as unknown as PodCommandInputs;
    return { id: randomUUID(), outs: await this.#run(i, i.create, "create", ctx) };
  }

  async read(_id: string, outs: Props | undefined) {
    // A command's results are what its last run printed: refresh keeps them; there is nothing to import.
    if (outs) return { id: _id, outs };
    throw new PodError("UNSUPPORTED", "A PodCommand cannot be imported: it is a run, not an object to adopt.", {
      fix: "Declare the PodCommand in the program; it runs on the next `pulumi up`.",
    });
  }

  override async update(_id: string, olds: Props, news: Props, ctx: StepContext) {
    const o = olds as unknown as PodCommandOutputs;
    const n = news as unknown as PodCommandInputs;
    if (!diffPodCommand(o, n).rerun) return keptOutputs(o, n) as Props;
    return this.#run(n, n.update ?? n.create, "update", ctx);
  }

  #outputSecret(inputs: PodCommandInputs, command: PodCommandInputs["create"]): boolean {
    return outputIsSecret(inputs, fromWireCommand(command));
  }

  async #run(inputs: PodCommandInputs, command: PodCommandInputs["create"], action: string, ctx: StepContext) {
    const streams = this.#outputSecret(inputs, command) ? "none" : (inputs.logging ?? "stdoutAndStderr");
    const out = new LineSplitter((line) => ctx.log(line));
    const err = new LineSplitter((line) => ctx.log(`[stderr] ${line}`));
    const hooks: RunHooks = {
      ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
      signal: ctx.signal,
      ...(streams === "stdout" || streams === "stdoutAndStderr" ? { onStdout: (c: Buffer) => out.push(c) } : {}),
      ...(streams === "stderr" || streams === "stdoutAndStderr" ? { onStderr: (c: Buffer) => err.push(c) } : {}),
    };
    const step = { action, correlationId: ctx.urn, hooks };
    try {
      const run = () => commandOutputs(this.#runtime, this.#config, inputs, command, step);
      return (await withDeadline(`PodCommand ${action}`, undefined, ctx.signal, run)) as unknown as Props;
    } catch (error) {
      throw this.#timeoutOrCancel(error, inputs, action, ctx);
    } finally {
      out.end();
      err.end();
    }
  }

  /** A run ended by customTimeouts says so with TIMEOUT, not as a slow command (COMMAND_FAILED). */
  #timeoutOrCancel(error: unknown, inputs: PodCommandInputs, action: string, ctx: StepContext): unknown {
    const cause = (error as { cause?: unknown }).cause;
    const timedOut = isPodError(cause) && cause.code === "COMMAND_FAILED" && cause.details?.timedOut === true;
    const inputsTimeout = (inputs.timeoutSeconds ?? 600) * 1000;
    if (timedOut && ctx.timeoutMs !== undefined && ctx.timeoutMs < inputsTimeout) {
      return resourceError("PodCommand", action, timeoutError(`PodCommand ${action}`, ctx.timeoutMs));
    }
    if (isPodError(error, "CANCELLED"))
      return resourceError("PodCommand", action, cancelledError(`PodCommand ${action}`));
    return error;
  }
}
