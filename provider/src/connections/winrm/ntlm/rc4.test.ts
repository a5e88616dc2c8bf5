import assert from "node:assert/strict";
import { Rc4, rc4k } from "./rc4";

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("ntlm/rc4", () => {
  it("matches the classic test vectors", () => {
    assert.equal(rc4k(Buffer.from("Key"), Buffer.from("Plaintext")).toString("hex"), "bbf316e8d940af0ad3");
    assert.equal(rc4k(Buffer.from("Wiki"), Buffer.from("pedia")).toString("hex"), "1021bf0420");
    assert.equal(
      rc4k(Buffer.from("Secret"), Buffer.from("Attack at dawn")).toString("hex"),
      "45a01f645fc35b383552544b9bf5",
    );
  });

  it("matches RFC 6229 (40-bit key 0102030405, keystream offsets 0 and 16)", () => {
    const stream = rc4k(hex("0102030405"), Buffer.alloc(32));
    assert.deepEqual(stream.subarray(0, 16), hex("b2396305f03dc027ccc3524a0a1118a8"));
    assert.deepEqual(stream.subarray(16, 32), hex("6982944f18fc82d589c403a47a0d0919"));
  });

  it("continues one keystream across update() calls (NTLM sealing relies on it)", () => {
    const data = Buffer.from("the same RC4 stream continues across messages and checksums");
    const whole = new Rc4(Buffer.from("k3y")).update(data);
    const pieces = new Rc4(Buffer.from("k3y"));
    const split = Buffer.concat([pieces.update(data.subarray(0, 7)), pieces.update(data.subarray(7))]);
    assert.deepEqual(split, whole);
  });

  it("decrypts what it encrypted", () => {
    const data = Buffer.from("round trip");
    assert.deepEqual(rc4k(Buffer.from("k"), rc4k(Buffer.from("k"), data)), data);
  });
});
