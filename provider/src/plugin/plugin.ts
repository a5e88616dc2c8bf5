/**
 * The provider behind the gRPC server: one handler per resource token, the
 * provider's configuration, Cancel, and the conversion between wire values
 * (secrets wrapped) and the plain values the handlers work on.
 */
import { PodError } from "../common/errors";
import { sharedRuntime } from "../resources/shared/runtime";
import { type ConfigSource, providerConfig } from "./config";
import { STOP_GRACE_MS } from "./deadline";
import type { ResourceDiff } from "./detailed-diff";
import type { EngineLog } from "./engine-log";
import type { Props, ResourceHandler, StepContext } from "./handler";
import { PodCommandHandler } from "./pod-command";
import { PodCopyHandler } from "./pod-copy";
import { PodNetworkHandler } from "./pod-network";
import { PodVmHandler } from "./pod-vm";
import { reveal, secretKeys, wrapOutputs } from "./wire";

type Configurable = ResourceHandler & { configure(): Promise<void> };

export class PodPlugin {
  #handlers = new Map<string, Configurable>();
  #cancel = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(readonly log: EngineLog) {
    this.#install(providerConfig(undefined, new Map()));
  }

  #install(config: ConfigSource): void {
    this.#handlers = new Map<string, Configurable>([
      ["pod:index:PodVm", new PodVmHandler(config)],
      ["pod:index:PodCommand", new PodCommandHandler(config)],
      ["pod:index:PodNetwork", new PodNetworkHandler(config)],
      ["pod:index:PodCopy", new PodCopyHandler(config)],
    ]);
  }

  async configure(args: Props | undefined, variables: Map<string, string>): Promise<void> {
    this.#install(providerConfig(args, variables));
    await Promise.all([...this.#handlers.values()].map((h) => h.configure()));
  }

  /**
   * Cancel: every running step's signal fires (guest commands are ended where
   * they run, vSphere tasks cancelled, half-made objects removed) and every
   * later one fails at once with CANCELLED. Guest connections close once the
   * running steps have ended (bounded): closing first would cut the channels
   * their kills travel on.
   */
  async cancel(): Promise<void> {
    this.#cancel.abort();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((resolve) => {
      timer = setTimeout(resolve, STOP_GRACE_MS);
    });
    await Promise.race([Promise.allSettled([...this.#running]), bound]);
    clearTimeout(timer);
    await sharedRuntime()
      .connections.closeAll()
      .catch(() => undefined);
  }

  /** Keeps the step in #running until it settles, for Cancel to wait on. */
  #track<T>(step: Promise<T>): Promise<T> {
    this.#running.add(step);
    const done = () => this.#running.delete(step);
    step.then(done, done);
    return step;
  }

  async check(urn: string, news: Props) {
    return this.#handler(urn).check(this.#handler(urn).plainInputs(news));
  }

  diff(urn: string, olds: Props, news: Props): ResourceDiff {
    const h = this.#handler(urn);
    return h.diff(reveal(olds) as Props, h.plainInputs(news));
  }

  async create(urn: string, wire: Props, timeoutMs?: number) {
    const h = this.#handler(urn);
    const inputs = h.plainInputs(wire);
    const { id, outs } = await this.#track(h.create(inputs, this.#ctx(urn, timeoutMs)));
    return { id, outs: this.#wrap(h, wire, inputs, outs) };
  }

  async read(urn: string, id: string, wireOuts: Props, wireInputs: Props, timeoutMs?: number) {
    const h = this.#handler(urn);
    const hasState = Object.keys(wireOuts).length > 0;
    const ctx = this.#ctx(urn, timeoutMs);
    const read = await this.#track(h.read(id, hasState ? (reveal(wireOuts) as Props) : undefined, ctx));
    if (!read) return undefined;
    const inputs = read.inputs ?? (reveal(wireInputs) as Props);
    const secretWire = read.inputs ? {} : wireInputs;
    const outs = this.#wrap(h, { ...secretWire, ...wireOuts }, inputs, read.outs);
    return { id: read.id, outs, inputs: read.inputs ? wrapOutputs(inputs, h.secretOutputs(inputs)) : wireInputs };
  }

  async update(urn: string, id: string, olds: Props, wire: Props, timeoutMs?: number) {
    const h = this.#handler(urn);
    const news = h.plainInputs(wire);
    const outs = await this.#track(h.update(id, reveal(olds) as Props, news, this.#ctx(urn, timeoutMs)));
    return this.#wrap(h, wire, news, outs);
  }

  async delete(urn: string, id: string, outs: Props, timeoutMs?: number) {
    await this.#track(this.#handler(urn).delete(id, reveal(outs) as Props, this.#ctx(urn, timeoutMs)));
  }

  /** Outputs to store: what the inputs held secret stays secret, plus the resource's own list. */
  #wrap(h: ResourceHandler, wire: Props, inputs: Props, outs: Props): Props {
    return wrapOutputs(outs, [...secretKeys(wire), ...h.secretOutputs(inputs)]);
  }

  #ctx(urn: string, timeoutMs?: number): StepContext {
    return { urn, timeoutMs, log: (message) => this.log(urn, message), signal: this.#cancel.signal };
  }

  #handler(urn: string): Configurable {
    const type = urn.split("::")[2]?.split("$").pop() ?? urn;
    const handler = this.#handlers.get(type);
    if (!handler) {
      throw new PodError("UNSUPPORTED", `pod has no resource type ${type}.`, {
        fix: "Use pod:index:PodVm, pod:index:PodNetwork, pod:index:PodCommand or pod:index:PodCopy.",
      });
    }
    return handler;
  }
}
