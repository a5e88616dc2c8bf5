import assert from "node:assert/strict";
import { withKrb5Env } from "./krb5-env";

describe("winrm kerberos environment", () => {
  it("sets KRB5CCNAME/KRB5_CONFIG for one call and puts the process's own back, even on a throw", () => {
    const before = { cc: process.env.KRB5CCNAME, conf: process.env.KRB5_CONFIG };
    process.env.KRB5_CONFIG = "/etc/own.conf";
    try {
      const seen = withKrb5Env({ KRB5CCNAME: "FILE:/tmp/a", KRB5_CONFIG: "/tmp/b.conf" }, () => ({
        cc: process.env.KRB5CCNAME,
        conf: process.env.KRB5_CONFIG,
      }));
      assert.deepEqual(seen, { cc: "FILE:/tmp/a", conf: "/tmp/b.conf" });
      assert.equal(process.env.KRB5_CONFIG, "/etc/own.conf");
      assert.equal(process.env.KRB5CCNAME, before.cc);
      assert.throws(() =>
        withKrb5Env({ KRB5CCNAME: "FILE:/tmp/c" }, () => {
          throw new Error("boom");
        }),
      );
      assert.equal(process.env.KRB5CCNAME, before.cc);
    } finally {
      if (before.conf === undefined) delete process.env.KRB5_CONFIG;
      else process.env.KRB5_CONFIG = before.conf;
    }
  });
});
