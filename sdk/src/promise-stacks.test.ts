import assert from "node:assert/strict";
import { withoutPromiseStacks } from "./promise-stacks";

describe("sdk: property promises registered without stack traces", () => {
  it("captures no frames while off and restores the caller's limit after", () => {
    const before = Error.stackTraceLimit;
    const restore = withoutPromiseStacks();
    try {
      assert.equal(new Error("x").stack, "Error: x", "no frames: nothing for source-map-support to map");
    } finally {
      restore();
    }
    assert.equal(Error.stackTraceLimit, before);
    assert.match(new Error("y").stack ?? "", /\n\s+at /, "frames again after");
  });

  it("restores the limit when the constructor it wraps throws", () => {
    const before = Error.stackTraceLimit;
    class Base {
      constructor() {
        throw new Error("registration refused");
      }
    }
    class Wrapped extends Base {
      constructor() {
        const restore = withoutPromiseStacks();
        try {
          super();
        } finally {
          restore();
        }
      }
    }
    assert.throws(() => new Wrapped(), /registration refused/);
    assert.equal(Error.stackTraceLimit, before);
  });
});
