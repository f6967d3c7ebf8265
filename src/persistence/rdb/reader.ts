import fs from 'node:fs';
import { parseStrictInt } from '../../engine/object.js';
import { ByteCursor } from '../io/cursor.js';
import { CorruptError, FormatError, NeedMoreData, TruncatedError } from '../io/errors.js';
import * as C from './constants.js';
import { crc64OfFileInWorker } from './crc-worker.js';
import { Crc64 } from './crc64.js';
import { lzfDecompress } from './lzf.js';
import { checkLpBacklen, decodeIntset, decodeListpack, decodeZiplist, decodeZipmap } from './packed.js';
import type { RdbKeyInfo, RdbVisitor, StreamGroup, StreamId, StreamMeta } from './types.js';
import { latin1Slice } from '../io/latin1.js';

/** Where the parser is between units. */
type State =
  | { kind: 'header' }
  | { kind: 'top' }
  | { kind: 'elements'; rdbType: number; remaining: number }
  | { kind: 'quicklist'; rdbType: number; remaining: number }
  | { kind: 'stream-nodes'; rdbType: number; remaining: number; lastMaster: StreamId | null }
  | { kind: 'stream-meta'; rdbType: number }
  | { kind: 'hash-md'; remaining: number; minExpire: number; preGa: boolean }
  | { kind: 'done' };

const MODULE_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The 9-character module name encoded in the top 54 bits of a module id. */
export function crcMismatch(stored: bigint, computed: bigint, offset: number): CorruptError {
  return new CorruptError(
    `RDB CRC error: stored checksum ${stored.toString(16).padStart(16, '0')}, computed ${computed.toString(16).padStart(16, '0')}`,
    offset,
    'reading the checksum',
  );
}

export function moduleNameFromId(id: bigint): string {
  let name = '';
  for (let i = 0; i < 9; i++) name += MODULE_CHARSET[Number((id >> BigInt(64 - 6 * (i + 1))) & 63n)];
  return name;
}

export interface RdbParserOptions {
  /** Verify the CRC64 trailer (default true). */
  checksum?: boolean;
  /** Treat the input as an AOF preamble: stop right after EOF + checksum. */
  preamble?: boolean;
  /** Build key names (default true). A pure check skips them: errors then name the key's offset. */
  keys?: boolean;
  /** Leave the CRC64 to the caller (computed elsewhere, e.g. on a worker thread). */
  deferChecksum?: boolean;
  /**
   * Build key names only on demand: each RdbKeyInfo has keyLength, and `key` stays '' until
   * keyName(info) builds it (for consumers that need the names of few keys).
   */
  lazyKeys?: boolean;
}

/** The key's name: built here on first use when the reader ran with lazyKeys. */
export function keyName(info: RdbKeyInfo): string {
  const src = info.keySource;
  if (src) {
    const start = info.keyStart!;
    info.key = src.toString('latin1', start, start + info.keyLength!);
    info.keySource = null;
  }
  return info.key;
}

/** The key's length in bytes, without building its name. */
export function keyLength(info: RdbKeyInfo): number {
  return info.keyLength ?? info.key.length;
}

/**
 * Streaming RDB parser. Feed it chunks; it calls the visitor as records complete. It parses
 * one unit at a time (an opcode record, a key header, one element, one packed blob) and only
 * consumes a unit once it is entirely in the window, so it can stop at any byte and resume
 * when more arrives. Memory is bounded by the largest single unit, not by the file or the key.
 */
export class RdbParser {
  version = 0;
  magic: 'REDIS' | 'VALKEY' = 'REDIS';
  private state: State = { kind: 'header' };
  private window: Buffer = Buffer.alloc(0);
  /** File offset of window[0]. */
  private base = 0;
  private readonly crc = new Crc64();
  private readonly checkCrc: boolean;
  private readonly readKeys: boolean;
  private readonly lazyKeys: boolean;
  private readonly deferChecksum: boolean;
  /** With deferChecksum: the stored CRC and the length it covers, for the caller to check. */
  deferredChecksum: { stored: bigint; end: number } | null = null;
  private db = 0;
  private pendingExpire: number | null = null;
  private pendingIdle: number | null = null;
  private pendingFreq: number | null = null;
  private key: RdbKeyInfo | null = null;
  private keyStarted = false;
  /** Bytes the current unit needs beyond the window (from NeedMoreData), to batch chunks. */
  private shortBy = 0;
  /** Reused output for LZF strings that are validated but not kept. */
  private scratch = Buffer.allocUnsafe(1 << 16);
  private pendingChunks: Buffer[] = [];
  /** Whether the string strLength last read is an integer. */
  private strIsInt = false;
  /** The text of the element strShape last read, when it could be an integer; else null. */
  private shapeText: string | null = null;
  /** Reused entry lengths and texts of a quicklist node read for length-only events. */
  private readonly nodeLens: number[] = [];
  private readonly nodeTexts: Array<string | null> = [];
  /** Where each string entry's bytes start in its blob (-1: an integer entry). */
  private readonly nodeStarts: number[] = [];
  private pendingBytes = 0;
  /** Where the parser stopped (absolute offset); for a preamble, where the AOF tail begins. */
  endOffset = -1;
  keysRead = 0;
  emptyKeysSkipped = 0;

  constructor(
    private readonly visitor: RdbVisitor,
    options: RdbParserOptions = {},
  ) {
    this.checkCrc = options.checksum ?? true;
    this.deferChecksum = this.checkCrc && (options.deferChecksum ?? false);
    this.readKeys = options.keys ?? true;
    this.lazyKeys = options.lazyKeys ?? false;
  }

  get done(): boolean {
    return this.state.kind === 'done';
  }

  /** Offset of the first byte not yet consumed. */
  get offset(): number {
    return this.base;
  }

  /** The bytes of the window after the end of the RDB (the AOF tail of a preamble file). */
  get rest(): Buffer {
    return this.window;
  }

