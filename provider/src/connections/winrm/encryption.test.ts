import assert from "node:assert/strict";
import {
  ENCRYPTED_CONTENT_TYPE,
  EncryptedBodyError,
  encryptedContentType,
  isEncryptedContentType,
  KERBEROS_ENCRYPTED_PROTOCOL,
  type MessageSealer,
  sealBody,
  unsealBody,
} from "./encryption";
import { Flag, SESSION_FLAGS } from "./ntlm/constants";
import { SessionSecurity } from "./ntlm/session-security";

const key = Buffer.alloc(16, 0x42);
const pair = () => ({
  client: new SessionSecurity(SESSION_FLAGS, key, "client"),
  server: new SessionSecurity(SESSION_FLAGS, key, "server"),
});

describe("winrm NTLM message encryption (multipart/encrypted)", () => {
  it("lays out the body as MS-WSMV and pywinrm do", () => {
    const { client } = pair();
    const body = sealBody(client, Buffer.from("<s:Envelope/>"));
    const text = body.toString("latin1");
    assert.ok(
      text.startsWith(
        "--Encrypted Boundary\r\n\tContent-Type: application/HTTP-SPNEGO-session-encrypted\r\n\tOriginalContent: type=application/soap+xml;charset=UTF-8;Length=13\r\n--Encrypted Boundary\r\n\tContent-Type: application/octet-stream\r\n",
      ),
    );
    assert.ok(text.endsWith("--Encrypted Boundary--\r\n"));
    const sigAt = text.indexOf("octet-stream\r\n") + 14;
    assert.equal(body.readUInt32LE(sigAt), 16);
    assert.ok(!text.includes("<s:Envelope/>"), "the SOAP text is sealed");
    assert.ok(isEncryptedContentType(ENCRYPTED_CONTENT_TYPE));
    assert.ok(!isEncryptedContentType("application/soap+xml;charset=UTF-8"));
  });

  it("round-trips in both directions over many messages, binary-safe", () => {
    const { client, server } = pair();
    for (let i = 0; i < 20; i++) {
      const payload = Buffer.from(`--Encrypted Boundary\r\n ${i} ${"é".repeat(i * 50)}`);
      assert.deepEqual(unsealBody(server, sealBody(client, payload)), payload);
      assert.deepEqual(unsealBody(client, sealBody(server, payload)), payload);
    }
  });

  it("detects tampering, truncation and a replayed message", () => {
    const a = pair();
    const body = sealBody(a.client, Buffer.from("hello world"));
    const tampered = Buffer.from(body);
    tampered[tampered.length - 30] = (tampered[tampered.length - 30] ?? 0) ^ 1;
    assert.throws(() => unsealBody(a.server, tampered), /signature does not match/);
    const b = pair();
    assert.throws(() => unsealBody(b.server, body.subarray(0, body.length - 40)), /truncated|closing boundary/);
    const c = pair();
    const first = sealBody(c.client, Buffer.from("one"));
    unsealBody(c.server, first);
    assert.throws(() => unsealBody(c.server, first), /does not match/);
  });
});

describe("winrm NTLM message encryption: never in clear", () => {
  it("refuses to seal or unseal with a session that did not negotiate SEAL", () => {
    const signOnly = (SESSION_FLAGS & ~Flag.SEAL) >>> 0;
    const session = new SessionSecurity(signOnly, key, "client");
    assert.throws(() => sealBody(session, Buffer.from("net user backup secret")), EncryptedBodyError);
    const sealed = sealBody(pair().server, Buffer.from("<s:Envelope/>"));
    assert.throws(() => unsealBody(session, sealed), EncryptedBodyError);
  });
});

/** A Kerberos-like sealer: a 60-byte "header" (XOR key + checksum stand-in) and same-length ciphertext. */
function fakeKerberos(protocol?: string): MessageSealer {
  const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    sealing: true,
    variableSignature: true,
    ...(protocol ? { protocol } : {}),
    wrap: (plaintext) => ({ sealed: mask(plaintext), signature: Buffer.alloc(60, plaintext.length & 0xff) }),
    unwrap: (sealed, signature) => {
      if (signature.length !== 60 || signature[0] !== (sealed.length & 0xff)) throw new EncryptedBodyError("bad MIC");
      return mask(sealed);
    },
  };
}

describe("winrm Kerberos message encryption (same framing, the wrap token's header as signature)", () => {
  it("carries a 60-byte header and says the protocol of the HTTP scheme", () => {
    const spnego = fakeKerberos();
    const body = sealBody(spnego, Buffer.from("<s:Envelope/>"));
    const text = body.toString("latin1");
    assert.ok(text.includes("Content-Type: application/HTTP-SPNEGO-session-encrypted\r\n"));
    assert.equal(body.readUInt32LE(text.indexOf("octet-stream\r\n") + 14), 60);
    assert.deepEqual(unsealBody(spnego, body), Buffer.from("<s:Envelope/>"));
    const kerberosScheme = fakeKerberos(KERBEROS_ENCRYPTED_PROTOCOL);
    const viaKerberos = sealBody(kerberosScheme, Buffer.from("x"));
    assert.ok(viaKerberos.toString("latin1").includes("application/HTTP-Kerberos-session-encrypted"));
    assert.ok(isEncryptedContentType(encryptedContentType(KERBEROS_ENCRYPTED_PROTOCOL), KERBEROS_ENCRYPTED_PROTOCOL));
  });

  it("refuses a part of another protocol, and a 60-byte signature on an NTLM session", () => {
    assert.throws(
      () => unsealBody(fakeKerberos(), sealBody(fakeKerberos(KERBEROS_ENCRYPTED_PROTOCOL), Buffer.from("x"))),
      /unexpected part type/,
    );
    assert.throws(() => unsealBody(pair().server, sealBody(fakeKerberos(), Buffer.from("abc"))), /truncated/);
  });
});
