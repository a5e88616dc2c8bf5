/**
 * A port group that exists in vSphere, read back as the declaration that
 * would make it (portgroup-ensure.ts's PortGroupSpec): for `pulumi import`
 * and `PodNetwork.get`. A port group is named by its name or by its moid
 * (`network-12` for a standard one, `dvportgroup-34` for a distributed one).
 */
import { PodError } from "../common/errors";
import { closestNames } from "./finder";
import type { Datacenter } from "./placement";
import type { PortGroupSpec } from "./portgroup-ensure";
import { hostNetworks } from "./portgroups";
import { retrieveByType, retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";

export interface PortGroupFound {
  /** The declaration: name, VLAN (or trunk ranges), kind, and the switch only where the default would not find it. */
  spec: PortGroupSpec;
  /** The Network object (where a standard port group's owner marker lives). */
  ref: MoRef;
  /** Standard: the hosts that carry it. */
  hosts: string[];
}

interface DvProps {
  name: string;
  "config.distributedVirtualSwitch"?: MoRef;
  "config.defaultPortConfig"?: { vlan?: { _type?: string; vlanId?: number | { start: number; end: number }[] } };
}

/** The port group called `nameOrMoid` in the datacenter (a moid wins over a name); NOT_FOUND names close ones. */
export async function readPortGroup(
  session: VsphereSession,
  dc: Datacenter,
  nameOrMoid: string,
): Promise<PortGroupFound> {
  const all = await retrieveByType<{ name: string }>(session, "Network", ["name"], { container: dc.networkFolder });
  const byMoid = all.find((n) => n.obj.value === nameOrMoid);
  const byName = all.filter((n) => n.props.name === nameOrMoid);
  const found = byMoid ?? (byName.length === 1 ? byName[0] : undefined);
  if (!found) {
    if (byName.length > 1) {
      throw new PodError("INVALID_INPUT", `${byName.length} port groups in ${dc.name} are called "${nameOrMoid}".`, {
        fix: `Import one by its moid: ${byName.map((n) => n.obj.value).join(", ")}.`,
      });
    }
    const close = closestNames(
      nameOrMoid,
      all.map((n) => n.props.name),
    );
    throw new PodError("NOT_FOUND", `No port group "${nameOrMoid}" in ${dc.name}.`, {
      fix: close.length
        ? `Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?`
        : "Give the port group's name or moid (network-NN, dvportgroup-NN).",
    });
  }
  return found.obj.type === "DistributedVirtualPortgroup"
    ? readDistributed(session, dc, found.obj)
    : readStandard(session, dc, found.obj, found.props.name);
}

/** A standard port group: the same VLAN and vSwitch on every host that has it, or it cannot be one declaration. */
async function readStandard(
  session: VsphereSession,
  dc: Datacenter,
  ref: MoRef,
  name: string,
): Promise<PortGroupFound> {
  const carrying = (await hostNetworks(session, dc)).flatMap((h) =>
    h.portgroups.filter((p) => p.name === name).map((p) => ({ host: h.name, ...p })),
  );
  const [first] = carrying;
  if (!first) {
    throw new PodError("NOT_FOUND", `Network ${name} is on no host's vSwitch in ${dc.name}.`, {
      fix: "Import a port group that a host carries (it may have been removed meanwhile).",
    });
  }
  const differs = carrying.find((p) => p.vlanId !== first.vlanId || p.vswitch !== first.vswitch);
  if (differs) {
    throw new PodError(
      "INVALID_STATE",
      `Port group ${name} is VLAN ${first.vlanId} on ${first.vswitch} of ${first.host} but VLAN ${differs.vlanId} on ${differs.vswitch} of ${differs.host}.`,
      { fix: "Make the hosts agree (one VLAN, one vSwitch name) before importing it as one PodNetwork." },
    );
  }
  const spec: PortGroupSpec = {
    name,
    vlanId: first.vlanId,
    ...(first.vswitch !== "vSwitch0" ? { vswitch: first.vswitch } : {}),
  };
  return { spec, ref, hosts: carrying.map((p) => p.host) };
}

/** A distributed port group: its VLAN id or trunk ranges, and its switch when the datacenter has several. */
async function readDistributed(session: VsphereSession, dc: Datacenter, ref: MoRef): Promise<PortGroupFound> {
  const [pg] = await retrieveProperties<DvProps>(
    session,
    [ref],
    ["name", "config.distributedVirtualSwitch", "config.defaultPortConfig"],
  );
  if (!pg) throw new PodError("NOT_FOUND", `Distributed port group ${ref.value} vanished while being read.`);
  const name = pg.props.name;
  const vlan = pg.props["config.defaultPortConfig"]?.vlan;
  const id = vlan?.vlanId ?? 0;
  if (vlan?._type?.includes("Pvlan")) {
    throw new PodError(
      "UNSUPPORTED",
      `Distributed port group ${name} uses a private VLAN, which pod does not declare.`,
      {
        fix: "Use it by name from a PodVm's networks without managing it, or give it a VLAN id or trunk ranges.",
      },
    );
  }
  const switches = await retrieveByType<{ name: string }>(session, "DistributedVirtualSwitch", ["name"], {
    container: dc.networkFolder,
  });
  const dvs = pg.props["config.distributedVirtualSwitch"];
  const dvsName = switches.find((s) => s.obj.value === dvs?.value)?.props.name;
  const spec: PortGroupSpec = {
    name,
    kind: "distributed",
    ...(Array.isArray(id) ? { trunk: id.map((r) => ({ start: r.start, end: r.end })) } : { vlanId: id }),
    ...(switches.length > 1 && dvsName ? { dvSwitch: dvsName } : {}),
  };
  return { spec, ref, hosts: [] };
}
