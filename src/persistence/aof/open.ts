import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { loadRdbIntoEngine } from '../rdb/engine-bridge.js';
import { armSavePoints, shutdownSave } from '../rdb/save-points.js';
import { replayAof, type AofReplayResult } from './load.js';
import { attachAof, type AofWriter } from './writer.js';
import { writeManifestAtomically } from './rewrite.js';

/**
 * Start-up persistence, as redis-server does it (server.c loadDataFromDisk +
 * aofOpenIfNeededOnServerStart): with appendonly yes the AOF is loaded (an old single
 * `appendfilename` in `dir` is first moved into `appenddirname` under a new manifest, as
 * aofUpgradePrepare does; a torn tail of the last file is cut off, as aof-load-truncated
 * does) and then opened for appending — a fresh start writes a base first. With appendonly
 * no, `dir/dbfilename` is loaded if it exists. The RDB is never read when the AOF is on.
 * From then on the `save` points run (BGSAVE after N changes in M seconds) until close().
 */

export interface OpenedPersistence {
  dir: string;
  from: 'aof' | 'rdb' | 'none';
  keys: number;
  aof: AofWriter;
  replay: AofReplayResult | null;
  /**
   * Shutdown (call before exit): flushes and closes the AOF, then, when `save` has points,
   * saves dump.rdb as redis-server does on SHUTDOWN. Throws if that save fails.
   */
  close(): void;
}

function dirExists(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function openPersistence(engine: Engine, dir: string): Promise<OpenedPersistence> {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  engine.config.dir = abs;
  const w = attachAof(engine);
  const c = engine.config;
  const countKeys = () => engine.dbs.reduce((n, d) => n + d.dict.size, 0);
  let stopSavePoints = (): void => {};
  const result: OpenedPersistence = {
    dir: abs,
    from: 'none',
    keys: 0,
    aof: w,
    replay: null,
    close: () => {
      stopSavePoints();
      // prepareForShutdown: the AOF flushed and fsynced first, then the save-point save.
      w.close();
      shutdownSave(engine);
    },
  };
  if (c.appendonly) {
    const aofDir = w.dir;
    const old = path.join(abs, c.appendfilename);
    const am = w.manifest;
    if (fs.existsSync(old) && fs.statSync(old).isFile()) {
      const upgrade =
        !dirExists(aofDir) ||
        (!am.base && am.incr.length === 0) ||
        (am.base !== null && am.incr.length === 0 && am.base.name === c.appendfilename && !fs.existsSync(path.join(aofDir, c.appendfilename)));
      if (upgrade) {
        fs.mkdirSync(aofDir, { recursive: true });
        const upgraded = { base: { name: c.appendfilename, seq: 1, type: 'b' as const }, history: [], incr: [] };
        writeManifestAtomically(aofDir, w.manifestName, upgraded);
        fs.renameSync(old, path.join(aofDir, c.appendfilename));
        w.setManifest(upgraded);
      }
    }
    if (w.manifest.base || w.manifest.incr.length) {
      const replay = await replayAof(path.join(aofDir, w.manifestName), engine);
      if (replay.truncated) fs.truncateSync(replay.truncated.file, replay.truncated.offset);
      w.functions = [...replay.functions];
      result.replay = replay;
      result.from = 'aof';
      result.keys = countKeys();
    }
    w.openOnStart();
  } else {
    const rdb = path.join(abs, c.dbfilename);
    if (fs.existsSync(rdb)) {
      const r = await loadRdbIntoEngine(rdb, engine);
      engine.rdb.lastLoadKeysLoaded = r.keys;
      engine.rdb.lastLoadKeysExpired = r.expired;
      w.functions = [...r.functions];
      result.from = 'rdb';
      result.keys = countKeys();
    }
  }
  stopSavePoints = armSavePoints(engine);
  return result;
}
