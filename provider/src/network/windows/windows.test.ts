import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { managementImpact } from "../management";
import { describeChange, planNetwork } from "../plan";
import { recordTargets, restoreDeclaration } from "../record";
import { simulatePlan } from "../simulate";
import { validateInterfaces } from "../validate";
import { allMismatches } from "../verify";
import { windowsCommand, windowsStepsScript } from "./commands";
import { parseWindowsState, WINDOWS_READ_SCRIPT } from "./read";

// The lab Windows guest's read-back (synthetic machine), with a VLAN, an alias with a space and a WinRM connection added.
const stdout = readFileSync(join(__dirname, "..", "fixtures", "windows-read.json"), "utf8");
const state = parseWindowsState(stdout);

describe("network/windows", () => {
  it("reads adapters, addresses, DHCP, MTU, gateways, DNS and the WinRM connection's interface", () => {
    assert.deepEqual(state.interfaces, [
      {
        name: "Ethernet0",
        index: 6,
        mac: "00:50:56:8a:10:01",
        mtu: 1500,
        up: true,
        addresses: [{ address: "192.0.2.10", prefix: 24 }],
        dynamic: ["192.0.2.10"],
        gateway: "192.0.2.1",
        dns: ["192.0.2.53"],
        dhcp: true,
      },
      {
        name: "Ethernet 2",
        index: 9,
        mac: "00:50:56:8a:10:02",
        mtu: 1500,
        up: true,
        vlan: { id: 12 },
        addresses: [],
        dns: [],
        dhcp: true,
      },
    ]);
    assert.deepEqual(state.management, {
      guestAddress: "192.0.2.10",
      controllerAddress: "192.0.2.200",
      interface: "Ethernet0",
    });
    const noTcp = JSON.stringify({ ...JSON.parse(stdout), management: [] });
    assert.deepEqual(parseWindowsState(noTcp, "192.0.2.10").management, {
      guestAddress: "192.0.2.10",
      interface: "Ethernet0",
    });
    assert.equal(parseWindowsState(noTcp, "127.0.0.1").management?.interface, undefined);
    assert.throws(() => parseWindowsState("Get-NetAdapter : not recognized"), /did not return the expected JSON/);
    assert.match(WINDOWS_READ_SCRIPT, /Get-NetIPInterface -AddressFamily IPv4 \| Select-Object ifIndex,Dhcp,NlMtu/);
  });

  it("never addresses an adapter by a name the cmdlets would read as a wildcard", () => {
    const on = { interface: "Ethernet*", vlanId: 5, from: 0 } as const;
    assert.equal(
      windowsCommand({ op: "set-adapter-vlan", ...on, index: 7 }),
      "Get-NetAdapter -InterfaceIndex 7 | Set-NetAdapter -VlanID 5 -Confirm:$false",
    );
    // Read without an index (never on Windows today): the name's wildcard characters are escaped.
    assert.equal(
      windowsCommand({ op: "set-adapter-vlan", ...on }),
      "Get-NetAdapter -Name 'Ethernet`*' | Set-NetAdapter -VlanID 5 -Confirm:$false",
    );
    assert.equal(
      windowsCommand({ op: "set-dhcp", interface: "Lab [A]?", enabled: false }),
      "Set-NetIPInterface -InterfaceAlias 'Lab `[A`]`?' -AddressFamily IPv4 -Dhcp Disabled",
    );
    assert.doesNotMatch(
      planNetwork(state, validateInterfaces([{ name: "Ethernet 2", vlanId: 7 }]))
        .changes.map(windowsCommand)
        .join("\n"),
      /-Name /,
    );
  });

  it("plans NetworkingDsc's order: VLAN, DHCP off, addresses with their gateway, MTU, DNS", () => {
    const p = planNetwork(
      state,
      validateInterfaces([
        {
          name: "Ethernet 2",
          vlanId: 0,
          addresses: [{ address: "198.51.100.10/24" }],
          gateway: "198.51.100.1",
          dns: ["198.51.100.53", "198.51.100.54"],
          mtu: 1400,
        },
      ]),
    );
    assert.deepEqual(p.changes.map(describeChange), [
      "Ethernet 2: VLAN 12 → 0",
      "Ethernet 2: MTU 1500 → 1400",
      "Ethernet 2: DHCP off",
      "Ethernet 2: add 198.51.100.10/24 (gateway 198.51.100.1)",
      "Ethernet 2: DNS 198.51.100.53, 198.51.100.54",
    ]);
    assert.deepEqual(p.changes.map(windowsCommand), [
      "Get-NetAdapter -InterfaceIndex 9 | Set-NetAdapter -VlanID 0 -Confirm:$false",
      "Set-NetIPInterface -InterfaceIndex 9 -AddressFamily IPv4 -NlMtuBytes 1400",
      "Set-NetIPInterface -InterfaceIndex 9 -AddressFamily IPv4 -Dhcp Disabled",
      "try { New-NetIPAddress -InterfaceIndex 9 -AddressFamily IPv4 -IPAddress '198.51.100.10' -PrefixLength 24 -DefaultGateway '198.51.100.1' | Out-Null } catch { if ($_.Exception.Message -notmatch 'MSFT_NetIPAddress already exists') { throw } }",
      "Set-DnsClientServerAddress -InterfaceIndex 9 -ServerAddresses '198.51.100.53','198.51.100.54'",
    ]);
    assert.deepEqual(managementImpact(state, p), []);
    const after = simulatePlan(state, p);
    assert.deepEqual(allMismatches(after, p.targets), []);
    const recorded = recordTargets(state, p.targets);
    const back = planNetwork(
      after,
      recorded.map((r) => restoreDeclaration("windows", r)),
    );
    assert.deepEqual(back.changes.map(describeChange), [
      "Ethernet 2: VLAN 0 → 12",
      "Ethernet 2: MTU 1400 → 1500",
      "Ethernet 2: remove default gateway 198.51.100.1",
      "Ethernet 2: remove 198.51.100.10/24",
      "Ethernet 2: DHCP on",
      "Ethernet 2: DNS reset",
    ]);
    assert.equal(
      windowsCommand(back.changes[2] as never),
      "Get-NetRoute -InterfaceIndex 9 -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Where-Object { $_.NextHop -eq '198.51.100.1' } | Remove-NetRoute -Confirm:$false",
    );
    assert.equal(
      windowsCommand(back.changes[5] as never),
      "Set-DnsClientServerAddress -InterfaceIndex 9 -ResetServerAddresses",
    );
  });

  it("changes a gateway alone with New-NetRoute after removing the old one", () => {
    const fixed = { ...state, interfaces: state.interfaces.map((i) => ({ ...i, dhcp: false, dynamic: [] })) };
    const p = planNetwork(fixed, validateInterfaces([{ name: "Ethernet0", gateway: "192.0.2.254" }]));
    assert.deepEqual(p.changes.map(windowsCommand), [
      "Get-NetRoute -InterfaceIndex 6 -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | Where-Object { $_.NextHop -eq '192.0.2.1' } | Remove-NetRoute -Confirm:$false",
      "New-NetRoute -InterfaceIndex 6 -AddressFamily IPv4 -DestinationPrefix '0.0.0.0/0' -NextHop '192.0.2.254' | Out-Null",
    ]);
  });

  it("refuses to move the address WinRM runs on (DHCP off on the management adapter)", () => {
    const p = planNetwork(
      state,
      validateInterfaces([{ name: "Ethernet0", addresses: [{ address: "192.0.2.20/24" }] }]),
    );
    assert.deepEqual(managementImpact(state, p), ["Ethernet0: DHCP off", "Ethernet0: remove 192.0.2.10/24"]);
  });

  it("wraps the steps in try/catch with markers; rollbacks carry on after a failure", () => {
    assert.equal(
      windowsStepsScript(["Step-A", "Step-B"]),
      [
        "$ErrorActionPreference = 'Stop'",
        "$podStep = -1",
        "try {",
        "  $podStep = 0; Write-Output '@@STEP 0'; Step-A",
        "  $podStep = 1; Write-Output '@@STEP 1'; Step-B",
        "} catch {",
        '  Write-Output "@@FAIL $podStep 1"',
        "  Write-Output $_.Exception.Message",
        "  exit 10",
        "}",
        "Write-Output '@@DONE'",
      ].join("\n"),
    );
    assert.match(
      windowsStepsScript(["Step-A"], { continueOnError: true }),
      /Write-Output '@@STEP 0'; try \{ Step-A \} catch \{ Write-Output '@@FAIL 0 1'/,
    );
  });
});
