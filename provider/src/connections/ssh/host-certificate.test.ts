import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPodError } from "../../common/errors";
import { caSignatureValid, certificateHostKeysSupported, parseCertificate } from "./host-certificate";
import { verifyHostCertificate } from "./host-certificate-trust";
import { createHostKeyVerifier, preferredHostKeyAlgorithms } from "./host-key";
import { type KnownHostEntry, lookupKnownHost, parseKnownHosts } from "./known-hosts";

// Certificates built here field by field (PROTOCOL.certkeys), so each check can be made to fail alone.
const str = (b: Buffer | string) => {
  const body = typeof b === "string" ? Buffer.from(b) : b;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
};
const u32 = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(n);
  return b;
};
const mpint = (b: Buffer) => str(b[0] !== undefined && b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);

type Ca = { blob: Buffer; sign(data: Buffer): Buffer };
function ed25519Ca(): Ca {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const x = Buffer.from(publicKey.export({ format: "jwk" }).x ?? "", "base64url");
  return {
    blob: Buffer.concat([str("ssh-ed25519"), str(x)]),
    sign: (d) => Buffer.concat([str("ssh-ed25519"), str(sign(null, d, privateKey))]),
  };
}
function rsaCa(): Ca {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = publicKey.export({ format: "jwk" });
  const [n, e] = [Buffer.from(jwk.n ?? "", "base64url"), Buffer.from(jwk.e ?? "", "base64url")];
  return {
    blob: Buffer.concat([str("ssh-rsa"), mpint(e), mpint(n)]),
    sign: (d) => Buffer.concat([str("rsa-sha2-512"), str(sign("sha512", d, privateKey))]),
  };
}
function ecdsaCa(): Ca {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = publicKey.export({ format: "jwk" });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x ?? "", "base64url"),
    Buffer.from(jwk.y ?? "", "base64url"),
  ]);
  return {
    blob: Buffer.concat([str("ecdsa-sha2-nistp256"), str("nistp256"), str(point)]),
    sign: (d) => {
      const rs = sign("sha256", d, { key: privateKey as KeyObject, dsaEncoding: "ieee-p1363" });
      return Buffer.concat([
        str("ecdsa-sha2-nistp256"),
        str(Buffer.concat([mpint(rs.subarray(0, 32)), mpint(rs.subarray(32))])),
      ]);
    },
  };
}

const HOST_KEY = Buffer.alloc(32, 7);
const NOW = new Date("2026-06-01T00:00:00Z");
const at = (iso: string) => BigInt(Date.parse(iso) / 1000);
interface Fields {
  certType?: number;
  principals?: string[];
  validAfter?: bigint;
  validBefore?: bigint;
  critical?: string[];
}
function certificate(ca: Ca, f: Fields = {}): Buffer {
  const options = Buffer.concat((f.critical ?? []).flatMap((o) => [str(o), str("")]));
  const body = Buffer.concat([
    str("ssh-ed25519-cert-v01@openssh.com"),
    str(Buffer.alloc(32, 1)), // nonce
    str(HOST_KEY),
    u64(42n),
    u32(f.certType ?? 2),
    str("guest-1"),
    str(Buffer.concat((f.principals ?? ["guest.pod.lab"]).map((p) => str(p)))),
    u64(f.validAfter ?? at("2026-05-01T00:00:00Z")),
    u64(f.validBefore ?? at("2026-07-01T00:00:00Z")),
    str(options),
    str(""), // extensions
    str(""), // reserved
    str(ca.blob),
  ]);
  return Buffer.concat([body, str(ca.sign(body))]);
}
const entry = (marker: KnownHostEntry["marker"], key: Buffer): KnownHostEntry => ({
  ...(marker ? { marker } : {}),
  hosts: "*.pod.lab",
  keyType: "ssh-ed25519",
  key,
  line: 1,
});

