import assert from "node:assert/strict";
import { PodError } from "../../common/errors";
import {
  checkEnvironmentName,
  ENV_TAGS,
  environmentTags,
  isExpired,
  parseTtl,
  readEnvironmentTags,
  shortDuration,
} from "./metadata";

describe("environment metadata", () => {
  it("parses TTLs and refuses what is not one", () => {
    assert.equal(parseTtl("4h"), 4 * 3_600_000);
    assert.equal(parseTtl("1h30m"), 90 * 60_000);
    assert.equal(parseTtl("90s"), 90_000);
    assert.equal(parseTtl("2d"), 2 * 86_400_000);
    for (const bad of ["", "4", "h", "4 h", "-1h", "4w", "1h+"]) {
      assert.throws(
        () => parseTtl(bad),
        (e: unknown) => e instanceof PodError && e.code === "INVALID_INPUT",
        bad,
      );
    }
  });

  it("accepts stack-safe names only", () => {
    assert.equal(checkEnvironmentName("feature-42.ci_1"), "feature-42.ci_1");
    for (const bad of ["", "-x", "a/b", "a b", "ä", "x".repeat(101)]) {
      assert.throws(() => checkEnvironmentName(bad), /not a valid environment name/, bad);
    }
  });

  it("round-trips through tags and ignores stacks pod did not make", () => {
    const meta = {
      owner: "alice@ci-3",
      createdAt: new Date("2026-12-02T10:00:00Z"),
      expiresAt: new Date("2026-12-02T14:00:00Z"),
      ttl: "4h",
      program: "/src/lab",
    };
    const tags = environmentTags(meta);
    assert.equal(tags[ENV_TAGS.expires], "2026-12-02T14:00:00.000Z");
    assert.deepEqual(readEnvironmentTags({ ...tags, "pulumi:project": "x" }), meta);
    assert.equal(readEnvironmentTags({ "pulumi:project": "x" }), undefined);
    const forever = environmentTags({ owner: "bob", createdAt: meta.createdAt, program: "/p" });
    assert.equal(ENV_TAGS.expires in forever, false);
    const read = readEnvironmentTags(forever);
    assert.ok(read);
    assert.equal(isExpired(read, new Date("2100-01-01")), false);
  });

  it("expires at the deadline, not before", () => {
    const meta = { owner: "a", createdAt: new Date(0), expiresAt: new Date(10_000), program: "/p" };
    assert.equal(isExpired(meta, new Date(9_999)), false);
    assert.equal(isExpired(meta, new Date(10_000)), true);
  });

  it("prints short durations", () => {
    assert.equal(shortDuration(4_000), "4s");
    assert.equal(shortDuration(125_000), "2m");
    assert.equal(shortDuration(3 * 3_600_000 + 12 * 60_000), "3h12m");
    assert.equal(shortDuration(3 * 86_400_000), "3d");
    assert.equal(shortDuration(-5), "0s");
  });
});
