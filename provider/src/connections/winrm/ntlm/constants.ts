/** NTLMSSP wire constants (MS-NLMP 2.2.2.5 NEGOTIATE flags, 2.2.2.1 AV_PAIR ids). */
export const NTLMSSP_SIGNATURE = Buffer.from("NTLMSSP\0", "latin1");

export const MessageType = { Negotiate: 1, Challenge: 2, Authenticate: 3 } as const;

export const Flag = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  NEGOTIATE_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  NEGOTIATE_56: 0x80000000,
} as const;

/** What pod asks for and what the acceptor offers: NTLMv2 with sign+seal, 128-bit, key exchange. */
export const SESSION_FLAGS =
  (Flag.UNICODE |
    Flag.REQUEST_TARGET |
    Flag.SIGN |
    Flag.SEAL |
    Flag.NTLM |
    Flag.ALWAYS_SIGN |
    Flag.EXTENDED_SESSIONSECURITY |
    Flag.TARGET_INFO |
    Flag.VERSION |
    Flag.NEGOTIATE_128 |
    Flag.KEY_EXCH |
    Flag.NEGOTIATE_56) >>>
  0;

/**
 * What pod refuses to go without (checked on the server's CHALLENGE): NTLMv2
 * with extended session security, signing AND sealing, 128-bit keys and a
 * random exported session key. A peer that offers less is either very old or
 * a man in the middle stripping flags; either way the session would be
 * readable or forgeable.
 */
export const REQUIRED_FLAGS = [
  ["NTLM", Flag.NTLM],
  ["EXTENDED_SESSIONSECURITY", Flag.EXTENDED_SESSIONSECURITY],
  ["SIGN", Flag.SIGN],
  ["SEAL", Flag.SEAL],
  ["128", Flag.NEGOTIATE_128],
  ["KEY_EXCH", Flag.KEY_EXCH],
] as const;

export const AvId = {
  EOL: 0,
  NbComputerName: 1,
  NbDomainName: 2,
  DnsComputerName: 3,
  DnsDomainName: 4,
  DnsTreeName: 5,
  Flags: 6,
  Timestamp: 7,
  SingleHost: 8,
  TargetName: 9,
  ChannelBindings: 10,
} as const;

/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
export const AV_FLAG_MIC_PROVIDED = 0x2;

/** The 8-byte VERSION field: Windows 10.0 build 20348, NTLM revision 15 (what Server 2022 sends). */
export const WINDOWS_VERSION = Buffer.from([10, 0, 0x4c, 0x4f, 0, 0, 0, 15]);

export const hasFlag = (flags: number, flag: number): boolean => (flags & flag) >>> 0 === flag >>> 0;
