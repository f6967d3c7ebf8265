import type { Bytes } from '../../engine/bytes.js';
import { parseStrictInt } from '../../engine/object.js';
import { formatDouble, formatDouble17g } from '../../resp/double.js';
import * as C from './constants.js';
import { Crc64 } from './crc64.js';
import { lzfCompress } from './lzf.js';
import { encodeIntset, encodeListpack, encodeZiplist, ListpackBuilder, listpackEntrySize } from './packed-writer.js';
import type { StreamId, StreamMeta } from './types.js';
import type { RdbValue } from './value.js';

export type RdbWriteVersion = 9 | 10 | 11 | 12;

/** Encoding thresholds (Redis defaults); what Redis of the target version would pick. */
export interface WriterThresholds {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  /** list-max-listpack-size: negative = per-node byte limit level, positive = entries per node. */
  listMaxListpackSize: number;
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
}

export const DEFAULT_THRESHOLDS: WriterThresholds = {
  hashMaxListpackEntries: 512,
  hashMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  listMaxListpackSize: -2,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
};

/** Redis version that writes each RDB version (for the redis-ver AUX field). */
const REDIS_VER_FOR: Record<RdbWriteVersion, string> = { 9: '6.2.0', 10: '7.0.0', 11: '7.2.0', 12: '7.4.0' };

/** A feature the target version cannot hold, refused (the caller says how to go on). */
export class LossError extends Error {
  constructor(readonly feature: string, readonly version: RdbWriteVersion) {
    super(`${feature} cannot be written to RDB version ${version}`);
    this.name = 'LossError';
  }
}

export interface RdbWriterOptions {
  version: RdbWriteVersion;
  /** rdbcompression: LZF for strings longer than 20 bytes (default true). */
  compression?: boolean;
  thresholds?: Partial<WriterThresholds>;
  /** Drop what the target version cannot hold instead of refusing; each drop is reported. */
  lossy?: boolean;
  /** Called for every feature dropped in lossy mode. */
  onLoss?: (what: string) => void;
}

export interface KeyMeta {
  expireAt?: number | null;
  idle?: number | null;
  freq?: number | null;
}

/**
 * Writes RDB 9–12, choosing each value's encoding as Redis of that version would with
 * default (or given) thresholds, LZF-compressing strings as `rdbcompression yes` does, and
 * closing with the CRC64 trailer. Output goes to `sink` in order.
 */
export class RdbWriter {
  readonly version: RdbWriteVersion;
  private readonly crc = new Crc64();
  private readonly compression: boolean;
  private readonly t: WriterThresholds;
  private readonly lossy: boolean;
  private readonly onLoss: (what: string) => void;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  bytes = 0;

  constructor(
    private readonly sink: (buf: Buffer) => void,
    options: RdbWriterOptions,
  ) {
    this.version = options.version;
    this.compression = options.compression ?? true;
    this.t = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
    this.lossy = options.lossy ?? false;
    this.onLoss = options.onLoss ?? (() => {});
  }

  /** A feature the target cannot hold: refuse, or drop and report in lossy mode. */
  private loss(what: string): void {
    if (!this.lossy) throw new LossError(what, this.version);
    this.onLoss(what);
  }

  // --- low level ------------------------------------------------------------------------

  private emit(b: Buffer): void {
    this.parts.push(b);
    this.partsBytes += b.length;
    if (this.partsBytes >= 1 << 16) this.flush();
  }

  private flush(): void {
    if (!this.partsBytes) return;
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.partsBytes = 0;
    this.crc.update(buf);
    this.bytes += buf.length;
    this.sink(buf);
  }

  private byte(b: number): void {
    this.emit(Buffer.from([b]));
  }

  private len(n: number | bigint): void {
    const v = BigInt(n);
    if (v < 0n) throw new RangeError('negative length');
    if (v < 64n) this.emit(Buffer.from([Number(v)]));
    else if (v < 16384n) this.emit(Buffer.from([0x40 | Number(v >> 8n), Number(v & 0xffn)]));
    else if (v <= 0xffffffffn) {
      const b = Buffer.alloc(5);
      b[0] = C.RDB_32BITLEN;
      b.writeUInt32BE(Number(v), 1);
      this.emit(b);
    } else {
      const b = Buffer.alloc(9);
      b[0] = C.RDB_64BITLEN;
      b.writeBigUInt64BE(BigInt.asUintN(64, v), 1);
      this.emit(b);
    }
  }

