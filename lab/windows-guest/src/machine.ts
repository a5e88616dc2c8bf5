import { readFileSync } from "node:fs";
import { networkInterfaces } from "node:os";

/**
 * The state of the emulated Windows Server 2022 machine: identity, OS
 * version, network adapters with their IPv4 addresses, routes, DNS servers
 * and DHCP flags, and a small in-memory file system. It lives as long as the
 * guest process (a restart is a fresh boot). Network cmdlets change this
 * model only: the container's real interfaces are never touched, so a
 * client connected through "Ethernet0" keeps its connection.
 */
export interface Adapter {
  name: string;
  description: string;
  ifIndex: number;
  /** "00-50-56-AB-CD-EF", as Get-NetAdapter prints it. */
  mac: string;
  status: "Up" | "Disconnected";
  linkSpeed: string;
  vlanId: number;
  dhcp: boolean;
  mtu: number;
  guid: string;
  /** What DHCP hands out on this link (restored by -Dhcp Enabled), if a DHCP server answers there. */
  lease?: { address: string; prefixLength: number; gateway?: string; dns: string[] };
}

export interface Address {
  ifIndex: number;
  address: string;
  prefixLength: number;
  origin: "Manual" | "Dhcp" | "WellKnown";
}

export interface Route {
  ifIndex: number;
  destination: string;
  nextHop: string;
  metric: number;
  origin: "Manual" | "Dhcp";
}

export interface OsInfo {
  caption: string;
  productName: string;
  editionId: string;
  sku: number;
  version: string;
  build: number;
  ubr: number;
  displayVersion: string;
}

export class Machine {
  hostname: string;
  readonly os: OsInfo;
  readonly adapters: Adapter[] = [];
  addresses: Address[] = [];
  routes: Route[] = [];
  readonly dns = new Map<number, string[]>();
  readonly files = new Map<string, { path: string; data: Buffer }>();
  readonly dirs = new Set(
    [
      "C:",
      "C:\\Windows",
      "C:\\Windows\\System32",
      "C:\\Windows\\Temp",
      "C:\\Users",
      "C:\\Users\\Administrator",
      "C:\\Users\\Administrator\\AppData",
      "C:\\Users\\Administrator\\AppData\\Local",
      "C:\\Users\\Administrator\\AppData\\Local\\Temp",
      "C:\\ProgramData",
      "C:\\Program Files",
    ].map((d) => d.toLowerCase()),
  );
  readonly bootTime = new Date();

  constructor(options: { hostname: string; edition?: "Datacenter" | "Standard" }) {
    this.hostname = options.hostname.toUpperCase().slice(0, 15);
    const edition = options.edition ?? "Datacenter";
    this.os = {
      caption: `Microsoft Windows Server 2022 ${edition}`,
      productName: `Windows Server 2022 ${edition}`,
      editionId: `Server${edition}`,
      sku: edition === "Datacenter" ? 8 : 7,
      version: "10.0.20348",
      build: 20348,
      ubr: 2340,
      displayVersion: "21H2",
    };
  }

  adapter(selector: { name?: string; ifIndex?: number }): Adapter | undefined {
    return this.adapters.find(
      (a) =>
        (selector.ifIndex !== undefined && a.ifIndex === selector.ifIndex) ||
        (selector.name !== undefined && a.name.toLowerCase() === selector.name.toLowerCase()),
    );
  }

  /** ifIndex → alias, the loopback pseudo-interface included. */
  alias(ifIndex: number): string {
    return ifIndex === 1 ? "Loopback Pseudo-Interface 1" : (this.adapter({ ifIndex })?.name ?? `Interface ${ifIndex}`);
  }

  addAdapter(a: Omit<Adapter, "guid" | "ifIndex" | "name" | "description">, ifIndex?: number): Adapter {
    const n = this.adapters.length;
    const adapter: Adapter = {
      ...a,
      name: `Ethernet${n}`,
      description: n === 0 ? "vmxnet3 Ethernet Adapter" : `vmxnet3 Ethernet Adapter #${n + 1}`,
      ifIndex: ifIndex ?? 6 + n * 3,
      guid: `{${hexId(a.mac)}}`,
    };
    this.adapters.push(adapter);
    if (adapter.lease && adapter.dhcp) this.applyLease(adapter);
    else if (adapter.dhcp)
      this.addresses.push({
        ifIndex: adapter.ifIndex,
        address: apipa(adapter.mac),
        prefixLength: 16,
        origin: "WellKnown",
      });
    return adapter;
  }

