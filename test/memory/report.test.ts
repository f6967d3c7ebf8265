import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisServerPath, startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import * as C from '../../src/persistence/rdb/constants.js';
import { readRdbFile } from '../../src/persistence/rdb/reader.js';
import type { RdbKeyInfo } from '../../src/persistence/rdb/types.js';
import { collectKeys, type RdbValue } from '../../src/persistence/rdb/value.js';
import { DEFAULT_LIMITS, LoadedMemoryModel, type EncodingLimits } from '../../src/memory/rdb.js';
import type { MemoryTarget } from '../../src/memory/model.js';
import {
  csvLine,
  elementStats,
  materialize,
  measuringVisitor,
  PrefixTree,
  RecordBuilder,
  rdbtoolsExpiry,
  recordJson,
  Summary,
  TopN,
  type MemoryRecord,
} from '../../src/memory/report.js';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'fixtures/rdb/redis-7.0.15.rdb');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

function info(key: string, rdbType: number, type: string, extra: Partial<RdbKeyInfo> = {}): RdbKeyInfo {
  return { db: 0, key, rdbType, type, expireAt: null, idle: null, freq: null, offset: 0, ...extra };
}

/** A small deterministic PRNG (tests must be repeatable). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('TopN', () => {
  it('keeps exactly what a full stable sort, biggest first, keeps (ties in file order)', () => {
    const rand = rng(7);
    for (const n of [1, 5, 37, 100]) {
      const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, bytes: Math.floor(rand() * 300) }));
      const top = new TopN<{ id: number; bytes: number }>(n);
      for (const it of items) top.push(it);
      const full = [...items].sort((a, b) => b.bytes - a.bytes).slice(0, n);
      expect(top.sorted().map((x) => x.id)).toEqual(full.map((x) => x.id));
      expect(top.size).toBe(n);
    }
  });

  it('holds at most N items whatever it is fed, and wouldKeep agrees with push', () => {
    const top = new TopN<{ bytes: number }>(3);
    for (let i = 0; i < 10000; i++) top.push({ bytes: i % 97 });
    expect(top.size).toBe(3);
    expect(top.sorted().map((x) => x.bytes)).toEqual([96, 96, 96]);
    expect(top.wouldKeep(96)).toBe(false);
    expect(top.wouldKeep(97)).toBe(true);
  });

  it('fewer items than N come back sorted', () => {
    const top = new TopN<{ bytes: number; k: string }>(10);
    top.push({ bytes: 5, k: 'a' });
    top.push({ bytes: 9, k: 'b' });
    top.push({ bytes: 5, k: 'c' });
    expect(top.sorted().map((x) => x.k)).toEqual(['b', 'a', 'c']);
  });
});

describe('PrefixTree', () => {
  it('aggregates namespaces by separator, nested up to the depth, biggest first', () => {
    const t = new PrefixTree({ depth: 2 });
    t.add('user:1:name', 100);
    t.add('user:1:email', 50);
    t.add('user:2:name', 70);
    t.add('session:abc', 500);
    t.add('plain', 10);
    t.add('a:b:c:d', 1);
    const rows = t.rows().map((r) => [r.prefix, r.depth, r.keys, r.bytes]);
    expect(rows).toEqual([
      ['session:', 1, 1, 500],
      ['user:', 1, 3, 220],
      ['user:1:', 2, 2, 150],
      ['user:2:', 2, 1, 70],
      ['a:', 1, 1, 1],
      ['a:b:', 2, 1, 1],
      [null, 1, 1, 10],
    ]);
  });

  it('a key contributes only to prefixes that have something after them', () => {
    const t = new PrefixTree();
    t.add('ns:leaf', 5);
    // "ns:leaf" is a key, not a namespace: no depth-2 row.
    expect(t.rows().map((r) => r.prefix)).toEqual(['ns:']);
  });

  it('a multi-byte separator', () => {
    const t = new PrefixTree({ separator: '::', depth: 3 });
    t.add('a::b::c', 3);
    t.add('a::x', 4);
    t.add('a:b', 1);
    expect(t.rows().map((r) => [r.prefix, r.bytes])).toEqual([
      ['a::', 7],
      ['a::b::', 3],
      [null, 1],
    ]);
  });

  it('limit and minBytes fold the rest into an "other" row; node limits bound memory', () => {
    const t = new PrefixTree({ depth: 1, maxChildren: 3 });
    for (let i = 0; i < 10; i++) t.add(`p${i}:k`, 10 + i);
    const rows = t.rows();
    // The first three prefixes got nodes; the other seven are counted in "other".
    expect(rows.map((r) => [r.prefix, r.keys, r.bytes, r.otherPrefixes ?? false])).toEqual([
      ['p2:', 1, 12, false],
      ['p1:', 1, 11, false],
      ['p0:', 1, 10, false],
      [null, 7, 13 + 14 + 15 + 16 + 17 + 18 + 19, true],
    ]);
    const limited = t.rows(1);
    expect(limited.map((r) => [r.prefix, r.keys])).toEqual([
      ['p2:', 1],
      [null, 9],
    ]);
    const total = (rs: typeof rows) => rs.reduce((n, r) => n + r.bytes, 0);
    expect(total(limited)).toBe(total(rows));
    expect(t.rows(Infinity, 12).map((r) => r.prefix)).toEqual(['p2:', null]);
  });
});

describe('formats', () => {
  it('expiry as rdbtools prints it (datetime.isoformat of UTC, no zone)', () => {
    expect(rdbtoolsExpiry(null)).toBe('');
    expect(rdbtoolsExpiry(0)).toBe('1970-01-01T00:00:00');
    expect(rdbtoolsExpiry(1714557600000)).toBe('2024-05-01T10:00:00');
    expect(rdbtoolsExpiry(1714557600250)).toBe('2024-05-01T10:00:00.250000');
    expect(rdbtoolsExpiry(2306832069421)).toBe('2043-02-06T10:41:09.421000');
  });

  it('CSV: rdbtools columns, "sortedset", quoted keys when needed, raw bytes otherwise', () => {
    const r: MemoryRecord = {
      db: 2, key: 'a,"b"', type: 'zset', encoding: 'listpack', bytes: 120, elements: 3, largestElement: 4, expireAt: 1714557600000,
    };
    expect(csvLine(r)).toBe('2,sortedset,"a,""b""",120,listpack,3,4,2024-05-01T10:00:00\n');
    expect(csvLine({ ...r, key: '\xff\x00k', type: 'hash', expireAt: null })).toBe('2,hash,\xff\x00k,120,listpack,3,4,\n');
  });

  it('JSON: the documented fields; binary keys as {"base64"}', () => {
    const r: MemoryRecord = { db: 0, key: '\xff\xfe', type: 'string', encoding: 'embstr', bytes: 56, elements: 2, largestElement: 2, expireAt: null };
    expect(recordJson(r)).toEqual({
      db: 0, key: { base64: '//4=' }, type: 'string', encoding: 'embstr', bytes: 56, elements: 2, largestElement: 2, expireAt: null,
    });
    expect(Object.keys(recordJson({ ...r, key: 'é' }))).toEqual(['db', 'key', 'type', 'encoding', 'bytes', 'elements', 'largestElement', 'expireAt']);
    expect(recordJson({ ...r, key: '\xc3\xa9' }).key).toBe('é');
  });
});

describe('RecordBuilder', () => {
  const fields = (n: number): Array<[string, string, null]> => Array.from({ length: n }, (_, i) => [`field:${i}`, `value:${i}`, null]);

  it('what-if: hash-max-listpack-entries=1024 turns a 600-field hashtable into a listpack and lowers its bytes', () => {
    const value: RdbValue = { type: 'hash', entries: fields(600) };
    const b = new RecordBuilder({ limits: { ...DEFAULT_LIMITS, hashMaxListpackEntries: 1024 } });
    const r = b.record(info('h', C.RDB_TYPE_HASH, 'hash'), value)!;
    expect(r.base?.encoding).toBe('hashtable');
    expect(r.encoding).toBe('listpack');
    expect(r.bytes).toBeLessThan(r.base!.bytes);
    // Each side is the plain model's figure.
    expect(r.base!.bytes).toBe(new LoadedMemoryModel().key('h', value, C.RDB_TYPE_HASH)!.bytes);
    expect(r.bytes).toBe(new LoadedMemoryModel({ limits: { ...DEFAULT_LIMITS, hashMaxListpackEntries: 1024 } }).key('h', value, C.RDB_TYPE_HASH)!.bytes);
    // 512 is the default: 512 fields stay a listpack, 513 do not.
    const plain = new RecordBuilder();
    expect(plain.baseModel).toBeNull();
    expect(plain.record(info('h', C.RDB_TYPE_HASH, 'hash'), { type: 'hash', entries: fields(512) })!.encoding).toBe('listpack');
    expect(plain.record(info('h', C.RDB_TYPE_HASH, 'hash'), { type: 'hash', entries: fields(513) })!.encoding).toBe('hashtable');
    expect(plain.record(info('h', C.RDB_TYPE_HASH, 'hash'), { type: 'hash', entries: fields(513) })!.base).toBeUndefined();
  });

  it('elements and largest element per type', () => {
    const s = { elements: 0, largest: 0 };
    elementStats({ type: 'string', value: 'hello' }, s);
    expect(s).toEqual({ elements: 5, largest: 5 });
    elementStats({ type: 'hash', entries: [['f', 'a long value', null], ['a long field name', 'v', null]] }, s);
    expect(s).toEqual({ elements: 2, largest: 17 });
    elementStats({ type: 'zset', entries: [['m', 1], ['mmm', 2]] }, s);
    expect(s).toEqual({ elements: 2, largest: 3 });
    elementStats({ type: 'list', items: ['a', 'bb', 'c'] }, s);
    expect(s).toEqual({ elements: 3, largest: 2 });
  });

  it('module values have no figure and are counted as skipped', () => {
    const b = new RecordBuilder();
    expect(b.record(info('m', C.RDB_TYPE_MODULE_2, 'module'), { type: 'module', moduleName: 'x', raw: Buffer.alloc(3) })).toBeNull();
    expect(b.skipped).toBe(1);
  });
});

describe('Summary', () => {
  it('groups by type, type + encoding and db; totals add up', () => {
    const s = new Summary();
    const rec = (db: number, type: string, encoding: string, bytes: number): MemoryRecord => ({
      db, key: 'k', type, encoding, bytes, elements: 1, largestElement: 1, expireAt: null,
    });
    s.add(rec(0, 'hash', 'listpack', 100));
    s.add(rec(0, 'hash', 'hashtable', 1000));
    s.add(rec(3, 'string', 'embstr', 50));
    s.add(rec(3, 'string', 'embstr', 60));
    expect(s.total).toEqual({ keys: 4, bytes: 1210, baseBytes: 1210 });
    expect(s.byType().map((r) => [r.type, r.keys, r.bytes])).toEqual([
      ['hash', 2, 1100],
      ['string', 2, 110],
    ]);
    expect(s.byEncoding().map((r) => [r.type, r.encoding, r.keys, r.bytes])).toEqual([
      ['hash', 'hashtable', 1, 1000],
      ['string', 'embstr', 2, 110],
      ['hash', 'listpack', 1, 100],
    ]);
    expect(s.byDb().map((r) => [r.db, r.keys, r.bytes])).toEqual([
      [0, 2, 1100],
      [3, 2, 110],
    ]);
  });
});

async function records(file: string, target: MemoryTarget): Promise<MemoryRecord[]> {
  const b = new RecordBuilder({ target });
  const out: MemoryRecord[] = [];
  await readRdbFile(
    file,
    collectKeys(
      ({ info: i, value }) => {
        const r = b.record(i, value);
        if (r) out.push(r);
      },
      { onHeader: (_m, v) => (b.rdbVersion = v) },
    ),
  );
  return out;
}

/** The same records through measuringVisitor (string values measured without a value object). */
async function recordsFast(file: string, target: MemoryTarget, limits = DEFAULT_LIMITS): Promise<MemoryRecord[]> {
  const b = new RecordBuilder({ target, limits });
  const out: MemoryRecord[] = [];
  await readRdbFile(
    file,
    measuringVisitor(b, (i, value, str) => out.push(materialize(b, i, value, str)), { onHeader: (_m, v) => (b.rdbVersion = v) }),
  );
  return out;
}

