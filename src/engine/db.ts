import type { Bytes } from './bytes.js';
import type { Engine } from './engine.js';
import type { RedisObject } from './object.js';
import type { Session } from './session.js';
import { hasFieldTtls } from './hash-expire.js';

/**
 * One logical database (Redis's db.c): the keyspace dict, the expires dict, the keys that
 * clients WATCH and the keys clients are blocked on.
 */
export class Db {
  /** Not readonly: SWAPDB exchanges the maps themselves (O(1), as Redis swaps dict pointers). */
  dict = new Map<Bytes, RedisObject>();
  /** Absolute expiry time in ms, for keys that have one. */
  expires = new Map<Bytes, number>();
  readonly watchedKeys = new Map<Bytes, Set<Session>>();
  /** Sessions blocked on each key, first come first served. */
  readonly blockingKeys = new Map<Bytes, Session[]>();
  /** Cursor of the active expire cycle over `expires` (insertion order). */
  expiresCursor: Iterator<[Bytes, number]> | null = null;
  /**
   * Keys that held a hash with field TTLs when stored (Redis 7.4's db->hexpires): what the
   * active field expiry visits. May name keys since renamed or deleted; the cycle drops those.
   */
  hfeKeys = new Set<Bytes>();

  constructor(
    readonly engine: Engine,
    public id: number,
  ) {}

  get size(): number {
    return this.dict.size;
  }

  /** True when the key has a TTL in the past at the current command time. */
  isExpired(key: Bytes): boolean {
    const when = this.expires.get(key);
    // keyIsExpired: strictly past (now > when), never while loading.
    return when !== undefined && when < this.engine.commandTime && !this.engine.loading;
  }

