/**
 * The planner: current state + desired interfaces → the ordered, smallest
 * list of changes; empty when the guest already matches. Pure. The order is
 * the one that avoids conflicts on both OSes (NetworkingDsc's for Windows):
 * VLANs first (so a refused VLAN leaves everything else untouched), then MTU,
 * DHCP off, stale default routes, stale addresses, new addresses, the
 * gateway, DHCP back on (restores), DNS, and VLAN sub-interfaces to delete.
 */
import { type Cidr, formatCidr, inSubnet, sameCidr } from "./cidr";
import { NetworkConfigError } from "./errors";
import type { InterfaceState, NetworkOs, NetworkState } from "./state";
import type { DesiredInterface } from "./validate";

interface On {
  /** The interface the change applies to (Linux: the VLAN sub-interface for VLAN declarations). */
  interface: string;
  /** Windows InterfaceIndex / Linux ifindex, when the interface exists already. */
  index?: number;
}

export type NetworkChange =
  | { op: "create-vlan"; interface: string; parent: string; vlanId: number }
  | (On & { op: "set-adapter-vlan"; vlanId: number; from: number })
  | (On & { op: "link-up" })
  | (On & { op: "set-mtu"; mtu: number; from: number })
  | (On & { op: "set-dhcp"; enabled: boolean })
  | (On & { op: "remove-gateway"; gateway: string })
  | (On & { op: "remove-address"; address: Cidr })
  | (On & { op: "add-address"; address: Cidr; gateway?: string })
  | (On & { op: "set-gateway"; gateway: string })
  | (Partial<On> & { op: "set-dns"; servers: string[]; from: string[]; reset?: boolean })
  | (On & { op: "delete-vlan" });

export type ChangeOp = NetworkChange["op"];

const PHASE: Record<ChangeOp, number> = {
  "create-vlan": 0,
  "set-adapter-vlan": 0,
  "link-up": 1,
  "set-mtu": 2,
  "set-dhcp": 3,
  "remove-gateway": 4,
  "remove-address": 5,
  "add-address": 6,
  "set-gateway": 7,
  "set-dns": 9,
  "delete-vlan": 10,
};
const phaseOf = (c: NetworkChange) => (c.op === "set-dhcp" && c.enabled ? 8 : PHASE[c.op]);

/** One declared interface, resolved against the guest. */
export interface PlanTarget {
  desired: DesiredInterface;
  /** The interface the settings go on (Linux VLAN: the sub-interface). */
  name: string;
  /** The interface the declaration selected (the VLAN parent, or `name`). */
  selected: string;
  /** The interface as it is now; undefined when the plan creates it (a VLAN sub-interface). */
  current?: InterfaceState;
}

export interface NetworkPlan {
  os: NetworkOs;
  targets: PlanTarget[];
  changes: NetworkChange[];
}

/** Linux names are at most 15 characters: "eth0.100", or the parent's name shortened. */
export function vlanInterfaceName(parent: string, vlanId: number): string {
  const suffix = `.${vlanId}`;
  return `${parent.slice(0, 15 - suffix.length)}${suffix}`;
}

function select(state: NetworkState, d: DesiredInterface): InterfaceState {
  const found = d.name
    ? state.interfaces.find((i) => i.name === d.name)
    : // A VLAN sub-interface shares its parent's MAC: a MAC names the parent.
      (state.interfaces.find((i) => i.mac === d.mac && !i.vlan?.parent) ??
      state.interfaces.find((i) => i.mac === d.mac));
  if (!found) {
    const names = state.interfaces.map((i) => `${i.name} (${i.mac || "no MAC"})`).join(", ");
    throw new NetworkConfigError("INTERFACE_NOT_FOUND", `The guest has no interface ${d.label}.`, {
      fix: `Use one of: ${names || "(no interfaces)"}.`,
      details: { wanted: d.name ?? d.mac, interfaces: state.interfaces.map((i) => ({ name: i.name, mac: i.mac })) },
    });
  }
  return found;
}

function resolve(state: NetworkState, d: DesiredInterface): PlanTarget {
  if (d.absent) {
    return {
      desired: d,
      name: d.name ?? "",
      selected: d.name ?? "",
      current: state.interfaces.find((i) => i.name === d.name),
    };
  }
  const selected = select(state, d);
  if (state.os === "windows" || !d.vlanId)
    return { desired: d, name: selected.name, selected: selected.name, current: selected };
  const name = vlanInterfaceName(selected.name, d.vlanId);
  const current = state.interfaces.find((i) => i.name === name);
  if (current && (current.vlan?.id !== d.vlanId || current.vlan?.parent !== selected.name)) {
    throw new NetworkConfigError(
      "INVALID_INPUT",
      `${name} exists on the guest but is not VLAN ${d.vlanId} on ${selected.name}.`,
      {
        fix: `Remove or rename ${name} on the guest, or declare the VLAN it carries.`,
        details: { existing: current },
      },
    );
  }
  return { desired: d, name, selected: selected.name, ...(current ? { current } : {}) };
}

