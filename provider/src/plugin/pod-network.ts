/**
 * PodNetwork in the plugin: the dynamic provider's CRUD with the resource's
 * own diff reasons as the detailed diff. Import and `get` read a port group
 * (resources/pod-network/import.ts): vSphere alone cannot say what pod
 * recorded before moving a NIC or changing a guest, so those are not imported.
 */
import {
  POD_NETWORK_SECRET_OUTPUTS,
  type PodNetworkInputs,
  type PodNetworkOutputs,
} from "../resources/pod-network/args";
import { diffPodNetwork } from "../resources/pod-network/diff";
import { PodNetworkProvider } from "../resources/pod-network/provider";
import { inputsFromOutputs } from "../resources/pod-network/state";
import type { ConfigSource } from "./config";
import { withDeadline } from "./deadline";
import { detailedDiff } from "./detailed-diff";
import { type Props, type ResourceHandler, type StepContext, withoutUrn } from "./handler";
import { reveal } from "./wire";

export class PodNetworkHandler implements ResourceHandler {
  readonly #dynamic = new PodNetworkProvider();

  constructor(readonly config: ConfigSource) {}

  async configure(): Promise<void> {
    await this.#dynamic.configure({ config: this.config } as never);
  }

  plainInputs = (wire: Props) => reveal(wire) as Props;
  secretOutputs = () => [...POD_NETWORK_SECRET_OUTPUTS];

  async check(news: Props) {
    return (await this.#dynamic.check({} as never, news as never)).failures ?? [];
  }

  diff(olds: Props, news: Props) {
    const d = diffPodNetwork(olds as unknown as PodNetworkOutputs, news as unknown as PodNetworkInputs);
    const before = inputsFromOutputs(olds as unknown as PodNetworkOutputs) as unknown as Props;
    // Drift is a reason of its own; it shows as the record changing.
    const changed = Object.keys(d.reasons).filter((k) => k !== "drift");
    if (d.reasons.drift) changed.push("applied");
    return detailedDiff(before, news, changed, d.replaces, true);
  }

  async create(inputs: Props, ctx: StepContext) {
    const work = () => this.#dynamic.create({ ...inputs, pulumiUrn: ctx.urn } as never);
    const { id, outs } = await withDeadline("PodNetwork create", ctx.timeoutMs, ctx.signal, work);
    return { id, outs: withoutUrn(outs) };
  }

  async read(id: string, outs: Props | undefined, ctx: StepContext) {
    if (!outs || Object.keys(outs).length === 0) {
      const adopted = () => this.#dynamic.importPortGroup(id, ctx.urn);
      const {
        inputs,
        outs: read,
        warning,
      } = await withDeadline("PodNetwork import", ctx.timeoutMs, ctx.signal, adopted);
      if (warning) ctx.log(warning);
      return { id, outs: read as unknown as Props, inputs: inputs as Props };
    }
    const r = await withDeadline("PodNetwork read", ctx.timeoutMs, ctx.signal, () =>
      this.#dynamic.read(id, outs as never),
    );
    return { id, outs: r.props as Props };
  }

  async update(id: string, olds: Props, news: Props, ctx: StepContext) {
    const work = () => this.#dynamic.update(id, olds as never, { ...news, pulumiUrn: ctx.urn } as never);
    return withoutUrn((await withDeadline("PodNetwork update", ctx.timeoutMs, ctx.signal, work)).outs);
  }

  async delete(id: string, outs: Props, ctx: StepContext) {
    // The URN lets delete check the port group's owner marker (another stack's is never removed).
    const work = () => this.#dynamic.delete(id, { ...outs, pulumiUrn: ctx.urn } as never);
    await withDeadline("PodNetwork delete", ctx.timeoutMs, ctx.signal, work);
  }
}
