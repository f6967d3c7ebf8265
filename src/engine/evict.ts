import type { Bytes } from './bytes.js';
import type { Engine } from './engine.js';
import type { RedisObject } from './object.js';

/** Redis's LRU clock: seconds, 24 bits (evict.c). */
export const LRU_BITS = 24;
export const LRU_CLOCK_MAX = (1 << LRU_BITS) - 1;
export const LRU_CLOCK_RESOLUTION = 1000;
/** A new key's logarithmic LFU counter. */
export const LFU_INIT_VAL = 5;

export function lruClock(engine: Engine): number {
  return Math.floor(engine.commandTime / LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX;
}

/** LFU time: minutes, 16 bits. */
export function lfuTimeInMinutes(engine: Engine): number {
  return Math.floor(engine.commandTime / 1000 / 60) & 65535;
}

function lfuPolicy(engine: Engine): boolean {
  const p = engine.config.maxmemoryPolicy;
  return p === 'allkeys-lfu' || p === 'volatile-lfu';
}

/**
 * Counts values given a clock (every new value stored, loaders included): maxmemory.ts compares
 * it to know whether the keyspace may have changed behind its hooks. A plain counter: free.
 */
export let newObjectEpoch = 0;

export function initObjectClock(engine: Engine, o: RedisObject): void {
  newObjectEpoch++;
  o.lru = lfuPolicy(engine) ? (lfuTimeInMinutes(engine) << 8) | LFU_INIT_VAL : lruClock(engine);
}

/** LFUDecrAndReturn: the counter after decaying one step per lfu-decay-time minutes elapsed. */
export function lfuDecrAndReturn(engine: Engine, o: RedisObject): number {
  const ldt = o.lru >>> 8;
  let counter = o.lru & 255;
  const now = lfuTimeInMinutes(engine);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = engine.config.lfuDecayTime ? Math.floor(elapsed / engine.config.lfuDecayTime) : 0;
  if (periods) counter = periods > counter ? 0 : counter - periods;
  return counter;
}

/** LFULogIncr: logarithmic increment, saturating at 255. */
export function lfuLogIncr(engine: Engine, counter: number): number {
  if (counter === 255) return 255;
  const r = Math.random();
  const baseval = Math.max(0, counter - LFU_INIT_VAL);
  const p = 1.0 / (baseval * engine.config.lfuLogFactor + 1);
  return r < p ? counter + 1 : counter;
}

export function touchObjectClock(engine: Engine, o: RedisObject): void {
  if (lfuPolicy(engine)) {
    const counter = lfuLogIncr(engine, lfuDecrAndReturn(engine, o));
    o.lru = (lfuTimeInMinutes(engine) << 8) | counter;
  } else {
    o.lru = lruClock(engine);
  }
}

/** estimateObjectIdleTime in ms, handling the 24-bit wrap. */
export function objectIdleTimeMs(engine: Engine, o: RedisObject): number {
  const now = lruClock(engine);
  const idle = now >= o.lru ? now - o.lru : LRU_CLOCK_MAX - o.lru + now;
  return idle * LRU_CLOCK_RESOLUTION;
}

// --- eviction pool (evict.c evictionPoolPopulate) --------------------------------------

/** EVPOOL_SIZE: candidates kept across eviction rounds. */
export const EVPOOL_SIZE = 16;

export interface EvictionPoolEntry {
  key: Bytes;
  /** The score: idle ms (LRU), 255 - counter (LFU), or inverted expire time (TTL). Higher = better victim. */
  idle: number;
  dbid: number;
}

/**
 * Redis's eviction pool: up to 16 candidates in ascending idle order (best victim on the right),
 * filled with the same insertion rule as evictionPoolPopulate.
 */
export class EvictionPool {
  readonly slots: Array<EvictionPoolEntry | null> = new Array<EvictionPoolEntry | null>(EVPOOL_SIZE).fill(null);

  insert(key: Bytes, idle: number, dbid: number): void {
    const pool = this.slots;
    // First empty bucket, or first populated bucket whose idle is not smaller than ours.
    let k = 0;
    while (k < EVPOOL_SIZE && pool[k] !== null && pool[k]!.idle < idle) k++;
    if (k === 0 && pool[EVPOOL_SIZE - 1] !== null) {
      // Worse than every candidate and no free bucket.
      return;
    } else if (k < EVPOOL_SIZE && pool[k] === null) {
      // Empty position: nothing to move.
    } else if (pool[EVPOOL_SIZE - 1] === null) {
      // Free space on the right: shift k.. one to the right.
      for (let j = EVPOOL_SIZE - 1; j > k; j--) pool[j] = pool[j - 1]!;
    } else {
      // No free space: insert at k-1, dropping the leftmost (smallest idle) entry.
      k--;
      for (let j = 0; j < k; j++) pool[j] = pool[j + 1]!;
    }
    pool[k] = { key, idle, dbid };
  }

  /** Removes and returns candidates from best to worst until `accept` takes one (ghosts are dropped). */
  popBest(accept: (e: EvictionPoolEntry) => boolean): EvictionPoolEntry | null {
    const pool = this.slots;
    for (let k = EVPOOL_SIZE - 1; k >= 0; k--) {
      const e = pool[k];
      if (e === null || e === undefined) continue;
      pool[k] = null;
      if (accept(e)) return e;
    }
    return null;
  }

  clear(): void {
    this.slots.fill(null);
  }
}

/** A sampled key's score in the pool for an LRU, LFU or TTL policy (higher evicts first). */
export function evictionScore(engine: Engine, policy: string, o: RedisObject | undefined, expireAt: number): number {
  if (policy === 'volatile-ttl') return Number.MAX_SAFE_INTEGER - expireAt; // sooner expiry = better
  if (o === undefined) return 0;
  if (policy === 'allkeys-lfu' || policy === 'volatile-lfu') return 255 - lfuDecrAndReturn(engine, o);
  return objectIdleTimeMs(engine, o);
}
