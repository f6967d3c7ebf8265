import type { Bytes } from '../engine/bytes.js';

/**
 * Byte-size model of Redis's listpack (listpack.c, Redis 7.2), exact to the byte:
 *
 *   <total-bytes:4> <num-elements:2> <entry> ... <entry> <EOF:1>
 *   entry = <encoding+data> <backlen>
 *
 * An element whose text is a canonical int64 (lpStringToInt64: no '+', no leading zeros,
 * no spaces, "-0" refused) is stored as an integer of 1/2/3/4/5/9 bytes; anything else as
 * a string with a 1, 2 or 5 byte length header. backlen stores the size of
 * encoding+data in 1..5 bytes (7 bits per byte). An entry's size depends on its own bytes
 * only (no ziplist-style prevlen), so a listpack's size is the sum of its entries plus 7.
 *
 * Pure module: no engine imports beyond the Bytes type. Used by list encodings and,
 * later, by memory accounting.
 */

/** 4 bytes total size + 2 bytes element count. */
export const LP_HDR_SIZE = 6;
/** The 0xFF terminator. */
export const LP_EOF_SIZE = 1;
/** lpBytes(lpNew()). */
export const LP_EMPTY_BYTES = LP_HDR_SIZE + LP_EOF_SIZE;
/** Longest text lpStringToInt64 considers (LONG_STR_SIZE - 1). */
const MAX_INT_TEXT = 20;

const INT64_MAX_TEXT = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * lpStringToInt64 as a size class: returns the number of bytes of the integer encoding
 * (1, 2, 3, 4, 5 or 9) when `s` is a canonical int64, or 0 when it must be stored as a
 * string.
 */
export function lpIntEncodingSize(s: Bytes): number {
  const n = s.length;
  if (n === 0 || n > MAX_INT_TEXT) return 0;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; /* - */
  if (neg) {
    if (n === 1) return 0;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48 /* 0 */) return n === 1 ? 1 : 0;
  if (first < 49 || first > 57) return 0;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return 0;
  }
  const digits = n - i;
  if (digits > 19) return 0;
  if (digits === 19) {
    const body = neg ? s.slice(1) : s;
    if (body > (neg ? INT64_MIN_DIGITS : INT64_MAX_TEXT)) return 0; // overflow
    return 9;
  }
  if (digits >= 16) return 9; // ≥ 1e15, beyond 32 bits
  const v = Number(s);
  return lpIntSizeOf(v);
}

/** Bytes of the integer encoding of v (lpEncodeIntegerGetType). v must be an int64. */
export function lpIntSizeOf(v: number | bigint): number {
  if (typeof v === 'bigint') {
    if (v >= -2147483648n && v <= 2147483647n) v = Number(v);
    else return 9;
  }
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}

/** Bytes of a string entry's encoding + data (lpEncodeGetType's string branch). */
export function lpStringEncodingSize(len: number): number {
  if (len < 64) return 1 + len;
  if (len < 4096) return 2 + len;
  return 5 + len;
}

/** lpEncodeBacklen(NULL, l): bytes used to store the entry length l. */
export function lpBacklenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Size of encoding + data for an element (what backlen stores). */
export function lpEncodedSize(s: Bytes): number {
  const intSize = lpIntEncodingSize(s);
  return intSize !== 0 ? intSize : lpStringEncodingSize(s.length);
}

/** Total bytes one element occupies in a listpack (encoding + data + backlen). */
export function lpEntrySize(s: Bytes): number {
  const l = lpEncodedSize(s);
  return l + lpBacklenSize(l);
}

/** Total bytes of an integer element stored with lpAppendInteger. */
export function lpIntEntrySize(v: number | bigint): number {
  const l = lpIntSizeOf(v);
  return l + 1;
}

/** lpBytes of a listpack holding exactly these elements. */
export function lpBytesOf(items: Iterable<Bytes>): number {
  let total = LP_EMPTY_BYTES;
  for (const s of items) total += lpEntrySize(s);
  return total;
}

/**
 * A listpack's content as elements plus its exact byte size (lpBytes). The elements are
 * kept as byte strings (an integer element is its canonical text, which is what lpGet
 * returns), so reading is free; `bytes` follows every change.
 */
export class Listpack {
  constructor(
    /** Elements, head first. Mutate only through the methods so `bytes` stays exact. */
    public items: Bytes[] = [],
    /** lpBytes(): header + entries + EOF. */
    public bytes: number = items.length === 0 ? LP_EMPTY_BYTES : lpBytesOf(items),
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** lpAppend */
  append(s: Bytes): void {
    this.items.push(s);
    this.bytes += lpEntrySize(s);
  }

  /** lpPrepend */
  prepend(s: Bytes): void {
    this.items.unshift(s);
    this.bytes += lpEntrySize(s);
  }

  popFront(): Bytes | undefined {
    const s = this.items.shift();
    if (s !== undefined) this.bytes -= lpEntrySize(s);
    return s;
  }

  popBack(): Bytes | undefined {
    const s = this.items.pop();
    if (s !== undefined) this.bytes -= lpEntrySize(s);
    return s;
  }

  /** Inserts before position i (0 ≤ i ≤ length). */
  insertAt(i: number, s: Bytes): void {
    if (i === this.items.length) this.items.push(s);
    else if (i === 0) this.items.unshift(s);
    else this.items.splice(i, 0, s);
    this.bytes += lpEntrySize(s);
  }

  removeAt(i: number): Bytes {
    const s = this.items.splice(i, 1)[0]!;
    this.bytes -= lpEntrySize(s);
    return s;
  }

  /** lpReplace at position i. */
  replaceAt(i: number, s: Bytes): void {
    const old = this.items[i]!;
    this.items[i] = s;
    this.bytes += lpEntrySize(s) - lpEntrySize(old);
  }

  /** lpDeleteRange with a non-negative start: removes up to `count` elements from `start`. */
  deleteRange(start: number, count: number): void {
    if (count <= 0 || start >= this.items.length) return;
    const end = Math.min(this.items.length, start + count);
    if (start === 0 && end === this.items.length) {
      this.items = [];
      this.bytes = LP_EMPTY_BYTES;
      return;
    }
    for (let i = start; i < end; i++) this.bytes -= lpEntrySize(this.items[i]!);
    if (start === 0) this.items = this.items.slice(end);
    else if (end === this.items.length) this.items.length = start;
    else this.items.splice(start, end - start);
  }

  /** Removes the elements at the given ascending positions, in one pass. */
  removeIndexes(sorted: readonly number[]): void {
    if (sorted.length === 0) return;
    const items = this.items;
    if (sorted.length === items.length) {
      this.items = [];
      this.bytes = LP_EMPTY_BYTES;
      return;
    }
    const kept: Bytes[] = [];
    let h = 0;
    for (let i = 0; i < items.length; i++) {
      if (h < sorted.length && sorted[h] === i) {
        this.bytes -= lpEntrySize(items[i]!);
        h++;
      } else {
        kept.push(items[i]!);
      }
    }
    this.items = kept;
  }

  /** lpMerge(this, other): this gets other's elements appended; other must not be used after. */
  mergeFrom(other: Listpack): void {
    for (const s of other.items) this.items.push(s);
    this.bytes += other.bytes - LP_EMPTY_BYTES;
  }

  clone(): Listpack {
    return new Listpack(this.items.slice(), this.bytes);
  }
}
