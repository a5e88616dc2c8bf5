import assert from "node:assert/strict";
import { NO_GUEST_SIDE, NO_VSPHERE_SIDE } from "../../execution/network/declaration";
import type { PodNetworkInputs } from "./args";
import { diffPodNetwork } from "./diff";
import { parseNetworkId } from "./import";
import { toOutputs } from "./state";

const imported = (inputs: PodNetworkInputs) =>
  toOutputs(inputs, { ...NO_VSPHERE_SIDE, ...NO_GUEST_SIDE, portGroupName: "web", portGroupCreated: true });

describe("PodNetwork import: the id and the inputs it reads back", () => {
  it("takes a name or moid, optionally after the datacenter (inventory paths included)", () => {
    assert.deepEqual(parseNetworkId("web-vlan"), { portGroup: "web-vlan" });
    assert.deepEqual(parseNetworkId("dvportgroup-12"), { portGroup: "dvportgroup-12" });
    assert.deepEqual(parseNetworkId("DC0/web-vlan"), { datacenter: "DC0", portGroup: "web-vlan" });
    assert.deepEqual(parseNetworkId("labs/DC1/network-7"), { datacenter: "labs/DC1", portGroup: "network-7" });
  });

  it("refuses a dynamic PodNetwork's id (net:vm:pg:guest) and an empty name, saying what to give", () => {
    assert.throws(
      () => parseNetworkId("net:vm-12:web:db"),
      (e: Error & { fix?: string }) =>
        /does not name a port group/.test(e.message) && /dvportgroup-34/.test(e.fix ?? ""),
    );
    assert.throws(
      () => parseNetworkId("DC0/"),
      (e: Error & { code?: string }) => e.code === "INVALID_INPUT",
    );
  });

  it("an imported standard port group shows no changes against a program that writes the defaults out, in any key order", () => {
    const outs = imported({ portGroup: { name: "web", vlanId: 42 } });
    const same = diffPodNetwork(outs, {
      portGroup: { vlanId: 42, kind: "standard", vswitch: "vSwitch0", name: "web" },
    });
    assert.equal(same.changes, false, JSON.stringify(same.reasons));
    assert.equal(diffPodNetwork(outs, { portGroup: { name: "web", vlanId: 43 } }).reasons.portGroup, "changed");
    assert.equal(
      diffPodNetwork(outs, { portGroup: { name: "web", vlanId: 42, vswitch: "vSwitch1" } }).reasons.portGroup,
      "changed",
    );
  });

  it("adding a VM's NIC to the imported declaration replaces it (docs/plugin.md: use a second PodNetwork)", () => {
    const d = diffPodNetwork(imported({ portGroup: { name: "web", vlanId: 42 } }), {
      portGroup: { name: "web", vlanId: 42 },
      vm: "vm-7",
      nic: 0,
    });
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, ["vm"]);
  });
});

describe("PodNetwork diff of state the dynamic provider wrote (moved to the plugin by an alias)", () => {
  it("ignores the dynamic resource's serialized __provider and its URN input", () => {
    const outs = { ...imported({ portGroup: { name: "web", vlanId: 42 } }), __provider: "exports.handler = …" };
    const d = diffPodNetwork(
      { ...outs, pulumiUrn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/pod:PodNetwork::net" } as never,
      {
        portGroup: { name: "web", vlanId: 42 },
      },
    );
    assert.equal(d.changes, false, JSON.stringify(d.reasons));
  });
});
