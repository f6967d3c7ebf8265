import type { Bytes } from '../bytes.js';
import { parseSafeInt, parseStrictInt, type RedisObject } from '../object.js';

/** Longest string Redis stores as embstr (object and sds in one 64-byte jemalloc class). */
export const EMBSTR_SIZE_LIMIT = 44;

export type StringEncoding = 'int' | 'embstr' | 'raw';

/** sdsMakeRoomFor's greedy growth stops doubling at 1MB (SDS_MAX_PREALLOC). */
const MAX_PREALLOC = 1024 * 1024;

/**
 * A string value. `value` always reads the bytes, whatever the encoding and whatever the
 * representation inside.
 *
 * Two representations, either or both valid at any time:
 *  - an engine byte string (the common case: SET/GET never touch a Buffer);
 *  - a mutable, zero-padded Buffer with spare capacity, used by in-place writers (SETBIT,
 *    SETRANGE, BITFIELD, APPEND on a buffer, HyperLogLog) so that a write into a multi-MB
 *    value costs O(bytes written), not O(length). Reading `value` after such a write
 *    materialises the string once and caches it until the next in-place write.
 */
export class StringObject implements RedisObject {
  readonly type = 'string' as const;
  lru = 0;
  encoding: StringEncoding;
  /** Cached byte string; null when only the buffer is current. */
  private str: Bytes | null;
  /** Mutable bytes [0, len) (capacity may be larger); null when only `str` is current. */
  private buf: Buffer | null = null;
  private len = 0;

  constructor(value: Bytes, encoding: StringEncoding) {
    this.str = value;
    this.encoding = encoding;
  }

  /** The bytes of the value. */
  get value(): Bytes {
    const s = this.str;
    if (s !== null) return s;
    const b = this.buf!;
    return (this.str = b.toString('latin1', 0, this.len));
  }

  /** Replaces the bytes (drops any buffer). The caller sets `encoding` if it changes. */
  set value(v: Bytes) {
    this.str = v;
    this.buf = null;
  }

  /** Length in bytes, without materialising anything. */
  get length(): number {
    return this.str !== null ? this.str.length : this.len;
  }

  /** Bytes [start, end) without materialising the whole value. */
  slice(start: number, end: number): Bytes {
    if (this.str !== null) return this.str.slice(start, end);
    return this.buf!.toString('latin1', start, Math.min(end, this.len));
  }

  /** Byte at `i` (0 ≤ i < length). */
  byteAt(i: number): number {
    return this.buf !== null ? this.buf[i]! : this.str!.charCodeAt(i);
  }

  /**
   * A read-only Buffer view of exactly `length` bytes. Creating it from the string costs
   * O(n) once; the buffer is kept until the value is replaced. Do not write into it.
   */
  bytes(): Buffer {
    if (this.buf === null) {
      const s = this.str!;
      this.buf = Buffer.from(s, 'latin1');
      this.len = s.length;
    }
    return this.buf.subarray(0, this.len);
  }

  /**
   * sdsgrowzero + unshare: makes sure the value has at least `minLen` bytes (padding with
   * zero bytes) and returns the mutable buffer (capacity ≥ length; only [0, length) is the
   * value). The cached string is dropped: call `value` again after writing. The encoding
   * becomes raw, as dbUnshareStringValue leaves it.
   */
  mutable(minLen = 0): Buffer {
    let b = this.buf;
    if (b === null) {
      const s = this.str!;
      const n = s.length;
      const want = Math.max(n, minLen);
      b = Buffer.allocUnsafe(want > n ? greedy(want) : n);
      b.write(s, 0, n, 'latin1');
      b.fill(0, n);
      this.buf = b;
      this.len = n;
    }
    if (minLen > this.len) {
      if (minLen > b.length) {
        const nb = Buffer.allocUnsafe(greedy(minLen));
        b.copy(nb, 0, 0, this.len);
        nb.fill(0, this.len);
        this.buf = b = nb;
      } else {
        b.fill(0, this.len, minLen);
      }
      this.len = minLen;
    }
    this.str = null;
    this.encoding = 'raw';
    return b;
  }

  /** sdscatlen in place (the encoding becomes raw). */
  append(tail: Bytes): void {
    if (this.buf === null) {
      this.str = this.str! + tail;
    } else {
      const start = this.len;
      const b = this.mutable(start + tail.length);
      b.write(tail, start, tail.length, 'latin1');
    }
    this.encoding = 'raw';
  }

  /**
   * Hands the value a new buffer: bytes [0, len) of `buf` become the value (raw). The
   * object owns `buf` from now on.
   */
  replaceBuffer(buf: Buffer, len: number): void {
    this.buf = buf;
    this.len = len;
    this.str = null;
    this.encoding = 'raw';
  }

  /** Shrinks the value to `n` bytes (n ≤ length); the caller sets the encoding. */
  truncate(n: number): void {
    if (this.str !== null) this.str = this.str.slice(0, n);
    if (this.buf !== null) this.len = n;
  }

  /** dupStringObject: same bytes, same encoding. */
  clone(): StringObject {
    return new StringObject(this.value, this.encoding);
  }

  /**
   * tryObjectEncoding: what SET and friends store — an integer of at most 20 chars becomes
   * `int`, up to 44 bytes `embstr`, anything longer `raw`.
   */
  static fromValue(value: Bytes): StringObject {
    return new StringObject(value, encodingFor(value));
  }

  /** A value produced by a write that leaves Redis with a raw sds (APPEND, SETRANGE, SETBIT …). */
  static raw(value: Bytes): StringObject {
    return new StringObject(value, 'raw');
  }

  /** createStringObject: embstr up to 44 bytes, raw above (no integer detection). */
  static plain(value: Bytes): StringObject {
    return new StringObject(value, value.length <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw');
  }

  /** A string loaded from an RDB/AOF file: the loader's tryObjectEncoding picks the encoding. */
  static fromLoad(value: Bytes): StringObject {
    return StringObject.fromValue(value);
  }

  /** A value built around a buffer the caller hands over (BITOP results and the like): raw. */
  static fromBuffer(buf: Buffer, len = buf.length): StringObject {
    const o = new StringObject('', 'raw');
    o.str = null;
    o.buf = buf;
    o.len = len;
    return o;
  }
}

/** tryObjectEncoding's choice for a byte string. */
export function encodingFor(value: Bytes): StringEncoding {
  const len = value.length;
  if (len <= 20 && (parseSafeInt(value) !== null || (len > 15 && parseStrictInt(value) !== null))) return 'int';
  return len <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

function greedy(n: number): number {
  return n < MAX_PREALLOC ? n * 2 : n + MAX_PREALLOC;
}
