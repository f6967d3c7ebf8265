import type { Bytes } from '../bytes.js';
import type { RedisObject } from '../object.js';
import { LP_EMPTY_BYTES, lpEntrySize, lpIntEntrySize } from '../../datastruct/listpack.js';
import {
  compareId,
  IdMap,
  idIsZero,
  idToKey,
  MAX_ID,
  MIN_ID,
  type StreamID,
  U64_MAX,
} from '../../datastruct/stream-id.js';

/**
 * A stream (t_stream.c). Entries live in nodes that mirror Redis's radix tree of listpacks
 * one for one: a node takes entries until its listpack would reach stream-node-max-bytes or
 * hold stream-node-max-entries items (live + deleted), and the exact listpack byte size is
 * tracked, so approximate trimming (~), which only drops whole nodes, removes exactly what
 * Redis removes. Entries are immutable; XDEL and partial trims only flag them deleted.
 */

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

/** Stream listpacks never grow past this (STREAM_LISTPACK_MAX_SIZE). */
const LISTPACK_MAX_SIZE = 1 << 30;

export interface StreamEntry {
  readonly id: StreamID;
  /** [f1, v1, f2, v2, …] */
  readonly fields: Bytes[];
  flags: number;
}

export class StreamNode {
  /** Bytes of every listpack element except the count and deleted header integers. */
  body = 0;
  count = 0;
  deleted = 0;
  readonly entries: StreamEntry[] = [];
  constructor(
    readonly master: StreamID,
    readonly masterFields: Bytes[],
  ) {}

  /** lpBytes of the node's listpack. */
  get bytes(): number {
    return LP_EMPTY_BYTES + lpIntEntrySize(this.count) + lpIntEntrySize(this.deleted) + this.body;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.master, this.masterFields);
    n.body = this.body;
    n.count = this.count;
    n.deleted = this.deleted;
    for (const e of this.entries) n.entries.push({ id: e.id, fields: e.fields, flags: e.flags });
    return n;
  }
}

export interface StreamConsumer {
  readonly name: Bytes;
  seenTime: number;
  /** -1 until the consumer first gets or claims an entry. */
  activeTime: number;
  readonly pel: IdMap<StreamNack>;
}

export interface StreamNack {
  consumer: StreamConsumer | null;
  deliveryTime: number;
  deliveryCount: bigint;
}

/** SCG_INVALID_ENTRIES_READ */
export const INVALID_ENTRIES_READ = -1n;

export interface ConsumerGroup {
  lastId: StreamID;
  entriesRead: bigint;
  readonly pel: IdMap<StreamNack>;
  readonly consumers: Map<Bytes, StreamConsumer>;
}

export type TrimStrategy = 'maxlen' | 'minid';

export interface TrimArgs {
  strategy: TrimStrategy;
  approx: boolean;
  /** 0 = no limit. */
  limit: number;
  maxlen: number;
  minid: StreamID;
}

export interface StreamNodeLimits {
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
}

/** What an RDB carries besides the entries (shape of the RDB reader's StreamMeta). */
export interface StreamLoadMeta {
  lastId: StreamID;
  firstId: StreamID | null;
  maxDeletedId: StreamID | null;
  entriesAdded: bigint | null;
  groups: Array<{
    name: Bytes;
    lastId: StreamID;
    entriesRead: bigint | null;
    pending: Array<{ id: StreamID; deliveryTime: number; deliveryCount: number }>;
    consumers: Array<{ name: Bytes; seenTime: number; activeTime: number | null; pending: StreamID[] }>;
  }>;
}

