/**
 * Reading a Windows guest's network in one PowerShell round trip: adapters,
 * IPv4 addresses, IP interfaces (DHCP, MTU), default routes, DNS servers and
 * the WinRM connections (to find the management interface), as one JSON
 * object. Scalars only (Select-Object), arrays forced with @(); the parser
 * also takes what ConvertTo-Json makes of one-element arrays (an object) and
 * enums as numbers (5.1) or names.
 */
import { PodError } from "../../common/errors";
import type { Cidr } from "../cidr";
import type { InterfaceState, ManagementInfo, NetworkState } from "../state";

export const WINDOWS_READ_SCRIPT = [
  "$ErrorActionPreference = 'Stop'",
  "$mgmt = @()",
  "if (Get-Command Get-NetTCPConnection -ErrorAction SilentlyContinue) { $mgmt = @(Get-NetTCPConnection -State Established -LocalPort 5985,5986 -ErrorAction SilentlyContinue | Select-Object LocalAddress,RemoteAddress) }",
  "$adapters = @(Get-NetAdapter | Select-Object Name,InterfaceIndex,MacAddress,Status,VlanID)",
  "$addresses = @(Get-NetIPAddress -AddressFamily IPv4 -ErrorAction SilentlyContinue | Select-Object InterfaceIndex,IPAddress,PrefixLength,PrefixOrigin)",
  "$interfaces = @(Get-NetIPInterface -AddressFamily IPv4 | Select-Object ifIndex,Dhcp,NlMtu)",
  "$routes = @(Get-NetRoute -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Select-Object ifIndex,NextHop,RouteMetric)",
  "$dns = @(Get-DnsClientServerAddress -AddressFamily IPv4 | Select-Object InterfaceIndex,ServerAddresses)",
  "[pscustomobject]@{ podNetwork = 1; adapters = $adapters; addresses = $addresses; interfaces = $interfaces; routes = $routes; dns = $dns; management = $mgmt } | ConvertTo-Json -Depth 5 -Compress",
].join("\n");

type Json = Record<string, unknown>;

const list = (value: unknown): Json[] =>
  (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).filter(
    (v): v is Json => typeof v === "object" && v !== null,
  );
const strings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value]).map(String);
const num = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
/** PrefixOrigin: 5.1 writes the number (3 = Dhcp), PowerShell 7 may write the name. */
const isDhcpOrigin = (value: unknown) => value === 3 || value === "Dhcp";
const isEnabled = (value: unknown) => value === 1 || value === "Enabled";

function parseJson(stdout: string): Json {
  const start = stdout.indexOf("{");
  const end = stdout.lastIndexOf("}");
  try {
    if (start >= 0 && end > start) {
      const value = JSON.parse(stdout.slice(start, end + 1)) as Json;
      if (value.podNetwork === 1) return value;
    }
  } catch {
    // reported below
  }
  throw new PodError("COMMAND_FAILED", "The guest's network read did not return the expected JSON.", {
    fix: "Check that the guest runs Windows PowerShell 5.1 or later with the NetAdapter/NetTCPIP modules.",
    details: { output: stdout.slice(0, 2000) },
  });
}

function management(j: Json, adapters: InterfaceState[], targetHost?: string): ManagementInfo | undefined {
  const [conn] = list(j.management).filter((c) => typeof c.LocalAddress === "string" && c.LocalAddress !== "::1");
  const guestAddress = (conn?.LocalAddress as string | undefined) ?? targetHost;
  if (!guestAddress) return undefined;
  const owner = adapters.find((a) => a.addresses.some((c) => c.address === guestAddress));
  return {
    guestAddress,
    ...(typeof conn?.RemoteAddress === "string" ? { controllerAddress: conn.RemoteAddress } : {}),
    ...(owner ? { interface: owner.name } : {}),
  };
}

/**
 * Parses WINDOWS_READ_SCRIPT's output. `targetHost` is the address the
 * controller dialled: when the guest cannot list its TCP connections, the
 * adapter holding that address is the management interface.
 */
export function parseWindowsState(stdout: string, targetHost?: string): NetworkState {
  const j = parseJson(stdout);
  const byIndex = (rows: Json[], key: string, index: number) => rows.filter((r) => num(r[key]) === index);
  const addresses = list(j.addresses);
  const ipifs = list(j.interfaces);
  const routes = list(j.routes).sort((a, b) => (num(a.RouteMetric) ?? 0) - (num(b.RouteMetric) ?? 0));
  const dns = list(j.dns);
  const interfaces = list(j.adapters).map((a): InterfaceState => {
    const index = num(a.InterfaceIndex) ?? -1;
    const own = byIndex(addresses, "InterfaceIndex", index).filter(
      (x) => typeof x.IPAddress === "string" && !x.IPAddress.startsWith("169.254."),
    );
    const cidrs: Cidr[] = own.map((x) => ({ address: x.IPAddress as string, prefix: num(x.PrefixLength) ?? 0 }));
    const dynamic = own.filter((x) => isDhcpOrigin(x.PrefixOrigin)).map((x) => x.IPAddress as string);
    const ipif = byIndex(ipifs, "ifIndex", index)[0];
    const route = byIndex(routes, "ifIndex", index)[0];
    const vlan = num(a.VlanID) ?? 0;
    return {
      name: String(a.Name),
      index,
      mac: String(a.MacAddress ?? "")
        .toLowerCase()
        .replace(/-/g, ":"),
      mtu: num(ipif?.NlMtu) ?? 0,
      up: a.Status === "Up" || a.Status === 1,
      ...(vlan ? { vlan: { id: vlan } } : {}),
      addresses: cidrs,
      ...(dynamic.length ? { dynamic } : {}),
      ...(typeof route?.NextHop === "string" && route.NextHop !== "0.0.0.0" ? { gateway: route.NextHop } : {}),
      dns: strings(byIndex(dns, "InterfaceIndex", index)[0]?.ServerAddresses),
      dhcp: isEnabled(ipif?.Dhcp),
    };
  });
  const mgmt = management(j, interfaces, targetHost);
  return { os: "windows", interfaces, dns: [], ...(mgmt ? { management: mgmt } : {}) };
}
