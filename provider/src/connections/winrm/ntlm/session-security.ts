import { timingSafeEqual } from "node:crypto";
import { Flag, hasFlag } from "./constants";
import { hmacMd5, md5 } from "./ntlmv2";
import { Rc4 } from "./rc4";

/**
 * NTLM session security (MS-NLMP 3.4) with extended session security, the
 * only kind NTLMv2 peers use: per-direction sign and seal keys derived from
 * the ExportedSessionKey with the magic constants, ONE continuous RC4 stream
 * per direction (message, then checksum, then the next message) and a
 * sequence number per direction. The client sends with the client-to-server
 * keys; the acceptor ("server") sends with the server-to-client ones, so the
 * same class serves both ends.
 */
export type NtlmRole = "client" | "server";

export class NtlmIntegrityError extends Error {}

const MAGIC = {
  clientSign: "session key to client-to-server signing key magic constant\0",
  serverSign: "session key to server-to-client signing key magic constant\0",
  clientSeal: "session key to client-to-server sealing key magic constant\0",
  serverSeal: "session key to server-to-client sealing key magic constant\0",
} as const;

export const signKey = (exportedSessionKey: Buffer, direction: "client" | "server"): Buffer =>
  md5(exportedSessionKey, Buffer.from(direction === "client" ? MAGIC.clientSign : MAGIC.serverSign, "latin1"));

/** SEALKEY: 128-bit, 56-bit (7 bytes) or 40-bit (5 bytes) of the session key, per the negotiated strength. */
export function sealKey(exportedSessionKey: Buffer, flags: number, direction: "client" | "server"): Buffer {
  const strength = hasFlag(flags, Flag.NEGOTIATE_128) ? 16 : hasFlag(flags, Flag.NEGOTIATE_56) ? 7 : 5;
  const magic = Buffer.from(direction === "client" ? MAGIC.clientSeal : MAGIC.serverSeal, "latin1");
  return md5(exportedSessionKey.subarray(0, strength), magic);
}

interface Direction {
  signKey: Buffer;
  rc4: Rc4;
  seq: number;
}

export class SessionSecurity {
  readonly #out: Direction;
  readonly #in: Direction;
  readonly #flags: number;

  constructor(flags: number, exportedSessionKey: Buffer, role: NtlmRole) {
    if (!hasFlag(flags, Flag.EXTENDED_SESSIONSECURITY)) {
      throw new Error("NTLM session security without NEGOTIATE_EXTENDED_SESSIONSECURITY is not supported");
    }
    this.#flags = flags;
    const make = (direction: "client" | "server"): Direction => ({
      signKey: signKey(exportedSessionKey, direction),
      rc4: new Rc4(sealKey(exportedSessionKey, flags, direction)),
      seq: 0,
    });
    const client = make("client");
    const server = make("server");
    this.#out = role === "client" ? client : server;
    this.#in = role === "client" ? server : client;
  }

  get sealing(): boolean {
    return hasFlag(this.#flags, Flag.SEAL);
  }

  /** GSS_WrapEx: seal (when negotiated), then sign the plaintext; returns the 16-byte signature separately. */
  wrap(message: Buffer): { sealed: Buffer; signature: Buffer } {
    const sealed = this.sealing ? this.#out.rc4.update(message) : Buffer.from(message);
    const signature = this.#signature(this.#out, message);
    this.#out.seq++;
    return { sealed, signature };
  }

  /** GSS_UnwrapEx: unseal and verify the signature and sequence number; throws NtlmIntegrityError. */
  unwrap(sealed: Buffer, signature: Buffer): Buffer {
    const message = this.sealing ? this.#in.rc4.update(sealed) : Buffer.from(sealed);
    const expected = this.#signature(this.#in, message);
    this.#in.seq++;
    if (signature.length !== 16) throw new NtlmIntegrityError("NTLM signature must be 16 bytes");
    if (!timingSafeEqual(signature.subarray(12, 16), expected.subarray(12, 16))) {
      throw new NtlmIntegrityError("NTLM sequence number does not match: a message was lost or reordered");
    }
    if (!timingSafeEqual(signature, expected)) {
      throw new NtlmIntegrityError("NTLM signature does not match: the message was altered or the keys differ");
    }
    return message;
  }

  /** Version 1 ‖ checksum ‖ seq, the checksum RC4-encrypted under KEY_EXCH (same stream as sealing). */
  #signature(dir: Direction, message: Buffer): Buffer {
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(dir.seq >>> 0);
    let checksum = hmacMd5(dir.signKey, seq, message).subarray(0, 8);
    if (hasFlag(this.#flags, Flag.KEY_EXCH)) checksum = dir.rc4.update(checksum);
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, seq]);
  }
}
