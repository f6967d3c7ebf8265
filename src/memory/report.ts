import type { Bytes } from '../engine/bytes.js';
import { bytesToJson } from '../persistence/rdb/json.js';
import { keyLength, keyName } from '../persistence/rdb/reader.js';
import type { RdbKeyInfo, RdbVisitor } from '../persistence/rdb/types.js';
import { collectKeys, type RdbValue } from '../persistence/rdb/value.js';
import { EMBSTR_SIZE_LIMIT, encodingFor } from '../engine/types/string.js';
import type { MemoryTarget } from './model.js';
import { DEFAULT_LIMITS, LoadedMemoryModel, type EncodingLimits } from './rdb.js';

/**
 * The aggregation behind `redscope memory`: one record per key of an RDB file (the encoding
 * and MEMORY USAGE SAMPLES 0 figure a server would have after loading it, from
 * LoadedMemoryModel), a bounded top-N, summaries by type / encoding / db, and a prefix tree
 * of key namespaces. Pure: no I/O; the CLI feeds it the reader's keys and prints the result.
 */

export interface MemoryRecord {
  db: number;
  key: Bytes;
  /** Redis type name: string, list, set, zset, hash, stream. */
  type: string;
  /** OBJECT ENCODING after a load (under the what-if settings when there are some). */
  encoding: string;
  /** MEMORY USAGE key SAMPLES 0 (under the what-if settings when there are some). */
  bytes: number;
  /** Elements: list/set/zset/hash length, stream entries, a string's length (as rdbtools). */
  elements: number;
  /** Length in bytes of the largest element (member, field or value; a string's own length). */
  largestElement: number;
  /** Absolute expiry in ms, or null. */
  expireAt: number | null;
  /** With what-if settings: the encoding and bytes under the default settings. */
  base?: { encoding: string; bytes: number };
}

export interface RecordOptions {
  target?: MemoryTarget;
  /** What-if thresholds; without them (or equal to the defaults) there is a single model. */
  limits?: EncodingLimits;
}

const LIMIT_FIELDS = Object.keys(DEFAULT_LIMITS) as Array<keyof EncodingLimits>;

export function sameLimits(a: EncodingLimits, b: EncodingLimits): boolean {
  for (const f of LIMIT_FIELDS) if (a[f] !== b[f]) return false;
  return true;
}

/** Picks the encoding-related thresholds out of a Config (or anything with those fields). */
export function limitsOf(c: EncodingLimits): EncodingLimits {
  const out = {} as EncodingLimits;
  for (const f of LIMIT_FIELDS) out[f] = c[f];
  return out;
}

/** Elements and largest element of a value (written into `out`, no allocation). */
export function elementStats(value: RdbValue, out: { elements: number; largest: number }): void {
  let n = 0;
  let max = 0;
  switch (value.type) {
    case 'string':
      n = max = value.value.length;
      break;
    case 'list': {
      const a = value.items;
      n = a.length;
      for (let i = 0; i < n; i++) if (a[i]!.length > max) max = a[i]!.length;
      break;
    }
    case 'set': {
      const a = value.members;
      n = a.length;
      for (let i = 0; i < n; i++) if (a[i]!.length > max) max = a[i]!.length;
      break;
    }
    case 'zset': {
      const a = value.entries;
      n = a.length;
      for (let i = 0; i < n; i++) if (a[i]![0].length > max) max = a[i]![0].length;
      break;
    }
    case 'hash': {
      const a = value.entries;
      n = a.length;
      for (let i = 0; i < n; i++) {
        const e = a[i]!;
        if (e[0].length > max) max = e[0].length;
        if (e[1].length > max) max = e[1].length;
      }
      break;
    }
    case 'stream': {
      const a = value.entries;
      n = a.length;
      for (let i = 0; i < n; i++) {
        const f = a[i]!.fields;
        for (let j = 0; j < f.length; j++) if (f[j]!.length > max) max = f[j]!.length;
      }
      break;
    }
    case 'module':
      n = 1;
      max = value.raw.length;
      break;
  }
  out.elements = n;
  out.largest = max;
}

/**
 * Turns the reader's keys into records: the target's model under the given thresholds, and
 * (for what-if questions) a second model under the defaults.
 */
export class RecordBuilder {
  readonly model: LoadedMemoryModel;
  /** The default-settings model when the thresholds differ from the defaults. */
  readonly baseModel: LoadedMemoryModel | null;
  private readonly stats = { elements: 0, largest: 0 };
  /** Module values (no size model) and values a server would not load. */
  skipped = 0;