function checkInUse(state: NetworkState, targets: PlanTarget[]): void {
  for (const t of targets) {
    for (const c of t.desired.addresses ?? []) {
      const other = state.interfaces.find((i) => i.name !== t.name && i.addresses.some((a) => a.address === c.address));
      if (other) {
        throw new NetworkConfigError("ADDRESS_IN_USE", `${c.address} is already configured on ${other.name}.`, {
          fix: `Pick another address for ${t.desired.label}, or remove it from ${other.name} (declare that interface too).`,
          details: { address: c.address, interface: other.name },
        });
      }
    }
  }
}

function interfaceChanges(os: NetworkOs, t: PlanTarget, parent?: InterfaceState): NetworkChange[] {
  const d = t.desired;
  const cur = t.current;
  const on: On = { interface: t.name, ...(cur?.index !== undefined ? { index: cur.index } : {}) };
  const out: NetworkChange[] = [];
  if (d.absent) return cur ? [{ op: "delete-vlan", ...on }] : [];
  if (os === "linux" && d.vlanId && !cur) {
    out.push({ op: "create-vlan", interface: t.name, parent: t.selected, vlanId: d.vlanId });
  }
  if (os === "windows" && d.vlanId !== undefined && d.vlanId !== (cur?.vlan?.id ?? 0)) {
    out.push({ op: "set-adapter-vlan", ...on, vlanId: d.vlanId, from: cur?.vlan?.id ?? 0 });
  }
  if (os === "linux" && (!cur || (!cur.up && d.addresses?.length))) out.push({ op: "link-up", ...on });
  const mtuNow = cur?.mtu ?? parent?.mtu ?? 0;
  if (d.mtu !== undefined && d.mtu !== mtuNow) out.push({ op: "set-mtu", ...on, mtu: d.mtu, from: mtuNow });

  // Windows: turning DHCP off drops the lease's addresses and gateway; treat them as gone.
  const dhcpOff = os === "windows" && d.addresses !== undefined && cur?.dhcp === true;
  const dhcpOn = os === "windows" && d.dhcp === true && cur?.dhcp === false;
  if (dhcpOff) out.push({ op: "set-dhcp", ...on, enabled: false });
  const leased = new Set(dhcpOff ? (cur?.dynamic ?? []) : []);
  const have = (cur?.addresses ?? []).filter((c) => !leased.has(c.address));
  const haveGateway = dhcpOff || dhcpOn ? undefined : cur?.gateway;

  if (os === "windows" && d.keepExisting && cur?.dhcp) {
    throw new NetworkConfigError(
      "INVALID_INPUT",
      `${t.name} is on DHCP: Windows cannot keep a leased address beside static ones.`,
      {
        fix: "Declare the interface's full address set without keepExistingAddresses (DHCP is switched off), or use another adapter.",
      },
    );
  }
  let removed = false;
  for (const c of d.removeAddresses ?? []) {
    if (!have.some((h) => sameCidr(h, c))) continue;
    out.push({ op: "remove-address", ...on, address: c });
    removed = true;
  }
  if ((d.addresses !== undefined && !d.keepExisting) || dhcpOn) {
    const keep = dhcpOn ? have.filter((c) => cur?.dynamic?.includes(c.address)) : (d.addresses ?? []);
    // Leased addresses may outlive DHCP being switched off: remove the unwanted ones explicitly.
    for (const c of cur?.addresses ?? []) {
      if (!keep.some((w) => sameCidr(w, c))) {
        out.push({ op: "remove-address", ...on, address: c });
        removed = true;
      }
    }
  }
  const wantedGateway = gatewayWanted(d, cur, haveGateway);
  if (dhcpOn && cur?.gateway) out.push({ op: "remove-gateway", ...on, gateway: cur.gateway });
  else if (wantedGateway === null && haveGateway) out.push({ op: "remove-gateway", ...on, gateway: haveGateway });
  else if (os === "windows" && typeof wantedGateway === "string" && haveGateway && haveGateway !== wantedGateway) {
    out.push({ op: "remove-gateway", ...on, gateway: haveGateway });
  }
  for (const c of d.addresses ?? []) {
    if (!have.some((h) => sameCidr(h, c))) out.push({ op: "add-address", ...on, address: c });
  }
  // Linux drops a default route whose gateway stops being on-link: set it again after removals.
  if (typeof wantedGateway === "string" && (wantedGateway !== haveGateway || (os === "linux" && removed))) {
    const carrier = out.find(
      (c): c is Extract<NetworkChange, { op: "add-address" }> =>
        c.op === "add-address" && inSubnet(wantedGateway, c.address),
    );
    // New-NetIPAddress -DefaultGateway: the NetworkingDsc way on Windows.
    if (os === "windows" && carrier) carrier.gateway = wantedGateway;
    else out.push({ op: "set-gateway", ...on, gateway: wantedGateway });
  }
  if (dhcpOn) out.push({ op: "set-dhcp", ...on, enabled: true });
  if (os === "windows") {
    if (d.resetDns) out.push({ op: "set-dns", ...on, servers: [], from: cur?.dns ?? [], reset: true });
    else if (d.dns !== undefined && d.dns.join() !== (cur?.dns ?? []).join()) {
      out.push({ op: "set-dns", ...on, servers: d.dns, from: cur?.dns ?? [] });
    }
  }
  return out;
}

