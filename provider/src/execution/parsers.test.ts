import assert from "node:assert/strict";
import { isPodError } from "../common/errors";
import { parseIpJson, parseKeyValue, parseOutput, parsePowerShellJson } from "./parsers";

// Captured from the lab's Debian 12 guest (iproute2 6.1).
const IP_ADDR = `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":66,"link_index":67,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","link_type":"ether","address":"02:42:ac:11:00:06","broadcast":"ff:ff:ff:ff:ff:ff","link_netnsid":0,"addr_info":[{"family":"inet","local":"172.17.0.6","prefixlen":16,"broadcast":"172.17.255.255","scope":"global","label":"eth0","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]
`;
const IP_ROUTE = `[{"dst":"default","gateway":"172.17.0.1","dev":"eth0","flags":[]},{"dst":"172.17.0.0/16","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"172.17.0.6","flags":[]}]
`;
const IP_LINK_DETAIL = `[{"ifindex":66,"ifname":"eth0","flags":["UP"],"mtu":1500,"operstate":"UP","address":"02:42:ac:11:00:06","linkinfo":{"info_kind":"veth"}}]`;

describe("execution/parsers", () => {
  it("json", () => {
    assert.deepEqual(parseOutput("json", '{"a":[1,2]}\n'), { a: [1, 2] });
    assert.throws(
      () => parseOutput("json", "not json"),
      (e) => isPodError(e, "COMMAND_FAILED"),
    );
    assert.throws(
      () => parseOutput("json", "  \n"),
      (e) => isPodError(e, "COMMAND_FAILED"),
    );
  });

  it("ip-json: links with addresses", () => {
    const links = parseIpJson(IP_ADDR);
    assert.deepEqual(links[1], {
      ifname: "eth0",
      ifindex: 66,
      mtu: 1500,
      operstate: "UP",
      address: "02:42:ac:11:00:06",
      flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
      addresses: [{ family: "inet", local: "172.17.0.6", prefixlen: 16, scope: "global" }],
    });
    assert.equal((parseIpJson(IP_LINK_DETAIL)[0] as { kind?: string }).kind, "veth");
  });

  it("ip-json: routes", () => {
    assert.deepEqual(parseIpJson(IP_ROUTE), [
      { dst: "default", gateway: "172.17.0.1", dev: "eth0" },
      { dst: "172.17.0.0/16", dev: "eth0", protocol: "kernel", scope: "link", prefsrc: "172.17.0.6" },
    ]);
    assert.deepEqual(parseIpJson("[]"), []);
    assert.throws(
      () => parseIpJson('{"ifname":"x"}'),
      (e) => isPodError(e, "COMMAND_FAILED"),
    );
    assert.throws(
      () => parseIpJson('[{"foo":1}]'),
      (e) => isPodError(e, "COMMAND_FAILED"),
    );
  });

  it("os-release", () => {
    const text =
      'NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID=9.5\n# comment\nX=\'single\'\nESC="a \\"q\\" \\$b"\n';
    assert.deepEqual(parseOutput("os-release", text), {
      NAME: "Rocky Linux",
      ID: "rocky",
      ID_LIKE: "rhel centos fedora",
      VERSION_ID: "9.5",
      X: "single",
      ESC: 'a "q" $b',
    });
  });

  it("key-value", () => {
    assert.deepEqual(parseKeyValue('a=1\n\n# c\nb = two words \nc="q"\nnoequals\nurl=http://x/?a=b\n'), {
      a: "1",
      b: "two words",
      c: "q",
      url: "http://x/?a=b",
    });
  });

  it("powershell-json: BOM, /Date()/ and empty output", () => {
    assert.deepEqual(parsePowerShellJson('\uFEFF{"Name":"x","When":"\\/Date(1700000000000)\\/","N":[1]}\r\n'), {
      Name: "x",
      When: "2023-11-14T22:13:20.000Z",
      N: [1],
    });
    assert.equal(parsePowerShellJson("\r\n"), null);
  });

  it("takes a function, and refuses unknown names", () => {
    assert.equal(
      parseOutput((s) => s.length, "abc"),
      3,
    );
    assert.throws(
      () => parseOutput("yaml" as never, "a: 1"),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });
});