describe('measuringVisitor', () => {
  const files = [FIXTURE, ...['6.2.16', '7.0.15', '7.2.6', '7.4.1', '5.0.14'].map((v) => path.join(CORPUS, v, 'dump.rdb')).filter((f) => fs.existsSync(f))];
  it('gives every key the record RecordBuilder.record gives it, on every target, with and without what-if settings', async () => {
    for (const file of files) {
      for (const target of ['6.2', '7.0', '7.2', '7.4'] as MemoryTarget[]) {
        const slow = await records(file, target);
        const fast = await recordsFast(file, target);
        expect(fast).toEqual(slow);
        expect(fast.some((r) => r.type === 'string')).toBe(true);
      }
      const limits = { ...DEFAULT_LIMITS, hashMaxListpackEntries: 1024, zsetMaxListpackEntries: 1 };
      const b = new RecordBuilder({ limits });
      const slow: MemoryRecord[] = [];
      await readRdbFile(file, collectKeys(({ info: i, value }) => {
        const r = b.record(i, value);
        if (r) slow.push(r);
      }, { onHeader: (_m, v) => (b.rdbVersion = v) }));
      expect(await recordsFast(file, '7.2', limits)).toEqual(slow);
    }
  });
});

/**
 * Loads the fixture into a real redis-server 7.0.15 started with `config` and compares every
 * key: OBJECT ENCODING equal, MEMORY USAGE SAMPLES 0 equal (skiplists: random node levels,
 * near), totals within 1%.
 */
