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

export function initObjectClock(engine: Engine, o: RedisObject): void {
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
