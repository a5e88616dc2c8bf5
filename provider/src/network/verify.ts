/**
 * Read-back checks: after an apply, the guest's state must match every
 * managed field of every declared interface. Also the "applied" view the
 * PodNetwork resource outputs, and drift for refresh.
 */
import { formatCidr, sameCidr } from "./cidr";
import type { PlanTarget } from "./plan";
import type { InterfaceState, NetworkState } from "./state";
import type { DesiredInterface } from "./validate";

/** One configured interface as read back from the guest. */
export interface AppliedInterface {
  /** The interface carrying the settings (Linux VLAN: the sub-interface). */
  name: string;
  mac: string;
  /** In-guest VLAN id; 0 = none. */
  vlanId: number;
  addresses: string[];
  gateway: string;
  dns: string[];
  mtu: number;
}

export function appliedView(state: NetworkState, iface: InterfaceState): AppliedInterface {
  return {
    name: iface.name,
    mac: iface.mac,
    vlanId: iface.vlan?.id ?? 0,
    addresses: iface.addresses.map(formatCidr),
    gateway: iface.gateway ?? "",
    dns: state.os === "linux" ? [...state.dns] : [...iface.dns],
    mtu: iface.mtu,
  };
}

/** Differences between the guest and one declaration, as sentences; empty when it matches. */
export function mismatches(
  state: NetworkState,
  target: Pick<PlanTarget, "name" | "desired">,
  allDesired: DesiredInterface[] = [],
): string[] {
  const d = target.desired;
  const now = state.interfaces.find((i) => i.name === target.name);
  if (d.absent) return now ? [`${target.name} still exists`] : [];
  if (!now) return [`${target.name} does not exist`];
  const out: string[] = [];
  if (d.addresses !== undefined) {
    const missing = d.addresses.filter((w) => !now.addresses.some((h) => sameCidr(h, w)));
    const extra = d.keepExisting ? [] : now.addresses.filter((h) => !d.addresses?.some((w) => sameCidr(h, w)));
    if (missing.length) out.push(`${target.name} lacks ${missing.map(formatCidr).join(", ")}`);
    if (extra.length) out.push(`${target.name} still has ${extra.map(formatCidr).join(", ")}`);
  }
  const left = (d.removeAddresses ?? []).filter((w) => now.addresses.some((h) => sameCidr(h, w)));
  if (left.length) out.push(`${target.name} still has ${left.map(formatCidr).join(", ")}`);
  if (typeof d.gateway === "string" && now.gateway !== d.gateway) {
    out.push(`${target.name}'s default gateway is ${now.gateway ?? "none"}, not ${d.gateway}`);
  }
  if (d.gateway === null && now.gateway) out.push(`${target.name} still has default gateway ${now.gateway}`);
  if (d.mtu !== undefined && now.mtu !== d.mtu) out.push(`${target.name}'s MTU is ${now.mtu}, not ${d.mtu}`);
  if (d.vlanId !== undefined && (now.vlan?.id ?? 0) !== d.vlanId) {
    out.push(`${target.name}'s VLAN is ${now.vlan?.id ?? 0}, not ${d.vlanId}`);
  }
  if (d.dhcp === true && now.dhcp === false) out.push(`${target.name} still has DHCP off`);
  if (d.dns !== undefined) {
    const want = state.os === "linux" ? [...new Set(allDesired.flatMap((x) => x.dns ?? []))] : d.dns;
    const have = state.os === "linux" ? state.dns : now.dns;
    if (want.join() !== have.join())
      out.push(`DNS servers are ${have.join(", ") || "none"}, not ${want.join(", ") || "none"}`);
  }
  return out;
}

export function allMismatches(state: NetworkState, targets: Pick<PlanTarget, "name" | "desired">[]): string[] {
  const desired = targets.map((t) => t.desired);
  return targets.flatMap((t) => mismatches(state, t, desired));
}
