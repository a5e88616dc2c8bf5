import { isPodError } from "../common/errors";
import { type ScsiController, toDisks, toScsiControllers, type VmDisk } from "./disks";
import { retrieveProperties } from "./property";
import type { MoRef, VsphereSession } from "./session";
import type {
  OpaqueNetworkSummary,
  VirtualDevice,
  VirtualEthernetCard,
  VirtualEthernetCardDistributedVirtualPortBackingInfo,
  VirtualEthernetCardNetworkBackingInfo,
  VirtualEthernetCardOpaqueNetworkBackingInfo,
} from "./soap/generated/types";
import { isSubtype } from "./soap/schema";
import { VM_PROPERTIES } from "./vm-properties";

export type PowerState = "poweredOn" | "poweredOff" | "suspended";

export interface VmNic {
  key: number;
  label: string;
  mac: string;
  adapterType: string;
  /** The vim25 device type, e.g. VirtualVmxnet3. */
  deviceType: string;
  /** The port group (standard or distributed) or opaque network the NIC is on, by name (its id when unnamed). */
  network: string;
  networkRef?: MoRef;
  /** Set when the NIC is on an opaque (NSX) network. */
  opaqueNetwork?: { id: string; type: string };
  connected: boolean;
}

export interface VmGuestInfo {
  toolsRunning: boolean;
  family?: string;
  guestId?: string;
  fullName?: string;
  hostName?: string;
  ipAddress?: string;
  /** Every IPv4/IPv6 address per MAC, as VMware Tools reports them. */
  net: { mac: string; ips: string[]; network?: string }[];
}

export interface VmInfo {
  ref: MoRef;
  name: string;
  instanceUuid: string;
  uuid: string;
  template: boolean;
  guestId: string;
  numCpus: number;
  memoryMb: number;
  powerState: PowerState;
  nics: VmNic[];
  /** Virtual disks in device-key order. */
  disks: VmDisk[];
  scsiControllers: ScsiController[];
  extraConfig: Record<string, string>;
  guest: VmGuestInfo;
}

/** Reads many VMs in one round trip; VMs that vanished meanwhile are left out. */
export async function readVms(session: VsphereSession, refs: MoRef[]): Promise<VmInfo[]> {
  const objects = await retrieveProperties(session, refs, VM_PROPERTIES);
  const networkNames = await readNetworkNames(
    session,
    objects.flatMap((o) => (o.props.network as MoRef[] | undefined) ?? []),
  );
  return objects.filter((o) => o.props.name !== undefined).map((o) => toVmInfo(o.obj, o.props, networkNames));
}

/** One VM, or undefined when it no longer exists (deleted outside pod). */
export async function readVm(session: VsphereSession, ref: MoRef): Promise<VmInfo | undefined> {
  try {
    return (await readVms(session, [ref]))[0];
  } catch (error) {
    if (isPodError(error, "NOT_FOUND")) return undefined;
    throw error;
  }
}

/** Network moref → name, plus DV port group key → name and opaque network id → name, for labelling NICs. */
async function readNetworkNames(session: VsphereSession, refs: MoRef[]): Promise<Map<string, string>> {
  const unique = [...new Map(refs.map((r) => [`${r.type}:${r.value}`, r])).values()];
  const names = new Map<string, string>();
  for (const o of await retrieveProperties<{ name?: string }>(session, unique, ["name"])) {
    if (o.props.name) names.set(o.obj.value, o.props.name);
  }
  const dvpgs = unique.filter((r) => r.type === "DistributedVirtualPortgroup");
  for (const o of await retrieveProperties<{ key?: string; name?: string }>(session, dvpgs, ["key", "name"])) {
    if (o.props.key && o.props.name) names.set(o.props.key, o.props.name);
  }
  const opaque = unique.filter((r) => r.type === "OpaqueNetwork");
  for (const o of await retrieveProperties<{ summary?: OpaqueNetworkSummary }>(session, opaque, ["summary"])) {
    const { opaqueNetworkId, name } = o.props.summary ?? {};
    if (opaqueNetworkId && name) names.set(`opaque:${opaqueNetworkId}`, name);
  }
  return names;
}

