import { createHash } from "node:crypto";
import { channelBindingsHash } from "./ntlmv2";

/**
 * RFC 5929 tls-server-end-point channel bindings for NTLM over TLS, as
 * Windows' Extended Protection checks them: the hash of the server's
 * certificate (DER) under the certificate's own signature hash, with MD5 and
 * SHA-1 replaced by SHA-256; then MD5 of the gss_channel_bindings_struct
 * (channelBindingsHash) goes into MsvAvChannelBindings. Pure; shared by
 * pod's client (peer certificate) and the lab's Windows guest (its own).
 */
const OID_HASH: Record<string, string> = {
  "2a864886f70d01010c": "sha384", // sha384WithRSAEncryption
  "2a864886f70d01010d": "sha512", // sha512WithRSAEncryption
  "2a8648ce3d040303": "sha384", // ecdsa-with-SHA384
  "2a8648ce3d040304": "sha512", // ecdsa-with-SHA512
};

export function certificateHashAlgorithm(der: Buffer): string {
  const oid = signatureAlgorithmOid(der);
  return (oid && OID_HASH[oid.toString("hex")]) || "sha256";
}

export function tlsServerEndPoint(der: Buffer): Buffer {
  return channelBindingsHash(certificateHash(der));
}

/**
 * The same binding as GSS-API (Kerberos) takes it: the application data of
 * gss_channel_bindings_struct, "tls-server-end-point:" + the certificate's
 * hash, with no addresses (what SSPI sends and Windows' HTTP.sys checks).
 */
export function tlsServerEndPointData(der: Buffer): Buffer {
  return Buffer.concat([Buffer.from("tls-server-end-point:"), certificateHash(der)]);
}

function certificateHash(der: Buffer): Buffer {
  return createHash(certificateHashAlgorithm(der)).update(der).digest();
}

/** Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE { OID, … }, … }. */
function signatureAlgorithmOid(der: Buffer): Buffer | undefined {
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30) return undefined;
  const tbs = readTlv(der, outer.start);
  if (!tbs) return undefined;
  const alg = readTlv(der, tbs.end);
  if (alg?.tag !== 0x30) return undefined;
  const oid = readTlv(der, alg.start);
  return oid?.tag === 0x06 ? der.subarray(oid.start, oid.end) : undefined;
}

function readTlv(der: Buffer, at: number): { tag: number; start: number; end: number } | undefined {
  if (at + 2 > der.length) return undefined;
  const tag = der[at] ?? 0;
  let len = der[at + 1] ?? 0;
  let start = at + 2;
  if (len & 0x80) {
    const bytes = len & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > der.length) return undefined;
    len = der.readUIntBE(start, bytes);
    start += bytes;
  }
  return start + len > der.length ? undefined : { tag, start, end: start + len };
}
