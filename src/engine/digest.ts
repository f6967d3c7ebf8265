import * as crypto from 'node:crypto';
import type { Bytes } from './bytes.js';
import type { Db } from './db.js';
import type { Engine } from './engine.js';
import type { RedisObject } from './object.js';
import { formatDouble, formatDouble17g } from '../resp/double.js';
import { sha1Into } from './sha1.js';

/**
 * DEBUG DIGEST / DIGEST-VALUE exactly as Redis's debug.c (computeDatasetDigest,
 * xorObjectDigest): SHA1-based, order-insensitive where Redis's containers are unordered
 * (xorDigest) and order-sensitive where they are ordered (mixDigest).
 *
 * Zset scores are hashed as text: Redis 7.2 formats them with fpconv_dtoa (shortest
 * round-trip, as our double replies), 7.0 with "%.17g". `compat` picks the format.
 */
export type DigestCompat = '7.0' | '7.2';

/** The read APIs each value type provides (see the type modules); structural to stay decoupled. */
interface ListLike { items(): Iterable<Bytes> }
interface SetLike { members(): Iterable<Bytes> }
interface HashLike { entries(): Iterable<[Bytes, Bytes]>; ttls?: ReadonlyMap<Bytes, number> | null }
interface ZSetLike { entries(): Iterable<[Bytes, number]> }
interface StreamLike { entries(): Iterable<{ ms: bigint; seq: bigint; fields: Bytes[] }> }
interface StringLike { value: Bytes }

/** OBJ_STRING … OBJ_STREAM as server.h numbers them. */
const TYPE_CODE: Record<string, number> = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 6 };

const ZERO = Buffer.alloc(20);
const EXPIRE_MARK = Buffer.from('!!expire!!', 'latin1');
/** Redis 7.4 marks a hash field that has a TTL (presence only, not the time). */
const HEXPIRE_MARK = Buffer.from('!!hexpire!!', 'latin1');

// crypto.hash (Node ≥ 20.12) is a one-shot digest, about a third cheaper than createHash.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;

/** Below this many bytes the JS SHA-1 wins (a crypto call costs ~1 µs whatever the size). */
const JS_SHA1_MAX = 1024;
const HASH = Buffer.alloc(20);

/** SHA1(data) into the shared HASH scratch (valid until the next call). */
function sha1(data: Buffer | Bytes): Buffer {
  if (data.length <= JS_SHA1_MAX) {
    sha1Into(data, HASH);
    return HASH;
  }
  const buf = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  if (oneShot) return oneShot('sha1', buf, 'buffer');
  return crypto.createHash('sha1').update(buf).digest();
}

/** digest ^= SHA1(data) */
export function xorDigest(digest: Buffer, data: Buffer | Bytes): void {
  const h = sha1(data);
  for (let i = 0; i < 20; i++) digest[i]! ^= h[i]!;
}

/** digest = SHA1(digest ^ SHA1(data)) */
export function mixDigest(digest: Buffer, data: Buffer | Bytes): void {
  xorDigest(digest, data);
  sha1(digest).copy(digest);
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function scoreText(score: number, compat: DigestCompat): string {
  return compat === '7.0' ? formatDouble17g(score) : formatDouble(score);
}

/** xorObjectDigest: mixes the value of one key (type, content, expire mark) into `digest`. */
export function xorObjectDigest(digest: Buffer, o: RedisObject, hasExpire: boolean, compat: DigestCompat = '7.2'): void {
  mixDigest(digest, u32be(TYPE_CODE[o.type] ?? 0));
  switch (o.type) {
    case 'string':
      mixDigest(digest, (o as unknown as StringLike).value);
      break;
    case 'list':
      for (const item of (o as unknown as ListLike).items()) mixDigest(digest, item);
      break;
    case 'set':
      for (const m of (o as unknown as SetLike).members()) xorDigest(digest, m);
      break;
    case 'zset': {
      const ele = Buffer.alloc(20);
      for (const [member, score] of (o as unknown as ZSetLike).entries()) {
        ele.fill(0);
        mixDigest(ele, member);
        mixDigest(ele, scoreText(score, compat));
        xorDigest(digest, ele);
      }
      break;
    }
    case 'hash': {
      const ele = Buffer.alloc(20);
      const ttls = (o as unknown as HashLike).ttls;
      for (const [field, value] of (o as unknown as HashLike).entries()) {
        ele.fill(0);
        mixDigest(ele, field);
        mixDigest(ele, value);
        if (ttls && ttls.has(field)) xorDigest(ele, HEXPIRE_MARK);
        xorDigest(digest, ele);
      }
      break;
    }
    case 'stream':
      // Entries only: consumer groups and the last id are not part of the digest.
      for (const e of (o as unknown as StreamLike).entries()) {
        mixDigest(digest, `${e.ms}.${e.seq}`);
        for (const f of e.fields) mixDigest(digest, f);
      }
      break;
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

/** The digest of one key's value (DEBUG DIGEST-VALUE); all zeros for a missing key. */
export function keyValueDigest(db: Db, key: Bytes, compat: DigestCompat = '7.2'): Buffer {
  const digest = Buffer.alloc(20);
  const o = db.dict.get(key);
  if (o) xorObjectDigest(digest, o, db.expires.has(key), compat);
  return digest;
}

/** computeDatasetDigest over every db; logically expired keys that are still stored count. */
export function datasetDigest(engine: Engine, compat: DigestCompat = '7.2'): Buffer {
  const final = Buffer.alloc(20);
  const digest = Buffer.alloc(20);
  for (const db of engine.dbs) {
    if (db.dict.size === 0) continue;
    mixDigest(final, u32be(db.id));
    for (const [key, o] of db.dict) {
      digest.fill(0);
      mixDigest(digest, key);
      xorObjectDigest(digest, o, db.expires.has(key), compat);
      xorDigest(final, digest);
    }
  }
  return final;
}

export function digestHex(d: Buffer): string {
  return d.toString('hex');
}

export const EMPTY_DIGEST = ZERO.toString('hex');
