import type { Bytes } from '../engine/bytes.js';
import type { RedisObject } from '../engine/object.js';
import type { HashObject } from '../engine/types/hash.js';
import type { ListObject } from '../engine/types/list.js';
import { parseSetInt, type SetObject } from '../engine/types/set.js';
import type { StreamNodeLimits, StreamObject } from '../engine/types/stream.js';
import { EMBSTR_SIZE_LIMIT, type StringObject } from '../engine/types/string.js';
import type { ZSetObject } from '../engine/types/zset.js';
import { intsetValueWidth } from '../datastruct/intset.js';
import { LP_EMPTY_BYTES, lpEntrySize, lpIntEntrySize } from '../datastruct/listpack.js';
import {
  DICT_ENTRY_SIZE,
  extrapolate,
  LISTPACK_EX_SIZE,
  QUICKLIST_SIZE,
  ROBJ_SIZE,
  sdsHeaderSize,
  SizeModel,
} from './model.js';
import { streamUsage } from './stream.js';
import { quicklist62NodeSizes, ziplistBytes } from './ziplist.js';

/** OBJ_COMPUTE_SIZE_DEF_SAMPLES */
export const DEFAULT_SAMPLES = 5;

export interface ObjectUsageOptions {
  /** Nested values to measure (the rest is extrapolated); 0 or Infinity = all. Default 5. */
  samples?: number;
  /**
   * The server's thresholds: stream node limits for the preallocation rule, and
   * set-max-intset-entries for a 7.0 target (whose sets have no listpack). A Config fits.
   */
  limits?: StreamNodeLimits & { setMaxIntsetEntries: number; listMaxListpackSize?: number };
  /**
   * Streams whose listpacks were read from a file (exact allocations) rather than grown by
   * XADD (preallocated). Default false.
   */
  streamsLoaded?: boolean;
}

const DEFAULT_LIMITS = { streamNodeMaxBytes: 4096, streamNodeMaxEntries: 100, setMaxIntsetEntries: 512 };

/**
 * objectComputeSize for an engine value, on the model's target. The engine keeps Redis
 * 7.2's encodings; for a 7.0 target a listpack list is counted as the one-node quicklist
 * 7.0 would hold and a listpack set as the intset or hash table 7.0 would hold.
 * Hash tables are sized as after a load (power of two ≥ the element count).
 */
export function objectUsage(m: SizeModel, o: RedisObject, options: ObjectUsageOptions = {}): number {
  const s = options.samples ?? DEFAULT_SAMPLES;
  const samples = s <= 0 ? Infinity : s;
  switch (o.type) {
    case 'string': {
      const str = o as StringObject;
      const len = str.length;
      // A raw string of at most 44 bytes can only come from an in-place write (APPEND …),
      // whose sdsMakeRoomFor doubled the length it needed (and never uses sdshdr5).
      if (str.encoding === 'raw' && len <= EMBSTR_SIZE_LIMIT && len > 0) {
        const want = len * 2;
        return ROBJ_SIZE + m.malloc(Math.max(3, sdsHeaderSize(want)) + want + 1);
      }
      return m.string(len, str.encoding);
    }
    case 'list':
      return listUsage(m, o as ListObject, samples, options.limits?.listMaxListpackSize ?? -2);
    case 'set':
      return setUsage(m, o as SetObject, samples, (options.limits ?? DEFAULT_LIMITS).setMaxIntsetEntries);
    case 'zset':
      return zsetUsage(m, o as ZSetObject, samples);
    case 'hash':
      return hashUsage(m, o as HashObject, samples);
    case 'stream':
      return streamUsage(
        m,
        o as StreamObject,
        options.limits ?? DEFAULT_LIMITS,
        samples === Infinity ? 0 : samples,
        options.streamsLoaded ?? false,
      );
  }
}

/** MEMORY USAGE: the value plus the key's sds and dictEntry. */
export function keyUsage(m: SizeModel, key: Bytes, o: RedisObject, options: ObjectUsageOptions = {}): number {
  return objectUsage(m, o, options) + m.keyOverhead(key.length);
}

