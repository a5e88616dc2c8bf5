import assert from "node:assert/strict";
import { closestNames, editDistance } from "./finder";

describe("finder suggestions", () => {
  it("measures edit distance", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
  });
  it("suggests close names for a typo", () => {
    assert.deepEqual(
      closestNames("pod-template-debain12", ["pod-template-debian12", "pod-template-rocky9", "DC0_H0_VM0"]),
      ["pod-template-debian12"],
    );
  });
});
