import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { accessKey } from "../common/access-key";
import { Secret } from "../common/secret";
import { ConnectionCache, type GuestAccess } from "./factory";

const ssh = (over: Partial<Extract<GuestAccess, { transport: "ssh" }>> = {}): GuestAccess => ({
  transport: "ssh",
  host: "10.0.0.5",
  username: "pod",
  password: new Secret("cache-Right-Pw-1"),
  hostKey: { policy: "strict" },
  ...over,
});

const winrm = (over: Partial<Extract<GuestAccess, { transport: "winrm" }>> = {}): GuestAccess => ({
  transport: "winrm",
  host: "10.0.0.5",
  username: "Administrator",
  password: new Secret("cache-Admin-Pw-1"),
  ...over,
});

const key = (a: GuestAccess) => accessKey(a as GuestAccess & Record<string, unknown>);

describe("connections: one cache keyed on every access field", () => {
  it("a different password, user, port, transport, host-key policy, pin or TLS trust is another connection", () => {
    const base = key(ssh());
    const variants: [string, GuestAccess][] = [
      ["password", ssh({ password: new Secret("cache-Wrong-Pw-2") })],
      ["user", ssh({ username: "root" })],
      ["port", ssh({ port: 2222 })],
      ["auth kind", ssh({ password: undefined, privateKeyPath: "/k" } as never)],
      ["host-key policy", ssh({ hostKey: { policy: "insecure" } })],
      ["pins", ssh({ hostKey: { fingerprints: [`SHA256:${"A".repeat(43)}`] } })],
      ["known_hosts", ssh({ hostKey: { policy: "strict", knownHostsFile: "/tmp/kh" } })],
      ["transport", winrm({ username: "pod", password: new Secret("cache-Right-Pw-1") })],
    ];
    for (const [what, access] of variants) assert.notEqual(key(access), base, what);
    assert.equal(key(ssh()), base, "the same access (a new Secret of the same value) is the same connection");
    assert.notEqual(key(winrm({ https: true, tls: { thumbprint: "AB" } })), key(winrm({ https: true, tls: {} })));
    assert.notEqual(key(winrm({ password: "plain-Pw-3" })), key(winrm({ password: "plain-Pw-4" })));
  });

  it("keeps secrets out of the key: a readable prefix and a keyed hash no one can recompute", () => {
    const k = key(ssh());
    assert.match(k, /^ssh:pod@10\.0\.0\.5#[0-9a-f]{64}$/);
    assert.ok(!k.includes("cache-Right-Pw-1"));
    // An unkeyed hash of the same text (what an attacker could brute-force offline) is not the key.
    const plain = createHash("sha256").update("cache-Right-Pw-1").digest("hex");
    assert.ok(!k.includes(plain));
  });

  it("hands the same connection to the same access and separate ones otherwise", async () => {
    const cache = new ConnectionCache();
    try {
      const a = cache.get(ssh());
      assert.equal(cache.get(ssh()), a);
      assert.notEqual(cache.get(ssh({ password: new Secret("cache-Wrong-Pw-2") })), a);
      assert.notEqual(cache.get(ssh({ username: "other" })), a);
      const w = cache.get(winrm());
      assert.equal(w.transport, "winrm");
      assert.notEqual(cache.get(winrm({ password: new Secret("cache-Other-Pw-5") })), w);
      assert.equal(cache.size, 5);
      const own = cache.open(ssh());
      assert.notEqual(own, a, "open() is the caller's own, outside the cache");
      await own.close();
    } finally {
      await cache.closeAll();
    }
    assert.equal(cache.size, 0);
  });
});
