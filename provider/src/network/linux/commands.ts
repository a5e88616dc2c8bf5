/**
 * Linux run-time changes with iproute2, one command per planned change, and
 * the script that runs them in order, stopping at the first failure. Every
 * word is quoted (posixQuote) although validation already refused shell
 * metacharacters. `ip addr replace` and `ip route replace` succeed when the
 * address or route is already there, so a step re-run after an interrupted
 * apply does no harm.
 */
import { posixQuote as q } from "../../os/shell/posix";
import { formatCidr } from "../cidr";
import type { NetworkChange } from "../plan";
import { LINUX_PATH } from "./read";

/** Writes resolv.conf in place (a container's is a bind mount: no rename), keeping search/options lines. */
export function resolvConfCommand(servers: string[]): string {
  const lines = servers.map((s) => `nameserver ${s}`);
  const printf = lines.length ? `printf '%s\\n' ${lines.map(q).join(" ")}` : ":";
  return [
    "pod_tmp=$(mktemp) &&",
    `{ grep -v '^[[:space:]]*nameserver[[:space:]]' /etc/resolv.conf 2>/dev/null; ${printf}; } > "$pod_tmp" &&`,
    'cat "$pod_tmp" > /etc/resolv.conf; pod_rc=$?; rm -f "$pod_tmp"; [ $pod_rc -eq 0 ]',
  ].join(" ");
}

export function linuxCommand(c: NetworkChange): string {
  const dev = q(c.interface ?? "");
  switch (c.op) {
    case "create-vlan":
      return `ip link add link ${q(c.parent)} name ${dev} type vlan id ${c.vlanId}`;
    case "link-up":
      return `ip link set dev ${dev} up`;
    case "set-mtu":
      return `ip link set dev ${dev} mtu ${c.mtu}`;
    case "remove-gateway":
      return `ip route del default via ${q(c.gateway)} dev ${dev}`;
    case "remove-address":
      return `ip addr del ${q(formatCidr(c.address))} dev ${dev}`;
    case "add-address":
      return `ip addr replace ${q(formatCidr(c.address))} dev ${dev}`;
    case "set-gateway":
      return `ip route replace default via ${q(c.gateway)} dev ${dev}`;
    case "set-dns":
      return resolvConfCommand(c.servers);
    case "delete-vlan":
      return `ip link del dev ${dev}`;
    case "set-dhcp":
    case "set-adapter-vlan":
      throw new Error(`${c.op} is a Windows change`);
  }
}

/**
 * The steps as one sh script: `@@STEP n`, the command with its output, and on
 * failure `@@FAIL n rc` and exit 10 — or, for reverts, on to the next step.
 */
export function linuxStepsScript(commands: string[], options: { continueOnError?: boolean } = {}): string {
  const onFail = options.continueOnError ? "" : " exit 10;";
  return [
    LINUX_PATH,
    ...commands.map((cmd, n) => `echo '@@STEP ${n}'; { ${cmd} ; } 2>&1 || { echo "@@FAIL ${n} $?";${onFail} }`),
    "echo '@@DONE'",
  ].join("\n");
}

/**
 * A script that runs `script` as root: directly when the login is root,
 * through `sudo -n` otherwise (never prompting: a password prompt would hang).
 */
export function asRoot(script: string): string {
  const inner = `sh -c ${q(script)}`;
  return [
    `if [ "$(id -u)" = 0 ]; then exec ${inner}; fi`,
    `if command -v sudo >/dev/null 2>&1; then exec sudo -n ${inner}; fi`,
    "echo 'pod: network changes need root, and sudo is not installed' >&2; exit 126",
  ].join("\n");
}
