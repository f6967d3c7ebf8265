import type { Bytes } from '../engine/bytes.js';
import { encodingFor } from '../engine/types/string.js';
import { parseSetInt } from '../engine/types/set.js';
import { StreamObject } from '../engine/types/stream.js';
import { intsetValueWidth } from '../datastruct/intset.js';
import { Quicklist, quicklistNodeExceedsLimit } from '../datastruct/quicklist.js';
import { lpEntrySize, lpIntEntrySize } from '../datastruct/listpack.js';
import { formatDouble } from '../resp/double.js';
import * as C from '../persistence/rdb/constants.js';
import type { RdbValue } from '../persistence/rdb/value.js';
import {
  DICT_ENTRY_SIZE,
  listpackBytes,
  LISTPACK_EX_SIZE,
  QUICKLIST_SIZE,
  ROBJ_SIZE,
  sdsHeaderSize,
  SizeModel,
  type MemoryTarget,
} from './model.js';
import { d2string70 } from './model.js';
import { storedStreamUsage, streamUsage, type StoredStreamNode } from './stream.js';
import { quicklist62NodeSizes, ziplistBytes } from './ziplist.js';


/** The thresholds that decide encodings on load (a Config satisfies it). */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  listMaxListpackSize: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
}

export const DEFAULT_LIMITS: EncodingLimits = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  listMaxListpackSize: -2,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
};

export interface LoadedSizeOptions {
  target?: MemoryTarget;
  limits?: EncodingLimits;
  /** RDB version of the file (decides how listpack blobs spelled zset scores); default 11. */
  rdbVersion?: number;
}

export interface KeyMemory {
  /** OBJECT ENCODING after the target server loads the value. */
  encoding: string;
  /** MEMORY USAGE key SAMPLES 0 on that server. */
  bytes: number;
}

/**
 * For one key of a file: the encoding the target server would give it on load and the
 * figure MEMORY USAGE key SAMPLES 0 would report. Works on whole values (collectKeys) and
 * never builds engine objects, except for streams (whose node layout needs the real thing).
 * Returns null for values a server would not load (empty containers, module values).
 */
export function loadedKeyMemory(key: Bytes, value: RdbValue, rdbType: number, options: LoadedSizeOptions = {}): KeyMemory | null {
  return new LoadedMemoryModel(options).key(key, value, rdbType);
}

/**
 * loadedKeyMemory with the target, limits and file version fixed once: what a whole-file
 * report uses (one model, one expected skiplist node size, for every key).
 */
export class LoadedMemoryModel {
  readonly model: SizeModel;
  readonly limits: EncodingLimits;
  rdbVersion: number;

  constructor(options: LoadedSizeOptions & { quantum?: 8 | 16 } = {}) {
    this.model = new SizeModel(options.target ?? '7.2', { quantum: options.quantum });
    this.limits = options.limits ?? DEFAULT_LIMITS;
    this.rdbVersion = options.rdbVersion ?? 11;
  }

  /**
   * Encoding and MEMORY USAGE SAMPLES 0 of one key, or null when a server would not load it.
   * `streamNodes`: a stream's nodes as the file stores them (exact even with deleted entries);
   * without them the nodes are rebuilt from the live entries.
   */
  key(key: Bytes, value: RdbValue, rdbType: number, streamNodes?: readonly StoredStreamNode[]): KeyMemory | null {
    return this.keyOfLength(key.length, value, rdbType, streamNodes);
  }

  /** key() from the key's length (all the figure depends on). */
  keyOfLength(keyLength: number, value: RdbValue, rdbType: number, streamNodes?: readonly StoredStreamNode[]): KeyMemory | null {
    if (value.type === 'stream' && streamNodes) {
      return { encoding: 'stream', bytes: storedStreamUsage(this.model, streamNodes, value.meta) + this.model.keyOverhead(keyLength) };
    }
    const v = loadedValueMemory(this.model, value, rdbType, this.limits, this.rdbVersion);
    if (!v) return null;
    return { encoding: v.encoding, bytes: v.bytes + this.model.keyOverhead(keyLength) };
  }
}

