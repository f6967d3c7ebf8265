import type { Bytes } from '../bytes.js';
import type { Config } from '../config.js';
import type { RedisObject } from '../object.js';

/** `listpackex` is Redis 7.4's listpack with a TTL slot per field (OBJ_ENCODING_LISTPACK_EX). */
export type HashEncoding = 'listpack' | 'listpackex' | 'hashtable';

/** Thresholds a hash reads (a Config satisfies it). */
export type HashLimits = Pick<Config, 'hashMaxListpackEntries' | 'hashMaxListpackValue'>;

/**
 * The hashtable encoding: fields and values in parallel arrays plus a field → index map,
 * so lookups, inserts, deletes (swap with last) and random picks are O(1).
 */
export class IndexedMap {
  readonly fields: Bytes[] = [];
  readonly values: Bytes[] = [];
  /** field → position; also what HSCAN iterates. */
  readonly index = new Map<Bytes, number>();

  get size(): number {
    return this.fields.length;
  }

  get(f: Bytes): Bytes | undefined {
    const i = this.index.get(f);
    return i === undefined ? undefined : this.values[i];
  }

  /** True when the field was new. */
  set(f: Bytes, v: Bytes): boolean {
    const i = this.index.get(f);
    if (i !== undefined) {
      this.values[i] = v;
      return false;
    }
    this.index.set(f, this.fields.length);
    this.fields.push(f);
    this.values.push(v);
    return true;
  }

  delete(f: Bytes): boolean {
    const i = this.index.get(f);
    if (i === undefined) return false;
    const lastF = this.fields.pop()!;
    const lastV = this.values.pop()!;
    if (i < this.fields.length) {
      this.fields[i] = lastF;
      this.values[i] = lastV;
      this.index.set(lastF, i);
    }
    this.index.delete(f);
    return true;
  }
}

/**
 * A hash value (t_hash.c). `listpack` (insertion order) while small, `hashtable` once it has
 * more than hash-max-listpack-entries fields or a field/value longer than
 * hash-max-listpack-value bytes; never converted back.
 *
 * Field TTLs (Redis 7.4's HEXPIRE family) live in `ttls` as absolute unix ms. The first TTL
 * command on a listpack hash makes it `listpackex` for good, as hashTypeSetExInit does.
 */
export class HashObject implements RedisObject {
  readonly type = 'hash' as const;
  lru = 0;
  encoding: HashEncoding;
  /** The packed encodings (listpack, listpackex); null once a hashtable. */
  lp: Map<Bytes, Bytes> | null = null;
  ht: IndexedMap | null = null;
  /** field → absolute expiry (ms) for the fields that have one; null when none ever had. */
  ttls: Map<Bytes, number> | null = null;

  constructor(encoding: HashEncoding = 'listpack') {
    this.encoding = encoding;
    if (encoding === 'hashtable') this.ht = new IndexedMap();
    else this.lp = new Map();
  }

  /**
   * A hash as the RDB loader builds it from field/value pairs: a listpack unless there are
   * more than hash-max-listpack-entries pairs or some field/value is too long.
   */
  static fromEntries(entries: Iterable<[Bytes, Bytes]>, limits: HashLimits, count?: number): HashObject {
    const arr = Array.isArray(entries) ? (entries as Array<[Bytes, Bytes]>) : [...entries];
    const n = count ?? arr.length;
    const o = new HashObject(n > limits.hashMaxListpackEntries ? 'hashtable' : 'listpack');
    for (const [f, v] of arr) {
      if (o.lp !== null && (f.length > limits.hashMaxListpackValue || v.length > limits.hashMaxListpackValue)) {
        o.convertTo('hashtable');
      }
      if (o.lp !== null) o.lp.set(f, v);
      else o.ht!.set(f, v);
    }
    return o;
  }

  /** A hash with field TTLs as Redis 7.4 loads one: listpackex while small, else a hashtable. */
  static fromEntriesWithTtl(entries: ReadonlyArray<readonly [Bytes, Bytes, number | null]>, limits: HashLimits): HashObject {
    const o = HashObject.fromEntries(entries.map(([f, v]) => [f, v] as [Bytes, Bytes]), limits);
    const ttls = new Map<Bytes, number>();
    for (const [f, , ttl] of entries) if (ttl !== null) ttls.set(f, ttl);
    if (ttls.size) o.enableTtls().ttls = ttls;
    return o;
  }

  get size(): number {
    return this.lp !== null ? this.lp.size : this.ht!.size;
  }

  /** Field/value pairs in encoding order (insertion order for listpack). */
  *entries(): IterableIterator<[Bytes, Bytes]> {
    if (this.lp !== null) {
      yield* this.lp;
    } else {
      const ht = this.ht!;
      for (let i = 0; i < ht.fields.length; i++) yield [ht.fields[i]!, ht.values[i]!];
    }
  }