/** Every VirtualEthernetCard subtype is a NIC (VirtualVmxnet3Vrdma, VirtualSriovEthernetCard, …). */
function isNic(device: VirtualDevice): device is VirtualEthernetCard {
  return device._type !== undefined && isSubtype(device._type, "VirtualEthernetCard");
}

const backingIs = <T>(backing: VirtualDevice["backing"], type: string): backing is T & { _type: string } =>
  backing?._type !== undefined && isSubtype(backing._type, type);

function toNic(d: VirtualEthernetCard, networkNames: Map<string, string>): VmNic {
  const backing = d.backing;
  let network = "";
  let networkRef: MoRef | undefined;
  let opaqueNetwork: VmNic["opaqueNetwork"];
  if (backingIs<VirtualEthernetCardNetworkBackingInfo>(backing, "VirtualEthernetCardNetworkBackingInfo")) {
    networkRef = backing.network;
    network = backing.deviceName || (networkRef ? (networkNames.get(networkRef.value) ?? "") : "");
  } else if (
    backingIs<VirtualEthernetCardDistributedVirtualPortBackingInfo>(
      backing,
      "VirtualEthernetCardDistributedVirtualPortBackingInfo",
    )
  ) {
    network = (backing.port.portgroupKey && networkNames.get(backing.port.portgroupKey)) || "";
  } else if (
    backingIs<VirtualEthernetCardOpaqueNetworkBackingInfo>(backing, "VirtualEthernetCardOpaqueNetworkBackingInfo")
  ) {
    opaqueNetwork = { id: backing.opaqueNetworkId, type: backing.opaqueNetworkType };
    network = networkNames.get(`opaque:${backing.opaqueNetworkId}`) ?? backing.opaqueNetworkId;
  }
  const type = d._type ?? "VirtualEthernetCard";
  return {
    key: d.key,
    label: d.deviceInfo?.label ?? `nic-${d.key}`,
    mac: (d.macAddress ?? "").toLowerCase(),
    adapterType: type.replace(/^Virtual/, "").toLowerCase(),
    deviceType: type,
    network,
    ...(networkRef ? { networkRef } : {}),
    ...(opaqueNetwork ? { opaqueNetwork } : {}),
    connected: d.connectable?.connected ?? false,
  };
}

function toVmInfo(ref: MoRef, p: Record<string, unknown>, networkNames: Map<string, string>): VmInfo {
  const devices = (p["config.hardware.device"] as VirtualDevice[] | undefined) ?? [];
  const nics = devices.filter(isNic).map((d) => toNic(d, networkNames));
  const extra = (p["config.extraConfig"] as { key: string; value: unknown }[] | undefined) ?? [];
  const guestNet = (p["guest.net"] as { macAddress?: string; ipAddress?: string[]; network?: string }[]) ?? [];
  return {
    ref,
    name: p.name as string,
    instanceUuid: (p["config.instanceUuid"] as string) ?? "",
    uuid: (p["config.uuid"] as string) ?? "",
    template: (p["config.template"] as boolean) ?? false,
    guestId: (p["config.guestId"] as string) ?? "",
    numCpus: (p["config.hardware.numCPU"] as number) ?? 0,
    memoryMb: (p["config.hardware.memoryMB"] as number) ?? 0,
    powerState: (p["runtime.powerState"] as PowerState) ?? "poweredOff",
    nics,
    disks: toDisks(devices),
    scsiControllers: toScsiControllers(devices),
    extraConfig: Object.fromEntries(extra.map((o) => [o.key, String(o.value ?? "")])),
    guest: {
      toolsRunning: p["guest.toolsRunningStatus"] === "guestToolsRunning",
      ...optional("family", p["guest.guestFamily"]),
      ...optional("guestId", p["guest.guestId"]),
      ...optional("fullName", p["guest.guestFullName"]),
      ...optional("hostName", p["guest.hostName"]),
      ...optional("ipAddress", p["guest.ipAddress"]),
      net: guestNet.map((n) => ({
        mac: (n.macAddress ?? "").toLowerCase(),
        ips: n.ipAddress ?? [],
        ...(n.network ? { network: n.network } : {}),
      })),
    },
  };
}

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === "string" && value !== "" ? ({ [key]: value } as Record<K, string>) : {};
}
