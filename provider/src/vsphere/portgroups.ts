import { isPodError, PodError } from "../common/errors";
import { findOne } from "./finder";
import type { Datacenter } from "./placement";
import { retrieveByType, retrieveProperties, waitForTask } from "./property";
import type { MoRef, VsphereSession } from "./session";
import { isVimFault } from "./soap/fault";

/**
 * Port groups with VLANs. Standard port groups live on each host's vSwitch
 * (the same name on several hosts is normal); distributed ones live once on
 * a distributed switch. VLAN 0 is untagged, 1–4094 tagged, 4095 a trunk
 * (standard switches; a distributed port group trunks by VLAN ranges).
 */
export type VlanSpec = { vlanId: number } | { trunk: { start: number; end: number }[] };

export interface StandardPortGroupSpec {
  name: string;
  vlanId: number;
  vswitch?: string;
  /** Host names; every host in the datacenter by default. */
  hosts?: string[];
}

export interface DistributedPortGroupSpec {
  name: string;
  vlan: VlanSpec;
  /** The distributed switch; optional when the datacenter has one. */
  dvSwitch?: string;
  numPorts?: number;
}

export interface HostNet {
  host: MoRef;
  name: string;
  networkSystem: MoRef;
  portgroups: { name: string; vlanId: number; vswitch: string }[];
}

export async function hostNetworks(session: VsphereSession, dc: Datacenter, only?: string[]): Promise<HostNet[]> {
  const hosts = await retrieveByType<{ name: string; "configManager.networkSystem": MoRef }>(
    session,
    "HostSystem",
    ["name", "configManager.networkSystem"],
    { container: dc.hostFolder },
  );
  const selected = only ? hosts.filter((h) => only.includes(h.props.name)) : hosts;
  const missing = (only ?? []).filter((n) => !hosts.some((h) => h.props.name === n));
  if (missing.length) {
    throw new PodError("NOT_FOUND", `No host called ${missing.map((n) => `"${n}"`).join(", ")} in ${dc.name}.`, {
      fix: `Use host names from: ${hosts.map((h) => h.props.name).join(", ")}.`,
    });
  }
  const systems = await retrieveProperties<{
    "networkInfo.portgroup"?: { spec: { name: string; vlanId: number; vswitchName: string } }[];
  }>(
    session,
    selected.map((h) => h.props["configManager.networkSystem"]),
    ["networkInfo.portgroup"],
  );
  return selected.map((h) => {
    const ns = h.props["configManager.networkSystem"];
    const info = systems.find((s) => s.obj.value === ns.value)?.props["networkInfo.portgroup"] ?? [];
    return {
      host: h.obj,
      name: h.props.name,
      networkSystem: ns,
      portgroups: info.map((p) => ({ name: p.spec.name, vlanId: p.spec.vlanId, vswitch: p.spec.vswitchName })),
    };
  });
}

/** Makes the port group exist with this VLAN on every chosen host; returns the hosts it was added to. */
export async function ensureStandardPortGroup(
  session: VsphereSession,
  dc: Datacenter,
  spec: StandardPortGroupSpec,
): Promise<string[]> {
  const vswitch = spec.vswitch ?? "vSwitch0";
  const added: string[] = [];
  for (const h of await hostNetworks(session, dc, spec.hosts)) {
    const existing = h.portgroups.find((p) => p.name === spec.name);
    if (existing) {
      if (existing.vlanId !== spec.vlanId) {
        throw new PodError("INVALID_STATE", `Port group ${spec.name} on ${h.name} carries VLAN ${existing.vlanId}.`, {
          fix: `Remove it first, or declare vlanId ${existing.vlanId}.`,
        });
      }
      continue;
    }
    try {
      await session.call("AddPortGroup", {
        _this: h.networkSystem,
        portgrp: { name: spec.name, vlanId: spec.vlanId, vswitchName: vswitch, policy: {} },
      });
      added.push(h.name);
    } catch (error) {
      // vcsim models a standard port group as one datacenter-wide network and
      // refuses the same name on a second host (DuplicateName); real vCenter
      // accepts it. Either way the network exists for the VMs on that host.
      if (!isVimFault(error, "DuplicateName")) throw error;
    }
  }
  return added;
}

/**
 * VMs still attached to a network, by name: the network's own `vm` list plus
 * every VM whose `network` names it (vcsim keeps only the latter for
 * standard port groups).
 */
async function vmsOn(session: VsphereSession, network: MoRef): Promise<string[]> {
  const [net] = await retrieveProperties<{ vm?: MoRef[] }>(session, [network], ["vm"]);
  const all = await retrieveByType<{ name: string; network?: MoRef[] }>(session, "VirtualMachine", ["name", "network"]);
  const names = new Set(
    all.filter((v) => v.props.network?.some((n) => n.value === network.value)).map((v) => v.props.name),
  );
  for (const v of await retrieveProperties<{ name: string }>(session, net?.props.vm ?? [], ["name"])) {
    names.add(v.props.name);
  }
  return [...names].sort();
}

