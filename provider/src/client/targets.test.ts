import assert from "node:assert/strict";
import { targetName } from "../execution/guest-target";
import { parseTarget } from "./targets";
import { TtlCache } from "./ttl-cache";

describe("client targets and cache", () => {
  it("parses docker, vm and ssh targets", () => {
    assert.deepEqual(parseTarget("docker:web", targetName), { kind: "docker", name: "docker:web", container: "web" });
    assert.deepEqual(parseTarget("vm:db-01", targetName), { kind: "vm", name: "vm:db-01", vm: "db-01" });
    assert.deepEqual(parseTarget("pod@10.0.0.5:2222", targetName), {
      kind: "ssh",
      name: "10.0.0.5:2222",
      host: "10.0.0.5",
      port: 2222,
      user: "pod",
    });
    assert.equal(parseTarget("ssh:host.lab", targetName).name, "host.lab");
    assert.throws(() => parseTarget("a b", targetName), { code: "INVALID_INPUT" });
  });

  it("expires entries, shares loads, forgets failures, invalidates", async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<number>(100, () => now);
    const load = async () => ++loads;
    assert.deepEqual(await Promise.all([cache.getOrLoad("a", load), cache.getOrLoad("a", load)]), [1, 1]);
    now = 150;
    assert.equal(await cache.getOrLoad("a", load), 2);
    cache.invalidate("a");
    assert.equal(await cache.getOrLoad("a", load), 3);
    await assert.rejects(cache.getOrLoad("b", () => Promise.reject(new Error("x"))));
    assert.equal(await cache.getOrLoad("b", load), 4);
  });
});
