/**
 * The vSphere half of a network declaration: make the port group exist with
 * its VLAN, put the VM's NIC on it, and undo exactly that (NIC back to its
 * earlier network, the port group removed only when pod created it). Each
 * change leaves one audit record: portgroup.added ("unchanged" when it was
 * there), nic.moved, portgroup.removed.
 */
import { type ChangeTracker, untracked } from "../../observability/change-tracker";
import { findOne } from "../../vsphere/finder";
import { movedNicIndex, moveNic, type NicMove } from "../../vsphere/nic-move";
import { ownedByOther, portGroupOwner, sameOwner, setPortGroupOwner } from "../../vsphere/ownership";
import { type Datacenter, resolveDatacenter } from "../../vsphere/placement";
import { ensurePortGroup, type PortGroupSpec, removePortGroup } from "../../vsphere/portgroup-ensure";
import type { VsphereSession } from "../../vsphere/session";
import { type NetworkDeclaration, NO_VSPHERE_SIDE, type VsphereSideState } from "./declaration";

function trackedMove(move: NicMove, changes: ChangeTracker) {
  return changes.track(
    "nic.moved",
    move.moid,
    () => moveNic(move),
    (m) => ({
      result: m.previous === move.network ? "unchanged" : "ok",
      details: { nic: move.nic, mac: m.mac, from: m.previous, to: move.network },
    }),
  );
}

function trackedEnsure(session: VsphereSession, dc: Datacenter, pg: PortGroupSpec, changes: ChangeTracker) {
  const details = (hosts: string[]) => ({ kind: pg.kind ?? "standard", vlan: pg.trunk ?? pg.vlanId ?? 0, hosts });
  return changes.track(
    "portgroup.added",
    pg.name,
    () => ensurePortGroup(session, dc, pg),
    (r) => ({ result: r.created ? "ok" : "unchanged", details: details(r.hosts) }),
  );
}

function trackedRemove(
  session: VsphereSession,
  dc: Datacenter,
  pg: PortGroupSpec,
  hosts: string[],
  changes: ChangeTracker,
) {
  const details = { kind: pg.kind ?? "standard", hosts };
  return changes.track(
    "portgroup.removed",
    pg.name,
    () => removePortGroup(session, dc, pg, hosts),
    () => ({ details }),
  );
}

/** The standard port group's Network, when it exists (ownership is recorded on it). */
async function standardNetwork(session: VsphereSession, dc: Datacenter, pg: PortGroupSpec) {
  if ((pg.kind ?? "standard") !== "standard") return undefined;
  return findOne(session, "Network", pg.name, { container: dc.networkFolder }).catch(() => undefined);
}

/** Another stack's port group: refused before anything changes. Returns the recorded owner. */
async function refuseOthers(session: VsphereSession, dc: Datacenter, pg: PortGroupSpec, owner: string) {
  const network = await standardNetwork(session, dc, pg);
  const recorded = network && (await portGroupOwner(session, network));
  if (recorded && !sameOwner(recorded, owner)) throw ownedByOther("Port group", pg.name, recorded);
  return recorded;
}

/** Applies the vSphere half of `decl`, undoing what `old` did that `decl` no longer wants. */
export async function applyVsphereSide(
  session: VsphereSession,
  decl: NetworkDeclaration,
  old: { decl?: NetworkDeclaration; state: VsphereSideState },
  changes: ChangeTracker = untracked,
): Promise<VsphereSideState> {
  const dc = await resolveDatacenter(session, decl.datacenter);
  const pg = decl.portGroup;
  const samePg = old.decl?.portGroup?.name === pg?.name && old.state.portGroupName !== "";
  const recorded = pg && decl.owner ? await refuseOthers(session, dc, pg, decl.owner) : undefined;
  const ensured = pg ? await trackedEnsure(session, dc, pg, changes) : { created: false, hosts: [] };
  if (pg && decl.owner && ensured.created && !recorded) {
    const network = await standardNetwork(session, dc, pg);
    if (network) await setPortGroupOwner(session, network, decl.owner);
  }
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
  const sameNic = old.decl?.vm === decl.vm && old.decl?.nic === decl.nic && old.state.nicMac !== "";
  if (old.state.nicMac && old.decl?.vm && !sameNic) {
    await restoreNic(session, dc, old.decl.vm, old.state, old.decl.nic, changes);
  }
  if (pg && decl.vm && decl.nic !== undefined) {
    const moved = await trackedMove({ session, dc, moid: decl.vm, nic: decl.nic, network: pg.name }, changes);
    state.nicMac = moved.mac;
    state.nicPreviousNetwork = sameNic ? old.state.nicPreviousNetwork : moved.previous;
  }
  if (old.decl?.portGroup && old.state.portGroupCreated && !samePg && (await ours(session, dc, old.decl))) {
    await trackedRemove(session, dc, old.decl.portGroup, old.state.portGroupHosts, changes);
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
  const index = await movedNicIndex(session, moid, { mac: state.nicMac, portGroup: state.portGroupName, nic });
  if (index >= 0) await trackedMove({ session, dc, moid, nic: index, network: state.nicPreviousNetwork }, changes);
}

/** Whether this declaration may remove its port group: no other stack's owner is recorded on it. */
async function ours(session: VsphereSession, dc: Datacenter, decl: NetworkDeclaration): Promise<boolean> {
  if (!decl.owner || !decl.portGroup) return true;
  const network = await standardNetwork(session, dc, decl.portGroup);
  const recorded = network && (await portGroupOwner(session, network));
  return !recorded || sameOwner(recorded, decl.owner);
}

/** Undoes the vSphere half: the NIC back on its earlier network, then the port group if pod created it. */
export async function removeVsphereSide(
  session: VsphereSession,
  decl: NetworkDeclaration,
  state: VsphereSideState,
  changes: ChangeTracker = untracked,
) {
  const dc = await resolveDatacenter(session, decl.datacenter);
  // The MAC may be unknown (a record from before it was kept); restoreNic then goes by the declared index.
  if (decl.vm && (state.nicMac || state.nicPreviousNetwork))
    await restoreNic(session, dc, decl.vm, state, decl.nic, changes);
  if (decl.portGroup && state.portGroupCreated && (await ours(session, dc, decl))) {
    await trackedRemove(session, dc, decl.portGroup, state.portGroupHosts, changes);
  }
}