function listUsage(m: SizeModel, l: ListObject, samples: number, fill: number): number {
  const nodeSize = m.rules.quicklistNodeSize;
  const base = ROBJ_SIZE + QUICKLIST_SIZE;
  let elesize = 0;
  let taken = 0;
  if (m.rules.legacy) {
    // 6.2: a quicklist of ziplists, split by 6.2's own size estimate.
    const sizes = quicklist62NodeSizes(l.items(), fill);
    for (const sz of sizes) {
      elesize += nodeSize + sz;
      if (++taken >= samples) break;
    }
    return extrapolate(base, elesize, taken, sizes.length);
  }
  const lp = l.listpack;
  if (lp) {
    if (m.rules.listListpack) return ROBJ_SIZE + m.listpack(lp.bytes);
    return base + nodeSize + m.listpack(lp.bytes);
  }
  const ql = l.quicklist!;
  // do { … } while (node = node->next && samples < sample_size): at least one node.
  for (let n = ql.head; n; n = n.next) {
    elesize += nodeSize + m.listpack(n.sz);
    if (++taken >= samples) break;
  }
  return extrapolate(base, elesize, taken, ql.len);
}

function hashtableUsage(m: SizeModel, count: number, elements: Iterable<number>, samples: number): number {
  const base = ROBJ_SIZE + m.dictOverhead(SizeModel.dictSlots(count));
  let elesize = 0;
  let taken = 0;
  if (samples > 0) {
    for (const e of elements) {
      elesize += e;
      if (++taken >= samples) break;
    }
  }
  return extrapolate(base, elesize, taken, count);
}

function* setElementSizes(m: SizeModel, members: Iterable<Bytes>): Generator<number> {
  for (const s of members) yield DICT_ENTRY_SIZE + m.sds(s.length);
}

function setUsage(m: SizeModel, o: SetObject, samples: number, maxIntset: number): number {
  if (o.encoding === 'intset') return ROBJ_SIZE + m.blob(o.is!.blobLength);
  if (o.encoding === 'listpack') {
    if (m.rules.setListpack) {
      let bytes = LP_EMPTY_BYTES;
      for (const s of o.lp!) bytes += lpEntrySize(s);
      return ROBJ_SIZE + m.listpack(bytes);
    }
    // 7.0 has no set listpacks: an all-integer set small enough is an intset, else a table.
    let width = 2;
    let ints = o.size <= Math.min(maxIntset, 1 << 30);
    for (const s of o.lp!) {
      const v = parseSetInt(s);
      if (v === null) {
        ints = false;
        break;
      }
      width = Math.max(width, intsetValueWidth(v));
    }
    if (ints) return ROBJ_SIZE + m.blob(8 + width * o.size);
  }
  return hashtableUsage(m, o.size, setElementSizes(m, o.members()), samples);
}

function zsetUsage(m: SizeModel, z: ZSetObject, samples: number): number {
  if (z.encoding === 'listpack') {
    if (m.rules.legacy) {
      const items: Bytes[] = [];
      for (const [member, score] of z.entries()) items.push(member, m.rules.scoreText(score));
      return ROBJ_SIZE + ziplistBytes(items);
    }
    let bytes = LP_EMPTY_BYTES;
    for (const [member, score] of z.entries()) bytes += m.zsetPairBytes(member, score);
    return ROBJ_SIZE + m.listpack(bytes);
  }
  const n = z.size;
  const base = m.skiplistBase(SizeModel.dictSlots(n));
  const node = m.skiplistNodeExpected();
  let elesize = 0;
  let taken = 0;
  for (const [member] of z.entries()) {
    elesize += m.sds(member.length) + DICT_ENTRY_SIZE + node;
    if (++taken >= samples) break;
  }
  return extrapolate(base, elesize, taken, n);
}

function* hashElementSizes(m: SizeModel, h: HashObject): Generator<number> {
  const ttls = h.ttls;
  for (const [f, v] of h.entries()) {
    // 7.4: a field with a TTL is an mstr with a 16-byte ExpireMeta before its header.
    const field = ttls !== null && ttls.has(f) ? m.malloc(16 + sdsHeaderSize(f.length) + f.length + 1) : m.sds(f.length);
    yield DICT_ENTRY_SIZE + field + m.sds(v.length);
  }
}

function hashUsage(m: SizeModel, h: HashObject, samples: number): number {
  if (h.lp !== null) {
    if (m.rules.legacy) return ROBJ_SIZE + ziplistBytes([...h.lp].flat());
    let bytes = LP_EMPTY_BYTES;
    for (const [f, v] of h.lp) bytes += lpEntrySize(f) + lpEntrySize(v);
    if (h.encoding !== 'listpackex') return ROBJ_SIZE + m.listpack(bytes);
    // Every field of a listpackex has a TTL slot (0 when it has none).
    for (const f of h.lp.keys()) bytes += lpIntEntrySize(h.ttlOf(f) ?? 0);
    return ROBJ_SIZE + m.malloc(LISTPACK_EX_SIZE) + m.listpack(bytes);
  }
  return hashtableUsage(m, h.size, hashElementSizes(m, h), samples);
}
