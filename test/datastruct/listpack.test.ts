import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LP_EMPTY_BYTES,
  Listpack,
  lpBacklenSize,
  lpBytesOf,
  lpEncodedSize,
  lpEntrySize,
  lpIntEncodingSize,
  lpIntEntrySize,
  lpStringEncodingSize,
} from '../../src/datastruct/listpack.js';
import { StatusReply } from '../../src/engine/reply.js';
import type { RespClient } from '../../src/resp/client.js';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';

describe('listpack entry sizes (listpack.c lpEncodeGetType / lpEncodeBacklen)', () => {
  it('stores canonical integers in 1/2/3/4/5/9 bytes', () => {
    const cases: Array<[string, number]> = [
      ['0', 1], ['127', 1], ['128', 2], ['-1', 2], ['4095', 2], ['-4096', 2],
      ['4096', 3], ['-4097', 3], ['32767', 3], ['-32768', 3],
      ['32768', 4], ['-32769', 4], ['8388607', 4], ['-8388608', 4],
      ['8388608', 5], ['-8388609', 5], ['2147483647', 5], ['-2147483648', 5],
      ['2147483648', 9], ['-2147483649', 9], ['1000000000000000', 9],
      ['9223372036854775807', 9], ['-9223372036854775808', 9],
    ];
    for (const [s, n] of cases) expect([s, lpIntEncodingSize(s)]).toEqual([s, n]);
  });

  it('treats non-canonical or out-of-range numbers as strings', () => {
    for (const s of ['', '-', '-0', '01', '+1', ' 1', '1 ', '1.0', '1e3', '9223372036854775808', '-9223372036854775809', '123456789012345678901', 'abc']) {
      expect([s, lpIntEncodingSize(s)]).toEqual([s, 0]);
    }
    expect(lpEncodedSize('-0')).toBe(3);
    expect(lpEncodedSize('9223372036854775808')).toBe(20);
  });

  it('uses 1, 2 or 5 byte string headers', () => {
    expect(lpStringEncodingSize(0)).toBe(1);
    expect(lpStringEncodingSize(63)).toBe(64);
    expect(lpStringEncodingSize(64)).toBe(66);
    expect(lpStringEncodingSize(4095)).toBe(4097);
    expect(lpStringEncodingSize(4096)).toBe(4101);
  });

  it('encodes backlen in 1..5 bytes', () => {
    expect(lpBacklenSize(1)).toBe(1);
    expect(lpBacklenSize(127)).toBe(1);
    expect(lpBacklenSize(128)).toBe(2);
    expect(lpBacklenSize(16382)).toBe(2);
    expect(lpBacklenSize(16383)).toBe(3);
    expect(lpBacklenSize(2097150)).toBe(3);
    expect(lpBacklenSize(2097151)).toBe(4);
    expect(lpBacklenSize(268435454)).toBe(4);
    expect(lpBacklenSize(268435455)).toBe(5);
  });

  it('sums entries with header and terminator', () => {
    expect(LP_EMPTY_BYTES).toBe(7);
    expect(lpBytesOf([])).toBe(7);
    expect(lpEntrySize('a')).toBe(3);
    expect(lpEntrySize('x'.repeat(63))).toBe(65);
    expect(lpEntrySize('x'.repeat(64))).toBe(67); // 2 + 64 + backlen 1
    expect(lpEntrySize('x'.repeat(125))).toBe(128); // 127 → 1-byte backlen
    expect(lpEntrySize('x'.repeat(126))).toBe(130); // 128 → 2-byte backlen
    expect(lpIntEntrySize(5)).toBe(2);
    expect(lpIntEntrySize(1n << 40n)).toBe(10);
    expect(lpBytesOf(['a', '1', 'hello'])).toBe(7 + 3 + 2 + 7);
  });

  it('keeps bytes exact through every mutation', () => {
    const lp = new Listpack();
    const check = () => expect(lp.bytes).toBe(lpBytesOf(lp.items));
    lp.append('a');
    lp.prepend('12345');
    lp.append('x'.repeat(100));
    check();
    lp.insertAt(1, '-7');
    lp.replaceAt(0, 'y'.repeat(5000));
    check();
    lp.removeAt(2);
    lp.popFront();
    lp.popBack();
    check();
    for (let i = 0; i < 20; i++) lp.append(String(i * 1000));
    lp.deleteRange(3, 5);
    check();
    lp.removeIndexes([0, 2, 4]);
    check();
    const other = new Listpack(['q', '77']);
    lp.mergeFrom(other);
    check();
    expect(lp.clone().bytes).toBe(lp.bytes);
    lp.deleteRange(0, 1000);
    expect(lp.bytes).toBe(7);
  });
});

describe('listpack sizes against real redis (DEBUG OBJECT ql_uncompressed_size of a one-node list)', () => {
  let real: RealRedis;
  let c: RespClient;
  beforeAll(async () => {
    real = await startRealRedis();
    c = await real.client();
  });
  afterAll(async () => {
    c.close();
    await real.stop();
  });

  async function realBytes(items: string[]): Promise<number> {
    await c.call('DEL', 'k');
    await c.call('RPUSH', 'k', ...items);
    const reply = await c.call('DEBUG', 'OBJECT', 'k');
    const info = reply instanceof StatusReply ? reply.text : String(reply);
    expect(info).toMatch(/ql_nodes:1 /);
    return Number(/ql_uncompressed_size:(\d+)/.exec(info)![1]);
  }

  it('matches for integers of every width and strings of every header size', async () => {
    const sets: string[][] = [
      ['a'],
      ['0', '127', '128', '-1', '4095', '-4096', '4096', '-4097', '32767', '-32768', '32768'],
      ['8388607', '-8388608', '8388608', '2147483647', '-2147483648', '2147483648', '-2147483649'],
      ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '-0', '01', '+1', '1.5', ''],
      ['x'.repeat(63), 'x'.repeat(64), 'x'.repeat(125), 'x'.repeat(126), 'x'.repeat(4095)],
      ['x'.repeat(4096), 'z'],
      ['y'.repeat(7000)],
      ['y'.repeat(20000)],
    ];
    for (const items of sets) expect(lpBytesOf(items)).toBe(await realBytes(items));
  });
});
