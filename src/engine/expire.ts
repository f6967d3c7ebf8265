import type { Engine } from './engine.js';

/** expire.c constants (Redis 7.2), scaled by active-expire-effort. */
export const ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP = 20;
export const ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC = 25;
export const ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE = 10;

export class ActiveExpireState {
  /** DEBUG SET-ACTIVE-EXPIRE 0 turns the cycle off. */
  enabled = true;
  currentDb = 0;
  statExpiredStalePerc = 0;
  statTimeCapReached = 0;
}

/**
 * activeExpireCycle (slow): walks each db's expires with a saved cursor, checking up to
 * keys_per_loop keys per round and repeating while more than acceptable_stale % of a round
 * was expired, within a time budget of slow_perc % of one hz period.
 */
export function activeExpireCycle(engine: Engine): void {
  const st = engine.activeExpire;
  if (!st.enabled) return;
  const effort = engine.config.activeExpireEffort - 1;
  const keysPerLoop = ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP + (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP / 4) * effort;
  const slowPerc = ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC + 2 * effort;
  const acceptableStale = ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE - effort;
  const hz = Math.max(1, engine.config.hz);
  const budgetMs = (slowPerc * 1000) / hz / 100;
  const start = performance.now();
  const dbs = engine.dbs;
  let totalSampled = 0;
  let totalExpired = 0;
  for (let j = 0; j < dbs.length; j++) {
    const db = dbs[st.currentDb % dbs.length]!;
    st.currentDb++;
    let iteration = 0;
    for (;;) {
      if (db.expires.size === 0) break;
      const now = engine.commandTime;
      let sampled = 0;
      let expired = 0;
      while (sampled < keysPerLoop) {
        if (!db.expiresCursor) db.expiresCursor = db.expires.entries();
        const next = db.expiresCursor.next();
        if (next.done) {
          db.expiresCursor = null;
          if (sampled === 0 && db.expires.size === 0) break;
          // One full pass done: stop this round, as dictScan's cursor returning to 0 does.
          break;
        }
        const [key, when] = next.value;
        sampled++;
        if (when <= now && db.expires.get(key) === when) {
          db.deleteExpired(key);
          expired++;
        }
      }
      totalSampled += sampled;
      totalExpired += expired;
      iteration++;
      if ((iteration & 15) === 0 && performance.now() - start > budgetMs) {
        st.statTimeCapReached++;
        return finish();
      }
      if (sampled === 0 || (expired * 100) / sampled <= acceptableStale) break;
    }
  }
  return finish();

  function finish(): void {
    const current = totalSampled ? totalExpired / totalSampled : 0;
    st.statExpiredStalePerc = current * 0.05 + st.statExpiredStalePerc * 0.95;
  }
}