/** The gateway to have after the change: declared, or the current one while it stays on-link; null = none. */
function gatewayWanted(d: DesiredInterface, _cur: InterfaceState | undefined, have: string | undefined) {
  if (d.gateway !== undefined) return d.gateway;
  if (!have || d.addresses === undefined) return undefined;
  if (d.keepExisting) return have;
  return d.addresses.some((c) => inSubnet(have, c)) ? have : undefined;
}

function checkGateways(targets: PlanTarget[]): void {
  for (const t of targets) {
    const gw = t.desired.gateway;
    if (typeof gw !== "string" || (t.desired.addresses !== undefined && !t.desired.keepExisting)) continue;
    const subnets = [...(t.current?.addresses ?? []), ...(t.desired.addresses ?? [])];
    if (!subnets.some((c) => inSubnet(gw, c))) {
      throw new NetworkConfigError(
        "GATEWAY_OUTSIDE_SUBNET",
        `Gateway ${gw} is outside ${t.name}'s subnets (${subnets.map(formatCidr).join(", ") || "it has no address"}).`,
        { fix: "Use a gateway inside one of the interface's subnets, or declare its addresses too." },
      );
    }
  }
}

/** Linux keeps one resolv.conf: the declared servers of every interface, in order, without repeats. */
function linuxDns(state: NetworkState, targets: PlanTarget[]): NetworkChange[] {
  const lists = targets.filter((t) => t.desired.dns !== undefined).map((t) => t.desired.dns ?? []);
  if (lists.length === 0) return [];
  const servers = [...new Set(lists.flat())];
  return servers.join() === state.dns.join() ? [] : [{ op: "set-dns", servers, from: state.dns }];
}

export function planNetwork(state: NetworkState, desired: DesiredInterface[]): NetworkPlan {
  const targets = desired.map((d) => resolve(state, d));
  checkInUse(state, targets);
  checkGateways(targets);
  const changes = targets.flatMap((t) =>
    interfaceChanges(
      state.os,
      t,
      state.interfaces.find((i) => i.name === t.selected),
    ),
  );
  if (state.os === "linux") changes.push(...linuxDns(state, targets));
  const order = new Map(changes.map((c, i) => [c, i]));
  changes.sort((a, b) => phaseOf(a) - phaseOf(b) || (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { os: state.os, targets, changes };
}

/** One line per change, for logs, previews and test messages. */
export function describeChange(c: NetworkChange): string {
  const where = c.interface ?? "guest";
  switch (c.op) {
    case "create-vlan":
      return `${where}: create VLAN ${c.vlanId} on ${c.parent}`;
    case "set-adapter-vlan":
      return `${where}: VLAN ${c.from} → ${c.vlanId}`;
    case "link-up":
      return `${where}: link up`;
    case "set-mtu":
      return `${where}: MTU ${c.from} → ${c.mtu}`;
    case "set-dhcp":
      return `${where}: DHCP ${c.enabled ? "on" : "off"}`;
    case "remove-gateway":
      return `${where}: remove default gateway ${c.gateway}`;
    case "remove-address":
      return `${where}: remove ${formatCidr(c.address)}`;
    case "add-address":
      return `${where}: add ${formatCidr(c.address)}${c.gateway ? ` (gateway ${c.gateway})` : ""}`;
    case "set-gateway":
      return `${where}: default gateway ${c.gateway}`;
    case "set-dns":
      return `${where}: DNS ${c.reset ? "reset" : c.servers.join(", ") || "none"}`;
    case "delete-vlan":
      return `${where}: delete VLAN interface`;
  }
}
