import type { Bytes } from '../bytes.js';
import type { Config } from '../config.js';
import { parseSafeInt, parseStrictInt, type RedisObject } from '../object.js';
import { Intset, type IntValue } from '../../datastruct/intset.js';

export type SetEncoding = 'intset' | 'listpack' | 'hashtable';

/** Thresholds a set reads (a Config satisfies it). */
export type SetLimits = Pick<Config, 'setMaxIntsetEntries' | 'setMaxListpackEntries' | 'setMaxListpackValue'>;

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** string2ll on a member: the integer it encodes exactly, or null. */
export function parseSetInt(s: Bytes): IntValue | null {
  if (s.length <= 15) return parseSafeInt(s);
  const b = parseStrictInt(s);
  if (b === null) return null;
  return b <= SAFE_MAX && b >= -SAFE_MAX ? Number(b) : b;
}

/** intsetMaxEntries: set-max-intset-entries capped at 2^30. */
function intsetMaxEntries(limits: SetLimits): number {
  const m = limits.setMaxIntsetEntries;
  return m >= 1 << 30 ? 1 << 30 : m;
}

/**
 * The hashtable encoding: members in an array plus a member → index map, so membership,
 * insertion, removal (swap with last) and picking a random member are all O(1).
 */
export class IndexedSet {
  readonly keys: Bytes[] = [];
  /** member → position in `keys`; also what SSCAN iterates. */
  readonly index = new Map<Bytes, number>();

  get size(): number {
    return this.keys.length;
  }

  has(k: Bytes): boolean {
    return this.index.has(k);
  }

  add(k: Bytes): boolean {
    if (this.index.has(k)) return false;
    this.index.set(k, this.keys.length);
    this.keys.push(k);
    return true;
  }

  delete(k: Bytes): boolean {
    const i = this.index.get(k);
    if (i === undefined) return false;
    const last = this.keys.pop()!;
    if (i < this.keys.length) {
      this.keys[i] = last;
      this.index.set(last, i);
    }
    this.index.delete(k);
    return true;
  }

  random(): Bytes {
    return this.keys[Math.floor(Math.random() * this.keys.length)]!;
  }
}

/**
 * A set value (t_set.c). Encodings as Redis 7.2: `intset` while every member is an integer
 * and there are at most set-max-intset-entries of them; `listpack` (insertion order) for
 * small sets; `hashtable` otherwise. Conversions happen at the same moments as in Redis and
 * never go back on removal.
 */
export class SetObject implements RedisObject {
  readonly type = 'set' as const;
  lru = 0;
  encoding: SetEncoding;
  /** Exactly one of these is in use, per `encoding`. */
  is: Intset | null = null;
  lp: Set<Bytes> | null = null;
  ht: IndexedSet | null = null;

  constructor(encoding: SetEncoding) {
    this.encoding = encoding;
    if (encoding === 'intset') this.is = new Intset();
    else if (encoding === 'listpack') this.lp = new Set();
    else this.ht = new IndexedSet();
  }

  /** setTypeCreate: the encoding a new set gets from its first member and a size hint. */
  static create(first: Bytes, sizeHint: number, limits: SetLimits): SetObject {
    if (sizeHint <= limits.setMaxIntsetEntries && parseSetInt(first) !== null) return new SetObject('intset');
    if (sizeHint <= limits.setMaxListpackEntries) return new SetObject('listpack');
    return new SetObject('hashtable');
  }

  /**
   * A set as the RDB loader builds it from a plain member list: intset while members are
   * integers (and the count allows it), listpack while small, hashtable otherwise.
   */
  static fromMembers(members: Iterable<Bytes>, limits: SetLimits, count?: number): SetObject {
    const arr = Array.isArray(members) ? (members as Bytes[]) : [...members];
    const len = count ?? arr.length;
    const o = new SetObject(len > intsetMaxEntries(limits) ? 'hashtable' : 'intset');
    let maxLen = 0;
    for (const m of arr) {
      if (m.length > maxLen) maxLen = m.length;
      if (o.encoding === 'intset') {
        const v = parseSetInt(m);
        if (v !== null) {
          o.is!.add(v);
          continue;
        }
        if (o.size < limits.setMaxListpackEntries && maxLen <= limits.setMaxListpackValue) o.convertTo('listpack');
        else o.convertTo('hashtable');
      }
      if (o.encoding === 'listpack') {
        if (o.size < limits.setMaxListpackEntries && m.length <= limits.setMaxListpackValue) {
          o.lp!.add(m);
          continue;
        }
        o.convertTo('hashtable');
      }
      o.ht!.add(m);
    }
    return o;
  }

  /**
   * An intset blob as the loader reads it (RDB_TYPE_SET_INTSET): the intset keeps its width;
   * a hashtable when it holds more than set-max-intset-entries members.
   */
  static fromIntset(is: Intset, limits: SetLimits): SetObject {
    const o = new SetObject('intset');
    o.is = is;
    if (is.length > intsetMaxEntries(limits)) o.convertTo('hashtable');
    return o;
  }

  /** A listpack blob as loaded (RDB_TYPE_SET_LISTPACK): a hashtable beyond set-max-listpack-entries. */
  static fromListpack(members: Iterable<Bytes>, limits: SetLimits): SetObject {
    const o = new SetObject('listpack');
    for (const m of members) o.lp!.add(m);
    if (o.lp!.size > limits.setMaxListpackEntries) o.convertTo('hashtable');
    return o;
  }

