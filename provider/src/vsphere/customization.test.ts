import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { customizationSpec } from "./customization";

const refused = (code: string, pattern: RegExp) => (e: unknown) =>
  isPodError(e, code as never) && pattern.test(`${e.message} ${e.fix}`);

describe("customizationSpec", () => {
  it("builds a LinuxPrep with the hostname, a fixed IP on NIC 0 and DHCP on the others", () => {
    const spec = customizationSpec(
      {
        hostname: "web-1",
        domain: "lab.example",
        network: { ipAddress: "10.10.0.20", prefixLength: 24, gateway: "10.10.0.1", dnsServers: ["10.10.0.2"] },
      },
      2,
      "debian12_64Guest",
    ) as unknown as Record<string, never>;
    assert.deepEqual(spec.identity, {
      _type: "CustomizationLinuxPrep",
      hostName: { _type: "CustomizationFixedName", name: "web-1" },
      domain: "lab.example",
      hwClockUTC: true,
    });
    assert.deepEqual(spec.nicSettingMap, [
      {
        adapter: {
          ip: { _type: "CustomizationFixedIp", ipAddress: "10.10.0.20" },
          subnetMask: "255.255.255.0",
          gateway: ["10.10.0.1"],
          dnsServerList: ["10.10.0.2"],
        },
      },
      { adapter: { ip: { _type: "CustomizationDhcpIpGenerator" } } },
    ]);
    assert.deepEqual(spec.globalIPSettings, { dnsServerList: ["10.10.0.2"] });
  });

  it("hostname only: DHCP on every NIC", () => {
    const spec = customizationSpec({ hostname: "web" }, 1, "otherGuest") as unknown as Record<string, never>;
    assert.deepEqual(spec.nicSettingMap, [{ adapter: { ip: { _type: "CustomizationDhcpIpGenerator" } } }]);
  });

  it("refuses Windows templates, bad hostnames, addresses and gateways outside the subnet", () => {
    assert.throws(
      () => customizationSpec({ hostname: "w" }, 1, "windows2019srvNext_64Guest"),
      refused("UNSUPPORTED", /Linux-only.*PodNetwork/),
    );
    assert.throws(
      () => customizationSpec({ hostname: "web_1" }, 1, "debian12_64Guest"),
      refused("INVALID_INPUT", /hostname/),
    );
    assert.throws(
      () => customizationSpec({ hostname: "w", network: { ipAddress: "10.0.0.300", prefixLength: 24 } }, 1, "x"),
      refused("INVALID_ADDRESS", /not an IPv4 address/),
    );
    assert.throws(
      () =>
        customizationSpec(
          { hostname: "w", network: { ipAddress: "10.0.0.5", prefixLength: 24, gateway: "10.0.1.1" } },
          1,
          "x",
        ),
      refused("GATEWAY_OUTSIDE_SUBNET", /10\.0\.1\.1 is not in 10\.0\.0\.5\/24/),
    );
  });
});
