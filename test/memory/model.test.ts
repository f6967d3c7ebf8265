import { describe, expect, it } from 'vitest';
import { mallocSize } from '../../src/memory/jemalloc.js';
import {
  d2string70,
  extrapolate,
  isMemoryTarget,
  listpackBytes,
  raxNodeCount,
  sdsHeaderSize,
  SizeModel,
} from '../../src/memory/model.js';
import { DEFAULT_LIMITS, LoadedMemoryModel, loadedKeyMemory } from '../../src/memory/rdb.js';
import { StreamObject } from '../../src/engine/types/stream.js';
import { quicklist62NodeSizes, ziplistBytes, zipPayloadSize } from '../../src/memory/ziplist.js';
import { idToKey, sid } from '../../src/datastruct/stream-id.js';
import * as C from '../../src/persistence/rdb/constants.js';

describe('jemalloc size classes', () => {
  it('8-byte quantum (Redis-bundled jemalloc): 8..64 by 8, then four per doubling', () => {
    const classes = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640];
    for (const c of classes) {
      expect(mallocSize(c, 8)).toBe(c);
      if (c > 8) expect(mallocSize(c - 1, 8)).toBe(c);
      expect(mallocSize(c + 1, 8)).toBe(classes[classes.indexOf(c) + 1] ?? 768);
    }
    expect(mallocSize(1, 8)).toBe(8);
    expect(mallocSize(0, 8)).toBe(8);
  });

  it('16-byte quantum (system jemalloc): no 24/40/56 classes', () => {
    expect([17, 24, 25, 33, 40, 41, 56, 57, 65].map((n) => mallocSize(n, 16))).toEqual([32, 32, 32, 48, 48, 48, 64, 64, 80]);
    expect(mallocSize(8, 16)).toBe(8);
    expect(mallocSize(9, 16)).toBe(16);
  });

  it('large and huge classes keep four per doubling', () => {
    expect(mallocSize(4096, 8)).toBe(4096);
    expect(mallocSize(4097, 8)).toBe(5120);
    expect(mallocSize(14337, 8)).toBe(16384);
    expect(mallocSize(16385, 16)).toBe(20480);
    expect(mallocSize(1024 * 1024 + 1, 8)).toBe(1024 * 1024 + 256 * 1024);
    expect(mallocSize(2 ** 31 + 1, 8)).toBe(2 ** 31 + 2 ** 29);
    expect(mallocSize(2 ** 33 - 1, 8)).toBe(2 ** 33);
  });
});

describe('sds and strings', () => {
  it('sdsReqType header sizes (an empty sds gets sdshdr8)', () => {
    expect([0, 1, 31, 32, 255, 256, 65535, 65536].map(sdsHeaderSize)).toEqual([3, 1, 1, 3, 3, 5, 5, 9]);
    expect(sdsHeaderSize(2 ** 32)).toBe(17);
  });

  it('MEMORY USAGE examples from the Redis 7.2 documentation', () => {
    const m = new SizeModel('7.2');
    const usage = (key: string, value: string) => loadedKeyMemory(key, { type: 'string', value }, C.RDB_TYPE_STRING, { target: '7.2' })!.bytes;
    expect(usage('', '')).toBe(56);
    expect(usage('foo', 'bar')).toBe(56);
    expect(usage('foo2', 'mybar')).toBe(64);
    expect(usage('foo3', '0123456789'.repeat(10))).toBe(160);
    expect(m.string(3, 'int')).toBe(16);
  });

  it('embstr up to 44 bytes is one allocation of 16 + 3 + len + 1', () => {
    const m = new SizeModel('7.2');
    expect(m.string(44, 'embstr')).toBe(64);
    expect(m.string(45, 'raw')).toBe(16 + 56);
    expect(new SizeModel('6.2').string(10, 'embstr')).toBe(28);
  });
});

