import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { splitUser, WinrmTransport } from "./transport";

describe("winrm transport (no network)", () => {
  it("reads DOMAIN\\user, user@domain and local names as Windows does", () => {
    assert.deepEqual(splitUser("CORP\\alice"), { user: "alice", domain: "CORP" });
    assert.deepEqual(splitUser("alice@corp.example"), { user: "alice", domain: "corp.example" });
    assert.deepEqual(splitUser("Administrator"), { user: "Administrator", domain: "" });
    assert.deepEqual(splitUser(".\\Administrator"), { user: "Administrator", domain: "." });
  });

  it("refuses Basic over plain HTTP before anything is sent, without the password in the message", () => {
    const password = new Secret("Basic-Over-Http-Pw");
    assert.throws(
      () =>
        new WinrmTransport({
          host: "192.0.2.1",
          port: 5985,
          https: false,
          auth: "basic",
          username: "Administrator",
          password,
        }),
      (e: unknown) =>
        isPodError(e, "INVALID_INPUT") && /in clear/.test(e.message) && !e.message.includes(password.reveal()),
    );
  });
});
