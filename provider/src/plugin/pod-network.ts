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
import { detailedDiff } from "./detailed-diff";
import { DynamicHandler } from "./dynamic-handler";
import type { Props, StepContext } from "./handler";

export class PodNetworkHandler extends DynamicHandler<PodNetworkProvider> {
  constructor(config: ConfigSource) {
    super("PodNetwork", new PodNetworkProvider(), config);
  }

  secretOutputs = () => [...POD_NETWORK_SECRET_OUTPUTS];

  diff(olds: Props, news: Props) {
    const d = diffPodNetwork(olds as unknown as PodNetworkOutputs, news as unknown as PodNetworkInputs);
    const before = inputsFromOutputs(olds as unknown as PodNetworkOutputs) as unknown as Props;
    // Drift is a reason of its own; it shows as the record changing.
    const changed = Object.keys(d.reasons).filter((k) => k !== "drift");
    if (d.reasons.drift) changed.push("applied");
    return detailedDiff(before, news, changed, d.replaces, true);
  }

  async read(id: string, outs: Props | undefined, ctx: StepContext) {
    if (!outs || Object.keys(outs).length === 0) {
      const adopted = () => this.dynamic.importPortGroup(id, ctx.urn);
      const { inputs, outs: read, warning } = await this.step("import", ctx, adopted);
      if (warning) ctx.log(warning);
      return { id, outs: read as unknown as Props, inputs: inputs as Props };
    }
    const r = await this.step("read", ctx, () => this.dynamic.read(id, outs as never));
    return { id, outs: r.props as Props };
  }
}
