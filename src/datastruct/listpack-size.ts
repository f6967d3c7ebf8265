import type { Bytes } from '../engine/bytes.js';

/**
 * Byte sizes of listpack elements (listpack.c), so code that must split or convert at the
 * same moment as Redis (stream nodes bounded by stream-node-max-bytes) can track the exact
 * listpack size without building one.
 */

/** Header (total bytes + element count) plus the end-of-listpack byte. */
export const LP_OVERHEAD = 7;

/** lpEncodeBacklen's size for an element of `len` encoded bytes. */
export function lpBacklenSize(len: number): number {
  if (len <= 127) return 1;
  if (len < 16383) return 2;
  if (len < 2097151) return 3;
  if (len < 268435455) return 4;
  return 5;
}

/** Encoded size (without backlen) of an integer element. */
function lpIntEncodedSize(v: number | bigint): number {
  if (typeof v === 'number') {
    if (v >= 0 && v <= 127) return 1;
    if (v >= -4096 && v <= 4095) return 2;
    if (v >= -32768 && v <= 32767) return 3;
    if (v >= -8388608 && v <= 8388607) return 4;
    if (v >= -2147483648 && v <= 2147483647) return 5;
    return 9;
  }
  if (v >= 0n && v <= 127n) return 1;
  if (v >= -4096n && v <= 4095n) return 2;
  if (v >= -32768n && v <= 32767n) return 3;
  if (v >= -8388608n && v <= 8388607n) return 4;
  if (v >= -2147483648n && v <= 2147483647n) return 5;
  return 9;
}

/** Full size of an integer element (lpAppendInteger). */
export function lpIntSize(v: number | bigint): number {
  return lpIntEncodedSize(v) + 1;
}

/** lpStringToInt64: the string2ll rules (no '+', no leading zeros, int64 range, < 21 chars). */
function lpStringInt(s: Bytes): bigint | null {
  const n = s.length;
  if (n === 0 || n >= 21) return null;
  if (n === 1 && s.charCodeAt(0) === 48) return 0n;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

/** Full size of a string element as lpAppend stores it (integers are stored as integers). */
export function lpStringSize(s: Bytes): number {
  const n = s.length;
  if (n > 0 && n < 21) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = lpStringInt(s);
      if (v !== null) return lpIntSize(v);
    }
  }
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  return enc + lpBacklenSize(enc);
}
