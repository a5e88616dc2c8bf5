/**
 * The guest network declaration: a zod schema (what Pulumi's check and the
 * schema generator see) and the validation that turns it into the desired
 * state the planner works with. Every refusal names the property and says
 * what to fix, and carries the network error code (INVALID_ADDRESS,
 * GATEWAY_OUTSIDE_SUBNET, INVALID_VLAN, INVALID_INPUT) in the issue's params,
 * so the same input gets the same code whichever OS it was meant for.
 */
import { z } from "zod";
import {
  type Cidr,
  formatCidr,
  inSubnet,
  isHostAddress,
  isIpv4,
  netmaskToPrefix,
  parseCidr,
  unusableReason,
} from "./cidr";
import { NetworkConfigError, type NetworkErrorCode } from "./errors";

/**
 * Interface names: letters, digits and `_ . : @ + -`, plus inner spaces for
 * Windows aliases ("Ethernet 2"). No shell metacharacters, even though every
 * name sent to a shell is quoted as well.
 */
export const INTERFACE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.:@+ -]{0,62}[A-Za-z0-9_.:@+-])?$/;
const MAC = /^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$/;
export const MTU_MIN = 68;
export const MTU_MAX = 9216;

export const addressSpecSchema = z
  .object({
    address: z.string().describe('IPv4 address, optionally with its prefix: "10.0.0.5" or "10.0.0.5/24".'),
    prefix: z.number().int().optional().describe("Prefix length 0–32 (when address has no /prefix)."),
    netmask: z.string().optional().describe('Contiguous netmask such as "255.255.255.0" (instead of prefix).'),
  })
  .describe("One IPv4 address with its prefix length or netmask.");

export const interfaceSpecSchema = z
  .object({
    name: z.string().optional().describe('Interface name: "eth0", "ens192", "Ethernet0". Give name or mac.'),
    mac: z.string().optional().describe('MAC address of the interface, "00:50:56:..." or "00-50-56-...".'),
    vlanId: z
      .number()
      .int()
      .optional()
      .describe(
        "In-guest 802.1Q VLAN id 1–4094 (0 = none). Linux: a sub-interface <name>.<vlanId> carries the addresses; Windows: the adapter's VlanID.",
      ),
    addresses: z
      .array(addressSpecSchema)
      .optional()
      .describe(
        "The exact IPv4 addresses the interface should have; others are removed (unless keepExistingAddresses). Unset: left as they are.",
      ),
    keepExistingAddresses: z
      .boolean()
      .optional()
      .describe(
        "Add the listed addresses and keep the ones the interface already has (a DHCP or management address); delete takes back only what pod added. Default false: the list is the exact set.",
      ),
    gateway: z
      .string()
      .optional()
      .describe("Default gateway through this interface; must lie inside one of its subnets."),
    dns: z
      .array(z.string())
      .optional()
      .describe("DNS servers in order (Linux: /etc/resolv.conf for the guest; Windows: per interface)."),
    mtu: z.number().int().optional().describe(`MTU in bytes, ${MTU_MIN}–${MTU_MAX}.`),
  })
  .describe("Desired network state of one guest interface, chosen by name or MAC.");

export type AddressSpec = z.infer<typeof addressSpecSchema>;
export type InterfaceSpec = z.infer<typeof interfaceSpecSchema>;

/** One interface as the planner wants it. Fields left undefined are not managed. */
export interface DesiredInterface {
  /** How messages name it: "eth0" or "mac 00:50:56:…". */
  label: string;
  name?: string;
  /** Lower case, colon separated. */
  mac?: string;
  vlanId?: number;
  addresses?: Cidr[];
  /** `addresses` are added to what the interface has; nothing else is removed. */
  keepExisting?: boolean;
  /** Restores only: addresses pod added, to take back (keepExisting declarations). */
  removeAddresses?: Cidr[];
  /** null: no default route through this interface (restores only). */
  gateway?: string | null;
  dns?: string[];
  mtu?: number;
  /** Restores only: DHCP back on (Windows). */
  dhcp?: boolean;
  /** Restores only: the VLAN sub-interface pod created must go. */
  absent?: boolean;
  /** Restores only: DNS servers back to what DHCP gives (Windows). */
  resetDns?: boolean;
}

type Issue = { path: (string | number)[]; message: string; code: NetworkErrorCode };

export const normalizeMac = (mac: string): string => mac.toLowerCase().replace(/-/g, ":");

