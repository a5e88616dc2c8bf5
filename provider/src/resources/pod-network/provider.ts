import type * as pulumi from "@pulumi/pulumi";
import { PodError } from "../../common/errors";
import { targetName } from "../../execution/guest-target";
import { withGuestTarget } from "../../execution/network/guest-handle";
import {
  createNetwork,
  deleteNetwork,
  type NetworkContext,
  refreshNetwork,
  updateNetwork,
} from "../../execution/network/lifecycle";
import { urnOf } from "../shared/audit";
import { isGuestUnreachable, resourceError } from "../shared/errors";
import { guestTargetFailures, withGuestDefaults } from "../shared/guest-defaults";
import { configureRuntime, sharedRuntime } from "../shared/runtime";
import { checkInputs } from "../shared/validate";
import { type ProviderConfig, resolveVsphereConnectionAtUse } from "../shared/vsphere-connection";
import { type PodNetworkInputs, type PodNetworkOutputs, podNetworkInputsSchema } from "./args";
import { diffPodNetwork } from "./diff";
import { type ImportedNetwork, importNetwork } from "./import";
import { declarationOf, inputsFromOutputs, recordOf, toOutputs } from "./state";

/**
 * The PodNetwork dynamic provider: CRUD only, over the engine's network
 * lifecycle (execution/network/lifecycle.ts; port groups and NICs in
 * vsphere/). Here: inputs to the engine's declaration and its record to
 * outputs, credentials from stack config, errors as one line. check and diff
 * are pure: nothing touches vSphere or a guest during preview.
 */
export class PodNetworkProvider implements pulumi.dynamic.ResourceProvider<PodNetworkInputs, PodNetworkOutputs> {
  #config: ProviderConfig = {};
  readonly #runtime = sharedRuntime();

  /** The engine's context for one step: vSphere and the guest reached with these inputs' credentials. */
  #context(inputs: PodNetworkInputs): NetworkContext {
    const runtime = this.#runtime;
    const vsphere = () => resolveVsphereConnectionAtUse(inputs.connection, this.#config);
    return {
      runtime,
      changes: runtime.tracker(urnOf(inputs)),
      vsphere: async (fn) => runtime.vsphere(await vsphere(), fn),
      guest: async (decl, reachedAt, fn) => {
        if (!inputs.target)
          throw new PodError("INVALID_INPUT", "Guest interfaces need a target.", { fix: "Set target." });
        const target = await withGuestDefaults(inputs.target, this.#config);
        if (target.transport !== "guestops") return withGuestTarget(runtime, target, undefined, reachedAt, fn);
        const full = { ...target, vmId: target.vmId ?? decl.vm };
        const connection = await resolveVsphereConnectionAtUse(target.vsphere ?? inputs.connection, this.#config);
        return withGuestTarget(runtime, full, connection, reachedAt, fn);
      },
      isUnreachable: isGuestUnreachable,
    };
  }

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#config = configureRuntime(this.#runtime, req.config);
  }

  async check(_olds: PodNetworkInputs, news: PodNetworkInputs): Promise<pulumi.dynamic.CheckResult<PodNetworkInputs>> {
    // Inputs are returned as given: credentials the chain fills in stay out of state.
    const failures = checkInputs(podNetworkInputsSchema, news);
    return { inputs: news, failures: [...failures, ...guestTargetFailures(news.target, this.#config)] };
  }

  async diff(_id: string, olds: PodNetworkOutputs, news: PodNetworkInputs): Promise<pulumi.dynamic.DiffResult> {
    const d = diffPodNetwork(olds, news);
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: true };
  }

  async create(inputs: PodNetworkInputs): Promise<pulumi.dynamic.CreateResult<PodNetworkOutputs>> {
    const outs = await this.#run("create", inputs, async () =>
      toOutputs(inputs, await createNetwork(this.#context(inputs), declarationOf(inputs))),
    );
    return { id: networkId(inputs), outs };
  }

  async read(id: string, props?: PodNetworkOutputs): Promise<pulumi.dynamic.ReadResult<PodNetworkOutputs>> {
    if (!props) return {};
    const inputs = inputsFromOutputs(props);
    const refresh = async () =>
      toOutputs(inputs, await refreshNetwork(this.#context(inputs), declarationOf(inputs), recordOf(props)));
    return { id, props: await this.#run("refresh", props, refresh) };
  }

  /** Import and `get` (plugin only: a dynamic provider's read always has state): a port group in vSphere, adopted. */
  async importPortGroup(id: string, urn: string): Promise<ImportedNetwork> {
    const connection = await resolveVsphereConnectionAtUse(undefined, this.#config);
    return this.#run("import", {} as PodNetworkInputs, () => importNetwork(this.#runtime, connection, id, urn));
  }

  async update(
    _id: string,
    olds: PodNetworkOutputs,
    news: PodNetworkInputs,
  ): Promise<pulumi.dynamic.UpdateResult<PodNetworkOutputs>> {
    const before = declarationOf(inputsFromOutputs(olds));
    const update = async () =>
      toOutputs(news, await updateNetwork(this.#context(news), before, recordOf(olds), declarationOf(news)));
    return { outs: await this.#run("update", news, update) };
  }

  async delete(_id: string, props: PodNetworkOutputs): Promise<void> {
    const inputs = inputsFromOutputs(props);
    await this.#run("delete", props, () =>
      deleteNetwork(this.#context(inputs), declarationOf(inputs), recordOf(props)),
    );
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