  feed(chunk: Buffer): void {
    if (this.state.kind === 'done') {
      this.window = this.window.length ? Buffer.concat([this.window, chunk]) : chunk;
      return;
    }
    if (this.shortBy > 0) {
      // Gather chunks until the unit can complete, then join once (no quadratic copying).
      this.pendingChunks.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.shortBy) return;
      this.window = Buffer.concat([this.window, ...this.pendingChunks]);
      this.pendingChunks = [];
      this.pendingBytes = 0;
      this.shortBy = 0;
    } else {
      this.window = this.window.length ? Buffer.concat([this.window, chunk]) : chunk;
    }
    this.run(false);
  }

  /** No more input: anything unfinished is truncation. */
  end(): void {
    if (this.pendingChunks.length) {
      this.window = Buffer.concat([this.window, ...this.pendingChunks]);
      this.pendingChunks = [];
      this.shortBy = 0;
    }
    this.run(true);
    if (this.state.kind !== 'done') {
      throw new TruncatedError(this.base + this.window.length, this.context(), 'more data before EOF (0xff)');
    }
  }

  private keyContext(): string {
    const k = this.key!;
    return this.readKeys || this.lazyKeys ? `of key ${JSON.stringify(keyName(k))} in db ${k.db}` : `of the key at offset ${k.offset} in db ${k.db}`;
  }

  private context(): string {
    if (this.key) return `reading ${this.key.type} value ${this.keyContext()}`;
    return this.state.kind === 'header' ? 'reading the header' : 'reading the next record';
  }

  private run(final: boolean): void {
    const cur = new ByteCursor(this.window, this.base, final);
    let committed = 0;
    try {
      while (this.state.kind !== 'done') {
        cur.pos = committed;
        this.step(cur);
        committed = cur.pos;
      }
    } catch (e) {
      if (!(e instanceof NeedMoreData)) throw this.decorate(e, cur);
      if (final) {
        throw new TruncatedError(this.base + this.window.length, this.context(), `${e.needed} more byte(s)`);
      }
      this.shortBy = e.needed;
    }
    // The CRC covers consumed bytes; the EOF step already folded its own bytes in. Not
    // computed at all when nobody will check it.
    if (this.checkCrc && !this.deferChecksum && this.state.kind !== 'done') this.crc.update(this.window, 0, committed);
    this.base += committed;
    this.window = this.window.subarray(committed);
  }

  private decorate(e: unknown, cur: ByteCursor): unknown {
    // Errors from the packed decoders name the encoding; add which key it belongs to.
    if (e instanceof CorruptError && this.key && !e.context.startsWith('reading')) {
      return new CorruptError(e.reason, e.offset, `${e.context ? e.context + ' ' : ''}${this.keyContext()}`);
    }
    if (e instanceof FormatError) return e;
    if (e instanceof RangeError) return new CorruptError(e.message, cur.offset, this.context());
    return e;
  }

  private corrupt(reason: string, cur: ByteCursor, at = cur.offset): never {
    throw new CorruptError(reason, at, this.context());
  }

  // --- primitives -----------------------------------------------------------------------

  /** rdbLoadLen: returns the length, or -(encoding+1) for a special string encoding. */
  private len(cur: ByteCursor): number {
    const b = cur.u8();
    const type = (b & 0xc0) >> 6;
    if (type === C.RDB_ENCVAL) return -((b & 0x3f) + 1);
    if (type === C.RDB_6BITLEN) return b & 0x3f;
    if (type === C.RDB_14BITLEN) return ((b & 0x3f) << 8) | cur.u8();
    if (b === C.RDB_32BITLEN) return cur.u32be();
    if (b === C.RDB_64BITLEN) {
      const v = cur.u64be();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.corrupt(`length ${v} is too large`, cur);
      return Number(v);
    }
    this.corrupt(`unknown length encoding byte 0x${b.toString(16)}`, cur, cur.offset - 1);
  }

  /** A plain length (special encodings are corruption here). */
  private plainLen(cur: ByteCursor, what: string): number {
    const at = cur.offset;
    const n = this.len(cur);
    if (n < 0) this.corrupt(`expected a length for ${what}, found a string encoding`, cur, at);
    return n;
  }

  private lenBig(cur: ByteCursor): bigint {
    const b = cur.buf[cur.pos];
    if (b === C.RDB_64BITLEN) {
      cur.pos++;
      return cur.u64be();
    }
    return BigInt(this.plainLen(cur, 'a number'));
  }

  /** rdbGenericLoadStringObject as an engine byte string. */
  private str(cur: ByteCursor): string {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) return cur.latin1(n);
    switch (-n - 1) {
      case C.RDB_ENC_INT8:
        return String(cur.i8());
      case C.RDB_ENC_INT16:
        return String(cur.i16le());
      case C.RDB_ENC_INT32:
        return String(cur.i32le());
      case C.RDB_ENC_LZF: {
        const ulen = this.lzf(cur, at);
        return this.lzfOut.toString('latin1', 0, ulen);
      }
      default:
        this.corrupt(`unknown string encoding ${-n - 1}`, cur, at);
    }
  }

  /** An LZF string's bytes, decompressed into lzfOut[0, returned length). */
  private lzf(cur: ByteCursor, at: number): number {
    const clen = this.plainLen(cur, 'LZF compressed length');
    const ulen = this.plainLen(cur, 'LZF uncompressed length');
    cur.need(clen);
    // Decompress into the reusable scratch buffer, then take the string from it.
    if (this.scratch.length < ulen && ulen <= 1 << 24) this.scratch = Buffer.allocUnsafe(ulen);
    const out = lzfDecompress(cur.buf, ulen, this.scratch, cur.pos, cur.pos + clen);
    cur.pos += clen;
    if (!out) this.corrupt('invalid LZF compressed string', cur, at);
    this.lzfOut = out;
    return ulen;
  }
  private lzfOut: Buffer = this.scratch;

  /**
   * str() for onStringBytes: the string's bytes as a view (viewBuf[viewStart, viewEnd)),
   * without a JS string for a plain or LZF string. Valid until the next read.
   */
  private strView(cur: ByteCursor): void {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) {
      cur.need(n);
      this.viewBuf = cur.buf;
      this.viewStart = cur.pos;
      cur.pos += n;
      this.viewEnd = cur.pos;
      return;
    }
    if (-n - 1 === C.RDB_ENC_LZF) {
      this.viewEnd = this.lzf(cur, at);
      this.viewBuf = this.lzfOut;
      this.viewStart = 0;
      return;
    }
    // An integer encoding (or a corrupt one, which str() reports): its text.
    cur.pos = at - cur.base;
    const s = this.str(cur);
    this.viewBuf = Buffer.from(s, 'latin1');
    this.viewStart = 0;
    this.viewEnd = s.length;
  }
  private viewBuf: Buffer = Buffer.alloc(0);
  private viewStart = 0;
  private viewEnd = 0;

  /**
   * strView, then a copy when the bytes sit in the LZF scratch buffer, which the next string
   * read reuses: for the first of two strings read before one event (a hash field).
   */
  private strViewKept(cur: ByteCursor): void {
    this.strView(cur);
    if (this.viewBuf === this.lzfOut) {
      this.viewBuf = Buffer.from(this.viewBuf.subarray(this.viewStart, this.viewEnd));
      this.viewEnd -= this.viewStart;
      this.viewStart = 0;
    }
  }

  /**
   * Reads past a string the visitor does not want, validating it the same way (LZF is still
   * decompressed) but without building a JS string: verify runs on this path.
   */
  private skipStr(cur: ByteCursor): void {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) {
      cur.need(n);
      cur.pos += n;
      return;
    }
    switch (-n - 1) {
      case C.RDB_ENC_INT8:
        cur.need(1);
        cur.pos += 1;
        return;
      case C.RDB_ENC_INT16:
        cur.need(2);
        cur.pos += 2;
        return;
      case C.RDB_ENC_INT32:
        cur.need(4);
        cur.pos += 4;
        return;
      case C.RDB_ENC_LZF: {
        const clen = this.plainLen(cur, 'LZF compressed length');
        const ulen = this.plainLen(cur, 'LZF uncompressed length');
        cur.need(clen);
        if (this.scratch.length < ulen && ulen <= 1 << 24) this.scratch = Buffer.allocUnsafe(ulen);
        const ok = lzfDecompress(cur.buf, ulen, this.scratch, cur.pos, cur.pos + clen);
        cur.pos += clen;
        if (!ok) this.corrupt('invalid LZF compressed string', cur, at);
        return;
      }
      default:
        this.corrupt(`unknown string encoding ${-n - 1}`, cur, at);
    }
  }

  /** A string's length and integer-ness without building it (short ones are looked at). */
  private strLength(cur: ByteCursor): number {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) {
      if (n <= 20) {
        this.strIsInt = parseStrictInt(cur.latin1(n)) !== null;
        return n;
      }
      cur.need(n);
      cur.pos += n;
      this.strIsInt = false;
      return n;
    }
    if (-n - 1 === C.RDB_ENC_LZF) {
      const clen = this.plainLen(cur, 'LZF compressed length');
      const ulen = this.plainLen(cur, 'LZF uncompressed length');
      if (ulen <= 20) {
        // Rare: short enough to be an integer, so look at it.
        cur.pos = at - cur.base;
        this.strIsInt = parseStrictInt(this.str(cur)) !== null;
        return ulen;
      }
      cur.need(clen);
      cur.pos += clen;
      this.strIsInt = false;
      return ulen;
    }
    cur.pos = at - cur.base;
    const s = this.str(cur);
    this.strIsInt = true;
    return s.length;
  }

  /**
   * A string element for the length-only events: returns its length and leaves its text in
   * shapeText when it could be an integer (else null, and no string is built). Validated as
   * skipStr validates (LZF is still decompressed).
   */
  private strShape(cur: ByteCursor): number {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) {
      cur.need(n);
      if (n >= 1 && n <= 20 && maybeIntByte(cur.buf[cur.pos]!)) {
        this.shapeText = cur.latin1(n);
      } else {
        this.shapeText = null;
        cur.pos += n;
      }
      return n;
    }
    if (-n - 1 === C.RDB_ENC_LZF) {
      const clen = this.plainLen(cur, 'LZF compressed length');
      const ulen = this.plainLen(cur, 'LZF uncompressed length');
      if (ulen > 20) {
        cur.need(clen);
        if (this.scratch.length < ulen && ulen <= 1 << 24) this.scratch = Buffer.allocUnsafe(ulen);
        const ok = lzfDecompress(cur.buf, ulen, this.scratch, cur.pos, cur.pos + clen);
        cur.pos += clen;
        if (!ok) this.corrupt('invalid LZF compressed string', cur, at);
        this.shapeText = null;
        return ulen;
      }
    }
    cur.pos = at - cur.base;
    const s = this.str(cur);
    this.shapeText = maybeIntText(s) ? s : null;
    return s.length;
  }

  // Element events: the full one when the visitor has it, else the length-only one.

  private emitListItem(item: string): void {
    const v = this.visitor;
    if (v.onListItem) v.onListItem(item);
    else v.onListItemLength?.(item.length, maybeIntText(item) ? item : null);
  }

  private emitSetMember(m: string): void {
    const v = this.visitor;
    if (v.onSetMember) v.onSetMember(m);
    else v.onSetMemberLength?.(m.length, maybeIntText(m) ? m : null);
  }

  private emitZsetMember(m: string, score: number): void {
    const v = this.visitor;
    if (v.onZsetMember) v.onZsetMember(m, score);
    else v.onZsetMemberLength?.(m.length, maybeIntText(m) ? m : null, score);
  }

  private emitHashField(f: string, val: string, expireAt: number | null): void {
    const v = this.visitor;
    if (v.onHashField) v.onHashField(f, val, expireAt);
    else v.onHashFieldLength?.(f.length, maybeIntText(f) ? f : null, val.length, maybeIntText(val) ? val : null, expireAt);
  }

  /** A string as raw bytes (packed blobs). */
  private blob(cur: ByteCursor): { buf: Buffer; offset: number } {
    const at = cur.offset;
    const n = this.len(cur);
    if (n >= 0) {
      const offset = cur.offset;
      return { buf: cur.bytes(n), offset };
    }
    if (-n - 1 === C.RDB_ENC_LZF) {
      const clen = this.plainLen(cur, 'LZF compressed length');
      const ulen = this.plainLen(cur, 'LZF uncompressed length');
      const offset = cur.offset;
      const out = lzfDecompress(cur.bytes(clen), ulen);
      if (!out) this.corrupt('invalid LZF compressed string', cur, at);
      return { buf: out, offset };
    }
    // An integer-encoded "blob": re-read it as a string.
    cur.pos = at - cur.base;
    const s = this.str(cur);
    return { buf: Buffer.from(s, 'latin1'), offset: at };
  }

  private rawId(cur: ByteCursor): StreamId {
    const ms = cur.u64be();
    const seq = cur.u64be();
    return { ms, seq };
  }

  private double(cur: ByteCursor): number {
    // RDB_TYPE_ZSET v1 score: 1-byte length, 253 NaN, 254 +inf, 255 -inf, else ASCII.
    const at = cur.offset;
    const n = cur.u8();
    if (n === 253) return NaN;
    if (n === 254) return Infinity;
    if (n === 255) return -Infinity;
    const s = cur.latin1(n);
    const v = Number(s);
    if (Number.isNaN(v) && s !== 'nan') this.corrupt(`invalid score ${JSON.stringify(s)}`, cur, at);
    return v;
  }

  private ms(cur: ByteCursor): number {
    return Number(cur.i64le());
  }

  // --- units ----------------------------------------------------------------------------

  private step(cur: ByteCursor): void {
    const st = this.state;
    switch (st.kind) {
      case 'header':
        return this.readHeader(cur);
      case 'top':
        return this.readRecord(cur);
      case 'elements':
        return this.readElement(cur, st);
      case 'quicklist':
        return this.readQuicklistNode(cur, st);
      case 'stream-nodes':
        return this.readStreamNode(cur, st);
      case 'stream-meta':
        return this.readStreamMeta(cur, st.rdbType);
      case 'hash-md':
        return this.readHashMetadataField(cur, st);
      case 'done':
        return;
    }
  }

  private readHeader(cur: ByteCursor): void {
    cur.need(9);
    const head = cur.buf.toString('latin1', 0, 9);
    if (head.startsWith('REDIS')) {
      const digits = head.slice(5, 9);
      if (!/^\d{4}$/.test(digits)) this.corrupt(`bad RDB version ${JSON.stringify(digits)}`, cur, 5);
      this.version = Number(digits);
      cur.pos = 9;
    } else if (head.startsWith('VALKEY')) {
      const digits = head.slice(6, 9);
      this.magic = 'VALKEY';
      this.version = Number(digits);
      throw new CorruptError(
        `Valkey RDB format version ${digits} (Valkey 9+) is not supported; Valkey 7 and 8 files (REDIS0011) are`,
        6,
        'reading the header',
      );
    } else {
      this.corrupt(`not an RDB file: expected "REDIS" magic, found ${JSON.stringify(head.slice(0, 5))}`, cur, 0);
    }
    if (this.version < 1 || this.version > C.RDB_VERSION_MAX) {
      this.corrupt(`unsupported RDB version ${this.version} (this reader knows 1 to ${C.RDB_VERSION_MAX})`, cur, 5);
    }
    this.state = { kind: 'top' };
    this.visitor.onHeader?.(this.magic, this.version);
  }

  private readRecord(cur: ByteCursor): void {
    const at = cur.offset;
    const type = cur.u8();
    switch (type) {
      case C.RDB_OPCODE_EXPIRETIME:
        this.pendingExpire = cur.i32le() * 1000;
        return;
      case C.RDB_OPCODE_EXPIRETIME_MS:
        this.pendingExpire = this.ms(cur);
        return;
      case C.RDB_OPCODE_FREQ:
        this.pendingFreq = cur.u8();
        return;
      case C.RDB_OPCODE_IDLE:
        this.pendingIdle = this.plainLen(cur, 'IDLE');
        return;
      case C.RDB_OPCODE_EOF:
        return this.readEof(cur, at);
      case C.RDB_OPCODE_SELECTDB: {
        const db = this.plainLen(cur, 'SELECTDB');
        this.db = db;
        this.visitor.onSelectDb?.(db);
        return;
      }
      case C.RDB_OPCODE_RESIZEDB: {
        const size = this.plainLen(cur, 'RESIZEDB size');
        const expires = this.plainLen(cur, 'RESIZEDB expires');
        this.visitor.onResizeDb?.(size, expires);
        return;
      }
      case C.RDB_OPCODE_AUX: {
        const k = this.str(cur);
        const v = this.str(cur);
        this.visitor.onAux?.(k, v);
        return;
      }
      case C.RDB_OPCODE_MODULE_AUX: {
        const start = cur.pos;
        const id = this.lenBig(cur);
        const whenOpcode = this.plainLen(cur, 'module aux when-opcode');
        if (whenOpcode !== C.RDB_MODULE_OPCODE_UINT) this.corrupt('module aux "when" is not an unsigned integer', cur);
        this.plainLen(cur, 'module aux when');
        this.skipModuleValue(cur);
        this.visitor.onModuleAux?.(moduleNameFromId(id), Buffer.from(cur.buf.subarray(start, cur.pos)));
        return;
      }
      case C.RDB_OPCODE_FUNCTION_PRE_GA:
        this.corrupt('Pre-release function format not supported', cur, at);
      // falls through (corrupt throws)
      case C.RDB_OPCODE_FUNCTION2: {
        const code = this.str(cur);
        this.visitor.onFunction?.(code);
        return;
      }
      case C.RDB_OPCODE_SLOT_INFO: {
        const slot = this.plainLen(cur, 'slot id');
        const size = this.plainLen(cur, 'slot size');
        const expires = this.plainLen(cur, 'slot expires size');
        this.visitor.onSlotInfo?.(slot, size, expires);
        return;
      }
      default:
        return this.readKey(cur, type, at);
    }
  }

  private readEof(cur: ByteCursor, eofAt: number): void {
    let checksum: { stored: bigint; computed: bigint } | null = null;
    if (this.version >= 5) {
      const stored = cur.u64le();
      if (this.deferChecksum) {
        // The caller checks it (a worker computed the CRC while we parsed): see readRdbFile.
        this.deferredChecksum = { stored, end: eofAt + 1 };
      } else {
        // Fold everything before the trailer (this unit's EOF byte included) into the CRC.
        if (this.checkCrc) this.crc.update(cur.buf, 0, eofAt - cur.base + 1);
        if (stored !== 0n && this.checkCrc) {
          checksum = { stored, computed: this.crc.value };
          if (stored !== this.crc.value) throw crcMismatch(stored, this.crc.value, eofAt + 1);
        }
      }
    }
    this.state = { kind: 'done' };
    this.endOffset = cur.offset;
    if (!this.deferredChecksum) this.visitor.onEnd?.(checksum, cur.offset);
  }

  private readKey(cur: ByteCursor, type: number, at: number): void {
    if (!(type in C.TYPE_NAMES)) {
      this.corrupt(`unknown RDB object type ${type} (0x${type.toString(16)})`, cur, at);
    }
    if (type === C.RDB_TYPE_MODULE_PRE_GA) this.corrupt('pre-release module format (type 6) is not supported', cur, at);
    let key = '';
    let info: RdbKeyInfo;
    if (this.lazyKeys) {
      // A plain key is left in the window (keyName builds it on demand); others are built.
      const start = cur.pos;
      const n = this.len(cur);
      let source: Buffer | null = null;
      let keyStart = 0;
      if (n >= 0) {
        cur.need(n);
        source = cur.buf;
        keyStart = cur.pos;
        cur.pos += n;
      } else {
        cur.pos = start;
        key = this.str(cur);
      }
      info = {
        db: this.db,
        key,
        rdbType: type,
        type: C.TYPE_NAMES[type]!,
        expireAt: this.pendingExpire,
        idle: this.pendingIdle,
        freq: this.pendingFreq,
        offset: at,
        keyLength: source ? n : key.length,
        keySource: source,
        keyStart,
      };
    } else {
      if (this.readKeys) key = this.str(cur);
      else this.skipStr(cur);
      info = {
        db: this.db,
        key,
        rdbType: type,
        type: C.TYPE_NAMES[type]!,
        expireAt: this.pendingExpire,
        idle: this.pendingIdle,
        freq: this.pendingFreq,
        offset: at,
      };
    }
    this.key = info;
    this.keyStarted = false;
    const v = this.visitor;
    switch (type) {
      case C.RDB_TYPE_STRING: {
        if (v.onStringBytes) {
          this.strView(cur);
          this.startKey();
          v.onStringBytes(this.viewBuf, this.viewStart, this.viewEnd);
        } else if (v.onString) {
          const value = this.str(cur);
          this.startKey();
          v.onString(value);
        } else if (v.onStringLength) {
          const length = this.strLength(cur);
          this.startKey();
          v.onStringLength(length, this.strIsInt);
        } else {
          this.skipStr(cur);
          this.startKey();
        }
        return this.finishKey();
      }
      case C.RDB_TYPE_LIST:
      case C.RDB_TYPE_SET:
      case C.RDB_TYPE_ZSET:
      case C.RDB_TYPE_ZSET_2:
      case C.RDB_TYPE_HASH: {
        const n = this.plainLen(cur, `${info.type} length`);
        this.state = { kind: 'elements', rdbType: type, remaining: n };
        if (n === 0) this.finishKey();
        return;
      }
      case C.RDB_TYPE_LIST_QUICKLIST:
      case C.RDB_TYPE_LIST_QUICKLIST_2: {
        const n = this.plainLen(cur, 'quicklist node count');
        this.state = { kind: 'quicklist', rdbType: type, remaining: n };
        if (n === 0) this.finishKey();
        return;
      }
      case C.RDB_TYPE_HASH_ZIPMAP:
      case C.RDB_TYPE_LIST_ZIPLIST:
      case C.RDB_TYPE_SET_INTSET:
      case C.RDB_TYPE_ZSET_ZIPLIST:
      case C.RDB_TYPE_HASH_ZIPLIST:
      case C.RDB_TYPE_HASH_LISTPACK:
      case C.RDB_TYPE_ZSET_LISTPACK:
      case C.RDB_TYPE_SET_LISTPACK:
        return this.readPacked(cur, type);
      case C.RDB_TYPE_HASH_LISTPACK_EX:
      case C.RDB_TYPE_HASH_LISTPACK_EX_PRE_GA:
        return this.readHashListpackEx(cur, type);
      case C.RDB_TYPE_HASH_METADATA:
      case C.RDB_TYPE_HASH_METADATA_PRE_GA: {
        const preGa = type === C.RDB_TYPE_HASH_METADATA_PRE_GA;
        const minExpire = preGa ? 0 : this.ms(cur);
        const n = this.plainLen(cur, 'hash length');
        this.state = { kind: 'hash-md', remaining: n, minExpire, preGa };
        if (n === 0) this.finishKey();
        return;
      }
      case C.RDB_TYPE_STREAM_LISTPACKS:
      case C.RDB_TYPE_STREAM_LISTPACKS_2:
      case C.RDB_TYPE_STREAM_LISTPACKS_3: {
        const n = this.plainLen(cur, 'stream listpack count');
        this.startKey();
        this.state = { kind: 'stream-nodes', rdbType: type, remaining: n, lastMaster: null };
        if (n === 0) this.state = { kind: 'stream-meta', rdbType: type };
        return;
      }
      case C.RDB_TYPE_MODULE_2: {
        const start = cur.pos;
        const id = this.lenBig(cur);
        this.skipModuleValue(cur);
        this.startKey();
        v.onModuleValue?.(moduleNameFromId(id), Buffer.from(cur.buf.subarray(start, cur.pos)));
        return this.finishKey();
      }
      default:
        this.corrupt(`unsupported RDB object type ${type}`, cur, at);
    }
  }

  private startKey(): void {
    if (this.keyStarted) return;
    this.keyStarted = true;
    this.visitor.onKey?.(this.key!);
  }

  private finishKey(): void {
    const info = this.key!;
    if (this.keyStarted) {
      this.keysRead++;
      this.visitor.onKeyEnd?.(info);
    } else {
      this.emptyKeysSkipped++;
      this.visitor.onEmptyKey?.(info);
    }
    this.key = null;
    this.keyStarted = false;
    this.pendingExpire = null;
    this.pendingIdle = null;
    this.pendingFreq = null;
    this.state = { kind: 'top' };
  }

  private readElement(cur: ByteCursor, st: { rdbType: number; remaining: number }): void {
    const v = this.visitor;
    switch (st.rdbType) {
      case C.RDB_TYPE_LIST: {
        if (v.onListItem) {
          const item = this.str(cur);
          this.startKey();
          v.onListItem(item);
        } else if (v.onListItemLength) {
          const n = this.strShape(cur);
          this.startKey();
          v.onListItemLength(n, this.shapeText);
        } else {
          this.skipStr(cur);
          this.startKey();
        }
        break;
      }
      case C.RDB_TYPE_SET: {
        if (v.onSetMemberBytes) {
          this.strView(cur);
          this.startKey();
          v.onSetMemberBytes(this.viewBuf, this.viewStart, this.viewEnd, null);
        } else if (v.onSetMember) {
          const m = this.str(cur);
          this.startKey();
          v.onSetMember(m);
        } else if (v.onSetMemberLength) {
          const n = this.strShape(cur);
          this.startKey();
          v.onSetMemberLength(n, this.shapeText);
        } else {
          this.skipStr(cur);
          this.startKey();
        }
        break;
      }
      case C.RDB_TYPE_ZSET: {
        const m = this.str(cur);
        const score = this.double(cur);
        this.startKey();
        this.emitZsetMember(m, score);
        break;
      }
      case C.RDB_TYPE_ZSET_2: {
        if (v.onZsetMemberBytes) {
          // The score is read before the event: a member is never reported twice when the
          // score is still missing from the window.
          this.strView(cur);
          const score = cur.f64le();
          if (Number.isNaN(score)) this.corrupt('zset score is NaN', cur, cur.offset - 8);
          this.startKey();
          v.onZsetMemberBytes(this.viewBuf, this.viewStart, this.viewEnd, null, score);
          break;
        }
        if (!v.onZsetMember && v.onZsetMemberLength) {
          const n = this.strShape(cur);
          const text = this.shapeText;
          const score = cur.f64le();
          if (Number.isNaN(score)) this.corrupt('zset score is NaN', cur, cur.offset - 8);
          this.startKey();
          v.onZsetMemberLength(n, text, score);
          break;
        }
        const m = this.str(cur);
        const score = cur.f64le();
        if (Number.isNaN(score)) this.corrupt('zset score is NaN', cur, cur.offset - 8);
        this.startKey();
        v.onZsetMember?.(m, score);
        break;
      }
      case C.RDB_TYPE_HASH: {
        if (v.onHashFieldBytes) {
          this.strViewKept(cur);
          const fb = this.viewBuf;
          const fs = this.viewStart;
          const fe = this.viewEnd;
          this.strView(cur);
          this.startKey();
          v.onHashFieldBytes(fb, fs, fe, null, this.viewBuf, this.viewStart, this.viewEnd, null, null);
        } else if (v.onHashField) {
          const f = this.str(cur);
          const val = this.str(cur);
          this.startKey();
          v.onHashField(f, val, null);
        } else if (v.onHashFieldLength) {
          const fn = this.strShape(cur);
          const ft = this.shapeText;
          const vn = this.strShape(cur);
          this.startKey();
          v.onHashFieldLength(fn, ft, vn, this.shapeText, null);
        } else {
          this.skipStr(cur);
          this.skipStr(cur);
          this.startKey();
        }
        break;
      }
    }
    if (--st.remaining === 0) this.finishKey();
  }

  private readHashMetadataField(cur: ByteCursor, st: { remaining: number; minExpire: number; preGa: boolean }): void {
    let ttl = this.lenBig(cur);
    const f = this.str(cur);
    const val = this.str(cur);
    // RDB 12 stores TTLs relative to the key's minimum (0 = none); pre-GA files store them absolute.
    if (!st.preGa && ttl !== 0n) ttl += BigInt(st.minExpire) - 1n;
    this.startKey();
    this.emitHashField(f, val, ttl === 0n ? null : Number(ttl));
    if (--st.remaining === 0) this.finishKey();
  }

  private readPacked(cur: ByteCursor, type: number): void {
    const { buf, offset } = this.blob(cur);
    const what = C.RDB_TYPE_LABELS[type]!;
    const v = this.visitor;
    if (
      (type === C.RDB_TYPE_SET_LISTPACK && !v.onSetMember && v.onSetMemberLength) ||
      (type === C.RDB_TYPE_ZSET_LISTPACK && !v.onZsetMember && v.onZsetMemberLength) ||
      (type === C.RDB_TYPE_HASH_LISTPACK && !v.onHashField && v.onHashFieldLength)
    ) {
      return this.readListpackShapes(buf, offset, type, what);
    }
    if (type === C.RDB_TYPE_SET_INTSET && !v.onSetMember && v.onSetMemberLength) {
      const texts = this.nodeTexts;
      const n = intsetTexts(buf, offset, what, texts);
      for (let i = 0; i < n; i++) {
        this.startKey();
        v.onSetMemberLength(texts[i]!.length, texts[i]!);
      }
      return this.finishKey();
    }
    switch (type) {
      case C.RDB_TYPE_LIST_ZIPLIST: {
        const items = decodeZiplist(buf, offset, what);
        for (const item of items) {
          this.startKey();
          this.emitListItem(item);
        }
        break;
      }
      case C.RDB_TYPE_SET_INTSET:
      case C.RDB_TYPE_SET_LISTPACK: {
        const members = type === C.RDB_TYPE_SET_INTSET ? decodeIntset(buf, offset, what) : decodeListpack(buf, offset, what);
        if (type === C.RDB_TYPE_SET_LISTPACK) assertUnique(members, offset, what);
        for (const m of members) {
          this.startKey();
          this.emitSetMember(m);
        }
        break;
      }
      case C.RDB_TYPE_ZSET_ZIPLIST:
      case C.RDB_TYPE_ZSET_LISTPACK: {
        const flat = type === C.RDB_TYPE_ZSET_ZIPLIST ? decodeZiplist(buf, offset, what) : decodeListpack(buf, offset, what);
        if (flat.length % 2) throw new CorruptError(`${what} has an odd number of entries`, offset, this.context());
        const seen = new Set<string>();
        for (let i = 0; i < flat.length; i += 2) {
          const m = flat[i]!;
          if (seen.has(m)) throw new CorruptError(`${what} has a duplicate member`, offset, this.context());
          seen.add(m);
          const score = Number(flat[i + 1]);
          if (Number.isNaN(score) && !/^[+-]?(inf|nan)/i.test(flat[i + 1]!)) {
            throw new CorruptError(`${what} has an invalid score ${JSON.stringify(flat[i + 1])}`, offset, this.context());
          }
          this.startKey();
          this.emitZsetMember(m, parseScoreText(flat[i + 1]!));
        }
        break;
      }
      case C.RDB_TYPE_HASH_ZIPMAP:
      case C.RDB_TYPE_HASH_ZIPLIST:
      case C.RDB_TYPE_HASH_LISTPACK: {
        const flat =
          type === C.RDB_TYPE_HASH_ZIPMAP
            ? decodeZipmap(buf, offset, what)
            : type === C.RDB_TYPE_HASH_ZIPLIST
              ? decodeZiplist(buf, offset, what)
              : decodeListpack(buf, offset, what);
        if (flat.length % 2) throw new CorruptError(`${what} has an odd number of entries`, offset, this.context());
        const seen = new Set<string>();
        for (let i = 0; i < flat.length; i += 2) {
          const f = flat[i]!;
          if (seen.has(f)) {
            throw new CorruptError(`${what} has a duplicate field (Hash ziplist integrity check failed)`, offset, this.context());
          }
          seen.add(f);
          this.startKey();
          this.emitHashField(f, flat[i + 1]!, null);
        }
        break;
      }
    }
    this.finishKey();
  }

  /**
   * readPacked for a set, zset or hash listpack when the visitor takes the length-only
   * events: the same checks in the same order, without building the elements.
   */
  private readListpackShapes(buf: Buffer, offset: number, type: number, what: string): void {
    const v = this.visitor;
    const lens = this.nodeLens;
    const texts = this.nodeTexts;
    const starts = this.nodeStarts;
    const n = listpackShapes(buf, offset, what, lens, texts, starts);
    const same = (a: number, b: number): boolean => {
      const ta = texts[a];
      if (ta !== null || texts[b] !== null) return ta === texts[b];
      const len = lens[a]!;
      if (len !== lens[b]) return false;
      const sa = starts[a]!;
      const sb = starts[b]!;
      if (len > 32) return buf.compare(buf, sb, sb + len, sa, sa + len) === 0;
      for (let i = 0; i < len; i++) if (buf[sa + i] !== buf[sb + i]) return false;
      return true;
    };
    /**
     * Whether entry i equals an earlier one of the same stride: compared pairwise when there
     * are few, else through a Set of their strings (then it must see every entry in order).
     */
    let seen: Set<string> | null = null;
    const dupOfEarlier = (i: number, stride: number): boolean => {
      if (n <= 64 * stride) {
        for (let j = i % stride; j < i; j += stride) if (same(i, j)) return true;
        return false;
      }
      if (!seen) seen = new Set();
      const s = texts[i] ?? latin1Slice(buf, starts[i]!, starts[i]! + lens[i]!);
      if (seen.has(s)) return true;
      seen.add(s);
      return false;
    };
    switch (type) {
      case C.RDB_TYPE_SET_LISTPACK: {
        for (let i = 0; i < n; i++) if (dupOfEarlier(i, 1)) throw new CorruptError(`${what} has duplicate members`, offset, what);
        for (let i = 0; i < n; i++) {
          this.startKey();
          v.onSetMemberLength!(lens[i]!, texts[i]!);
        }
        break;
      }
      case C.RDB_TYPE_ZSET_LISTPACK: {
        if (n % 2) throw new CorruptError(`${what} has an odd number of entries`, offset, this.context());
        for (let i = 0; i < n; i += 2) {
          if (dupOfEarlier(i, 2)) throw new CorruptError(`${what} has a duplicate member`, offset, this.context());
          const text = texts[i + 1] ?? latin1Slice(buf, starts[i + 1]!, starts[i + 1]! + lens[i + 1]!);
          const score = Number(text);
          if (Number.isNaN(score) && !/^[+-]?(inf|nan)/i.test(text)) {
            throw new CorruptError(`${what} has an invalid score ${JSON.stringify(text)}`, offset, this.context());
          }
          this.startKey();
          v.onZsetMemberLength!(lens[i]!, texts[i]!, parseScoreText(text));
        }
        break;
      }
      case C.RDB_TYPE_HASH_LISTPACK: {
        if (n % 2) throw new CorruptError(`${what} has an odd number of entries`, offset, this.context());
        for (let i = 0; i < n; i += 2) {
          if (dupOfEarlier(i, 2)) {
            throw new CorruptError(`${what} has a duplicate field (Hash ziplist integrity check failed)`, offset, this.context());
          }
          this.startKey();
          v.onHashFieldLength!(lens[i]!, texts[i]!, lens[i + 1]!, texts[i + 1]!, null);
        }
        break;
      }
    }
    this.finishKey();
  }

  private readHashListpackEx(cur: ByteCursor, type: number): void {
    const preGa = type === C.RDB_TYPE_HASH_LISTPACK_EX_PRE_GA;
    if (!preGa) this.ms(cur); // minExpire: the listpack holds absolute TTLs
    const { buf, offset } = this.blob(cur);
    const what = C.RDB_TYPE_LABELS[type]!;
    const flat = decodeListpack(buf, offset, what);
    if (flat.length % 3) throw new CorruptError(`${what} is not field/value/ttl triplets`, offset, this.context());
    const seen = new Set<string>();
    for (let i = 0; i < flat.length; i += 3) {
      const f = flat[i]!;
      if (seen.has(f)) throw new CorruptError(`${what} has a duplicate field`, offset, this.context());
      seen.add(f);
      const ttl = Number(flat[i + 2]);
      this.startKey();
      this.emitHashField(f, flat[i + 1]!, ttl === 0 ? null : ttl);
    }
    this.finishKey();
  }

  private readQuicklistNode(cur: ByteCursor, st: { rdbType: number; remaining: number }): void {
    let container = C.QUICKLIST_NODE_CONTAINER_PACKED;
    if (st.rdbType === C.RDB_TYPE_LIST_QUICKLIST_2) {
      const at = cur.offset;
      container = this.plainLen(cur, 'quicklist node container');
      if (container !== C.QUICKLIST_NODE_CONTAINER_PACKED && container !== C.QUICKLIST_NODE_CONTAINER_PLAIN) {
        this.corrupt(`quicklist node has an unknown container ${container}`, cur, at);
      }
    }
    const { buf, offset } = this.blob(cur);
    const v = this.visitor;
    if (container === C.QUICKLIST_NODE_CONTAINER_PLAIN) {
      this.startKey();
      if (v.onListItemBytes) v.onListItemBytes(buf, 0, buf.length, null);
      else if (v.onListItem) v.onListItem(buf.toString('latin1'));
      else if (v.onListItemLength) v.onListItemLength(buf.length, maybeIntBytes(buf, 0, buf.length) ? buf.toString('latin1') : null);
      v.onListNode?.(1);
    } else if (v.onListItemBytes && st.rdbType === C.RDB_TYPE_LIST_QUICKLIST_2) {
      // Bytes: the node is walked and checked whole first, then its entries are handed out.
      const what = `${C.RDB_TYPE_LABELS[st.rdbType]} node`;
      const lens = this.nodeLens;
      const texts = this.nodeTexts;
      const starts = this.nodeStarts;
      const count = listpackShapes(buf, offset, what, lens, texts, starts);
      for (let i = 0; i < count; i++) {
        this.startKey();
        const at = starts[i]!;
        if (at < 0) v.onListItemBytes(buf, 0, 0, texts[i]!);
        else v.onListItemBytes(buf, at, at + lens[i]!, null);
      }
      if (count) v.onListNode?.(count);
    } else if (!v.onListItem && v.onListItemLength && st.rdbType === C.RDB_TYPE_LIST_QUICKLIST_2) {
      // Length-only: the node's entries are walked (and checked) without building strings.
      const what = `${C.RDB_TYPE_LABELS[st.rdbType]} node`;
      const lens = this.nodeLens;
      const texts = this.nodeTexts;
      const count = listpackShapes(buf, offset, what, lens, texts, this.nodeStarts);
      for (let i = 0; i < count; i++) {
        this.startKey();
        v.onListItemLength(lens[i]!, texts[i]!);
      }
      if (count) v.onListNode?.(count);
    } else {
      const what = `${C.RDB_TYPE_LABELS[st.rdbType]} node`;
      const items = st.rdbType === C.RDB_TYPE_LIST_QUICKLIST_2 ? decodeListpack(buf, offset, what) : decodeZiplist(buf, offset, what);
      for (const item of items) {
        this.startKey();
        this.emitListItem(item);
      }
      // Empty nodes are skipped by loaders; only real boundaries are reported.
      if (items.length) v.onListNode?.(items.length);
    }
    if (--st.remaining === 0) this.finishKey();
  }

  private readStreamNode(cur: ByteCursor, st: { rdbType: number; remaining: number; lastMaster: StreamId | null }): void {
    const nodeAt = cur.offset;
    const masterKey = this.blob(cur);
    if (masterKey.buf.length !== 16) this.corrupt(`stream node key is ${masterKey.buf.length} bytes, expected 16`, cur, nodeAt);
    const master: StreamId = { ms: masterKey.buf.readBigUInt64BE(0), seq: masterKey.buf.readBigUInt64BE(8) };
    const { buf, offset } = this.blob(cur);
    const what = 'stream listpack';
    const lp = decodeListpack(buf, offset, what);
    if (lp.length === 0) throw new CorruptError('empty listpack inside a stream', offset, this.context());
    if (st.lastMaster && compareIds(master, st.lastMaster) <= 0) {
      this.corrupt('stream node IDs are not increasing', cur, nodeAt);
    }
    st.lastMaster = master;
    this.emitStreamEntries(lp, master, offset, what);
    this.visitor.onStreamNode?.(master, buf.length);
    if (--st.remaining === 0) this.state = { kind: 'stream-meta', rdbType: st.rdbType };
  }

  private emitStreamEntries(lp: string[], master: StreamId, offset: number, what: string): void {
    const bad = (why: string): never => {
      throw new CorruptError(`${what}: ${why}`, offset, this.context());
    };
    const int = (i: number): number => {
      const s = lp[i];
      if (s === undefined) bad('entry runs past the end of the listpack');
      const n = Number(s);
      if (!Number.isInteger(n)) bad(`expected an integer, found ${JSON.stringify(s)}`);
      return n;
    };
    const bigintAt = (i: number): bigint => {
      const s = lp[i];
      if (s === undefined) bad('entry runs past the end of the listpack');
      if (!/^-?\d+$/.test(s)) bad(`expected an integer ID delta, found ${JSON.stringify(s)}`);
      return BigInt(s);
    };
    // Master entry: count, deleted, num-fields, fields..., 0
    const count = int(0);
    const deleted = int(1);
    const masterFields = int(2);
    let p = 3;
    const fieldNames = lp.slice(p, p + masterFields);
    p += masterFields;
    if (int(p) !== 0) bad('master entry is not terminated by 0');
    p++;
    let live = 0;
    let dead = 0;
    while (p < lp.length) {
      const flags = int(p);
      const msDelta = bigintAt(p + 1);
      const seqDelta = bigintAt(p + 2);
      p += 3;
      let fields: string[];
      if (flags & 2 /* SAMEFIELDS */) {
        fields = [];
        for (let i = 0; i < masterFields; i++) {
          const val = lp[p + i];
          if (val === undefined) bad('entry runs past the end of the listpack');
          fields.push(fieldNames[i]!, val);
        }
        p += masterFields;
      } else {
        const n = int(p);
        p++;
        if (p + n * 2 > lp.length) bad('entry runs past the end of the listpack');
        fields = lp.slice(p, p + n * 2);
        p += n * 2;
      }
      p++; // lp-count
      if (flags & 1 /* DELETED */) {
        dead++;
        continue;
      }
      live++;
      this.visitor.onStreamEntry?.({ ms: master.ms + msDelta, seq: master.seq + seqDelta }, fields);
    }
    if (p !== lp.length) bad('entries do not end at the listpack end');
    if (live !== count || dead !== deleted) bad(`master entry says ${count} live and ${deleted} deleted, found ${live} and ${dead}`);
  }

  private readStreamMeta(cur: ByteCursor, type: number): void {
    const v2 = type >= C.RDB_TYPE_STREAM_LISTPACKS_2;
    const v3 = type >= C.RDB_TYPE_STREAM_LISTPACKS_3;
    const length = this.lenBig(cur);
    const lastId = { ms: this.lenBig(cur), seq: this.lenBig(cur) };
    let firstId: StreamId | null = null;
    let maxDeletedId: StreamId | null = null;
    let entriesAdded: bigint | null = null;
    if (v2) {
      firstId = { ms: this.lenBig(cur), seq: this.lenBig(cur) };
      maxDeletedId = { ms: this.lenBig(cur), seq: this.lenBig(cur) };
      entriesAdded = this.lenBig(cur);
    }
    const ngroups = this.plainLen(cur, 'stream consumer group count');
    const groups: StreamGroup[] = [];
    for (let g = 0; g < ngroups; g++) {
      const name = this.str(cur);
      const glast = { ms: this.lenBig(cur), seq: this.lenBig(cur) };
      const entriesRead = v2 ? this.lenBig(cur) : null;
      const npel = this.plainLen(cur, 'stream PEL size');
      const pending = [];
      for (let i = 0; i < npel; i++) {
        const id = this.rawId(cur);
        const deliveryTime = this.ms(cur);
        const deliveryCount = this.plainLen(cur, 'PEL delivery count');
        pending.push({ id, deliveryTime, deliveryCount });
      }
      const nconsumers = this.plainLen(cur, 'stream consumer count');
      const consumers = [];
      for (let c = 0; c < nconsumers; c++) {
        const cname = this.str(cur);
        const seenTime = this.ms(cur);
        const activeTime = v3 ? this.ms(cur) : null;
        const ncpel = this.plainLen(cur, 'consumer PEL size');
        const cpending: StreamId[] = [];
        for (let i = 0; i < ncpel; i++) cpending.push(this.rawId(cur));
        consumers.push({ name: cname, seenTime, activeTime, pending: cpending });
      }
      groups.push({ name, lastId: glast, entriesRead, pending, consumers });
    }
    const meta: StreamMeta = { length, lastId, firstId, maxDeletedId, entriesAdded, groups };
    this.visitor.onStreamMeta?.(meta);
    this.finishKey();
  }

  /** Module values: a sequence of typed opcodes up to RDB_MODULE_OPCODE_EOF. */
  private skipModuleValue(cur: ByteCursor): void {
    for (;;) {
      const at = cur.offset;
      const op = this.plainLen(cur, 'module opcode');
      switch (op) {
        case C.RDB_MODULE_OPCODE_EOF:
          return;
        case C.RDB_MODULE_OPCODE_SINT:
        case C.RDB_MODULE_OPCODE_UINT:
          this.lenBig(cur);
          break;
        case C.RDB_MODULE_OPCODE_FLOAT:
          cur.need(4);
          cur.pos += 4;
          break;
        case C.RDB_MODULE_OPCODE_DOUBLE:
          cur.need(8);
          cur.pos += 8;
          break;
        case C.RDB_MODULE_OPCODE_STRING:
          this.str(cur);
          break;
        default:
          this.corrupt(`unknown module opcode ${op}`, cur, at);
      }
    }
  }
}

