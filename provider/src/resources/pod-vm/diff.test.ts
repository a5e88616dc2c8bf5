import assert from "node:assert/strict";
import type { PodVmInputs, PodVmOutputs } from "./args";
import { diffPodVm, updateAction } from "./diff";

const inputs: PodVmInputs = {
  name: "web",
  template: "pod-template-debian12",
  disks: [{ sizeGb: 12 }],
  tags: [{ category: "owner", name: "alice" }],
  customAttributes: { lab: "n1" },
};

const outputs = (over: Partial<PodVmOutputs> = {}): PodVmOutputs => ({
  ...inputs,
  moid: "vm-1",
  instanceUuid: "u",
  observedPowerState: "poweredOn",
  observedNumCpus: 1,
  observedMemoryMb: 256,
  observedNics: [],
  observedExtraConfig: {},
  observedDisks: [{ sizeGb: 12, provisioning: "thin", datastore: "LocalDS_0", fileName: "[LocalDS_0] web/web.vmdk" }],
  observedTags: ["owner/alice"],
  observedCustomAttributes: { lab: "n1" },
  ipAddress: "",
  ipAddresses: [],
  macAddresses: [],
  os: { type: "linux" } as PodVmOutputs["os"],
  sshHostKeys: [],
  ...over,
});

describe("diffPodVm: disks, tags, attributes, clone-time inputs", () => {
  it("no change against the same inputs and what vSphere reported", () => {
    assert.equal(diffPodVm(outputs(), inputs).changes, false);
  });

  it("disks, tags and attributes change in place, never by replacement", () => {
    const news = {
      ...inputs,
      disks: [{ sizeGb: 20 }, { sizeGb: 1 }],
      tags: [{ category: "owner", name: "bob" }],
      customAttributes: { lab: "n2" },
    };
    const d = diffPodVm(outputs(), news);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(Object.keys(d.reasons).sort(), ["customAttributes", "disks", "tags"]);
    assert.equal(updateAction(outputs(), news).action, "vm.reconfigured");
  });

  it("drift seen by refresh (a disk grown, a tag or attribute changed outside pod) is a change", () => {
    const drifted = outputs({
      observedDisks: [{ sizeGb: 14, provisioning: "thin", datastore: "LocalDS_0", fileName: "f" }],
      observedTags: [],
      observedCustomAttributes: { lab: "other" },
    });
    assert.deepEqual(Object.keys(diffPodVm(drifted, inputs).reasons).sort(), ["customAttributes", "disks", "tags"]);
  });

  it("linkedClone, snapshot and customization replace the VM (they only act at clone time)", () => {
    const news = { ...inputs, linkedClone: true, snapshot: "base", customization: { hostname: "web" } };
    assert.deepEqual(diffPodVm(outputs(), news).replaces.sort(), ["customization", "linkedClone", "snapshot"]);
  });
});