  get size(): number {
    if (this.encoding === 'intset') return this.is!.length;
    if (this.encoding === 'listpack') return this.lp!.size;
    return this.ht!.size;
  }

  /** Members in encoding order: sorted (intset), insertion (listpack), table order (hashtable). */
  *members(): IterableIterator<Bytes> {
    if (this.encoding === 'intset') {
      const is = this.is!;
      for (let i = 0; i < is.length; i++) yield String(is.get(i));
    } else if (this.encoding === 'listpack') {
      yield* this.lp!;
    } else {
      yield* this.ht!.keys;
    }
  }

  /** All members as an array, in encoding order. */
  toArray(): Bytes[] {
    if (this.encoding === 'hashtable') return this.ht!.keys.slice();
    if (this.encoding === 'listpack') return [...this.lp!];
    const is = this.is!;
    const out = new Array<Bytes>(is.length);
    for (let i = 0; i < is.length; i++) out[i] = String(is.get(i));
    return out;
  }

  has(m: Bytes): boolean {
    if (this.encoding === 'hashtable') return this.ht!.has(m);
    if (this.encoding === 'listpack') return this.lp!.has(m);
    const v = parseSetInt(m);
    return v !== null && this.is!.has(v);
  }

  /** setTypeMaybeConvert: a write about to add up to `sizeHint` members may go to a hashtable first. */
  maybeConvert(sizeHint: number, limits: SetLimits): void {
    if (
      (this.encoding === 'listpack' && sizeHint > limits.setMaxListpackEntries) ||
      (this.encoding === 'intset' && sizeHint > limits.setMaxIntsetEntries)
    ) {
      this.convertTo('hashtable');
    }
  }

  /** setTypeAdd: true when `m` was not a member. Converts as Redis 7.2 does. */
  add(m: Bytes, limits: SetLimits): boolean {
    const enc = this.encoding;
    if (enc === 'hashtable') return this.ht!.add(m);
    if (enc === 'listpack') {
      const lp = this.lp!;
      if (lp.has(m)) return false;
      if (lp.size < limits.setMaxListpackEntries && m.length <= limits.setMaxListpackValue) {
        lp.add(m);
      } else {
        this.convertTo('hashtable');
        this.ht!.add(m);
      }
      return true;
    }
    const is = this.is!;
    const v = parseSetInt(m);
    if (v !== null) {
      if (!is.add(v)) return false;
      if (is.length > intsetMaxEntries(limits)) this.convertTo('hashtable');
      return true;
    }
    // A non-integer: listpack if everything (the intset's longest decimal included) fits.
    let maxEleLen = 0;
    if (is.length !== 0) maxEleLen = Math.max(String(is.max()).length, String(is.min()).length);
    if (
      is.length < limits.setMaxListpackEntries &&
      m.length <= limits.setMaxListpackValue &&
      maxEleLen <= limits.setMaxListpackValue
    ) {
      this.convertTo('listpack');
      this.lp!.add(m);
    } else {
      this.convertTo('hashtable');
      this.ht!.add(m);
    }
    return true;
  }

  /** setTypeRemove: true when `m` was a member. Never changes the encoding. */
  remove(m: Bytes): boolean {
    if (this.encoding === 'hashtable') return this.ht!.delete(m);
    if (this.encoding === 'listpack') return this.lp!.delete(m);
    const v = parseSetInt(m);
    return v !== null && this.is!.remove(v);
  }

  /** setTypeRandomElement. The set must not be empty. */
  random(): Bytes {
    if (this.encoding === 'hashtable') return this.ht!.random();
    if (this.encoding === 'intset') return String(this.is!.random());
    return nthOf(this.lp!, Math.floor(Math.random() * this.lp!.size));
  }

  /** setTypePopRandom. */
  popRandom(): Bytes {
    const m = this.random();
    this.remove(m);
    return m;
  }

  /** setTypeConvert: every member moves, in iteration order, to the new encoding. */
  convertTo(enc: SetEncoding): void {
    if (enc === this.encoding) return;
    const members = this.toArray();
    this.is = this.lp = this.ht = null;
    this.encoding = enc;
    if (enc === 'hashtable') {
      const ht = (this.ht = new IndexedSet());
      for (const m of members) ht.add(m);
    } else if (enc === 'listpack') {
      this.lp = new Set(members);
    } else {
      const is = (this.is = new Intset());
      for (const m of members) is.add(parseSetInt(m)!);
    }
  }

  /** maybeConvertToIntset: for a result known to hold only integers. */
  maybeConvertToIntset(limits: SetLimits): void {
    if (this.encoding === 'intset') return;
    if (this.size > intsetMaxEntries(limits)) return;
    this.convertTo('intset');
  }

  /** setTypeDup: a deep copy with the same encoding. */
  clone(): SetObject {
    const c = new SetObject(this.encoding);
    if (this.encoding === 'intset') c.is = this.is!.clone();
    else if (this.encoding === 'listpack') c.lp = new Set(this.lp);
    else for (const k of this.ht!.keys) c.ht!.add(k);
    return c;
  }
}

/** The n-th element of an insertion-ordered Set (a listpack seek: O(n), as in Redis). */
export function nthOf<T>(s: Set<T> | Map<T, unknown>, n: number): T {
  let i = 0;
  for (const k of s.keys()) if (i++ === n) return k;
  throw new Error('nthOf: index out of range');
}