/** A first byte an integer's text can start with: a digit or '-'. */
function maybeIntByte(c: number): boolean {
  return c === 45 || (c >= 48 && c <= 57);
}

/**
 * Whether an element could be an integer to any of Redis's parsers (string2ll,
 * lpStringToInt64: at most 20 bytes, a digit or '-' first): the length-only events carry
 * the text of exactly these.
 */
export function maybeIntText(s: string): boolean {
  return s.length >= 1 && s.length <= 20 && maybeIntByte(s.charCodeAt(0));
}

function maybeIntBytes(buf: Buffer, start: number, len: number): boolean {
  return len >= 1 && len <= 20 && maybeIntByte(buf[start]!);
}

function lpFail(reason: string, base: number, pos: number, what: string): never {
  throw new CorruptError(reason, base + pos, what);
}

/**
 * decodeIntset's checks (the same errors), the members' decimal texts into `texts` without a
 * BigInt per 16/32-bit member. Returns the member count.
 */
function intsetTexts(blob: Buffer, base: number, what: string, texts: Array<string | null>): number {
  if (blob.length < 8) lpFail(`intset too short (${blob.length} bytes)`, base, 0, what);
  const enc = blob.readUInt32LE(0);
  const len = blob.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) lpFail(`intset has an invalid encoding ${enc}`, base, 0, what);
  if (8 + enc * len !== blob.length) lpFail(`intset of ${len} ${enc}-byte integers does not fill ${blob.length} bytes`, base, 4, what);
  if (enc === 8) {
    let prev: bigint | null = null;
    for (let i = 0; i < len; i++) {
      const p = 8 + i * 8;
      const v = blob.readBigInt64LE(p);
      if (prev !== null && v <= prev) lpFail('intset is not sorted or has duplicates', base, p, what);
      prev = v;
      texts[i] = v.toString();
    }
    return len;
  }
  let prev = -Infinity;
  for (let i = 0; i < len; i++) {
    const p = 8 + i * enc;
    const v = enc === 2 ? blob.readInt16LE(p) : blob.readInt32LE(p);
    if (v <= prev) lpFail('intset is not sorted or has duplicates', base, p, what);
    prev = v;
    texts[i] = String(v);
  }
  return len;
}

