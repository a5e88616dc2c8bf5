/**
 * The state a plan leads to, computed without touching the guest: used to
 * build the revert of a detached apply before the change runs (the guest
 * must carry its own way back).
 */
import { sameCidr } from "./cidr";
import type { NetworkChange, NetworkPlan } from "./plan";
import type { InterfaceState, NetworkState } from "./state";

function applyChange(state: NetworkState, c: NetworkChange): void {
  const iface = state.interfaces.find((i) => i.name === c.interface);
  switch (c.op) {
    case "create-vlan": {
      const parent = state.interfaces.find((i) => i.name === c.parent);
      const created: InterfaceState = {
        name: c.interface,
        mac: parent?.mac ?? "",
        mtu: parent?.mtu ?? 1500,
        up: false,
        kind: "vlan",
        vlan: { id: c.vlanId, parent: c.parent },
        addresses: [],
        dns: [],
      };
      state.interfaces.push(created);
      return;
    }
    case "delete-vlan":
      state.interfaces = state.interfaces.filter((i) => i.name !== c.interface);
      return;
    case "set-dns":
      if (state.os === "linux" || !iface) state.dns = [...c.servers];
      else iface.dns = [...c.servers];
      return;
    default:
      break;
  }
  if (!iface) return;
  switch (c.op) {
    case "link-up":
      iface.up = true;
      break;
    case "set-mtu":
      iface.mtu = c.mtu;
      break;
    case "set-adapter-vlan":
      iface.vlan = c.vlanId ? { id: c.vlanId } : undefined;
      break;
    case "set-dhcp":
      iface.dhcp = c.enabled;
      break;
    case "remove-gateway":
      if (iface.gateway === c.gateway) iface.gateway = undefined;
      break;
    case "remove-address":
      iface.addresses = iface.addresses.filter((a) => !sameCidr(a, c.address));
      break;
    case "add-address":
      iface.addresses.push({ ...c.address });
      if (c.gateway) iface.gateway = c.gateway;
      break;
    case "set-gateway":
      // Linux has one default route in the main table: `replace` moves it.
      if (state.os === "linux") for (const other of state.interfaces) other.gateway = undefined;
      iface.gateway = c.gateway;
      break;
    default:
      break;
  }
}

export function simulatePlan(state: NetworkState, plan: NetworkPlan): NetworkState {
  const next: NetworkState = structuredClone(state);
  for (const c of plan.changes) applyChange(next, c);
  return next;
}
