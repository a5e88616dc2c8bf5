import assert from "node:assert/strict";
import { NtlmClient, NtlmDowngradeError } from "./client";
import { AV_FLAG_MIC_PROVIDED, AvId, Flag, SESSION_FLAGS } from "./constants";
import { type AvPair, decodeAuthenticate, decodeAvPairs, encodeAvPairs, encodeChallenge } from "./messages";
import { computeMic, fileTime, ntowfv2, ntProofStr, sessionBaseKey } from "./ntlmv2";
import { rc4k } from "./rc4";

/**
 * The client's refusals, against hand-built CHALLENGE messages (what a man in
 * the middle would forward): every required flag and the timestamp are
 * checked before anything derived from the password leaves the client.
 */
const PASSWORD = "Client-Test-Pw-1";
const SERVER_CHALLENGE = Buffer.from("0011223344556677", "hex");
const STAMP = fileTime(Date.UTC(2026, 0, 1));
const NAME: AvPair = { id: AvId.NbComputerName, value: Buffer.from("SRV", "utf16le") };

function challengeToken(
  flags = SESSION_FLAGS | Flag.TARGET_INFO,
  pairs: AvPair[] = [NAME, { id: AvId.Timestamp, value: STAMP }],
) {
  return encodeChallenge({
    flags,
    targetName: "SRV",
    serverChallenge: SERVER_CHALLENGE,
    targetInfo: encodeAvPairs(pairs),
  });
}

function client(channelBindings?: Buffer) {
  const c = new NtlmClient({
    user: "Administrator",
    domain: "",
    password: () => PASSWORD,
    ...(channelBindings ? { channelBindings } : {}),
  });
  const negotiate = c.negotiate();
  return { c, negotiate };
}

describe("ntlm client: refuses a weakened CHALLENGE", () => {
  const cases: [string, number][] = [
    ["SEAL", Flag.SEAL],
    ["SIGN", Flag.SIGN],
    ["128", Flag.NEGOTIATE_128],
    ["KEY_EXCH", Flag.KEY_EXCH],
    ["EXTENDED_SESSIONSECURITY", Flag.EXTENDED_SESSIONSECURITY],
  ];
  for (const [name, flag] of cases) {
    it(`without ${name}`, () => {
      const { c } = client();
      const token = challengeToken(((SESSION_FLAGS | Flag.TARGET_INFO) & ~flag) >>> 0);
      assert.throws(
        () => c.authenticate(token),
        (e: unknown) => e instanceof NtlmDowngradeError && e.missing.join() === name,
      );
    });
  }

  it("without a timestamp, and names everything that is missing at once", () => {
    const { c } = client();
    const token = challengeToken(((SESSION_FLAGS | Flag.TARGET_INFO) & ~Flag.SEAL & ~Flag.KEY_EXCH) >>> 0, [NAME]);
    assert.throws(
      () => c.authenticate(token),
      (e: unknown) =>
        e instanceof NtlmDowngradeError && e.missing.join() === "SEAL,KEY_EXCH,timestamp (MsvAvTimestamp)",
    );
  });
});

describe("ntlm client: the AUTHENTICATE it sends", () => {
  it("always carries a MIC over the three messages, flagged in MsvAvFlags, with the server's timestamp", () => {
    const { c, negotiate } = client();
    const challenge = challengeToken();
    const token = c.authenticate(challenge);
    const auth = decodeAuthenticate(token);
    const blob = auth.ntResponse.subarray(16);
    assert.deepEqual(blob.subarray(8, 16), STAMP, "the server's timestamp, not the client's clock");
    const pairs = decodeAvPairs(blob.subarray(28));
    assert.equal(pairs.find((p) => p.id === AvId.Flags)?.value.readUInt32LE(), AV_FLAG_MIC_PROVIDED);
    assert.deepEqual(auth.lmResponse, Buffer.alloc(24));
    // Recompute the session key as the server would, then the MIC.
    const key = ntowfv2(PASSWORD, "Administrator", "");
    const proof = ntProofStr(key, SERVER_CHALLENGE, blob);
    assert.deepEqual(proof, auth.ntResponse.subarray(0, 16));
    const exported = rc4k(sessionBaseKey(key, proof), auth.encryptedRandomSessionKey);
    assert.deepEqual(auth.mic, computeMic(exported, negotiate, challenge, token));
    assert.equal(c.session.sealing, true);
  });

  it("puts the channel bindings it was given into the blob", () => {
    const cbt = Buffer.alloc(16, 7);
    const { c } = client(cbt);
    const auth = decodeAuthenticate(c.authenticate(challengeToken()));
    const pairs = decodeAvPairs(auth.ntResponse.subarray(16 + 28));
    assert.deepEqual(pairs.find((p) => p.id === AvId.ChannelBindings)?.value, cbt);
  });
});
