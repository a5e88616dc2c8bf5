import { AvId, Flag, hasFlag, MessageType, NTLMSSP_SIGNATURE } from "./constants";

/**
 * Encoding and decoding of the three NTLMSSP messages (MS-NLMP 2.2.1) and of
 * AV_PAIR lists. Pure byte work: no crypto, no I/O. Decoders keep the raw
 * bytes because the MIC is computed over the messages exactly as sent.
 */
export class NtlmFormatError extends Error {}

export interface AvPair {
  id: number;
  value: Buffer;
}

export interface NegotiateMessage {
  flags: number;
  domain: string;
  workstation: string;
  raw: Buffer;
}

export interface ChallengeMessage {
  flags: number;
  targetName: string;
  serverChallenge: Buffer;
  /** The TargetInfo bytes as sent (AV_PAIRs, EOL included). */
  targetInfo: Buffer;
  version?: Buffer;
  raw: Buffer;
}

export interface AuthenticateMessage {
  flags: number;
  lmResponse: Buffer;
  ntResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  version?: Buffer;
  /** The 16 bytes after VERSION when the payload starts at or after offset 88 (may be payload-less). */
  mic?: Buffer;
  raw: Buffer;
}

export function encodeAvPairs(pairs: AvPair[]): Buffer {
  const parts: Buffer[] = [];
  for (const { id, value } of pairs) {
    if (id === AvId.EOL) continue;
    const head = Buffer.alloc(4);
    head.writeUInt16LE(id, 0);
    head.writeUInt16LE(value.length, 2);
    parts.push(head, value);
  }
  parts.push(Buffer.alloc(4)); // MsvAvEOL
  return Buffer.concat(parts);
}

export function decodeAvPairs(data: Buffer): AvPair[] {
  const pairs: AvPair[] = [];
  let at = 0;
  while (at + 4 <= data.length) {
    const id = data.readUInt16LE(at);
    const len = data.readUInt16LE(at + 2);
    if (id === AvId.EOL) return pairs;
    if (at + 4 + len > data.length) throw new NtlmFormatError("AV_PAIR runs past the end of TargetInfo");
    pairs.push({ id, value: data.subarray(at + 4, at + 4 + len) });
    at += 4 + len;
  }
  throw new NtlmFormatError("TargetInfo has no MsvAvEOL terminator");
}

const encodeText = (text: string, flags: number): Buffer =>
  Buffer.from(text, hasFlag(flags, Flag.UNICODE) ? "utf16le" : "latin1");
const decodeText = (data: Buffer, flags: number): string =>
  data.toString(hasFlag(flags, Flag.UNICODE) ? "utf16le" : "latin1");

/** Lays out fixed header + payload, writing each (len, maxLen, offset) field at its position. */
function layout(header: Buffer, fields: { at: number; data: Buffer }[]): Buffer {
  let offset = header.length;
  for (const f of fields) {
    header.writeUInt16LE(f.data.length, f.at);
    header.writeUInt16LE(f.data.length, f.at + 2);
    header.writeUInt32LE(offset, f.at + 4);
    offset += f.data.length;
  }
  return Buffer.concat([header, ...fields.map((f) => f.data)]);
}

function startHeader(size: number, type: number): Buffer {
  const header = Buffer.alloc(size);
  NTLMSSP_SIGNATURE.copy(header, 0);
  header.writeUInt32LE(type, 8);
  return header;
}

function checkHeader(data: Buffer, type: number): void {
  if (data.length < 12 || !data.subarray(0, 8).equals(NTLMSSP_SIGNATURE)) {
    throw new NtlmFormatError("not an NTLMSSP message");
  }
  const seen = data.readUInt32LE(8);
  if (seen !== type) throw new NtlmFormatError(`expected NTLM message type ${type}, got ${seen}`);
}

function field(data: Buffer, at: number): Buffer {
  if (data.length < at + 8) throw new NtlmFormatError("NTLM message is truncated");
  const len = data.readUInt16LE(at);
  const offset = data.readUInt32LE(at + 4);
  if (len === 0) return Buffer.alloc(0);
  if (offset + len > data.length) throw new NtlmFormatError("NTLM field points past the end of the message");
  return data.subarray(offset, offset + len);
}

