import assert from "node:assert/strict";
import { Machine } from "../../../lab/windows-guest/src/machine";
import { decodeClixml } from "../../../provider/src/connections/winrm/clixml";
import { ps } from "./harness";

/** The NetTCPIP/NetAdapter/DnsClient cmdlets against the emulated machine's state. */
describe("windows guest: network cmdlets and state", () => {
  const json = async (machine: Machine, script: string): Promise<unknown> => {
    const r = await ps(`$ProgressPreference = 'SilentlyContinue'; ${script}`, machine);
    assert.equal(decodeClixml(r.stderr), "");
    return JSON.parse(r.stdout);
  };

  it("reads adapters, addresses, interfaces, routes and DNS servers (notes §4.2 read commands)", async () => {
    const m = Machine.synthetic("WIN2022-TEST");
    assert.deepEqual(
      await json(
        m,
        "@(Get-NetAdapter | Select Name,InterfaceIndex,MacAddress,Status,VlanID) | ConvertTo-Json -Compress",
      ),
      [
        { Name: "Ethernet0", InterfaceIndex: 6, MacAddress: "00-50-56-8A-10-01", Status: "Up", VlanID: 0 },
        { Name: "Ethernet1", InterfaceIndex: 9, MacAddress: "00-50-56-8A-10-02", Status: "Up", VlanID: 0 },
      ],
    );
    assert.deepEqual(
      await json(
        m,
        "Get-NetIPAddress -InterfaceIndex 6 -AddressFamily IPv4 | Select IPAddress,PrefixLength,PrefixOrigin | ConvertTo-Json -Compress",
      ),
      {
        IPAddress: "192.0.2.10",
        PrefixLength: 24,
        PrefixOrigin: 3,
      },
    );
    assert.deepEqual(
      await json(m, "@(Get-NetIPInterface -AddressFamily IPv4 | Select ifIndex,Dhcp) | ConvertTo-Json -Compress"),
      [
        { ifIndex: 1, Dhcp: 0 },
        { ifIndex: 6, Dhcp: 1 },
        { ifIndex: 9, Dhcp: 1 },
      ],
    );
    assert.deepEqual(
      await json(m, "Get-NetRoute -DestinationPrefix 0.0.0.0/0 | Select ifIndex,NextHop | ConvertTo-Json -Compress"),
      { ifIndex: 6, NextHop: "192.0.2.1" },
    );
    assert.deepEqual(
      await json(
        m,
        "Get-DnsClientServerAddress -InterfaceIndex 6 -AddressFamily IPv4 | Select -ExpandProperty ServerAddresses | ConvertTo-Json -Compress",
      ),
      "192.0.2.53",
    );
  });

  it("configures a static address the NetworkingDsc way, with Windows' errors on the way", async () => {
    const m = Machine.synthetic("WIN2022-TEST");
    const onDhcp = await ps("New-NetIPAddress -InterfaceAlias Ethernet1 -IPAddress 198.51.100.10 -PrefixLength 24", m);
    assert.match(
      decodeClixml(onDhcp.stderr),
      /Inconsistent parameters PolicyStore PersistentStore and Dhcp Enabled[\s\S]*Windows System Error 87,New-NetIPAddress/,
    );
    const steps = [
      "Set-NetIPInterface -InterfaceAlias Ethernet1 -AddressFamily IPv4 -Dhcp Disabled",
      "New-NetIPAddress -InterfaceAlias Ethernet1 -IPAddress 198.51.100.10 -PrefixLength 24 -DefaultGateway 198.51.100.1 | Out-Null",
      "Set-DnsClientServerAddress -InterfaceAlias Ethernet1 -ServerAddresses 198.51.100.53,198.51.100.54",
      "Set-NetAdapter -Name Ethernet1 -VlanID 42",
    ];
    const r = await ps(steps.join("; "), m);
    assert.equal(r.exitCode, 0, decodeClixml(r.stderr));
    const again = await ps("New-NetIPAddress -InterfaceAlias Ethernet1 -IPAddress 198.51.100.10 -PrefixLength 24", m);
    assert.equal(again.exitCode, 1);
    assert.match(decodeClixml(again.stderr), /New-NetIPAddress : Instance MSFT_NetIPAddress already exists/);
    assert.deepEqual(
      await json(
        m,
        "Get-NetIPAddress -InterfaceAlias Ethernet1 | Select IPAddress,PrefixOrigin | ConvertTo-Json -Compress",
      ),
      { IPAddress: "198.51.100.10", PrefixOrigin: 1 },
      "the APIPA address is gone, the manual one is there",
    );
    assert.deepEqual(
      await json(
        m,
        "(Get-DnsClientServerAddress -InterfaceAlias Ethernet1 -AddressFamily IPv4).ServerAddresses | ConvertTo-Json -Compress",
      ),
      ["198.51.100.53", "198.51.100.54"],
    );
    assert.equal(await json(m, "(Get-NetAdapter -Name Ethernet1).VlanID | ConvertTo-Json"), 42);
    const ipconfig = (await ps("ipconfig", m)).stdout;
    assert.match(
      ipconfig,
      /Ethernet adapter Ethernet1:[\s\S]*198\.51\.100\.10[\s\S]*Default Gateway[ .]*: 198\.51\.100\.1/,
    );
  });

  it("removes routes and addresses only with -Confirm:$false in non-interactive sessions", async () => {
    const m = Machine.synthetic("WIN2022-TEST");
    const prompt = await ps("Get-NetRoute -InterfaceIndex 6 -DestinationPrefix 0.0.0.0/0 | Remove-NetRoute", m);
    assert.match(decodeClixml(prompt.stderr), /PowerShell is in NonInteractive mode/);
    const r = await ps(
      "Get-NetRoute -InterfaceIndex 6 -DestinationPrefix 0.0.0.0/0 | Remove-NetRoute -Confirm:$false; Remove-NetIPAddress -IPAddress 192.0.2.10 -Confirm:$false",
      m,
    );
    assert.equal(r.exitCode, 0, decodeClixml(r.stderr));
    const none = await ps("Get-NetRoute -DestinationPrefix 0.0.0.0/0", m);
    assert.match(decodeClixml(none.stderr), /No matching MSFT_NetRoute objects found/);
    assert.equal(
      m.addresses.some((a) => a.address === "192.0.2.10"),
      false,
    );
  });

  it("re-enables DHCP: manual settings go, the lease and its DNS come back; DNS resets", async () => {
    const m = Machine.synthetic("WIN2022-TEST");
    await ps(
      "Set-NetIPInterface -InterfaceIndex 6 -Dhcp Disabled; New-NetIPAddress -InterfaceIndex 6 -IPAddress 192.0.2.99 -PrefixLength 24; Set-DnsClientServerAddress -InterfaceIndex 6 -ResetServerAddresses",
      m,
    );
    assert.deepEqual(
      m.addresses.filter((a) => a.ifIndex === 6).map((a) => a.address),
      ["192.0.2.99"],
    );
    assert.deepEqual(m.dns.get(6), []);
    await ps("Set-NetIPInterface -InterfaceIndex 6 -Dhcp Enabled", m);
    assert.deepEqual(
      await json(m, "Get-NetIPAddress -InterfaceIndex 6 | Select IPAddress,PrefixOrigin | ConvertTo-Json -Compress"),
      { IPAddress: "192.0.2.10", PrefixOrigin: 3 },
    );
    assert.deepEqual(m.dns.get(6), ["192.0.2.53"]);
  });

  it("validates input like Windows: VLAN range, unknown adapters, bad addresses", async () => {
    const m = Machine.synthetic("WIN2022-TEST");
    assert.match(
      decodeClixml((await ps("Set-NetAdapter -Name Ethernet0 -VlanID 4095", m)).stderr),
      /greater than the maximum allowed range of 4094/,
    );
    assert.match(
      decodeClixml((await ps("Get-NetAdapter -Name Ethernet7", m)).stderr),
      /No MSFT_NetAdapter objects found with property 'Name' equal to 'Ethernet7'/,
    );
    assert.match(
      decodeClixml((await ps("Set-DnsClientServerAddress -InterfaceIndex 6 -ServerAddresses 10.0.0.300", m)).stderr),
      /The parameter is incorrect/,
    );
  });
});
