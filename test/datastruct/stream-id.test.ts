import { describe, expect, it } from 'vitest';
import { compareId, decrId, IdMap, idToKey, incrId, MAX_ID, MIN_ID, type StreamID, U64_MAX } from '../../src/datastruct/stream-id.js';
import { lpEntrySize as lpStringSize, lpIntEntrySize as lpIntSize } from '../../src/datastruct/listpack.js';

describe('stream IDs', () => {
  it('increment and decrement across the seq boundary and at the ends', () => {
    expect(incrId({ ms: 1n, seq: U64_MAX })).toEqual({ ms: 2n, seq: 0n });
    expect(incrId(MAX_ID)).toBeNull();
    expect(decrId({ ms: 2n, seq: 0n })).toEqual({ ms: 1n, seq: U64_MAX });
    expect(decrId(MIN_ID)).toBeNull();
  });

  it('the 16-byte key sorts like the ID', () => {
    const ids: StreamID[] = [MIN_ID, { ms: 0n, seq: 1n }, { ms: 1n, seq: 0n }, { ms: 256n, seq: 3n }, { ms: 257n, seq: 0n }, MAX_ID];
    for (let i = 0; i + 1 < ids.length; i++) {
      expect(compareId(ids[i]!, ids[i + 1]!)).toBe(-1);
      expect(idToKey(ids[i]!) < idToKey(ids[i + 1]!)).toBe(true);
      expect(idToKey(ids[i]!)).toHaveLength(16);
    }
  });
});

describe('IdMap', () => {
  it('agrees with a sorted reference under random inserts, deletes and seeks', () => {
    const m = new IdMap<number>();
    const ref = new Map<string, number>();
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const key = (id: StreamID) => `${id.ms}-${id.seq}`;
    const sorted = () =>
      [...ref.keys()]
        .map((k) => {
          const [a, b] = k.split('-');
          return { ms: BigInt(a!), seq: BigInt(b!) };
        })
        .sort(compareId);
    for (let i = 0; i < 20000; i++) {
      const id = { ms: BigInt(rnd(500)), seq: BigInt(rnd(4)) };
      const op = rnd(10);
      if (op < 6) {
        expect(m.set(id, i)).toBe(!ref.has(key(id)));
        ref.set(key(id), i);
      } else if (op < 9) {
        expect(m.delete(id)).toBe(ref.delete(key(id)));
      } else {
        const s = sorted();
        const want = s.find((x) => compareId(x, id) >= 0);
        const got = m.ceil(id);
        expect(got ? got[0] : undefined).toEqual(want);
      }
      expect(m.size).toBe(ref.size);
    }
    const s = sorted();
    expect([...m.entries()].map((e) => e[0])).toEqual(s);
    expect(m.first()?.[0]).toEqual(s[0]);
    expect(m.last()?.[0]).toEqual(s[s.length - 1]);
    const from = { ms: 250n, seq: 2n };
    expect([...m.entries(from)].map((e) => e[0])).toEqual(s.filter((x) => compareId(x, from) >= 0));
    for (const id of s) expect(m.get(id)).toBe(ref.get(key(id)));
  });
});

describe('listpack element sizes', () => {
  it('integers and strings as listpack.c encodes them', () => {
    expect(lpIntSize(0)).toBe(2);
    expect(lpIntSize(127)).toBe(2);
    expect(lpIntSize(128)).toBe(3);
    expect(lpIntSize(-4096)).toBe(3);
    expect(lpIntSize(4096)).toBe(4);
    expect(lpIntSize(-32769)).toBe(5);
    expect(lpIntSize(8388608)).toBe(6);
    expect(lpIntSize(2147483648)).toBe(10);
    expect(lpStringSize('12')).toBe(2);
    expect(lpStringSize('012')).toBe(5);
    expect(lpStringSize('-0')).toBe(4);
    expect(lpStringSize('9223372036854775807')).toBe(10);
    expect(lpStringSize('9223372036854775808')).toBe(21);
    expect(lpStringSize('a'.repeat(63))).toBe(65);
    expect(lpStringSize('a'.repeat(64))).toBe(67);
    expect(lpStringSize('a'.repeat(125))).toBe(128);
    expect(lpStringSize('a'.repeat(126))).toBe(130);
    expect(lpStringSize('a'.repeat(4095))).toBe(4099);
    expect(lpStringSize('a'.repeat(4096))).toBe(4103);
  });
});
