import assert from "node:assert/strict";
import { PodPlugin } from "./plugin";
import { wireSecret } from "./wire";

const URN = "urn:pulumi:dev::proj::pod:index:PodVm::web";
const state = {
  name: "web",
  template: "tpl",
  numCpus: 2,
  moid: "vm-1",
  observedPowerState: "poweredOn",
  observedNumCpus: 2,
  observedMemoryMb: 1024,
  observedNics: [],
  observedExtraConfig: {},
};

describe("plugin/plugin: diffs as the engine receives them", () => {
  const plugin = new PodPlugin(() => undefined);

  it("names an in-place change in the detailed diff, so replaceOnChanges can match it", () => {
    const d = plugin.diff(URN, state, { name: "web", template: "tpl", numCpus: 4 });
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
    assert.deepEqual(d.detailed.numCpus, { kind: "update", replace: false });
  });

  it("replaces on a new name, and reports nothing when nothing differs (secrets compared revealed)", () => {
    const d = plugin.diff(URN, state, { name: "web2", template: "tpl", numCpus: 2 });
    assert.deepEqual(d.replaces, ["name"]);
    assert.equal(d.detailed.name?.replace, true);
    const same = plugin.diff(URN, { ...state, guest: wireSecret({ user: "u" }) }, { ...state, guest: { user: "u" } });
    assert.equal(same.changes, false);
  });

  it("takes the program's template for an imported VM (state has none) instead of replacing it", () => {
    const { template: _t, ...imported } = state;
    const d = plugin.diff(URN, imported, { name: "web", template: "tpl", numCpus: 2, folder: "f" });
    assert.equal(d.changes, false);
  });

  it("refuses a type pod does not have", async () => {
    await assert.rejects(plugin.check("urn:pulumi:dev::proj::pod:index:Nope::x", {}), /no resource type/);
  });
});
