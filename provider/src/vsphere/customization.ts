import { PodError } from "../common/errors";
import type { GuestCustomization } from "../infra/types";
import type { CustomizationSpec } from "./soap/generated/types";

const HOSTNAME = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * vSphere guest customization for a Linux clone (CustomizationLinuxPrep):
 * hostname and domain, and a static IPv4 address on the first NIC (DHCP on
 * the others). vSphere wants one adapter mapping per NIC, so `nicCount` is
 * the clone's NIC count. Pure: bad input is refused here, before the clone.
 */
export function customizationSpec(c: GuestCustomization, nicCount: number, guestId: string): CustomizationSpec {
  if (/win/i.test(guestId)) {
    throw new PodError("UNSUPPORTED", `Guest customization in pod is Linux-only; the template's guest is ${guestId}.`, {
      fix: "For Windows, configure the address with PodNetwork (in-guest over WinRM) and drop customization.",
      details: { guestId },
    });
  }
  if (!HOSTNAME.test(c.hostname)) {
    throw new PodError("INVALID_INPUT", `"${c.hostname}" is not a valid hostname label.`, {
      fix: "Use 1–63 letters, digits or '-', not starting or ending with '-' (the domain goes in domain).",
    });
  }
  const ip = c.network;
  if (ip) checkAddress(ip);
  if (nicCount === 0 && ip) {
    throw new PodError("INVALID_INPUT", "A static address was asked for, but the VM has no NIC.", {
      fix: "Add a NIC in nics, or drop customization.network.",
    });
  }
  const dhcp = { ip: { _type: "CustomizationDhcpIpGenerator" } };
  const nicSettingMap = Array.from({ length: nicCount }, (_, i) => ({
    adapter:
      i === 0 && ip
        ? {
            ip: { _type: "CustomizationFixedIp", ipAddress: ip.ipAddress },
            subnetMask: prefixToNetmask(ip.prefixLength),
            ...(ip.gateway ? { gateway: [ip.gateway] } : {}),
            ...(ip.dnsServers?.length ? { dnsServerList: ip.dnsServers } : {}),
          }
        : dhcp,
  }));
  return {
    identity: {
      _type: "CustomizationLinuxPrep",
      hostName: { _type: "CustomizationFixedName", name: c.hostname },
      domain: c.domain ?? "local",
      hwClockUTC: true,
      ...(c.timeZone ? { timeZone: c.timeZone } : {}),
    },
    globalIPSettings: ip?.dnsServers?.length ? { dnsServerList: ip.dnsServers } : {},
    nicSettingMap,
  } as CustomizationSpec;
}

// vsphere/ sits below network/ (which has the full IPv4 toolkit): the three checks needed here are local.
const ipv4 = (text: string): number | undefined => {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p))) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};
const isIpv4 = (text: string) => ipv4(text) !== undefined;
const maskOf = (prefix: number) => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
const prefixToNetmask = (prefix: number) => [24, 16, 8, 0].map((shift) => (maskOf(prefix) >>> shift) & 255).join(".");
const inSubnet = (ip: string, subnet: { address: string; prefix: number }) =>
  ((ipv4(ip) ?? -1) & maskOf(subnet.prefix)) >>> 0 === ((ipv4(subnet.address) ?? -2) & maskOf(subnet.prefix)) >>> 0;

function checkAddress(ip: NonNullable<GuestCustomization["network"]>): void {
  if (!isIpv4(ip.ipAddress)) {
    throw new PodError("INVALID_ADDRESS", `customization.network.ipAddress "${ip.ipAddress}" is not an IPv4 address.`, {
      fix: 'Give a dotted-quad address such as "10.10.0.20".',
    });
  }
  const subnet = { address: ip.ipAddress, prefix: ip.prefixLength };
  if (ip.gateway && (!isIpv4(ip.gateway) || !inSubnet(ip.gateway, subnet))) {
    throw new PodError(
      "GATEWAY_OUTSIDE_SUBNET",
      `Gateway ${ip.gateway} is not in ${ip.ipAddress}/${ip.prefixLength}; the guest could not reach it.`,
      { fix: "Give a gateway inside the address's subnet, or fix prefixLength." },
    );
  }
  for (const dns of ip.dnsServers ?? []) {
    if (!isIpv4(dns)) {
      throw new PodError("INVALID_ADDRESS", `DNS server "${dns}" is not an IPv4 address.`, {
        fix: "List DNS servers as IPv4 addresses.",
      });
    }
  }
}
