import type { Bytes } from './bytes.js';

/**
 * SHA-1 (FIPS 180-4) for the digest code, which hashes millions of short inputs (every
 * element of every key): a call into node:crypto costs about a microsecond whatever the
 * size, this costs a fraction of that for the one-block inputs that dominate. Byte strings
 * (latin1) are read in place, without a Buffer copy.
 */

const W = new Int32Array(80);
const H = new Int32Array(5);
/** One 64-byte block being filled. */
const BLOCK = new Uint8Array(64);

function compress(block: Uint8Array): void {
  for (let i = 0; i < 16; i++) {
    const j = i << 2;
    W[i] = (block[j]! << 24) | (block[j + 1]! << 16) | (block[j + 2]! << 8) | block[j + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!;
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  // Five steps per pass with the variables' roles rotated instead of moved, one loop per
  // round (20 steps each, so no per-step branch on the round).
  let i = 0;
  for (; i < 20; i += 5) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + W[i]!) | 0;
    b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (~a & c)) + d + 0x5a827999 + W[i + 1]!) | 0;
    a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (~e & b)) + c + 0x5a827999 + W[i + 2]!) | 0;
    e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (~d & a)) + b + 0x5a827999 + W[i + 3]!) | 0;
    d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (~c & e)) + a + 0x5a827999 + W[i + 4]!) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (; i < 40; i += 5) {
    e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0;
    b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0x6ed9eba1 + W[i + 1]!) | 0;
    a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0x6ed9eba1 + W[i + 2]!) | 0;
    e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0x6ed9eba1 + W[i + 3]!) | 0;
    d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0x6ed9eba1 + W[i + 4]!) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (; i < 60; i += 5) {
    e = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + W[i]!) | 0;
    b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + ((a & b) | (a & c) | (b & c)) + d + 0x8f1bbcdc + W[i + 1]!) | 0;
    a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + ((e & a) | (e & b) | (a & b)) + c + 0x8f1bbcdc + W[i + 2]!) | 0;
    e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + ((d & e) | (d & a) | (e & a)) + b + 0x8f1bbcdc + W[i + 3]!) | 0;
    d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + ((c & d) | (c & e) | (d & e)) + a + 0x8f1bbcdc + W[i + 4]!) | 0;
    c = (c << 30) | (c >>> 2);
  }
  for (; i < 80; i += 5) {
    e = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + W[i]!) | 0;
    b = (b << 30) | (b >>> 2);
    d = (((e << 5) | (e >>> 27)) + (a ^ b ^ c) + d + 0xca62c1d6 + W[i + 1]!) | 0;
    a = (a << 30) | (a >>> 2);
    c = (((d << 5) | (d >>> 27)) + (e ^ a ^ b) + c + 0xca62c1d6 + W[i + 2]!) | 0;
    e = (e << 30) | (e >>> 2);
    b = (((c << 5) | (c >>> 27)) + (d ^ e ^ a) + b + 0xca62c1d6 + W[i + 3]!) | 0;
    d = (d << 30) | (d >>> 2);
    a = (((b << 5) | (b >>> 27)) + (c ^ d ^ e) + a + 0xca62c1d6 + W[i + 4]!) | 0;
    c = (c << 30) | (c >>> 2);
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
}

/** SHA-1 of `data` (a Buffer, or a byte string read as latin1) written into out[0..20). */
export function sha1Into(data: Uint8Array | Bytes, out: Uint8Array): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  const n = data.length;
  let fill = 0;
  if (typeof data === 'string') {
    for (let i = 0; i < n; i++) {
      BLOCK[fill++] = data.charCodeAt(i);
      if (fill === 64) {
        compress(BLOCK);
        fill = 0;
      }
    }
  } else {
    let i = 0;
    // Whole blocks straight from the input.
    for (; i + 64 <= n; i += 64) compress(data.subarray(i, i + 64));
    for (; i < n; i++) BLOCK[fill++] = data[i]!;
  }
  BLOCK[fill++] = 0x80;
  if (fill > 56) {
    BLOCK.fill(0, fill);
    compress(BLOCK);
    fill = 0;
  }
  BLOCK.fill(0, fill, 56);
  // Length in bits, big-endian 64-bit (inputs stay far below 2^53 bits).
  const bits = n * 8;
  const hi = Math.floor(bits / 0x100000000);
  const lo = bits >>> 0;
  BLOCK[56] = hi >>> 24;
  BLOCK[57] = (hi >>> 16) & 0xff;
  BLOCK[58] = (hi >>> 8) & 0xff;
  BLOCK[59] = hi & 0xff;
  BLOCK[60] = lo >>> 24;
  BLOCK[61] = (lo >>> 16) & 0xff;
  BLOCK[62] = (lo >>> 8) & 0xff;
  BLOCK[63] = lo & 0xff;
  compress(BLOCK);
  for (let j = 0; j < 5; j++) {
    const h = H[j]!;
    const o = j << 2;
    out[o] = h >>> 24;
    out[o + 1] = (h >>> 16) & 0xff;
    out[o + 2] = (h >>> 8) & 0xff;
    out[o + 3] = h & 0xff;
  }
}
