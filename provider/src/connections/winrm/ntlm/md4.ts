/**
 * MD4 (RFC 1320), needed only for the NT hash (NTOWFv1 = MD4(UTF-16LE(password))).
 * Node 22 on OpenSSL 3 refuses `createHash("md4")` (legacy provider), so it is
 * written out here. Not for anything security-relevant beyond NTLM itself.
 */
const ROUND2 = 0x5a827999;
const ROUND3 = 0x6ed9eba1;
const R2_ORDER = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
const R3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

const rotl = (x: number, s: number): number => ((x << s) | (x >>> (32 - s))) >>> 0;

export function md4(input: Buffer): Buffer {
  // Padding: 0x80, zeros up to 56 mod 64, then the bit length as 64-bit little-endian.
  const padded = Buffer.alloc((((input.length + 8) >> 6) + 1) * 64);
  input.copy(padded);
  padded[input.length] = 0x80;
  const bits = input.length * 8;
  padded.writeUInt32LE(bits >>> 0, padded.length - 8);
  padded.writeUInt32LE(Math.floor(bits / 2 ** 32) >>> 0, padded.length - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readUInt32LE(block + i * 4);
    const word = (i: number): number => x[i] ?? 0;
    const [aa, bb, cc, dd] = [a, b, c, d];
    for (let i = 0; i < 16; i += 4) {
      a = rotl((a + ((b & c) | (~b & d)) + word(i)) >>> 0, 3);
      d = rotl((d + ((a & b) | (~a & c)) + word(i + 1)) >>> 0, 7);
      c = rotl((c + ((d & a) | (~d & b)) + word(i + 2)) >>> 0, 11);
      b = rotl((b + ((c & d) | (~c & a)) + word(i + 3)) >>> 0, 19);
    }
    const g = (p: number, q: number, r: number): number => (p & q) | (p & r) | (q & r);
    for (let i = 0; i < 16; i += 4) {
      const k = (n: number): number => word(R2_ORDER[i + n] ?? 0);
      a = rotl((a + g(b, c, d) + k(0) + ROUND2) >>> 0, 3);
      d = rotl((d + g(a, b, c) + k(1) + ROUND2) >>> 0, 5);
      c = rotl((c + g(d, a, b) + k(2) + ROUND2) >>> 0, 9);
      b = rotl((b + g(c, d, a) + k(3) + ROUND2) >>> 0, 13);
    }
    for (let i = 0; i < 16; i += 4) {
      const k = (n: number): number => word(R3_ORDER[i + n] ?? 0);
      a = rotl((a + (b ^ c ^ d) + k(0) + ROUND3) >>> 0, 3);
      d = rotl((d + (a ^ b ^ c) + k(1) + ROUND3) >>> 0, 9);
      c = rotl((c + (d ^ a ^ b) + k(2) + ROUND3) >>> 0, 11);
      b = rotl((b + (c ^ d ^ a) + k(3) + ROUND3) >>> 0, 15);
    }
    a = (a + aa) >>> 0;
    b = (b + bb) >>> 0;
    c = (c + cc) >>> 0;
    d = (d + dd) >>> 0;
  }
  const out = Buffer.alloc(16);
  out.writeUInt32LE(a, 0);
  out.writeUInt32LE(b, 4);
  out.writeUInt32LE(c, 8);
  out.writeUInt32LE(d, 12);
  return out;
}
