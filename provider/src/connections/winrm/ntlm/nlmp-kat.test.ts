import assert from "node:assert/strict";
import { NtlmClient, NtlmDowngradeError } from "./client";
import { AvId, Flag } from "./constants";
import { decodeAuthenticate, decodeAvPairs, decodeChallenge, encodeAuthenticate } from "./messages";
import { channelBindingsHash, lmv2Response, ntlmv2Blob, ntowfv2, ntProofStr, sessionBaseKey } from "./ntlmv2";
import { rc4k } from "./rc4";
import { SessionSecurity, sealKey, signKey } from "./session-security";

/**
 * Published known-answer values: MS-NLMP section 4.2 ("Cryptographic Values
 * for Validation", common values 4.2.1, NTLMv2 4.2.4, NTLMv1 with client
 * challenge 4.2.3), as also used by jborean93/ntlm-auth's tests. Kept in one
 * place so every test reads the same bytes.
 */
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

const NLMP = {
  user: "User",
  domain: "Domain",
  password: "Password",
  workstation: "COMPUTER",
  /** "RandomSessionKey" in 4.2.1: the ExportedSessionKey of the examples. */
  randomSessionKey: hex("55555555555555555555555555555555"),
  time: hex("0000000000000000"),
  clientChallenge: hex("aaaaaaaaaaaaaaaa"),
  serverChallenge: hex("0123456789abcdef"),
  /** "Plaintext" in UTF-16LE, the GSS_WrapEx input of every example. */
  plaintext: hex("50006c00610069006e007400650078007400"),
  v2: {
    flags: 0xe28a8233,
    authenticateFlags: 0xe2888235,
    ntowfv2: hex("0c868a403bfd7a93a3001ef22ef02e3f"),
    sessionBaseKey: hex("8de40ccadbc14a82f15cb0ad0de95ca3"),
    temp: hex(`0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000
      02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000 00000000`),
    lmv2Response: hex("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"),
    ntProofStr: hex("68cd0ab851e51c96aabc927bebef6a1c"),
    encryptedSessionKey: hex("c5dad2544fc9799094ce1ce90bc9d03e"),
    // 4.2.4.3 (the TargetName length reads 3 in the published bytes; kept as published).
    challengeMessage: hex(`4e544c4d53535000 02000000 03000c0038000000 33828ae2 0123456789abcdef 0000000000000000
      2400240044000000 060070170000000f 530065007200760065007200
      02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000`),
    authenticateMessage: hex(`4e544c4d53535000 03000000 180018006c000000 5400540084000000 0c000c0048000000
      0800080054000000 100010005c000000 10001000d8000000 358288e2 0501280a0000000f
      44006f006d00610069006e00 5500730065007200 43004f004d0050005500540045005200
      86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa
      68cd0ab851e51c96aabc927bebef6a1c 0101000000000000 0000000000000000 aaaaaaaaaaaaaaaa 00000000
      02000c0044006f006d00610069006e00 01000c00530065007200760065007200 0000000000000000
      c5dad2544fc9799094ce1ce90bc9d03e`),
    sealKey: hex("59f600973cc4960a25480a7c196e4c58"),
    signKey: hex("4788dc861b4782f35d43fd98fe1a2d39"),
    sealedPlaintext: hex("54e50165bf1936dc996020c1811b0f06fb5f"),
    signature: hex("010000007fb38ec5c55d497600000000"),
  },
  v1ess: {
    flags: 0x820a8233,
    keyExchangeKey: hex("eb93429a8bd952f8b89c55b87f475edc"),
    sealKey: hex("04dd7f014d8504d265a25cc86a3a7c06"),
    signKey: hex("60e799be5c72fc92922ae8ebe961fb8d"),
    sealedPlaintext: hex("a02372f6530273f3aa1eb90190ce5200c99d"),
    signature: hex("01000000ff2aeb52f681793a00000000"),
  },
};

