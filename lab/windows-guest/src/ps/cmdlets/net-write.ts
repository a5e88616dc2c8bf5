import type { Address, Route } from "../../machine";
import type { Cmdlet, Invocation } from "../interpreter";
import { isIPv4, likeRegex, toNumber } from "../operators";
import { enumerate, PSObject, type PSValue, toText } from "../values";
import {
  adapterNotFound,
  adapterObject,
  addressObject,
  cimError,
  FILTERS,
  interfaces,
  notFound,
  target,
  wantsV4,
  whereText,
} from "./net-common";

/**
 * New-NetIPAddress, Remove-NetIPAddress, Remove-NetRoute, Set-DnsClientServerAddress,
 * Set-NetIPInterface and Set-NetAdapter: they change the Machine model only, with
 * Windows' errors ("Instance MSFT_NetIPAddress already exists", "Inconsistent
 * parameters PolicyStore PersistentStore and Dhcp Enabled", the NonInteractive
 * confirmation error without -Confirm:$false, …).
 */
const newNetIPAddress: Cmdlet = {
  name: "New-NetIPAddress",
  module: "NetTCPIP",
  params: [
    { name: "IPAddress", position: 0 },
    { name: "InterfaceAlias", type: "strings", aliases: ["ifAlias"] },
    { name: "InterfaceIndex", type: "ints", aliases: ["ifIndex"] },
    { name: "PrefixLength", type: "int" },
    { name: "DefaultGateway" },
    { name: "AddressFamily", set: ["IPv4", "IPv6"] },
    { name: "Type" },
    { name: "PolicyStore" },
    { name: "SkipAsSource", type: "any" },
    { name: "ValidLifetime", type: "any" },
    { name: "PreferredLifetime", type: "any" },
  ],
  run(inv) {
    const m = inv.machine;
    const address = toText(inv.get("IPAddress") ?? null);
    if (!inv.has("IPAddress"))
      inv.fail("Cannot process command because of one or more missing mandatory parameters: IPAddress.", {
        exception: "ParameterBindingException",
        category: "InvalidArgument",
        errorId: "MissingMandatoryParameter",
      });
    const a = target(inv, "MSFT_NetIPInterface");
    if (!a) return [];
    if (!isIPv4(address)) return cimError(inv, "The parameter is incorrect. ", 87);
    const prefixLength = inv.has("PrefixLength") ? toNumber(inv.get("PrefixLength") ?? 0) : 8;
    if (prefixLength < 0 || prefixLength > 32) return cimError(inv, "The parameter is incorrect. ", 87);
    const gateway = inv.has("DefaultGateway") ? toText(inv.get("DefaultGateway") ?? null) : undefined;
    if (gateway !== undefined && !isIPv4(gateway)) return cimError(inv, "The parameter is incorrect. ", 87);
    if (m.addresses.some((x) => x.ifIndex === a.ifIndex && x.address === address))
      return cimError(inv, "Instance MSFT_NetIPAddress already exists", 87);
    if (m.addresses.some((x) => x.address === address)) return cimError(inv, "The object already exists.", 5010);
    if (a.dhcp) return cimError(inv, "Inconsistent parameters PolicyStore PersistentStore and Dhcp Enabled", 87);
    // A manual address replaces the APIPA placeholder of an unconfigured interface.
    m.addresses = m.addresses.filter((x) => !(x.ifIndex === a.ifIndex && x.origin === "WellKnown"));
    const added: Address = { ifIndex: a.ifIndex, address, prefixLength, origin: "Manual" };
    m.addresses.push(added);
    const out = [addressObject(m, added, "ActiveStore"), addressObject(m, added, "PersistentStore")];
    if (gateway !== undefined) {
      if (m.routes.some((r) => r.ifIndex === a.ifIndex && r.destination === "0.0.0.0/0" && r.nextHop === gateway)) {
        inv.error("Instance DefaultGateway already exists", {
          exception: "CimException",
          category: "InvalidArgument",
          targetName: "MSFT_NetIPAddress:ROOT/StandardCimv2/MSFT_NetIPAddress",
          targetType: "",
          errorId: "Windows System Error 87",
        });
      } else
        m.routes.push({
          ifIndex: a.ifIndex,
          destination: "0.0.0.0/0",
          nextHop: gateway,
          metric: 256,
          origin: "Manual",
        });
    }
    return out;
  },
};