/**
 * decodeListpack's walk and checks (the same errors in the same order), giving each entry's
 * length and, when it could be an integer, its text (integers as decimal text) into `lens` /
 * `texts` instead of building every entry. Returns the entry count.
 */
function listpackShapes(
  blob: Buffer,
  base: number,
  what: string,
  lens: number[],
  texts: Array<string | null>,
  starts: number[],
): number {
  const n = blob.length;
  if (n < 7) lpFail(`listpack too short (${n} bytes)`, base, 0, what);
  const total = blob.readUInt32LE(0);
  if (total !== n) lpFail(`listpack header says ${total} bytes but the blob has ${n}`, base, 0, what);
  const count = blob.readUInt16LE(4);
  if (blob[n - 1] !== 0xff) lpFail('listpack does not end with 0xff', base, n - 1, what);
  let k = 0;
  let p = 6;
  const end = n - 1;
  const str = (at: number, len: number): void => {
    if (at + len > blob.length - 1) lpFail('entry runs past the end of its blob', base, at, what);
    lens[k] = len;
    texts[k] = maybeIntBytes(blob, at, len) ? blob.toString('latin1', at, at + len) : null;
    starts[k] = at;
  };
  const int = (text: string): void => {
    lens[k] = text.length;
    texts[k] = text;
    starts[k] = -1;
  };
  while (p < end) {
    const start = p;
    const b = blob[p]!;
    if ((b & 0x80) === 0) {
      int(String(b & 0x7f));
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      p += 1;
      str(p, len);
      p += len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) lpFail('listpack entry runs past the end', base, p, what);
      let v = ((b & 0x1f) << 8) | blob[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      int(String(v));
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) lpFail('listpack entry runs past the end', base, p, what);
      const len = ((b & 0x0f) << 8) | blob[p + 1]!;
      p += 2;
      str(p, len);
      p += len;
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > end) lpFail('listpack entry runs past the end', base, p, what);
          const len = blob.readUInt32LE(p + 1);
          p += 5;
          str(p, len);
          p += len;
          break;
        }
        case 0xf1:
          if (p + 3 > end) lpFail('listpack entry runs past the end', base, p, what);
          int(String(blob.readInt16LE(p + 1)));
          p += 3;
          break;
        case 0xf2:
          if (p + 4 > end) lpFail('listpack entry runs past the end', base, p, what);
          int(String(blob.readIntLE(p + 1, 3)));
          p += 4;
          break;
        case 0xf3:
          if (p + 5 > end) lpFail('listpack entry runs past the end', base, p, what);
          int(String(blob.readInt32LE(p + 1)));
          p += 5;
          break;
        case 0xf4:
          if (p + 9 > end) lpFail('listpack entry runs past the end', base, p, what);
          int(blob.readBigInt64LE(p + 1).toString());
          p += 9;
          break;
        default:
          lpFail(`listpack entry has an invalid encoding byte 0x${b.toString(16)}`, base, p, what);
      }
    }
    p = checkLpBacklen(blob, start, p, end, base, what);
    k++;
  }
  if (p !== end) lpFail('listpack entries do not end at the terminator', base, p, what);
  if (count !== 0xffff && count !== k) lpFail(`listpack header count ${count} but ${k} entries`, base, 4, what);
  return k;
}

