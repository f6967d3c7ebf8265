import type { Config } from '../../engine/config.js';
import type { Db } from '../../engine/db.js';
import type { Engine } from '../../engine/engine.js';
import type { RedisObject } from '../../engine/object.js';
import { hasFieldTtls } from '../../engine/hash-expire.js';
import { HashObject } from '../../engine/types/hash.js';
import { ListObject } from '../../engine/types/list.js';
import { SetObject } from '../../engine/types/set.js';
import { StreamObject } from '../../engine/types/stream.js';
import { StringObject } from '../../engine/types/string.js';
import { ZSetObject } from '../../engine/types/zset.js';
import type { Bytes } from '../../engine/bytes.js';
import { ErrorReply } from '../../engine/reply.js';
import { scriptHost } from '../../scripting/host.js';
import { FormatError } from '../io/errors.js';
import * as C from './constants.js';
import fs from 'node:fs';
import { parseRdbBuffer, readRdbFile, type ReadRdbOptions } from './reader.js';
import type { StreamGroup } from './types.js';
import { collectKeys, type RdbValue } from './value.js';
import { splitBySizes } from './writer.js';

/**
 * Between the file world (RdbValue) and the engine's value objects: the encodings objects get
 * are the ones Redis's loader gives them (the types' load constructors decide).
 */
export function valueToObject(v: RdbValue, rdbType: number, config: Config, now = Date.now()): RedisObject | null {
  switch (v.type) {
    case 'string':
      return StringObject.fromLoad(v.value);
    case 'list': {
      if (!v.items.length) return null;
      if (!v.nodes) return ListObject.fromItems(v.items, config.listMaxListpackSize);
      // A saved quicklist keeps its node layout (it matters for when it converts back).
      return ListObject.fromNodes(splitBySizes(v.items, v.nodes), config.listMaxListpackSize);
    }
    case 'set':
      if (!v.members.length) return null;
      if (rdbType === C.RDB_TYPE_SET_LISTPACK) return SetObject.fromListpack(v.members, config);
      return SetObject.fromMembers(v.members, config);
    case 'zset':
      if (!v.entries.length) return null;
      // A packed zset from the file stays packed (7.2's loader); a skiplist is rebuilt by size.
      if (rdbType === C.RDB_TYPE_ZSET_LISTPACK || rdbType === C.RDB_TYPE_ZSET_ZIPLIST) return ZSetObject.fromListpackEntries(config, v.entries);
      return ZSetObject.fromEntries(config, v.entries);
    case 'hash': {
      // Redis 7.4 does not load a field whose TTL has passed; a hash left empty is skipped.
      const live = v.entries.filter((e) => e[2] === null || e[2] > now);
      return live.length ? HashObject.fromEntriesWithTtl(live, config) : null;
    }
    case 'stream':
      return StreamObject.fromLoad(v.entries, v.meta, config);
    case 'module':
      return null;
  }
}

/** The value of an engine object, as a file would carry it. */
export function objectToValue(o: RedisObject): RdbValue {
  switch (o.type) {
    case 'string':
      return { type: 'string', value: (o as StringObject).value };
    case 'list': {
      const nodes = (o as ListObject).nodes();
      return { type: 'list', items: nodes.flat(), nodes: nodes.map((n) => n.length) };
    }
    case 'set':
      return { type: 'set', members: [...(o as SetObject).members()], encoding: o.encoding };
    case 'zset':
      return { type: 'zset', entries: [...(o as ZSetObject).entries()], encoding: o.encoding };
    case 'hash':
      return { type: 'hash', entries: (o as HashObject).entriesWithTtl(), encoding: o.encoding };
    case 'stream': {
      const s = o as StreamObject;
      const groups: StreamGroup[] = [];
      for (const [name, g] of s.sortedGroups()) {
        groups.push({
          name,
          lastId: g.lastId,
          entriesRead: g.entriesRead < 0n ? 0xffffffffffffffffn : g.entriesRead,
          pending: [...g.pel.entries()].map(([id, n]) => ({ id, deliveryTime: n.deliveryTime, deliveryCount: Number(n.deliveryCount) })),
          consumers: [...g.consumers.values()].map((c) => ({
            name: c.name,
            seenTime: c.seenTime,
            activeTime: c.activeTime,
            pending: [...c.pel.entries()].map(([id]) => id),
          })),
        });
      }
      return {
        type: 'stream',
        entries: [...s.entries()].map((e) => ({ id: { ms: e.ms, seq: e.seq }, fields: e.fields })),
        meta: {
          length: BigInt(s.length),
          lastId: s.lastId,
          firstId: s.firstId,
          maxDeletedId: s.maxDeletedId,
          entriesAdded: s.entriesAdded,
          groups,
        },
      };
    }
  }
}

export interface LoadResult {
  keys: number;
  /** Keys whose TTL had passed: a master does not load them. */
  expired: number;
  /** Values only a module could load. */
  modules: number;
  functions: string[];
  version: number;
}

/** Puts a loaded key in place without notifications or WATCH effects (the loader's dbAdd). */
export function loadKey(db: Db, key: Bytes, obj: RedisObject, expireAt: number | null): void {
  db.engine.initObjectClock(obj);
  db.dict.set(key, obj);
  if (hasFieldTtls(obj)) db.hfeKeys.add(key);
  if (expireAt !== null) db.expires.set(key, expireAt);
  else db.expires.delete(key);
}

/** The visitor that puts every key of a file into the engine (RDB files and AOF preambles). */
export function rdbLoadVisitor(engine: Engine, result: LoadResult, skipExpired = true) {
  const now = engine.mstime();
  return collectKeys(
      ({ info, value }) => {
        // A master drops keys already expired, except in an AOF preamble (RDBFLAGS_AOF_PREAMBLE).
        if (skipExpired && info.expireAt !== null && info.expireAt < now) {
          result.expired++;
          return;
        }
        const db = engine.dbs[info.db];
        if (!db) throw new Error(`the file uses db ${info.db} but the engine has ${engine.dbs.length} databases`);
        const obj = valueToObject(value, info.rdbType, engine.config, engine.mstime());
        if (!obj) {
          if (value.type === 'module') result.modules++;
          return;
        }
        loadKey(db, info.key, obj, info.expireAt);
        result.keys++;
      },
      {
        onFunction: (code) => {
          result.functions.push(code);
          // rdbFunctionLoad: the library goes into the engine (REPLACE: the file wins).
          const r = scriptHost(engine).loadLibrary(code, true);
          if (r instanceof ErrorReply) throw new FormatError(`the function library in the file does not load: ${r.message}`, 0);
        },
      },
  );
}

/** rdbLoad into an engine: keys already expired are skipped, as a master does. */
export async function loadRdbIntoEngine(path: string, engine: Engine, options: ReadRdbOptions = {}): Promise<LoadResult> {
  const result: LoadResult = { keys: 0, expired: 0, modules: 0, functions: [], version: 0 };
  const parser = await readRdbFile(path, rdbLoadVisitor(engine, result), options);
  result.version = parser.version;
  return result;
}

/** The same, in one synchronous call (DEBUG RELOAD runs inside a command). */
export function loadRdbIntoEngineSync(path: string, engine: Engine): LoadResult {
  const result: LoadResult = { keys: 0, expired: 0, modules: 0, functions: [], version: 0 };
  const parser = parseRdbBuffer(fs.readFileSync(path), rdbLoadVisitor(engine, result));
  result.version = parser.version;
  return result;
}
