/**
 * A port group as a declaration names it (standard on each host, or
 * distributed, with its VLAN or trunk ranges): made to exist, and removed.
 */
import { findOne } from "./finder";
import type { Datacenter } from "./placement";
import {
  ensureDistributedPortGroup,
  ensureStandardPortGroup,
  removeDistributedPortGroup,
  removeStandardPortGroup,
} from "./portgroups";
import type { VsphereSession } from "./session";

export interface PortGroupSpec {
  name: string;
  vlanId?: number | undefined;
  kind?: "standard" | "distributed" | undefined;
  vswitch?: string | undefined;
  hosts?: string[] | undefined;
  dvSwitch?: string | undefined;
  trunk?: { start: number; end: number }[] | undefined;
}

/** Makes it exist; `created` when pod made it (anywhere), `hosts` the standard hosts it was added to. */
export async function ensurePortGroup(
  session: VsphereSession,
  dc: Datacenter,
  pg: PortGroupSpec,
): Promise<{ created: boolean; hosts: string[] }> {
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

/** Removes it (standard: from `hosts`); a distributed one already gone is fine. */
export async function removePortGroup(session: VsphereSession, dc: Datacenter, pg: PortGroupSpec, hosts: string[]) {
  if ((pg.kind ?? "standard") === "standard") return removeStandardPortGroup(session, dc, pg.name, hosts);
  const ref = await findOne(session, "DistributedVirtualPortgroup", pg.name, { container: dc.networkFolder }).catch(
    () => undefined,
  );
  if (ref) await removeDistributedPortGroup(session, ref, pg.name);
}
