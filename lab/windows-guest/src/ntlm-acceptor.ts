import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  AV_FLAG_MIC_PROVIDED,
  AvId,
  Flag,
  hasFlag,
  SESSION_FLAGS,
  WINDOWS_VERSION,
} from "../../../provider/src/connections/winrm/ntlm/constants";
import {
  type AuthenticateMessage,
  decodeAuthenticate,
  decodeAvPairs,
  decodeNegotiate,
  encodeAvPairs,
  encodeChallenge,
} from "../../../provider/src/connections/winrm/ntlm/messages";
import {
  computeMic,
  fileTime,
  fileTimeToMs,
  ntowfv2,
  ntProofStr,
  sessionBaseKey,
} from "../../../provider/src/connections/winrm/ntlm/ntlmv2";
import { rc4k } from "../../../provider/src/connections/winrm/ntlm/rc4";
import { SessionSecurity } from "../../../provider/src/connections/winrm/ntlm/session-security";

/**
 * The acceptor side of NTLMv2 (MS-NLMP 3.2) for a stand-alone server with
 * local accounts, as the lab's Windows guest needs it: CHALLENGE with a
 * timestamp (so clients send a MIC), NTProofStr check, MIC check, KEY_EXCH,
 * then session security with the server-to-client keys. NTLMv1/LM responses
 * are refused (LmCompatibilityLevel 5). Channel bindings as Windows'
 * Extended Protection with CbtHardeningLevel "Relaxed" (its default): a
 * client that sends MsvAvChannelBindings must send the ones of this TLS
 * channel; one that sends none (or all zeros) is let in, unless "strict".
 * Lab-only: pod's provider is only ever the client.
 */
export interface NtlmAcceptorOptions {
  /** NetBIOS computer name, e.g. "WIN2022-POD"; also the target name of a stand-alone server. */
  computerName: string;
  dnsComputerName?: string;
  /** The password of a local account (user name case-insensitive), or undefined if unknown. */
  lookup: (user: string) => string | undefined;
  /** This channel's MsvAvChannelBindings (TLS listeners); undefined on plain HTTP, where any sent are refused. */
  channelBindings?: Buffer;
  /** "relaxed" (default): missing bindings are accepted; "strict": they are required. */
  cbtHardening?: "relaxed" | "strict";
  /** How far the client's timestamp may be from ours; MS-NLMP's default MaxLifetime is 36 hours. */
  maxSkewMs?: number;
  random?: (size: number) => Buffer;
  now?: () => number;
}

export class NtlmAuthError extends Error {}

export interface AcceptedNtlm {
  user: string;
  domain: string;
  workstation: string;
  flags: number;
  session: SessionSecurity;
  /** Whether the client bound the authentication to this TLS channel. */
  channelBindings: "verified" | "absent";
}

export class NtlmAcceptor {
  #negotiate: Buffer | undefined;
  #challenge: Buffer | undefined;
  #serverChallenge: Buffer | undefined;
  #flags = 0;

  constructor(private readonly options: NtlmAcceptorOptions) {}

