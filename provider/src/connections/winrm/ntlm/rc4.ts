/**
 * RC4 as a continuous keystream: NTLM session security keeps ONE cipher
 * state per direction for the whole connection (message, then checksum, then
 * the next message…), so `update` never resets. Node 22 on OpenSSL 3 refuses
 * `createCipheriv("rc4")`, hence this small implementation.
 */
export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Buffer) {
    if (key.length === 0 || key.length > 256) throw new RangeError("RC4 key must be 1..256 bytes");
    const s = this.#s;
    for (let i = 0; i < 256; i++) s[i] = i;
    let j = 0;
    for (let i = 0; i < 256; i++) {
      const si = s[i] ?? 0;
      j = (j + si + (key[i % key.length] ?? 0)) & 0xff;
      s[i] = s[j] ?? 0;
      s[j] = si;
    }
  }

  /** XORs `data` with the next bytes of the keystream (encrypt and decrypt alike). */
  update(data: Buffer): Buffer {
    const s = this.#s;
    const out = Buffer.allocUnsafe(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i] ?? 0;
      j = (j + si) & 0xff;
      const sj = s[j] ?? 0;
      s[i] = sj;
      s[j] = si;
      out[n] = (data[n] ?? 0) ^ (s[(si + sj) & 0xff] ?? 0);
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/** One-shot RC4 with a fresh key (RC4K in MS-NLMP), e.g. for the key exchange. */
export const rc4k = (key: Buffer, data: Buffer): Buffer => new Rc4(key).update(data);
