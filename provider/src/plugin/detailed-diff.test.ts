import assert from "node:assert/strict";
import { changedInputs, detailedDiff } from "./detailed-diff";

describe("plugin/detailed-diff", () => {
  it("names each changed property with its kind and whether it replaces", () => {
    const d = detailedDiff(
      { name: "a", numCpus: 1 },
      { name: "b", numCpus: 1, memoryMb: 8 },
      ["name", "memoryMb"],
      ["name"],
      false,
    );
    assert.equal(d.changes, true);
    assert.deepEqual(d.detailed, {
      name: { kind: "update", replace: true },
      memoryMb: { kind: "add", replace: false },
    });
  });

  it("reports no change and no delete-before-replace when nothing differs", () => {
    const d = detailedDiff({ a: 1 }, { a: 1 }, [], [], true);
    assert.deepEqual(d, { changes: false, replaces: [], deleteBeforeReplace: false, detailed: {} });
    assert.deepEqual(changedInputs({ a: 1, b: [1], c: 3 }, { a: 1, b: [2], d: 4 }, ["d"]), ["b", "c"]);
  });
});
