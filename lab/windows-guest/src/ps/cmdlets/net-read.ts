import type { Adapter, Address } from "../../machine";
import type { Cmdlet } from "../interpreter";
import { likeRegex, toNumber } from "../operators";
import { enumerate, PSEnum, PSObject, toText } from "../values";
import {
  adapterNotFound,
  adapterObject,
  addressObject,
  allRoutes,
  cim,
  dhcpEnum,
  FILTERS,
  interfaces,
  ipv4,
  LOOPBACK,
  notFound,
  routeObject,
  wantsV4,
  whereText,
} from "./net-common";

/** Get-NetAdapter, Get-NetIPAddress, Get-NetIPInterface, Get-NetRoute, Get-DnsClientServerAddress over the Machine model. */
export const getNetAdapter: Cmdlet = {
  name: "Get-NetAdapter",
  module: "NetAdapter",
  params: [
    { name: "Name", type: "strings", position: 0, aliases: ["ifAlias", "InterfaceAlias"] },
    { name: "InterfaceDescription", type: "strings", aliases: ["ifDesc"] },
    { name: "InterfaceIndex", type: "ints", aliases: ["ifIndex"] },
    { name: "Physical", type: "switch" },
    { name: "IncludeHidden", type: "switch" },
  ],
  run(inv) {
    const m = inv.machine;
    let list = m.adapters;
    for (const [param, pick] of [
      ["Name", (a: Adapter) => a.name],
      ["InterfaceDescription", (a: Adapter) => a.description],
    ] as const) {
      if (!inv.has(param)) continue;
      const out: Adapter[] = [];
      for (const p of enumerate(inv.get(param) ?? null)) {
        const re = likeRegex(toText(p));
        const hits = list.filter((a) => re.test(pick(a)));
        if (hits.length === 0 && !toText(p).includes("*")) adapterNotFound(inv, "MSFT_NetAdapter", param, p);
        out.push(...hits.filter((h) => !out.includes(h)));
      }
      list = out;
    }
    if (inv.has("InterfaceIndex")) {
      const out: Adapter[] = [];
      for (const i of enumerate(inv.get("InterfaceIndex") ?? null)) {
        const hit = list.find((a) => a.ifIndex === toNumber(i));
        if (hit) out.push(hit);
        else adapterNotFound(inv, "MSFT_NetAdapter", "InterfaceIndex", i);
      }
      list = out;
    }
    return list.map((a) => adapterObject(m, a));
  },
};

const getNetIPAddress: Cmdlet = {
  name: "Get-NetIPAddress",
  module: "NetTCPIP",
  params: [
    { name: "IPAddress", type: "strings", position: 0 },
    ...FILTERS,
    { name: "PrefixLength", type: "int" },
    { name: "PrefixOrigin", set: ["Other", "Manual", "WellKnown", "Dhcp", "RouterAdvertisement"] },
    { name: "PolicyStore" },
  ],
  run(inv) {
    const m = inv.machine;
    const ifs = interfaces(inv, m);
    const loopback: Address = { ifIndex: LOOPBACK, address: "127.0.0.1", prefixLength: 8, origin: "WellKnown" };
    let list = wantsV4(inv) ? [...m.addresses, loopback].filter((a) => ifs.includes(a.ifIndex)) : [];
    if (inv.has("IPAddress")) {
      const res = enumerate(inv.get("IPAddress") ?? null).map((p) => likeRegex(toText(p)));
      list = list.filter((a) => res.some((re) => re.test(a.address)));
    }
    if (inv.has("PrefixLength")) list = list.filter((a) => a.prefixLength === toNumber(inv.get("PrefixLength") ?? 0));
    if (inv.has("PrefixOrigin")) list = list.filter((a) => a.origin === toText(inv.get("PrefixOrigin") ?? null));
    const filtered = [
      "IPAddress",
      "InterfaceAlias",
      "InterfaceIndex",
      "AddressFamily",
      "PrefixLength",
      "PrefixOrigin",
    ].some((p) => inv.has(p));
    if (list.length === 0 && filtered)
      notFound(inv, "MSFT_NetIPAddress", whereText(inv, [["IPAddress", inv.get("IPAddress")]]));
    return list.sort((a, b) => a.ifIndex - b.ifIndex).map((a) => addressObject(m, a));
  },
};

