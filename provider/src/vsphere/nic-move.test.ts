import assert from "node:assert/strict";
import { findMovedNic } from "./nic-move";

const nics = [
  { mac: "02:42:ac:11:00:04", network: "pod-pg" },
  { mac: "00:0c:29:00:00:02", network: "VM Network" },
];

describe("findMovedNic: the NIC pod put on its port group, after the fact", () => {
  it("finds it by MAC wherever it is", () => {
    assert.equal(findMovedNic(nics, { mac: "00:0c:29:00:00:02", portGroup: "pod-pg", nic: 0 }), 1);
  });

  it("finds it by the declared index when vSphere changed its MAC and it is still on pod's port group", () => {
    // vcsim: the MAC read back after the move was replaced by the container's MAC at the next sync.
    assert.equal(findMovedNic(nics, { mac: "00:0c:29:62:30:34", portGroup: "pod-pg", nic: 0 }), 0);
  });

  it("does not take another NIC: a MAC declaration, or an index whose NIC is elsewhere, is not found", () => {
    assert.equal(findMovedNic(nics, { mac: "00:0c:29:62:30:34", portGroup: "pod-pg", nic: "00:0c:29:62:30:34" }), -1);
    assert.equal(findMovedNic(nics, { mac: "00:0c:29:62:30:34", portGroup: "pod-pg", nic: 1 }), -1);
  });

  it("finds it by index when vcsim shows no MAC at all (a stopped container), and never matches an empty MAC by MAC", () => {
    const stopped = [
      { mac: "", network: "pod-pg" },
      { mac: "00:0c:29:00:00:02", network: "VM Network" },
    ];
    assert.equal(findMovedNic(stopped, { mac: "02:42:ac:11:00:04", portGroup: "pod-pg", nic: 0 }), 0);
    assert.equal(findMovedNic(stopped, { mac: "", portGroup: "pod-pg", nic: "02:42:ac:11:00:04" }), -1);
  });
});
