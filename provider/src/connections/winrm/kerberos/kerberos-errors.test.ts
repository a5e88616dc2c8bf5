import assert from "node:assert/strict";
import { gssInitError, kinitError } from "./kerberos-errors";

const failed = new Error("Command failed: kinit");

describe("winrm kerberos errors", () => {
  it("types kinit's failures, naming the principal and never the password", () => {
    const wrong = kinitError(
      failed,
      "kinit: Password incorrect while getting initial credentials\n",
      "u@R",
      "password",
    );
    assert.equal(wrong.code, "AUTH_FAILED");
    assert.match(wrong.message, /refused the password of u@R/);
    assert.equal(
      kinitError(failed, "kinit: Client 'x@R' not found in Kerberos database", "x@R", "password").code,
      "AUTH_FAILED",
    );
    const down = kinitError(failed, "kinit: Cannot contact any KDC for realm 'R'", "u@R", "keytab");
    assert.equal(down.code, "UNREACHABLE");
    assert.ok(down.transient);
    assert.equal(kinitError(failed, "kinit: Key table file '/nope' not found", "u@R", "keytab").code, "INVALID_INPUT");
    const missing = Object.assign(new Error("spawn kinit ENOENT"), { code: "ENOENT" });
    assert.equal(kinitError(missing, "", "u@R", "password").code, "UNSUPPORTED");
  });

  it("types GSS-API failures: an expired ticket, no ticket, an unknown service principal", () => {
    const gss = (text: string) => gssInitError(new Error(text), "h:5985", "u@R", "HTTP/h");
    assert.equal(gss("gss_init_sec_context: Unspecified GSS failure; Ticket expired").code, "CREDENTIALS_EXPIRED");
    assert.equal(gss("gss_init_sec_context: The referenced credential has expired").code, "CREDENTIALS_EXPIRED");
    const none = gss("gss_init_sec_context: No Kerberos credentials available (default cache: FILE:/tmp/x)");
    assert.equal(none.code, "AUTH_FAILED");
    assert.match(none.fix ?? "", /kinit/);
    const spn = gss("gss_init_sec_context: Server HTTP/h@R not found in Kerberos database");
    assert.match(spn.fix ?? "", /spnHost/);
  });
});
