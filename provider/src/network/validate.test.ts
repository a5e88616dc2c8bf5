import assert from "node:assert/strict";
import { isNetworkConfigError } from "./errors";
import { interfacesSchema, validateInterfaces } from "./validate";

const refused = (input: unknown, code: string, pattern: RegExp) => {
  assert.throws(
    () => validateInterfaces(input),
    (e: unknown) => isNetworkConfigError(e) && e.code === code && pattern.test(e.message),
  );
};

describe("network/validate", () => {
  it("normalizes addresses given with /prefix, prefix or netmask, and MACs", () => {
    const [d] = validateInterfaces([
      {
        mac: "02-42-0A-00-00-05",
        addresses: [
          { address: "10.0.0.5/24" },
          { address: "10.0.1.5", prefix: 24 },
          { address: "10.0.2.5", netmask: "255.255.255.0" },
        ],
        gateway: "10.0.0.1",
        dns: ["10.0.0.53"],
        mtu: 1400,
        vlanId: 100,
      },
    ]);
    assert.deepEqual(d, {
      label: "mac 02-42-0A-00-00-05",
      mac: "02:42:0a:00:00:05",
      vlanId: 100,
      addresses: [
        { address: "10.0.0.5", prefix: 24 },
        { address: "10.0.1.5", prefix: 24 },
        { address: "10.0.2.5", prefix: 24 },
      ],
      gateway: "10.0.0.1",
      dns: ["10.0.0.53"],
      mtu: 1400,
    });
  });

  it("refuses a gateway outside the subnet with GATEWAY_OUTSIDE_SUBNET", () => {
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.5/24" }], gateway: "10.0.1.1" }],
      "GATEWAY_OUTSIDE_SUBNET",
      /interfaces\.0\.gateway: gateway 10\.0\.1\.1 is outside the interface's subnets \(10\.0\.0\.5\/24\)/,
    );
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.5/24" }], gateway: "10.0.0.255" }],
      "GATEWAY_OUTSIDE_SUBNET",
      /broadcast/,
    );
  });

  it("refuses bad addresses, prefixes and netmasks with INVALID_ADDRESS and says what to write", () => {
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.300/24" }] }],
      "INVALID_ADDRESS",
      /not an IPv4 address with a prefix/,
    );
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.5" }] }],
      "INVALID_ADDRESS",
      /needs a prefix: write "10\.0\.0\.5\/24"/,
    );
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.5", prefix: 33 }] }],
      "INVALID_ADDRESS",
      /prefix 33 is not 0–32/,
    );
    refused(
      [{ name: "eth0", addresses: [{ address: "10.0.0.5", netmask: "255.0.255.0" }] }],
      "INVALID_ADDRESS",
      /not a contiguous/,
    );
    refused([{ name: "eth0", addresses: [{ address: "10.0.0.0/24" }] }], "INVALID_ADDRESS", /network or broadcast/);
    refused([{ name: "eth0", dns: ["8.8.8"] }], "INVALID_ADDRESS", /not IPv4 server addresses: "8\.8\.8"/);
  });

  it("refuses VLAN ids outside 0–4094 with INVALID_VLAN and MTUs outside 68–9216", () => {
    refused([{ name: "eth0", vlanId: 4095 }], "INVALID_VLAN", /VLAN id 4095 is outside 1–4094/);
    refused([{ name: "eth0", vlanId: -1 }], "INVALID_VLAN", /VLAN id -1/);
    refused([{ name: "eth0", mtu: 67 }], "INVALID_INPUT", /MTU 67 is outside 68–9216/);
    refused([{ name: "eth0", mtu: 9217 }], "INVALID_INPUT", /MTU 9217/);
  });

  it("refuses interface names with shell metacharacters", () => {
    for (const name of ["eth0;reboot", "eth0$(id)", "`id`", "eth0|x", "eth0 ", "a'b", "eth0\n", "../x", "*"]) {
      refused([{ name }], "INVALID_INPUT", /is not an interface name/);
    }
    assert.equal(validateInterfaces([{ name: "Ethernet 2" }])[0]?.name, "Ethernet 2");
    assert.equal(validateInterfaces([{ name: "ens192" }])[0]?.name, "ens192");
  });

  it("checks the list: one selector each, no duplicates, one gateway, addresses declared once", () => {
    refused([{ name: "eth0", mac: "02:42:0a:00:00:05" }], "INVALID_INPUT", /exactly one of name or mac/);
    refused([{ name: "eth0" }, { name: "eth0" }], "INVALID_INPUT", /same interface as entry 0/);
    refused(
      [
        { name: "eth0", addresses: [{ address: "10.0.0.5/24" }], gateway: "10.0.0.1" },
        { name: "eth1", addresses: [{ address: "10.0.1.5/24" }], gateway: "10.0.1.1" },
      ],
      "INVALID_INPUT",
      /only one interface may declare the default gateway/,
    );
    refused(
      [
        { name: "eth0", addresses: [{ address: "10.0.0.5/24" }] },
        { name: "eth1", addresses: [{ address: "10.0.0.5/24" }] },
      ],
      "ADDRESS_IN_USE",
      /also declared on entry 0/,
    );
    refused([], "INVALID_INPUT", /at least one interface/);
    refused([{ name: 5 }], "INVALID_INPUT", /malformed/);
  });

  it("reports the same rules as Pulumi check failures through the schema", () => {
    const result = interfacesSchema.safeParse([
      { name: "eth0", addresses: [{ address: "10.0.0.5/24" }], gateway: "10.9.9.9" },
    ]);
    assert.equal(result.success, false);
    assert.deepEqual(
      result.error?.issues.map((i) => [
        i.path.join("."),
        (i as { params?: { networkCode?: string } }).params?.networkCode,
      ]),
      [["0.gateway", "GATEWAY_OUTSIDE_SUBNET"]],
    );
  });
});