const getNetIPInterface: Cmdlet = {
  name: "Get-NetIPInterface",
  module: "NetTCPIP",
  params: [
    ...FILTERS,
    { name: "Dhcp", set: ["Enabled", "Disabled"] },
    { name: "ConnectionState" },
    { name: "PolicyStore" },
  ],
  run(inv) {
    const m = inv.machine;
    const ifs = wantsV4(inv) ? interfaces(inv, m) : [];
    let list = ifs.map((i) => {
      const a = m.adapter({ ifIndex: i });
      const o = new PSObject(
        cim("MSFT_NetIPInterface"),
        {
          ifIndex: i,
          InterfaceIndex: i,
          InterfaceAlias: m.alias(i),
          AddressFamily: ipv4(),
          NlMtu: a?.mtu ?? 4294967295,
          InterfaceMetric: a ? 15 : 75,
          Dhcp: dhcpEnum(a?.dhcp ? "Enabled" : "Disabled"),
          ConnectionState: new PSEnum("ConnectionState", "Connected", 1),
          Forwarding: new PSEnum("Forwarding", "Disabled", 0),
          AutomaticMetric: new PSEnum("AutomaticMetric", "Enabled", 1),
          PolicyStore: "ActiveStore",
          PSComputerName: null,
        },
        [
          "ifIndex",
          "InterfaceAlias",
          "AddressFamily",
          "NlMtu",
          "InterfaceMetric",
          "Dhcp",
          "ConnectionState",
          "PolicyStore",
        ],
      );
      o.view = "table";
      return o;
    });
    if (inv.has("Dhcp")) list = list.filter((o) => toText(o.get("Dhcp") ?? null) === toText(inv.get("Dhcp") ?? null));
    if (list.length === 0 && (inv.has("InterfaceAlias") || inv.has("InterfaceIndex")))
      notFound(inv, "MSFT_NetIPInterface", whereText(inv));
    return list;
  },
};

const getNetRoute: Cmdlet = {
  name: "Get-NetRoute",
  module: "NetTCPIP",
  params: [
    { name: "DestinationPrefix", type: "strings", position: 0 },
    ...FILTERS,
    { name: "NextHop", type: "strings" },
    { name: "PolicyStore" },
  ],
  run(inv) {
    const m = inv.machine;
    const ifs = interfaces(inv, m);
    let list = wantsV4(inv) ? allRoutes(m).filter((r) => ifs.includes(r.ifIndex)) : [];
    if (inv.has("DestinationPrefix")) {
      const res = enumerate(inv.get("DestinationPrefix") ?? null).map((p) => likeRegex(toText(p)));
      list = list.filter((r) => res.some((re) => re.test(r.destination)));
    }
    if (inv.has("NextHop")) {
      const res = enumerate(inv.get("NextHop") ?? null).map((p) => likeRegex(toText(p)));
      list = list.filter((r) => res.some((re) => re.test(r.nextHop)));
    }
    const filtered = ["DestinationPrefix", "InterfaceAlias", "InterfaceIndex", "AddressFamily", "NextHop"].some((p) =>
      inv.has(p),
    );
    if (list.length === 0 && filtered)
      notFound(
        inv,
        "MSFT_NetRoute",
        whereText(inv, [
          ["DestinationPrefix", inv.get("DestinationPrefix")],
          ["NextHop", inv.get("NextHop")],
        ]),
      );
    return list.map((r) => routeObject(m, r));
  },
};

const getDns: Cmdlet = {
  name: "Get-DnsClientServerAddress",
  module: "DnsClient",
  params: [
    { name: "InterfaceAlias", type: "strings", position: 0, aliases: ["ifAlias"] },
    { name: "InterfaceIndex", type: "ints", aliases: ["ifIndex"] },
    { name: "AddressFamily", type: "strings", set: ["IPv4", "IPv6"] },
  ],
  run(inv) {
    const m = inv.machine;
    const ifs = interfaces(inv, m);
    const families = inv.has("AddressFamily")
      ? enumerate(inv.get("AddressFamily") ?? null).map(toText)
      : ["IPv4", "IPv6"];
    const out: PSObject[] = [];
    for (const i of ifs) {
      for (const f of families) {
        const o = new PSObject(
          [
            "Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_DNSClientServerAddress",
            "Microsoft.Management.Infrastructure.CimInstance",
            "System.Object",
          ],
          {
            InterfaceAlias: m.alias(i),
            InterfaceIndex: i,
            AddressFamily: new PSEnum("AddressFamily", f, f === "IPv4" ? 2 : 23),
            ServerAddresses: f === "IPv4" && i !== LOOPBACK ? [...(m.dns.get(i) ?? [])] : [],
            PSComputerName: null,
          },
        );
        o.view = "table";
        out.push(o);
      }
    }
    if (out.length === 0 && (inv.has("InterfaceAlias") || inv.has("InterfaceIndex"))) {
      adapterNotFound(
        inv,
        "MSFT_DNSClientServerAddress",
        inv.has("InterfaceIndex") ? "InterfaceIndex" : "InterfaceAlias",
        inv.get("InterfaceIndex") ?? inv.get("InterfaceAlias") ?? null,
      );
    }
    return out;
  },
};

export const NET_READ_CMDLETS: Cmdlet[] = [getNetAdapter, getNetIPAddress, getNetIPInterface, getNetRoute, getDns];