function byteOrder(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class StreamObject implements RedisObject {
  readonly type = 'stream' as const;
  readonly encoding = 'stream';
  lru = 0;
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = MIN_ID;
  firstId: StreamID = MIN_ID;
  maxDeletedId: StreamID = MIN_ID;
  entriesAdded = 0n;
  groups: Map<Bytes, ConsumerGroup> | null = null;

  /**
   * Builds a stream from its entries as a loader would (appending in order with the node
   * limits of `config`), with optional metadata.
   */
  static fromEntries(
    entries: Iterable<{ ms: bigint; seq: bigint; fields: Bytes[] }>,
    config: StreamNodeLimits,
    meta: { lastId?: StreamID; entriesAdded?: bigint; maxDeletedId?: StreamID } = {},
  ): StreamObject {
    const s = new StreamObject();
    for (const e of entries) s.append({ ms: e.ms, seq: e.seq }, e.fields, config);
    if (meta.lastId && compareId(meta.lastId, s.lastId) > 0) s.lastId = meta.lastId;
    if (meta.entriesAdded !== undefined) s.entriesAdded = meta.entriesAdded;
    if (meta.maxDeletedId) s.maxDeletedId = meta.maxDeletedId;
    return s;
  }

  /**
   * rdbLoad of a stream: entries plus the metadata and consumer groups a file carries
   * (fields null where an older RDB version lacks them, filled in as Redis's loader does).
   */
  static fromLoad(
    entries: Iterable<{ id: StreamID; fields: Bytes[] }>,
    meta: StreamLoadMeta,
    config: StreamNodeLimits,
  ): StreamObject {
    const s = new StreamObject();
    for (const e of entries) s.append(e.id, e.fields, config);
    if (compareId(meta.lastId, s.lastId) > 0) s.lastId = meta.lastId;
    s.entriesAdded = meta.entriesAdded ?? BigInt(s.length);
    if (meta.maxDeletedId) s.maxDeletedId = meta.maxDeletedId;
    if (meta.firstId && s.length) s.firstId = meta.firstId;
    for (const lg of meta.groups) {
      const entriesRead = lg.entriesRead ?? s.estimateDistance(lg.lastId);
      const g = s.createGroup(lg.name, lg.lastId, entriesRead);
      if (!g) continue;
      for (const p of lg.pending) {
        g.pel.set(p.id, { consumer: null, deliveryTime: p.deliveryTime, deliveryCount: BigInt(p.deliveryCount) });
      }
      for (const lc of lg.consumers) {
        const c: StreamConsumer = {
          name: lc.name,
          seenTime: lc.seenTime,
          // Before RDB 11 the file has no active time: the loader's best estimate is seen-time.
          activeTime: lc.activeTime ?? lc.seenTime,
          pel: new IdMap(),
        };
        for (const id of lc.pending) {
          const nack = g.pel.get(id);
          if (!nack) continue;
          nack.consumer = c;
          c.pel.set(id, nack);
        }
        g.consumers.set(lc.name, c);
      }
    }
    return s;
  }

  /** Live entries in ID order (DEBUG DIGEST, persistence). */
  *entries(): Generator<{ ms: bigint; seq: bigint; fields: Bytes[] }> {
    for (const node of this.nodes) {
      for (const e of node.entries) {
        if (!(e.flags & FLAG_DELETED)) yield { ms: e.id.ms, seq: e.id.seq, fields: e.fields };
      }
    }
  }

  clone(): StreamObject {
    const s = new StreamObject();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups) {
      s.groups = new Map();
      for (const [name, g] of this.groups) {
        const ng: ConsumerGroup = {
          lastId: g.lastId,
          entriesRead: g.entriesRead,
          pel: new IdMap(),
          consumers: new Map(),
        };
        const map = new Map<StreamNack, StreamNack>();
        for (const [id, nack] of g.pel.entries()) {
          const nn: StreamNack = { consumer: null, deliveryTime: nack.deliveryTime, deliveryCount: nack.deliveryCount };
          map.set(nack, nn);
          ng.pel.set(id, nn);
        }
        for (const [cname, c] of g.consumers) {
          const nc: StreamConsumer = { name: cname, seenTime: c.seenTime, activeTime: c.activeTime, pel: new IdMap() };
          for (const [id, nack] of c.pel.entries()) {
            const nn = map.get(nack)!;
            nn.consumer = nc;
            nc.pel.set(id, nn);
          }
          ng.consumers.set(cname, nc);
        }
        s.groups.set(name, ng);
      }
    }
    return s;
  }

  // --- appending -----------------------------------------------------------------------

  /** streamAppendItem with an already validated ID (greater than lastId). */
  append(id: StreamID, fields: Bytes[], config: StreamNodeLimits): void {
    const numfields = fields.length >> 1;
    let totelelen = 0;
    for (const f of fields) totelelen += f.length;
    let node = this.nodes.length ? this.nodes[this.nodes.length - 1]! : null;
    if (node) {
      let maxBytes = config.streamNodeMaxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (node.bytes + totelelen >= maxBytes) node = null;
      else if (config.streamNodeMaxEntries && node.count + node.deleted >= config.streamNodeMaxEntries) node = null;
    }
    let flags = 0;
    if (!node) {
      const masterFields: Bytes[] = new Array(numfields);
      let body = lpIntEntrySize(numfields) + lpIntEntrySize(0);
      for (let i = 0; i < numfields; i++) {
        masterFields[i] = fields[i * 2]!;
        body += lpEntrySize(fields[i * 2]!);
      }
      node = new StreamNode(id, masterFields);
      node.body = body;
      this.nodes.push(node);
      this.nodesVersion++;
      flags = FLAG_SAMEFIELDS;
    } else if (numfields === node.masterFields.length) {
      let same = true;
      for (let i = 0; i < numfields; i++) {
        if (fields[i * 2] !== node.masterFields[i]) {
          same = false;
          break;
        }
      }
      if (same) flags = FLAG_SAMEFIELDS;
    }
    node.count++;
    const master = node.master;
    let body = lpIntEntrySize(flags);
    body += lpIntEntrySize(BigInt.asIntN(64, id.ms - master.ms));
    body += lpIntEntrySize(BigInt.asIntN(64, id.seq - master.seq));
    let lpCount = numfields + 3;
    if (flags & FLAG_SAMEFIELDS) {
      for (let i = 1; i < fields.length; i += 2) body += lpEntrySize(fields[i]!);
    } else {
      body += lpIntEntrySize(numfields);
      for (const f of fields) body += lpEntrySize(f);
      lpCount += numfields + 1;
    }
    body += lpIntEntrySize(lpCount);
    node.body += body;
    node.entries.push({ id, fields, flags });
    this.length++;
    this.entriesAdded++;
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  // --- lookup and iteration ------------------------------------------------------------

  /** Index of the last node whose master ID is <= id, or -1. */
  private nodeAtOrBefore(id: StreamID): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareId(nodes[mid]!.master, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  private static lowerBound(entries: StreamEntry[], id: StreamID): number {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareId(entries[mid]!.id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The live entry with this ID. */
  find(id: StreamID): StreamEntry | undefined {
    const ni = this.nodeAtOrBefore(id);
    if (ni < 0) return undefined;
    const node = this.nodes[ni]!;
    const i = StreamObject.lowerBound(node.entries, id);
    const e = node.entries[i];
    if (!e || compareId(e.id, id) !== 0 || e.flags & FLAG_DELETED) return undefined;
    return e;
  }

  /** Live entries with start <= id <= end, ascending (or descending with rev). */
  *range(start: StreamID, end: StreamID, rev = false): Generator<StreamEntry> {
    if (compareId(start, end) > 0) return;
    const nodes = this.nodes;
    if (!rev) {
      let ni = Math.max(0, this.nodeAtOrBefore(start));
      let i = nodes[ni] ? StreamObject.lowerBound(nodes[ni]!.entries, start) : 0;
      for (; ni < nodes.length; ni++, i = 0) {
        const es = nodes[ni]!.entries;
        for (; i < es.length; i++) {
          const e = es[i]!;
          if (compareId(e.id, end) > 0) return;
          if (!(e.flags & FLAG_DELETED)) yield e;
        }
      }
    } else {
      let ni = this.nodeAtOrBefore(end);
      if (ni < 0) return;
      let i = StreamObject.lowerBound(nodes[ni]!.entries, end);
      const first = nodes[ni]!.entries[i];
      if (!first || compareId(first.id, end) > 0) i--;
      for (; ni >= 0; ) {
        const es = nodes[ni]!.entries;
        for (; i >= 0; i--) {
          const e = es[i]!;
          if (compareId(e.id, start) < 0) return;
          if (!(e.flags & FLAG_DELETED)) yield e;
        }
        ni--;
        if (ni >= 0) i = nodes[ni]!.entries.length - 1;
      }
    }
  }

  /** streamLastValidID: the last live entry's ID (0-0 when empty). */
  lastValidId(): StreamID {
    const nodes = this.nodes;
    for (let ni = nodes.length - 1; ni >= 0; ni--) {
      const es = nodes[ni]!.entries;
      for (let i = es.length - 1; i >= 0; i--) if (!(es[i]!.flags & FLAG_DELETED)) return es[i]!.id;
    }
    return MIN_ID;
  }

  /** streamGetEdgeID(first, skipTombstones). */
  edgeId(first: boolean, skipTombstones: boolean): StreamID {
    if (skipTombstones) {
      for (const e of this.range(MIN_ID, MAX_ID, !first)) return e.id;
    } else if (this.nodes.length) {
      const node = first ? this.nodes[0]! : this.nodes[this.nodes.length - 1]!;
      const e = first ? node.entries[0] : node.entries[node.entries.length - 1];
      if (e) return e.id;
    }
    return first ? MAX_ID : MIN_ID;
  }

  // --- deleting --------------------------------------------------------------------------

  /** streamDeleteItem: flags the entry deleted (dropping its node when it was the last live one). */
  delete(id: StreamID): boolean {
    const ni = this.nodeAtOrBefore(id);
    if (ni < 0) return false;
    const node = this.nodes[ni]!;
    const i = StreamObject.lowerBound(node.entries, id);
    const e = node.entries[i];
    if (!e || compareId(e.id, id) !== 0 || e.flags & FLAG_DELETED) return false;
    e.flags |= FLAG_DELETED;
    if (node.count === 1) {
      this.nodes.splice(ni, 1);
      this.nodesVersion++;
    } else {
      node.count--;
      node.deleted++;
    }
    this.length--;
    return true;
  }

  /** streamTrim: returns how many entries were removed. */
  trim(args: TrimArgs): number {
    const { strategy, approx, limit, maxlen, minid } = args;
    let deleted = 0;
    let removeNodes = 0;
    const nodes = this.nodes;
    while (removeNodes < nodes.length) {
      if (strategy === 'maxlen' && this.length <= maxlen) break;
      const node = nodes[removeNodes]!;
      const entries = node.count;
      if (limit && deleted + entries > limit) break;
      let removeNode: boolean;
      if (strategy === 'maxlen') {
        removeNode = this.length - entries >= maxlen;
      } else {
        const last = node.entries[node.entries.length - 1]!.id;
        removeNode = compareId(last, minid) < 0;
      }
      if (removeNode) {
        removeNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (approx) break;
      let deletedFromNode = 0;
      for (const e of node.entries) {
        const stop = strategy === 'maxlen' ? this.length <= maxlen : compareId(e.id, minid) >= 0;
        if (stop) break;
        if (!(e.flags & FLAG_DELETED)) {
          e.flags |= FLAG_DELETED;
          deletedFromNode++;
          this.length--;
        }
      }
      deleted += deletedFromNode;
      node.count -= deletedFromNode;
      node.deleted += deletedFromNode;
      break;
    }
    if (removeNodes) {
      nodes.splice(0, removeNodes);
      this.nodesVersion++;
    }
    if (this.length === 0) this.firstId = MIN_ID;
    else if (deleted) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  // --- introspection ---------------------------------------------------------------------

  /** raxSize of the node tree. */
  get radixTreeKeys(): number {
    return this.nodes.length;
  }

  /**
   * rax->numnodes for the node keys (16-byte big-endian master IDs): the root, every key,
   * every prefix where keys branch and every child of such a prefix.
   */
  get radixTreeNodes(): number {
    if (this.raxNodesVersion !== this.nodesVersion) {
      this.raxNodesCount = this.countRaxNodes();
      this.raxNodesVersion = this.nodesVersion;
    }
    return this.raxNodesCount;
  }

  /** Bumped whenever a node is added or removed; radixTreeNodes is cached per version. */
  private nodesVersion = 0;
  private raxNodesVersion = -1;
  private raxNodesCount = 0;

  private countRaxNodes(): number {
    const keys = this.nodes.map((n) => idToKey(n.master));
    const set = new Set<string>(['']);
    for (const k of keys) set.add(k);
    for (let i = 0; i + 1 < keys.length; i++) {
      const a = keys[i]!;
      const b = keys[i + 1]!;
      let l = 0;
      while (l < a.length && a.charCodeAt(l) === b.charCodeAt(l)) l++;
      set.add(a.slice(0, l));
      set.add(a.slice(0, l + 1));
      set.add(b.slice(0, l + 1));
    }
    return set.size;
  }

  // --- consumer groups -------------------------------------------------------------------

  group(name: Bytes): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** streamCreateCG: undefined when the name exists. */
  createGroup(name: Bytes, lastId: StreamID, entriesRead: bigint): ConsumerGroup | undefined {
    if (!this.groups) this.groups = new Map();
    if (this.groups.has(name)) return undefined;
    const g: ConsumerGroup = { lastId, entriesRead, pel: new IdMap(), consumers: new Map() };
    this.groups.set(name, g);
    return g;
  }

  /** Groups in rax (byte) order. */
  sortedGroups(): Array<[Bytes, ConsumerGroup]> {
    if (!this.groups) return [];
    return [...this.groups].sort((a, b) => byteOrder(a[0], b[0]));
  }

  /** streamRangeHasTombstones */
  rangeHasTombstones(start: StreamID | null, end: StreamID | null): boolean {
    if (!this.length || idIsZero(this.maxDeletedId)) return false;
    // The latest tombstone is before the first entry.
    if (compareId(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? MIN_ID;
    const e = end ?? MAX_ID;
    return compareId(s, this.maxDeletedId) <= 0 && compareId(this.maxDeletedId, e) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or -1. */
  estimateDistance(id: StreamID): bigint {
    if (!this.entriesAdded) return 0n;
    if (!this.length && compareId(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareId(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpIdFirst = compareId(id, this.firstId);
    const cmpXdelFirst = compareId(this.maxDeletedId, this.firstId);
    if (idIsZero(this.maxDeletedId) || cmpXdelFirst < 0) {
      if (cmpIdFirst < 0) return this.entriesAdded - BigInt(this.length);
      if (cmpIdFirst === 0) return this.entriesAdded - BigInt(this.length) + 1n;
    }
    return INVALID_ENTRIES_READ;
  }

  /** streamReplyWithCGLag's value: the group's lag, or null when it cannot be known. */
  groupLag(g: ConsumerGroup): bigint | null {
    if (!this.entriesAdded) return 0n;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId, null)) {
      return this.entriesAdded - g.entriesRead;
    }
    const read = this.estimateDistance(g.lastId);
    if (read !== INVALID_ENTRIES_READ) return this.entriesAdded - read;
    return null;
  }
}

export { U64_MAX };
