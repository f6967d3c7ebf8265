import type { Engine } from '../../engine/engine.js';
import { backgroundSave, markSaved, saveEngineRdb } from './save.js';

/**
 * The `save` config at work (serverCron's save points, and the save at shutdown). Only a
 * front end that persists (`--dir`) arms it: a playground without a directory writes nothing
 * on its own.
 */

/** CONFIG_BGSAVE_RETRY_DELAY: a failed BGSAVE is retried after this many seconds. */
export const BGSAVE_RETRY_DELAY_SEC = 5;

export interface SavePoint {
  seconds: number;
  changes: number;
}

/** "3600 1 300 100" → [{3600, 1}, {300, 100}] (CONFIG SET has already validated it). */
export function parseSavePoints(save: string): SavePoint[] {
  const parts = save.split(' ').filter((x) => x !== '').map(Number);
  const out: SavePoint[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push({ seconds: parts[i]!, changes: parts[i + 1]! });
  return out;
}

/**
 * One serverCron check: BGSAVE when some point has at least `changes` changes and more than
 * `seconds` seconds since the last save, unless a BGSAVE runs or the last one failed less
 * than BGSAVE_RETRY_DELAY_SEC ago. Returns the write it started, or null.
 */
export function checkSavePoints(engine: Engine): Promise<void> | null {
  const st = engine.rdb;
  if (st.bgsaveInProgress) return null;
  const now = Math.floor(engine.mstime() / 1000);
  for (const sp of parseSavePoints(engine.config.save)) {
    if (
      engine.dirty >= sp.changes &&
      now - engine.lastSave > sp.seconds &&
      (now - st.lastBgsaveTry > BGSAVE_RETRY_DELAY_SEC || st.lastBgsaveOk)
    ) {
      return backgroundSave(engine);
    }
  }
  return null;
}

/** Runs checkSavePoints at hz, like serverCron; returns the stop function. */
export function armSavePoints(engine: Engine): () => void {
  const t = setInterval(() => void checkSavePoints(engine), Math.max(1, Math.floor(1000 / Math.max(1, engine.config.hz))));
  t.unref();
  return () => clearInterval(t);
}

/**
 * prepareForShutdown: with save points configured, a synchronous save; a BGSAVE still
 * running is abandoned first (Redis kills the child), so its older snapshot cannot land
 * after this one. Returns whether it saved.
 */
export function shutdownSave(engine: Engine): boolean {
  if (parseSavePoints(engine.config.save).length === 0) return false;
  if (engine.rdb.bgsaveInProgress) {
    engine.rdb.bgsaveGeneration++;
    engine.rdb.bgsaveInProgress = false;
  }
  const dirty = engine.dirty;
  saveEngineRdb(engine);
  markSaved(engine, dirty);
  return true;
}
