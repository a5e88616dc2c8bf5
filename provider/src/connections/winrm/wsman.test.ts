import assert from "node:assert/strict";
import { replayRefusedError } from "./ntlm-errors";
import { REPLAY_SAFE } from "./wsman";

describe("winrm replay safety (no network)", () => {
  it("never resends what starts or feeds a command (Command, Send); the shell's bookkeeping may be resent", () => {
    assert.deepEqual(
      Object.entries(REPLAY_SAFE)
        .filter(([, safe]) => !safe)
        .map(([operation]) => operation),
      ["Command", "Send"],
    );
    for (const op of ["Create shell", "Receive", "Signal", "Delete shell"] as const)
      assert.equal(REPLAY_SAFE[op], true);
  });

  it("says the command may have run, was not resent, and that https stops the forger", () => {
    const e = replayRefusedError("192.0.2.7:5985", "Command");
    assert.equal(e.code, "CONNECTION_LOST");
    assert.equal(e.transient, false, "no generic retry may run it again");
    assert.deepEqual(e.details, { status: 401, operation: "Command" });
    assert.match(
      e.message,
      /192\.0\.2\.7:5985 answered Command with HTTP 401.*may or may not have run.*not send it again/,
    );
    assert.match(e.fix ?? "", /only if it is safe to repeat.*https .*default/);
  });
});
