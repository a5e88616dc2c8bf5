import assert from "node:assert/strict";
import { isPodError } from "../../common/errors";
import { posixEnvInput } from "../../os/shell/posix";
import { SshConnection } from "./ssh-connection";

describe("connections/ssh: environment values stay off the command line", () => {
  // Port 9 on loopback: nothing here may dial, and any dial would fail fast.
  const connection = () =>
    new SshConnection({ host: "127.0.0.1", port: 9, username: "pod", password: "x", dialErrorLimit: 1 });

  it("refuses env with a pseudo-terminal before dialing (a terminal would echo the values)", async () => {
    const c = connection();
    try {
      await assert.rejects(
        c.exec("id", { env: { TOKEN: "v" }, pty: true }),
        (e) => isPodError(e, "INVALID_INPUT") && /pseudo-terminal/.test(e.message),
      );
      assert.equal(c.stats().dials, 0, "nothing dialed");
    } finally {
      await c.close();
    }
  });

  it("a custom wrapper is told the names only; the values are what goes first on stdin", () => {
    const seen: unknown[] = [];
    const wrapper = (command: string, options: unknown) => {
      seen.push(options);
      return command;
    };
    const c = new SshConnection({ host: "127.0.0.1", port: 9, username: "pod", password: "x", wrapper });
    // exec dials after wrapping; the wrapper call is what this test looks at.
    void c.exec("id", { env: { TOKEN: "s3cret-value" }, timeoutMs: 1000 }).catch(() => undefined);
    assert.deepEqual(seen, [{ envFromStdin: ["TOKEN"], timeoutSeconds: 3 }]);
    assert.ok(!JSON.stringify(seen).includes("s3cret-value"));
    assert.equal(posixEnvInput({ TOKEN: "s3cret-value" }, ["TOKEN"]).toString(), "s3cret-value\n");
    return c.close();
  });
});
