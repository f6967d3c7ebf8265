import { describe, expect, it } from 'vitest';
import * as C from '../../src/persistence/rdb/constants.js';
import { keyLength, keyName, maybeIntText, parseRdbBuffer } from '../../src/persistence/rdb/reader.js';
import type { RdbVisitor } from '../../src/persistence/rdb/types.js';

/**
 * The reader's length-only element events (what `redscope memory` reads with) against its
 * full events, on hand-made RDBs: the same elements (length, and text when it could be an
 * integer), the same scores, the same errors for corrupt blobs; and lazy key names.
 */

type Entry = string | number | { str: string };

/** A listpack; numbers as integer entries, { str } forced to a string entry. */
function listpack(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    let enc: Buffer;
    if (typeof e === 'number') {
      if (e >= 0 && e <= 127) enc = Buffer.from([e]);
      else {
        enc = Buffer.alloc(3);
        enc[0] = 0xf1;
        enc.writeInt16LE(e, 1);
      }
    } else {
      const s = Buffer.from(typeof e === 'string' ? e : e.str, 'latin1');
      if (s.length < 64) enc = Buffer.concat([Buffer.from([0x80 | s.length]), s]);
      else enc = Buffer.concat([Buffer.from([0xe0 | (s.length >> 8), s.length & 0xff]), s]);
    }
    const l = enc.length;
    const back = l <= 127 ? Buffer.from([l]) : Buffer.from([l >> 7, 0x80 | (l & 0x7f)]);
    parts.push(enc, back);
  }
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(6);
  head.writeUInt32LE(body.length + 7, 0);
  head.writeUInt16LE(entries.length, 4);
  return Buffer.concat([head, body, Buffer.from([0xff])]);
}

/** An intset of `width`-byte members, in the order given. */
function intset(width: 2 | 4 | 8, members: number[]): Buffer {
  const b = Buffer.alloc(8 + width * members.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(members.length, 4);
  members.forEach((m, i) => {
    if (width === 2) b.writeInt16LE(m, 8 + 2 * i);
    else if (width === 4) b.writeInt32LE(m, 8 + 4 * i);
    else b.writeBigInt64LE(BigInt(m), 8 + 8 * i);
  });
  return b;
}

function len(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x80;
  b.writeUInt32BE(n, 1);
  return b;
}

function str(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([len(b.length), b]);
}

function f64(d: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(d);
  return b;
}

function rdb(...records: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from('REDIS0011', 'latin1'), ...records, Buffer.from([0xff]), Buffer.alloc(8)]);
}

const key = (type: number, name: string, ...value: Buffer[]) => Buffer.concat([Buffer.from([type]), str(name), ...value]);

const shape = (s: string) => `${s.length}:${maybeIntText(s) ? s : '-'}`;

/** Every event, elements written as length + text-or-dash, through the full events. */
function full(buf: Buffer): string[] {
  const log: string[] = [];
  const v: RdbVisitor = {
    onKey: (i) => log.push(`key ${i.key}`),
    onListItem: (s) => log.push(`list ${shape(s)}`),
    onSetMember: (s) => log.push(`set ${shape(s)}`),
    onZsetMember: (s, score) => log.push(`zset ${shape(s)} ${score}`),
    onHashField: (f, val, ttl) => log.push(`hash ${shape(f)} ${shape(val)} ${ttl}`),
    onKeyEnd: () => log.push('end'),
  };
  try {
    parseRdbBuffer(buf, v);
  } catch (e) {
    log.push(`error ${(e as Error).message}`);
  }
  return log;
}

/** The same through the length-only events, with lazy key names. */
function lengths(buf: Buffer): string[] {
  const log: string[] = [];
  const t = (n: number, text: string | null) => `${n}:${text ?? '-'}`;
  const v: RdbVisitor = {
    onKey: (i) => {
      expect(keyLength(i)).toBe(keyName(i).length);
      log.push(`key ${keyName(i)}`);
    },
    onListItemLength: (n, text) => log.push(`list ${t(n, text)}`),
    onSetMemberLength: (n, text) => log.push(`set ${t(n, text)}`),
    onZsetMemberLength: (n, text, score) => log.push(`zset ${t(n, text)} ${score}`),
    onHashFieldLength: (fn, ft, vn, vt, ttl) => log.push(`hash ${t(fn, ft)} ${t(vn, vt)} ${ttl}`),
    onKeyEnd: () => log.push('end'),
  };
  try {
    parseRdbBuffer(buf, v, { lazyKeys: true });
  } catch (e) {
    log.push(`error ${(e as Error).message}`);
  }
  return log;
}

function same(buf: Buffer): string[] {
  const a = full(buf);
  expect(lengths(buf)).toEqual(a);
  return a;
}

