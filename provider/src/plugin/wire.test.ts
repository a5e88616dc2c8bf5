import assert from "node:assert/strict";
import { holdsSecret, reveal, secretKeys, wireSecret, wrapOutputs } from "./wire";

describe("plugin/wire: secrets as the engine sends them", () => {
  it("reveals nested secrets and lets the caller turn them into markers", () => {
    const inputs = { create: ["echo", wireSecret("pw")], env: { A: "1" }, pass: wireSecret({ user: "u" }) };
    assert.deepEqual(reveal(inputs), { create: ["echo", "pw"], env: { A: "1" }, pass: { user: "u" } });
    const marked = reveal(inputs.create, (v) => (typeof v === "string" ? { secret: v } : v));
    assert.deepEqual(marked, ["echo", { secret: "pw" }]);
    assert.deepEqual(secretKeys(inputs), ["create", "pass"]);
    assert.equal(holdsSecret({ a: [1, "x"] }), false);
  });

  it("wraps the listed outputs whole and drops undefined values", () => {
    const outs = wrapOutputs({ stdout: "s", connection: { password: "p" }, data: undefined }, ["connection"]);
    assert.equal(outs.stdout, "s");
    assert.equal("data" in outs, false);
    assert.deepEqual(reveal(outs.connection), { password: "p" });
    assert.equal(holdsSecret(outs.connection), true);
    assert.deepEqual(wireSecret(outs.connection), outs.connection, "a wrapped value is not wrapped twice");
  });
});
