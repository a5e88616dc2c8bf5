import { randomBytes } from "node:crypto";
import { AV_FLAG_MIC_PROVIDED, AvId, hasFlag, REQUIRED_FLAGS, SESSION_FLAGS, WINDOWS_VERSION } from "./constants";
import {
  type AvPair,
  decodeAvPairs,
  decodeChallenge,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
} from "./messages";
import { computeMic, ntlmv2Blob, ntowfv2, ntProofStr, sessionBaseKey } from "./ntlmv2";
import { rc4k } from "./rc4";
import { SessionSecurity } from "./session-security";

/**
 * The initiator side of NTLMv2 (MS-NLMP 3.1): NEGOTIATE → (server's
 * CHALLENGE) → AUTHENTICATE, then session security for sign/seal. Nothing is
 * taken on the server's word: the CHALLENGE must offer sealing with 128-bit
 * keys, key exchange and extended session security, and carry a timestamp
 * (every Windows since Vista sends one); otherwise it is refused before any
 * proof of the password is sent (NtlmDowngradeError). The AUTHENTICATE always
 * carries a MIC (MsvAvFlags 0x2), so a server that checks it notices a
 * tampered NEGOTIATE or CHALLENGE. Kerberos and SPNEGO wrapping are out of
 * scope: WinRM accepts raw NTLMSSP tokens under the "Negotiate" scheme.
 */
export interface NtlmClientOptions {
  user: string;
  /** NetBIOS domain, or "" for a local account. */
  domain: string;
  /** Called once, when the AUTHENTICATE message is built; the value is never stored. */
  password: () => string;
  workstation?: string;
  /** MD5 of the gss_channel_bindings_struct (see channelBindingsHash), over TLS; read when authenticating. */
  channelBindings?: Buffer | (() => Buffer | undefined);
  /** Test hook: randomness (client challenge, session key). */
  random?: (size: number) => Buffer;
}

export class NtlmClientError extends Error {}

/** The CHALLENGE offers less protection than pod requires; `missing` names what (flags, "timestamp"). */
export class NtlmDowngradeError extends NtlmClientError {
  constructor(readonly missing: string[]) {
    super(`the NTLM challenge lacks ${missing.join(", ")}`);
  }
}

export class NtlmClient {
  #negotiate: Buffer | undefined;
  #session: SessionSecurity | undefined;
  #flags = 0;

  constructor(private readonly options: NtlmClientOptions) {}

  negotiate(): Buffer {
    this.#negotiate = encodeNegotiate(SESSION_FLAGS, WINDOWS_VERSION);
    return this.#negotiate;
  }

  authenticate(challengeToken: Buffer): Buffer {
    if (!this.#negotiate) throw new NtlmClientError("negotiate() must come first");
    const challenge = decodeChallenge(challengeToken);
    const pairs = challenge.targetInfo.length > 0 ? decodeAvPairs(challenge.targetInfo) : [];
    const serverTime = pairs.find((p) => p.id === AvId.Timestamp)?.value;
    const missing: string[] = REQUIRED_FLAGS.filter(([, flag]) => !hasFlag(challenge.flags, flag)).map(([n]) => n);
    if (serverTime?.length !== 8) missing.push("timestamp (MsvAvTimestamp)");
    if (missing.length > 0 || !serverTime) throw new NtlmDowngradeError(missing);
    const flags = (challenge.flags & SESSION_FLAGS) >>> 0;
    const random = this.options.random ?? randomBytes;
    // MS-NLMP 3.1.5.1.2: the server's timestamp in the blob, a MIC, and an all-zero LM response.
    const ours: AvPair[] = pairs.filter((p) => p.id !== AvId.Flags && p.id !== AvId.ChannelBindings);
    ours.push({ id: AvId.Flags, value: u32(AV_FLAG_MIC_PROVIDED) });
    const cbt = this.options.channelBindings;
    const bindings = typeof cbt === "function" ? cbt() : cbt;
    if (bindings) ours.push({ id: AvId.ChannelBindings, value: bindings });
    const clientChallenge = random(8);

    const key = ntowfv2(this.options.password(), this.options.user, this.options.domain);
    const blob = ntlmv2Blob(serverTime, clientChallenge, encodeAvPairs(ours));
    const proof = ntProofStr(key, challenge.serverChallenge, blob);
    const baseKey = sessionBaseKey(key, proof);
    const exportedSessionKey = random(16);
    const encryptedRandomSessionKey = rc4k(baseKey, exportedSessionKey);
    const message = encodeAuthenticate({
      flags,
      lmResponse: Buffer.alloc(24),
      ntResponse: Buffer.concat([proof, blob]),
      domain: this.options.domain,
      user: this.options.user,
      workstation: this.options.workstation ?? "",
      encryptedRandomSessionKey,
      version: WINDOWS_VERSION,
      mic: Buffer.alloc(16),
    });
    computeMic(exportedSessionKey, this.#negotiate, challengeToken, message).copy(message, 72);
    this.#flags = flags;
    this.#session = new SessionSecurity(flags, exportedSessionKey, "client");
    return message;
  }

  /** The negotiated flags (after authenticate()). */
  get flags(): number {
    return this.#flags;
  }

  get session(): SessionSecurity {
    if (!this.#session) throw new NtlmClientError("NTLM authentication has not completed");
    return this.#session;
  }
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}
