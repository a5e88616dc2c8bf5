import { PodError } from "../common/errors";
import { retrieveByType, retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type {
  VirtualEthernetCardDistributedVirtualPortBackingInfo,
  VirtualEthernetCardNetworkBackingInfo,
} from "./soap/generated/types";

/** A port group a NIC can be put on: standard (per host) or distributed. */
export interface PortGroupRef {
  name: string;
  ref: MoRef;
  kind: "standard" | "distributed";
  vlanId?: number;
  /** Distributed only: what the NIC backing needs. */
  portgroupKey?: string;
  switchUuid?: string;
}

interface NetworkProps {
  name: string;
  key?: string;
  "config.distributedVirtualSwitch"?: MoRef;
  "config.defaultPortConfig"?: { vlan?: { _type?: string; vlanId?: number | unknown[] } };
}

/** Every port group in the datacenter, with VLAN ids, in three round trips. */
export async function listPortGroups(session: VsphereSession, networkFolder: MoRef): Promise<PortGroupRef[]> {
  const networks = await retrieveByType<{ name: string }>(session, "Network", ["name"], { container: networkFolder });
  const dvpgRefs = networks.filter((n) => n.obj.type === "DistributedVirtualPortgroup").map((n) => n.obj);
  const dvpgs = await retrieveProperties<NetworkProps>(session, dvpgRefs, [
    "name",
    "key",
    "config.distributedVirtualSwitch",
    "config.defaultPortConfig",
  ]);
  const switches = [
    ...new Map(
      dvpgs.flatMap((d) => {
        const dvs = d.props["config.distributedVirtualSwitch"];
        return dvs ? [[dvs.value, dvs] as const] : [];
      }),
    ).values(),
  ];
  const uuids = new Map(
    (await retrieveProperties<{ uuid: string }>(session, switches, ["uuid"])).map((s) => [s.obj.value, s.props.uuid]),
  );
  const standardVlans = await standardPortGroupVlans(session);

  return networks.map((n): PortGroupRef => {
    const dv = dvpgs.find((d) => d.obj.value === n.obj.value);
    if (!dv) {
      const vlanId = standardVlans.get(n.props.name);
      return { name: n.props.name, ref: n.obj, kind: "standard", ...(vlanId === undefined ? {} : { vlanId }) };
    }
    const vlan = dv.props["config.defaultPortConfig"]?.vlan;
    const dvs = dv.props["config.distributedVirtualSwitch"];
    const switchUuid = dvs ? uuids.get(dvs.value) : undefined;
    return {
      name: n.props.name,
      ref: n.obj,
      kind: "distributed",
      ...(typeof vlan?.vlanId === "number" ? { vlanId: vlan.vlanId } : {}),
      ...(dv.props.key ? { portgroupKey: dv.props.key } : {}),
      ...(switchUuid ? { switchUuid } : {}),
    };
  });
}

/**
 * Standard port group name → VLAN id, from every host's network system
 * (`networkInfo`, which vcsim keeps up to date and real hosts mirror in
 * `config.network`).
 */
async function standardPortGroupVlans(session: VsphereSession): Promise<Map<string, number>> {
  const hosts = await retrieveByType<{ "configManager.networkSystem": MoRef }>(session, "HostSystem", [
    "configManager.networkSystem",
  ]);
  const systems = await retrieveProperties<{ "networkInfo.portgroup"?: { spec: { name: string; vlanId: number } }[] }>(
    session,
    hosts.map((h) => h.props["configManager.networkSystem"]),
    ["networkInfo.portgroup"],
  );
  const vlans = new Map<string, number>();
  for (const s of systems) {
    for (const pg of s.props["networkInfo.portgroup"] ?? []) vlans.set(pg.spec.name, pg.spec.vlanId);
  }
  return vlans;
}

/** Picks the port group a NIC asks for, by name or by VLAN id. */
export function pickPortGroup(all: PortGroupRef[], wanted: { network?: string; vlanId?: number }): PortGroupRef {
  if (wanted.network !== undefined) {
    const found = all.filter((p) => p.name === wanted.network);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) {
      throw new PodError("INVALID_INPUT", `Several port groups are called "${wanted.network}".`, {
        fix: "Rename one of them, or give the distributed port group's inventory path.",
      });
    }
    throw new PodError("NOT_FOUND", `No port group called "${wanted.network}" exists.`, {
      fix: `Use one of: ${all.map((p) => p.name).join(", ")}; or create it with PodNetwork.`,
    });
  }
  const byVlan = all.filter((p) => p.vlanId === wanted.vlanId);
  if (byVlan.length === 1 && byVlan[0]) return byVlan[0];
  throw new PodError(
    byVlan.length ? "INVALID_INPUT" : "NOT_FOUND",
    byVlan.length
      ? `VLAN ${wanted.vlanId} is on ${byVlan.length} port groups (${byVlan.map((p) => p.name).join(", ")}).`
      : `No port group carries VLAN ${wanted.vlanId}.`,
    { fix: "Name the port group (network) instead, or create one for the VLAN with PodNetwork." },
  );
}

export type NicBacking = (
  | VirtualEthernetCardNetworkBackingInfo
  | VirtualEthernetCardDistributedVirtualPortBackingInfo
) & {
  _type: string;
};

/** The NIC backing for a port group. */
export function nicBacking(pg: PortGroupRef): NicBacking {
  if (pg.kind === "distributed") {
    if (!pg.switchUuid || !pg.portgroupKey) {
      throw new PodError("NOT_FOUND", `Distributed port group ${pg.name} has no readable switch UUID or key.`, {
        fix: "Check that the vSphere user may read the port group and its distributed switch.",
      });
    }
    return {
      _type: "VirtualEthernetCardDistributedVirtualPortBackingInfo",
      port: { switchUuid: pg.switchUuid, portgroupKey: pg.portgroupKey },
    };
  }
  return { _type: "VirtualEthernetCardNetworkBackingInfo", deviceName: pg.name, network: pg.ref };
}
