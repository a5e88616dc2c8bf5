import type { NetworkApplyResult } from "../../execution/network/apply";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";
import { NO_VSPHERE_SIDE, type VsphereSideState } from "./vsphere-side";

/** What the guest half leaves in state. */
export type GuestSideState = Pick<
  PodNetworkOutputs,
  "os" | "persistence" | "runtimeOnly" | "note" | "applied" | "recorded" | "drift" | "reachedAt"
>;

export const NO_GUEST_SIDE: GuestSideState = {
  os: "",
  persistence: "none",
  runtimeOnly: false,
  note: "",
  applied: [],
  recorded: [],
  drift: [],
  reachedAt: "",
};

export function guestSide(result: NetworkApplyResult, recorded = result.recorded, reachedAt = ""): GuestSideState {
  return {
    os: result.os.type,
    persistence: result.persistence.backend,
    runtimeOnly: result.persistence.runtimeOnly,
    note: result.persistence.note,
    applied: result.applied,
    recorded,
    drift: [],
    reachedAt: result.reachedAt ?? reachedAt,
  };
}

/**
 * Outputs = the inputs (credentials included: refresh and delete only get
 * outputs; the resource marks them secret) + what pod did and read back.
 */
export function toOutputs(
  inputs: PodNetworkInputs,
  vsphere: VsphereSideState,
  guest: GuestSideState,
): PodNetworkOutputs {
  return { ...inputs, ...vsphere, ...guest };
}

export function vsphereSideOf(outs: PodNetworkOutputs): VsphereSideState {
  const { portGroupName, portGroupCreated, portGroupHosts, nicMac, nicPreviousNetwork } = {
    ...NO_VSPHERE_SIDE,
    ...outs,
  };
  return { portGroupName, portGroupCreated, portGroupHosts, nicMac, nicPreviousNetwork };
}

export function guestSideOf(outs: PodNetworkOutputs): GuestSideState {
  const { os, persistence, runtimeOnly, note, applied, recorded, drift, reachedAt } = { ...NO_GUEST_SIDE, ...outs };
  return { os, persistence, runtimeOnly, note, applied, recorded, drift, reachedAt };
}

const OUTPUT_KEYS = [
  "portGroupName",
  "portGroupCreated",
  "portGroupHosts",
  "nicMac",
  "nicPreviousNetwork",
  "os",
  "persistence",
  "runtimeOnly",
  "note",
  "applied",
  "recorded",
  "drift",
  "reachedAt",
];

/** The inputs an output set was made from. */
export function inputsFromOutputs(outs: PodNetworkOutputs): PodNetworkInputs {
  return Object.fromEntries(Object.entries(outs).filter(([k]) => !OUTPUT_KEYS.includes(k))) as PodNetworkInputs;
}