function compareIds(a: StreamId, b: StreamId): number {
  return a.ms < b.ms ? -1 : a.ms > b.ms ? 1 : a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0;
}

function assertUnique(items: string[], offset: number, what: string): void {
  if (new Set(items).size !== items.length) throw new CorruptError(`${what} has duplicate members`, offset, what);
}

function parseScoreText(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(s);
}

export interface ReadRdbOptions extends RdbParserOptions {
  chunkSize?: number;
  /** Called with (bytesRead, totalBytes) as the file streams. */
  onProgress?: (read: number, total: number) => void;
  /** Awaited after each chunk: where a consumer applies backpressure (flushes its output). */
  afterChunk?: () => Promise<void> | void;
}

/** Streams an RDB file through a visitor. Resolves with the parser (for its counters). */
export async function readRdbFile(path: string, visitor: RdbVisitor, options: ReadRdbOptions = {}): Promise<RdbParser> {
  const fh = await fs.promises.open(path, 'r');
  const total = (await fh.stat()).size;
  // A large file's CRC64 is computed on a worker thread while the parse runs (the usual RDB
  // ends with EOF + 8 checksum bytes; any other layout is checked here afterwards).
  const parallelCrc = (options.checksum ?? true) && !options.preamble && total >= PARALLEL_CRC_MIN_BYTES;
  const crcJob = parallelCrc ? crc64OfFileInWorker(path, total - 8) : null;
  const parser = new RdbParser(visitor, { ...options, deferChecksum: parallelCrc });
  try {
    const size = options.chunkSize ?? 1 << 20;
    let read = 0;
    // Read ahead: the next chunk is on its way while this one is parsed.
    let position = 0;
    const next = () => {
      const buf = Buffer.allocUnsafe(size);
      const at = position;
      position += size;
      return fh.read(buf, 0, size, at).then((r) => buf.subarray(0, r.bytesRead));
    };
    let pending = next();
    for (;;) {
      const chunk = await pending;
      if (chunk.length === 0) break;
      pending = next();
      read += chunk.length;
      parser.feed(chunk);
      options.onProgress?.(read, total);
      if (options.afterChunk) await options.afterChunk();
      if (parser.done && !options.preamble) break;
    }
    // A read-ahead still in flight after an early stop must not fail loudly once the file closes.
    pending.catch(() => {});
    parser.end();
    const deferred = parser.deferredChecksum;
    if (deferred) {
      let computed: bigint;
      if (deferred.end === total - 8 && crcJob) computed = await crcJob.result;
      else computed = await crc64OfRange(fh, deferred.end);
      if (deferred.stored !== 0n) {
        if (deferred.stored !== computed) throw crcMismatch(deferred.stored, computed, deferred.end);
        visitor.onEnd?.({ stored: deferred.stored, computed }, parser.endOffset);
      } else {
        visitor.onEnd?.(null, parser.endOffset);
      }
    }
    return parser;
  } finally {
    crcJob?.cancel();
    await fh.close();
  }
}