describe('containers', () => {
  it('dict slots as after a load: power of two ≥ count, at least 4', () => {
    expect([1, 4, 5, 8, 9, 512, 513].map(SizeModel.dictSlots)).toEqual([4, 4, 8, 8, 16, 512, 1024]);
    expect(SizeModel.dictSlots(0)).toBe(0);
  });

  it('listpack bytes: 7 + entries (integers stored as integers)', () => {
    expect(listpackBytes([])).toBe(7);
    expect(listpackBytes(['a'])).toBe(7 + 3);
    expect(listpackBytes(['1'])).toBe(7 + 2);
    expect(listpackBytes(['x'.repeat(63), 'x'.repeat(64)])).toBe(7 + 65 + 67);
  });

  it('ziplist bytes: prevlen grows to 5 after a 254-byte entry, small ints live in the encoding', () => {
    expect(zipPayloadSize('12')).toBe(1);
    expect(zipPayloadSize('13')).toBe(2);
    expect(zipPayloadSize('-129')).toBe(3);
    expect(zipPayloadSize('9223372036854775808')).toBe(1 + 19);
    expect(ziplistBytes([])).toBe(11);
    expect(ziplistBytes(['a', 'b'])).toBe(11 + 3 + 3);
    expect(ziplistBytes(['x'.repeat(300), 'b'])).toBe(11 + (1 + 2 + 300) + (5 + 2));
    expect(quicklist62NodeSizes(Array(3).fill('x'.repeat(3000)), -2)).toEqual([11 + 2 * 3003 + 4, 11 + 3003]);
  });

  it('skiplist: 640-byte header and the expected node size', () => {
    const m8 = new SizeModel('7.2');
    const m16 = new SizeModel('7.0');
    expect(m8.skiplistBase(4)).toBe(16 + 16 + 32 + 56 + 32 + 640);
    // Level 1 (p = 3/4): 40 → 40 (q8) or 48 (q16).
    expect(m8.skiplistNodeExpected()).toBeGreaterThan(40);
    expect(m8.skiplistNodeExpected()).toBeLessThan(48);
    expect(m16.skiplistNodeExpected()).toBeGreaterThan(48);
    expect(m16.skiplistNodeExpected()).toBeLessThan(56);
  });

  it('rax node count: root, keys, branch points and their children', () => {
    expect(raxNodeCount([])).toBe(1);
    expect(raxNodeCount([idToKey(sid(5n, 0n))])).toBe(2);
    // Two IDs differing in the last byte: compressed root → branch node → two leaves.
    expect(raxNodeCount([idToKey(sid(5n, 0n)), idToKey(sid(5n, 1n))])).toBe(4);
    // Differing in the first byte: the root branches; each child is a compressed node → leaf.
    expect(raxNodeCount([idToKey(sid(5n, 0n)), idToKey(sid(2n ** 60n, 0n))])).toBe(5);
  });

  it('extrapolation truncates like size_t += double', () => {
    expect(extrapolate(100, 10, 3, 10)).toBe(133);
    expect(extrapolate(100, 0, 0, 10)).toBe(100);
  });

  it('7.0 score text is %.17g; 7.2 the shortest round trip', () => {
    expect(d2string70(1.1)).toBe('1.1000000000000001');
    expect(d2string70(3)).toBe('3');
    expect(new SizeModel('7.2').rules.scoreText(1.1)).toBe('1.1');
  });

  it('targets', () => {
    expect(['6.2', '7.0', '7.2', '7.4'].every(isMemoryTarget)).toBe(true);
    expect(isMemoryTarget('8.0')).toBe(false);
    expect(new SizeModel('7.0', { quantum: 8 }).malloc(24)).toBe(24);
  });
});

