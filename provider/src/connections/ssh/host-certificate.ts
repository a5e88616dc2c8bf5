/**
 * OpenSSH certificates as PROTOCOL.certkeys lays them out: parsed from the
 * blob a server presents as its host key, and the CA's signature over them
 * verified with node:crypto (ed25519, rsa-sha2-256/512, ecdsa-sha2-nistp*).
 * Pure: no I/O. What the fields mean for trust is host-certificate-trust.ts.
 * And whether ssh2 can negotiate them at all (pod's patch, provider/patches).
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";

export const CERT_SUFFIX = "-cert-v01@openssh.com";

/** Host certificate algorithms, offered first for a host with a trusted CA (no SHA-1 ssh-rsa-cert). */
export const CERTIFICATE_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
].map((a) => `${a}${CERT_SUFFIX}`);

/** Whether this ssh2 negotiates certificate host keys (pod's patch is applied). */
export function certificateHostKeysSupported(): boolean {
  try {
    const { SUPPORTED_SERVER_HOST_KEY } = require("ssh2/lib/protocol/constants.js") as {
      SUPPORTED_SERVER_HOST_KEY: string[];
    };
    return CERTIFICATE_ALGORITHMS.every((a) => SUPPORTED_SERVER_HOST_KEY.includes(a));
  } catch {
    return false;
  }
}

export interface OpenSshCertificate {
  /** "ssh-ed25519-cert-v01@openssh.com" */
  type: string;
  /** The certified key as a plain public key blob ("ssh-ed25519" + its fields). */
  publicKey: Buffer;
  serial: bigint;
  /** 1 = user, 2 = host. */
  certType: number;
  keyId: string;
  principals: string[];
  validAfter: bigint;
  validBefore: bigint;
  criticalOptions: string[];
  /** The CA's public key blob. */
  signatureKey: Buffer;
  /** The CA's signature blob (algorithm name and signature). */
  signature: Buffer;
  /** The bytes the CA signed: the certificate up to its signature. */
  signed: Buffer;
}

/** Reads SSH wire types (RFC 4251 §5) off a buffer; throws on a short one. */
class Reader {
  #at = 0;
  constructor(private readonly buf: Buffer) {}
  get offset() {
    return this.#at;
  }
  get done() {
    return this.#at === this.buf.length;
  }
  #take(n: number): Buffer {
    if (n < 0 || this.#at + n > this.buf.length) throw new Error("truncated");
    const part = this.buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return part;
  }
  uint32 = () => this.#take(4).readUInt32BE(0);
  uint64 = () => this.#take(8).readBigUInt64BE(0);
  bytes = () => this.#take(this.uint32());
  text = () => this.bytes().toString("utf8");
}

