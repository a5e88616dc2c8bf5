import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { classifyFailure } from "./classify";
import { isNetworkConfigError } from "./errors";
import { parseLinuxState } from "./linux/read";
import { managementAddressAfter, managementImpact } from "./management";
import { describeChange, planNetwork, vlanInterfaceName } from "./plan";
import { recordTargets, restoreDeclaration } from "./record";
import { simulatePlan } from "./simulate";
import { parseStepOutput } from "./steps";
import { validateInterfaces } from "./validate";
import { allMismatches } from "./verify";

const linux = parseLinuxState(readFileSync(join(__dirname, "fixtures", "linux-read.txt"), "utf8"));
const plan = (spec: unknown, state = linux) => planNetwork(state, validateInterfaces(spec));
const lines = (spec: unknown, state = linux) => plan(spec, state).changes.map(describeChange);

describe("network/plan (Linux state)", () => {
  it("is empty when the guest already matches", () => {
    const spec = [
      {
        name: "eth0",
        addresses: [{ address: "10.231.0.2/24" }, { address: "10.231.0.50/24" }],
        gateway: "10.231.0.1",
        mtu: 1500,
        dns: ["127.0.0.11", "10.0.0.53"],
      },
    ];
    assert.deepEqual(plan(spec).changes, []);
    assert.deepEqual(plan([{ mac: "02:42:0A:E7:00:02", mtu: 1500 }]).changes, []);
  });

  it("orders the smallest change: MTU, removals, additions, gateway, DNS", () => {
    assert.deepEqual(
      lines([
        {
          name: "eth0",
          addresses: [{ address: "10.231.0.2/24" }, { address: "10.231.0.60/24" }],
          gateway: "10.231.0.254",
          mtu: 1400,
          dns: ["10.0.0.53"],
        },
      ]),
      [
        "eth0: MTU 1500 → 1400",
        "eth0: remove 10.231.0.50/24",
        "eth0: add 10.231.0.60/24",
        "eth0: default gateway 10.231.0.254",
        "guest: DNS 10.0.0.53",
      ],
    );
  });

  it("keeps the current gateway while it stays on-link (Linux drops it when an address goes)", () => {
    assert.deepEqual(lines([{ name: "eth0", addresses: [{ address: "10.231.0.2/24" }] }]), [
      "eth0: remove 10.231.0.50/24",
      "eth0: default gateway 10.231.0.1",
    ]);
  });

  it("creates VLAN sub-interfaces first, with link up, and names them within 15 characters", () => {
    assert.deepEqual(lines([{ name: "eth0", vlanId: 200, addresses: [{ address: "172.16.200.5/24" }], mtu: 1400 }]), [
      "eth0.200: create VLAN 200 on eth0",
      "eth0.200: link up",
      "eth0.200: MTU 1500 → 1400",
      "eth0.200: add 172.16.200.5/24",
    ]);
    assert.deepEqual(plan([{ name: "eth1", vlanId: 100, addresses: [{ address: "172.16.100.5/24" }] }]).changes, []);
    assert.equal(vlanInterfaceName("enp0s31f6long", 4094), "enp0s31f6l.4094");
  });

  it("refuses unknown interfaces, addresses used elsewhere and gateways off the current subnets", () => {
    const code = (spec: unknown) => {
      try {
        plan(spec);
        return "none";
      } catch (e) {
        return isNetworkConfigError(e) ? `${e.code}: ${e.message}` : String(e);
      }
    };
    assert.match(code([{ name: "eth9", mtu: 1500 }]), /^INTERFACE_NOT_FOUND: The guest has no interface eth9/);
    assert.match(code([{ mac: "00:11:22:33:44:55", mtu: 1500 }]), /^INTERFACE_NOT_FOUND/);
    assert.match(
      code([{ name: "eth0", addresses: [{ address: "172.16.100.5/24" }] }]),
      /^ADDRESS_IN_USE: 172\.16\.100\.5 is already configured on eth1\.100/,
    );
    assert.match(
      code([{ name: "eth1", gateway: "10.9.9.1" }]),
      /^GATEWAY_OUTSIDE_SUBNET: Gateway 10\.9\.9\.1 is outside eth1's subnets \(192\.168\.5\.10\/24\)/,
    );
  });

  it("sees which changes cut the SSH session, and where to reconnect", () => {
    const move = plan([{ name: "eth0", addresses: [{ address: "10.231.0.77/24" }] }]);
    assert.deepEqual(managementImpact(linux, move), ["eth0: remove 10.231.0.2/24"]);
    assert.equal(managementAddressAfter(linux, move), "10.231.0.77");
    assert.deepEqual(managementImpact(linux, plan([{ name: "eth0", addresses: [{ address: "10.231.0.2/16" }] }])), []);
    assert.deepEqual(managementImpact(linux, plan([{ name: "eth0", mtu: 1400 }])), []);
    assert.deepEqual(
      managementImpact(linux, plan([{ name: "eth1", addresses: [{ address: "192.168.5.11/24" }] }])),
      [],
    );
    const routed = { ...linux, management: { ...linux.management, via: "10.231.0.1" } };
    assert.deepEqual(
      managementImpact(routed, planNetwork(routed, validateInterfaces([{ name: "eth0", gateway: "10.231.0.254" }]))),
      ["eth0: default gateway 10.231.0.254"],
    );
  });

  it("simulates a plan, records what it touches and plans the way back", () => {
    const p = plan([
      { name: "eth0", addresses: [{ address: "10.231.0.9/24" }], gateway: "10.231.0.1", mtu: 1400, dns: ["9.9.9.9"] },
      { name: "eth0", vlanId: 300, addresses: [{ address: "172.16.3.1/24" }] },
    ]);
    const after = simulatePlan(linux, p);
    assert.deepEqual(allMismatches(after, p.targets), []);
    const recorded = recordTargets(linux, p.targets);
    assert.deepEqual(
      recorded.map((r) => [
        r.name,
        r.existed,
        r.managed.join("+"),
        r.addresses.join(","),
        r.gateway,
        r.mtu,
        r.dns.join(","),
      ]),
      [
        [
          "eth0",
          true,
          "addresses+gateway+dns+mtu",
          "10.231.0.2/24,10.231.0.50/24",
          "10.231.0.1",
          1500,
          "127.0.0.11,10.0.0.53",
        ],
        ["eth0.300", false, "addresses+gateway+vlan", "", "", 0, "127.0.0.11,10.0.0.53"],
      ],
    );
    const back = planNetwork(
      after,
      recorded.map((r) => restoreDeclaration("linux", r)),
    );
    assert.deepEqual(back.changes.map(describeChange), [
      "eth0: MTU 1400 → 1500",
      "eth0: remove 10.231.0.9/24",
      "eth0: add 10.231.0.2/24",
      "eth0: add 10.231.0.50/24",
      "eth0: default gateway 10.231.0.1",
      "guest: DNS 127.0.0.11, 10.0.0.53",
      "eth0.300: delete VLAN interface",
    ]);
    assert.deepEqual(allMismatches(simulatePlan(after, back), back.targets), []);
    // A second apply keeps the first record (the originals) and adds newly managed settings.
    const again = recordTargets(after, plan([{ name: "eth0", mtu: 1300, dns: ["9.9.9.9"] }], after).targets, recorded);
    assert.equal(again[0]?.mtu, 1500);
  });

  it("reports what differs after an apply", () => {
    const p = plan([{ name: "eth0", addresses: [{ address: "10.231.0.9/24" }], mtu: 1400 }]);
    assert.deepEqual(allMismatches(linux, p.targets), [
      "eth0 lacks 10.231.0.9/24",
      "eth0 still has 10.231.0.2/24, 10.231.0.50/24",
      "eth0's MTU is 1500, not 1400",
    ]);
  });
});

