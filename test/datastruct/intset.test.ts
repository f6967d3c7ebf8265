import { describe, expect, it } from 'vitest';
import { Intset, intsetValueWidth } from '../../src/datastruct/intset.js';

describe('intset', () => {
  it('picks the width from the largest member (16/32/64 bits)', () => {
    expect(intsetValueWidth(0)).toBe(2);
    expect(intsetValueWidth(32767)).toBe(2);
    expect(intsetValueWidth(-32768)).toBe(2);
    expect(intsetValueWidth(32768)).toBe(4);
    expect(intsetValueWidth(-32769)).toBe(4);
    expect(intsetValueWidth(2147483647)).toBe(4);
    expect(intsetValueWidth(-2147483648)).toBe(4);
    expect(intsetValueWidth(2147483648)).toBe(8);
    expect(intsetValueWidth(-2147483649n)).toBe(8);
    expect(intsetValueWidth(9223372036854775807n)).toBe(8);
  });

  it('keeps members sorted and distinct, upgrading but never downgrading', () => {
    const is = new Intset();
    for (const v of [5, -3, 100, 5, 0, -3]) is.add(v);
    expect([...is.values()]).toEqual([-3, 0, 5, 100]);
    expect(is.encoding).toBe(2);
    expect(is.blobLength).toBe(8 + 4 * 2);
    expect(is.add(40000)).toBe(true);
    expect(is.encoding).toBe(4);
    expect(is.add(-40000)).toBe(true);
    expect([...is.values()]).toEqual([-40000, -3, 0, 5, 100, 40000]);
    expect(is.add(-9223372036854775808n)).toBe(true);
    expect(is.encoding).toBe(8);
    expect(is.add(9223372036854775807n)).toBe(true);
    expect(is.min()).toBe(-9223372036854775808n);
    expect(is.max()).toBe(9223372036854775807n);
    expect(is.remove(9223372036854775807n)).toBe(true);
    expect(is.remove(-9223372036854775808n)).toBe(true);
    expect(is.remove(40000)).toBe(true);
    expect(is.encoding).toBe(8); // intsetRemove never shrinks the encoding
    expect([...is.values()]).toEqual([-40000, -3, 0, 5, 100]);
    expect(is.blobLength).toBe(8 + 5 * 8);
  });

  it('binary search: has/remove for present, absent and out-of-width values', () => {
    const is = Intset.from([1, 3, 5, 7, 9]);
    for (const v of [1, 3, 5, 7, 9]) expect(is.has(v)).toBe(true);
    for (const v of [0, 2, 4, 6, 8, 10, 70000, 5000000000, -5000000000n]) expect(is.has(v)).toBe(false);
    expect(is.remove(4)).toBe(false);
    expect(is.remove(70000)).toBe(false);
    expect(is.length).toBe(5);
    expect(is.remove(1)).toBe(true);
    expect(is.remove(9)).toBe(true);
    expect([...is.values()]).toEqual([3, 5, 7]);
  });

  it('matches a model under random operations at every width', () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (const range of [100, 100000, 10_000_000_000]) {
      const is = new Intset();
      const model = new Set<number>();
      for (let i = 0; i < 3000; i++) {
        const v = (rnd() % 1000) * Math.floor(range / 1000) - Math.floor(range / 2);
        if (rnd() % 3 === 0) expect(is.remove(v)).toBe(model.delete(v));
        else {
          const had = model.has(v);
          model.add(v);
          expect(is.add(v)).toBe(!had);
        }
      }
      expect([...is.values()]).toEqual([...model].sort((a, b) => a - b));
      expect(is.length).toBe(model.size);
    }
  });

  it('clone is deep and keeps the width; random returns a member', () => {
    const is = Intset.from([70000, 1, 2]);
    const c = is.clone();
    c.add(3);
    expect(is.length).toBe(3);
    expect(c.encoding).toBe(4);
    expect([...c.values()]).toEqual([1, 2, 3, 70000]);
    for (let i = 0; i < 20; i++) expect(is.has(is.random())).toBe(true);
    const wide = Intset.from([5, -9223372036854775808n, 9007199254740993n]);
    const wc = wide.clone();
    wc.remove(5);
    expect(wc.encoding).toBe(8);
    expect([...wide.values()]).toEqual([-9223372036854775808n, 5, 9007199254740993n]);
    expect([...wc.values()]).toEqual([-9223372036854775808n, 9007199254740993n]);
  });
});
