import assert from "node:assert/strict";
import {
  broadcastOf,
  inSubnet,
  isHostAddress,
  isIpv4,
  netmaskToPrefix,
  networkOf,
  parseCidr,
  prefixToNetmask,
  unusableReason,
} from "./cidr";

describe("network/cidr", () => {
  it("accepts dotted quads only", () => {
    assert.equal(isIpv4("10.0.0.1"), true);
    assert.equal(isIpv4("255.255.255.255"), true);
    for (const bad of ["10.0.0", "10.0.0.256", "010.0.0.1", "10.0.0.1 ", "a.b.c.d", "10.0.0.1/24", "1.2.3.4.5", ""]) {
      assert.equal(isIpv4(bad), false, bad);
    }
  });

  it("converts netmask ↔ prefix and refuses non-contiguous masks", () => {
    assert.equal(prefixToNetmask(24), "255.255.255.0");
    assert.equal(prefixToNetmask(0), "0.0.0.0");
    assert.equal(prefixToNetmask(32), "255.255.255.255");
    assert.equal(prefixToNetmask(19), "255.255.224.0");
    assert.equal(netmaskToPrefix("255.255.255.0"), 24);
    assert.equal(netmaskToPrefix("255.255.224.0"), 19);
    assert.equal(netmaskToPrefix("0.0.0.0"), 0);
    assert.equal(netmaskToPrefix("255.255.255.255"), 32);
    assert.equal(netmaskToPrefix("255.0.255.0"), undefined);
    assert.equal(netmaskToPrefix("0.255.255.255"), undefined);
    assert.equal(netmaskToPrefix("255.255.255.1"), undefined);
    assert.equal(netmaskToPrefix("300.0.0.0"), undefined);
  });

  it("parses CIDR and tells subnets apart", () => {
    assert.deepEqual(parseCidr("10.1.2.3/24"), { address: "10.1.2.3", prefix: 24 });
    assert.equal(parseCidr("10.1.2.3/33"), undefined);
    assert.equal(parseCidr("10.1.2.3"), undefined);
    const c = { address: "192.168.10.77", prefix: 26 };
    assert.equal(networkOf(c), "192.168.10.64");
    assert.equal(broadcastOf(c), "192.168.10.127");
    assert.equal(inSubnet("192.168.10.100", c), true);
    assert.equal(inSubnet("192.168.10.128", c), false);
    assert.equal(isHostAddress("192.168.10.64", c), false);
    assert.equal(isHostAddress("192.168.10.127", c), false);
    assert.equal(isHostAddress("10.0.0.0", { address: "10.0.0.1", prefix: 31 }), true);
    assert.equal(inSubnet("8.8.8.8", { address: "10.0.0.1", prefix: 0 }), true);
  });

  it("names addresses no interface can have", () => {
    assert.match(unusableReason("127.0.0.1") ?? "", /loopback/);
    assert.match(unusableReason("224.0.0.5") ?? "", /multicast/);
    assert.match(unusableReason("0.0.0.0") ?? "", /unspecified/);
    assert.equal(unusableReason("10.0.0.1"), undefined);
  });
});
