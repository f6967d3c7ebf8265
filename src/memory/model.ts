import type { Bytes } from '../engine/bytes.js';
import { formatDouble, formatDouble17g } from '../resp/double.js';
import { LP_EMPTY_BYTES, lpEntrySize } from '../datastruct/listpack.js';
import { mallocSize, type Quantum } from './jemalloc.js';

/**
 * The size model behind MEMORY USAGE (object.c objectComputeSize + memoryCommand) for
 * Redis 7.x on jemalloc, 64-bit. Every figure is what Redis adds up, not what it really
 * allocates: MEMORY USAGE counts some structures by sizeof (robj, dict, dictEntry, stream,
 * consumer groups) and others by their allocation size (sds, listpacks, intsets, skiplist
 * nodes).
 *
 * jemalloc's quantum depends on the build, not the version: Redis's bundled jemalloc is
 * configured with --with-lg-quantum=3 (8-byte classes: 24, 40, 56 exist), while Debian's
 * redis-server 7.0.15 links the system jemalloc (16-byte quantum). Each target defaults to
 * what the reference data for it was measured on; SizeModel takes an override.
 *
 * Targets:
 *  - 7.0: 16-byte quantum (Debian's build); lists are always quicklists, sets never listpacks,
 *    zset listpack scores printed with %.17g;
 *  - 7.2: 8-byte quantum (Redis builds jemalloc with --with-lg-quantum=3); list and set
 *    listpacks; scores printed as the shortest round-trip text;
 *  - 7.4: as 7.2 (hash field expiry adds listpackex);
 *  - 6.2: 8-byte quantum, ziplists (hash, zset, quicklist nodes) and intsets counted by
 *    their blob length, embstr as length + 18, a 96-byte dict, a 40-byte stream, 32-byte consumer groups.
 */
export type MemoryTarget = '6.2' | '7.0' | '7.2' | '7.4';

export const MEMORY_TARGETS: readonly MemoryTarget[] = ['6.2', '7.0', '7.2', '7.4'];

/** sizeof(robj) */
export const ROBJ_SIZE = 16;
/** sizeof(listpackEx) in Redis 7.4: ExpireMeta (16), key, lp. */
export const LISTPACK_EX_SIZE = 32;
/** sizeof(dictEntry): key, value union, next. */
export const DICT_ENTRY_SIZE = 24;
/** sizeof(dict) (7.x: type, two tables, two used counters, rehashidx, pause/exp fields). */
export const DICT_SIZE = 56;
/** sizeof(dictEntry*): one hash-table bucket. */
export const DICT_BUCKET_SIZE = 8;
/** DICT_HT_INITIAL_SIZE */
export const DICT_HT_INITIAL_SIZE = 4;
/** sizeof(quicklist) */
export const QUICKLIST_SIZE = 40;
/** sizeof(quicklistNode): prev, next, entry, sz, 32 bits of fields, padded to 8. */
export const QUICKLIST_NODE_SIZE = 40;
/** sizeof(zset): dict + skiplist pointers. */
export const ZSET_SIZE = 16;
/** sizeof(zskiplist): header, tail, length, level. */
export const ZSKIPLIST_SIZE = 32;
/** sizeof(zskiplistNode) without levels: ele, score, backward. */
export const ZSKIPLIST_NODE_SIZE = 24;
/** sizeof(struct zskiplistLevel): forward, span. */
export const ZSKIPLIST_LEVEL_SIZE = 16;
export const ZSKIPLIST_MAXLEVEL = 32;
export const ZSKIPLIST_P = 0.25;
/** sizeof(stream) in 7.x: rax, length, last_id, first_id, max_deleted_entry_id, entries_added, cgroups. */
export const STREAM_SIZE = 80;
/** sizeof(streamID) */
export const STREAM_ID_SIZE = 16;
/** streamRadixTreeMemoryUsage per node: sizeof(raxNode) + 30 * sizeof(long). */
export const RAX_NODE_USAGE = 4 + 30 * 8;
/** sizeof(streamCG): last_id, entries_read, pel, consumers. */
export const STREAM_CG_SIZE = 40;
/** sizeof(streamNACK): delivery_time, delivery_count, consumer. */
export const STREAM_NACK_SIZE = 24;
/** STREAM_LISTPACK_MAX_PRE_ALLOCATE: a new stream node's listpack is created this big. */
export const STREAM_LISTPACK_PREALLOC = 4096;