  constructor(options: RecordOptions = {}) {
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.model = new LoadedMemoryModel({ target: options.target, limits });
    this.baseModel = sameLimits(limits, DEFAULT_LIMITS) ? null : new LoadedMemoryModel({ target: options.target, limits: DEFAULT_LIMITS });
  }

  /** The file's RDB version (decides how listpack blobs spelled zset scores). */
  set rdbVersion(v: number) {
    this.model.rdbVersion = v;
    if (this.baseModel) this.baseModel.rdbVersion = v;
  }

  /**
   * The figures of the key last measured (reused: valid until the next measure()).
   * `baseEncoding` is null without what-if settings.
   */
  readonly current = { encoding: '', bytes: 0, baseEncoding: null as string | null, baseBytes: 0 };

  /**
   * Measures one key into `current`; false for values there is no figure for (module
   * values). Allocates nothing beyond the model's own work, so keys a report drops cost little.
   */
  measure(info: RdbKeyInfo, value: RdbValue): boolean {
    // A loaded stream keeps the file's node listpacks as they are, whatever the settings.
    const nodes = value.type === 'stream' ? value.streamNodes : undefined;
    const got = this.model.keyOfLength(keyLength(info), value, info.rdbType, nodes);
    if (!got) {
      this.skipped++;
      return false;
    }
    const c = this.current;
    c.encoding = got.encoding;
    c.bytes = got.bytes;
    c.baseEncoding = null;
    c.baseBytes = got.bytes;
    if (this.baseModel) {
      const base = this.baseModel.keyOfLength(keyLength(info), value, info.rdbType, nodes);
      if (base) {
        c.baseEncoding = base.encoding;
        c.baseBytes = base.bytes;
      }
    }
    return true;
  }

  /**
   * measure() for a string value without building the value object (most keys of most
   * files are strings): the same figure LoadedMemoryModel.key gives (the encoding
   * tryObjectEncoding picks on load, SizeModel.string, the key's own overhead); a string's
   * encoding does not depend on the thresholds.
   */
  measureString(info: RdbKeyInfo, s: Bytes): void {
    this.measureStringLength(info, s.length, encodingFor(s) === 'int');
  }

  /** measureString from the length alone (the reader does not build the value). */
  measureStringLength(info: RdbKeyInfo, length: number, isInt: boolean): void {
    const m = this.model.model;
    const enc = isInt ? 'int' : length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
    const c = this.current;
    c.encoding = enc;
    c.bytes = m.string(length, enc) + m.keyOverhead(keyLength(info));
    c.baseEncoding = this.baseModel ? enc : null;
    c.baseBytes = c.bytes;
  }

  /** The record of the key last measured. */
  materialize(info: RdbKeyInfo, value: RdbValue): MemoryRecord {
    const c = this.current;
    elementStats(value, this.stats);
    const rec: MemoryRecord = {
      db: info.db,
      key: keyName(info),
      type: value.type,
      encoding: c.encoding,
      bytes: c.bytes,
      elements: this.stats.elements,
      largestElement: this.stats.largest,
      expireAt: info.expireAt,
    };
    if (c.baseEncoding !== null) rec.base = { encoding: c.baseEncoding, bytes: c.baseBytes };
    return rec;
  }

  /** The record of one key, or null for values there is no figure for (module values). */
  record(info: RdbKeyInfo, value: RdbValue): MemoryRecord | null {
    return this.measure(info, value) ? this.materialize(info, value) : null;
  }
}

/**
 * A reader visitor that measures every key: string values straight from the reader (no value
 * object), lists, sets, sorted sets and hashes from the reader's length-only element events
 * (into values reused from key to key), streams collected whole (collectKeys). `onKey` gets
 * the key and either its value (valid only during the call) or its string's length; the
 * figures are in `builder.current`. Keys with no figure (module values) are skipped
 * (builder.skipped counts them).
 */
