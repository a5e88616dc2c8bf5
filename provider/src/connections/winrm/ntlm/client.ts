import { randomBytes } from "node:crypto";
import { AV_FLAG_MIC_PROVIDED, AvId, Flag, hasFlag, SESSION_FLAGS, WINDOWS_VERSION } from "./constants";
import {
  type AvPair,
  decodeAvPairs,
  decodeChallenge,
  encodeAuthenticate,
  encodeAvPairs,
  encodeNegotiate,
} from "./messages";
import { computeMic, fileTime, lmv2Response, ntlmv2Blob, ntowfv2, ntProofStr, sessionBaseKey } from "./ntlmv2";
import { rc4k } from "./rc4";
import { SessionSecurity } from "./session-security";

/**
 * The initiator side of NTLMv2 (MS-NLMP 3.1): NEGOTIATE → (server's
 * CHALLENGE) → AUTHENTICATE with a MIC when the server sent a timestamp,
 * KEY_EXCH with a random ExportedSessionKey, then session security for
 * sign/seal. Kerberos and SPNEGO wrapping are out of scope: WinRM accepts
 * raw NTLMSSP tokens under the "Negotiate" scheme.
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
  /** Test hooks: randomness (client challenge, session key) and the clock. */
  random?: (size: number) => Buffer;
  now?: () => Buffer;
}

export class NtlmClientError extends Error {}

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
    const flags = (challenge.flags & SESSION_FLAGS) >>> 0;
    if (!hasFlag(flags, Flag.EXTENDED_SESSIONSECURITY) || !hasFlag(flags, Flag.NTLM)) {
      throw new NtlmClientError("the server does not offer NTLMv2 with extended session security");
    }
    const random = this.options.random ?? randomBytes;
    const pairs = challenge.targetInfo.length > 0 ? decodeAvPairs(challenge.targetInfo) : [];
    const serverTime = pairs.find((p) => p.id === AvId.Timestamp)?.value;
    // MS-NLMP 3.1.5.1.2: with a server timestamp, use it, send a MIC and an all-zero LM response.
    const ours: AvPair[] = pairs.filter((p) => p.id !== AvId.Flags && p.id !== AvId.ChannelBindings);
    if (serverTime) ours.push({ id: AvId.Flags, value: u32(AV_FLAG_MIC_PROVIDED) });
    const cbt = this.options.channelBindings;
    const bindings = typeof cbt === "function" ? cbt() : cbt;
    if (bindings) ours.push({ id: AvId.ChannelBindings, value: bindings });
    const timestamp = serverTime ?? (this.options.now ?? (() => fileTime()))();
    const clientChallenge = random(8);

    const key = ntowfv2(this.options.password(), this.options.user, this.options.domain);
    const blob = ntlmv2Blob(timestamp, clientChallenge, encodeAvPairs(ours));
    const proof = ntProofStr(key, challenge.serverChallenge, blob);
    const baseKey = sessionBaseKey(key, proof);
    let exportedSessionKey: Buffer = baseKey;
    let encryptedRandomSessionKey: Buffer = Buffer.alloc(0);
    if (hasFlag(flags, Flag.KEY_EXCH)) {
      exportedSessionKey = random(16);
      encryptedRandomSessionKey = rc4k(baseKey, exportedSessionKey);
    }
    const message = encodeAuthenticate({
      flags,
      lmResponse: serverTime ? Buffer.alloc(24) : lmv2Response(key, challenge.serverChallenge, clientChallenge),
      ntResponse: Buffer.concat([proof, blob]),
      domain: this.options.domain,
      user: this.options.user,
      workstation: this.options.workstation ?? "",
      encryptedRandomSessionKey,
      version: WINDOWS_VERSION,
      ...(serverTime ? { mic: Buffer.alloc(16) } : {}),
    });
    if (serverTime) computeMic(exportedSessionKey, this.#negotiate, challengeToken, message).copy(message, 72);
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
