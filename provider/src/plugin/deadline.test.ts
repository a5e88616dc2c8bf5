import assert from "node:assert/strict";
import { stepSignal } from "../common/cancel";
import { isPodError } from "../common/errors";
import { withDeadline } from "./deadline";

/** Work that ends only when its step signal fires, after `undoMs` of undoing (or never: undoMs undefined). */
function abortable(undoMs: number | undefined, undone: string[]) {
  return () =>
    new Promise<string>((_, reject) => {
      const signal = stepSignal();
      assert.ok(signal, "the work runs with a step signal");
      signal.addEventListener("abort", () => {
        if (undoMs === undefined) return;
        setTimeout(() => {
          undone.push("undone");
          reject(new Error("stopped"));
        }, undoMs);
      });
    });
}

describe("plugin/deadline: customTimeouts and Cancel stop the work, then fail the step", () => {
  it("fails with TIMEOUT only after the work has undone what it made", async () => {
    const undone: string[] = [];
    await assert.rejects(withDeadline("PodVm create", 20, new AbortController().signal, abortable(30, undone)), (e) => {
      assert.ok(isPodError(e, "TIMEOUT"));
      assert.match(e.message, /PodVm create exceeded its customTimeouts/);
      assert.equal((e.cause as Error).message, "stopped");
      return true;
    });
    assert.deepEqual(undone, ["undone"]);
  });

  it("fails with CANCELLED when the engine cancels, and stops waiting for work that never ends after the grace", async () => {
    const cancel = new AbortController();
    const step = withDeadline("PodNetwork update", undefined, cancel.signal, abortable(undefined, []), 30);
    cancel.abort();
    await assert.rejects(step, (e) => isPodError(e, "CANCELLED"));
  });

  it("returns the result of work that finished despite the stop (nothing it made is lost to state)", async () => {
    const work = () =>
      new Promise<string>((resolve) =>
        stepSignal()?.addEventListener("abort", () => setTimeout(() => resolve("made"), 5)),
      );
    assert.equal(await withDeadline("PodVm create", 5, new AbortController().signal, work), "made");
  });

  it("passes the work's own failure through when nothing stopped it", async () => {
    const work = async () => {
      throw new Error("boom");
    };
    await assert.rejects(withDeadline("x", 1000, new AbortController().signal, work), /boom/);
  });
});