export function measuringVisitor(
  builder: RecordBuilder,
  onKey: (info: RdbKeyInfo, value: RdbValue | null, strLength: number) => void,
  extra: Parameters<typeof collectKeys>[1] = {},
): RdbVisitor {
  const inner = collectKeys(({ info, value }) => {
    if (builder.measure(info, value)) onKey(info, value, 0);
  }, extra);
  let strLength = -1;
  let strIsInt = false;
  // Lists, sets, sorted sets and hashes are collected here, from the length-only events, into
  // values (and entry tuples) reused from key to key: `onKey` must not keep a value.
  const listV = { type: 'list' as const, items: [] as Bytes[] };
  const setV = { type: 'set' as const, members: [] as Bytes[] };
  const zsetV = { type: 'zset' as const, entries: [] as Array<[Bytes, number]> };
  const hashV = { type: 'hash' as const, entries: [] as Array<[Bytes, Bytes, number | null]> };
  const zsetPool: Array<[Bytes, number]> = [];
  const hashPool: Array<[Bytes, Bytes, number | null]> = [];
  let mine: RdbValue | null = null;
  return {
    ...inner,
    onKey(i) {
      strLength = -1;
      mine = null;
      inner.onKey!(i);
    },
    // Strings are sized from their length: the reader builds no value for them (and must
    // not see collectKeys' onString, or it would build every string again).
    onString: undefined,
    // Elements too: the reader gives their lengths (and the text of those that could be
    // integers), and the collected value holds a stand-in of the same length for the rest.
    // The model only looks at an element's length and integer-ness, so its figures are the
    // same as from the real elements.
    onListItem: undefined,
    onSetMember: undefined,
    onZsetMember: undefined,
    onHashField: undefined,
    // Node boundaries do not change the figures (the model lays the list out itself).
    onListNode: undefined,
    onStringLength(length, isInt) {
      strLength = length;
      strIsInt = isInt;
    },
    onListItemLength(length, text) {
      if (mine !== listV) {
        mine = listV;
        listV.items.length = 0;
      }
      listV.items.push(text ?? standIn(length));
    },
    onSetMemberLength(length, text) {
      if (mine !== setV) {
        mine = setV;
        setV.members.length = 0;
      }
      setV.members.push(text ?? standIn(length));
    },
    onZsetMemberLength(length, text, score) {
      if (mine !== zsetV) {
        mine = zsetV;
        zsetV.entries.length = 0;
      }
      const a = zsetV.entries;
      const k = a.length;
      const m = text ?? standIn(length);
      let t = zsetPool[k];
      if (t) {
        t[0] = m;
        t[1] = score;
      } else {
        zsetPool[k] = t = [m, score];
      }
      a.push(t);
    },
    onHashFieldLength(fieldLength, fieldText, valueLength, valueText, expireAt) {
      if (mine !== hashV) {
        mine = hashV;
        hashV.entries.length = 0;
      }
      const a = hashV.entries;
      const k = a.length;
      const f = fieldText ?? standIn(fieldLength);
      const v = valueText ?? standIn(valueLength);
      let t = hashPool[k];
      if (t) {
        t[0] = f;
        t[1] = v;
        t[2] = expireAt;
      } else {
        hashPool[k] = t = [f, v, expireAt];
      }
      a.push(t);
    },
    onKeyEnd(i) {
      if (mine) {
        const v = mine;
        mine = null;
        inner.onKeyEnd!(i);
        if (builder.measure(i, v)) onKey(i, v, 0);
        return;
      }
      if (strLength < 0) return inner.onKeyEnd!(i);
      const n = strLength;
      strLength = -1;
      builder.measureStringLength(i, n, strIsInt);
      onKey(i, null, n);
    },
  };
}

/** Stand-ins by length, for the short ones (most elements). */
const STAND_INS: string[] = [];
const STAND_IN_CACHED = 1024;

/**
 * An element of this length that is not an integer to any of Redis's parsers (it starts with
 * a space): what measuringVisitor collects in place of an element the reader did not build.
 */
export function standIn(length: number): string {
  if (length > STAND_IN_CACHED) return ' '.repeat(length);
  return (STAND_INS[length] ??= ' '.repeat(length));
}

/** The record of a key measured by measuringVisitor. */
export function materialize(builder: RecordBuilder, info: RdbKeyInfo, value: RdbValue | null, strLength: number): MemoryRecord {
  if (value) return builder.materialize(info, value);
  // A string measured from its length: elements and largest element are that length.
  const rec = builder.materialize(info, { type: 'string', value: '' });
  rec.elements = rec.largestElement = strLength;
  return rec;
}

// --- top N ------------------------------------------------------------------------------

/**
 * The N biggest records seen, in a binary min-heap: memory is bounded by N whatever the key
 * count. Ties keep the earlier key (the order a stable sort by size, biggest first, gives).
 */
export class TopN<T extends { bytes: number }> {
  private readonly heap: Array<{ item: T; seq: number }> = [];
  private seq = 0;

  constructor(readonly limit: number) {}

