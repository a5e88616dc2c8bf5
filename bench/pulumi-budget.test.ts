import assert from "node:assert/strict";
import { estimateMs, fitsBudget, memoryNote, stopNote } from "./pulumi-budget";

const MIN = 60_000;
const MB = 1024 * 1024;

describe("Pulumi cost curve budget", () => {
  it("scales the previous size's up→destroy cycles linearly with N and keeps the rest as it was", () => {
    assert.equal(estimateMs({ n: 10, wallMs: 6 * MIN, cyclesMs: 4 * MIN }, 20), 10 * MIN);
    assert.equal(estimateMs({ n: 50, wallMs: 25 * MIN, cyclesMs: 25 * MIN }, 100), 50 * MIN);
    assert.equal(estimateMs({ n: 50, wallMs: 25 * MIN, cyclesMs: 0 }, 100), 25 * MIN);
    assert.equal(estimateMs(undefined, 10), undefined);
  });

  it("always runs the first size, whatever the budget", () => {
    assert.deepEqual(fitsBudget(undefined, 10, 1, 2 * MIN), { fits: true, leftMin: -1 });
  });

  it("runs a size whose estimate fits what is left and stops one that does not", () => {
    const previous = { n: 20, wallMs: 10 * MIN, cyclesMs: 10 * MIN };
    assert.deepEqual(fitsBudget(previous, 50, 60, 15 * MIN), { fits: true, estimateMin: 25, leftMin: 45 });
    assert.deepEqual(fitsBudget(previous, 100, 60, 15 * MIN), { fits: false, estimateMin: 50, leftMin: 45 });
  });

  it("says where the curve stopped and why, or that every size ran", () => {
    const decision = { fits: false, estimateMin: 52.04, leftMin: 19.96 };
    assert.equal(
      stopNote({ n: 100, decision }, 60, 40 * MIN, [10, 20, 50]),
      "stopped before 100 guests: estimated 52.0 min, budget 20.0 min left of 60 (BENCH_PULUMI_BUDGET_MIN)",
    );
    assert.equal(stopNote(undefined, 60, 30 * MIN, [1, 2]), "every size ran (1, 2 guests) in 30.0 of 60 min");
  });

  it("gives memory per guest and whether the largest size fits the available memory", () => {
    const memory = { n: 50, guestBytes: 100 * MB, availableBytes: 1000 * MB };
    assert.equal(
      memoryNote(memory, 100),
      "guest containers 2.0 MB each (docker stats at 50 guests), 100 guests ≈ 200 MB: would fit in the 1000 MB available then",
    );
    assert.match(memoryNote({ ...memory, availableBytes: 150 * MB }, 100), /would not fit in the 150 MB/);
    assert.equal(memoryNote(undefined, 100), "guest memory not measured");
  });
});
