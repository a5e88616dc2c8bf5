/**
 * Windows changes with the NetAdapter / NetTCPIP / DnsClient cmdlets, one
 * statement per planned change, in the planner's order (NetworkingDsc's:
 * DHCP off, stale default routes, stale addresses, new addresses with their
 * gateway, DNS). Interfaces are addressed by InterfaceIndex (names are
 * wildcard patterns to these cmdlets); every string is a single-quoted literal. Removals go through
 * Get-… -ErrorAction SilentlyContinue | Remove-… so a re-run is harmless, and
 * -Confirm:$false because a WinRM session is non-interactive.
 */
import { psQuote as q } from "../../os/shell/powershell";
import type { NetworkChange } from "../plan";

/**
 * -Name / -InterfaceAlias are wildcard patterns ("Ethernet*" matches every
 * adapter): an alias is only a fallback for an interface read without its
 * index, and then its wildcard characters are escaped with backticks.
 */
export const psLiteralPattern = (name: string) => q(name.replace(/[`*?[\]]/g, "`$&"));

const ix = (c: { index?: number; interface?: string }) =>
  c.index !== undefined ? `-InterfaceIndex ${c.index}` : `-InterfaceAlias ${psLiteralPattern(c.interface ?? "")}`;

/** The one adapter, by index (Set-NetAdapter itself has no -InterfaceIndex). */
const adapter = (c: { index?: number; interface: string }) =>
  c.index !== undefined
    ? `Get-NetAdapter -InterfaceIndex ${c.index}`
    : `Get-NetAdapter -Name ${psLiteralPattern(c.interface)}`;

export function windowsCommand(c: NetworkChange): string {
  switch (c.op) {
    case "set-adapter-vlan":
      return `${adapter(c)} | Set-NetAdapter -VlanID ${c.vlanId} -Confirm:$false`;
    case "set-mtu":
      return `Set-NetIPInterface ${ix(c)} -AddressFamily IPv4 -NlMtuBytes ${c.mtu}`;
    case "set-dhcp":
      return `Set-NetIPInterface ${ix(c)} -AddressFamily IPv4 -Dhcp ${c.enabled ? "Enabled" : "Disabled"}`;
    case "remove-gateway":
      return `Get-NetRoute ${ix(c)} -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Where-Object { $_.NextHop -eq ${q(c.gateway)} } | Remove-NetRoute -Confirm:$false`;
    case "remove-address":
      return `Get-NetIPAddress ${ix(c)} -AddressFamily IPv4 -IPAddress ${q(c.address.address)} -ErrorAction SilentlyContinue | Remove-NetIPAddress -Confirm:$false`;
    case "add-address": {
      const gateway = c.gateway ? ` -DefaultGateway ${q(c.gateway)}` : "";
      // A leased address can stay after DHCP is switched off: already there is fine.
      return `try { New-NetIPAddress ${ix(c)} -AddressFamily IPv4 -IPAddress ${q(c.address.address)} -PrefixLength ${c.address.prefix}${gateway} | Out-Null } catch { if ($_.Exception.Message -notmatch 'MSFT_NetIPAddress already exists') { throw } }`;
    }
    case "set-gateway":
      return `New-NetRoute ${ix(c)} -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -NextHop ${q(c.gateway)} | Out-Null`;
    case "set-dns":
      return c.reset || c.servers.length === 0
        ? `Set-DnsClientServerAddress ${ix(c)} -ResetServerAddresses`
        : `Set-DnsClientServerAddress ${ix(c)} -ServerAddresses ${c.servers.map(q).join(",")}`;
    case "create-vlan":
    case "link-up":
    case "delete-vlan":
      throw new Error(`${c.op} is a Linux change`);
  }
}

/**
 * The statements as one script: `@@STEP n` before each; the first error
 * (ErrorActionPreference Stop) prints `@@FAIL n 1` and its message and exits
 * 10 — or, for rollbacks, is reported and the next statement runs.
 */
export function windowsStepsScript(commands: string[], options: { continueOnError?: boolean } = {}): string {
  if (options.continueOnError) {
    return [
      "$ErrorActionPreference = 'Stop'",
      ...commands.map(
        (cmd, n) =>
          `Write-Output '@@STEP ${n}'; try { ${cmd} } catch { Write-Output '@@FAIL ${n} 1'; Write-Output $_.Exception.Message }`,
      ),
      "Write-Output '@@DONE'",
    ].join("\n");
  }
  return [
    "$ErrorActionPreference = 'Stop'",
    "$podStep = -1",
    "try {",
    ...commands.map((cmd, n) => `  $podStep = ${n}; Write-Output '@@STEP ${n}'; ${cmd}`),
    "} catch {",
    '  Write-Output "@@FAIL $podStep 1"',
    "  Write-Output $_.Exception.Message",
    "  exit 10",
    "}",
    "Write-Output '@@DONE'",
  ].join("\n");
}