  get size(): number {
    return this.heap.length;
  }

  /** a ranks below b: fewer bytes, or as many and seen later. */
  private static less(a: { item: { bytes: number }; seq: number }, b: { item: { bytes: number }; seq: number }): boolean {
    return a.item.bytes < b.item.bytes || (a.item.bytes === b.item.bytes && a.seq > b.seq);
  }

  /** Whether a record of this size would be kept (lets callers skip building it). */
  wouldKeep(bytes: number): boolean {
    if (this.heap.length < this.limit) return this.limit > 0;
    return bytes > this.heap[0]!.item.bytes;
  }

  push(item: T): void {
    const entry = { item, seq: this.seq++ };
    const h = this.heap;
    if (this.limit <= 0) return;
    if (h.length < this.limit) {
      h.push(entry);
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!TopN.less(h[i]!, h[p]!)) break;
        [h[i], h[p]] = [h[p]!, h[i]!];
        i = p;
      }
      return;
    }
    if (!TopN.less(h[0]!, entry)) return;
    h[0] = entry;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && TopN.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && TopN.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }

  /** Biggest first; ties in the order they were pushed. */
  sorted(): T[] {
    return [...this.heap].sort((a, b) => b.item.bytes - a.item.bytes || a.seq - b.seq).map((e) => e.item);
  }
}

// --- summaries --------------------------------------------------------------------------

export interface Aggregate {
  keys: number;
  bytes: number;
  /** Bytes under the default settings (what-if only). */
  baseBytes: number;
}

export interface SummaryRow extends Aggregate {
  /** The group: a type, "type encoding" pair, or db number. */
  name: string;
  type?: string;
  encoding?: string;
  db?: number;
}

function bump(map: Map<string, Aggregate>, name: string, bytes: number, baseBytes: number): void {
  const a = map.get(name);
  if (a) {
    a.keys++;
    a.bytes += bytes;
    a.baseBytes += baseBytes;
  } else {
    map.set(name, { keys: 1, bytes, baseBytes });
  }
}

function sortRows<T extends { bytes: number; name: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Totals by type, by type and encoding, and by database. */
export class Summary {
  readonly total: Aggregate = { keys: 0, bytes: 0, baseBytes: 0 };
  /** type → encoding → totals (nested maps: no string building per key). */
  private readonly encodings = new Map<string, Map<string, Aggregate>>();
  private readonly dbs: Array<Aggregate | undefined> = [];
  /** Encodings under the default settings, for what-if reports. */
  private readonly baseEncodings = new Map<string, Map<string, Aggregate>>();

  add(r: MemoryRecord): void {
    this.addFigures(r.db, r.type, r.encoding, r.bytes, r.base ? r.base.encoding : null, r.base ? r.base.bytes : r.bytes);
  }

  /** add() without a record object (baseEncoding null: no what-if settings). */
  addFigures(db: number, type: string, encoding: string, bytes: number, baseEncoding: string | null, baseBytes: number): void {
    const t = this.total;
    t.keys++;
    t.bytes += bytes;
    t.baseBytes += baseBytes;
    bumpPair(this.encodings, type, encoding, bytes, baseBytes);
    const d = this.dbs[db];
    if (d) {
      d.keys++;
      d.bytes += bytes;
      d.baseBytes += baseBytes;
    } else {
      this.dbs[db] = { keys: 1, bytes, baseBytes };
    }
    if (baseEncoding !== null) bumpPair(this.baseEncodings, type, baseEncoding, baseBytes, baseBytes);
  }

  byType(): SummaryRow[] {
    const rows: SummaryRow[] = [];
    for (const [type, encs] of this.encodings) {
      const a: Aggregate = { keys: 0, bytes: 0, baseBytes: 0 };
      for (const e of encs.values()) {
        a.keys += e.keys;
        a.bytes += e.bytes;
        a.baseBytes += e.baseBytes;
      }
      rows.push({ name: type, type, ...a });
    }
    return sortRows(rows);
  }

  byEncoding(): SummaryRow[] {
    return pairRows(this.encodings);
  }

  /** What-if reports: the encodings the same keys have under the default settings. */
  baseByEncoding(): SummaryRow[] {
    return pairRows(this.baseEncodings);
  }

  byDb(): SummaryRow[] {
    const rows: SummaryRow[] = [];
    this.dbs.forEach((a, db) => {
      if (a) rows.push({ name: String(db), db, ...a });
    });
    return rows;
  }
}

function bumpPair(map: Map<string, Map<string, Aggregate>>, type: string, encoding: string, bytes: number, baseBytes: number): void {
  let encs = map.get(type);
  if (!encs) map.set(type, (encs = new Map()));
  bump(encs, encoding, bytes, baseBytes);
}

function pairRows(map: Map<string, Map<string, Aggregate>>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [type, encs] of map) {
    for (const [encoding, a] of encs) rows.push({ name: `${type} ${encoding}`, type, encoding, ...a });
  }
  return sortRows(rows);
}