/**
 * The name of the key whose type byte is at `typeOffset` (a check that skipped key names
 * uses this to name the key in its error). Null when it cannot be read.
 */
export function readKeyNameAt(path: string, typeOffset: number): string | null {
  try {
    const fd = fs.openSync(path, 'r');
    try {
      const buf = Buffer.alloc(1 << 16);
      const n = fs.readSync(fd, buf, 0, buf.length, typeOffset + 1);
      const parser = new RdbParser({});
      return (parser as unknown as { str(c: ByteCursor): string }).str(new ByteCursor(buf.subarray(0, n), typeOffset + 1));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return null;
  }
}

/** Files at least this big get their checksum computed in parallel with the parse. */
const PARALLEL_CRC_MIN_BYTES = 16 << 20;

async function crc64OfRange(fh: fs.promises.FileHandle, length: number): Promise<bigint> {
  const crc = new Crc64();
  const buf = Buffer.allocUnsafe(1 << 20);
  for (let done = 0; done < length; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, length - done), done);
    if (bytesRead === 0) break;
    crc.update(buf, 0, bytesRead);
    done += bytesRead;
  }
  return crc.value;
}

/** Parses an in-memory RDB (tests, DUMP payloads). */
export function parseRdbBuffer(buf: Buffer, visitor: RdbVisitor, options: RdbParserOptions = {}): RdbParser {
  const parser = new RdbParser(visitor, options);
  parser.feed(buf);
  parser.end();
  return parser;
}
