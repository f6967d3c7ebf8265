import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine/engine.js';

/**
 * :load / :save and the shell's start-up options (--rdb, --aof): RDB files, AOF files,
 * appendonlydirs and Redis data dirs into an engine. Loaded lazily by the callers so the
 * persistence code costs nothing until used.
 */

export interface LoadOutcome {
  kind: 'rdb' | 'aof';
  /** Keys in the engine added or replaced by the load (all dbs). */
  keys: number;
  /** The file actually read (a data dir resolves to its dump.rdb or appendonlydir). */
  file: string;
  /** AOF: commands replayed. */
  commands: number;
  /** Keys in the engine afterwards (all dbs). */
  total: number;
}

function totalKeys(engine: Engine): number {
  let n = 0;
  for (const db of engine.dbs) n += db.dict.size;
  return n;
}

/**
 * Loads `p` into `engine` (keys of the file replace same-named keys already there).
 * A directory is an appendonlydir, or a Redis data dir: its appendonlydir when it has one,
 * else its dump.rdb. `force` picks the format instead of detecting it.
 */
export async function loadInto(
  engine: Engine,
  p: string,
  onProgress?: (done: number, total: number) => void,
  force?: 'rdb' | 'aof',
): Promise<LoadOutcome> {
  const { isAofPath } = await import('../persistence/aof/check.js');
  let file = p;
  let kind: 'rdb' | 'aof';
  if (force) kind = force;
  else if (isAofPath(p)) kind = 'aof';
  else {
    kind = 'rdb';
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(p);
    } catch {
      throw new Error(`${p}: no such file`);
    }
    if (st.isDirectory()) {
      file = path.join(p, 'dump.rdb');
      if (!fs.existsSync(file)) throw new Error(`${p}: no dump.rdb or appendonlydir in this directory`);
    }
  }
  if (kind === 'aof') {
    const { replayAof } = await import('../persistence/aof/load.js');
    const before = totalKeys(engine);
    const r = await replayAof(file, engine, { onProgress });
    const total = totalKeys(engine);
    // Commands may delete keys too: keys = what the replay left beyond what was there.
    return { kind, keys: Math.max(0, total - before) , file, commands: r.commands, total };
  }
  const { loadRdbIntoEngine } = await import('../persistence/rdb/engine-bridge.js');
  const r = await loadRdbIntoEngine(file, engine, { onProgress });
  return { kind, keys: r.keys, file, commands: 0, total: totalKeys(engine) };
}

/** An RDB of the whole engine at `p`, written atomically; returns the bytes written. */
export async function saveTo(engine: Engine, p: string): Promise<number> {
  const { saveEngineRdb } = await import('../persistence/rdb/save.js');
  return saveEngineRdb(engine, p);
}

/** "1.2 MB" style sizes for the shell's messages. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
