/**
 * PodNetwork's port group: made to exist with its VLAN (standard on each
 * host, or distributed), and removed again only when pod created it. One
 * audit record each: portgroup.added ("unchanged" when it was there already)
 * and portgroup.removed.
 */
import type { ChangeTracker } from "../../observability/change-tracker";
import { findOne } from "../../vsphere/finder";
import type { Datacenter } from "../../vsphere/placement";
import {
  ensureDistributedPortGroup,
  ensureStandardPortGroup,
  removeDistributedPortGroup,
  removeStandardPortGroup,
} from "../../vsphere/portgroups";
import type { VsphereSession } from "../../vsphere/session";
import type { PodNetworkInputs } from "./args";

type PortGroup = NonNullable<PodNetworkInputs["portGroup"]>;

export function ensurePortGroup(session: VsphereSession, dc: Datacenter, pg: PortGroup, changes: ChangeTracker) {
  const details = (hosts: string[]) => ({ kind: pg.kind ?? "standard", vlan: pg.trunk ?? pg.vlanId ?? 0, hosts });
  return changes.track(
    "portgroup.added",
    pg.name,
    () => addPortGroup(session, dc, pg),
    (r) => ({ result: r.created ? "ok" : "unchanged", details: details(r.hosts) }),
  );
}

async function addPortGroup(session: VsphereSession, dc: Datacenter, pg: PortGroup) {
  if ((pg.kind ?? "standard") === "standard") {
    const added = await ensureStandardPortGroup(session, dc, {
      name: pg.name,
      vlanId: pg.vlanId ?? 0,
      ...(pg.vswitch ? { vswitch: pg.vswitch } : {}),
      ...(pg.hosts ? { hosts: pg.hosts } : {}),
    });
    return { created: added.length > 0, hosts: added };
  }
  const vlan = pg.trunk ? { trunk: pg.trunk } : { vlanId: pg.vlanId ?? 0 };
  const { created } = await ensureDistributedPortGroup(session, dc, {
    name: pg.name,
    vlan,
    ...(pg.dvSwitch ? { dvSwitch: pg.dvSwitch } : {}),
  });
  return { created, hosts: [] };
}

export function removePortGroup(
  session: VsphereSession,
  dc: Datacenter,
  pg: PortGroup,
  hosts: string[],
  changes: ChangeTracker,
) {
  const details = { kind: pg.kind ?? "standard", hosts };
  return changes.track(
    "portgroup.removed",
    pg.name,
    () => dropPortGroup(session, dc, pg, hosts),
    () => ({ details }),
  );
}

async function dropPortGroup(session: VsphereSession, dc: Datacenter, pg: PortGroup, hosts: string[]) {
  if ((pg.kind ?? "standard") === "standard") return removeStandardPortGroup(session, dc, pg.name, hosts);
  const ref = await findOne(session, "DistributedVirtualPortgroup", pg.name, { container: dc.networkFolder }).catch(
    () => undefined,
  );
  if (ref) await removeDistributedPortGroup(session, ref, pg.name);
}