export interface TargetRules {
  readonly target: MemoryTarget;
  readonly quantum: Quantum;
  /** Small lists are listpacks (7.2+); otherwise every list is a quicklist. */
  readonly listListpack: boolean;
  /** Small non-integer sets are listpacks (7.2+). */
  readonly setListpack: boolean;
  /** sizeof(streamConsumer): 24 (seen_time, name, pel), 32 from 7.2 (active_time). */
  readonly consumerSize: number;
  /** How zzlInsertAt writes a score into a listpack. */
  readonly scoreText: (score: number) => string;
  /** sizeof(dict) */
  readonly dictSize: number;
  /** sizeof(streamCG) */
  readonly cgSize: number;
  /** sizeof(quicklistNode) */
  readonly quicklistNodeSize: number;
  /**
   * 6.2 semantics: small encodings are ziplists; ziplists and intsets count their used
   * bytes, not their allocation; an embstr counts len + 2 + sizeof(robj).
   */
  readonly legacy: boolean;
}

/** Redis 7.0's d2string: integers below 2^52 as integers, anything else %.17g. */
export function d2string70(d: number): string {
  if (Number.isFinite(d) && d > -4503599627370495 && d < 4503599627370496 && Number.isInteger(d) && d !== 0) {
    return String(d);
  }
  return formatDouble17g(d);
}

const V7 = { dictSize: DICT_SIZE, cgSize: STREAM_CG_SIZE, quicklistNodeSize: QUICKLIST_NODE_SIZE, legacy: false };
const RULES: Record<MemoryTarget, TargetRules> = {
  '6.2': {
    target: '6.2',
    quantum: 8,
    listListpack: false,
    setListpack: false,
    consumerSize: 24,
    scoreText: d2string70,
    dictSize: 96,
    cgSize: 32,
    quicklistNodeSize: 32,
    legacy: true,
  },
  '7.0': { target: '7.0', quantum: 16, listListpack: false, setListpack: false, consumerSize: 24, scoreText: d2string70, ...V7 },
  '7.2': { target: '7.2', quantum: 8, listListpack: true, setListpack: true, consumerSize: 32, scoreText: formatDouble, ...V7 },
  '7.4': { target: '7.4', quantum: 8, listListpack: true, setListpack: true, consumerSize: 32, scoreText: formatDouble, ...V7 },
};

export function targetRules(target: MemoryTarget): TargetRules {
  return RULES[target];
}

export function isMemoryTarget(s: string): s is MemoryTarget {
  return s === '6.2' || s === '7.0' || s === '7.2' || s === '7.4';
}

/** sdsReqType's header size for a string of `len` bytes (an empty sds gets sdshdr8). */
export function sdsHeaderSize(len: number): number {
  if (len < 32) return len === 0 ? 3 : 1;
  if (len < 256) return 3;
  if (len < 65536) return 5;
  if (len < 4294967296) return 9;
  return 17;
}

/**
 * The jemalloc size-class helpers and per-structure sizes of one target. All methods are
 * pure arithmetic on lengths and counts.
 */
export class SizeModel {
  readonly rules: TargetRules;
  readonly quantum: Quantum;

  constructor(target: MemoryTarget = '7.2', options: { quantum?: Quantum } = {}) {
    this.rules = RULES[target];
    this.quantum = options.quantum ?? this.rules.quantum;
  }

  /** zmalloc_size of an allocation of n bytes. */
  malloc(n: number): number {
    return mallocSize(n, this.quantum);
  }

  /** sdsZmallocSize of an sds made by sdsnewlen (header + bytes + NUL, no spare room). */
  sds(len: number): number {
    return mallocSize(sdsHeaderSize(len) + len + 1, this.quantum);
  }

  /** What MEMORY USAGE adds for the key itself: its sds and its dictEntry in the keyspace. */
  keyOverhead(keyLen: number): number {
    return this.sds(keyLen) + DICT_ENTRY_SIZE;
  }

  /** A string value: int → the robj only; embstr → one allocation; raw → robj + sds. */
  string(len: number, encoding: string): number {
    if (encoding === 'int') return ROBJ_SIZE;
    if (encoding === 'embstr') {
      return this.rules.legacy ? len + 2 + ROBJ_SIZE : mallocSize(ROBJ_SIZE + 3 + len + 1, this.quantum);
    }
    return ROBJ_SIZE + this.sds(len);
  }