export function loadedValueMemory(
  m: SizeModel,
  value: RdbValue,
  rdbType: number,
  limits: EncodingLimits,
  rdbVersion: number,
): KeyMemory | null {
  switch (value.type) {
    case 'string': {
      const enc = encodingFor(value.value);
      return { encoding: enc, bytes: m.string(value.value.length, enc) };
    }
    case 'list':
      return value.items.length ? listMemory(m, value.items, limits) : null;
    case 'set':
      return value.members.length ? setMemory(m, value.members, rdbType, limits) : null;
    case 'zset':
      return value.entries.length ? zsetMemory(m, value.entries, rdbType, limits, rdbVersion) : null;
    case 'hash':
      return value.entries.length ? hashMemory(m, value.entries, rdbType, limits) : null;
    case 'stream': {
      const s = StreamObject.fromLoad(value.entries, value.meta, limits);
      return { encoding: 'stream', bytes: streamUsage(m, s, limits, 0, true) };
    }
    case 'module':
      return null;
  }
}

function listMemory(m: SizeModel, items: Bytes[], limits: EncodingLimits): KeyMemory {
  const fill = limits.listMaxListpackSize;
  if (m.rules.legacy) {
    let bytes = ROBJ_SIZE + QUICKLIST_SIZE;
    for (const sz of quicklist62NodeSizes(items, fill)) bytes += m.rules.quicklistNodeSize + sz;
    return { encoding: 'quicklist', bytes };
  }
  if (m.rules.listListpack) {
    const bytes = listpackBytes(items);
    if (!quicklistNodeExceedsLimit(fill, bytes, items.length)) {
      return { encoding: 'listpack', bytes: ROBJ_SIZE + m.listpack(bytes) };
    }
  }
  const ql = new Quicklist(fill);
  for (const s of items) ql.pushTail(s);
  let bytes = ROBJ_SIZE + QUICKLIST_SIZE;
  for (let n = ql.head; n; n = n.next) bytes += m.rules.quicklistNodeSize + m.listpack(n.sz);
  return { encoding: 'quicklist', bytes };
}

function intsetMax(limits: EncodingLimits): number {
  return Math.min(limits.setMaxIntsetEntries, 1 << 30);
}

function setMemory(m: SizeModel, members: Bytes[], rdbType: number, limits: EncodingLimits): KeyMemory {
  const n = members.length;
  const lpEntries = m.rules.setListpack ? limits.setMaxListpackEntries : 0;
  let enc: 'intset' | 'listpack' | 'hashtable';
  if (rdbType === C.RDB_TYPE_SET_LISTPACK && m.rules.setListpack) {
    enc = n > limits.setMaxListpackEntries ? 'hashtable' : 'listpack';
  } else if (rdbType === C.RDB_TYPE_SET_INTSET) {
    enc = n > intsetMax(limits) ? 'hashtable' : 'intset';
  } else {
    // rdbLoadObject's RDB_TYPE_SET loop: intset while members are integers, then a
    // listpack while small (7.2+), then a hash table presized for the whole set.
    enc = n > intsetMax(limits) ? 'hashtable' : 'intset';
    let maxLen = 0;
    let size = 0;
    for (const s of members) {
      if (s.length > maxLen) maxLen = s.length;
      if (enc === 'intset') {
        if (parseSetInt(s) !== null) {
          size++;
          continue;
        }
        enc = size < lpEntries && maxLen <= limits.setMaxListpackValue ? 'listpack' : 'hashtable';
      }
      if (enc === 'listpack') {
        if (size < lpEntries && s.length <= limits.setMaxListpackValue) {
          size++;
          continue;
        }
        enc = 'hashtable';
      }
      break;
    }
  }
  if (enc === 'intset') {
    let width = 2;
    for (const s of members) {
      const w = intsetValueWidth(parseSetInt(s)!);
      if (w > width) width = w;
    }
    return { encoding: 'intset', bytes: ROBJ_SIZE + m.blob(8 + width * n) };
  }
  if (enc === 'listpack') return { encoding: 'listpack', bytes: ROBJ_SIZE + m.listpack(listpackBytes(members)) };
  let bytes = ROBJ_SIZE + m.dictOverhead(SizeModel.dictSlots(n));
  for (const s of members) bytes += DICT_ENTRY_SIZE + m.sds(s.length);
  return { encoding: 'hashtable', bytes };
}

/** How the saving server spelled a score inside a zset listpack/ziplist blob. */
function blobScoreText(rdbVersion: number): (score: number) => string {
  return rdbVersion >= 11 ? formatDouble : d2string70;
}

/** Per score-text function: score → lpEntrySize of its text (formatting a double is slow). */
const SCORE_SIZES = new Map<(score: number) => string, Map<number, number>>();
const SCORE_SIZES_MAX = 1 << 16;