  private ms(t: number): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(Math.trunc(t)), 0);
    this.emit(b);
  }

  /** rdbSaveRawString: integer encoding for short integers, LZF past 20 bytes, else raw. */
  private str(s: Bytes): void {
    const len = s.length;
    if (len <= 11) {
      const v = parseStrictInt(s);
      if (v !== null && v >= -2147483648n && v <= 2147483647n) {
        const n = Number(v);
        if (n >= -128 && n <= 127) this.emit(Buffer.from([0xc0 | C.RDB_ENC_INT8, n & 0xff]));
        else if (n >= -32768 && n <= 32767) {
          const b = Buffer.alloc(3);
          b[0] = 0xc0 | C.RDB_ENC_INT16;
          b.writeInt16LE(n, 1);
          this.emit(b);
        } else {
          const b = Buffer.alloc(5);
          b[0] = 0xc0 | C.RDB_ENC_INT32;
          b.writeInt32LE(n, 1);
          this.emit(b);
        }
        return;
      }
    }
    this.rawBytes(Buffer.from(s, 'latin1'));
  }

  private rawBytes(buf: Buffer): void {
    if (this.compression && buf.length > 20) {
      const out = lzfCompress(buf, buf.length - 4);
      if (out) {
        this.byte(0xc0 | C.RDB_ENC_LZF);
        this.len(out.length);
        this.len(buf.length);
        this.emit(Buffer.from(out));
        return;
      }
    }
    this.len(buf.length);
    this.emit(buf);
  }

  /** The key's name; absent from DUMP payloads, which carry only type and value. */
  private keyName(key: Bytes): void {
    if (!this.omitKey) this.str(key);
  }

  private omitKey = false;

  /**
   * A DUMP payload (cluster.c createDumpPayload): type byte and value, then the 2-byte RDB
   * version and a CRC64 of everything before it, both little-endian.
   */
  static dumpPayload(value: RdbValue, options: RdbWriterOptions): Buffer {
    const parts: Buffer[] = [];
    const w = new RdbWriter((b) => parts.push(b), options);
    w.omitKey = true;
    w.key('', value);
    w.flush();
    const version = Buffer.alloc(2);
    version.writeUInt16LE(options.version, 0);
    parts.push(version);
    const body = Buffer.concat(parts);
    const crc = new Crc64().update(body);
    return Buffer.concat([body, crc.bytes()]);
  }

  // --- records --------------------------------------------------------------------------

  header(aux: Array<[Bytes, Bytes]> = []): void {
    this.emit(Buffer.from(`REDIS${String(this.version).padStart(4, '0')}`, 'latin1'));
    const fields: Array<[Bytes, Bytes]> = [
      ['redis-ver', REDIS_VER_FOR[this.version]],
      ['redis-bits', '64'],
      ['ctime', String(Math.floor(Date.now() / 1000))],
      ['used-mem', '0'],
    ];
    if (this.version >= 10) fields.push(['aof-base', '0']);
    // Given AUX fields override ours (an AOF base says aof-base 1); others are appended.
    const given = new Map(aux);
    for (const f of fields) if (given.has(f[0])) f[1] = given.get(f[0])!;
    const own = new Set(fields.map(([k]) => k));
    for (const [k, v] of aux) if (!own.has(k) && !['aof-preamble', 'repl-stream-db', 'repl-id', 'repl-offset'].includes(k)) fields.push([k, v]);
    for (const [k, v] of fields) {
      this.byte(C.RDB_OPCODE_AUX);
      this.str(k);
      this.str(v);
    }
  }

  func(code: Bytes): void {
    if (this.version < 10) return this.loss('a function library (Redis Functions need RDB 10)');
    this.byte(C.RDB_OPCODE_FUNCTION2);
    this.str(code);
  }

  moduleAux(raw: Buffer): void {
    this.byte(C.RDB_OPCODE_MODULE_AUX);
    this.emit(raw);
  }

  selectDb(db: number, size?: number, expires?: number): void {
    this.byte(C.RDB_OPCODE_SELECTDB);
    this.len(db);
    if (size !== undefined) {
      this.byte(C.RDB_OPCODE_RESIZEDB);
      this.len(size);
      this.len(expires ?? 0);
    }
  }

  key(key: Bytes, value: RdbValue, meta: KeyMeta = {}): void {
    if (meta.expireAt !== null && meta.expireAt !== undefined) {
      this.byte(C.RDB_OPCODE_EXPIRETIME_MS);
      this.ms(meta.expireAt);
    }
    if (meta.idle !== null && meta.idle !== undefined) {
      this.byte(C.RDB_OPCODE_IDLE);
      this.len(meta.idle);
    } else if (meta.freq !== null && meta.freq !== undefined) {
      this.byte(C.RDB_OPCODE_FREQ);
      this.byte(meta.freq & 0xff);
    }
    switch (value.type) {
      case 'string':
        this.byte(C.RDB_TYPE_STRING);
        this.keyName(key);
        this.str(value.value);
        break;
      case 'list':
        return this.list(key, value.items, value.nodes);
      case 'set':
        return this.set(key, value.members, value.encoding);
      case 'zset':
        return this.zset(key, value.entries, value.encoding);
      case 'hash':
        return this.hash(key, value.entries, value.encoding);
      case 'stream':
        return this.stream(key, value.entries, value.meta);
      case 'module':
        this.byte(C.RDB_TYPE_MODULE_2);
        this.keyName(key);
        this.emit(value.raw);
        break;
    }
  }

  end(): void {
    this.byte(C.RDB_OPCODE_EOF);
    this.flush();
    const trailer = this.crc.bytes();
    this.bytes += 8;
    this.sink(trailer);
  }

  // --- values ---------------------------------------------------------------------------

  /** Quicklist nodes as Redis fills them: up to the per-node byte limit or entry count. */
  private list(key: Bytes, items: Bytes[], nodeSizes?: number[]): void {
    const nodes = nodeSizes ? splitBySizes(items, nodeSizes) : this.fillNodes(items);
    if (this.version >= 10) {
      this.byte(C.RDB_TYPE_LIST_QUICKLIST_2);
      this.keyName(key);
      this.len(nodes.length);
      for (const n of nodes) {
        this.len(C.QUICKLIST_NODE_CONTAINER_PACKED);
        this.rawBytes(encodeListpack(n));
      }
    } else {
      this.byte(C.RDB_TYPE_LIST_QUICKLIST);
      this.keyName(key);
      this.len(nodes.length);
      for (const n of nodes) this.rawBytes(encodeZiplist(n));
    }
  }

  /** Greedy quicklist filling when the value carries no node layout of its own. */
  private fillNodes(items: Bytes[]): Bytes[][] {
    const limit = this.t.listMaxListpackSize;
    const maxBytes = limit < 0 ? [4096, 8192, 16384, 32768, 65536][Math.min(5, -limit) - 1]! : Infinity;
    const maxCount = limit > 0 ? limit : Infinity;
    const nodes: Bytes[][] = [];
    let node: Bytes[] = [];
    let nodeBytes = 7;
    for (const item of items) {
      const sz = this.version >= 10 ? listpackEntrySize(item) : item.length + 11;
      if (node.length && (node.length >= maxCount || nodeBytes + sz > maxBytes)) {
        nodes.push(node);
        node = [];
        nodeBytes = 7;
      }
      node.push(item);
      nodeBytes += sz;
    }
    if (node.length) nodes.push(node);
    return nodes;
  }

  private set(key: Bytes, members: Bytes[], encoding?: string): void {
    const t = this.t;
    const intset = encoding ? encoding === 'intset' : members.length <= t.setMaxIntsetEntries && members.every((m) => parseStrictInt(m) !== null);
    const listpack = encoding
      ? encoding === 'listpack'
      : members.length <= t.setMaxListpackEntries && members.every((m) => m.length <= t.setMaxListpackValue);
    if (intset) {
      this.byte(C.RDB_TYPE_SET_INTSET);
      this.keyName(key);
      this.rawBytes(encodeIntset(members));
      return;
    }
    if (this.version >= 11 && listpack) {
      this.byte(C.RDB_TYPE_SET_LISTPACK);
      this.keyName(key);
      this.rawBytes(encodeListpack(members));
      return;
    }
    this.byte(C.RDB_TYPE_SET);
    this.keyName(key);
    this.len(members.length);
    for (const m of members) this.str(m);
  }

  private zset(key: Bytes, entries: Array<[Bytes, number]>, encoding?: string): void {
    const t = this.t;
    const listpack = encoding
      ? encoding === 'listpack'
      : entries.length <= t.zsetMaxListpackEntries && entries.every(([m]) => m.length <= t.zsetMaxListpackValue);
    if (listpack) {
      const sorted = [...entries].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const flat: string[] = [];
      // d2string: integral scores as integers, others as 7.0's %.17g or 7.2's shortest form.
      const fmt = this.version >= 11 ? formatDouble : formatDouble17g;
      for (const [m, s] of sorted) flat.push(m, Number.isInteger(s) && Math.abs(s) < 2 ** 63 ? BigInt(s).toString() : fmt(s));
      this.byte(this.version >= 10 ? C.RDB_TYPE_ZSET_LISTPACK : C.RDB_TYPE_ZSET_ZIPLIST);
      this.keyName(key);
      this.rawBytes(this.version >= 10 ? encodeListpack(flat) : encodeZiplist(flat));
      return;
    }
    this.byte(C.RDB_TYPE_ZSET_2);
    this.keyName(key);
    this.len(entries.length);
    for (const [m, s] of entries) {
      this.str(m);
      const b = Buffer.alloc(8);
      b.writeDoubleLE(s, 0);
      this.emit(b);
    }
  }

  private hash(key: Bytes, entries: Array<[Bytes, Bytes, number | null]>, encoding?: string): void {
    const t = this.t;
    let withTtl = entries.some((e) => e[2] !== null);
    if (withTtl && this.version < 12) {
      this.loss(`hash field TTLs of key ${JSON.stringify(key)} (they need RDB 12)`);
      withTtl = false;
    }
    const small = encoding
      ? encoding === 'listpack' || encoding === 'listpackex'
      : entries.length <= t.hashMaxListpackEntries &&
        entries.every(([f, v]) => f.length <= t.hashMaxListpackValue && v.length <= t.hashMaxListpackValue);
    if (withTtl) {
      const ttls = entries.map((e) => e[2]).filter((x): x is number => x !== null);
      const minExpire = Math.min(...ttls);
      if (small) {
        this.byte(C.RDB_TYPE_HASH_LISTPACK_EX);
        this.keyName(key);
        this.ms(minExpire);
        const b = new ListpackBuilder();
        for (const [f, v, ttl] of entries) b.add(f).add(v).add(String(ttl ?? 0));
        this.rawBytes(b.build());
      } else {
        this.byte(C.RDB_TYPE_HASH_METADATA);
        this.keyName(key);
        this.ms(minExpire);
        this.len(entries.length);
        for (const [f, v, ttl] of entries) {
          this.len(ttl === null ? 0 : ttl - minExpire + 1);
          this.str(f);
          this.str(v);
        }
      }
      return;
    }
    if (small) {
      const flat: string[] = [];
      for (const [f, v] of entries) flat.push(f, v);
      this.byte(this.version >= 10 ? C.RDB_TYPE_HASH_LISTPACK : C.RDB_TYPE_HASH_ZIPLIST);
      this.keyName(key);
      this.rawBytes(this.version >= 10 ? encodeListpack(flat) : encodeZiplist(flat));
      return;
    }
    this.byte(C.RDB_TYPE_HASH);
    this.keyName(key);
    this.len(entries.length);
    for (const [f, v] of entries) {
      this.str(f);
      this.str(v);
    }
  }

  private stream(key: Bytes, entries: Array<{ id: StreamId; fields: Bytes[] }>, meta: StreamMeta): void {
    const v = this.version;
    this.byte(v >= 11 ? C.RDB_TYPE_STREAM_LISTPACKS_3 : v >= 10 ? C.RDB_TYPE_STREAM_LISTPACKS_2 : C.RDB_TYPE_STREAM_LISTPACKS);
    this.keyName(key);
    const nodes = this.streamNodes(entries);
    this.len(nodes.length);
    for (const n of nodes) {
      const idBuf = Buffer.alloc(16);
      idBuf.writeBigUInt64BE(n.master.ms, 0);
      idBuf.writeBigUInt64BE(n.master.seq, 8);
      this.rawBytes(idBuf);
      this.rawBytes(n.listpack);
    }
    this.len(meta.length);
    this.len(meta.lastId.ms);
    this.len(meta.lastId.seq);
    if (v >= 10) {
      const first = meta.firstId ?? entries[0]?.id ?? { ms: 0n, seq: 0n };
      const maxDel = meta.maxDeletedId ?? { ms: 0n, seq: 0n };
      this.len(first.ms);
      this.len(first.seq);
      this.len(maxDel.ms);
      this.len(maxDel.seq);
      this.len(meta.entriesAdded ?? meta.length);
    }
    this.len(meta.groups.length);
    for (const g of meta.groups) {
      this.str(g.name);
      this.len(g.lastId.ms);
      this.len(g.lastId.seq);
      if (v >= 10) this.len(g.entriesRead ?? 0xffffffffffffffffn);
      this.len(g.pending.length);
      for (const p of g.pending) {
        this.rawId(p.id);
        this.ms(p.deliveryTime);
        this.len(p.deliveryCount);
      }
      this.len(g.consumers.length);
      for (const c of g.consumers) {
        this.str(c.name);
        this.ms(c.seenTime);
        if (v >= 11) this.ms(c.activeTime ?? c.seenTime);
        else if (c.activeTime !== null && c.activeTime !== c.seenTime) {
          this.loss(`the active-time of stream consumer ${JSON.stringify(c.name)} in key ${JSON.stringify(key)} (it needs RDB 11)`);
        }
        this.len(c.pending.length);
        for (const id of c.pending) this.rawId(id);
      }
    }
  }

  private rawId(id: StreamId): void {
    const b = Buffer.alloc(16);
    b.writeBigUInt64BE(id.ms, 0);
    b.writeBigUInt64BE(id.seq, 8);
    this.emit(b);
  }

  /** Packs entries into listpack nodes of at most stream-node-max-entries / -bytes. */
  private streamNodes(entries: Array<{ id: StreamId; fields: Bytes[] }>): Array<{ master: StreamId; listpack: Buffer }> {
    const out: Array<{ master: StreamId; listpack: Buffer }> = [];
    let i = 0;
    const { streamNodeMaxEntries: maxEntries, streamNodeMaxBytes: maxBytes } = this.t;
    while (i < entries.length) {
      const master = entries[i]!.id;
      const masterFields: Bytes[] = [];
      for (let f = 0; f < entries[i]!.fields.length; f += 2) masterFields.push(entries[i]!.fields[f]!);
      const body: string[] = [];
      let count = 0;
      let bytes = 0;
      while (i < entries.length && (count === 0 || ((maxEntries === 0 || count < maxEntries) && (maxBytes === 0 || bytes < maxBytes)))) {
        const e = entries[i]!;
        const names: Bytes[] = [];
        for (let f = 0; f < e.fields.length; f += 2) names.push(e.fields[f]!);
        const same = names.length === masterFields.length && names.every((n, k) => n === masterFields[k]);
        const numFields = names.length;
        const item: string[] = [String(same ? 2 : 0), (e.id.ms - master.ms).toString(), (e.id.seq - master.seq).toString()];
        if (same) for (let f = 1; f < e.fields.length; f += 2) item.push(e.fields[f]!);
        else item.push(String(numFields), ...e.fields);
        item.push(String(numFields + 3 + (same ? 0 : numFields + 1)));
        for (const s of item) bytes += listpackEntrySize(s);
        body.push(...item);
        count++;
        i++;
      }
      const lp = new ListpackBuilder();
      lp.add(String(count)).add('0').add(String(masterFields.length));
      for (const f of masterFields) lp.add(f);
      lp.add('0');
      for (const s of body) lp.add(s);
      out.push({ master, listpack: lp.build() });
    }
    return out;
  }
}

/** Cuts a flat item list back into nodes of the given sizes. */
export function splitBySizes(items: Bytes[], sizes: number[]): Bytes[][] {
  const out: Bytes[][] = [];
  let at = 0;
  for (const n of sizes) {
    out.push(items.slice(at, at + n));
    at += n;
  }
  if (at < items.length) out.push(items.slice(at));
  return out.filter((n) => n.length);
}
