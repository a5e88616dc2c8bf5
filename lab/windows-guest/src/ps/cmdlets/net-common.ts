import type { Adapter, Address, Machine, Route } from "../../machine";
import type { ParamSpec } from "../binder";
import type { Invocation } from "../interpreter";
import { likeRegex, toNumber } from "../operators";
import { enumerate, PSEnum, PSObject, type PSValue, toText } from "../values";

/**
 * Shared pieces of the NetAdapter / NetTCPIP / DnsClient cmdlets: MSFT_*
 * objects as Windows shows them (enums as PSEnum: names on screen, numbers in
 * JSON), interface filters, and Windows' error texts. IPv4 only.
 */
export const cim = (cls: string) => [
  `Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/${cls}`,
  `Microsoft.Management.Infrastructure.CimInstance#${cls}`,
  "Microsoft.Management.Infrastructure.CimInstance",
  "System.Object",
];
const e = (type: string, names: string[]) => (name: string) => new PSEnum(type, name, names.indexOf(name));
export const ipv4 = () => new PSEnum("AddressFamily", "IPv4", 2);
export const origin = e("PrefixOrigin", ["Other", "Manual", "WellKnown", "Dhcp", "RouterAdvertisement"]);
export const suffix = e("SuffixOrigin", ["Other", "Manual", "WellKnown", "Dhcp", "Link", "Random"]);
export const dhcpEnum = e("Dhcp", ["Disabled", "Enabled"]);

export const FILTERS: ParamSpec[] = [
  { name: "InterfaceAlias", type: "strings", aliases: ["ifAlias"] },
  { name: "InterfaceIndex", type: "ints", aliases: ["ifIndex"] },
  { name: "AddressFamily", type: "strings", set: ["IPv4", "IPv6"] },
];
export const LOOPBACK = 1;

export const notFound = (inv: Invocation, cls: string, where: string) =>
  inv.error(
    `No matching ${cls} objects found by CIM query for instances of the ROOT/StandardCimv2/${cls} class on the  CIM server: SELECT * FROM ${cls}  WHERE (${where}). Verify query parameters and retry.`,
    {
      exception: "CimJobException",
      category: "ObjectNotFound",
      targetName: `${cls}:String`,
      targetType: "",
      errorId: "CmdletizationQuery_NotFound",
    },
  );

export const adapterNotFound = (inv: Invocation, cls: string, prop: string, value: PSValue) =>
  inv.error(
    `No ${cls} objects found with property '${prop}' equal to '${toText(value)}'.  Verify the value of the property and retry.`,
    {
      exception: "CimJobException",
      category: "ObjectNotFound",
      targetName: toText(value),
      errorId: `CmdletizationQuery_NotFound_${prop}`,
    },
  );

export const cimError = (inv: Invocation, message: string, code: number, target = "MSFT_NetIPAddress") =>
  inv.fail(message, {
    exception: "CimException",
    category: "InvalidArgument",
    targetName: `${target}:ROOT/StandardCimv2/${target}`,
    targetType: "",
    errorId: `Windows System Error ${code}`,
  });

/** Interfaces (loopback included) matching -InterfaceAlias/-InterfaceIndex; undefined filter = all. */
export function interfaces(inv: Invocation, m: Machine): number[] {
  const all = [LOOPBACK, ...m.adapters.map((a) => a.ifIndex)];
  let out = all;
  if (inv.has("InterfaceAlias")) {
    const patterns = enumerate(inv.get("InterfaceAlias") ?? null).map((p) => likeRegex(toText(p)));
    out = out.filter((i) => patterns.some((re) => re.test(m.alias(i))));
  }
  if (inv.has("InterfaceIndex")) {
    const wanted = enumerate(inv.get("InterfaceIndex") ?? null).map((x) => toNumber(x));
    out = out.filter((i) => wanted.includes(i));
  }
  return out;
}

export const wantsV4 = (inv: Invocation) =>
  !inv.has("AddressFamily") || enumerate(inv.get("AddressFamily") ?? null).some((f) => toText(f) === "IPv4");

export function whereText(inv: Invocation, extra: [string, PSValue | undefined][] = []): string {
  const parts: string[] = [];
  for (const [name, value] of [
    ["InterfaceAlias", inv.get("InterfaceAlias")],
    ["InterfaceIndex", inv.get("InterfaceIndex")],
    ...extra,
  ] as [string, PSValue | undefined][]) {
    if (value !== undefined) parts.push(`(${name} LIKE '${enumerate(value).map(toText).join("' OR ")}')`);
  }
  return parts.join(" AND ") || "1=1";
}

export function adapterObject(m: Machine, a: Adapter): PSObject {
  const o = new PSObject(
    cim("MSFT_NetAdapter"),
    {
      Name: a.name,
      InterfaceDescription: a.description,
      ifIndex: a.ifIndex,
      Status: a.status,
      MacAddress: a.mac,
      LinkSpeed: a.linkSpeed,
      MediaConnectionState: new PSEnum(
        "MediaConnectionState",
        a.status === "Up" ? "Connected" : "Disconnected",
        a.status === "Up" ? 1 : 2,
      ),
      VlanID: a.vlanId,
      InterfaceIndex: a.ifIndex,
      InterfaceAlias: a.name,
      ifAlias: a.name,
      ifDesc: a.description,
      DriverDescription: "vmxnet3 Ethernet Adapter",
      DriverProvider: "VMware, Inc.",
      MtuSize: a.mtu,
      InterfaceGuid: a.guid,
      AdminStatus: new PSEnum("AdminStatus", "Up", 1),
      Virtual: false,
      Hidden: false,
      SystemName: m.hostname,
      PSComputerName: null,
    },
    ["Name", "InterfaceDescription", "ifIndex", "Status", "MacAddress", "LinkSpeed"],
  );
  o.view = "table";
  return o;
}

