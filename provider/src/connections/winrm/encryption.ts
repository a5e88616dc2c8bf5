import type { SessionSecurity } from "./ntlm/session-security";

/**
 * MS-WSMV 2.2.9.1.1 message encryption for NTLM ("HTTP-SPNEGO-session-encrypted"):
 * the SOAP body sealed with NTLM session security inside a small MIME-like
 * envelope. The same functions serve the client (requests) and the lab's
 * WinRM guest (responses). Parsing reads the declared plaintext Length and
 * takes exactly that many ciphertext bytes (RC4 keeps lengths), so binary
 * ciphertext that happens to contain the boundary text cannot confuse it.
 */
export const ENCRYPTED_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted";
export const ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${ENCRYPTED_PROTOCOL}";boundary="Encrypted Boundary"`;

const BOUNDARY = "--Encrypted Boundary";
const CRLF = "\r\n";

export class EncryptedBodyError extends Error {}

export function isEncryptedContentType(contentType: string | undefined): boolean {
  return !!contentType && /^multipart\/encrypted/i.test(contentType) && contentType.includes(ENCRYPTED_PROTOCOL);
}

/** A session without SEAL would "seal" into plaintext: both ends refuse to use one. */
function requireSealing(session: SessionSecurity): void {
  if (!session.sealing) throw new EncryptedBodyError("the NTLM session has no sealing (SEAL was not negotiated)");
}

export function sealBody(session: SessionSecurity, plaintext: Buffer): Buffer {
  requireSealing(session);
  const { sealed, signature } = session.wrap(plaintext);
  const sigLen = Buffer.alloc(4);
  sigLen.writeUInt32LE(signature.length);
  const head =
    `${BOUNDARY}${CRLF}\tContent-Type: ${ENCRYPTED_PROTOCOL}${CRLF}` +
    `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${plaintext.length}${CRLF}` +
    `${BOUNDARY}${CRLF}\tContent-Type: application/octet-stream${CRLF}`;
  return Buffer.concat([Buffer.from(head, "latin1"), sigLen, signature, sealed, Buffer.from(`${BOUNDARY}--${CRLF}`)]);
}

/** Unseals every encrypted part in order and returns the concatenated plaintext. */
export function unsealBody(session: SessionSecurity, body: Buffer): Buffer {
  requireSealing(session);
  const parts: Buffer[] = [];
  let at = 0;
  const expectLine = (pattern: RegExp): RegExpExecArray => {
    const end = body.indexOf(CRLF, at, "latin1");
    if (end < 0) throw new EncryptedBodyError("encrypted body ends inside a header line");
    const line = body.subarray(at, end).toString("latin1");
    const match = pattern.exec(line);
    if (!match) throw new EncryptedBodyError(`unexpected line in encrypted body: ${JSON.stringify(line.slice(0, 80))}`);
    at = end + 2;
    return match;
  };
  for (;;) {
    if (body.subarray(at, at + BOUNDARY.length + 2).toString("latin1") === `${BOUNDARY}--`) break;
    expectLine(/^--Encrypted Boundary$/);
    expectLine(/^\s*Content-Type:\s*application\/HTTP-SPNEGO-session-encrypted\s*$/i);
    const length = Number(expectLine(/^\s*OriginalContent:.*Length=(\d+)\s*$/i)[1]);
    expectLine(/^--Encrypted Boundary$/);
    expectLine(/^\s*Content-Type:\s*application\/octet-stream\s*$/i);
    if (at + 4 > body.length) throw new EncryptedBodyError("encrypted body is truncated");
    const sigLen = body.readUInt32LE(at);
    const sigStart = at + 4;
    const dataStart = sigStart + sigLen;
    if (sigLen !== 16 || dataStart + length > body.length) throw new EncryptedBodyError("encrypted body is truncated");
    const plaintext = session.unwrap(body.subarray(dataStart, dataStart + length), body.subarray(sigStart, dataStart));
    if (plaintext.length !== length) throw new EncryptedBodyError("decrypted length differs from the declared Length");
    parts.push(plaintext);
    at = dataStart + length;
    if (at >= body.length) throw new EncryptedBodyError("encrypted body has no closing boundary");
  }
  return Buffer.concat(parts);
}