async function compareWithServer(config: Array<[string, string]>, limits: EncodingLimits): Promise<MemoryRecord[]> {
  // The later --dir/--dbfilename win: the server loads the fixture (and never saves: --save '').
  const server = await startRealRedis([
    '--dir', path.dirname(FIXTURE), '--dbfilename', path.basename(FIXTURE),
    ...config.flatMap(([n, v]) => [`--${n}`, v]),
  ]);
  const got = await recordsFast(FIXTURE, '7.0', limits);
  const c = await server.client();
  let real = 0;
  let model = 0;
  try {
    expect(got.length).toBe(await keyCount(c));
    for (const r of got) {
      await c.call('SELECT', String(r.db));
      const enc = await c.call('OBJECT', 'ENCODING', r.key);
      const usage = Number(await c.call('MEMORY', 'USAGE', r.key, 'SAMPLES', '0'));
      expect([r.key, r.encoding]).toEqual([r.key, enc]);
      if (r.encoding === 'skiplist') expect(Math.abs(r.bytes - usage) / usage).toBeLessThan(0.1);
      else expect([r.key, r.bytes]).toEqual([r.key, usage]);
      real += usage;
      model += r.bytes;
    }
  } finally {
    c.close();
    await server.stop();
  }
  expect(Math.abs(model - real) / real).toBeLessThanOrEqual(0.01);
  return got;
}

