import { ENCRYPTED_PROTOCOL, EncryptedBodyError, type MessageSealer } from "../encryption";
import type { GssContext, GssIov } from "./gss-native";

/**
 * An established Kerberos context as WinRM's message encryption uses it
 * (MS-WSMV 2.2.9.1.1: under the Negotiate scheme the parts say
 * HTTP-SPNEGO-session-encrypted, as for NTLM; HTTP-Kerberos-session-encrypted
 * under the Kerberos scheme): GSS wrap with
 * confidentiality, the token header (with the rotated trailer: 60 bytes for
 * AES) as the part's signature and the in-place ciphertext as its data.
 * Sequence numbers and replay are checked by the GSS library.
 */
export class KerberosSealer implements MessageSealer {
  readonly sealing = true;
  readonly variableSignature = true;

  constructor(
    private readonly gss: GssIov,
    private readonly context: GssContext,
    readonly protocol: string = ENCRYPTED_PROTOCOL,
  ) {}

  wrap(plaintext: Buffer): { sealed: Buffer; signature: Buffer } {
    const { header, data } = this.gss.wrap(this.context, plaintext);
    return { sealed: data, signature: header };
  }

  unwrap(sealed: Buffer, signature: Buffer): Buffer {
    try {
      return this.gss.unwrap(this.context, signature, sealed);
    } catch (error) {
      throw new EncryptedBodyError((error as Error).message.replace(/^gss_unwrap_iov:\s*/, ""));
    }
  }
}