function addressOf(spec: AddressSpec, path: (string | number)[], issues: Issue[]): Cidr | undefined {
  const bad = (message: string, at: string = "address") =>
    issues.push({ path: [...path, at], message, code: "INVALID_ADDRESS" });
  const text = spec.address.trim();
  let cidr: Cidr | undefined;
  if (text.includes("/")) {
    cidr = parseCidr(text);
    if (!cidr) return void bad(`"${text}" is not an IPv4 address with a prefix 0–32 (like 10.0.0.5/24)`);
    if (spec.prefix !== undefined || spec.netmask !== undefined) {
      return void bad(`"${text}" already has a prefix: drop prefix/netmask or the "/${cidr.prefix}"`);
    }
  } else {
    if (!isIpv4(text)) return void bad(`"${text}" is not an IPv4 address (four numbers 0–255, like 10.0.0.5)`);
    if (spec.prefix !== undefined && spec.netmask !== undefined) {
      return void bad("give prefix or netmask, not both", "netmask");
    }
    if (spec.prefix !== undefined) {
      if (spec.prefix < 0 || spec.prefix > 32) return void bad(`prefix ${spec.prefix} is not 0–32`, "prefix");
      cidr = { address: text, prefix: spec.prefix };
    } else if (spec.netmask !== undefined) {
      const prefix = netmaskToPrefix(spec.netmask.trim());
      if (prefix === undefined) {
        return void bad(`netmask "${spec.netmask}" is not a contiguous IPv4 netmask (like 255.255.255.0)`, "netmask");
      }
      cidr = { address: text, prefix };
    } else {
      return void bad(`"${text}" needs a prefix: write "${text}/24", or set prefix or netmask`);
    }
  }
  const unusable = unusableReason(cidr.address);
  if (unusable) return void bad(`${cidr.address} ${unusable}`);
  if (!isHostAddress(cidr.address, cidr)) {
    return void bad(`${formatCidr(cidr)} is the network or broadcast address of its subnet: pick a host address`);
  }
  return cidr;
}

function interfaceOf(spec: InterfaceSpec, path: (string | number)[], issues: Issue[]): DesiredInterface {
  const add = (at: string, message: string, code: NetworkErrorCode = "INVALID_INPUT") =>
    issues.push({ path: [...path, at], message, code });
  const out: DesiredInterface = { label: spec.name ?? `mac ${spec.mac ?? "?"}` };
  if ((spec.name === undefined) === (spec.mac === undefined)) add("name", "give exactly one of name or mac");
  if (spec.name !== undefined) {
    if (!INTERFACE_NAME.test(spec.name)) {
      add(
        "name",
        `"${spec.name}" is not an interface name: use letters, digits, '_', '.', ':', '@', '+', '-' (and inner spaces), up to 64 characters; no shell metacharacters`,
      );
    } else out.name = spec.name;
  }
  if (spec.mac !== undefined) {
    if (!MAC.test(spec.mac)) add("mac", `"${spec.mac}" is not a MAC address (like 00:50:56:8a:10:01)`);
    else out.mac = normalizeMac(spec.mac);
  }
  if (spec.vlanId !== undefined) {
    if (spec.vlanId < 0 || spec.vlanId > 4094) {
      add("vlanId", `VLAN id ${spec.vlanId} is outside 1–4094 (0 = no VLAN)`, "INVALID_VLAN");
    } else out.vlanId = spec.vlanId;
  }
  if (spec.addresses !== undefined) {
    const list: Cidr[] = [];
    spec.addresses.forEach((a, i) => {
      const cidr = addressOf(a, [...path, "addresses", i], issues);
      if (!cidr) return;
      if (list.some((c) => c.address === cidr.address))
        add("addresses", `${cidr.address} is listed twice`, "INVALID_ADDRESS");
      else list.push(cidr);
    });
    out.addresses = list;
  }
  if (spec.keepExistingAddresses) {
    if (spec.addresses === undefined) add("keepExistingAddresses", "keepExistingAddresses needs addresses to add");
    else out.keepExisting = true;
  }
  if (spec.gateway !== undefined) {
    const gw = spec.gateway.trim();
    if (!isIpv4(gw) || unusableReason(gw)) {
      add("gateway", `gateway "${spec.gateway}" is not a usable IPv4 address`, "INVALID_ADDRESS");
    } else if (out.addresses && !out.keepExisting && !out.addresses.some((c) => isHostAddress(gw, c))) {
      const subnets = out.addresses.map((c) => formatCidr({ address: c.address, prefix: c.prefix })).join(", ");
      add(
        "gateway",
        out.addresses.some((c) => inSubnet(gw, c))
          ? `gateway ${gw} is the network or broadcast address of its subnet`
          : `gateway ${gw} is outside the interface's subnets (${subnets || "none"}): use an address inside one of them`,
        "GATEWAY_OUTSIDE_SUBNET",
      );
    } else if (out.addresses?.some((c) => c.address === gw)) {
      add("gateway", `gateway ${gw} is one of the interface's own addresses`, "GATEWAY_OUTSIDE_SUBNET");
    } else out.gateway = gw;
  }
  if (spec.dns !== undefined) {
    // A local resolver (127.0.0.53, Docker's 127.0.0.11) is a fine DNS server.
    const bad = spec.dns.filter((s) => !isIpv4(s.trim()) || /^(0|22[4-9]|2[3-5]\d)\./.test(s.trim()));
    if (bad.length) add("dns", `not IPv4 server addresses: ${bad.map((s) => `"${s}"`).join(", ")}`, "INVALID_ADDRESS");
    else if (spec.dns.length > 8) add("dns", "at most 8 DNS servers");
    else out.dns = spec.dns.map((s) => s.trim());
  }
  if (spec.mtu !== undefined) {
    if (spec.mtu < MTU_MIN || spec.mtu > MTU_MAX) add("mtu", `MTU ${spec.mtu} is outside ${MTU_MIN}–${MTU_MAX}`);
    else out.mtu = spec.mtu;
  }
  return out;
}

