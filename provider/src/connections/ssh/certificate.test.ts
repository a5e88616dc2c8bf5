import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utils } from "ssh2";
import type { PodError } from "../../common/errors";
import { parsePrivateKey } from "./auth";
import { freshKeyPair, withCertificate } from "./certificate";

/** ssh-keygen as the CA (a tool we did not write): signs `publicKey` for user pod. */
function signWithSshKeygen(publicKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), "pod-cert-"));
  try {
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, "ca")]);
    writeFileSync(join(dir, "user.pub"), `${publicKey}\n`);
    execFileSync("ssh-keygen", ["-q", "-s", join(dir, "ca"), "-I", "pod-test", "-n", "pod", join(dir, "user.pub")]);
    return readFileSync(join(dir, "user-cert.pub"), "utf8").trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("ssh: OpenSSH user certificates", () => {
  it("presents the certificate (type and blob) and still signs with the private key", () => {
    const pair = freshKeyPair();
    const cert = signWithSshKeygen(pair.publicKey);
    const key = withCertificate(parsePrivateKey(pair.privateKey, undefined, "(test)"), cert);
    assert.equal(key.type, "ssh-ed25519-cert-v01@openssh.com");
    assert.deepEqual(key.getPublicSSH(), Buffer.from(cert.split(" ")[1] ?? "", "base64"));
    const data = Buffer.from("session id and request");
    const plain = utils.parseKey(pair.publicKey);
    assert.ok(!(plain instanceof Error) && !Array.isArray(plain));
    assert.ok(plain.verify(data, key.sign(data) as Buffer), "the signature verifies with the plain public key");
  });

  it("refuses a certificate for another key type, and text that is no certificate, with the fix", () => {
    const rsa = utils.generateKeyPairSync("rsa", { bits: 2048 });
    const ed = freshKeyPair();
    const cert = signWithSshKeygen(ed.publicKey);
    const invalid = (e: PodError) => e.code === "INVALID_INPUT" && Boolean(e.fix);
    assert.throws(() => withCertificate(parsePrivateKey(rsa.private, undefined, "(rsa)"), cert), invalid);
    const edKey = parsePrivateKey(ed.privateKey, undefined, "(ed)");
    assert.throws(() => withCertificate(edKey, ed.publicKey), invalid);
    assert.throws(() => withCertificate(edKey, "ssh-ed25519-cert-v01@openssh.com AAAA"), invalid);
  });
});
