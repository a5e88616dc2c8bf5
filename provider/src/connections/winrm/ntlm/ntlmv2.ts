import { createHash, createHmac } from "node:crypto";
import { md4 } from "./md4";

/**
 * The NTLMv2 computations of MS-NLMP 3.3.2 (NTOWFv2, the NTLMv2 and LMv2
 * responses, the session base key) and 3.1.5.1.2 (MIC). Shared by the client
 * and the acceptor: the acceptor recomputes NTProofStr from the blob the
 * client sent and compares.
 */
export const hmacMd5 = (key: Buffer, ...data: Buffer[]): Buffer => {
  const h = createHmac("md5", key);
  for (const d of data) h.update(d);
  return h.digest();
};

export const md5 = (...data: Buffer[]): Buffer => {
  const h = createHash("md5");
  for (const d of data) h.update(d);
  return h.digest();
};

/** NTOWFv1: the NT hash, MD4 of the UTF-16LE password. */
export const ntowfv1 = (password: string): Buffer => md4(Buffer.from(password, "utf16le"));

/** NTOWFv2 = HMAC_MD5(NT hash, UTF-16LE(UPPER(user) + domain)); also the LMv2 key. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(ntowfv1(password), Buffer.from(user.toUpperCase() + domain, "utf16le"));
}

/** The NTLMv2 client blob ("temp"): versions, reserved, timestamp, client challenge, AV pairs. */
export function ntlmv2Blob(timestamp: Buffer, clientChallenge: Buffer, targetInfo: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    targetInfo,
    Buffer.alloc(4),
  ]);
}

export const ntProofStr = (responseKeyNt: Buffer, serverChallenge: Buffer, blob: Buffer): Buffer =>
  hmacMd5(responseKeyNt, serverChallenge, blob);

export const lmv2Response = (responseKeyLm: Buffer, serverChallenge: Buffer, clientChallenge: Buffer): Buffer =>
  Buffer.concat([hmacMd5(responseKeyLm, serverChallenge, clientChallenge), clientChallenge]);

/** For NTLMv2 the KeyExchangeKey is the SessionBaseKey. */
export const sessionBaseKey = (responseKeyNt: Buffer, proof: Buffer): Buffer => hmacMd5(responseKeyNt, proof);

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE ‖ CHALLENGE ‖ AUTHENTICATE with a zeroed MIC). */
export function computeMic(exportedSessionKey: Buffer, negotiate: Buffer, challenge: Buffer, authenticate: Buffer) {
  const zeroed = Buffer.from(authenticate);
  zeroed.fill(0, 72, 88);
  return hmacMd5(exportedSessionKey, negotiate, challenge, zeroed);
}

/** FILETIME (100 ns ticks since 1601-01-01) as 8 little-endian bytes. */
export function fileTime(ms: number = Date.now()): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE((BigInt(Math.floor(ms)) + 11_644_473_600_000n) * 10_000n);
  return out;
}

export function fileTimeToMs(data: Buffer): number {
  return Number(data.readBigUInt64LE() / 10_000n - 11_644_473_600_000n);
}

/**
 * MsvAvChannelBindings value for TLS (RFC 5929 tls-server-end-point):
 * MD5 of a gss_channel_bindings_struct with empty addresses and the
 * application data "tls-server-end-point:" + the certificate hash.
 */
export function channelBindingsHash(certificateHash: Buffer): Buffer {
  const appData = Buffer.concat([Buffer.from("tls-server-end-point:"), certificateHash]);
  const struct = Buffer.alloc(20);
  struct.writeUInt32LE(appData.length, 16);
  return md5(struct, appData);
}
