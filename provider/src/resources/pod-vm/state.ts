import type { VmSpec, VmState } from "../../infra/types";
import { urnOf } from "../shared/audit";
import type { PodVmInputs, PodVmOutputs } from "./args";
import type { GuestFacts } from "./guest-probe";

/** Inputs → what the infrastructure provider needs, with the documented defaults. */
export function toVmSpec(inputs: PodVmInputs): VmSpec {
  const { numCpus, memoryMb, nics, extraConfig, datacenter, folder, cluster, host, resourcePool, datastore } = inputs;
  const { disks, linkedClone, snapshot, tags, createTags, customAttributes, customization } = inputs;
  return {
    name: inputs.name,
    template: inputs.template,
    ...defined({ datacenter, folder, cluster, host, resourcePool, datastore, numCpus, memoryMb, nics, extraConfig }),
    ...defined({ disks, linkedClone, snapshot, tags, createTags, customAttributes, customization }),
    power: inputs.powerState ?? "on",
    waitForIpTimeoutMs: (inputs.waitForIpTimeoutSeconds ?? 120) * 1000,
    ...(inputs.waitForGuestNetRoutable ? { waitForGuestNetRoutable: true } : {}),
    shutdownTimeoutMs: (inputs.shutdownTimeoutSeconds ?? 30) * 1000,
    taskTimeoutMs: (inputs.taskTimeoutSeconds ?? 600) * 1000,
    ...defined({ owner: urnOf(inputs) }), // the VM's owner across stacks (vsphere/ownership.ts)
  };
}

/**
 * Outputs = the inputs + what vSphere reports now. The connection and guest
 * inputs (with their passwords) stay in outputs because refresh and delete
 * only get outputs; the resource marks them secret, so state holds them
 * encrypted.
 */
export function toOutputs(inputs: PodVmInputs, state: VmState, facts: GuestFacts): PodVmOutputs {
  return {
    ...inputs,
    moid: state.id,
    instanceUuid: state.instanceUuid,
    observedPowerState: state.powerState,
    observedNumCpus: state.numCpus,
    observedMemoryMb: state.memoryMb,
    observedNics: state.nics.map((n) => ({ mac: n.mac, network: n.network, connected: n.connected })),
    observedExtraConfig: pickKeys(state.extraConfig, Object.keys(inputs.extraConfig ?? {})),
    observedDisks: state.disks,
    observedTags: state.tags ?? [],
    observedCustomAttributes: pickKeys(state.customAttributes, Object.keys(inputs.customAttributes ?? {})),
    ipAddress: state.primaryIp ?? "",
    ipAddresses: state.ipAddresses,
    macAddresses: state.nics.map((n) => n.mac),
    os: facts.os,
    sshHostKeys: facts.sshHostKeys,
  };
}

/** The inputs an output set was made from (for `read` and for diffs against desired state). */
export function inputsFromOutputs(outs: PodVmOutputs): PodVmInputs {
  const {
    moid: _m,
    instanceUuid: _i,
    observedPowerState: _p,
    observedNumCpus: _c,
    observedMemoryMb: _mem,
    observedNics: _n,
    observedExtraConfig: _e,
    observedDisks: _d,
    observedTags: _t,
    observedCustomAttributes: _ca,
    ipAddress: _ip,
    ipAddresses: _ips,
    macAddresses: _macs,
    os: _os,
    sshHostKeys: _keys,
    ...inputs
  } = outs;
  return inputs as PodVmInputs;
}

function pickKeys(record: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k] ?? ""]));
}

function defined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never;
}
