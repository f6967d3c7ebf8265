import { describe, expect, it } from 'vitest';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  createHll,
  denseGet,
  hllCount,
  hllMerge,
  hllPatLen,
  hllSetRegister,
  murmurHash64A,
  sparseToDense,
} from '../../src/engine/hyperloglog.js';
import { addLongDouble, formatLongDouble, parseLongDouble } from '../../src/commands/string.js';

/** Straightforward BigInt MurmurHash64A, as in Redis's hyperloglog.c. */
function murmurRef(key: string, seed: number): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = key.length;
  let h = (BigInt(seed) ^ ((BigInt(len) * M) & mask)) & mask;
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(key.charCodeAt(i + j));
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rem = len & 7;
  if (rem) {
    for (let j = rem - 1; j >= 0; j--) h ^= BigInt(key.charCodeAt(nblocks + j)) << BigInt(8 * j);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

describe('MurmurHash64A', () => {
  it('matches a BigInt reference for every length 0..40 and binary bytes', () => {
    let s = '';
    for (let len = 0; len <= 40; len++) {
      const [hi, lo] = murmurHash64A(s, 0xadc83b19);
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe(murmurRef(s, 0xadc83b19));
      s += String.fromCharCode((len * 97 + 13) & 0xff);
    }
  });

  it('pattern lengths stay within 1..51 and index within the registers', () => {
    for (let i = 0; i < 5000; i++) {
      const { index, count } = hllPatLen(`e${i}`);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(HLL_REGISTERS);
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBeLessThanOrEqual(51);
    }
  });
});

describe('sparse and dense representations', () => {
  it('the same registers whether set sparse (then promoted) or dense', () => {
    const sparse = createHll();
    const max = new Uint8Array(HLL_REGISTERS);
    let a = 12345;
    for (let i = 0; i < 400; i++) {
      a = (a * 1103515245 + 12345) & 0x7fffffff;
      const idx = a % HLL_REGISTERS;
      const val = 1 + (a % 32);
      hllSetRegister(sparse, idx, val, 1 << 20);
      if (val > max[idx]!) max[idx] = val;
    }
    expect(sparse.b[4]).toBe(HLL_SPARSE);
    const merged = new Uint8Array(HLL_REGISTERS);
    expect(hllMerge(merged, sparse)).toBe(true);
    expect(merged).toEqual(max);
    const dense = sparseToDense(sparse)!;
    expect(dense.n).toBe(HLL_DENSE_SIZE);
    expect(dense.b[4]).toBe(HLL_DENSE);
    for (let i = 0; i < HLL_REGISTERS; i++) expect(denseGet(dense.b, i)).toBe(max[i]);
    expect(hllCount(dense)).toBe(hllCount(sparse));
  });

  it('promotes when the sparse form would pass the byte limit', () => {
    const h = createHll();
    for (let i = 0; i < 200; i++) hllSetRegister(h, i * 80, 1 + (i % 3), 100);
    expect(h.b[4]).toBe(HLL_DENSE);
    expect(h.n).toBe(HLL_DENSE_SIZE);
  });

  it('an empty HLL counts 0 and a corrupt sparse one is refused', () => {
    expect(hllCount(createHll())).toBe(0);
    const bad = createHll();
    bad.b[17] = 0x10; // XZERO now covers fewer than 16384 registers
    expect(hllCount(bad)).toBeNull();
    expect(sparseToDense(bad)).toBeNull();
  });
});

describe('long double (INCRBYFLOAT)', () => {
  const add = (a: string, b: string) => formatLongDouble(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!));
  it('adds and formats like x87 long double with %.17Lf', () => {
    expect(add('10.5', '0.1')).toBe('10.6');
    expect(add('0', '5.0e3')).toBe('5000');
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('-1.1', '1.1')).toBe('0');
    expect(add('-0', '0')).toBe('0');
    expect(add('1e20', '1')).toBe('100000000000000000000');
    expect(add('1e18', '1')).toBe('1000000000000000001');
    expect(add('0', '1e-18')).toBe('0');
    expect(add('0', '0x1p-2')).toBe('0.25');
    expect(add('3', '-3.3')).toBe('-0.3');
  });
  it('refuses what strtold refuses', () => {
    for (const s of ['', ' 1', '1 ', 'abc', 'nan', '1e', '0x', '1e5000', '1e-5000', '--1', '1..2']) {
      expect(parseLongDouble(s)).toBeNull();
    }
    expect(parseLongDouble('inf')!.inf).toBe(true);
    expect(parseLongDouble('-Infinity')!.neg).toBe(true);
  });
});
