import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../../common/errors";
import { createHostKeyVerifier, keyTypeOf, normalizeFingerprint, sha256Fingerprint } from "./host-key";
import { hostPatternsMatch, knownHostName, lookupKnownHost, parseKnownHosts } from "./known-hosts";

// A lab guest's ED25519 host key and what `ssh-keygen -l -E sha256` printed for it.
const KEY_B64 = "AAAAC3NzaC1lZDI1NTE5AAAAIIwETiaA16pElDfGICgH/Y4mTO8CpIA/86g1wvzki/0K";
const KEY = Buffer.from(KEY_B64, "base64");
const FINGERPRINT = "SHA256:K3S4KIlEuE+7iW8ozSBRBrnaOMr+rxy34rHq/i1ALds";
// Another key of the same type (last byte of the key material changed).
const OTHER = Buffer.concat([KEY.subarray(0, -1), Buffer.from([(KEY.at(-1) ?? 0) ^ 0xff])]);
// `ssh-keygen -H` of "10.1.2.3" and "[10.1.2.3]:2222".
const HASHED_22 = `|1|5kcGp6oVMxMdlHeD/Wbdg9BIJpc=|e3TpYKlFObXxqqxle7LQKmywVjI= ssh-ed25519 ${KEY_B64}`;
const HASHED_2222 = `|1|EujZM+eKLg977ZlKfGWHV8Hy8cM=|3O14kP7BVjB9Pkcbz3DpCr0qPok= ssh-ed25519 ${KEY_B64}`;

describe("connections/ssh host keys", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pod-kh-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const knownHosts = (text: string) => {
    const file = join(dir, "known_hosts");
    writeFileSync(file, text);
    return file;
  };

  it("computes OpenSSH SHA-256 fingerprints and key types", () => {
    assert.equal(sha256Fingerprint(KEY), FINGERPRINT);
    assert.equal(keyTypeOf(KEY), "ssh-ed25519");
    assert.equal(normalizeFingerprint(`${FINGERPRINT}=`), FINGERPRINT);
    assert.throws(
      () => normalizeFingerprint("MD5:aa:bb"),
      (e) => isPodError(e, "INVALID_INPUT"),
    );
  });

  it("parses known_hosts: patterns, ports, hashes, negation, markers", () => {
    const entries = parseKnownHosts(
      [
        "# comment",
        `host1,10.0.0.1 ssh-ed25519 ${KEY_B64} comment here`,
        `*.lab,!bad.lab ssh-ed25519 ${KEY_B64}`,
        `@revoked 10.9.9.9 ssh-ed25519 ${KEY_B64}`,
        `@cert-authority *.corp ssh-ed25519 ${KEY_B64}`,
        HASHED_22,
        "broken line",
      ].join("\n"),
    );
    assert.equal(entries.length, 5);
    assert.equal(knownHostName("h", 22), "h");
    assert.equal(knownHostName("h", 2222), "[h]:2222");
    assert.ok(hostPatternsMatch("host1,10.0.0.1", "10.0.0.1"));
    assert.ok(hostPatternsMatch("*.lab,!bad.lab", "good.lab"));
    assert.ok(!hostPatternsMatch("*.lab,!bad.lab", "bad.lab"));
    assert.ok(!hostPatternsMatch("10.0.0.1", "[10.0.0.1]:2222"), "a port makes another name");
    assert.ok(hostPatternsMatch(HASHED_22.split(" ")[0] ?? "", "10.1.2.3"));
    assert.ok(hostPatternsMatch(HASHED_2222.split(" ")[0] ?? "", "[10.1.2.3]:2222"));
    assert.ok(!hostPatternsMatch(HASHED_22.split(" ")[0] ?? "", "10.1.2.4"));
    const { trusted, revoked } = lookupKnownHost(entries, "10.9.9.9");
    assert.equal(trusted.length, 0);
    assert.equal(revoked.length, 1);
  });

  it("strict: accepts a known key, refuses an unknown one with the fingerprint to pin", async () => {
    const file = knownHosts(`${HASHED_22}\n`);
    const known = await createHostKeyVerifier("10.1.2.3", 22, { knownHostsFile: file });
    assert.deepEqual(await known.verify(KEY), { fingerprint: FINGERPRINT, learned: false });
    assert.equal(known.algorithms[0], "ssh-ed25519", "known key types are asked for first");

    const stranger = await createHostKeyVerifier("10.1.2.99", 22, { knownHostsFile: file });
    await assert.rejects(stranger.verify(KEY), (e) => {
      assert.ok(isPodError(e, "HOST_KEY_UNKNOWN"));
      assert.ok(e.message.includes(FINGERPRINT));
      assert.equal(e.details.fingerprint, FINGERPRINT);
      assert.match(e.fix ?? "", /pin/);
      return true;
    });
  });

  it("refuses a changed key (HOST_KEY_MISMATCH) under every policy but insecure", async () => {
    const file = knownHosts(`10.1.2.3 ssh-ed25519 ${OTHER.toString("base64")}\n`);
    for (const policy of ["strict", "accept-new"] as const) {
      const verifier = await createHostKeyVerifier("10.1.2.3", 22, { knownHostsFile: file, policy });
      await assert.rejects(
        verifier.verify(KEY),
        (e) => isPodError(e, "HOST_KEY_MISMATCH") && e.message.includes(FINGERPRINT),
      );
    }
    const insecure = await createHostKeyVerifier("10.1.2.3", 22, { knownHostsFile: file, policy: "insecure" });
    assert.equal((await insecure.verify(KEY)).fingerprint, FINGERPRINT);
  });

  it("refuses a @revoked key", async () => {
    const file = knownHosts(`@revoked * ssh-ed25519 ${KEY_B64}\n10.1.2.3 ssh-ed25519 ${KEY_B64}\n`);
    const verifier = await createHostKeyVerifier("10.1.2.3", 22, { knownHostsFile: file });
    await assert.rejects(verifier.verify(KEY), (e) => isPodError(e, "HOST_KEY_MISMATCH") && /revoked/.test(e.message));
  });

  it("accept-new: trusts on first use and records it like OpenSSH", async () => {
    const file = join(dir, "sub", "known_hosts");
    const verifier = await createHostKeyVerifier("10.1.2.3", 2222, { knownHostsFile: file, policy: "accept-new" });
    assert.deepEqual(await verifier.verify(KEY), { fingerprint: FINGERPRINT, learned: true });
    assert.equal(readFileSync(file, "utf8"), `[10.1.2.3]:2222 ssh-ed25519 ${KEY_B64}\n`);
    assert.equal((await verifier.verify(KEY)).learned, false, "known now");
    await assert.rejects(verifier.verify(OTHER), (e) => isPodError(e, "HOST_KEY_MISMATCH"));
  });

  it("pinned fingerprints: any of them passes, anything else is a mismatch", async () => {
    const verifier = await createHostKeyVerifier("h", 22, { fingerprints: [`SHA256:${"A".repeat(43)}`, FINGERPRINT] });
    assert.equal((await verifier.verify(KEY)).fingerprint, FINGERPRINT);
    await assert.rejects(verifier.verify(OTHER), (e) => isPodError(e, "HOST_KEY_MISMATCH"));
  });
});
