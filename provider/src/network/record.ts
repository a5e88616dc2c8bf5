/**
 * What pod changed and how to put it back: the state of each managed
 * interface before pod first touched it, which of its settings pod manages,
 * and the declaration that restores them (PodNetwork's delete, a failed
 * apply's rollback, the detached apply's automatic revert). Settings pod never
 * managed are left alone, whoever changed them since.
 */
import { formatCidr, parseCidr } from "./cidr";
import type { PlanTarget } from "./plan";
import type { NetworkOs, NetworkState } from "./state";
import type { DesiredInterface } from "./validate";

/** "added-addresses": keepExistingAddresses declarations; only what pod added is taken back. */
export type ManagedSetting = "addresses" | "added-addresses" | "gateway" | "dns" | "mtu" | "vlan";

/** Serializable (it lives in Pulumi state). */
export interface RecordedInterface {
  /** The interface the settings went on. */
  name: string;
  /** False when pod created it (a VLAN sub-interface): restoring deletes it. */
  existed: boolean;
  managed: ManagedSetting[];
  mac: string;
  vlanId: number;
  addresses: string[];
  gateway: string;
  /** Linux: the guest's resolv.conf servers; Windows: the interface's. */
  dns: string[];
  mtu: number;
  dhcp: boolean;
  /** Addresses pod added that the interface did not have before (keepExistingAddresses). */
  added?: string[];
}

export function managedSettings(d: DesiredInterface): ManagedSetting[] {
  const out: ManagedSetting[] = [];
  if (d.addresses !== undefined) out.push(d.keepExisting ? "added-addresses" : "addresses");
  // Removing addresses can drop the default route: its old value is worth keeping.
  if (d.gateway !== undefined || (d.addresses !== undefined && !d.keepExisting)) out.push("gateway");
  if (d.dns !== undefined) out.push("dns");
  if (d.mtu !== undefined) out.push("mtu");
  if (d.vlanId !== undefined) out.push("vlan");
  return out;
}

/**
 * The pre-change state of every target: earlier records are the originals and
 * win; settings managed for the first time are added to them.
 */
export function recordTargets(
  state: NetworkState,
  targets: PlanTarget[],
  earlier: RecordedInterface[] = [],
): RecordedInterface[] {
  const out = earlier.map((r) => ({ ...r, managed: [...r.managed] }));
  for (const t of targets) {
    const managed = managedSettings(t.desired);
    const known = out.find((r) => r.name === t.name);
    if (known) {
      known.managed = [...new Set([...known.managed, ...managed])];
      noteAdded(known, t.desired);
      continue;
    }
    const cur = t.current;
    const dns = state.os === "linux" ? [...state.dns] : [...(cur?.dns ?? [])];
    out.push(
      cur
        ? {
            name: t.name,
            existed: true,
            managed,
            mac: cur.mac,
            vlanId: cur.vlan?.id ?? 0,
            addresses: cur.addresses.map(formatCidr),
            gateway: cur.gateway ?? "",
            dns,
            mtu: cur.mtu,
            dhcp: cur.dhcp ?? false,
          }
        : {
            name: t.name,
            existed: false,
            managed,
            mac: "",
            vlanId: 0,
            addresses: [],
            gateway: "",
            dns,
            mtu: 0,
            dhcp: false,
          },
    );
    noteAdded(out[out.length - 1] as RecordedInterface, t.desired);
  }
  return out;
}

/** keepExistingAddresses: remember each declared address the interface did not have before pod. */
function noteAdded(r: RecordedInterface, d: DesiredInterface): void {
  if (!d.keepExisting) return;
  const before = new Set(r.addresses.map((a) => a.split("/")[0]));
  const added = (d.addresses ?? []).map(formatCidr).filter((a) => !before.has(a.split("/")[0]));
  r.added = [...new Set([...(r.added ?? []), ...added])];
}

/** The declaration that puts a recorded interface's managed settings back as they were. */
export function restoreDeclaration(os: NetworkOs, r: RecordedInterface): DesiredInterface {
  const has = (s: ManagedSetting) => r.managed.includes(s);
  const dns = has("dns") ? { dns: r.dns } : {};
  // Linux DNS is guest-wide: a deleted VLAN interface still takes its DNS change back.
  if (!r.existed) return { label: r.name, name: r.name, absent: true, ...(os === "linux" ? dns : {}) };
  const d: DesiredInterface = { label: r.name, name: r.name };
  if (has("mtu") && r.mtu) d.mtu = r.mtu;
  if (os === "windows" && has("vlan")) d.vlanId = r.vlanId;
  if (os === "windows" && r.dhcp && has("addresses")) return { ...d, dhcp: true, resetDns: has("dns") };
  const cidrs = (list: string[]) => list.map((a) => parseCidr(a)).filter((c) => c !== undefined);
  if (has("addresses")) d.addresses = cidrs(r.addresses);
  else if (has("added-addresses") && r.added?.length) d.removeAddresses = cidrs(r.added);
  if (has("gateway")) d.gateway = r.gateway || null;
  return { ...d, ...dns };
}
