import type { Bytes } from './bytes.js';
import type { Db } from './db.js';
import type { HashObject } from './types/hash.js';

/**
 * Redis 7.4 hash field expiration (HFE), the part that belongs to the keyspace: a field whose
 * TTL has passed is deleted when a command meets it (lazy) or by the cron (active), each
 * deletion propagated as HDEL (propagateHashFieldDeletion), one "hexpired" event per hash,
 * and the key deleted with a "del" event when its last field goes.
 */

/** Fields the active cycle may expire per call, all dbs together (a bound on cron latency). */
export const ACTIVE_EXPIRE_FIELDS_PER_CYCLE = 1000;

/** Whether a value is a hash that holds field TTLs (structural: db.ts does not import types). */
export function hasFieldTtls(o: { type: string }): boolean {
  return o.type === 'hash' && ((o as HashObject).ttls?.size ?? 0) !== 0;
}

/**
 * Deletes the fields of `h` (stored at `key`) whose TTL is before `now`, at most `limit`.
 * Returns how many were deleted; the key is gone when `h.size` is 0 afterwards.
 */
export function expireHashFields(db: Db, key: Bytes, h: HashObject, now: number, limit = Infinity): number {
  const engine = db.engine;
  let expired = h.expiredFields(now);
  if (expired.length === 0) return 0;
  if (expired.length > limit) expired = expired.slice(0, limit);
  for (const f of expired) {
    engine.propagate(db.id, ['HDEL', key, f]);
    h.delete(f);
  }
  engine.notifyKeyspaceEvent('h', 'hexpired', key, db.id);
  if (h.size === 0) {
    db.delete(key);
    engine.notifyKeyspaceEvent('g', 'del', key, db.id);
  }
  // Like a key's expiry: WATCH sees it, but it is no write of the command that met it.
  db.touchWatchedKey(key);
  return expired.length;
}

/** Lazy expiry before a command reads or writes the hash; false when the key went away. */
export function expireFieldsIfNeeded(db: Db, key: Bytes, h: HashObject): boolean {
  if (h.ttls === null || h.ttls.size === 0 || db.engine.loading) return true;
  expireHashFields(db, key, h, db.engine.commandTime);
  return h.size !== 0;
}

/** The active part: hashes with field TTLs, visited in turn, under a per-cycle quota. */
export function activeExpireHashFields(dbs: readonly Db[], now: number): number {
  let quota = ACTIVE_EXPIRE_FIELDS_PER_CYCLE;
  for (const db of dbs) {
    if (db.hfeKeys.size === 0) continue;
    for (const key of db.hfeKeys) {
      if (quota <= 0) return ACTIVE_EXPIRE_FIELDS_PER_CYCLE - quota;
      const o = db.dict.get(key);
      if (o === undefined || !hasFieldTtls(o)) {
        db.hfeKeys.delete(key);
        continue;
      }
      const h = o as HashObject;
      if (h.minExpire() >= now) continue;
      quota -= expireHashFields(db, key, h, now, quota);
      db.engine.flushPropagation();
    }
  }
  return ACTIVE_EXPIRE_FIELDS_PER_CYCLE - quota;
}
