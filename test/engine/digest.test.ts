import { describe, expect, it } from 'vitest';
import {
  datasetDigest, digestHex, EMPTY_DIGEST, keyValueDigest, mixDigest, xorDigest, xorObjectDigest,
} from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import type { RedisObject } from '../../src/engine/object.js';
import { StringObject } from '../../src/engine/types/string.js';

function fake(type: RedisObject['type'], api: Record<string, unknown>): RedisObject {
  return { type, encoding: 'x', lru: 0, ...api } as unknown as RedisObject;
}

describe('DEBUG DIGEST building blocks (debug.c)', () => {
  it('xorDigest is order-insensitive, mixDigest is not', () => {
    const a = Buffer.alloc(20);
    const b = Buffer.alloc(20);
    xorDigest(a, 'x');
    xorDigest(a, 'y');
    xorDigest(b, 'y');
    xorDigest(b, 'x');
    expect(a.equals(b)).toBe(true);
    const c = Buffer.alloc(20);
    const e = Buffer.alloc(20);
    mixDigest(c, 'x');
    mixDigest(c, 'y');
    mixDigest(e, 'y');
    mixDigest(e, 'x');
    expect(c.equals(e)).toBe(false);
    // "fo" + "obar" differs from "foo" + "bar".
    const f = Buffer.alloc(20);
    const g = Buffer.alloc(20);
    mixDigest(f, 'fo');
    mixDigest(f, 'obar');
    mixDigest(g, 'foo');
    mixDigest(g, 'bar');
    expect(f.equals(g)).toBe(false);
  });

  it('xorDigest of zero is SHA1 of the data', () => {
    const d = Buffer.alloc(20);
    xorDigest(d, 'abc');
    expect(digestHex(d)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('dataset and value digests', () => {
  it('an empty dataset digests to forty zeros', () => {
    const e = new Engine({ timers: false });
    expect(digestHex(datasetDigest(e))).toBe(EMPTY_DIGEST);
    expect(EMPTY_DIGEST).toBe('0000000000000000000000000000000000000000');
    e.close();
  });

  it('matches values computed by redis-server 7.0.15 (SET a 1)', () => {
    const e = new Engine({ timers: false });
    e.dbs[0]!.add('a', new StringObject('1', 'int'));
    // redis-cli: SET a 1; DEBUG DIGEST-VALUE a; DEBUG DIGEST
    expect(digestHex(keyValueDigest(e.dbs[0]!, 'a'))).toBe('b4fc66738120fba0b5aa500ab5c2bf89cea1c5da');
    expect(digestHex(datasetDigest(e))).toBe('943d800368fb9c0e951138f1bc0e313ac769d91f');
    // The same data in another db digests differently (the db id is mixed in).
    const e2 = new Engine({ timers: false });
    e2.dbs[1]!.add('a', new StringObject('1', 'int'));
    expect(digestHex(datasetDigest(e2))).not.toBe('943d800368fb9c0e951138f1bc0e313ac769d91f');
    // An expire adds "!!expire!!" to the key's digest.
    e.dbs[0]!.setExpire('a', Date.now() + 100000);
    expect(digestHex(keyValueDigest(e.dbs[0]!, 'a'))).not.toBe('b4fc66738120fba0b5aa500ab5c2bf89cea1c5da');
    expect(digestHex(keyValueDigest(e.dbs[0]!, 'missing'))).toBe(EMPTY_DIGEST);
    e.close();
    e2.close();
  });

  it('lists are ordered, sets and hashes are not', () => {
    const digest = (o: RedisObject) => {
      const d = Buffer.alloc(20);
      xorObjectDigest(d, o, false);
      return digestHex(d);
    };
    expect(digest(fake('list', { items: () => ['a', 'b'] }))).not.toBe(digest(fake('list', { items: () => ['b', 'a'] })));
    expect(digest(fake('set', { members: () => ['a', 'b'] }))).toBe(digest(fake('set', { members: () => ['b', 'a'] })));
    expect(digest(fake('hash', { entries: () => [['f', 'v'], ['g', 'w']] }))).toBe(
      digest(fake('hash', { entries: () => [['g', 'w'], ['f', 'v']] })),
    );
    // A hash pairs field with value: swapping values changes the digest.
    expect(digest(fake('hash', { entries: () => [['f', 'v'], ['g', 'w']] }))).not.toBe(
      digest(fake('hash', { entries: () => [['f', 'w'], ['g', 'v']] })),
    );
    // Type matters: a one-element list and a one-member set differ.
    expect(digest(fake('list', { items: () => ['a'] }))).not.toBe(digest(fake('set', { members: () => ['a'] })));
  });

  it('zset scores are hashed as 7.2 (shortest) or 7.0 (%.17g) text', () => {
    const z = (score: number) => fake('zset', { entries: () => [['m', score]] });
    const dig = (o: RedisObject, compat: '7.0' | '7.2') => {
      const d = Buffer.alloc(20);
      xorObjectDigest(d, o, false, compat);
      return digestHex(d);
    };
    // Integral scores print the same either way.
    expect(dig(z(3), '7.0')).toBe(dig(z(3), '7.2'));
    expect(dig(z(-Infinity), '7.0')).toBe(dig(z(-Infinity), '7.2'));
    // 1.1 is "1.1" in 7.2 and "1.1000000000000001" in 7.0.
    expect(dig(z(1.1), '7.0')).not.toBe(dig(z(1.1), '7.2'));
    const manual = Buffer.alloc(20);
    const ele = Buffer.alloc(20);
    mixDigest(ele, 'm');
    mixDigest(ele, '1.1000000000000001');
    const type = Buffer.alloc(4);
    type.writeUInt32BE(3);
    mixDigest(manual, type);
    xorDigest(manual, ele);
    expect(dig(z(1.1), '7.0')).toBe(digestHex(manual));
  });

  it('streams hash "ms.seq" then fields and values', () => {
    const s = fake('stream', { entries: () => [{ ms: 1n, seq: 2n, fields: ['f', 'v'] }] });
    const d = Buffer.alloc(20);
    xorObjectDigest(d, s, false);
    const manual = Buffer.alloc(20);
    const type = Buffer.alloc(4);
    type.writeUInt32BE(6);
    mixDigest(manual, type);
    mixDigest(manual, '1.2');
    mixDigest(manual, 'f');
    mixDigest(manual, 'v');
    expect(digestHex(d)).toBe(digestHex(manual));
  });
});
