/**
 * PodVm in the plugin: the dynamic provider's CRUD, the resource's own diff
 * with its reasons as the detailed diff, and what only a plugin has: read
 * for import and `PodVm.get` (state holds nothing yet: the VM is read by its
 * moid through the provider's vSphere connection).
 */
import { toPodError } from "../common/errors";
import { POD_VM_SECRET_OUTPUTS, type PodVmInputs, type PodVmOutputs } from "../resources/pod-vm/args";
import { diffPodVm } from "../resources/pod-vm/diff";
import { vsphereFacts } from "../resources/pod-vm/guest-probe";
import { PodVmProvider } from "../resources/pod-vm/provider";
import { toOutputs } from "../resources/pod-vm/state";
import { resourceError } from "../resources/shared/errors";
import { sharedRuntime } from "../resources/shared/runtime";
import { readProviderConfig, resolveVsphereConnection } from "../resources/shared/vsphere-connection";
import { VsphereInfra } from "../vsphere/vsphere-infra";
import type { ConfigSource } from "./config";
import { detailedDiff } from "./detailed-diff";
import { DynamicHandler } from "./dynamic-handler";
import type { Props, StepContext } from "./handler";

/** Where a VM was cloned from and placed: vSphere cannot tell for an adopted VM, so the program's values are taken. */
const PLACEMENT = ["template", "datacenter", "folder", "cluster", "host", "resourcePool", "datastore"] as const;

export class PodVmHandler extends DynamicHandler<PodVmProvider> {
  constructor(config: ConfigSource) {
    super("PodVm", new PodVmProvider(), config);
  }

  secretOutputs = () => [...POD_VM_SECRET_OUTPUTS];

  diff(olds: Props, news: Props) {
    const before = { ...olds } as Record<string, unknown>;
    // An imported VM's state has no template (it is required for every VM pod cloned): adopt the program's placement.
    if (before.template === undefined) for (const key of PLACEMENT) before[key] ??= news[key];
    const d = diffPodVm(before as PodVmOutputs, news as unknown as PodVmInputs);
    return detailedDiff(before, news, Object.keys(d.reasons), d.replaces, d.deleteBeforeReplace);
  }

  async read(id: string, outs: Props | undefined, ctx: StepContext) {
    if (outs && Object.keys(outs).length > 0) {
      const r = await this.step("read", ctx, () => this.dynamic.read(id, outs as never));
      return r.id ? { id: r.id, outs: r.props as Props } : undefined;
    }
    return this.step("import", ctx, () => this.#adopt(id));
  }

  /** An existing VM as pod would have made it: the inputs vSphere can tell (name, size, power), and its outputs. */
  async #adopt(id: string) {
    const runtime = sharedRuntime();
    try {
      const connection = resolveVsphereConnection(undefined, readProviderConfig(this.config));
      const state = await runtime.vsphere(connection, (session) => new VsphereInfra(session).getVm(id));
      if (!state) return undefined;
      const inputs: PodVmInputs = {
        name: state.name,
        numCpus: state.numCpus,
        memoryMb: state.memoryMb,
        powerState: state.powerState === "poweredOff" ? "off" : "on",
      } as PodVmInputs;
      return { id, outs: toOutputs(inputs, state, vsphereFacts(state)) as unknown as Props, inputs: inputs as Props };
    } catch (error) {
      throw resourceError(`PodVm ${id}`, "import", toPodError(error));
    }
  }
}