describe.skipIf(!redisServerPath())('on the project fixture, against redis-server 7.0.15 loading it', () => {
  it('every key: OBJECT ENCODING and MEMORY USAGE SAMPLES 0, with --target 7.0', async () => {
    await compareWithServer([], DEFAULT_LIMITS);
  }, 30000);

  it('what-if settings: the figures of a server started with those settings (encodings change)', async () => {
    const config: Array<[string, string]> = [
      ['hash-max-listpack-entries', '1024'],
      ['set-max-intset-entries', '1000'],
      ['zset-max-listpack-entries', '300'],
      ['zset-max-listpack-value', '6'],
    ];
    const limits: EncodingLimits = {
      ...DEFAULT_LIMITS, hashMaxListpackEntries: 1024, setMaxIntsetEntries: 1000, zsetMaxListpackEntries: 300, zsetMaxListpackValue: 6,
    };
    const got = await compareWithServer(config, limits);
    const enc = (k: string) => got.find((r) => r.key === k)!;
    // What the settings changed (under the defaults these are hashtable, hashtable, skiplist, listpack).
    expect(enc('db0:hash:big')).toMatchObject({ encoding: 'listpack', base: { encoding: 'hashtable' } });
    expect(enc('db0:set:bigint')).toMatchObject({ encoding: 'intset', base: { encoding: 'hashtable' } });
    expect(enc('db0:zset:big')).toMatchObject({ encoding: 'listpack', base: { encoding: 'skiplist' } });
    // A zset listpack blob stays a listpack on load whatever its member lengths (only the entry
    // count is checked), as the server shows for db0:geo.
    expect(enc('db0:geo')).toMatchObject({ encoding: 'listpack', largestElement: 7 });
  }, 30000);

  it('what-if the other way: smaller thresholds turn listpacks and intsets into hash tables', async () => {
    const got = await compareWithServer(
      [['hash-max-ziplist-entries', '1'], ['set-max-intset-entries', '2']],
      { ...DEFAULT_LIMITS, hashMaxListpackEntries: 1, setMaxIntsetEntries: 2 },
    );
    expect(got.filter((r) => r.type === 'hash' && r.encoding === 'hashtable' && r.base?.encoding === 'listpack').length).toBeGreaterThan(0);
    expect(got.filter((r) => r.type === 'set' && r.encoding === 'hashtable' && r.base?.encoding === 'intset').length).toBeGreaterThan(0);
  }, 30000);
});