export function encodeNegotiate(flags: number, version: Buffer | undefined): Buffer {
  const header = startHeader(version ? 40 : 32, MessageType.Negotiate);
  header.writeUInt32LE(flags >>> 0, 12);
  if (version) version.copy(header, 32);
  // Domain and workstation are left empty (offsets point at the end), as Windows does.
  return layout(header, [
    { at: 16, data: Buffer.alloc(0) },
    { at: 24, data: Buffer.alloc(0) },
  ]);
}

export function decodeNegotiate(data: Buffer): NegotiateMessage {
  checkHeader(data, MessageType.Negotiate);
  if (data.length < 16) throw new NtlmFormatError("NEGOTIATE message is truncated");
  const flags = data.readUInt32LE(12);
  // Domain/workstation are OEM strings and optional: pre-2000 clients send a 16-byte message.
  const domain = data.length >= 24 ? field(data, 16).toString("latin1") : "";
  const workstation = data.length >= 32 ? field(data, 24).toString("latin1") : "";
  return { flags, domain, workstation, raw: data };
}

export function encodeChallenge(c: Omit<ChallengeMessage, "raw">): Buffer {
  const header = startHeader(56, MessageType.Challenge);
  header.writeUInt32LE(c.flags >>> 0, 20);
  c.serverChallenge.copy(header, 24);
  (c.version ?? Buffer.alloc(8)).copy(header, 48);
  return layout(header, [
    { at: 12, data: encodeText(c.targetName, c.flags) },
    { at: 40, data: c.targetInfo },
  ]);
}

export function decodeChallenge(data: Buffer): ChallengeMessage {
  checkHeader(data, MessageType.Challenge);
  if (data.length < 32) throw new NtlmFormatError("CHALLENGE message is truncated");
  const flags = data.readUInt32LE(20);
  const targetInfo = hasFlag(flags, Flag.TARGET_INFO) && data.length >= 48 ? field(data, 40) : Buffer.alloc(0);
  return {
    flags,
    targetName: decodeText(field(data, 12), flags),
    serverChallenge: Buffer.from(data.subarray(24, 32)),
    targetInfo,
    ...(hasFlag(flags, Flag.VERSION) && data.length >= 56 ? { version: data.subarray(48, 56) } : {}),
    raw: data,
  };
}

/** With `mic`, reserves the 16-byte MIC slot at offset 72 (filled in by the caller). */
export function encodeAuthenticate(a: Omit<AuthenticateMessage, "raw">): Buffer {
  const size = a.mic ? 88 : a.version ? 72 : 64;
  const header = startHeader(size, MessageType.Authenticate);
  header.writeUInt32LE(a.flags >>> 0, 60);
  if (a.version) a.version.copy(header, 64);
  if (a.mic) a.mic.copy(header, 72);
  // Payload order as Windows writes it: domain, user, workstation, LM, NT, session key.
  return layout(header, [
    { at: 28, data: encodeText(a.domain, a.flags) },
    { at: 36, data: encodeText(a.user, a.flags) },
    { at: 44, data: encodeText(a.workstation, a.flags) },
    { at: 12, data: a.lmResponse },
    { at: 20, data: a.ntResponse },
    { at: 52, data: a.encryptedRandomSessionKey },
  ]);
}

export function decodeAuthenticate(data: Buffer): AuthenticateMessage {
  checkHeader(data, MessageType.Authenticate);
  if (data.length < 64) throw new NtlmFormatError("AUTHENTICATE message is truncated");
  const flags = data.readUInt32LE(60);
  // The payload starts at the lowest non-empty field offset; a VERSION (and MIC) sit before it.
  let payloadStart = data.length;
  for (const at of [12, 20, 28, 36, 44, 52]) {
    if (data.readUInt16LE(at) > 0) payloadStart = Math.min(payloadStart, data.readUInt32LE(at + 4));
  }
  return {
    flags,
    lmResponse: field(data, 12),
    ntResponse: field(data, 20),
    domain: decodeText(field(data, 28), flags),
    user: decodeText(field(data, 36), flags),
    workstation: decodeText(field(data, 44), flags),
    encryptedRandomSessionKey: field(data, 52),
    ...(payloadStart >= 72 && hasFlag(flags, Flag.VERSION) ? { version: data.subarray(64, 72) } : {}),
    ...(payloadStart >= 88 ? { mic: Buffer.from(data.subarray(72, 88)) } : {}),
    raw: data,
  };
}
