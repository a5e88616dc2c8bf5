import assert from "node:assert/strict";
import { accessKey } from "../common/access-key";
import { isSecret } from "../common/secret";
import { guestTargetSchema, toGuestAccess } from "./guest-target";

describe("execution/dial-settings: jump host and dial limits on a target", () => {
  const base = {
    host: "10.0.0.5",
    user: "pod",
    password: "pw",
    jumpHost: { host: "10.0.0.1", user: "jump", password: "jpw", hostKeys: [`SHA256:${"A".repeat(43)}`] },
    dialErrorLimit: 3,
    perDialTimeoutSeconds: 7,
  };

  it("becomes the SSH connection's jump (own pin, secrets as Secret) and dial limits", () => {
    const access = toGuestAccess(guestTargetSchema.parse(base)) as unknown as Record<string, unknown> & {
      jump: Record<string, unknown>;
    };
    assert.equal(access.dialErrorLimit, 3);
    assert.equal(access.perDialTimeoutMs, 7000);
    assert.equal(access.jump.host, "10.0.0.1");
    assert.equal(access.jump.username, "jump");
    assert.ok(isSecret(access.jump.password));
    assert.deepEqual(access.jump.hostKey, { policy: "strict", fingerprints: [`SHA256:${"A".repeat(43)}`] });
    assert.equal(access.agent, undefined);
    const withAgent = toGuestAccess(guestTargetSchema.parse({ ...base, agent: true })) as unknown as Record<
      string,
      unknown
    >;
    assert.equal(withAgent.agent, true, "agent: true asks ssh2 for $SSH_AUTH_SOCK's keys");
  });

  it("keys the connection cache on every jump and dial field, the jump password included", () => {
    const key = (t: typeof base) =>
      accessKey(
        toGuestAccess(guestTargetSchema.parse(t)) as unknown as { transport: string } & Record<string, unknown>,
      );
    const k = key(base);
    assert.equal(key({ ...base }), k);
    assert.notEqual(key({ ...base, jumpHost: { ...base.jumpHost, password: "another-jump-secret" } }), k);
    assert.notEqual(key({ ...base, jumpHost: { ...base.jumpHost, hostKeys: [`SHA256:${"B".repeat(43)}`] } }), k);
    assert.notEqual(key({ ...base, dialErrorLimit: 4 }), k);
    assert.ok(!k.includes("jpw"), "no secret in the readable key");
  });
});
