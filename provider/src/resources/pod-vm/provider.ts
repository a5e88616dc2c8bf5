import type * as pulumi from "@pulumi/pulumi";
import { withStepSignal } from "../../common/cancel";
import { toPodError } from "../../common/errors";
import type { VmState } from "../../infra/types";
import type { ChangeOutcome } from "../../observability/change-tracker";
import { RestClient } from "../../vsphere/rest/client";
import type { VsphereConnectOptions } from "../../vsphere/session";
import { VsphereInfra } from "../../vsphere/vsphere-infra";
import { urnOf } from "../shared/audit";
import { resourceError } from "../shared/errors";
import { configureRuntime, sharedRuntime } from "../shared/runtime";
import { checkInputs } from "../shared/validate";
import { type ProviderConfig, resolveVsphereConnectionAtUse } from "../shared/vsphere-connection";
import { type PodVmInputs, type PodVmOutputs, podVmInputsSchema } from "./args";
import { diffPodVm, updateAction } from "./diff";
import { type GuestFacts, guestFailures, probeGuest, vsphereFacts } from "./guest-probe";
import { inputsFromOutputs, toOutputs, toVmSpec } from "./state";

/** The PodVm dynamic provider: CRUD only; the work happens in vsphere/. */
export class PodVmProvider implements pulumi.dynamic.ResourceProvider<PodVmInputs, PodVmOutputs> {
  #config: ProviderConfig = {};
  readonly #runtime = sharedRuntime();

  async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.#config = configureRuntime(this.#runtime, req.config);
  }

  async check(_olds: PodVmInputs, news: PodVmInputs): Promise<pulumi.dynamic.CheckResult<PodVmInputs>> {
    // A guest login that no source names fails here, before a VM is cloned (inputs are returned as given).
    const failures = [...checkInputs(podVmInputsSchema, news), ...guestFailures(news.guest, this.#config)];
    return { inputs: news, failures };
  }

  async diff(_id: string, olds: PodVmOutputs, news: PodVmInputs): Promise<pulumi.dynamic.DiffResult> {
    const d = diffPodVm(olds, news);
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.deleteBeforeReplace };
  }

  async create(inputs: PodVmInputs): Promise<pulumi.dynamic.CreateResult<PodVmOutputs>> {
    const created = (o: PodVmOutputs) => ({
      details: { moid: o.moid, template: inputs.template, numCpus: o.observedNumCpus, memoryMb: o.observedMemoryMb },
    });
    const outs = await this.#change(inputs, "vm.created", "create", created, async (infra, vsphere) => {
      const state = await infra.createVm(toVmSpec(inputs));
      try {
        return toOutputs(inputs, state, await this.#facts(vsphere, inputs, state));
      } catch (error) {
        // Still transactional: a VM whose guest cannot be probed is not kept.
        // (outside the step's signal: a cancelled step still finishes the undo)
        await withStepSignal(undefined, () => infra.deleteVm(state.id, { shutdownTimeoutMs: 5_000 })).catch(
          () => undefined,
        );
        throw error;
      }
    });
    return { id: outs.moid, outs };
  }

  async read(id: string, props?: PodVmOutputs): Promise<pulumi.dynamic.ReadResult<PodVmOutputs>> {
    if (!props) return {};
    const inputs = inputsFromOutputs(props);
    const state = await this.#withInfra(inputs, `PodVm ${props.name}`, "refresh", (infra) => infra.getVm(id));
    // Gone outside pod: an empty id tells Pulumi the resource no longer exists.
    if (!state) return {};
    // Inputs stay as they were (the desired state, secrets included); only
    // the observed outputs change, so the next `up` repairs drift. The guest
    // is not probed again on refresh: the OS and host keys found at create stay.
    const facts = { os: props.os ?? vsphereFacts(state).os, sshHostKeys: props.sshHostKeys ?? [] };
    // Tags are read over REST only when pod changes them; refresh keeps the last ones seen.
    return { id, props: toOutputs(inputs, { ...state, tags: state.tags ?? props.observedTags ?? [] }, facts) };
  }

  async update(id: string, olds: PodVmOutputs, news: PodVmInputs): Promise<pulumi.dynamic.UpdateResult<PodVmOutputs>> {
    const { action, changed } = updateAction(olds, news);
    const details = { moid: id, changed, power: news.powerState ?? "on" };
    const outs = await this.#change(
      news,
      action,
      "update",
      () => ({ details }),
      async (infra, vsphere) => {
        const state = await infra.updateVm(id, toVmSpec(news), toVmSpec(inputsFromOutputs(olds)));
        return toOutputs(news, state, await this.#facts(vsphere, news, state));
      },
    );
    return { outs };
  }

  async delete(id: string, props: PodVmOutputs): Promise<void> {
    const timeout = (props.shutdownTimeoutSeconds ?? 30) * 1000;
    await this.#change(
      props,
      "vm.deleted",
      "delete",
      () => ({ details: { moid: id } }),
      (infra) => infra.deleteVm(id, { shutdownTimeoutMs: timeout, owner: urnOf(props) }),
    );
  }

  /** A vSphere change with one audit record, correlated by the resource's URN. */
  #change<T>(
    inputs: PodVmInputs,
    action: string,
    step: string,
    outcome: (value: T) => ChangeOutcome,
    fn: (infra: VsphereInfra, connection: VsphereConnectOptions) => Promise<T>,
  ): Promise<T> {
    const work = () => this.#withInfra(inputs, `PodVm ${inputs.name}`, step, fn);
    return this.#runtime.tracker(urnOf(inputs)).track(action, inputs.name, work, outcome);
  }

  /** The OS from vSphere guest info, refined by a guest probe when guest credentials are given and the VM runs. */
  async #facts(vsphere: VsphereConnectOptions, inputs: PodVmInputs, state: VmState): Promise<GuestFacts> {
    if (!inputs.guest || state.powerState !== "poweredOn") return vsphereFacts(state);
    return probeGuest(this.#runtime, vsphere, state, inputs.guest, this.#config);
  }

  async #withInfra<T>(
    inputs: Pick<PodVmInputs, "connection">,
    resource: string,
    action: string,
    fn: (infra: VsphereInfra, connection: VsphereConnectOptions) => Promise<T>,
  ): Promise<T> {
    try {
      const connection = await resolveVsphereConnectionAtUse(inputs.connection, this.#config);
      const rest = () => RestClient.connect(connection);
      return await this.#runtime.vsphere(connection, (session) => fn(new VsphereInfra(session, rest), connection));
    } catch (error) {
      throw resourceError(resource, action, toPodError(error));
    }
  }
}