/** Keys in every database (INFO keyspace). */
async function keyCount(c: { call(...a: string[]): Promise<unknown> }): Promise<number> {
  const info = String(await c.call('INFO', 'keyspace'));
  let n = 0;
  for (const m of info.matchAll(/^db\d+:keys=(\d+)/gm)) n += Number(m[1]);
  return n;
}

describe.skipIf(!fs.existsSync(CORPUS))('on the shared corpus (MEMORY USAGE SAMPLES 0 from real servers)', () => {
  for (const [version, target] of [
    ['6.2.16', '6.2'],
    ['7.0.15', '7.0'],
    ['7.2.6', '7.2'],
    ['7.4.1', '7.4'],
  ] as Array<[string, MemoryTarget]>) {
    it(`${version}: the report's total is the sum of the servers' figures within 1%`, async () => {
      const dir = path.join(CORPUS, version);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, 'dump.expected.json'), 'utf8')) as {
        keys: Array<{ db: number; key: string; encoding: string; memory: number }>;
      };
      const got = await records(path.join(dir, 'dump.rdb'), target);
      const wanted = new Map(expected.keys.map((k) => [`${k.db}:${k.key}`, k]));
      let sumModel = 0;
      let sumReal = 0;
      let matched = 0;
      const summary = new Summary();
      for (const r of got) {
        summary.add(r);
        const k = wanted.get(`${r.db}:${Buffer.from(r.key, 'latin1').toString('hex')}`);
        if (!k) continue;
        matched++;
        sumModel += r.bytes;
        sumReal += k.memory;
        expect([k.key, r.encoding]).toEqual([k.key, k.encoding]);
      }
      expect(matched).toBe(expected.keys.length);
      expect(Math.abs(sumModel - sumReal) / sumReal).toBeLessThanOrEqual(0.01);
      expect(summary.total.keys).toBe(got.length);
    });
  }
});