describe("connections/ssh host certificates", () => {
  const ca = ed25519Ca();
  const trust = (
    blob: Buffer,
    more: { revoked?: KnownHostEntry[]; authorities?: KnownHostEntry[]; principal?: string } = {},
  ) =>
    verifyHostCertificate(blob, {
      where: "guest.pod.lab:22",
      principal: more.principal ?? "guest.pod.lab",
      authorities: more.authorities ?? [entry("@cert-authority", ca.blob)],
      revoked: more.revoked ?? [],
      now: NOW,
    });
  const refuses = (code: string, pattern: RegExp, f: () => unknown) =>
    assert.throws(f, (e) => isPodError(e, code as "HOST_CERT_INVALID") && pattern.test((e as Error).message));

  it("parses a certificate and verifies its CA signature (ed25519, rsa-sha2-512, ecdsa-p256)", () => {
    for (const signer of [ca, rsaCa(), ecdsaCa()]) {
      const cert = parseCertificate(certificate(signer));
      assert.equal(cert.certType, 2);
      assert.deepEqual(cert.principals, ["guest.pod.lab"]);
      assert.ok(cert.publicKey.equals(Buffer.concat([str("ssh-ed25519"), str(HOST_KEY)])));
      assert.ok(caSignatureValid(cert));
      const flipped = Buffer.from(cert.signed);
      flipped[60] = (flipped[60] ?? 0) ^ 1; // a principal byte
      assert.equal(caSignatureValid({ ...cert, signed: flipped }), false);
    }
  });

  it("trusts a valid host certificate from a trusted CA", () => {
    assert.equal(trust(certificate(ca)).keyId, "guest-1");
  });

  it("refuses another CA, a revoked CA, key or certificate", () => {
    const blob = certificate(ca);
    refuses("HOST_KEY_MISMATCH", /CA not trusted/, () => trust(certificate(ed25519Ca())));
    refuses("HOST_KEY_MISMATCH", /CA key .*@revoked/, () => trust(blob, { revoked: [entry("@revoked", ca.blob)] }));
    const hostKey = Buffer.concat([str("ssh-ed25519"), str(HOST_KEY)]);
    refuses("HOST_KEY_MISMATCH", /host key .*@revoked/, () => trust(blob, { revoked: [entry("@revoked", hostKey)] }));
    refuses("HOST_KEY_MISMATCH", /certificate .*@revoked/, () => trust(blob, { revoked: [entry("@revoked", blob)] }));
  });

  it("refuses a bad signature, a user certificate, wrong times, principals and critical options", () => {
    const good = certificate(ca);
    const bad = Buffer.from(good);
    bad[bad.length - 1] = (bad.at(-1) ?? 0) ^ 1;
    refuses("HOST_CERT_INVALID", /does not verify/, () => trust(bad));
    refuses("HOST_CERT_INVALID", /user certificate/, () => trust(certificate(ca, { certType: 1 })));
    refuses("HOST_CERT_INVALID", /expired/, () => trust(certificate(ca, { validBefore: at("2026-05-31T23:58:00Z") })));
    refuses("HOST_CERT_INVALID", /not valid yet/, () =>
      trust(certificate(ca, { validAfter: at("2026-06-01T00:02:00Z") })),
    );
    // inside the skew: a guest clock a few seconds ahead is fine
    assert.ok(trust(certificate(ca, { validAfter: at("2026-06-01T00:00:30Z") })));
    refuses("HOST_CERT_INVALID", /not "guest\.pod\.lab"/, () =>
      trust(certificate(ca, { principals: ["other.pod.lab"] })),
    );
    refuses("HOST_CERT_INVALID", /no principals/, () => trust(certificate(ca, { principals: [] })));
    refuses("HOST_CERT_INVALID", /critical options .*force-command/, () =>
      trust(certificate(ca, { critical: ["force-command"] })),
    );
    refuses("HOST_CERT_INVALID", /malformed/, () => trust(good.subarray(0, 100)));
  });

  it("finds @cert-authority lines by host pattern: plain, negated, hashed, [host]:port", () => {
    const caLine = `ssh-ed25519 ${ca.blob.toString("base64")}`;
    const entries = parseKnownHosts(
      [
        `@cert-authority *.pod.lab,!evil.pod.lab ${caLine}`,
        `@cert-authority [10.0.0.5]:2222 ${caLine}`,
        // `ssh-keygen -H` of "10.1.2.3"
        `@cert-authority |1|5kcGp6oVMxMdlHeD/Wbdg9BIJpc=|e3TpYKlFObXxqqxle7LQKmywVjI= ${caLine}`,
      ].join("\n"),
    );
    assert.equal(lookupKnownHost(entries, "guest.pod.lab").authorities.length, 1);
    assert.equal(lookupKnownHost(entries, "evil.pod.lab").authorities.length, 0);
    assert.equal(lookupKnownHost(entries, "[10.0.0.5]:2222").authorities.length, 1);
    assert.equal(lookupKnownHost(entries, "10.0.0.5").authorities.length, 0);
    assert.equal(lookupKnownHost(entries, "10.1.2.3").authorities.length, 1);
    assert.equal(lookupKnownHost(entries, "guest.pod.lab").trusted.length, 0);
  });

  it("asks for certificates first only for a host with a trusted CA, and checks them in verify()", async () => {
    assert.ok(certificateHostKeysSupported(), "ssh2 carries pod's host-certificate patch (npm ci applies it)");
    assert.equal(preferredHostKeyAlgorithms([])[0], "ssh-ed25519");
    assert.equal(preferredHostKeyAlgorithms([], true)[0], "ssh-ed25519-cert-v01@openssh.com");
    const dir = mkdtempSync(join(tmpdir(), "pod-ca-"));
    try {
      const file = join(dir, "known_hosts");
      writeFileSync(file, `@cert-authority guest.pod.lab ssh-ed25519 ${ca.blob.toString("base64")}\n`);
      const withCa = await createHostKeyVerifier("guest.pod.lab", 22, { knownHostsFile: file });
      assert.equal(withCa.algorithms[0], "ssh-ed25519-cert-v01@openssh.com");
      // the CA's validity window is checked against the real clock here
      const now = BigInt(Math.floor(Date.now() / 1000));
      const current = certificate(ca, { validAfter: now - 60n, validBefore: now + 3600n });
      assert.equal((await withCa.verify(current)).learned, false);
      await assert.rejects(withCa.verify(certificate(ca)), (e) => isPodError(e, "HOST_CERT_INVALID"));
      // a plain key for that host is still unknown: the CA line pins no key
      await assert.rejects(
        withCa.verify(Buffer.concat([str("ssh-ed25519"), str(HOST_KEY)])),
        (e) => isPodError(e, "HOST_KEY_UNKNOWN") && /presented no host certificate/.test(e.message),
      );
      const other = await createHostKeyVerifier("other.example", 22, { knownHostsFile: file });
      assert.equal(other.algorithms[0], "ssh-ed25519");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
