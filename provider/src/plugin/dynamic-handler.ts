/**
 * What every plugin handler shares over its resource's dynamic provider:
 * configure with the plugin's config, inputs revealed, the provider's check,
 * and create/update/delete with the URN passed down for audit correlation,
 * each step bounded by customTimeouts and Cancel. A handler adds its
 * secret outputs, its diff and its read, and overrides what differs.
 */
import type { CheckFailure } from "../resources/shared/validate";
import type { ConfigSource } from "./config";
import { withDeadline } from "./deadline";
import type { ResourceDiff } from "./detailed-diff";
import {
  type CheckOutcome,
  type Props,
  type ReadOutcome,
  type ResourceHandler,
  type StepContext,
  withoutUrn,
} from "./handler";
import { reveal } from "./wire";

/** The part of a pod dynamic provider the base calls (inputs typed by each provider, hence `never`). */
export interface DynamicProvider {
  configure(req: never): Promise<void>;
  check(olds: never, news: never): Promise<{ inputs?: unknown; failures?: CheckFailure[] }>;
  create(inputs: never): Promise<{ id: string; outs?: unknown }>;
  update(id: string, olds: never, news: never): Promise<{ outs?: unknown }>;
  delete(id: string, props: never): Promise<void>;
}

export abstract class DynamicHandler<P extends DynamicProvider> implements ResourceHandler {
  constructor(
    /** The resource's name in step errors ("PodVm create exceeded …"). */
    readonly type: string,
    protected readonly dynamic: P,
    readonly config: ConfigSource,
  ) {}

  async configure(): Promise<void> {
    await this.dynamic.configure({ config: this.config } as never);
  }

  plainInputs(wire: Props): Props {
    return reveal(wire) as Props;
  }

  abstract secretOutputs(inputs: Props): string[];
  abstract diff(olds: Props, news: Props): ResourceDiff;
  abstract read(id: string, outs: Props | undefined, ctx: StepContext): Promise<ReadOutcome | undefined>;

  async check(news: Props): Promise<CheckOutcome> {
    return { failures: (await this.dynamic.check({} as never, news as never)).failures ?? [] };
  }

  async create(inputs: Props, ctx: StepContext) {
    const work = () => this.dynamic.create({ ...inputs, pulumiUrn: ctx.urn } as never);
    const { id, outs } = await this.step("create", ctx, work);
    return { id, outs: withoutUrn(outs) };
  }

  async update(id: string, olds: Props, news: Props, ctx: StepContext) {
    const work = () => this.dynamic.update(id, olds as never, { ...news, pulumiUrn: ctx.urn } as never);
    return withoutUrn((await this.step("update", ctx, work)).outs);
  }

  async delete(id: string, outs: Props, ctx: StepContext) {
    // The URN lets delete check the owner marker (another stack's VM or port group is never removed).
    await this.step("delete", ctx, () => this.dynamic.delete(id, { ...outs, pulumiUrn: ctx.urn } as never));
  }

  /** One step of this resource, failing with TIMEOUT past customTimeouts or CANCELLED on Cancel. */
  protected step<T>(action: string, ctx: StepContext, work: () => Promise<T>): Promise<T> {
    return withDeadline(`${this.type} ${action}`, ctx.timeoutMs, ctx.signal, work);
  }
}
