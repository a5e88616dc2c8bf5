/**
 * MS-WSMV 2.2.9.1.1 message encryption: the SOAP body sealed by the
 * authentication's session security inside a small MIME-like envelope,
 * "HTTP-SPNEGO-session-encrypted" after NTLM, "HTTP-Kerberos-session-encrypted"
 * after Kerberos. Each part is a 4-byte little-endian signature length, the
 * signature (NTLM: 16 bytes; Kerberos: the GSS wrap token's header with its
 * rotated trailer, 60 bytes for AES) and the ciphertext. The same functions
 * serve the client (requests) and the lab's WinRM guest (responses). The
 * protocol name follows the HTTP scheme, not the mechanism: under
 * "Negotiate" (SPNEGO) Windows and pywinrm say HTTP-SPNEGO-session-encrypted
 * whether NTLM or Kerberos was chosen; HTTP-Kerberos-session-encrypted belongs
 * to the "Kerberos" scheme (MS-WSMV 2.2.9.1.1 and 2.2.9.1.2). Parsing
 * reads the declared plaintext Length and takes exactly that many ciphertext
 * bytes (RC4 and AES-CTS keep lengths), so binary ciphertext that happens to
 * contain the boundary text cannot confuse it.
 */
export const ENCRYPTED_PROTOCOL = "application/HTTP-SPNEGO-session-encrypted";
export const KERBEROS_ENCRYPTED_PROTOCOL = "application/HTTP-Kerberos-session-encrypted";
export const encryptedContentType = (protocol: string): string =>
  `multipart/encrypted;protocol="${protocol}";boundary="Encrypted Boundary"`;
export const ENCRYPTED_CONTENT_TYPE = encryptedContentType(ENCRYPTED_PROTOCOL);

/** Session security that seals one message at a time: NTLM's (SessionSecurity) or a Kerberos context's. */
export interface MessageSealer {
  /** False for an NTLM session without SEAL: both ends refuse to "seal" into plaintext. */
  readonly sealing: boolean;
  /** The MIME protocol name; SPNEGO's when absent. */
  readonly protocol?: string;
  /** Kerberos: the signature is the wrap token's header (tens of bytes); NTLM's is exactly 16. */
  readonly variableSignature?: boolean;
  wrap(plaintext: Buffer): { sealed: Buffer; signature: Buffer };
  unwrap(sealed: Buffer, signature: Buffer): Buffer;
}

const BOUNDARY = "--Encrypted Boundary";
const CRLF = "\r\n";

export class EncryptedBodyError extends Error {}

export function isEncryptedContentType(
  contentType: string | undefined,
  protocol: string = ENCRYPTED_PROTOCOL,
): boolean {
  return !!contentType && /^multipart\/encrypted/i.test(contentType) && contentType.includes(protocol);
}

/** A session without SEAL would "seal" into plaintext: both ends refuse to use one. */
function requireSealing(session: MessageSealer): void {
  if (!session.sealing) throw new EncryptedBodyError("the NTLM session has no sealing (SEAL was not negotiated)");
}

export function sealBody(session: MessageSealer, plaintext: Buffer): Buffer {
  requireSealing(session);
  const { sealed, signature } = session.wrap(plaintext);
  const sigLen = Buffer.alloc(4);
  sigLen.writeUInt32LE(signature.length);
  const head =
    `${BOUNDARY}${CRLF}\tContent-Type: ${session.protocol ?? ENCRYPTED_PROTOCOL}${CRLF}` +
    `\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=${plaintext.length}${CRLF}` +
    `${BOUNDARY}${CRLF}\tContent-Type: application/octet-stream${CRLF}`;
  return Buffer.concat([Buffer.from(head, "latin1"), sigLen, signature, sealed, Buffer.from(`${BOUNDARY}--${CRLF}`)]);
}

/** Unseals every encrypted part in order and returns the concatenated plaintext. */
export function unsealBody(session: MessageSealer, body: Buffer): Buffer {
  requireSealing(session);
  const protocol = session.protocol ?? ENCRYPTED_PROTOCOL;
  // NTLM signatures are 16 bytes; a Kerberos wrap header is tens of bytes (60 for AES).
  const validSigLen = session.variableSignature ? (n: number) => n >= 16 && n <= 1024 : (n: number) => n === 16;
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
    const type = expectLine(/^\s*Content-Type:\s*(\S+)\s*$/i)[1] ?? "";
    if (type.toLowerCase() !== protocol.toLowerCase()) throw new EncryptedBodyError(`unexpected part type ${type}`);
    const length = Number(expectLine(/^\s*OriginalContent:.*Length=(\d+)\s*$/i)[1]);
    expectLine(/^--Encrypted Boundary$/);
    expectLine(/^\s*Content-Type:\s*application\/octet-stream\s*$/i);
    if (at + 4 > body.length) throw new EncryptedBodyError("encrypted body is truncated");
    const sigLen = body.readUInt32LE(at);
    const sigStart = at + 4;
    const dataStart = sigStart + sigLen;
    if (!validSigLen(sigLen) || dataStart + length > body.length)
      throw new EncryptedBodyError("encrypted body is truncated");
    const plaintext = session.unwrap(body.subarray(dataStart, dataStart + length), body.subarray(sigStart, dataStart));
    if (plaintext.length !== length) throw new EncryptedBodyError("decrypted length differs from the declared Length");
    parts.push(plaintext);
    at = dataStart + length;
    if (at >= body.length) throw new EncryptedBodyError("encrypted body has no closing boundary");
  }
  return Buffer.concat(parts);
}