describe('streams from stored nodes', () => {
  it('gives the rebuilt figure when the stored nodes are the rebuilt ones', () => {
    const entries = Array.from({ length: 250 }, (_, i) => ({ id: { ms: 1000n + BigInt(i >> 3), seq: BigInt(i & 7) }, fields: ['f', String(i), 'g', 'x'.repeat(i % 9)] }));
    const meta = {
      length: 250n,
      lastId: entries[249]!.id,
      firstId: entries[0]!.id,
      maxDeletedId: { ms: 0n, seq: 0n },
      entriesAdded: 250n,
      groups: [
        {
          name: 'g',
          lastId: entries[9]!.id,
          entriesRead: 10n,
          pending: entries.slice(0, 10).map((e) => ({ id: e.id, deliveryTime: 1, deliveryCount: 1 })),
          consumers: [{ name: 'alice', seenTime: 1, activeTime: 1, pending: entries.slice(0, 10).map((e) => e.id) }],
        },
      ],
    };
    for (const target of ['7.0', '7.2'] as const) {
      const model = new LoadedMemoryModel({ target });
      const rebuilt = StreamObject.fromLoad(entries, meta, DEFAULT_LIMITS);
      const nodes = rebuilt.nodes.map((n) => ({ master: n.master, bytes: n.bytes }));
      const value = { type: 'stream' as const, entries, meta };
      expect(model.key('s', value, C.RDB_TYPE_STREAM_LISTPACKS_3, nodes)).toEqual(model.key('s', value, C.RDB_TYPE_STREAM_LISTPACKS_3));
      // A node that also holds a deleted entry is bigger.
      nodes[0]!.bytes += 1000;
      expect(model.key('s', value, C.RDB_TYPE_STREAM_LISTPACKS_3, nodes)!.bytes).toBeGreaterThan(model.key('s', value, C.RDB_TYPE_STREAM_LISTPACKS_3)!.bytes);
    }
  });
});

describe('encodings on load', () => {
  const load = (value: Parameters<typeof loadedKeyMemory>[1], rdbType: number, target: '7.0' | '7.2' = '7.2') =>
    loadedKeyMemory('k', value, rdbType, { target })!;

  it('lists: listpack in 7.2 when small, always quicklist in 7.0', () => {
    expect(load({ type: 'list', items: ['a', 'b'] }, C.RDB_TYPE_LIST_QUICKLIST_2).encoding).toBe('listpack');
    expect(load({ type: 'list', items: ['a', 'b'] }, C.RDB_TYPE_LIST_QUICKLIST_2, '7.0').encoding).toBe('quicklist');
    expect(load({ type: 'list', items: Array(3).fill('x'.repeat(3000)) }, C.RDB_TYPE_LIST_QUICKLIST_2).encoding).toBe('quicklist');
  });

  it('sets: intset, listpack (7.2), hashtable; order decides as in the loader', () => {
    expect(load({ type: 'set', members: ['1', '2'] }, C.RDB_TYPE_SET).encoding).toBe('intset');
    expect(load({ type: 'set', members: ['1', 'a'] }, C.RDB_TYPE_SET).encoding).toBe('listpack');
    expect(load({ type: 'set', members: ['1', 'a'] }, C.RDB_TYPE_SET, '7.0').encoding).toBe('hashtable');
    expect(load({ type: 'set', members: Array.from({ length: 513 }, (_, i) => String(i)) }, C.RDB_TYPE_SET).encoding).toBe('hashtable');
    expect(load({ type: 'set', members: Array.from({ length: 129 }, (_, i) => `m${i}`) }, C.RDB_TYPE_SET).encoding).toBe('hashtable');
    expect(load({ type: 'set', members: ['x'.repeat(65)] }, C.RDB_TYPE_SET).encoding).toBe('hashtable');
  });

  it('hashes and zsets: listpack within both limits', () => {
    expect(load({ type: 'hash', entries: [['f', 'x'.repeat(64), null]] }, C.RDB_TYPE_HASH).encoding).toBe('listpack');
    expect(load({ type: 'hash', entries: [['f', 'x'.repeat(65), null]] }, C.RDB_TYPE_HASH).encoding).toBe('hashtable');
    expect(load({ type: 'zset', entries: [['x'.repeat(65), 1]] }, C.RDB_TYPE_ZSET_2).encoding).toBe('skiplist');
    expect(load({ type: 'zset', entries: [['m', 1]] }, C.RDB_TYPE_ZSET_2).encoding).toBe('listpack');
  });

  it('empty containers and module values are not loaded', () => {
    expect(loadedKeyMemory('k', { type: 'list', items: [] }, C.RDB_TYPE_LIST_QUICKLIST_2)).toBeNull();
  });
});
