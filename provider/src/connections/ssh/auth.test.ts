import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ed25519KeyPair } from "../../../../test/support/ssh-keys";
import { isPodError } from "../../common/errors";
import { Secret } from "../../common/secret";
import { makeAuthHandler, resolveAuth } from "./auth";

describe("connections/ssh auth", () => {
  let dir: string;
  const plain = ed25519KeyPair();
  const encrypted = ed25519KeyPair({
    passphrase: "correct horse",
    cipher: "aes256-ctr",
    rounds: 16,
  });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-auth-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a key file that others can read, like OpenSSH", async function () {
    if (process.platform === "win32") this.skip();
    const file = join(dir, "id_open");
    writeFileSync(file, plain.private);
    chmodSync(file, 0o644);
    await assert.rejects(resolveAuth({ username: "pod", privateKeyPath: file }), (e) => {
      assert.ok(isPodError(e, "INVALID_INPUT"));
      assert.match(e.message, /Permissions 0644 .* too open/);
      assert.match(e.fix ?? "", /chmod 600/);
      return true;
    });
    chmodSync(file, 0o600);
    const auth = await resolveAuth({ username: "pod", privateKeyPath: file });
    assert.deepEqual(auth.methods, ["publickey"]);
  });

  it("decrypts keys with their passphrase; a wrong one is AUTH_FAILED without the secret", async () => {
    const ok = await resolveAuth({
      username: "pod",
      privateKey: encrypted.private,
      passphrase: new Secret("correct horse"),
    });
    assert.equal(ok.attempts[0]?.type, "publickey");
    await assert.rejects(
      resolveAuth({ username: "pod", privateKey: encrypted.private, passphrase: new Secret("wrong horse") }),
      (e) => isPodError(e, "AUTH_FAILED") && !e.message.includes("wrong horse"),
    );
    await assert.rejects(resolveAuth({ username: "pod", privateKey: encrypted.private }), (e) =>
      isPodError(e, "AUTH_FAILED"),
    );
    await assert.rejects(resolveAuth({ username: "pod", privateKey: plain.public }), (e) =>
      isPodError(e, "INVALID_INPUT"),
    );
  });

  it("orders methods agent → key → password (+ keyboard-interactive), and needs at least one", async () => {
    const auth = await resolveAuth({
      username: "pod",
      agent: "/tmp/agent.sock",
      privateKey: plain.private,
      password: new Secret("pw-123456"),
    });
    assert.deepEqual(
      auth.attempts.map((a) => a.type),
      ["agent", "publickey", "password", "keyboard-interactive"],
    );
    await assert.rejects(resolveAuth({ username: "pod" }), (e) => isPodError(e, "INVALID_INPUT"));
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      await assert.rejects(resolveAuth({ username: "pod", agent: true }), (e) => isPodError(e, "INVALID_INPUT"));
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it("skips methods the server does not offer and records what it tried", async () => {
    const auth = await resolveAuth({ username: "pod", privateKey: plain.private, password: "pw-123456" });
    const tried: string[] = [];
    const next = makeAuthHandler(auth, tried);
    assert.equal((next(null) as { type: string }).type, "publickey");
    assert.equal((next(["keyboard-interactive"]) as { type: string }).type, "keyboard-interactive");
    assert.equal(next(["keyboard-interactive"]), false);
    assert.deepEqual(tried, ["publickey", "keyboard-interactive"]);
  });
});