// --- prefix tree ------------------------------------------------------------------------

interface PrefixNode {
  keys: number;
  bytes: number;
  baseBytes: number;
  children: Map<Bytes, PrefixNode> | null;
  /** Keys under this prefix whose next-level prefix did not fit in the node limits. */
  other: Aggregate | null;
}

export interface PrefixRow extends Aggregate {
  /** The prefix bytes including the trailing separator ("user:"); null for keys without one. */
  prefix: Bytes | null;
  /** 1 for a top-level namespace, 2 for the next level, … */
  depth: number;
  /** Folded rows: keys whose prefixes at this level were left out (node limits). */
  otherPrefixes?: boolean;
}

export interface PrefixOptions {
  separator?: Bytes;
  /** Levels of nesting kept (default 3). */
  depth?: number;
  /** Distinct prefixes one level may hold under one parent (default 1000). */
  maxChildren?: number;
  /** Distinct prefixes in the whole tree (default 200000): bounds memory. */
  maxNodes?: number;
}

/**
 * Keys aggregated by namespace: "user:1:name" counts towards "user:" (depth 1) and "user:1:"
 * (depth 2), up to `depth` levels. Memory is bounded by the node limits, not by the key
 * count: once a level is full, keys under new prefixes are counted in that level's "other"
 * row (exact for every prefix that is shown).
 */
export class PrefixTree {
  readonly separator: Bytes;
  readonly depth: number;
  readonly maxChildren: number;
  readonly maxNodes: number;
  private readonly root: PrefixNode = { keys: 0, bytes: 0, baseBytes: 0, children: null, other: null };
  /** Keys with no separator at all. */
  readonly unprefixed: Aggregate = { keys: 0, bytes: 0, baseBytes: 0 };
  private nodes = 0;

  constructor(options: PrefixOptions = {}) {
    this.separator = options.separator ?? ':';
    if (this.separator.length === 0) throw new Error('the separator must not be empty');
    this.depth = options.depth ?? 3;
    this.maxChildren = options.maxChildren ?? 1000;
    this.maxNodes = options.maxNodes ?? 200000;
  }

  add(key: Bytes, bytes: number, baseBytes = bytes): void {
    const sep = this.separator;
    let end = key.indexOf(sep);
    if (end < 0) {
      this.unprefixed.keys++;
      this.unprefixed.bytes += bytes;
      this.unprefixed.baseBytes += baseBytes;
      return;
    }
    let node = this.root;
    let start = 0;
    for (let level = 1; level <= this.depth && end >= 0; level++) {
      const segment = key.slice(start, end);
      let children = node.children;
      let child = children?.get(segment);
      if (!child) {
        if ((children && children.size >= this.maxChildren) || this.nodes >= this.maxNodes) {
          const o = (node.other ??= { keys: 0, bytes: 0, baseBytes: 0 });
          o.keys++;
          o.bytes += bytes;
          o.baseBytes += baseBytes;
          return;
        }
        child = { keys: 0, bytes: 0, baseBytes: 0, children: null, other: null };
        // A copy, so the map does not keep the whole key string alive through a slice.
        (children ??= node.children = new Map()).set(flat(segment), child);
        this.nodes++;
      }
      child.keys++;
      child.bytes += bytes;
      child.baseBytes += baseBytes;
      node = child;
      start = end + sep.length;
      end = key.indexOf(sep, start);
    }
  }

