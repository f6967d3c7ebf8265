import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../engine/engine.js';
import { objectIdleTimeMs } from '../../engine/evict.js';
import { hasFieldTtls } from '../../engine/hash-expire.js';
import type { StreamObject } from '../../engine/types/stream.js';
import { scriptHost } from '../../scripting/host.js';
import { AtomicFileWriter } from '../io/atomic-file.js';
import { objectToValue } from './engine-bridge.js';
import { RdbWriter, type RdbWriteVersion } from './writer.js';

export interface SaveOptions {
  version?: RdbWriteVersion;
  compression?: boolean;
  /** Extra AUX fields (aof-base for an AOF base file). */
  aux?: Array<[string, string]>;
}

/**
 * The engine's dataset as RDB bytes, in memory. A snapshot taken synchronously: BGSAVE
 * serialises here, then writes the buffers out without holding the engine.
 */
export function serializeEngine(engine: Engine, functions: string[] = [], options: SaveOptions = {}): Buffer[] {
  const parts: Buffer[] = [];
  const writer = new RdbWriter((b) => parts.push(b), {
    // Asked for a version: that one, refusing what it cannot hold (LossError).
    version: options.version ?? versionFor(engine),
    compression: options.compression ?? engine.config.rdbcompression,
    thresholds: engine.config,
  });
  writer.header(options.aux ?? []);
  for (const code of functionCodes(engine, functions)) writer.func(code);
  for (const db of engine.dbs) {
    if (db.dict.size === 0) continue;
    writer.selectDb(db.id, db.dict.size, db.expires.size);
    const lfu = engine.config.maxmemoryPolicy.endsWith('-lfu');
    const lru = engine.config.maxmemoryPolicy.endsWith('-lru');
    for (const [key, o] of db.dict) {
      const expireAt = db.expires.get(key) ?? null;
      // Keys past their TTL are still saved, as Redis does; a loader drops them.
      writer.key(key, objectToValue(o), {
        expireAt,
        idle: lru ? Math.floor(objectIdleTimeMs(engine, o) / 1000) : null,
        freq: lfu ? o.lru & 255 : null,
      });
    }
  }
  writer.end();
  return parts;
}

/**
 * The version an engine save writes when none is asked for: the oldest that holds the
 * dataset without loss, so the file also goes back to older servers — 10 (Redis 7.0, which
 * 7.2 loads to the same data and encodings), 11 when a stream consumer's active-time differs
 * from its seen-time (7.2's RDB 11 is the first to keep it), 12 when hash field TTLs exist
 * (7.4). Never below `floor`.
 */
export function versionFor(engine: Engine, floor: RdbWriteVersion = 10): RdbWriteVersion {
  let needed: RdbWriteVersion = 10;
  for (const db of engine.dbs) {
    for (const key of db.hfeKeys) {
      const o = db.dict.get(key);
      if (o !== undefined && hasFieldTtls(o)) return 12;
    }
  }
  outer: for (const db of engine.dbs) {
    for (const o of db.dict.values()) {
      if (o.type !== 'stream') continue;
      for (const g of (o as StreamObject).groups?.values() ?? []) {
        for (const c of g.consumers.values()) {
          if (c.activeTime !== c.seenTime) {
            needed = 11;
            break outer;
          }
        }
      }
    }
  }
  return needed > floor ? needed : floor;
}

/** rdbSave: the dataset into dir/dbfilename, atomically. */
export function saveEngineRdb(engine: Engine, file?: string, functions: string[] = [], options: SaveOptions = {}): number {
  const target = file ?? path.join(engine.config.dir, engine.config.dbfilename);
  const out = new AtomicFileWriter(target);
  try {
    let bytes = 0;
    for (const b of serializeEngine(engine, functions, options)) {
      out.write(b);
      bytes += b.length;
    }
    out.commit();
    return bytes;
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** After a successful save: the changes it covered are no longer pending (rdbSave's bookkeeping). */
export function markSaved(engine: Engine, dirtyAtStart: number): void {
  engine.dirty -= dirtyAtStart;
  engine.lastSave = Math.floor(engine.mstime() / 1000);
  engine.rdb.saves++;
}

/**
 * rdbSaveBackground: the snapshot is taken now (what fork() gives Redis) and written to a
 * temp file, fsynced and renamed over dir/dbfilename while the engine goes on. Returns the
 * write, or null when a BGSAVE is already running. Never rejects: a failure shows in
 * rdb_last_bgsave_status.
 */
export function backgroundSave(engine: Engine): Promise<void> | null {
  const st = engine.rdb;
  if (st.bgsaveInProgress) return null;
  const dirty = engine.dirty;
  const started = Date.now();
  st.lastBgsaveTry = Math.floor(engine.mstime() / 1000);
  const parts = serializeEngine(engine);
  const dir = engine.config.dir;
  const target = path.join(dir, engine.config.dbfilename);
  const tmp = path.join(dir, `temp-${process.pid}-${started}.rdb`);
  const generation = st.bgsaveGeneration;
  st.bgsaveInProgress = true;
  return (async () => {
    try {
      const fh = await fs.promises.open(tmp, 'w', 0o644);
      try {
        for (const p of parts) await fh.write(p);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // Abandoned meanwhile (a shutdown saved synchronously): its file must not win.
      if (generation !== st.bgsaveGeneration) {
        await fs.promises.rm(tmp, { force: true });
        return;
      }
      await fs.promises.rename(tmp, target);
      st.lastBgsaveOk = true;
      markSaved(engine, dirty);
    } catch {
      st.lastBgsaveOk = false;
      await fs.promises.rm(tmp, { force: true });
    } finally {
      if (generation === st.bgsaveGeneration) {
        st.bgsaveInProgress = false;
        st.lastBgsaveTimeSec = Math.round((Date.now() - started) / 1000);
      }
    }
  })();
}

/** The name in a library's `#!lua name=…` shebang (the code itself when there is none). */
export function libraryName(code: string): string {
  const nl = code.indexOf('\n');
  return /\bname=(\S+)/.exec(nl < 0 ? code : code.slice(0, nl))?.[1] ?? code;
}

/**
 * The function libraries a save or rewrite carries: the engine's (FUNCTION LOAD), plus any
 * the caller read from a file, once per library name (the engine's win).
 */
export function functionCodes(engine: Engine, extra: readonly string[] = []): string[] {
  const byName = new Map<string, string>();
  for (const code of extra) byName.set(libraryName(code), code);
  for (const lib of scriptHost(engine).libraries.values()) byName.set(lib.name, lib.code);
  return [...byName.values()];
}