/** lpEntrySize(text(score)), cached (zeros are not: the map does not tell 0 from -0). */
function scoreEntrySize(text: (score: number) => string, score: number): number {
  if (score === 0) return lpEntrySize(text(score));
  let cache = SCORE_SIZES.get(text);
  if (!cache) SCORE_SIZES.set(text, (cache = new Map()));
  let size = cache.get(score);
  if (size === undefined) {
    size = lpEntrySize(text(score));
    if (cache.size >= SCORE_SIZES_MAX) cache.clear();
    cache.set(score, size);
  }
  return size;
}

function zsetMemory(
  m: SizeModel,
  entries: Array<[Bytes, number]>,
  rdbType: number,
  limits: EncodingLimits,
  rdbVersion: number,
): KeyMemory {
  const n = entries.length;
  let maxLen = 0;
  for (const [member] of entries) if (member.length > maxLen) maxLen = member.length;
  const blob = rdbType === C.RDB_TYPE_ZSET_LISTPACK || rdbType === C.RDB_TYPE_ZSET_ZIPLIST;
  const listpack = blob
    ? n <= limits.zsetMaxListpackEntries
    : n <= limits.zsetMaxListpackEntries && maxLen <= limits.zsetMaxListpackValue;
  if (listpack) {
    // A blob keeps the saver's score text; a converted skiplist gets this target's.
    const text = blob ? blobScoreText(rdbVersion) : m.rules.scoreText;
    if (m.rules.legacy) {
      const zl = ziplistBytes(entries.flatMap(([member, score]) => [member, text(score)]));
      return { encoding: 'ziplist', bytes: ROBJ_SIZE + zl };
    }
    let bytes = 7;
    for (const [member, score] of entries) bytes += lpEntrySize(member) + scoreEntrySize(text, score);
    return { encoding: 'listpack', bytes: ROBJ_SIZE + m.listpack(bytes) };
  }
  let bytes = m.skiplistBase(SizeModel.dictSlots(n));
  const node = m.skiplistNodeExpected();
  for (const [member] of entries) bytes += m.sds(member.length) + DICT_ENTRY_SIZE + node;
  return { encoding: 'skiplist', bytes: Math.floor(bytes) };
}

function hashMemory(
  m: SizeModel,
  entries: Array<[Bytes, Bytes, number | null]>,
  rdbType: number,
  limits: EncodingLimits,
): KeyMemory {
  const n = entries.length;
  // Redis 7.4 keeps hash field TTLs: a listpack of (field, value, ttl) triplets behind a
  // listpackEx (ExpireMeta, key, lp: 32 bytes); fields without a TTL store 0.
  const fieldTtls =
    m.rules.target === '7.4' &&
    (rdbType === C.RDB_TYPE_HASH_LISTPACK_EX || rdbType === C.RDB_TYPE_HASH_METADATA || entries.some((e) => e[2] !== null));
  let listpack = n <= limits.hashMaxListpackEntries;
  if (listpack) {
    const max = limits.hashMaxListpackValue;
    for (const [f, v] of entries) {
      if (f.length > max || v.length > max) {
        listpack = false;
        break;
      }
    }
  }
  if (listpack && m.rules.legacy) {
    return { encoding: 'ziplist', bytes: ROBJ_SIZE + ziplistBytes(entries.flatMap(([f, v]) => [f, v])) };
  }
  if (listpack) {
    let bytes = 7;
    for (const [f, v, ttl] of entries) {
      bytes += lpEntrySize(f) + lpEntrySize(v);
      if (fieldTtls) bytes += lpIntEntrySize(ttl ?? 0);
    }
    if (fieldTtls) return { encoding: 'listpackex', bytes: ROBJ_SIZE + m.malloc(LISTPACK_EX_SIZE) + m.listpack(bytes) };
    return { encoding: 'listpack', bytes: ROBJ_SIZE + m.listpack(bytes) };
  }
  let bytes = ROBJ_SIZE + m.dictOverhead(SizeModel.dictSlots(n));
  // 7.4 fields with a TTL are mstrs carrying a 16-byte ExpireMeta before the header.
  for (const [f, v, ttl] of entries) {
    bytes += DICT_ENTRY_SIZE + m.sds(v.length);
    bytes += fieldTtls && ttl !== null ? m.malloc(16 + sdsHeaderSize(f.length) + f.length + 1) : m.sds(f.length);
  }
  return { encoding: 'hashtable', bytes };
}

