/**
 * IPv4 address math for network planning: parsing, netmask ↔ prefix (with the
 * contiguity check a netmask needs), and subnet containment. Pure; IPv4 only
 * (pod configures IPv4; IPv6 addresses a guest has are read but not managed).
 */

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** True for a dotted-quad IPv4 address without leading zeros ("10.0.0.1", not "010.0.0.1"). */
export function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

/** The address as an unsigned 32-bit number; undefined when it is not IPv4. */
export function ipv4ToNumber(text: string): number | undefined {
  if (!isIpv4(text)) return undefined;
  return text.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

/** The netmask of a prefix length: 24 → 255.255.255.0. */
export function prefixToNetmask(prefix: number): string {
  return numberToIpv4(maskBits(prefix));
}

function maskBits(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/**
 * The prefix length of a netmask: 255.255.255.0 → 24. Undefined when it is not
 * an IPv4 address or its one-bits are not contiguous (255.0.255.0).
 */
export function netmaskToPrefix(netmask: string): number | undefined {
  const bits = ipv4ToNumber(netmask);
  if (bits === undefined) return undefined;
  let prefix = 0;
  while (prefix < 32 && ((bits >>> (31 - prefix)) & 1) === 1) prefix++;
  return maskBits(prefix) === bits ? prefix : undefined;
}

export interface Cidr {
  address: string;
  prefix: number;
}

/** "10.0.0.5/24" → { address, prefix }; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^(3[0-2]|[12]?\d)$/.test(prefixText) || !isIpv4(address)) return undefined;
  return { address, prefix: Number(prefixText) };
}

export const formatCidr = (c: Cidr): string => `${c.address}/${c.prefix}`;

/** The network address of `address/prefix`. */
export function networkOf(c: Cidr): string {
  return numberToIpv4(((ipv4ToNumber(c.address) ?? 0) & maskBits(c.prefix)) >>> 0);
}

export function broadcastOf(c: Cidr): string {
  return numberToIpv4(((ipv4ToNumber(c.address) ?? 0) | ~maskBits(c.prefix)) >>> 0);
}

/** True when `ip` lies inside the subnet of `c`. */
export function inSubnet(ip: string, c: Cidr): boolean {
  const a = ipv4ToNumber(ip);
  const b = ipv4ToNumber(c.address);
  if (a === undefined || b === undefined) return false;
  const mask = maskBits(c.prefix);
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

/**
 * True when `ip` can be a host in the subnet: not its network or broadcast
 * address (except /31 and /32, which have neither, RFC 3021).
 */
export function isHostAddress(ip: string, c: Cidr): boolean {
  if (c.prefix >= 31) return inSubnet(ip, c);
  return inSubnet(ip, c) && ip !== networkOf(c) && ip !== broadcastOf(c);
}

/** Address classes that cannot be configured on an interface. */
export function unusableReason(ip: string): string | undefined {
  const n = ipv4ToNumber(ip);
  if (n === undefined) return "is not an IPv4 address";
  const first = n >>> 24;
  if (n === 0) return "is the unspecified address 0.0.0.0";
  if (first === 127) return "is a loopback address";
  if (first >= 224 && first <= 239) return "is a multicast address";
  if (first >= 240) return "is a reserved (class E) or broadcast address";
  return undefined;
}

export const sameCidr = (a: Cidr, b: Cidr): boolean => a.address === b.address && a.prefix === b.prefix;
