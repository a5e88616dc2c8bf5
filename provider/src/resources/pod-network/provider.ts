import type * as pulumi from "@pulumi/pulumi";
import { targetName } from "../../execution/guest-target";
import { resourceError } from "../shared/errors";
import { configureRuntime, sharedRuntime } from "../shared/runtime";
import { checkInputs } from "../shared/validate";
import { type ProviderConfig, resolveVsphereConnection } from "../shared/vsphere-connection";
import { type PodNetworkInputs, type PodNetworkOutputs, podNetworkInputsSchema } from "./args";
import { diffPodNetwork } from "./diff";
import { createNetwork, deleteNetwork, type LifecycleDeps, readNetworkOutputs, updateNetwork } from "./lifecycle";

/**
 * The PodNetwork dynamic provider: CRUD only; the work happens in
 * vsphere/ (port groups, NICs) and execution/network (the guest). check and
 * diff are pure: nothing touches vSphere or a guest during preview.
 */
export class PodNetworkProvider implements pulumi.dynamic.ResourceProvider<PodNetworkInputs, PodNetworkOutputs> {
  #config: ProviderConfig = {};
  readonly #runtime = sharedRuntime();

  get #deps(): LifecycleDeps {
    return {
      runtime: this.#runtime,
      config: this.#config,
      vsphere: (inputs, fn) => this.#runtime.vsphere(resolveVsphereConnection(inputs.connection, this.#config), fn),
    };
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#config = configureRuntime(this.#runtime, req.config);
  }

  async check(_olds: PodNetworkInputs, news: PodNetworkInputs): Promise<pulumi.dynamic.CheckResult<PodNetworkInputs>> {
    return { inputs: news, failures: checkInputs(podNetworkInputsSchema, news) };
  }

  async diff(_id: string, olds: PodNetworkOutputs, news: PodNetworkInputs): Promise<pulumi.dynamic.DiffResult> {
    const d = diffPodNetwork(olds, news);
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: true };
  }

  async create(inputs: PodNetworkInputs): Promise<pulumi.dynamic.CreateResult<PodNetworkOutputs>> {
    const outs = await this.#run("create", inputs, () => createNetwork(this.#deps, inputs));
    return { id: networkId(inputs), outs };
  }

  async read(id: string, props?: PodNetworkOutputs): Promise<pulumi.dynamic.ReadResult<PodNetworkOutputs>> {
    if (!props) return {};
    return { id, props: await this.#run("refresh", props, () => readNetworkOutputs(this.#deps, props)) };
  }

  async update(
    _id: string,
    olds: PodNetworkOutputs,
    news: PodNetworkInputs,
  ): Promise<pulumi.dynamic.UpdateResult<PodNetworkOutputs>> {
    return { outs: await this.#run("update", news, () => updateNetwork(this.#deps, olds, news)) };
  }

  async delete(_id: string, props: PodNetworkOutputs): Promise<void> {
    await this.#run("delete", props, () => deleteNetwork(this.#deps, props));
  }

  /** Releases sessions and guest connections (tests; Pulumi ends the process itself). */
  async close(): Promise<void> {
    await Promise.all([this.#runtime.connections.closeAll(), this.#runtime.sessions.closeAll()]);
  }

  async #run<T>(action: string, inputs: PodNetworkInputs, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw resourceError(`PodNetwork ${subject(inputs)}`.trim(), action, error);
    }
  }
}

/** What the error line names: the guest, else the port group. */
function subject(i: PodNetworkInputs): string {
  if (i.target) return `on ${targetName(i.target)}`;
  return i.portGroup ? `for port group ${i.portGroup.name}` : "";
}

/** A readable, stable id: what it configures. */
function networkId(i: PodNetworkInputs): string {
  const guest = i.target ? (i.target.container ?? i.target.vmId ?? i.target.host ?? "guest") : "";
  return ["net", i.vm, i.portGroup?.name, guest].filter(Boolean).join(":");
}