const inputOf = (inv: Invocation, cls: string): PSObject[] =>
  [...enumerate(inv.get("InputObject") ?? null), ...inv.input].filter(
    (o): o is PSObject => o instanceof PSObject && o.typeName.endsWith(cls),
  );

const removeNetIPAddress: Cmdlet = {
  name: "Remove-NetIPAddress",
  module: "NetTCPIP",
  params: [
    { name: "IPAddress", type: "strings", position: 0 },
    ...FILTERS,
    { name: "PrefixLength", type: "int" },
    { name: "PrefixOrigin" },
    { name: "InputObject", type: "any" },
    { name: "PolicyStore" },
    { name: "PassThru", type: "switch" },
  ],
  run(inv) {
    const m = inv.machine;
    const objects = inputOf(inv, "MSFT_NetIPAddress");
    let list: Address[];
    if (objects.length > 0) {
      list = m.addresses.filter((a) =>
        objects.some((o) => o.get("IPAddress") === a.address && o.get("InterfaceIndex") === a.ifIndex),
      );
    } else {
      const ifs = interfaces(inv, m);
      list = wantsV4(inv) ? m.addresses.filter((a) => ifs.includes(a.ifIndex)) : [];
      if (inv.has("IPAddress")) {
        const res = enumerate(inv.get("IPAddress") ?? null).map((p) => likeRegex(toText(p)));
        list = list.filter((a) => res.some((re) => re.test(a.address)));
      }
      if (inv.has("PrefixLength")) list = list.filter((a) => a.prefixLength === toNumber(inv.get("PrefixLength") ?? 0));
      if (list.length === 0) {
        notFound(inv, "MSFT_NetIPAddress", whereText(inv, [["IPAddress", inv.get("IPAddress")]]));
        return [];
      }
    }
    if (list.length === 0 || !inv.confirmed()) return [];
    m.addresses = m.addresses.filter((a) => !list.includes(a));
    return [];
  },
};

const removeNetRoute: Cmdlet = {
  name: "Remove-NetRoute",
  module: "NetTCPIP",
  params: [
    { name: "DestinationPrefix", type: "strings", position: 0 },
    ...FILTERS,
    { name: "NextHop", type: "strings" },
    { name: "InputObject", type: "any" },
    { name: "PolicyStore" },
    { name: "PassThru", type: "switch" },
  ],
  run(inv) {
    const m = inv.machine;
    const objects = inputOf(inv, "MSFT_NetRoute");
    let list: Route[];
    if (objects.length > 0) {
      list = m.routes.filter((r) =>
        objects.some(
          (o) =>
            o.get("DestinationPrefix") === r.destination &&
            o.get("ifIndex") === r.ifIndex &&
            o.get("NextHop") === r.nextHop,
        ),
      );
    } else {
      const ifs = interfaces(inv, m);
      list = m.routes.filter((r) => ifs.includes(r.ifIndex));
      for (const [param, pick] of [
        ["DestinationPrefix", (r: Route) => r.destination],
        ["NextHop", (r: Route) => r.nextHop],
      ] as const) {
        if (!inv.has(param)) continue;
        const res = enumerate(inv.get(param) ?? null).map((p) => likeRegex(toText(p)));
        list = list.filter((r) => res.some((re) => re.test(pick(r))));
      }
      if (list.length === 0) {
        notFound(
          inv,
          "MSFT_NetRoute",
          whereText(inv, [
            ["DestinationPrefix", inv.get("DestinationPrefix")],
            ["NextHop", inv.get("NextHop")],
          ]),
        );
        return [];
      }
    }
    if (list.length === 0 || !inv.confirmed()) return [];
    m.routes = m.routes.filter((r) => !list.includes(r));
    return [];
  },
};

const setDns: Cmdlet = {
  name: "Set-DnsClientServerAddress",
  module: "DnsClient",
  params: [
    { name: "InterfaceAlias", type: "strings", position: 0, aliases: ["ifAlias"] },
    { name: "InterfaceIndex", type: "ints", aliases: ["ifIndex"] },
    { name: "ServerAddresses", type: "strings", aliases: ["Addresses"] },
    { name: "ResetServerAddresses", type: "switch" },
    { name: "Validate", type: "switch" },
    { name: "PassThru", type: "switch" },
  ],
  run(inv) {
    const m = inv.machine;
    const a = target(inv, "MSFT_DNSClientServerAddress");
    if (!a) return [];
    if (inv.get("ResetServerAddresses") === true) {
      m.dns.set(a.ifIndex, a.dhcp && a.lease ? [...a.lease.dns] : []);
      return [];
    }
    const servers = enumerate(inv.get("ServerAddresses") ?? null).map(toText);
    if (!inv.has("ServerAddresses"))
      return inv.fail("Parameter set cannot be resolved using the specified named parameters.", {
        exception: "ParameterBindingException",
        category: "InvalidArgument",
        errorId: "AmbiguousParameterSet",
      });
    if (servers.some((s) => !isIPv4(s)))
      return cimError(inv, "The parameter is incorrect. ", 87, "MSFT_DNSClientServerAddress");
    m.dns.set(a.ifIndex, servers);
    return [];
  },
};

