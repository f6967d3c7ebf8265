import type { Bytes } from './bytes.js';

/** The six Redis data types, as TYPE reports them. */
export type RedisType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/**
 * A value in the keyspace (Redis's robj). Each type lives in src/engine/types/<type>.ts and
 * reports the encoding OBJECT ENCODING would show; the representation inside is free.
 * `lru` holds Redis's 24-bit LRU clock or, under an LFU policy, 16 bits of minutes + 8 bits
 * of logarithmic counter, exactly as the robj field.
 */
export interface RedisObject {
  readonly type: RedisType;
  readonly encoding: string;
  lru: number;
}

/** Parses a byte string as Redis's string2ll does: no '+', no leading zeros, no spaces, int64 range. */
export function parseStrictInt(s: Bytes): bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1) {
    const c = s.charCodeAt(0);
    return c >= 48 && c <= 57 ? BigInt(c - 48) : null;
  }
  let i = 0;
  if (s.charCodeAt(0) === 45 /* - */) i = 1;
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

/**
 * Fast path of parseStrictInt for values that fit a JS safe integer (the common case).
 * Returns null when the text is not a strict integer or is outside ±2^53.
 */
export function parseSafeInt(s: Bytes): number | null {
  const n = s.length;
  if (n === 0 || n > 16) return null;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    neg = true;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  // 16 digits can exceed 2^53, where doubles stop being exact.
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;
