import assert from "node:assert/strict";
import { guestTargetSchema, toGuestAccess } from "./guest-target";

describe("guest target: SSH sessionMode", () => {
  it("passes persistent through to the SSH access, and leaves exec mode the default", () => {
    const persistent = toGuestAccess(guestTargetSchema.parse({ host: "10.0.0.5", sessionMode: "persistent" }));
    assert.equal(persistent.transport === "ssh" && persistent.sessionMode, "persistent");
    const plain = toGuestAccess(guestTargetSchema.parse({ host: "10.0.0.5" }));
    assert.equal(plain.transport === "ssh" && plain.sessionMode, undefined);
  });

  it("refuses a mode it does not know", () => {
    const parsed = guestTargetSchema.safeParse({ host: "10.0.0.5", sessionMode: "tmux" });
    assert.equal(parsed.success, false);
    assert.deepEqual(parsed.error?.issues[0]?.path, ["sessionMode"]);
  });
});