const setNetIPInterface: Cmdlet = {
  name: "Set-NetIPInterface",
  module: "NetTCPIP",
  params: [
    ...FILTERS,
    { name: "Dhcp", set: ["Enabled", "Disabled"] },
    { name: "InterfaceMetric", type: "int" },
    { name: "NlMtuBytes", type: "int" },
    { name: "AutomaticMetric" },
    { name: "PolicyStore" },
    { name: "PassThru", type: "switch" },
  ],
  run(inv) {
    const m = inv.machine;
    const a = target(inv, "MSFT_NetIPInterface");
    if (!a) return [];
    if (inv.has("NlMtuBytes")) a.mtu = toNumber(inv.get("NlMtuBytes") ?? 1500);
    if (!inv.has("Dhcp")) return [];
    const enable = toText(inv.get("Dhcp") ?? null) === "Enabled";
    if (enable === a.dhcp) return [];
    a.dhcp = enable;
    if (enable) {
      // DHCP on: manual addresses and gateways go, the lease (or APIPA) comes back.
      m.routes = m.routes.filter((r) => r.ifIndex !== a.ifIndex);
      m.applyLease(a);
    } else {
      m.addresses = m.addresses.filter((x) => x.ifIndex !== a.ifIndex || x.origin === "Manual");
      m.routes = m.routes.filter((r) => r.ifIndex !== a.ifIndex || r.origin === "Manual");
      const dns = m.dns.get(a.ifIndex) ?? [];
      if (a.lease && dns.join() === a.lease.dns.join()) m.dns.set(a.ifIndex, []);
    }
    return [];
  },
};

const setNetAdapter: Cmdlet = {
  name: "Set-NetAdapter",
  module: "NetAdapter",
  params: [
    { name: "Name", type: "strings", position: 0, aliases: ["ifAlias", "InterfaceAlias"] },
    { name: "InterfaceDescription", type: "strings" },
    { name: "VlanID", type: "int" },
    { name: "MacAddress" },
    { name: "NoRestart", type: "switch" },
    { name: "PassThru", type: "switch" },
    { name: "InputObject", type: "any" },
  ],
  run(inv) {
    const m = inv.machine;
    const objects = inputOf(inv, "MSFT_NetAdapter");
    const names = objects.length > 0 ? objects.map((o) => o.get("Name") ?? null) : enumerate(inv.get("Name") ?? null);
    const out: PSValue[] = [];
    for (const n of names) {
      const a = m.adapter({ name: toText(n) });
      if (!a) {
        adapterNotFound(inv, "MSFT_NetAdapter", "Name", n);
        continue;
      }
      if (inv.has("VlanID")) {
        const vlan = toNumber(inv.get("VlanID") ?? 0);
        if (vlan < 0 || vlan > 4094) {
          inv.fail(
            `Cannot validate argument on parameter 'VlanID'. The ${vlan} argument is ${vlan < 0 ? "less than the minimum allowed range of 0" : "greater than the maximum allowed range of 4094"}. Supply an argument that is ${vlan < 0 ? "greater than or equal to 0" : "less than or equal to 4094"} and then try the command again.`,
            {
              exception: "ParameterBindingValidationException",
              category: "InvalidData",
              errorId: "ParameterArgumentValidationError",
            },
          );
        }
        a.vlanId = vlan;
      }
      if (inv.has("MacAddress"))
        a.mac = toText(inv.get("MacAddress") ?? null)
          .toUpperCase()
          .replace(/[:]/g, "-");
      if (inv.get("PassThru") === true) out.push(adapterObject(m, a));
    }
    return out;
  },
};

export const NET_WRITE_CMDLETS: Cmdlet[] = [
  newNetIPAddress,
  removeNetIPAddress,
  removeNetRoute,
  setDns,
  setNetIPInterface,
  setNetAdapter,
];
