import assert from "node:assert/strict";
import { Secret } from "../../provider/src/common/secret";
import { WinrmConnection } from "../../provider/src/connections/winrm/connection";
import { applyNetwork } from "../../provider/src/execution/network/apply";
import { isNetworkConfigError } from "../../provider/src/network/errors";
import type { PodNetworkInputs, PodNetworkOutputs } from "../../provider/src/resources/pod-network/args";
import { PodNetworkProvider } from "../../provider/src/resources/pod-network/provider";
import { requireLab } from "../support/lab-env";
import { RecordingConnection } from "../support/recording-connection";

/**
 * Issue 5 on Windows: PodNetwork against the lab's Windows Server 2022 guest
 * over WinRM (NTLM + encryption). The host-process instance has a spare,
 * unconfigured adapter (Ethernet1, DHCP with an APIPA address) to configure;
 * the container instance is reached on its own Ethernet0 address, which pod
 * must refuse to move. Runs when lab.env has the Windows endpoints.
 */
describe("lab: PodNetwork on the Windows guest over WinRM", function () {
  this.timeout(120_000);
  requireLab();
  const http = process.env.POD_WINRM_HTTP ?? "";
  const containerIp = process.env.POD_WINDOWS_CONTAINER_IP ?? "";
  const user = process.env.POD_WINDOWS_USER ?? "";
  const password = process.env.POD_WINDOWS_PASSWORD ?? "";
  const [host = "", port = "5985"] = http.split(":");
  const provider = new PodNetworkProvider();
  const open: WinrmConnection[] = [];
  const winrm = (h = host, p = Number(port)) => {
    // Plain HTTP (NTLM sealing), chosen explicitly: the default is HTTPS.
    const c = new WinrmConnection({ host: h, port: p, https: false, username: user, password: new Secret(password) });
    open.push(c);
    return c;
  };
  const target = { transport: "winrm" as const, host, port: Number(port), https: false, user, password };
  const declaration = [
    {
      name: "Ethernet1",
      vlanId: 42,
      addresses: [{ address: "198.51.100.10", netmask: "255.255.255.0" }],
      gateway: "198.51.100.1",
      dns: ["198.51.100.53", "198.51.100.54"],
      mtu: 1400,
    },
  ];
  const inputs: PodNetworkInputs = { target, interfaces: declaration };
  let id = "";
  let outs: PodNetworkOutputs;

  /** What Windows itself reports for Ethernet1, read with our own script (not pod's read-back). */
  async function ethernet1() {
    const r = await winrm().execPowerShell(
      [
        "$a = Get-NetAdapter -Name Ethernet1",
        "[pscustomobject]@{",
        "  vlan = $a.VlanID",
        "  addresses = @(Get-NetIPAddress -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4 | ForEach-Object { $_.IPAddress + '/' + $_.PrefixLength + ':' + $_.PrefixOrigin })",
        "  gateways = @(Get-NetRoute -InterfaceIndex $a.InterfaceIndex -DestinationPrefix '0.0.0.0/0' -ErrorAction SilentlyContinue | ForEach-Object { $_.NextHop })",
        "  dns = @((Get-DnsClientServerAddress -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4).ServerAddresses)",
        "  dhcp = [string](Get-NetIPInterface -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4).Dhcp",
        "  mtu = (Get-NetIPInterface -InterfaceIndex $a.InterfaceIndex -AddressFamily IPv4).NlMtu",
        "} | ConvertTo-Json -Compress",
      ].join("\n"),
    );
    assert.equal(r.exitCode, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { vlan: number; dhcp: string; mtu: number } & Record<string, unknown>;
    const list = (v: unknown) => (Array.isArray(v) ? v : v === null || v === undefined ? [] : [v]) as string[];
    return {
      vlan: j.vlan,
      addresses: list(j.addresses),
      gateways: list(j.gateways),
      dns: list(j.dns),
      dhcp: j.dhcp,
      mtu: j.mtu,
    };
  }

  before(() => {
    assert.ok(
      http && password,
      "lab.env lacks the Windows guest (POD_WINRM_HTTP, POD_WINDOWS_PASSWORD): run `make lab`",
    );
  });
  after(async () => {
    if (id) await provider.delete(id, outs).catch(() => undefined);
    await provider.close();
    await Promise.all(open.map((c) => c.close()));
  });

  it("configures VLAN, static address with gateway, DNS and MTU; Windows reports exactly that", async () => {
    assert.deepEqual((await provider.check({} as PodNetworkInputs, inputs)).failures, []);
    const created = await provider.create(inputs);
    id = created.id;
    outs = created.outs as PodNetworkOutputs;
    assert.equal(outs.os, "windows");
    assert.equal(outs.persistence, "windows");
    assert.equal(outs.runtimeOnly, false);
    assert.deepEqual(outs.applied, [
      {
        name: "Ethernet1",
        mac: "00:50:56:8a:10:02",
        vlanId: 42,
        addresses: ["198.51.100.10/24"],
        gateway: "198.51.100.1",
        dns: ["198.51.100.53", "198.51.100.54"],
        mtu: 1400,
      },
    ]);
    assert.deepEqual(await ethernet1(), {
      vlan: 42,
      addresses: ["198.51.100.10/24:Manual"],
      gateways: ["198.51.100.1"],
      dns: ["198.51.100.53", "198.51.100.54"],
      dhcp: "Disabled",
      mtu: 1400,
    });
    assert.deepEqual(outs.recorded[0]?.dhcp, true, "the record says DHCP was on");
  });

  it("a second apply is a no-op; refresh finds no drift", async () => {
    const spy = new RecordingConnection(winrm());
    const again = await applyNetwork({ connection: spy, interfaces: declaration, recorded: outs.recorded });
    assert.deepEqual(again.plan, []);
    assert.deepEqual(spy.changeCommands(), []);
    const read = (await provider.read(id, outs)).props as PodNetworkOutputs;
    assert.deepEqual(read.drift, []);
    assert.equal((await provider.diff(id, read, inputs)).changes, false);
  });

  it("update changes only what changed (the DNS servers)", async () => {
    const spy = new RecordingConnection(winrm());
    const news = [{ ...declaration[0], dns: ["198.51.100.53"] }];
    const r = await applyNetwork({ connection: spy, interfaces: news, recorded: outs.recorded });
    assert.deepEqual(r.commands, ["Set-DnsClientServerAddress -InterfaceIndex 9 -ServerAddresses '198.51.100.53'"]);
    outs = (await provider.update(id, outs, inputs)).outs as PodNetworkOutputs;
    assert.deepEqual(outs.applied[0]?.dns, ["198.51.100.53", "198.51.100.54"]);
  });

  it("refuses a gateway outside the subnet before anything runs", async () => {
    const spy = new RecordingConnection(winrm());
    const error = await applyNetwork({
      connection: spy,
      interfaces: [{ name: "Ethernet1", addresses: [{ address: "198.51.100.10/24" }], gateway: "203.0.113.1" }],
    }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(error, "GATEWAY_OUTSIDE_SUBNET"), String(error));
    assert.deepEqual(spy.commands, []);
  });

  it("refuses to move the address WinRM is connected to (the container's Ethernet0)", async () => {
    assert.ok(containerIp, "lab.env lacks POD_WINDOWS_CONTAINER_IP: run `make lab`");
    const c = winrm(containerIp, 5985);
    const error = await applyNetwork({
      connection: c,
      interfaces: [{ name: "Ethernet0", addresses: [{ address: "198.51.100.77/24" }] }],
    }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(error, "MANAGEMENT_INTERFACE"), String(error));
    assert.match(error.message, new RegExp(`Ethernet0 carries it \\(guest ${containerIp.replaceAll(".", "\\.")}`));
    // Opting in does not help over WinRM itself: pod says which transport would.
    const optIn = await applyNetwork({
      connection: c,
      interfaces: [{ name: "Ethernet0", addresses: [{ address: "198.51.100.77/24" }] }],
      allowManagementChange: true,
    }).catch((e: unknown) => e);
    assert.ok(isNetworkConfigError(optIn, "MANAGEMENT_INTERFACE"));
    assert.match(optIn.fix ?? "", /guestops/);
  });

  it("delete restores what it recorded: DHCP on, VLAN 0, MTU 1500, DNS from DHCP", async () => {
    await provider.delete(id, outs);
    id = "";
    const now = await ethernet1();
    assert.equal(now.dhcp, "Enabled");
    assert.equal(now.vlan, 0);
    assert.equal(now.mtu, 1500);
    assert.deepEqual(now.gateways, []);
    assert.ok(
      now.addresses.every((a) => !a.startsWith("198.51.100.")),
      JSON.stringify(now.addresses),
    );
  });
});
