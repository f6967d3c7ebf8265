import type { Bytes } from '../bytes.js';
import { parseSafeInt, parseStrictInt, type RedisObject } from '../object.js';

/** Longest string Redis stores as embstr (object and sds in one 64-byte jemalloc class). */
export const EMBSTR_SIZE_LIMIT = 44;

export type StringEncoding = 'int' | 'embstr' | 'raw';

/** A string value. `value` always holds the bytes, whatever the encoding. */
export class StringObject implements RedisObject {
  readonly type = 'string' as const;
  lru = 0;
  constructor(
    public value: Bytes,
    public encoding: StringEncoding,
  ) {}

  /**
   * tryObjectEncoding: what SET and friends store — an integer of at most 20 chars becomes
   * `int`, up to 44 bytes `embstr`, anything longer `raw`.
   */
  static fromValue(value: Bytes): StringObject {
    const len = value.length;
    if (len <= 20 && (parseSafeInt(value) !== null || (len > 15 && parseStrictInt(value) !== null))) {
      return new StringObject(value, 'int');
    }
    return new StringObject(value, len <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw');
  }

  /** A value produced by a write that leaves Redis with a raw sds (APPEND, SETRANGE, SETBIT …). */
  static raw(value: Bytes): StringObject {
    return new StringObject(value, 'raw');
  }
}
