import assert from "node:assert/strict";
import { krb5ConfFor, principalOf } from "./options";
import { winrmKerberosSchema } from "./schema";

describe("winrm kerberos options", () => {
  it("names the principal as Windows maps user names", () => {
    assert.equal(principalOf("pod-user@POD.LAB", "OTHER.LAB"), "pod-user@POD.LAB");
    assert.equal(principalOf("pod-user", "POD.LAB"), "pod-user@POD.LAB");
    assert.equal(principalOf("pod\\alice"), "alice@POD");
    assert.equal(principalOf("alice"), "alice", "no realm: MIT's default_realm applies");
  });

  it("writes a krb5.conf for one realm that never asks DNS", () => {
    const conf = krb5ConfFor("POD.LAB", "127.0.0.1:18888");
    assert.match(conf, /default_realm = POD\.LAB/);
    assert.match(conf, /POD\.LAB = \{\n {4}kdc = 127\.0\.0\.1:18888\n {2}\}/);
    assert.match(conf, /dns_lookup_kdc = false/);
    assert.match(conf, /rdns = false/);
  });

  it("checks the target's kerberos block", () => {
    assert.ok(winrmKerberosSchema.safeParse({ realm: "POD.LAB", kdc: "kdc:88", spnHost: "win.pod.lab" }).success);
    const noRealm = winrmKerberosSchema.safeParse({ kdc: "kdc:88" });
    assert.ok(!noRealm.success);
    assert.match(JSON.stringify(noRealm.error.issues), /kdc needs realm/);
    assert.ok(!winrmKerberosSchema.safeParse({ realm: "pod.lab" }).success, "realms are upper case");
    assert.ok(!winrmKerberosSchema.safeParse({ password: "x" }).success, "unknown fields are refused");
  });
});