  /** dictSlots of a table holding n entries as after a load (dictExpand(n)): next power of two ≥ n, at least 4. */
  static dictSlots(n: number): number {
    if (n <= 0) return 0;
    if (n <= DICT_HT_INITIAL_SIZE) return DICT_HT_INITIAL_SIZE;
    if (n <= 0x40000000) return 2 ** (32 - Math.clz32(n - 1));
    return 2 ** Math.ceil(Math.log2(n));
  }

  /** The dict struct plus its bucket array (sizeof, as objectComputeSize counts it). */
  dictOverhead(slots: number): number {
    return this.rules.dictSize + DICT_BUCKET_SIZE * slots;
  }

  /** A listpack allocated to its exact size. */
  listpack(bytes: number): number {
    return mallocSize(bytes, this.quantum);
  }

  /** A ziplist/intset/listpack blob as this target counts it (6.2: used bytes; 7.x: allocation). */
  blob(bytes: number): number {
    return this.rules.legacy ? bytes : mallocSize(bytes, this.quantum);
  }

  /** The expected zmalloc_size of a skiplist node (random level, P = 1/4, at most 32). */
  skiplistNodeExpected(): number {
    const cached = this.nodeExpected;
    if (cached !== undefined) return cached;
    let e = 0;
    let p = 1;
    for (let level = 1; level <= ZSKIPLIST_MAXLEVEL; level++) {
      const pl = level === ZSKIPLIST_MAXLEVEL ? p : p * (1 - ZSKIPLIST_P);
      e += pl * this.malloc(ZSKIPLIST_NODE_SIZE + level * ZSKIPLIST_LEVEL_SIZE);
      p *= ZSKIPLIST_P;
    }
    this.nodeExpected = e;
    return e;
  }
  private nodeExpected: number | undefined;

  /** zmalloc_size of a skiplist node of a known level. */
  skiplistNode(level: number): number {
    return this.malloc(ZSKIPLIST_NODE_SIZE + level * ZSKIPLIST_LEVEL_SIZE);
  }

  /** The fixed part of a skiplist-encoded zset: robj, zset, zskiplist, dict, buckets, 32-level header. */
  skiplistBase(slots: number): number {
    return (
      ROBJ_SIZE +
      ZSET_SIZE +
      ZSKIPLIST_SIZE +
      this.dictOverhead(slots) +
      this.malloc(ZSKIPLIST_NODE_SIZE + ZSKIPLIST_MAXLEVEL * ZSKIPLIST_LEVEL_SIZE)
    );
  }

  /** streamRadixTreeMemoryUsage (with its `size =` that drops sizeof(rax)). */
  static raxUsage(numele: number, numnodes: number): number {
    return numele * STREAM_ID_SIZE + numnodes * RAX_NODE_USAGE;
  }

  /** Bytes of a zset listpack entry pair (member, score) as zzlInsertAt writes it on this target. */
  zsetPairBytes(member: Bytes, score: number): number {
    return lpEntrySize(member) + lpEntrySize(this.rules.scoreText(score));
  }
}

/** Listpack bytes of a list of elements (header + entries + terminator). */
export function listpackBytes(items: Iterable<Bytes>): number {
  let n = LP_EMPTY_BYTES;
  for (const s of items) n += lpEntrySize(s);
  return n;
}

/**
 * rax->numnodes of a rax holding these keys (sorted ascending, distinct, none a prefix of
 * another — true of 16-byte stream IDs): the root, every key, every prefix where keys
 * branch, and every child of such a prefix.
 */
export function raxNodeCount(sortedKeys: readonly string[]): number {
  if (sortedKeys.length === 0) return 1;
  const set = new Set<string>(['']);
  for (const k of sortedKeys) set.add(k);
  for (let i = 0; i + 1 < sortedKeys.length; i++) {
    const a = sortedKeys[i]!;
    const b = sortedKeys[i + 1]!;
    let l = 0;
    while (l < a.length && a.charCodeAt(l) === b.charCodeAt(l)) l++;
    set.add(a.slice(0, l));
    set.add(a.slice(0, l + 1));
    set.add(b.slice(0, l + 1));
  }
  return set.size;
}

/**
 * The `(double)elesize/samples*count` extrapolation objectComputeSize does when it samples
 * (size_t += double truncates).
 */
export function extrapolate(base: number, elesize: number, samples: number, count: number): number {
  if (samples === 0) return base;
  return Math.floor(base + (elesize / samples) * count);
}
