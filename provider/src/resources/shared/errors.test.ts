import assert from "node:assert/strict";
import { PodError } from "../../common/errors";
import { resourceError } from "./errors";

describe("resourceError: what `pulumi up` prints for a failed step", () => {
  it("is one line with code and fix, and keeps the PodError (and what it wrapped) as cause", () => {
    const root = new Error("ECONNREFUSED 127.0.0.1:22");
    const pod = new PodError("UNREACHABLE", "Cannot reach 10.0.0.5:22.", { fix: "Power the VM on.", cause: root });
    const out = resourceError("PodCommand", "create", pod);
    assert.equal(
      out.message,
      "PodCommand: create failed: [UNREACHABLE] Cannot reach 10.0.0.5:22. Fix: Power the VM on.",
    );
    assert.equal(out.stack, out.message);
    assert.equal(out.cause, pod);
    assert.equal(pod.cause, root);
    assert.equal((out as Error & { code?: string }).code, "UNREACHABLE");
  });

  it("wraps a plain error into an INTERNAL PodError cause", () => {
    const plain = new TypeError("boom");
    const out = resourceError("PodVm", "update", plain);
    assert.ok(out.cause instanceof PodError);
    assert.equal((out.cause as PodError).cause, plain);
  });
});
