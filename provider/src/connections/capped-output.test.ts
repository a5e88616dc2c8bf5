import assert from "node:assert/strict";
import { CappedOutput, truncation } from "./capped-output";

describe("connections/capped-output", () => {
  it("keeps the head up to the limit, counts the rest, and streams every chunk", () => {
    const streamed: string[] = [];
    const out = new CappedOutput(5, (c) => streamed.push(c.toString()));
    for (const part of ["abc", "def", "ghi"]) out.push(Buffer.from(part));
    assert.equal(out.text(), "abcde");
    assert.equal(out.dropped, 4);
    assert.deepEqual(streamed, ["abc", "def", "ghi"]);
    assert.deepEqual(truncation(out, new CappedOutput(5)), { truncated: { stdout: 4, stderr: 0 } });
  });

  it("says nothing about truncation when all fit, and survives a listener that throws", () => {
    const out = new CappedOutput(8, () => {
      throw new Error("listener bug");
    });
    out.push(Buffer.from("12345678"));
    assert.equal(out.text(), "12345678");
    assert.deepEqual(truncation(out, new CappedOutput(1)), {});
  });
});