const v2 = NLMP.v2;

describe("ntlm: MS-NLMP 4.2.4 NTLMv2 known answers", () => {
  it("NTOWFv2 (4.2.4.1.1)", () => {
    assert.deepEqual(ntowfv2(NLMP.password, NLMP.user, NLMP.domain), v2.ntowfv2);
  });

  it("temp blob, NTProofStr and session base key (4.2.4.1.2-3, 4.2.4.2.2)", () => {
    const challenge = decodeChallenge(v2.challengeMessage);
    const blob = ntlmv2Blob(NLMP.time, NLMP.clientChallenge, challenge.targetInfo);
    assert.deepEqual(blob, v2.temp);
    const proof = ntProofStr(v2.ntowfv2, NLMP.serverChallenge, blob);
    assert.deepEqual(proof, v2.ntProofStr);
    assert.deepEqual(sessionBaseKey(v2.ntowfv2, proof), v2.sessionBaseKey);
  });

  it("LMv2 response (4.2.4.2.1) and encrypted session key (4.2.4.2.3)", () => {
    assert.deepEqual(lmv2Response(v2.ntowfv2, NLMP.serverChallenge, NLMP.clientChallenge), v2.lmv2Response);
    assert.deepEqual(rc4k(v2.sessionBaseKey, NLMP.randomSessionKey), v2.encryptedSessionKey);
  });

  it("decodes the CHALLENGE_MESSAGE (4.2.4.3)", () => {
    const c = decodeChallenge(v2.challengeMessage);
    assert.equal(c.flags >>> 0, v2.flags);
    assert.deepEqual(c.serverChallenge, NLMP.serverChallenge);
    const pairs = decodeAvPairs(c.targetInfo);
    assert.deepEqual(
      pairs.map((p) => [p.id, p.value.toString("utf16le")]),
      [
        [AvId.NbDomainName, "Domain"],
        [AvId.NbComputerName, "Server"],
      ],
    );
  });

  it("encodes the AUTHENTICATE_MESSAGE byte for byte (4.2.4.3)", () => {
    const message = encodeAuthenticate({
      flags: v2.authenticateFlags,
      lmResponse: v2.lmv2Response,
      ntResponse: Buffer.concat([v2.ntProofStr, v2.temp]),
      domain: NLMP.domain,
      user: NLMP.user,
      workstation: NLMP.workstation,
      encryptedRandomSessionKey: v2.encryptedSessionKey,
      version: Buffer.from("0501280a0000000f", "hex"),
    });
    assert.equal(message.toString("hex"), v2.authenticateMessage.toString("hex"));
    const back = decodeAuthenticate(message);
    assert.equal(back.user, "User");
    assert.equal(back.domain, "Domain");
    assert.equal(back.workstation, "COMPUTER");
    assert.equal(back.mic, undefined, "no MIC slot before the payload");
  });

  it("the client refuses the published challenge: it carries no timestamp (no MIC possible)", () => {
    const client = new NtlmClient({ user: NLMP.user, domain: NLMP.domain, password: () => NLMP.password });
    client.negotiate();
    assert.throws(
      () => client.authenticate(v2.challengeMessage),
      (e: unknown) => e instanceof NtlmDowngradeError && e.missing.join() === "timestamp (MsvAvTimestamp)",
    );
  });

  it("sign and seal keys and GSS_WrapEx (4.2.4.4)", () => {
    assert.deepEqual(sealKey(NLMP.randomSessionKey, v2.flags, "client"), v2.sealKey);
    assert.deepEqual(signKey(NLMP.randomSessionKey, "client"), v2.signKey);
    const session = new SessionSecurity(v2.flags, NLMP.randomSessionKey, "client");
    const { sealed, signature } = session.wrap(NLMP.plaintext);
    assert.deepEqual(sealed, v2.sealedPlaintext);
    assert.deepEqual(signature, v2.signature);
  });
});

