import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { PodClient } from "../../provider/src/client";
import { type GuestContainer, startGuest } from "../support/guest-container";
import { requireLab } from "../support/lab-env";
import { type LabVault, requireVault } from "../support/vault";

/**
 * Issue 17: short-lived SSH certificates from Vault's SSH engine. Three lab
 * guests trust the engine's CA (TrustedUserCAKeys, written at container
 * start) and take no passwords at all; pod makes a fresh key per target, has
 * Vault sign it for the target's user and logs in with the certificate. The
 * guests' own sshd logs say how each login was accepted.
 */
describe("lab: SSH certificates signed by Vault (batch over three guests, no password)", function () {
  this.timeout(180_000);
  requireLab();
  const id = randomBytes(4).toString("hex");
  const role = `pod-test-${id}`;
  let lab: LabVault;
  let token: string;
  let guests: GuestContainer[] = [];

  before(async () => {
    lab = requireVault();
    lab.vault([
      "write",
      `ssh/roles/${role}`,
      "key_type=ca",
      "allow_user_certificates=true",
      "allowed_users=pod",
      "ttl=5m",
      "max_ttl=10m",
    ]);
    lab.vault(["policy", "write", role, "-"], `path "ssh/sign/${role}" { capabilities = ["update"] }`);
    token = lab.vault(["token", "create", "-policy", role, "-ttl", "10m", "-field", "token"]).trim();
    guests = await Promise.all([1, 2, 3].map(() => startGuest({ trustedUserCaKey: lab.sshCaPublicKey })));
  });

  after(async () => {
    await Promise.all(guests.map((g) => g.remove()));
    lab?.vault(["delete", `ssh/roles/${role}`]);
    lab?.vault(["policy", "delete", role]);
  });

  const client = (vaultToken: string) =>
    new PodClient({
      env: { VAULT_ADDR: lab.address, VAULT_CACERT: lab.caFile, VAULT_TOKEN: vaultToken, HOME: "/nonexistent" },
      agent: false,
      keyFiles: [],
    });
  const targets = () =>
    guests.map((g) => ({ host: g.ip, hostKeys: g.fingerprints, user: "pod", privateKey: `vault:ssh/sign/${role}` }));

  it("runs a command on all three with a certificate each; each guest's sshd accepted an ED25519-CERT", async () => {
    await using pod = client(token);
    const entries = await pod.batchExecute({ targets: targets(), commands: ["id -un"] });
    assert.deepEqual(
      entries.map((e) => (e.ok ? e.result.stdout.trim() : `${e.error.code}: ${e.error.message}`)),
      ["pod", "pod", "pod"],
    );
    const serials = new Set<string>();
    for (const guest of guests) {
      const log = await guest.waitForLog((text) => /Accepted publickey for pod/.test(text));
      const line = log.split("\n").find((l) => l.includes("Accepted publickey for pod")) ?? "";
      assert.match(line, /ED25519-CERT/, `the guest took a certificate: ${line}`);
      assert.match(line, /CA ED25519/);
      serials.add(/serial (\d+)/.exec(line)?.[1] ?? "");
    }
    assert.equal(serials.size, 3, "one certificate (fresh key, own serial) per guest");
  });

  it("the guests refuse a password, so the certificate was the only way in", async () => {
    await using pod = new PodClient({ env: { HOME: "/nonexistent" }, agent: false, keyFiles: [] });
    const [guest] = guests;
    assert.ok(guest);
    const [entry] = await pod.batchExecute({
      targets: [{ host: guest.ip, hostKeys: guest.fingerprints, user: "pod", password: guest.password }],
      commands: ["id -un"],
    });
    assert.ok(entry && !entry.ok, "a password login got in");
    assert.equal(entry.error.code, "AUTH_FAILED");
  });

  it("a revoked Vault token is SECRET_DENIED for every target, with the fix", async () => {
    lab.vault(["token", "revoke", token]);
    await using pod = client(token);
    const entries = await pod.batchExecute({ targets: targets(), commands: ["id -un"] });
    for (const e of entries) {
      assert.ok(!e.ok);
      assert.equal(e.error.code, "SECRET_DENIED", e.error.message);
      assert.match(e.error.fix ?? "", /revoked or expired/);
      assert.ok(!JSON.stringify(e).includes(token));
    }
  });
});
