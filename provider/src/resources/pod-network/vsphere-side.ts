/**
 * PodNetwork's vSphere half: make the port group exist with its VLAN, put
 * the VM's NIC on it, and undo exactly that (NIC back to its earlier
 * network, the port group removed only when pod created it). Each of those
 * changes leaves one audit record (portgroup.added, nic.moved, portgroup.removed).
 */
import { PodError } from "../../common/errors";
import { type ChangeTracker, untracked } from "../../observability/change-tracker";
import { listPortGroups, pickPortGroup } from "../../vsphere/networks";
import { type Datacenter, resolveDatacenter } from "../../vsphere/placement";
import type { VsphereSession } from "../../vsphere/session";
import { readVm } from "../../vsphere/vm-info";
import { reconfigureVm } from "../../vsphere/vm-ops";
import type { PodNetworkInputs } from "./args";
import { ensurePortGroup, removePortGroup } from "./portgroup-side";

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

const TASK_MS = 600_000;
const vmRef = (moid: string) => ({ type: "VirtualMachine", value: moid });

type NicMove = { session: VsphereSession; dc: Datacenter; moid: string; nic: number | string; network: string };

/** One audit record per NIC move: the VM, which NIC, from where to where. */
function moveNic(move: NicMove, changes: ChangeTracker) {
  return changes.track(
    "nic.moved",
    move.moid,
    () => putNicOn(move),
    (m) => ({
      result: m.previous === move.network ? "unchanged" : "ok",
      details: { nic: move.nic, mac: m.mac, from: m.previous, to: move.network },
    }),
  );
}

/** Puts NIC `nic` (index or MAC) of the VM on `network`; returns its MAC and the network it was on. */
async function putNicOn({ session, dc, moid, nic, network }: NicMove) {
  const vm = await readVm(session, vmRef(moid));
  if (!vm)
    throw new PodError("NOT_FOUND", `VM ${moid} does not exist.`, { fix: "Check the vm input (a PodVm's moid)." });
  const index =
    typeof nic === "number"
      ? nic
      : vm.nics.findIndex((n) => n.mac.toLowerCase() === nic.toLowerCase().replace(/-/g, ":"));
  const current = vm.nics[index];
  if (!current) {
    throw new PodError("NOT_FOUND", `VM ${vm.name} has no NIC ${nic}.`, {
      fix: `Use an index below ${vm.nics.length} or one of: ${vm.nics.map((n) => n.mac).join(", ") || "(no NICs)"}.`,
    });
  }
  const all = await listPortGroups(session, dc.networkFolder);
  const wanted = vm.nics.map((n, i) => ({
    portGroup:
      i === index ? pickPortGroup(all, { network }) : { name: n.network, ref: vmRef(moid), kind: "standard" as const },
  }));
  await reconfigureVm(session, vm, { nics: wanted }, TASK_MS);
  // Read the MAC back: a NIC can get a new one when its backing changes (vcsim's container-backed VMs do).
  const after = await readVm(session, vmRef(moid));
  return { mac: after?.nics[index]?.mac ?? current.mac, previous: current.network };
}

/** Applies the vSphere half of `inputs`, undoing what `old` did that `inputs` no longer wants. */
export async function applyVsphereSide(
  session: VsphereSession,
  inputs: PodNetworkInputs,
  old: { inputs?: PodNetworkInputs; state: VsphereSideState },
  changes: ChangeTracker = untracked,
): Promise<VsphereSideState> {
  const dc = await resolveDatacenter(session, inputs.datacenter);
  const pg = inputs.portGroup;
  const samePg = old.inputs?.portGroup?.name === pg?.name && old.state.portGroupName !== "";
  const ensured = pg ? await ensurePortGroup(session, dc, pg, changes) : { created: false, hosts: [] };
  const state: VsphereSideState = {
    ...NO_VSPHERE_SIDE,
    ...(pg
      ? {
          portGroupName: pg.name,
          portGroupCreated: samePg ? old.state.portGroupCreated || ensured.created : ensured.created,
          portGroupHosts: samePg ? [...new Set([...old.state.portGroupHosts, ...ensured.hosts])] : ensured.hosts,
        }
      : {}),
  };
  const sameNic = old.inputs?.vm === inputs.vm && old.inputs?.nic === inputs.nic && old.state.nicMac !== "";
  if (old.state.nicMac && old.inputs?.vm && !sameNic) {
    await restoreNic(session, dc, old.inputs.vm, old.state, old.inputs.nic, changes);
  }
  if (pg && inputs.vm && inputs.nic !== undefined) {
    const moved = await moveNic({ session, dc, moid: inputs.vm, nic: inputs.nic, network: pg.name }, changes);
    state.nicMac = moved.mac;
    state.nicPreviousNetwork = sameNic ? old.state.nicPreviousNetwork : moved.previous;
  }
  if (old.inputs?.portGroup && old.state.portGroupCreated && !samePg) {
    await removePortGroup(session, dc, old.inputs.portGroup, old.state.portGroupHosts, changes);
  }
  return state;
}

async function restoreNic(
  session: VsphereSession,
  dc: Datacenter,
  moid: string,
  state: VsphereSideState,
  nic: number | string | undefined,
  changes: ChangeTracker,
) {
  if (!state.nicPreviousNetwork) return;
  const vm = await readVm(session, vmRef(moid));
  if (!vm) return; // the VM is gone: nothing to put back
  const byMac = vm.nics.findIndex((n) => n.mac === state.nicMac);
  // By MAC first; by the declared index when the MAC changed, if that NIC is still on pod's port group.
  const index =
    byMac >= 0 ? byMac : typeof nic === "number" && vm.nics[nic]?.network === state.portGroupName ? nic : -1;
  if (index >= 0) await moveNic({ session, dc, moid, nic: index, network: state.nicPreviousNetwork }, changes);
}

/** Undoes the vSphere half: the NIC back on its earlier network, then the port group if pod created it. */
export async function removeVsphereSide(
  session: VsphereSession,
  inputs: PodNetworkInputs,
  state: VsphereSideState,
  changes: ChangeTracker = untracked,
) {
  const dc = await resolveDatacenter(session, inputs.datacenter);
  if (inputs.vm && state.nicMac) await restoreNic(session, dc, inputs.vm, state, inputs.nic, changes);
  if (inputs.portGroup && state.portGroupCreated) {
    await removePortGroup(session, dc, inputs.portGroup, state.portGroupHosts, changes);
  }
}

/**
 * What refresh and delete ask vSphere, from one read of the declared VM: its
 * power state ("gone" when it no longer exists) and, when pod moved a NIC,
 * where that NIC is now as drift lines.
 */
export async function vmSide(session: VsphereSession, vmId: string, state: VsphereSideState) {
  const vm = await readVm(session, vmRef(vmId));
  if (!vm) return { power: "gone", drift: state.nicMac ? [`VM ${vmId} no longer exists`] : [] };
  const nic = vm.nics.find((n) => n.mac === state.nicMac);
  const drift = !state.nicMac
    ? []
    : !nic
      ? [`NIC ${state.nicMac} is gone from ${vm.name}`]
      : nic.network === state.portGroupName
        ? []
        : [`NIC ${state.nicMac} is on ${nic.network}, not ${state.portGroupName}`];
  return { power: vm.powerState as string, drift };
}
