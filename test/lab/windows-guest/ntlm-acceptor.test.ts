import assert from "node:assert/strict";
import { NtlmAcceptor, type NtlmAcceptorOptions, NtlmAuthError } from "../../../lab/windows-guest/src/ntlm-acceptor";
import { NtlmClient } from "../../../provider/src/connections/winrm/ntlm/client";
import { AvId, Flag, hasFlag } from "../../../provider/src/connections/winrm/ntlm/constants";
import {
  decodeAuthenticate,
  decodeAvPairs,
  decodeChallenge,
} from "../../../provider/src/connections/winrm/ntlm/messages";
import { channelBindingsHash } from "../../../provider/src/connections/winrm/ntlm/ntlmv2";

const PASSWORD = "Correct-Horse-9";

function pair(options: { password?: string; user?: string; domain?: string; cbt?: Buffer; serverCbt?: Buffer } = {}) {
  const acceptorOptions: NtlmAcceptorOptions = {
    computerName: "WIN2022-POD",
    lookup: (user) => (user.toLowerCase() === "administrator" ? PASSWORD : undefined),
    ...(options.serverCbt ? { channelBindings: options.serverCbt } : {}),
  };
  const client = new NtlmClient({
    user: options.user ?? "Administrator",
    domain: options.domain ?? "",
    password: () => options.password ?? PASSWORD,
    ...(options.cbt ? { channelBindings: options.cbt } : {}),
  });
  return { client, acceptor: new NtlmAcceptor(acceptorOptions) };
}

describe("ntlm: client against acceptor", () => {
  it("authenticates, checks the MIC and agrees on sealing keys both ways", () => {
    const { client, acceptor } = pair();
    const challenge = acceptor.challenge(client.negotiate());
    const info = decodeAvPairs(decodeChallenge(challenge).targetInfo);
    assert.ok(
      info.some((p) => p.id === AvId.Timestamp),
      "challenge carries MsvAvTimestamp like Windows",
    );
    const authToken = client.authenticate(challenge);
    const auth = decodeAuthenticate(authToken);
    assert.ok(auth.mic && !auth.mic.equals(Buffer.alloc(16)), "MIC present");
    assert.deepEqual(auth.lmResponse, Buffer.alloc(24), "LM response zeroed when a timestamp was sent");
    const accepted = acceptor.accept(authToken);
    assert.equal(accepted.user, "Administrator");
    for (const flag of [Flag.SEAL, Flag.SIGN, Flag.KEY_EXCH, Flag.NEGOTIATE_128, Flag.EXTENDED_SESSIONSECURITY]) {
      assert.ok(hasFlag(accepted.flags, flag), `flag ${flag.toString(16)}`);
    }
    const request = client.session.wrap(Buffer.from("<s:Envelope>request</s:Envelope>"));
    assert.equal(
      accepted.session.unwrap(request.sealed, request.signature).toString(),
      "<s:Envelope>request</s:Envelope>",
    );
    const response = accepted.session.wrap(Buffer.from("response"));
    assert.equal(client.session.unwrap(response.sealed, response.signature).toString(), "response");
  });

  it("accepts the computer name or '.' as the domain of a local account", () => {
    for (const domain of ["WIN2022-POD", "."]) {
      const { client, acceptor } = pair({ domain });
      assert.equal(acceptor.accept(client.authenticate(acceptor.challenge(client.negotiate()))).domain, domain);
    }
  });

  it("refuses a wrong password, an unknown user and a foreign domain", () => {
    for (const [options, reason] of [
      [{ password: "wrong-password" }, /wrong password/],
      [{ user: "guest" }, /unknown user/],
      [{ domain: "CORP" }, /unknown domain/],
    ] as const) {
      const { client, acceptor } = pair(options);
      const token = client.authenticate(acceptor.challenge(client.negotiate()));
      assert.throws(
        () => acceptor.accept(token),
        (e: unknown) => e instanceof NtlmAuthError && reason.test(e.message),
      );
    }
  });

  it("detects a tampered message through the MIC", () => {
    const { client, acceptor } = pair();
    const token = client.authenticate(acceptor.challenge(client.negotiate()));
    const tampered = Buffer.from(token);
    tampered.writeUInt32LE((tampered.readUInt32LE(60) & ~Flag.SEAL) >>> 0, 60); // strip SEAL: a downgrade
    assert.throws(() => acceptor.accept(tampered), /MIC mismatch/);
  });

  it("checks channel bindings as Windows' Extended Protection (Relaxed) does", () => {
    const good = channelBindingsHash(Buffer.alloc(32, 1));
    const run = (options: Parameters<typeof pair>[0], hardening?: "strict") => {
      const p = pair(options);
      const acceptor = hardening
        ? new NtlmAcceptor({
            computerName: "WIN2022-POD",
            lookup: () => PASSWORD,
            ...(options?.serverCbt ? { channelBindings: options.serverCbt } : {}),
            cbtHardening: hardening,
          })
        : p.acceptor;
      return () => acceptor.accept(p.client.authenticate(acceptor.challenge(p.client.negotiate())));
    };
    assert.equal(run({ cbt: good, serverCbt: good })().channelBindings, "verified");
    assert.equal(run({ serverCbt: good })().channelBindings, "absent", "a client without CBT is let in (Relaxed)");
    assert.equal(run({ cbt: Buffer.alloc(16), serverCbt: good })().channelBindings, "absent", "all zeros = none");
    assert.throws(run({ cbt: channelBindingsHash(Buffer.alloc(32, 2)), serverCbt: good }), /channel bindings wrong/);
    assert.throws(run({ cbt: good }), /without TLS/, "bindings to a TLS channel arriving over plain HTTP");
    assert.throws(run({ serverCbt: good }, "strict"), /channel bindings missing/);
  });

  it("refuses AUTHENTICATE without a NEGOTIATE on the same context", () => {
    const { client, acceptor } = pair();
    const other = new NtlmAcceptor({ computerName: "X", lookup: () => PASSWORD });
    const token = client.authenticate(acceptor.challenge(client.negotiate()));
    assert.throws(() => other.accept(token), /without a preceding NEGOTIATE/);
  });
});
