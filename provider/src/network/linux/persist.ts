/**
 * Making a Linux guest keep the configuration across reboots, through what
 * the guest uses: NetworkManager (nmcli), netplan, systemd-networkd or
 * ifupdown, picked from the tools the OS probe found. The run-time change is
 * always iproute2's; this only writes pod's own profile or file, so delete
 * removes exactly that and the guest's own configuration is never edited:
 *   nmcli     connection "pod-<if>" (autoconnect-priority 100, not activated now)
 *   netplan   /etc/netplan/90-pod-<if>.yaml, then `netplan generate`
 *   networkd  /etc/systemd/network/10-pod-<if>.network (+ .netdev for a VLAN), then `networkctl reload`
 *   ifupdown  /etc/network/interfaces.d/pod-<if>
 * Containers get none: their network belongs to the container runtime.
 * The generated syntax follows each tool's documentation; only the string
 * building is tested here (no guest in the lab runs these services).
 */
import { posixQuote as q } from "../../os/shell/posix";
import { NetworkConfigError } from "../errors";

export type PersistBackend = "nmcli" | "netplan" | "networkd" | "ifupdown" | "none";

export interface PersistFacts {
  container: boolean;
  tools: string[];
  family?: string;
}

export function choosePersistence(facts: PersistFacts): PersistBackend {
  if (facts.container) return "none";
  const has = (t: string) => facts.tools.includes(t);
  if (has("nmcli")) return "nmcli";
  if (has("netplan")) return "netplan";
  if (has("networkctl")) return "networkd";
  if (has("ifup")) return "ifupdown";
  return "none";
}

/** One interface's final configuration. */
export interface PersistItem {
  name: string;
  vlan?: { id: number; parent: string };
  addresses: string[];
  gateway?: string;
  dns: string[];
  mtu?: number;
}

/**
 * What may go into a configuration file: these files are parsed by tools
 * that run as root (an ifupdown `up` line is a shell command), and names can
 * come from the guest itself, so quoting is not enough. Linux names are at
 * most 15 bytes (IFNAMSIZ); pod's own files take the conservative subset.
 */
export const PERSIST_IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}(\/[0-9]{1,3})?$/;

function refuse(what: string, value: unknown): never {
  throw new NetworkConfigError(
    "INVALID_INPUT",
    `pod will not write ${what} ${JSON.stringify(value)} into a persistent network configuration.`,
    {
      fix: "Interface names must be 1–15 letters, digits, '_', '.' or '-' (not starting with '.' or '-'); addresses plain IPs. Rename the interface, or set persist: false.",
    },
  );
}

export function assertPersistName(name: string): void {
  if (!PERSIST_IFNAME.test(name)) refuse("the interface name", name);
}

function assertItem(item: PersistItem): void {
  assertPersistName(item.name);
  if (item.vlan) {
    assertPersistName(item.vlan.parent);
    if (!Number.isInteger(item.vlan.id) || item.vlan.id < 1 || item.vlan.id > 4094) refuse("the VLAN id", item.vlan.id);
  }
  for (const a of [...item.addresses, ...(item.gateway ? [item.gateway] : []), ...item.dns]) {
    if (!ADDRESS.test(a)) refuse("the address", a);
  }
  if (item.mtu !== undefined && !Number.isInteger(item.mtu)) refuse("the MTU", item.mtu);
}

const writeFile = (path: string, lines: string[], mode = "0644") =>
  `printf '%s\\n' ${lines.map(q).join(" ")} > ${q(path)} && chmod ${mode} ${q(path)}`;

export const persistPaths = {
  netplan: (name: string) => `/etc/netplan/90-pod-${name}.yaml`,
  networkd: (name: string) => `/etc/systemd/network/10-pod-${name}.network`,
  networkdNetdev: (name: string) => `/etc/systemd/network/10-pod-${name}.netdev`,
  ifupdown: (name: string) => `/etc/network/interfaces.d/pod-${name}`,
};

function nmcli(item: PersistItem): string {
  const con = `pod-${item.name}`;
  const kind = item.vlan
    ? `type vlan ifname ${q(item.name)} dev ${q(item.vlan.parent)} id ${item.vlan.id}`
    : `type ethernet ifname ${q(item.name)}`;
  const ipv4 = item.addresses.length
    ? [
        "ipv4.method manual",
        `ipv4.addresses ${q(item.addresses.join(","))}`,
        ...(item.gateway ? [`ipv4.gateway ${q(item.gateway)}`] : []),
        ...(item.dns.length ? [`ipv4.dns ${q(item.dns.join(" "))}`] : []),
      ]
    : ["ipv4.method disabled"];
  const mtu = item.mtu ? [`${item.vlan ? "vlan" : "802-3-ethernet"}.mtu ${item.mtu}`] : [];
  return [
    `nmcli connection delete ${q(con)} >/dev/null 2>&1 || true`,
    `nmcli connection add ${kind} con-name ${q(con)} connection.autoconnect yes connection.autoconnect-priority 100 ${[...ipv4, ...mtu].join(" ")}`,
  ].join("\n");
}