function crossChecks(list: DesiredInterface[], path: (string | number)[], issues: Issue[]): void {
  const seen = new Map<string, number>();
  list.forEach((d, i) => {
    const key = `${d.name ?? d.mac}#${d.vlanId ?? 0}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({
        path: [...path, i],
        message: `declares the same interface as entry ${first}`,
        code: "INVALID_INPUT",
      });
    } else seen.set(key, i);
  });
  const owners = new Map<string, number>();
  list.forEach((d, i) => {
    for (const c of d.addresses ?? []) {
      const other = owners.get(c.address);
      if (other !== undefined) {
        issues.push({
          path: [...path, i, "addresses"],
          message: `${c.address} is also declared on entry ${other}`,
          code: "ADDRESS_IN_USE",
        });
      } else owners.set(c.address, i);
    }
  });
  const gateways = list.flatMap((d, i) => (d.gateway ? [i] : []));
  if (gateways.length > 1) {
    issues.push({
      path: [...path, gateways[1] ?? 0, "gateway"],
      message: `only one interface may declare the default gateway (entries ${gateways.join(", ")} do)`,
      code: "INVALID_INPUT",
    });
  }
}

/** Validates the interface list; issues carry their network error code. */
function collect(
  interfaces: InterfaceSpec[],
  path: (string | number)[],
): { desired: DesiredInterface[]; issues: Issue[] } {
  const issues: Issue[] = [];
  if (interfaces.length === 0) issues.push({ path, message: "declare at least one interface", code: "INVALID_INPUT" });
  if (interfaces.length > 16) issues.push({ path, message: "at most 16 interfaces", code: "INVALID_INPUT" });
  const desired = interfaces.map((spec, i) => interfaceOf(spec, [...path, i], issues));
  if (issues.length === 0) crossChecks(desired, path, issues);
  return { desired, issues };
}

/** The interface list schema with every rule above: use it in resource args. */
export const interfacesSchema = z
  .array(interfaceSpecSchema)
  .superRefine((list, ctx) => {
    for (const issue of collect(list, []).issues) {
      ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, params: { networkCode: issue.code } });
    }
  })
  .describe("Desired state of the guest's interfaces.");

/**
 * Parses and validates a declaration; throws a NetworkConfigError naming every
 * problem (the code of the first) before anything runs on a guest.
 */
export function validateInterfaces(input: unknown): DesiredInterface[] {
  const parsed = z.array(interfaceSpecSchema).safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `interfaces.${i.path.join(".")}: ${i.message}`);
    throw new NetworkConfigError("INVALID_INPUT", `The network declaration is malformed: ${lines.join("; ")}.`, {
      fix: "Give interfaces as a list of { name | mac, addresses, gateway, dns, mtu, vlanId }.",
      details: { issues: lines },
    });
  }
  const { desired, issues } = collect(parsed.data, []);
  const [first] = issues;
  if (first) {
    const lines = issues.map((i) => `interfaces.${i.path.join(".")}: ${i.message}`);
    throw new NetworkConfigError(first.code, `The network declaration is invalid: ${lines.join("; ")}.`, {
      fix: "Correct the properties named above; nothing was changed on the guest.",
      details: { issues: issues.map((i) => ({ path: i.path.join("."), message: i.message, code: i.code })) },
    });
  }
  return desired;
}
