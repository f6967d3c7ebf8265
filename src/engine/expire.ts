import type { Engine } from './engine.js';

/** expire.c constants (Redis 7.2), scaled by active-expire-effort. */
export const ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20;
export const ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC = 25;
export const ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE = 10;
/** CRON_DBS_PER_CALL: databases visited per cycle (all of them after a time-capped cycle). */
export const CRON_DBS_PER_CALL = 16;

export class ActiveExpireState {
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the cycle off. */
  enabled = true;
  /** Next db to visit (global across calls, as expire.c's static current_db). */
  currentDb = 0;
  /** The previous cycle stopped on its time budget. */
  timelimitExit = false;
  /** Running estimate of the share of sampled volatile keys that were already expired. */
  statExpiredStalePerc = 0;
  statTimeCapReached = 0;
  /** Microseconds spent in the cycle (INFO expire_cycle_cpu_milliseconds). */
  statCycleTimeUsedUs = 0;
  /** Rounds of sampling done by the last cycle, all dbs together (for tests and INFO). */
  lastIterations = 0;
  /** Keys sampled / expired by the last cycle. */
  lastSampled = 0;
  lastExpired = 0;
}

export interface ActiveExpireOptions {
  /** Microsecond clock for the time budget (tests replace it). */
  now?: () => number;
}

/**
 * activeExpireCycle(ACTIVE_EXPIRE_CYCLE_SLOW): for up to CRON_DBS_PER_CALL dbs starting where
 * the last call stopped, sample min(size, keys_per_loop) keys with a TTL through a cursor
 * that persists across calls, delete the expired ones, and repeat on the same db while more
 * than acceptable_stale % of the sample was expired. Every 16 rounds the elapsed time is
 * checked against slow_time_perc % of one hz period.
 *
 * Each deletion is propagated on its own (DEL key), as 7.2 does with
 * postExecutionUnitOperations() after every expired key.
 */
export function activeExpireCycle(engine: Engine, options: ActiveExpireOptions = {}): void {
  const st = engine.activeExpire;
  st.lastIterations = 0;
  st.lastSampled = 0;
  st.lastExpired = 0;
  if (!st.enabled) return;
  const effort = engine.config.activeExpireEffort - 1;
  const keysPerLoop = ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP + Math.floor(ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP / 4) * effort;
  const slowPerc = ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC + 2 * effort;
  const acceptableStale = ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE - effort;
  const hz = Math.max(1, engine.config.hz);
  let timelimitUs = Math.floor((slowPerc * 1000000) / hz / 100);
  if (timelimitUs <= 0) timelimitUs = 1;
  const clockUs = options.now ?? (() => performance.now() * 1000);
  const start = clockUs();
  const dbs = engine.dbs;
  let dbsPerCall = CRON_DBS_PER_CALL;
  if (dbsPerCall > dbs.length || st.timelimitExit) dbsPerCall = dbs.length;
  st.timelimitExit = false;

  let totalSampled = 0;
  let totalExpired = 0;
  let iteration = 0;
  for (let j = 0; j < dbsPerCall && !st.timelimitExit; j++) {
    const db = dbs[st.currentDb % dbs.length]!;
    st.currentDb++;
    let sampled: number;
    let expired: number;
    do {
      iteration++;
      const size = db.expires.size;
      if (size === 0) break;
      const now = engine.mstime(); // data.now = mstime() every round
      const num = Math.min(size, keysPerLoop);
      sampled = 0;
      expired = 0;
      let restarts = 0;
      while (sampled < num && db.expires.size !== 0) {
        if (!db.expiresCursor) db.expiresCursor = db.expires.entries();
        const next = db.expiresCursor.next();
        if (next.done) {
          // The cursor went round the whole table (dictScan returning 0): start over.
          db.expiresCursor = null;
          if (++restarts > 1) break;
          continue;
        }
        const [key, when] = next.value;
        if (now > when) { // activeExpireCycleTryExpire
          db.deleteExpired(key);
          engine.flushPropagation();
          expired++;
        }
        sampled++;
      }
      totalSampled += sampled;
      totalExpired += expired;
      if ((iteration & 0xf) === 0 && clockUs() - start > timelimitUs) {
        st.timelimitExit = true;
        st.statTimeCapReached++;
        break;
      }
      // Repeat on this db while the sample had more than acceptable_stale % expired keys.
    } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptableStale);
  }
  st.statCycleTimeUsedUs += Math.max(0, Math.round(clockUs() - start));
  st.lastIterations = iteration;
  st.lastSampled = totalSampled;
  st.lastExpired = totalExpired;
  const current = totalSampled ? totalExpired / totalSampled : 0;
  st.statExpiredStalePerc = current * 0.05 + st.statExpiredStalePerc * 0.95;
}