function netplan(item: PersistItem): string {
  const body = [
    ...(item.addresses.length ? [`      addresses: [${item.addresses.map((a) => `"${a}"`).join(", ")}]`] : []),
    ...(item.gateway ? ["      routes:", "        - to: default", `          via: "${item.gateway}"`] : []),
    ...(item.dns.length
      ? ["      nameservers:", `        addresses: [${item.dns.map((d) => `"${d}"`).join(", ")}]`]
      : []),
    ...(item.mtu ? [`      mtu: ${item.mtu}`] : []),
  ];
  const lines = item.vlan
    ? [
        "network:",
        "  version: 2",
        "  ethernets:",
        `    "${item.vlan.parent}": {}`,
        "  vlans:",
        `    "${item.name}":`,
        `      id: ${item.vlan.id}`,
        `      link: "${item.vlan.parent}"`,
        ...body,
      ]
    : ["network:", "  version: 2", "  ethernets:", `    "${item.name}":`, ...body];
  return `${writeFile(persistPaths.netplan(item.name), lines, "0600")} && netplan generate`;
}

function networkd(item: PersistItem): string {
  const network = [
    "[Match]",
    `Name=${item.name}`,
    ...(item.mtu ? ["[Link]", `MTUBytes=${item.mtu}`] : []),
    "[Network]",
    ...item.addresses.map((a) => `Address=${a}`),
    ...(item.gateway ? [`Gateway=${item.gateway}`] : []),
    ...item.dns.map((d) => `DNS=${d}`),
  ];
  const netdev = item.vlan
    ? [
        writeFile(persistPaths.networkdNetdev(item.name), [
          "[NetDev]",
          `Name=${item.name}`,
          "Kind=vlan",
          "[VLAN]",
          `Id=${item.vlan.id}`,
        ]),
      ]
    : [];
  return [...netdev, writeFile(persistPaths.networkd(item.name), network)].join(" && ").concat(" && networkctl reload");
}

function ifupdown(item: PersistItem): string {
  const [first, ...more] = item.addresses;
  const lines = [
    `auto ${item.name}`,
    `iface ${item.name} inet ${first ? "static" : "manual"}`,
    ...(first ? [`    address ${first}`] : []),
    ...more.map((a) => `    up ip addr replace ${a} dev ${item.name}`),
    ...(item.gateway ? [`    gateway ${item.gateway}`] : []),
    ...(item.dns.length ? [`    dns-nameservers ${item.dns.join(" ")}`] : []),
    ...(item.mtu ? [`    mtu ${item.mtu}`] : []),
    ...(item.vlan ? [`    vlan-raw-device ${item.vlan.parent}`] : []),
  ];
  return writeFile(persistPaths.ifupdown(item.name), lines);
}

/** Commands (to run as root) that write pod's persistent configuration for these interfaces. */
export function persistCommands(backend: PersistBackend, items: PersistItem[]): string[] {
  const build = { nmcli, netplan, networkd, ifupdown, none: () => "" }[backend];
  if (backend !== "none") items.forEach(assertItem); // all checked before any command is built
  return items.map(build).filter(Boolean);
}

/** Commands (to run as root) that remove what persistCommands wrote. */
export function unpersistCommands(backend: PersistBackend, names: string[]): string[] {
  if (backend !== "none") names.forEach(assertPersistName);
  switch (backend) {
    case "nmcli":
      return names.map((n) => `nmcli connection delete ${q(`pod-${n}`)} >/dev/null 2>&1 || true`);
    case "netplan":
      return names.length
        ? [`rm -f ${names.map((n) => q(persistPaths.netplan(n))).join(" ")} && netplan generate`]
        : [];
    case "networkd":
      return names.length
        ? [
            `rm -f ${names
              .flatMap((n) => [persistPaths.networkd(n), persistPaths.networkdNetdev(n)])
              .map(q)
              .join(" ")} && networkctl reload`,
          ]
        : [];
    case "ifupdown":
      return names.length ? [`rm -f ${names.map((n) => q(persistPaths.ifupdown(n))).join(" ")}`] : [];
    case "none":
      return [];
  }
}