  /** DHCP on: the lease's address, gateway and DNS servers (or an APIPA address when no server answers). */
  applyLease(adapter: Adapter): void {
    this.addresses = this.addresses.filter((x) => x.ifIndex !== adapter.ifIndex);
    this.routes = this.routes.filter((r) => r.ifIndex !== adapter.ifIndex);
    const lease = adapter.lease;
    if (!lease) {
      this.addresses.push({
        ifIndex: adapter.ifIndex,
        address: apipa(adapter.mac),
        prefixLength: 16,
        origin: "WellKnown",
      });
      this.dns.set(adapter.ifIndex, []);
      return;
    }
    this.addresses.push({
      ifIndex: adapter.ifIndex,
      address: lease.address,
      prefixLength: lease.prefixLength,
      origin: "Dhcp",
    });
    if (lease.gateway)
      this.routes.push({
        ifIndex: adapter.ifIndex,
        destination: "0.0.0.0/0",
        nextHop: lease.gateway,
        metric: 0,
        origin: "Dhcp",
      });
    this.dns.set(adapter.ifIndex, [...lease.dns]);
  }

  /** A fixed two-NIC machine for host-process runs: Ethernet0 on DHCP, Ethernet1 unconfigured (APIPA). */
  static synthetic(hostname: string, edition?: "Datacenter" | "Standard"): Machine {
    const m = new Machine({ hostname, ...(edition ? { edition } : {}) });
    const common = { status: "Up" as const, linkSpeed: "10 Gbps", vlanId: 0, mtu: 1500, dhcp: true };
    m.addAdapter({
      ...common,
      mac: "00-50-56-8A-10-01",
      lease: { address: "192.0.2.10", prefixLength: 24, gateway: "192.0.2.1", dns: ["192.0.2.53"] },
    });
    m.addAdapter({ ...common, mac: "00-50-56-8A-10-02" });
    return m;
  }

  /** The container's own interfaces as the guest's NICs (each looks DHCP-configured, as Docker's IPAM is). */
  static fromHost(hostname: string, edition?: "Datacenter" | "Standard"): Machine {
    const m = new Machine({ hostname, ...(edition ? { edition } : {}) });
    const gateways = defaultGateways();
    const dns = resolvers();
    for (const [name, infos] of Object.entries(networkInterfaces())) {
      const v4 = infos?.find((i) => i.family === "IPv4" && !i.internal);
      if (!v4) continue;
      const prefixLength = Number(v4.cidr?.split("/")[1] ?? 24);
      const gateway = gateways.get(name);
      m.addAdapter({
        status: "Up",
        linkSpeed: "10 Gbps",
        vlanId: 0,
        mtu: 1500,
        dhcp: true,
        mac: v4.mac.toUpperCase().replace(/:/g, "-"),
        lease: { address: v4.address, prefixLength, ...(gateway ? { gateway } : {}), dns },
      });
    }
    if (m.adapters.length === 0) return Machine.synthetic(hostname, edition);
    return m;
  }

  /**
   * More NICs than the container has (a lab NIC on a VLAN port group next to
   * the management one): adapters on a network without a DHCP server, so
   * each starts with an APIPA address, as on Windows.
   */
  addUnconfiguredAdapters(count: number): void {
    const base = this.adapters[0]?.mac ?? "00-50-56-8A-10-00";
    for (let i = 0; i < count; i++) {
      const last = (Number.parseInt(base.slice(-2), 16) + this.adapters.length) % 256;
      const mac = `${base.slice(0, -2)}${last.toString(16).toUpperCase().padStart(2, "0")}`;
      this.addAdapter({ status: "Up", linkSpeed: "10 Gbps", vlanId: 0, mtu: 1500, dhcp: true, mac });
    }
  }

  fileKey(path: string): string {
    return path.replace(/\//g, "\\").replace(/\\+$/, "").toLowerCase();
  }

  dirExists(path: string): boolean {
    return this.dirs.has(this.fileKey(path));
  }
}

function hexId(mac: string): string {
  const h = mac.replace(/-/g, "").toUpperCase().padStart(12, "0");
  return `4D36E972-E325-11CE-BFC1-${h}`;
}

/** 169.254.x.y derived from the MAC, as stable as Windows' choice. */
function apipa(mac: string): string {
  const bytes = mac.split("-").map((b) => Number.parseInt(b, 16));
  return `169.254.${(bytes[4] ?? 1) % 254 || 1}.${(bytes[5] ?? 1) % 254 || 1}`;
}

function defaultGateways(): Map<string, string> {
  const out = new Map<string, string>();
  try {
    for (const line of readFileSync("/proc/net/route", "utf8").split("\n").slice(1)) {
      const [iface, dest, gw] = line.trim().split(/\s+/);
      if (iface && dest === "00000000" && gw && gw !== "00000000") {
        const n = Number.parseInt(gw, 16);
        out.set(iface, [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255].join("."));
      }
    }
  } catch {
    // no /proc (not Linux): no gateway
  }
  return out;
}

function resolvers(): string[] {
  try {
    return readFileSync("/etc/resolv.conf", "utf8")
      .split("\n")
      .map((l) => /^nameserver\s+(\d+\.\d+\.\d+\.\d+)/.exec(l.trim())?.[1])
      .filter((x): x is string => !!x && !x.startsWith("127."));
  } catch {
    return [];
  }
}