  /** Answers a NEGOTIATE message with a CHALLENGE. */
  challenge(negotiateToken: Buffer): Buffer {
    const negotiate = decodeNegotiate(negotiateToken);
    const wanted = negotiate.flags;
    let flags = (wanted & SESSION_FLAGS) >>> 0;
    flags = (flags | Flag.NTLM | Flag.TARGET_INFO | Flag.TARGET_TYPE_DOMAIN | Flag.VERSION) >>> 0;
    if (!hasFlag(wanted, Flag.UNICODE)) flags = ((flags & ~Flag.UNICODE) | Flag.OEM) >>> 0;
    const now = this.options.now ?? Date.now;
    const name = this.options.computerName.toUpperCase();
    const dns = this.options.dnsComputerName ?? this.options.computerName.toLowerCase();
    const targetInfo = encodeAvPairs([
      { id: AvId.NbDomainName, value: Buffer.from(name, "utf16le") },
      { id: AvId.NbComputerName, value: Buffer.from(name, "utf16le") },
      { id: AvId.DnsDomainName, value: Buffer.from(dns, "utf16le") },
      { id: AvId.DnsComputerName, value: Buffer.from(dns, "utf16le") },
      { id: AvId.Timestamp, value: fileTime(now()) },
    ]);
    this.#serverChallenge = (this.options.random ?? randomBytes)(8);
    this.#negotiate = negotiateToken;
    this.#flags = flags;
    this.#challenge = encodeChallenge({
      flags,
      targetName: name,
      serverChallenge: this.#serverChallenge,
      targetInfo,
      version: WINDOWS_VERSION,
    });
    return this.#challenge;
  }

  /** Verifies an AUTHENTICATE message; throws NtlmAuthError (never saying which part was wrong to the peer). */
  accept(authenticateToken: Buffer): AcceptedNtlm {
    if (!this.#challenge || !this.#negotiate || !this.#serverChallenge) {
      throw new NtlmAuthError("AUTHENTICATE without a preceding NEGOTIATE on this connection");
    }
    const auth = decodeAuthenticate(authenticateToken);
    if (auth.ntResponse.length <= 24) throw new NtlmAuthError("NTLMv1/anonymous responses are refused");
    const password = this.options.lookup(auth.user);
    if (password === undefined) throw new NtlmAuthError(`unknown user "${auth.user}"`);
    if (!this.#domainIsLocal(auth.domain)) throw new NtlmAuthError(`unknown domain "${auth.domain}"`);

    const key = ntowfv2(password, auth.user, auth.domain);
    const proof = auth.ntResponse.subarray(0, 16);
    const blob = auth.ntResponse.subarray(16);
    if (!timingSafeEqual(proof, ntProofStr(key, this.#serverChallenge, blob))) {
      throw new NtlmAuthError("wrong password (NTProofStr mismatch)");
    }
    const pairs = decodeAvPairs(blob.subarray(28, blob.length));
    this.#checkTimestamp(blob.subarray(8, 16));
    const channelBindings = this.#checkChannelBindings(pairs.find((p) => p.id === AvId.ChannelBindings)?.value);

    const flags = (auth.flags & this.#flags) >>> 0;
    const baseKey = sessionBaseKey(key, proof);
    let exportedSessionKey = baseKey;
    if (hasFlag(flags, Flag.KEY_EXCH)) {
      if (auth.encryptedRandomSessionKey.length !== 16) throw new NtlmAuthError("KEY_EXCH without a session key");
      exportedSessionKey = rc4k(baseKey, auth.encryptedRandomSessionKey);
    }
    this.#checkMic(auth, pairs, exportedSessionKey);
    if (!hasFlag(flags, Flag.EXTENDED_SESSIONSECURITY)) throw new NtlmAuthError("extended session security required");
    return {
      user: auth.user,
      domain: auth.domain,
      workstation: auth.workstation,
      flags,
      session: new SessionSecurity(flags, exportedSessionKey, "server"),
      channelBindings,
    };
  }

  #domainIsLocal(domain: string): boolean {
    const d = domain.toUpperCase();
    return d === "" || d === "." || d === this.options.computerName.toUpperCase();
  }

  #checkTimestamp(stamp: Buffer): void {
    const skew = Math.abs(fileTimeToMs(stamp) - (this.options.now ?? Date.now)());
    if (skew > (this.options.maxSkewMs ?? 36 * 3600_000)) throw new NtlmAuthError("NTLMv2 timestamp out of range");
  }

  #checkChannelBindings(sent: Buffer | undefined): "verified" | "absent" {
    const want = this.options.channelBindings;
    if (!sent || sent.equals(Buffer.alloc(sent.length))) {
      if (want && this.options.cbtHardening === "strict") throw new NtlmAuthError("channel bindings missing (CBT)");
      return "absent";
    }
    if (!want) throw new NtlmAuthError("channel bindings sent on a channel without TLS (relayed?)");
    if (!sent.equals(want)) throw new NtlmAuthError("channel bindings wrong (CBT): not this TLS channel");
    return "verified";
  }

  #checkMic(auth: AuthenticateMessage, pairs: { id: number; value: Buffer }[], exportedSessionKey: Buffer): void {
    const avFlags = pairs.find((p) => p.id === AvId.Flags)?.value;
    if (!avFlags || avFlags.length < 4 || !(avFlags.readUInt32LE() & AV_FLAG_MIC_PROVIDED)) return;
    if (!auth.mic) throw new NtlmAuthError("MsvAvFlags says a MIC is present but the message has none");
    const expected = computeMic(
      exportedSessionKey,
      this.#negotiate ?? Buffer.alloc(0),
      this.#challenge ?? Buffer.alloc(0),
      auth.raw,
    );
    if (!timingSafeEqual(auth.mic, expected)) throw new NtlmAuthError("MIC mismatch: the NTLM messages were altered");
  }
}