function str(b: Buffer | string): Buffer {
  const body = typeof b === "string" ? Buffer.from(b) : b;
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** The fields of each certified key type (PROTOCOL.certkeys): ed25519 pk; rsa e, n; ecdsa curve, Q. */
const KEY_FIELDS: Record<string, number> = {
  "ssh-ed25519": 1,
  "ssh-rsa": 2,
  "ecdsa-sha2-nistp256": 2,
  "ecdsa-sha2-nistp384": 2,
  "ecdsa-sha2-nistp521": 2,
};

/** The certified key's fields, as the plain public key blob they make. */
function readCertifiedKey(base: string, r: Reader): Buffer {
  const count = KEY_FIELDS[base];
  if (!count) throw new Error(`unsupported certified key type ${base}`);
  const fields = Array.from({ length: count }, () => r.bytes());
  return Buffer.concat([str(base), ...fields.map(str)]);
}

const names = (blob: Buffer): string[] => {
  const r = new Reader(blob);
  const out: string[] = [];
  while (!r.done) out.push(r.text());
  return out;
};

/** Parses an OpenSSH certificate blob; throws Error("…") saying what is malformed. */
export function parseCertificate(blob: Buffer): OpenSshCertificate {
  const r = new Reader(blob);
  const type = r.text();
  if (!type.endsWith(CERT_SUFFIX)) throw new Error(`${type} is not a certificate type`);
  r.bytes(); // nonce
  const publicKey = readCertifiedKey(type.slice(0, -CERT_SUFFIX.length), r);
  const serial = r.uint64();
  const certType = r.uint32();
  const keyId = r.text();
  const principals = names(r.bytes());
  const validAfter = r.uint64();
  const validBefore = r.uint64();
  const options = new Reader(r.bytes());
  const criticalOptions: string[] = [];
  while (!options.done) {
    criticalOptions.push(options.text());
    options.bytes();
  }
  r.bytes(); // extensions: none concern a host certificate
  r.bytes(); // reserved
  const signatureKey = r.bytes();
  const signed = blob.subarray(0, r.offset);
  const signature = r.bytes();
  if (!r.done) throw new Error("trailing bytes after the signature");
  return {
    type,
    publicKey,
    serial,
    certType,
    keyId,
    principals,
    validAfter,
    validBefore,
    criticalOptions,
    signatureKey,
    signature,
    signed,
  };
}

const b64url = (b: Buffer) => b.toString("base64url");
/** An mpint's magnitude without the sign byte. */
const unsigned = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
const CURVES: Record<string, { crv: string; hash: string; size: number }> = {
  nistp256: { crv: "P-256", hash: "sha256", size: 32 },
  nistp384: { crv: "P-384", hash: "sha384", size: 48 },
  nistp521: { crv: "P-521", hash: "sha512", size: 66 },
};

function publicKeyObject(keyBlob: Buffer): { type: string; key: KeyObject; curve?: (typeof CURVES)[string] } {
  const r = new Reader(keyBlob);
  const type = r.text();
  if (type === "ssh-ed25519") {
    return { type, key: createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(r.bytes()) }, format: "jwk" }) };
  }
  if (type === "ssh-rsa") {
    const e = unsigned(r.bytes());
    const n = unsigned(r.bytes());
    return { type, key: createPublicKey({ key: { kty: "RSA", n: b64url(n), e: b64url(e) }, format: "jwk" }) };
  }
  const curve = CURVES[type.replace("ecdsa-sha2-", "")];
  if (type.startsWith("ecdsa-sha2-") && curve) {
    r.bytes(); // curve name, repeated
    const point = r.bytes(); // uncompressed: 0x04 || x || y
    const [x, y] = [point.subarray(1, 1 + curve.size), point.subarray(1 + curve.size)];
    const jwk = { kty: "EC", crv: curve.crv, x: b64url(x), y: b64url(y) };
    return { type, key: createPublicKey({ key: jwk, format: "jwk" }), curve };
  }
  throw new Error(`unsupported CA key type ${type}`);
}

/** Signature algorithms accepted from a CA, as OpenSSH's default CASignatureAlgorithms (no SHA-1 ssh-rsa). */
const SIGNATURE_HASH: Record<string, string | null> = {
  "ssh-ed25519": null,
  "rsa-sha2-256": "sha256",
  "rsa-sha2-512": "sha512",
  "ecdsa-sha2-nistp256": "sha256",
  "ecdsa-sha2-nistp384": "sha384",
  "ecdsa-sha2-nistp521": "sha512",
};

/** Whether the CA key in the certificate signed it; throws Error saying why not when it cannot tell. */
export function caSignatureValid(cert: OpenSshCertificate): boolean {
  const ca = publicKeyObject(cert.signatureKey);
  const r = new Reader(cert.signature);
  const algorithm = r.text();
  let sig = r.bytes();
  const hash = SIGNATURE_HASH[algorithm];
  if (hash === undefined) throw new Error(`signature algorithm ${algorithm} is not accepted`);
  const family = algorithm.startsWith("rsa-sha2-") ? "ssh-rsa" : algorithm;
  if (family !== ca.type) throw new Error(`a ${algorithm} signature from a ${ca.type} CA key`);
  const size = ca.curve?.size;
  if (size) {
    // SSH carries (r, s) as two mpints; node wants them as fixed-size halves.
    const rs = new Reader(sig);
    const pad = (v: Buffer) => Buffer.concat([Buffer.alloc(Math.max(0, size - v.length)), v]);
    sig = Buffer.concat([pad(unsigned(rs.bytes())), pad(unsigned(rs.bytes()))]);
    return verify(hash, cert.signed, { key: ca.key, dsaEncoding: "ieee-p1363" }, sig);
  }
  return verify(hash, cert.signed, ca.key, sig);
}
