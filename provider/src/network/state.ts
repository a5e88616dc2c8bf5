/**
 * What pod knows about a guest's network, read back from the guest: the same
 * model for Linux (ip -j addr/route, resolv.conf) and Windows (Get-NetAdapter,
 * Get-NetIPAddress, Get-NetRoute, Get-DnsClientServerAddress). IPv4 only;
 * link-local (169.254/16) addresses are left out: nobody configures them.
 */
import type { Cidr } from "./cidr";

export type NetworkOs = "linux" | "windows";

export interface InterfaceState {
  name: string;
  /** ifindex (Linux) / InterfaceIndex (Windows). */
  index?: number;
  /** Lower case, colon separated; "" when the interface has none. */
  mac: string;
  mtu: number;
  up: boolean;
  /** Linux link kind (veth, vlan, bridge, …) when the guest reports it. */
  kind?: string;
  /** Linux: this is a VLAN sub-interface of `parent`. Windows: the adapter's VlanID (no parent). */
  vlan?: { id: number; parent?: string };
  /** IPv4 addresses in the order the guest lists them. */
  addresses: Cidr[];
  /** Addresses a DHCP client manages (Linux "dynamic", Windows PrefixOrigin Dhcp). */
  dynamic?: string[];
  /** Default gateway through this interface (lowest metric). */
  gateway?: string;
  /** Windows: this interface's DNS servers. Linux: empty (see NetworkState.dns). */
  dns: string[];
  /** Windows: DHCP enabled on the interface. */
  dhcp?: boolean;
}

/** The interface the controller's own connection runs through, when there is one. */
export interface ManagementInfo {
  /** The guest address the controller is connected to (SSH_CONNECTION's server address, WinRM LocalAddress). */
  guestAddress?: string;
  /** The controller's address as the guest sees it. */
  controllerAddress?: string;
  /** The interface that carries traffic to the controller. */
  interface?: string;
  /** Set when the controller is reached through this gateway rather than on-link. */
  via?: string;
}

export interface NetworkState {
  os: NetworkOs;
  interfaces: InterfaceState[];
  /** Linux: /etc/resolv.conf's nameservers (the guest-wide list). Windows: empty. */
  dns: string[];
  management?: ManagementInfo;
}

export const findInterface = (state: NetworkState, name: string): InterfaceState | undefined =>
  state.interfaces.find((i) => i.name === name);
