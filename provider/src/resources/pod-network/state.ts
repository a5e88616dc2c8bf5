import type { NetworkDeclaration, NetworkRecord } from "../../execution/network/declaration";
import { NO_GUEST_SIDE, NO_VSPHERE_SIDE } from "../../execution/network/declaration";
import { urnOf } from "../shared/audit";
import type { PodNetworkInputs, PodNetworkOutputs } from "./args";

/**
 * Outputs = the inputs (credentials included: refresh and delete only get
 * outputs; the resource marks them secret) + the engine's record of what pod
 * did and read back.
 */
export function toOutputs(inputs: PodNetworkInputs, record: NetworkRecord): PodNetworkOutputs {
  return { ...inputs, ...record };
}

const RECORD_KEYS = Object.keys({ ...NO_VSPHERE_SIDE, ...NO_GUEST_SIDE });

/** The engine's record in the outputs (defaults for state written before a field existed). */
export function recordOf(outs: PodNetworkOutputs): NetworkRecord {
  const record = { ...NO_VSPHERE_SIDE, ...NO_GUEST_SIDE } as Record<string, unknown>;
  for (const key of RECORD_KEYS) {
    const value = (outs as unknown as Record<string, unknown>)[key];
    if (value !== undefined) record[key] = value;
  }
  return record as unknown as NetworkRecord;
}

/** The inputs an output set was made from. */
export function inputsFromOutputs(outs: PodNetworkOutputs): PodNetworkInputs {
  return Object.fromEntries(Object.entries(outs).filter(([k]) => !RECORD_KEYS.includes(k))) as PodNetworkInputs;
}

/** The inputs as the engine's declaration (the Pulumi-only fields dropped). */
export function declarationOf(inputs: PodNetworkInputs): NetworkDeclaration {
  const { connection: _c, ...rest } = inputs;
  const owner = urnOf(inputs); // the port group's owner across stacks (vsphere/ownership.ts)
  return { ...rest, ...(owner ? { owner } : {}) } as NetworkDeclaration;
}