const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe('length-only element events', () => {
  it('give every element of every encoding as the full events do', () => {
    const log = same(
      rdb(
        key(C.RDB_TYPE_LIST, 'l', len(4), str('a'), str('12'), str('-3x'), str('x'.repeat(30))),
        key(C.RDB_TYPE_SET, 's', len(3), str('1'), str('007'), str('member')),
        key(C.RDB_TYPE_ZSET_2, 'z', len(2), str('m'), f64(1.5), str('99'), f64(-2)),
        key(C.RDB_TYPE_HASH, 'h', len(2), str('f'), str('v'), str('10'), str('1'.repeat(21))),
        key(C.RDB_TYPE_SET_LISTPACK, 'sl', str(listpack(['a', 5, { str: '6' }, 'x'.repeat(70)]))),
        key(C.RDB_TYPE_ZSET_LISTPACK, 'zl', str(listpack(['a', 1, 'b', { str: '2.5' }, 7, { str: 'inf' }, 'c', { str: '-inf' }]))),
        key(C.RDB_TYPE_HASH_LISTPACK, 'hl', str(listpack(['name', 'bob', 'age', 20, 30, { str: '-1' }]))),
        key(C.RDB_TYPE_LIST_QUICKLIST_2, 'ql', len(2), len(2), str(listpack(['a', 1, -300, 'x'.repeat(100)])), len(1), str('plain 123')),
        key(C.RDB_TYPE_LIST_QUICKLIST_2, 'ql2', len(1), len(1), str('123')),
        key(C.RDB_TYPE_STRING, '', str('v')),
        key(C.RDB_TYPE_SET_INTSET, 'i2', str(intset(2, [-5, 0, 7, 300]))),
        key(C.RDB_TYPE_SET_INTSET, 'i4', str(intset(4, [-70000, 1, 70000]))),
        key(C.RDB_TYPE_SET_INTSET, 'i8', str(intset(8, [-(2 ** 40), 3, 2 ** 53 - 1]))),
      ),
    );
    expect(log).toContain('set 16:9007199254740991');
    expect(log).toContain('zset 1:- 1');
    expect(log).toContain('zset 2:99 -2');
    expect(log).toContain('list 4:-300');
    expect(log).toContain('list 3:123');
    expect(log.filter((l) => l === 'end')).toHaveLength(13);
  });

  it('big listpacks (duplicates checked through a set of strings) read alike', () => {
    same(rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack(many(100, (i) => (i % 2 ? `m${i}` : String(i))))))));
    // Same lengths, differing late (short ones compared byte by byte, long ones with compare()).
    same(rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack(['abcdefgh1', 'abcdefgh2', 'y'.repeat(40), 'y'.repeat(39) + 'z'])))));
    same(rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(listpack(many(300, (i) => (i % 2 ? 'v' : `f${i}`)))))));
    same(rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack(many(300, (i) => (i % 2 ? '1' : `m${i}`)))))));
  });

  it('report the same corruption as the full events', () => {
    const corrupt: Buffer[] = [
      // Duplicates: strings, integers, an integer against the same text stored as a string.
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack(['a', 'b', 'a'])))),
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack([5, { str: '5' }])))),
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack(['y'.repeat(40), 'y'.repeat(39) + 'z', 'a', 'y'.repeat(40)])))),
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack(['abcdefgh1', 'abcdefgh2', 'abcdefgh1'])))),
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack([...many(100, (i) => `m${i}`), 'm0'])))),
      rdb(key(C.RDB_TYPE_SET_LISTPACK, 's', str(listpack([...many(100, (i) => String(i)), { str: '7' }])))),
      rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack(['a', 1, 'a', 2])))),
      rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack(['a', 1, 'b', { str: 'x' }])))),
      rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack(['a', 1, 'a', { str: 'bad' }])))),
      rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack(['a', 1, 'b'])))),
      rdb(key(C.RDB_TYPE_ZSET_LISTPACK, 'z', str(listpack([...many(200, (i) => (i % 2 ? '1' : `m${i}`)), 'm4', '2'])))),
      rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(listpack(['f', 'v', 'g', 'v', 'f', 'w'])))),
      rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(listpack([1, 'v', { str: '1' }, 'w'])))),
      rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(listpack(['f', 'v', 'g'])))),
      rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(listpack([...many(300, (i) => (i % 2 ? 'v' : `f${i}`)), 'f8', 'v'])))),
      rdb(key(C.RDB_TYPE_SET_INTSET, 'i', str(intset(2, [1, 3, 2])))),
      rdb(key(C.RDB_TYPE_SET_INTSET, 'i', str(intset(4, [1, 1])))),
      rdb(key(C.RDB_TYPE_SET_INTSET, 'i', str(intset(8, [5, -5])))),
      rdb(key(C.RDB_TYPE_SET_INTSET, 'i', str(intset(4, [1, 2]).subarray(0, 14)))),
      // Broken blobs.
      rdb(key(C.RDB_TYPE_LIST_QUICKLIST_2, 'q', len(1), len(2), str(listpack(['a', 'b']).subarray(0, 9)))),
      rdb(key(C.RDB_TYPE_HASH_LISTPACK, 'h', str(Buffer.concat([listpack(['a', 'b']).subarray(0, 10), Buffer.from([0xff])])))),
      rdb(key(C.RDB_TYPE_ZSET_2, 'z', len(1), str('m'), f64(NaN))),
    ];
    for (const buf of corrupt) {
      const log = same(buf);
      expect(log[log.length - 1]).toMatch(/^error /);
    }
  });
});