describe("network/steps and classify", () => {
  it("reads step markers: completed steps, the failing one and its output", () => {
    assert.deepEqual(parseStepOutput("@@STEP 0\n@@STEP 1\nError: Unknown device type.\n@@FAIL 1 2\n", ""), {
      completed: [0],
      failed: { step: 1, exitCode: 2, output: "Error: Unknown device type." },
      done: false,
    });
    assert.deepEqual(parseStepOutput("@@STEP 0\n@@STEP 1\n@@FAIL 1 1\nInstance MSFT_NetIPAddress already exists\n"), {
      completed: [0],
      failed: { step: 1, exitCode: 1, output: "Instance MSFT_NetIPAddress already exists" },
      done: false,
    });
    assert.deepEqual(parseStepOutput("@@STEP 0\n@@STEP 1\n@@DONE\n"), { completed: [0, 1], done: true });
    assert.deepEqual(parseStepOutput("@@STEP 0\n@@STEP 1\n"), { completed: [0], done: false });
  });

  it("gives every OS the same code for the same failure", () => {
    const vlan = { op: "create-vlan", interface: "eth0.5", parent: "eth0", vlanId: 5 } as const;
    const win = { op: "set-adapter-vlan", interface: "Ethernet0", vlanId: 5, from: 0 } as const;
    const add = { op: "add-address", interface: "eth0", address: { address: "10.0.0.5", prefix: 24 } } as const;
    const c = (change: Parameters<typeof classifyFailure>[0]["change"], output: string) =>
      classifyFailure({ change, command: "", exitCode: 2, output }).code;
    assert.equal(c(vlan, "Error: Unknown device type."), "VLAN_UNSUPPORTED");
    assert.equal(c(vlan, "RTNETLINK answers: Operation not supported"), "VLAN_UNSUPPORTED");
    assert.equal(c(win, "The requested operation is not supported on this adapter"), "VLAN_UNSUPPORTED");
    assert.equal(c(add, "The object already exists."), "ADDRESS_IN_USE");
    assert.equal(c(add, 'Cannot find device "eth7"'), "INTERFACE_NOT_FOUND");
    assert.equal(c(add, "RTNETLINK answers: Operation not permitted"), "APPLY_FAILED");
    assert.match(
      classifyFailure({ change: add, command: "", exitCode: 2, output: "Operation not permitted" }).fix,
      /CAP_NET_ADMIN/,
    );
  });
});
