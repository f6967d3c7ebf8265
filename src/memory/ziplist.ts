import type { Bytes } from '../engine/bytes.js';

/**
 * Byte sizes of Redis ≤ 6.2 ziplists (ziplist.c), for the 6.2 memory target:
 *
 *   <zlbytes:4> <zltail:4> <zllen:2> <entry> … <end:1>
 *   entry = <prevlen: 1 byte, or 5 when the previous entry is ≥ 254 bytes> <encoding> <data>
 *
 * zipTryEncoding stores a string of 1..31 bytes that string2ll accepts as an integer:
 * 0..12 inside the encoding byte, else int8/16/24/32/64 after it. Other strings carry a
 * 1, 2 or 5 byte length header.
 */

export const ZIPLIST_HEADER_SIZE = 10;
export const ZIPLIST_END_SIZE = 1;

/** string2ll's strictness (no '+', no leading zeros, int64 range): the value, or null. */
function zipInt(s: Bytes): bigint | null {
  const n = s.length;
  if (n === 0 || n >= 32) return null;
  if (n === 1 && s === '0') return 0n;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  if (n - i > 19) return null;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

/** encoding + data bytes of one element (without prevlen). */
export function zipPayloadSize(s: Bytes): number {
  const v = zipInt(s);
  if (v !== null) {
    if (v >= 0n && v <= 12n) return 1;
    if (v >= -128n && v <= 127n) return 2;
    if (v >= -32768n && v <= 32767n) return 3;
    if (v >= -8388608n && v <= 8388607n) return 4;
    if (v >= -2147483648n && v <= 2147483647n) return 5;
    return 9;
  }
  const n = s.length;
  if (n <= 0x3f) return 1 + n;
  if (n <= 0x3fff) return 2 + n;
  return 5 + n;
}

/** ziplistBlobLen of a ziplist holding these elements in this order. */
export function ziplistBytes(items: Iterable<Bytes>): number {
  let total = ZIPLIST_HEADER_SIZE + ZIPLIST_END_SIZE;
  let prev = 0;
  for (const s of items) {
    const entry = (prev < 254 ? 1 : 5) + zipPayloadSize(s);
    total += entry;
    prev = entry;
  }
  return total;
}

const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;

/**
 * The node sizes (ziplistBlobLen) of a 6.2 quicklist built by tail pushes with
 * list-max-ziplist-size `fill` (_quicklistNodeAllowInsert's estimate decides the splits).
 */
export function quicklist62NodeSizes(items: Iterable<Bytes>, fill: number): number[] {
  const sizes: number[] = [];
  let nodeSz = 0;
  let count = 0;
  let prev = 0;
  let open = false;
  for (const s of items) {
    const sz = s.length;
    let allow = false;
    if (open) {
      let overhead = sz < 254 ? 1 : 5;
      overhead += sz < 64 ? 1 : sz < 16384 ? 2 : 5;
      const newSz = nodeSz + sz + overhead;
      if (fill < 0 && newSz <= OPTIMIZATION_LEVEL[Math.min(-fill - 1, 4)]!) allow = true;
      else if (newSz > SIZE_SAFETY_LIMIT) allow = false;
      else allow = count < fill;
    }
    if (!allow) {
      if (open) sizes.push(nodeSz);
      nodeSz = ZIPLIST_HEADER_SIZE + ZIPLIST_END_SIZE;
      count = 0;
      prev = 0;
      open = true;
    }
    const entry = (prev < 254 ? 1 : 5) + zipPayloadSize(s);
    nodeSz += entry;
    prev = entry;
    count++;
  }
  if (open) sizes.push(nodeSz);
  return sizes;
}
