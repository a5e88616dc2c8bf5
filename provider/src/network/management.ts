/**
 * The branch the controller sits on: which planned changes would cut the
 * connection pod is using to make them. Pure; the engine refuses such a plan
 * unless the user opted in (allowManagementChange), and then applies it
 * detached with an automatic revert, or over a transport that does not
 * depend on the guest's address (Docker exec, VMware Tools guest operations).
 */
import { inSubnet } from "./cidr";
import { NetworkConfigError } from "./errors";
import { describeChange, type NetworkPlan } from "./plan";
import type { NetworkState } from "./state";

/** The interface the controller's connection runs through, if any. */
export function managementInterface(state: NetworkState): string | undefined {
  const m = state.management;
  if (!m) return undefined;
  if (m.interface) return m.interface;
  return state.interfaces.find((i) => i.addresses.some((c) => c.address === m.guestAddress))?.name;
}

/** Why the plan would cut the controller off; empty when it would not. */
export function managementImpact(state: NetworkState, plan: NetworkPlan): string[] {
  const name = managementInterface(state);
  const m = state.management;
  if (!name || !m) return [];
  const reasons: string[] = [];
  const onIt = plan.changes.filter((c) => c.interface === name);
  const readded = onIt.some((c) => c.op === "add-address" && c.address.address === m.guestAddress);
  for (const c of onIt) {
    switch (c.op) {
      case "remove-address":
        if (c.address.address === m.guestAddress && !readded) reasons.push(describeChange(c));
        break;
      case "remove-gateway":
      case "set-gateway":
        // On-link controllers do not care about the default route.
        if (m.via) reasons.push(describeChange(c));
        break;
      case "set-dhcp":
      case "set-adapter-vlan":
      case "delete-vlan":
        reasons.push(describeChange(c));
        break;
      default:
        break;
    }
  }
  return reasons;
}

/**
 * The address to reach the guest on after the plan: the current one when it
 * stays, else the management interface's declared address on the
 * controller's subnet (the controller can reach it on-link), else its first.
 */
export function managementAddressAfter(state: NetworkState, plan: NetworkPlan): string | undefined {
  const name = managementInterface(state);
  const m = state.management;
  const target = plan.targets.find((t) => t.name === name);
  const addresses = target?.desired.addresses;
  if (!addresses || addresses.some((c) => c.address === m?.guestAddress)) return m?.guestAddress;
  const onLink = m?.controllerAddress ? addresses.find((c) => inSubnet(m.controllerAddress ?? "", c)) : undefined;
  return (onLink ?? addresses[0])?.address;
}

export function managementRefusal(state: NetworkState, reasons: string[], fix?: string): NetworkConfigError {
  const name = managementInterface(state);
  const m = state.management;
  return new NetworkConfigError(
    "MANAGEMENT_INTERFACE",
    `The change would cut pod's own connection: ${name} carries it (guest ${m?.guestAddress ?? "?"}, controller ${m?.controllerAddress ?? "?"}): ${reasons.join("; ")}.`,
    {
      fix:
        fix ??
        "Set allowManagementChange: true to apply it detached with an automatic revert, or reach the guest through a transport that does not use this address (docker, guestops).",
      details: { interface: name, management: m, changes: reasons },
    },
  );
}
