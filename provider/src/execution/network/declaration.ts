/**
 * A network declaration as the engine takes it, from PodNetwork or from
 * PodClient.applyNetwork: the vSphere half (a port group with its VLAN, one
 * NIC of a VM on it) and the guest half (interfaces in the guest), and the
 * record of what pod did, which is what a later update, refresh or delete
 * works from.
 */
import type { RecordedInterface } from "../../network/record";
import type { AppliedInterface } from "../../network/verify";
import type { PortGroupSpec } from "../../vsphere/portgroup-ensure";
import type { GuestTarget } from "../guest-target";

export interface NetworkDeclaration {
  datacenter?: string | undefined;
  /** The VM's managed object id (vm-123). */
  vm?: string | undefined;
  /** The VM's NIC to put on the port group: index or MAC. */
  nic?: number | string | undefined;
  portGroup?: PortGroupSpec | undefined;
  /** How to reach the guest (for the guest half): a target, or a front-end's name for one ("docker:db"). */
  target?: GuestTarget | string | undefined;
  /** The guest interfaces (validated by the network engine before anything runs). */
  interfaces?: unknown;
  allowManagementChange?: boolean | undefined;
  confirmTimeoutSeconds?: number | undefined;
  persist?: boolean | undefined;
  /** Delete fails when the guest cannot be reached to restore it (default: left as it is). */
  strictDelete?: boolean | undefined;
  /** Who declares it (a Pulumi URN): a port group another stack owns is refused, never adopted or removed. */
  owner?: string | undefined;
}

/** What the vSphere half did. */
export interface VsphereSideState {
  portGroupName: string;
  portGroupCreated: boolean;
  portGroupHosts: string[];
  nicMac: string;
  nicPreviousNetwork: string;
}

export const NO_VSPHERE_SIDE: VsphereSideState = {
  portGroupName: "",
  portGroupCreated: false,
  portGroupHosts: [],
  nicMac: "",
  nicPreviousNetwork: "",
};

/** What the guest half did and read back (the applied view), and drift a refresh found. */
export interface GuestSideState {
  os: string;
  persistence: string;
  runtimeOnly: boolean;
  note: string;
  applied: AppliedInterface[];
  recorded: RecordedInterface[];
  drift: string[];
  reachedAt: string;
}

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

export type NetworkRecord = VsphereSideState & GuestSideState;

/** The declaration's run options for the network engine. */
export const runOptionsOf = (d: NetworkDeclaration) => ({
  ...(d.allowManagementChange ? { allowManagementChange: true } : {}),
  ...(d.confirmTimeoutSeconds ? { confirmTimeoutSeconds: d.confirmTimeoutSeconds } : {}),
  ...(d.persist === false ? { persist: false } : {}),
});