  fields(): Bytes[] {
    return this.lp !== null ? [...this.lp.keys()] : this.ht!.fields.slice();
  }

  values(): Bytes[] {
    return this.lp !== null ? [...this.lp.values()] : this.ht!.values.slice();
  }

  get(f: Bytes): Bytes | undefined {
    return this.lp !== null ? this.lp.get(f) : this.ht!.get(f);
  }

  has(f: Bytes): boolean {
    return this.lp !== null ? this.lp.has(f) : this.ht!.index.has(f);
  }

  /**
   * hashTypeTryConversion over argv[start..end]: too many pairs, or any argument longer
   * than hash-max-listpack-value, converts a listpack to a hashtable before writing.
   */
  tryConversion(argv: readonly Bytes[], start: number, end: number, limits: HashLimits): void {
    if (this.lp === null) return;
    if (Math.floor((end - start + 1) / 2) > limits.hashMaxListpackEntries) {
      this.convertTo('hashtable');
      return;
    }
    const max = limits.hashMaxListpackValue;
    for (let i = start; i <= end; i++) {
      if (argv[i]!.length > max) {
        this.convertTo('hashtable');
        return;
      }
    }
  }

  /**
   * hashTypeSet: true when the field was updated, false when inserted. A field's TTL goes
   * with the old value unless `keepTtl` (HASH_SET_KEEP_TTL: HINCRBY, HINCRBYFLOAT).
   */
  set(f: Bytes, v: Bytes, limits: HashLimits, keepTtl = false): boolean {
    if (this.ttls !== null && !keepTtl) this.ttls.delete(f);
    if (this.lp !== null) {
      if (f.length > limits.hashMaxListpackValue || v.length > limits.hashMaxListpackValue) {
        this.convertTo('hashtable');
        return !this.ht!.set(f, v);
      }
      const lp = this.lp;
      const update = lp.has(f);
      lp.set(f, v);
      if (!update && lp.size > limits.hashMaxListpackEntries) this.convertTo('hashtable');
      return update;
    }
    return !this.ht!.set(f, v);
  }

  delete(f: Bytes): boolean {
    if (this.ttls !== null) this.ttls.delete(f);
    return this.lp !== null ? this.lp.delete(f) : this.ht!.delete(f);
  }

  /** The field's absolute expiry in ms, or undefined when it has none. */
  ttlOf(f: Bytes): number | undefined {
    return this.ttls === null ? undefined : this.ttls.get(f);
  }

  /** Makes the hash able to hold field TTLs: a listpack becomes listpackex (never back). */
  enableTtls(): this {
    if (this.encoding === 'listpack') this.encoding = 'listpackex';
    this.ttls ??= new Map();
    return this;
  }

  setTtl(f: Bytes, whenMs: number): void {
    this.enableTtls().ttls!.set(f, whenMs);
  }

  /** True when the field had a TTL. */
  persist(f: Bytes): boolean {
    return this.ttls !== null && this.ttls.delete(f);
  }

  /** The earliest field expiry, or Infinity. */
  minExpire(): number {
    let min = Infinity;
    if (this.ttls !== null) for (const t of this.ttls.values()) if (t < min) min = t;
    return min;
  }

  /** Fields whose TTL is before `now` (hfieldIsExpired: expire < now). */
  expiredFields(now: number): Bytes[] {
    const out: Bytes[] = [];
    if (this.ttls !== null) for (const [f, t] of this.ttls) if (t < now) out.push(f);
    return out;
  }

  /** Field, value and TTL (or null), in encoding order: what a file carries. */
  entriesWithTtl(): Array<[Bytes, Bytes, number | null]> {
    const out: Array<[Bytes, Bytes, number | null]> = [];
    for (const [f, v] of this.entries()) out.push([f, v, this.ttls?.get(f) ?? null]);
    return out;
  }

  convertTo(enc: HashEncoding): void {
    if (enc === this.encoding) return;
    if (enc === 'listpackex') {
      this.enableTtls();
      return;
    }
    if (enc === 'hashtable') {
      const ht = new IndexedMap();
      for (const [f, v] of this.lp!) ht.set(f, v);
      this.ht = ht;
      this.lp = null;
    } else {
      const lp = new Map<Bytes, Bytes>();
      const ht = this.ht!;
      for (let i = 0; i < ht.fields.length; i++) lp.set(ht.fields[i]!, ht.values[i]!);
      this.lp = lp;
      this.ht = null;
    }
    this.encoding = enc;
  }

  /** A deep copy with the same encoding (hashTypeDup). */
  clone(): HashObject {
    const c = new HashObject(this.encoding);
    if (this.ttls !== null) c.ttls = new Map(this.ttls);
    if (this.lp !== null) c.lp = new Map(this.lp);
    else {
      const src = this.ht!;
      const dst = c.ht!;
      for (let i = 0; i < src.fields.length; i++) dst.set(src.fields[i]!, src.values[i]!);
    }
    return c;
  }
}
