import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { certificateHashAlgorithm, tlsServerEndPoint, tlsServerEndPointData } from "./channel-bindings";
import { channelBindingsHash } from "./ntlmv2";

/** Minimal DER: SEQUENCE { SEQUENCE {} (tbs), SEQUENCE { OID }, BIT STRING }. */
function fakeCertificate(oidHex: string): Buffer {
  const oid = Buffer.from(oidHex, "hex");
  const alg = Buffer.concat([Buffer.from([0x30, oid.length + 2, 0x06, oid.length]), oid]);
  const body = Buffer.concat([Buffer.from([0x30, 0x00]), alg, Buffer.from([0x03, 0x01, 0x00])]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe("ntlm: tls-server-end-point channel bindings", () => {
  it("hashes with the certificate's signature hash, SHA-256 for SHA-256/SHA-1/MD5 and unknowns", () => {
    assert.equal(certificateHashAlgorithm(fakeCertificate("2a864886f70d01010b")), "sha256"); // sha256WithRSA
    assert.equal(certificateHashAlgorithm(fakeCertificate("2a864886f70d010105")), "sha256"); // sha1WithRSA
    assert.equal(certificateHashAlgorithm(fakeCertificate("2a8648ce3d040303")), "sha384");
    assert.equal(certificateHashAlgorithm(fakeCertificate("2a864886f70d01010d")), "sha512");
    assert.equal(certificateHashAlgorithm(Buffer.from("not der")), "sha256");
  });

  it("is the MD5 of the bindings struct over that hash", () => {
    const cert = fakeCertificate("2a8648ce3d040303");
    assert.deepEqual(tlsServerEndPoint(cert), channelBindingsHash(createHash("sha384").update(cert).digest()));
  });

  it("gives Kerberos (GSS) the unhashed application data: the label and the certificate hash", () => {
    const sha1Signed = fakeCertificate("2a864886f70d010105"); // sha1WithRSAEncryption: SHA-256 instead (RFC 5929)
    const data = tlsServerEndPointData(sha1Signed);
    const hash = createHash("sha256").update(sha1Signed).digest();
    assert.deepEqual(data, Buffer.concat([Buffer.from("tls-server-end-point:"), hash]));
    const sha512Signed = fakeCertificate("2a864886f70d01010d");
    assert.equal(tlsServerEndPointData(sha512Signed).length, "tls-server-end-point:".length + 64);
  });
});