function inUse(name: string, vms: string[]): PodError {
  return new PodError("IN_USE", `Port group ${name} is still used by ${vms.length} VM(s): ${vms.join(", ")}.`, {
    fix: "Move or delete those VMs' NICs first (or delete the VMs), then delete the port group.",
    details: { vms },
  });
}

/** Removes the port group from the hosts it was added to; refuses while a VM uses it. */
export async function removeStandardPortGroup(
  session: VsphereSession,
  dc: Datacenter,
  name: string,
  hosts: string[],
): Promise<void> {
  const network = await findOne(session, "Network", name, { container: dc.networkFolder }).catch((e: unknown) => {
    if (isPodError(e, "NOT_FOUND")) return undefined;
    throw e;
  });
  if (!network) return; // already gone
  const vms = await vmsOn(session, network);
  if (vms.length) throw inUse(name, vms);
  for (const h of await hostNetworks(session, dc, hosts)) {
    try {
      await session.call("RemovePortGroup", { _this: h.networkSystem, pgName: name });
    } catch (error) {
      if (!isVimFault(error, "NotFound") && !isPodError(error, "NOT_FOUND")) throw error;
    }
  }
}

function dvVlan(vlan: VlanSpec) {
  return "vlanId" in vlan
    ? { _type: "VmwareDistributedVirtualSwitchVlanIdSpec", inherited: false, vlanId: vlan.vlanId }
    : { _type: "VmwareDistributedVirtualSwitchTrunkVlanSpec", inherited: false, vlanId: vlan.trunk };
}

/** Creates the distributed port group, or checks that the existing one carries the same VLAN. */
export async function ensureDistributedPortGroup(
  session: VsphereSession,
  dc: Datacenter,
  spec: DistributedPortGroupSpec,
): Promise<{ ref: MoRef; created: boolean }> {
  const dvs = spec.dvSwitch
    ? await findOne(session, "DistributedVirtualSwitch", spec.dvSwitch, { container: dc.networkFolder })
    : await onlySwitch(session, dc);
  const existing = (
    await retrieveByType<{ name: string; "config.defaultPortConfig"?: { vlan?: unknown } }>(
      session,
      "DistributedVirtualPortgroup",
      ["name", "config.defaultPortConfig"],
      { container: dc.networkFolder },
    )
  ).find((p) => p.props.name === spec.name);
  if (existing) {
    const want = dvVlan(spec.vlan);
    const have = existing.props["config.defaultPortConfig"]?.vlan as { vlanId?: unknown } | undefined;
    if (JSON.stringify(have?.vlanId) !== JSON.stringify(want.vlanId)) {
      throw new PodError("INVALID_STATE", `Distributed port group ${spec.name} exists with another VLAN.`, {
        fix: "Delete it first or declare the VLAN it has.",
        details: { has: have?.vlanId },
      });
    }
    return { ref: existing.obj, created: false };
  }
  const task = await session.call("AddDVPortgroup_Task", {
    _this: dvs,
    spec: [
      {
        name: spec.name,
        numPorts: spec.numPorts ?? 16,
        defaultPortConfig: { _type: "VMwareDVSPortSetting", vlan: dvVlan(spec.vlan) },
        type: "earlyBinding",
      },
    ],
  });
  await waitForTask(session, task, { what: `creation of distributed port group ${spec.name}` });
  const ref = await findOne(session, "DistributedVirtualPortgroup", spec.name, { container: dc.networkFolder });
  return { ref, created: true };
}

export async function removeDistributedPortGroup(session: VsphereSession, ref: MoRef, name: string): Promise<void> {
  try {
    const vms = await vmsOn(session, ref);
    if (vms.length) throw inUse(name, vms);
    const task = await session.call("Destroy_Task", { _this: ref });
    await waitForTask(session, task, { what: `deletion of distributed port group ${name}` });
  } catch (error) {
    if (!isPodError(error, "NOT_FOUND")) throw error;
  }
}

async function onlySwitch(session: VsphereSession, dc: Datacenter): Promise<MoRef> {
  const all = await retrieveByType<{ name: string }>(session, "DistributedVirtualSwitch", ["name"], {
    container: dc.networkFolder,
  });
  const [only] = all;
  if (all.length !== 1 || !only) {
    throw new PodError("INVALID_INPUT", `${dc.name} has ${all.length} distributed switches; pod cannot pick one.`, {
      fix: `Set dvSwitch to one of: ${all.map((s) => s.props.name).join(", ") || "(none)"}.`,
    });
  }
  return only.obj;
}