export function addressObject(m: Machine, a: Address, store = "ActiveStore"): PSObject {
  const o = {
    Manual: ["Manual", "Manual"],
    Dhcp: ["Dhcp", "Dhcp"],
    WellKnown: ["WellKnown", a.address.startsWith("169.254.") ? "Link" : "WellKnown"],
  }[a.origin];
  return new PSObject(cim("MSFT_NetIPAddress"), {
    IPAddress: a.address,
    InterfaceIndex: a.ifIndex,
    InterfaceAlias: m.alias(a.ifIndex),
    AddressFamily: ipv4(),
    Type: new PSEnum("Type", "Unicast", 1),
    PrefixLength: a.prefixLength,
    PrefixOrigin: origin(o[0] ?? "Other"),
    SuffixOrigin: suffix(o[1] ?? "Other"),
    AddressState: new PSEnum(
      "AddressState",
      a.address.startsWith("169.254.") ? "Tentative" : "Preferred",
      a.address.startsWith("169.254.") ? 1 : 4,
    ),
    ValidLifetime: a.origin === "Dhcp" ? "23:59:59" : "Infinite ([TimeSpan]::MaxValue)",
    PreferredLifetime: a.origin === "Dhcp" ? "23:59:59" : "Infinite ([TimeSpan]::MaxValue)",
    SkipAsSource: false,
    PolicyStore: store,
    PSComputerName: null,
  });
}

/** Explicit routes plus the on-link ones Windows derives from each address. */
export function allRoutes(m: Machine): Route[] {
  const connected: Route[] = [
    { ifIndex: LOOPBACK, destination: "127.0.0.0/8", nextHop: "0.0.0.0", metric: 256, origin: "Manual" },
    { ifIndex: LOOPBACK, destination: "127.0.0.1/32", nextHop: "0.0.0.0", metric: 256, origin: "Manual" },
  ];
  for (const a of m.addresses) {
    const bits = a.address.split(".").reduce((n, o) => n * 256 + Number(o), 0);
    const mask = a.prefixLength === 0 ? 0 : (0xffffffff << (32 - a.prefixLength)) >>> 0;
    const net = (bits & mask) >>> 0;
    const ip = [24, 16, 8, 0].map((s) => (net >>> s) & 255).join(".");
    connected.push({
      ifIndex: a.ifIndex,
      destination: `${ip}/${a.prefixLength}`,
      nextHop: "0.0.0.0",
      metric: 256,
      origin: "Manual",
    });
    connected.push({
      ifIndex: a.ifIndex,
      destination: `${a.address}/32`,
      nextHop: "0.0.0.0",
      metric: 256,
      origin: "Manual",
    });
  }
  return [...m.routes, ...connected];
}

export function routeObject(m: Machine, r: Route): PSObject {
  const o = new PSObject(
    cim("MSFT_NetRoute"),
    {
      DestinationPrefix: r.destination,
      NextHop: r.nextHop,
      RouteMetric: r.metric,
      ifIndex: r.ifIndex,
      InterfaceIndex: r.ifIndex,
      InterfaceAlias: m.alias(r.ifIndex),
      AddressFamily: ipv4(),
      InterfaceMetric: r.ifIndex === LOOPBACK ? 75 : 15,
      Protocol:
        r.origin === "Dhcp"
          ? new PSEnum("Protocol", "Dhcp", 19)
          : new PSEnum("Protocol", r.nextHop === "0.0.0.0" ? "Local" : "NetMgmt", r.nextHop === "0.0.0.0" ? 2 : 3),
      State: new PSEnum("State", "Alive", 1),
      TypeOfRoute: new PSEnum(
        "TypeOfRoute",
        r.nextHop === "0.0.0.0" ? "Local" : "Remote",
        r.nextHop === "0.0.0.0" ? 3 : 4,
      ),
      PolicyStore: "ActiveStore",
      PSComputerName: null,
    },
    ["ifIndex", "DestinationPrefix", "NextHop", "RouteMetric", "InterfaceMetric", "PolicyStore"],
  );
  o.view = "table";
  return o;
}

/** The one adapter a Set-/New- cmdlet targets; writes Windows' not-found error otherwise. */
export function target(inv: Invocation, cls: string): Adapter | undefined {
  const m = inv.machine;
  if (!inv.has("InterfaceAlias") && !inv.has("InterfaceIndex")) {
    return inv.fail("Parameter set cannot be resolved using the specified named parameters.", {
      exception: "ParameterBindingException",
      category: "InvalidArgument",
      errorId: "AmbiguousParameterSet",
    });
  }
  const alias = enumerate(inv.get("InterfaceAlias") ?? null)[0];
  const index = enumerate(inv.get("InterfaceIndex") ?? null)[0];
  const a = inv.has("InterfaceIndex")
    ? m.adapter({ ifIndex: toNumber(index ?? 0) })
    : m.adapter({ name: toText(alias ?? null) });
  if (!a)
    adapterNotFound(
      inv,
      cls,
      inv.has("InterfaceIndex") ? "InterfaceIndex" : "InterfaceAlias",
      (inv.has("InterfaceIndex") ? index : alias) ?? null,
    );
  return a;
}