describe("ntlm: MS-NLMP 4.2.3 NTLMv1 with client challenge (extended session security, no KEY_EXCH)", () => {
  const v1 = NLMP.v1ess;
  it("derives the 56-bit seal key and the sign key", () => {
    assert.deepEqual(sealKey(v1.keyExchangeKey, v1.flags, "client"), v1.sealKey);
    assert.deepEqual(signKey(v1.keyExchangeKey, "client"), v1.signKey);
  });

  it("GSS_WrapEx (4.2.3.4): checksum not encrypted without KEY_EXCH", () => {
    const { sealed, signature } = new SessionSecurity(v1.flags, v1.keyExchangeKey, "client").wrap(NLMP.plaintext);
    assert.deepEqual(sealed, v1.sealedPlaintext);
    assert.deepEqual(signature, v1.signature);
  });
});

describe("ntlm: ntlm-auth session security vectors (client and server roles)", () => {
  // jborean93/ntlm-auth tests/unit/test_session_security.py use the 4.2.4 flags and 0x55… key.
  it("signs without sealing (flags minus SEAL)", () => {
    const flags = (v2.flags & ~Flag.SEAL) >>> 0;
    const { sealed, signature } = new SessionSecurity(flags, NLMP.randomSessionKey, "client").wrap(NLMP.plaintext);
    assert.deepEqual(sealed, NLMP.plaintext);
    assert.deepEqual(signature, hex("0100000074d045342c4f1cd500000000"));
  });

  it("a client unwraps what the server wrapped, message after message (continuous RC4, sequence numbers)", () => {
    const server = new SessionSecurity(v2.flags, NLMP.randomSessionKey, "server");
    const client = new SessionSecurity(v2.flags, NLMP.randomSessionKey, "client");
    for (let i = 0; i < 5; i++) {
      const text = Buffer.from(`message ${i} ${"x".repeat(i * 37)}`);
      const fromServer = server.wrap(text);
      assert.notDeepEqual(fromServer.sealed, text);
      assert.equal(fromServer.signature.readUInt32LE(12), i);
      assert.deepEqual(client.unwrap(fromServer.sealed, fromServer.signature), text);
      const fromClient = client.wrap(text);
      assert.deepEqual(server.unwrap(fromClient.sealed, fromClient.signature), text);
    }
  });

  it("the server role seals with the server-to-client key (differs from the client's)", () => {
    const server = new SessionSecurity(v2.flags, NLMP.randomSessionKey, "server").wrap(NLMP.plaintext);
    assert.notDeepEqual(server.sealed, v2.sealedPlaintext);
    assert.deepEqual(
      rc4k(sealKey(NLMP.randomSessionKey, v2.flags, "server"), NLMP.plaintext),
      server.sealed,
      "server-to-client sealing key",
    );
  });

  it("rejects a bad checksum and a wrong sequence number (ntlm-auth's tampered signatures)", () => {
    const make = () => {
      const server = new SessionSecurity(v2.flags, NLMP.randomSessionKey, "server");
      return { client: new SessionSecurity(v2.flags, NLMP.randomSessionKey, "client"), ...server.wrap(NLMP.plaintext) };
    };
    const a = make();
    assert.throws(() => a.client.unwrap(a.sealed, hex("01000000b198b847ce7c580700000000")), /signature does not match/);
    const b = make();
    assert.throws(() => b.client.unwrap(b.sealed, hex("01000000b298b847ce7c580700000001")), /sequence number/);
  });

  it("channel bindings hash of a certificate hash (ntlm-auth test_channel_bindings_value)", () => {
    const certHash = hex("E3CA49271E5089CC48CE82109F1324F41DBEDDC29A777410C738F7868C4FF405");
    assert.deepEqual(channelBindingsHash(certHash), hex("6EA19DF066DA4622051F9C4F92C6DF74"));
  });
});
