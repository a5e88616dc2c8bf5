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
import { withDeadline } from "./deadline";
import { detailedDiff } from "./detailed-diff";
import { type Props, type ResourceHandler, type StepContext, withoutUrn } from "./handler";
import { reveal } from "./wire";

/** Where a VM was cloned from and placed: vSphere cannot tell for an adopted VM, so the program's values are taken. */
const PLACEMENT = ["template", "datacenter", "folder", "cluster", "host", "resourcePool", "datastore"] as const;

export class PodVmHandler implements ResourceHandler {
  readonly #dynamic = new PodVmProvider();

  constructor(readonly config: ConfigSource) {}

  async configure(): Promise<void> {
    await this.#dynamic.configure({ config: this.config } as never);
  }

  plainInputs = (wire: Props) => reveal(wire) as Props;
  secretOutputs = () => [...POD_VM_SECRET_OUTPUTS];

  async check(news: Props) {
    return (await this.#dynamic.check({} as never, news as never)).failures ?? [];
  }

  diff(olds: Props, news: Props) {
    const before = { ...olds } as Record<string, unknown>;
    // An imported VM's state has no template (it is required for every VM pod cloned): adopt the program's placement.
    if (before.template === undefined) for (const key of PLACEMENT) before[key] ??= news[key];
    const d = diffPodVm(before as PodVmOutputs, news as unknown as PodVmInputs);
    return detailedDiff(before, news, Object.keys(d.reasons), d.replaces, d.deleteBeforeReplace);
  }

  async create(inputs: Props, ctx: StepContext) {
    const work = () => this.#dynamic.create({ ...inputs, pulumiUrn: ctx.urn } as never);
    const { id, outs } = await withDeadline("PodVm create", ctx.timeoutMs, ctx.signal, work);
    return { id, outs: withoutUrn(outs) };
  }

  async read(id: string, outs: Props | undefined, ctx: StepContext) {
    if (outs && Object.keys(outs).length > 0) {
      const r = await withDeadline("PodVm read", ctx.timeoutMs, ctx.signal, () =>
        this.#dynamic.read(id, outs as never),
      );
      return r.id ? { id: r.id, outs: r.props as Props } : undefined;
    }
    return withDeadline("PodVm import", ctx.timeoutMs, ctx.signal, () => this.#adopt(id));
  }

  async update(id: string, olds: Props, news: Props, ctx: StepContext) {
    const work = () => this.#dynamic.update(id, olds as never, { ...news, pulumiUrn: ctx.urn } as never);
    return withoutUrn((await withDeadline("PodVm update", ctx.timeoutMs, ctx.signal, work)).outs);
  }

  async delete(id: string, outs: Props, ctx: StepContext) {
    await withDeadline("PodVm delete", ctx.timeoutMs, ctx.signal, () => this.#dynamic.delete(id, outs as never));
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