  /**
   * expireIfNeeded: deletes the key if its TTL has passed (propagating a DEL) and reports
   * whether it was expired. Never called on a key that does not exist in `expires`.
   */
  expireIfNeeded(key: Bytes): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when >= this.engine.commandTime || this.engine.loading) return false;
    this.deleteExpired(key);
    return true;
  }

  /** Deletes an expired key the way Redis does: DEL propagated, "expired" event, WATCH touched. */
  deleteExpired(key: Bytes): void {
    this.dict.delete(key);
    this.expires.delete(key);
    this.engine.stats.expiredKeys++;
    this.engine.propagateDeletion(this.id, key);
    this.engine.notifyKeyspaceEvent('x', 'expired', key, this.id);
    this.touchWatchedKey(key);
  }

  /** lookupKeyRead: the live value, or undefined. Updates the access clock. */
  lookupRead(key: Bytes): RedisObject | undefined {
    const o = this.dict.get(key);
    if (o === undefined) {
      this.engine.stats.keyspaceMisses++;
      this.engine.notifyKeyspaceEvent('m', 'keymiss', key, this.id);
      return undefined;
    }
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) {
      this.engine.stats.keyspaceMisses++;
      this.engine.notifyKeyspaceEvent('m', 'keymiss', key, this.id);
      return undefined;
    }
    this.engine.stats.keyspaceHits++;
    this.engine.touchObject(o);
    return o;
  }

  /** lookupKeyWrite: the live value, or undefined. Updates the access clock. */
  lookupWrite(key: Bytes): RedisObject | undefined {
    const o = this.dict.get(key);
    if (o === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    this.engine.touchObject(o);
    return o;
  }

  /** Existence without touching the access clock or hit/miss stats (lookupKeyReadWithFlags NOTOUCH). */
  peek(key: Bytes): RedisObject | undefined {
    const o = this.dict.get(key);
    if (o === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return o;
  }

  /** dbAdd: the key must not exist. Wakes clients blocked on it. */
  add(key: Bytes, value: RedisObject): void {
    this.engine.initObjectClock(value);
    this.dict.set(key, value);
    if (hasFieldTtls(value)) this.hfeKeys.add(key);
    this.engine.notifyKeyspaceEvent('n', 'new', key, this.id);
    if (this.blockingKeys.size !== 0 && this.blockingKeys.has(key)) this.engine.signalKeyAsReady(this, key);
  }

  /**
   * setKey: add or overwrite; clears the TTL unless keepTtl. Signals the modification
   * (WATCH) — callers still notify the keyspace event.
   */
  setKey(key: Bytes, value: RedisObject, keepTtl = false): void {
    const exists = this.dict.has(key);
    if (exists) {
      this.engine.initObjectClock(value);
      this.dict.set(key, value);
      if (hasFieldTtls(value)) this.hfeKeys.add(key);
      if (!keepTtl) this.expires.delete(key);
      if (this.blockingKeys.size !== 0 && this.blockingKeys.has(key)) this.engine.signalKeyAsReady(this, key);
    } else {
      this.add(key, value);
    }
    this.signalModified(key);
  }

  /** Replaces the value of an existing key keeping its TTL (dbOverwrite). */
  overwrite(key: Bytes, value: RedisObject): void {
    this.engine.initObjectClock(value);
    this.dict.set(key, value);
    if (hasFieldTtls(value)) this.hfeKeys.add(key);
  }

  /** dbDelete: true if the key existed. Does not signal; callers do. */
  delete(key: Bytes): boolean {
    if (!this.dict.delete(key)) return false;
    this.expires.delete(key);
    // signalDeletedKeyAsReady: a client blocked on the key may need to answer now.
    if (this.blockingKeys.size !== 0 && this.blockingKeys.has(key)) this.engine.signalKeyAsReady(this, key);
    return true;
  }

  setExpire(key: Bytes, whenMs: number): void {
    this.expires.set(key, whenMs);
  }

  /** Absolute expiry in ms, or -1. */
  getExpire(key: Bytes): number {
    return this.expires.get(key) ?? -1;
  }

  removeExpire(key: Bytes): boolean {
    return this.expires.delete(key);
  }

  /** signalModifiedKey + server.dirty++: every write calls it once per key it changes. */
  signalModified(key: Bytes): void {
    this.engine.dirty++;
    if (this.watchedKeys.size !== 0) this.touchWatchedKey(key);
  }

  touchWatchedKey(key: Bytes): void {
    const watchers = this.watchedKeys.get(key);
    if (watchers) for (const s of watchers) s.dirtyCas = true;
  }

  /** FLUSHDB/SWAPDB: every watcher of a key that exists (or, with `all`, any watched key) is dirtied. */
  touchAllWatchedKeys(other?: Db): void {
    for (const [key, watchers] of this.watchedKeys) {
      if (this.dict.has(key) || (other && other.dict.has(key))) {
        for (const s of watchers) s.dirtyCas = true;
      }
    }
  }

  /** SWAPDB: exchange contents (keyspace, expires, expiry cursor) with another db. */
  swapWith(other: Db): void {
    [this.dict, other.dict] = [other.dict, this.dict];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.expiresCursor, other.expiresCursor] = [other.expiresCursor, this.expiresCursor];
    [this.hfeKeys, other.hfeKeys] = [other.hfeKeys, this.hfeKeys];
  }

  /** Removes everything; returns how many keys there were. */
  flush(): number {
    const n = this.dict.size;
    this.touchAllWatchedKeys();
    this.dict.clear();
    this.expires.clear();
    this.expiresCursor = null;
    this.hfeKeys.clear();
    return n;
  }

  /** A live key chosen uniformly at random, or null. Expired keys met on the way are removed. */
  randomKey(): Bytes | null {
    for (let attempts = 0; attempts < 100 && this.dict.size > 0; attempts++) {
      const i = Math.floor(Math.random() * this.dict.size);
      let k = 0;
      for (const key of this.dict.keys()) {
        if (k++ === i) {
          if (this.expires.size !== 0 && this.expireIfNeeded(key)) break;
          return key;
        }
      }
    }
    return null;
  }
}