  /**
   * Depth-first rows, biggest first at every level; `limit` prefixes per level under each
   * parent (the rest folded into an "other" row), rows under `minBytes` left out.
   */
  rows(limit = Infinity, minBytes = 0): PrefixRow[] {
    const out: PrefixRow[] = [];
    const walk = (node: PrefixNode, prefix: Bytes, depth: number) => {
      const kids = node.children ? [...node.children] : [];
      kids.sort((a, b) => b[1].bytes - a[1].bytes || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const other: Aggregate = node.other ? { ...node.other } : { keys: 0, bytes: 0, baseBytes: 0 };
      let shown = 0;
      for (const [seg, child] of kids) {
        if (shown >= limit || child.bytes < minBytes) {
          other.keys += child.keys;
          other.bytes += child.bytes;
          other.baseBytes += child.baseBytes;
          continue;
        }
        shown++;
        const p = prefix + seg + this.separator;
        out.push({ prefix: p, depth, keys: child.keys, bytes: child.bytes, baseBytes: child.baseBytes });
        if (depth < this.depth) walk(child, p, depth + 1);
      }
      if (other.keys > 0 && other.bytes >= minBytes) {
        out.push({ prefix: prefix === '' ? null : prefix, depth, ...other, otherPrefixes: true });
      }
    };
    walk(this.root, '', 1);
    if (this.unprefixed.keys > 0 && this.unprefixed.bytes >= minBytes) out.push({ prefix: null, depth: 1, ...this.unprefixed });
    return out;
  }
}

/** A flat copy of a (possibly sliced) string. */
function flat(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

// --- formats ----------------------------------------------------------------------------

export const CSV_HEADER = 'database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry\n';

/** rdbtools' type names: a sorted set is "sortedset". */
export function rdbtoolsType(type: string): string {
  return type === 'zset' ? 'sortedset' : type;
}

const MAX_EXPIRY_SECONDS = 221925052800;

/**
 * An expiry as rdbtools prints it: Python's datetime.isoformat() of the UTC time, without a
 * zone, microseconds only when not zero ("2024-05-01T10:00:00", "2024-05-01T10:00:00.250000").
 */
export function rdbtoolsExpiry(ms: number | null): string {
  if (ms === null) return '';
  let secs = Math.floor(ms / 1000);
  if (secs > MAX_EXPIRY_SECONDS) secs = MAX_EXPIRY_SECONDS;
  const micros = (ms - Math.floor(ms / 1000) * 1000) * 1000;
  const d = new Date(secs * 1000);
  const y = d.getUTCFullYear();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const text =
    `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return micros === 0 ? text : `${text}.${pad(micros, 6)}`;
}

/** A CSV field (RFC 4180 quoting when needed). Bytes stay bytes. */
export function csvField(s: Bytes): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2c || c === 0x22 || c === 0x0a || c === 0x0d) return '"' + s.replace(/"/g, '""') + '"';
  }
  return s;
}

/** One CSV line in rdbtools' memory report columns, as a byte string. */
export function csvLine(r: MemoryRecord): string {
  return `${r.db},${rdbtoolsType(r.type)},${csvField(r.key)},${r.bytes},${r.encoding},${r.elements},${r.largestElement},${rdbtoolsExpiry(r.expireAt)}\n`;
}

/** The JSON object of a record (`--format json/jsonl`). */
export function recordJson(r: MemoryRecord): Record<string, unknown> {
  const o: Record<string, unknown> = {
    db: r.db,
    key: bytesToJson(r.key),
    type: r.type,
    encoding: r.encoding,
    bytes: r.bytes,
    elements: r.elements,
    largestElement: r.largestElement,
    expireAt: r.expireAt,
  };
  if (r.base) {
    o['defaultEncoding'] = r.base.encoding;
    o['defaultBytes'] = r.base.bytes;
  }
  return o;
}

export function summaryJson(r: SummaryRow, by: 'type' | 'encoding' | 'db', whatIf: boolean): Record<string, unknown> {
  const o: Record<string, unknown> =
    by === 'type' ? { type: r.type } : by === 'encoding' ? { type: r.type, encoding: r.encoding } : { db: r.db };
  o['keys'] = r.keys;
  o['bytes'] = r.bytes;
  if (whatIf) o['defaultBytes'] = r.baseBytes;
  return o;
}

export function prefixJson(r: PrefixRow, whatIf: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { prefix: r.prefix === null ? null : bytesToJson(r.prefix), depth: r.depth };
  if (r.otherPrefixes) o['other'] = true;
  o['keys'] = r.keys;
  o['bytes'] = r.bytes;
  if (whatIf) o['defaultBytes'] = r.baseBytes;
  return o;
}

/** "user:*" for a prefix row; "(other)" and "(no separator)" rows named in words. */
export function prefixLabel(r: PrefixRow, separator: Bytes): string {
  if (r.otherPrefixes) return r.prefix === null ? '(other prefixes)' : `${r.prefix}(other)`;
  if (r.prefix === null) return `(keys without "${separator}")`;
  return r.prefix + '*';
}
