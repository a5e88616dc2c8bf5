import assert from "node:assert/strict";
import { pollDelay } from "./poll-schedule";

describe("pollDelay", () => {
  it("starts at 25 ms and doubles up to the cap", () => {
    const delays = [0, 1, 2, 3, 4, 5, 6].map((n) => pollDelay(n, { maxMs: 200 }));
    assert.deepEqual(delays, [25, 50, 100, 200, 200, 200, 200]);
  });

  it("takes a first delay, never above the cap", () => {
    assert.deepEqual(
      [0, 1, 2].map((n) => pollDelay(n, { firstMs: 100, maxMs: 1000 })),
      [100, 200, 400],
    );
    assert.equal(pollDelay(0, { firstMs: 500, maxMs: 100 }), 100);
  });

  it("never waits past what is left, and never a negative time", () => {
    assert.equal(pollDelay(5, { maxMs: 1000 }, 30), 30);
    assert.equal(pollDelay(5, { maxMs: 1000 }, -5), 0);
    assert.equal(pollDelay(-1, { maxMs: 1000 }), 25);
    assert.equal(pollDelay(3, { maxMs: 0 }), 0);
  });

  it("stays finite for a very long wait", () => {
    assert.equal(pollDelay(5000, { maxMs: 200 }), 200);
  });
});
