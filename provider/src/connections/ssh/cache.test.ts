import assert from "node:assert/strict";
import { Secret } from "../../common/secret";
import { SshConnectionCache, sshConnectionKey } from "./cache";

describe("connections/ssh cache", () => {
  it("shares one pool per host and credentials, never showing a secret in the key", async () => {
    const cache = new SshConnectionCache();
    const a = cache.get({ host: "10.0.0.5", username: "pod", password: new Secret("cache-secret-1") });
    const b = cache.get({ host: "10.0.0.5", username: "pod", password: new Secret("cache-secret-1") });
    const other = cache.get({ host: "10.0.0.5", username: "pod", password: new Secret("cache-secret-2") });
    const port = cache.get({ host: "10.0.0.5", port: 2222, username: "pod", password: new Secret("cache-secret-1") });
    assert.equal(a, b);
    assert.notEqual(a, other);
    assert.notEqual(a, port);
    assert.equal(cache.size, 3);
    const key = sshConnectionKey({ host: "10.0.0.5", username: "pod", password: new Secret("cache-secret-1") });
    assert.match(key, /^pod@10\.0\.0\.5:22#[0-9a-f]{16}$/);
    assert.ok(!key.includes("cache-secret"));
    await cache.closeAll();
    assert.equal(cache.size, 0);
  });
});
