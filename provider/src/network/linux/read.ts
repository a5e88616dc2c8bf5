/**
 * Reading a Linux guest's network in one round trip: `ip -j -d addr`, the
 * main table's IPv4 routes, /etc/resolv.conf, and — over SSH — which
 * interface carries the controller's connection (SSH_CONNECTION, then
 * `ip -j route get <controller>`). Runs unprivileged; nothing is changed.
 */
import { PodError } from "../../common/errors";
import type { Cidr } from "../cidr";
import type { InterfaceState, ManagementInfo, NetworkState } from "../state";

/** iproute2 lives in /sbin or /usr/sbin, which a non-root login's PATH may lack. */
export const LINUX_PATH = 'PATH="$PATH:/usr/sbin:/sbin"; export PATH';

export const LINUX_READ_SCRIPT = [
  LINUX_PATH,
  "echo @@LINKS; ip -j -d addr show 2>&1",
  "echo; echo @@ROUTES; ip -j -4 route show table main 2>&1",
  "echo; echo @@RESOLV; cat /etc/resolv.conf 2>/dev/null",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  'echo; echo @@SSH; echo "${SSH_CONNECTION:-}"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  'set -- ${SSH_CONNECTION:-}; if [ -n "${1:-}" ]; then echo @@ROUTEGET; ip -j route get "$1" 2>&1; echo; fi',
  "echo @@END",
].join("\n");

type Json = Record<string, unknown>;

/** The text of each `@@NAME` section of the read script's output. */
export function sections(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^@@([A-Z]+)$/.exec(line.trim());
    if (m?.[1]) {
      current = m[1];
      out[current] = "";
    } else if (current) out[current] += `${line}\n`;
  }
  return out;
}

function jsonArray(text: string | undefined, what: string): Json[] {
  const trimmed = (text ?? "").trim();
  try {
    const value = JSON.parse(trimmed) as unknown;
    if (Array.isArray(value)) return value.filter((v): v is Json => typeof v === "object" && v !== null);
  } catch {
    // fall through to the error below
  }
  throw new PodError("COMMAND_FAILED", `The guest's ${what} output is not JSON: ${trimmed.slice(0, 200)}`, {
    fix: "pod needs iproute2 with JSON output (ip -j, iproute2 4.13 or newer) on the guest.",
    details: { output: trimmed.slice(0, 2000) },
  });
}

const LINK_LOCAL = /^169\.254\./;

function linkOf(j: Json): InterfaceState {
  const linkinfo = (j.linkinfo ?? {}) as Json;
  const infoData = (linkinfo.info_data ?? {}) as Json;
  const kind = typeof linkinfo.info_kind === "string" ? linkinfo.info_kind : undefined;
  const addrInfo = Array.isArray(j.addr_info) ? (j.addr_info as Json[]) : [];
  const v4 = addrInfo.filter(
    (a) => a.family === "inet" && typeof a.local === "string" && !LINK_LOCAL.test(a.local) && a.scope !== "host",
  );
  const addresses: Cidr[] = v4.map((a) => ({ address: a.local as string, prefix: Number(a.prefixlen) }));
  const dynamic = v4.filter((a) => a.dynamic === true).map((a) => a.local as string);
  const flags = Array.isArray(j.flags) ? (j.flags as string[]) : [];
  return {
    name: String(j.ifname),
    ...(typeof j.ifindex === "number" ? { index: j.ifindex } : {}),
    mac: typeof j.address === "string" ? j.address.toLowerCase() : "",
    mtu: typeof j.mtu === "number" ? j.mtu : 0,
    up: flags.includes("UP"),
    ...(kind ? { kind } : {}),
    ...(kind === "vlan" && typeof infoData.id === "number"
      ? { vlan: { id: infoData.id, ...(typeof j.link === "string" ? { parent: j.link } : {}) } }
      : {}),
    addresses,
    ...(dynamic.length ? { dynamic } : {}),
    dns: [],
  };
}

export function parseResolvConf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined);
}

function management(sshConnection: string, routeGet: string | undefined): ManagementInfo | undefined {
  const [controller, , guest] = sshConnection.trim().split(/\s+/);
  if (!controller || !guest) return undefined;
  const info: ManagementInfo = { controllerAddress: controller, guestAddress: guest };
  if (routeGet?.trim().startsWith("[")) {
    const [route] = jsonArray(routeGet, "ip route get");
    if (typeof route?.dev === "string") info.interface = route.dev;
    if (typeof route?.gateway === "string") info.via = route.gateway;
  }
  return info;
}

/** Parses LINUX_READ_SCRIPT's output into the network model. */
export function parseLinuxState(stdout: string): NetworkState {
  const s = sections(stdout);
  if (s.END === undefined) {
    throw new PodError("COMMAND_FAILED", "The guest's network read ended early.", {
      fix: "Check that the guest has a POSIX shell and iproute2.",
      details: { output: stdout.slice(0, 2000) },
    });
  }
  const interfaces = jsonArray(s.LINKS, "ip -j addr")
    .filter((j) => j.ifname !== "lo" && !(Array.isArray(j.flags) && j.flags.includes("LOOPBACK")))
    .map(linkOf);
  const defaults = jsonArray(s.ROUTES, "ip -j route")
    .filter((r) => r.dst === "default" && typeof r.gateway === "string" && typeof r.dev === "string")
    .sort((a, b) => Number(a.metric ?? 0) - Number(b.metric ?? 0));
  for (const route of defaults) {
    const iface = interfaces.find((i) => i.name === route.dev);
    if (iface && iface.gateway === undefined) iface.gateway = route.gateway as string;
  }
  const mgmt = management(s.SSH ?? "", s.ROUTEGET);
  return { os: "linux", interfaces, dns: parseResolvConf(s.RESOLV ?? ""), ...(mgmt ? { management: mgmt } : {}) };
}
