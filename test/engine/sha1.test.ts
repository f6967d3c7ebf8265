import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha1Into } from '../../src/engine/sha1.js';
import { rng } from '../helpers/rng.js';

describe('sha1Into', () => {
  it('equals node:crypto for every length across the padding and block boundaries, bytes and strings', () => {
    const rnd = rng(7);
    const out = Buffer.alloc(20);
    for (let n = 0; n <= 300; n++) {
      const b = Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
      const want = crypto.createHash('sha1').update(b).digest();
      sha1Into(b, out);
      expect(out.equals(want), `buffer of ${n}`).toBe(true);
      sha1Into(b.toString('latin1'), out);
      expect(out.equals(want), `string of ${n}`).toBe(true);
      // A view into a larger buffer reads only its own bytes.
      sha1Into(Buffer.concat([Buffer.from('xx'), b, Buffer.from('yy')]).subarray(2, 2 + n), out);
      expect(out.equals(want), `view of ${n}`).toBe(true);
    }
  });

  it('knows the FIPS 180 test vectors', () => {
    const out = Buffer.alloc(20);
    sha1Into('abc', out);
    expect(out.toString('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    sha1Into('', out);
    expect(out.toString('hex')).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    sha1Into('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', out);
    expect(out.toString('hex')).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });
});
