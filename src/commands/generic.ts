import type { Bytes } from '../engine/bytes.js';
import type { Db } from '../engine/db.js';
import {
  DB_INDEX_OUT_OF_RANGE,
  NO_SUCH_KEY,
  NOT_INTEGER,
  SYNTAX_ERROR,
  invalidExpireTime,
} from '../engine/errors.js';
import { lfuDecrAndReturn, objectIdleTimeMs } from '../engine/evict.js';
import { globMatch } from '../engine/glob.js';
import { parseLongExact } from '../engine/number.js';
import { INT64_MAX, INT64_MIN, parseSafeInt, type RedisObject } from '../engine/object.js';
import { ErrorReply, OK, StatusReply, type Reply } from '../engine/reply.js';
import { parseScanArgs } from '../engine/scan.js';
import type { Session } from '../engine/session.js';
import { StringObject } from '../engine/types/string.js';
import type { HandlerMap } from './table.js';

/** Errors of the keyspace group (db.c, expire.c, object.c), byte for byte as Redis 7.2. */
export const SAME_OBJECT = new ErrorReply('ERR source and destination objects are the same');
export const INT_OUT_OF_RANGE = new ErrorReply('ERR value is out of range, value must between -2147483648 and 2147483647');
const INVALID_FIRST_DB = new ErrorReply('ERR invalid first DB index');
const INVALID_SECOND_DB = new ErrorReply('ERR invalid second DB index');
const EXPIRE_NX_INCOMPATIBLE = new ErrorReply('ERR NX and XX, GT or LT options at the same time are not compatible');
const EXPIRE_GT_LT_INCOMPATIBLE = new ErrorReply('ERR GT and LT options at the same time are not compatible');
const LFU_NOT_SELECTED = new ErrorReply(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const LFU_SELECTED = new ErrorReply(
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const unsupportedOption = (opt: Bytes) => new ErrorReply(`ERR Unsupported option ${opt}`);

/** OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT reports for the shared integers 0..9999. */
const OBJ_SHARED_REFCOUNT = 2147483647;
const OBJ_SHARED_INTEGERS = 10000;

const OBJECT_HELP: Reply = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => new StatusReply(line));

// --- helpers -----------------------------------------------------------------------------

/** getIntFromObjectOrReply: a strict 64-bit integer that must fit a C int. */
function parseInt32(s: Bytes, msg?: ErrorReply): number | ErrorReply {
  const v = parseLongExact(s);
  if (v === null) return msg ?? NOT_INTEGER;
  if (v < -2147483648n || v > 2147483647n) return msg ?? INT_OUT_OF_RANGE;
  return Number(v);
}

/** A db index argument (MOVE, COPY DB): an int, then a valid index. */
function parseDbIndex(ctx: Session, s: Bytes): Db | ErrorReply {
  const id = parseInt32(s);
  if (id instanceof ErrorReply) return id;
  if (id < 0 || id >= ctx.engine.dbs.length) return DB_INDEX_OUT_OF_RANGE;
  return ctx.engine.dbs[id]!;
}

/**
 * lookupKeyReadWithFlags(LOOKUP_NOTOUCH [| LOOKUP_NONOTIFY]): expires the key if needed,
 * counts a hit or a miss, but leaves the access clock alone.
 */
function lookupNoTouch(db: Db, key: Bytes, notify = true): RedisObject | undefined {
  const o = db.peek(key);
  const engine = db.engine;
  if (o !== undefined) {
    engine.stats.keyspaceHits++;
  } else {
    engine.stats.keyspaceMisses++;
    if (notify) engine.notifyKeyspaceEvent('m', 'keymiss', key, db.id);
  }
  return o;
}

/** Values COPY duplicated: never shared, whatever their content (dupStringObject). */
const unsharedStrings = new WeakSet<RedisObject>();

function isSharedInteger(ctx: Session, o: RedisObject): boolean {
  if (!(o instanceof StringObject) || o.encoding !== 'int' || unsharedStrings.has(o)) return false;
  const cfg = ctx.engine.config;
  // Under an LRU/LFU policy with maxmemory set, Redis stops sharing integers (each needs its own clock).
  if (cfg.maxmemory !== 0 && /lru|lfu/.test(cfg.maxmemoryPolicy)) return false;
  const v = o.value;
  if (v.length > 4 || v.charCodeAt(0) === 45) return false;
  const n = Number(v);
  return n >= 0 && n < OBJ_SHARED_INTEGERS;
}

function isLfu(ctx: Session): boolean {
  const p = ctx.engine.config.maxmemoryPolicy;
  return p === 'allkeys-lfu' || p === 'volatile-lfu';
}

interface Cloneable extends RedisObject {
  clone(): RedisObject;
}

/** dupStringObject / listTypeDup / setTypeDup / zsetDup / hashTypeDup / streamDup. */
function duplicate(o: RedisObject): RedisObject {
  const d = (o as Cloneable).clone();
  if (d instanceof StringObject) unsharedStrings.add(d);
  return d;
}

// --- RANDOMKEY ---------------------------------------------------------------------------

/**
 * A per-db array of key names to pick from in O(1). Db.dict is a Map, which cannot be
 * indexed, so the array is rebuilt lazily: always after a write for small dbs (exact), and
 * once the writes since the last build exceed 1/8 of the keys for large ones (amortised
 * O(1) per write; keys created since the build are only seen after the next rebuild).
 * Names that were deleted since are skipped on the way.
 */
interface RandomKeyCache {
  dict: Map<Bytes, RedisObject>;
  keys: Bytes[];
  dirtyAtBuild: number;
}
const randomKeyCaches = new WeakMap<Db, RandomKeyCache>();
const SMALL_DB = 1024;

function buildRandomKeyCache(db: Db): RandomKeyCache {
  const cache = { dict: db.dict, keys: [...db.dict.keys()], dirtyAtBuild: db.engine.dirty };
  randomKeyCaches.set(db, cache);
  return cache;
}

export function randomKey(db: Db): Bytes | null {
  let cache = randomKeyCaches.get(db);
  const dirty = db.engine.dirty;
  if (
    !cache ||
    cache.dict !== db.dict ||
    (dirty !== cache.dirtyAtBuild && (cache.keys.length < SMALL_DB || dirty - cache.dirtyAtBuild > cache.keys.length / 8))
  ) {
    cache = buildRandomKeyCache(db);
  }
  let misses = 0;
  while (db.dict.size > 0) {
    const keys = cache.keys;
    if (keys.length === 0 || misses > 32) {
      cache = buildRandomKeyCache(db);
      misses = 0;
      continue;
    }
    const key = keys[Math.floor(Math.random() * keys.length)]!;
    if (!db.dict.has(key)) {
      misses++;
      continue;
    }
    if (db.expires.size !== 0 && db.expireIfNeeded(key)) {
      misses++;
      continue;
    }
    return key;
  }
  return null;
}

// --- EXPIRE family ------------------------------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** expireGenericCommand: `basetime` 0 for the *AT forms; `seconds` when argv[2] is in seconds. */
function expireGeneric(ctx: Session, argv: Bytes[], relative: boolean, seconds: boolean, name: string): Reply {
  const key = argv[1]!;
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    if (opt === 'nx') flags |= EXPIRE_NX;
    else if (opt === 'xx') flags |= EXPIRE_XX;
    else if (opt === 'gt') flags |= EXPIRE_GT;
    else if (opt === 'lt') flags |= EXPIRE_LT;
    else return unsupportedOption(argv[j]!);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) return EXPIRE_NX_INCOMPATIBLE;
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) return EXPIRE_GT_LT_INCOMPATIBLE;

  let whenMs: number;
  let whenText: string;
  const fast = parseSafeInt(argv[2]!);
  if (fast !== null && Math.abs(fast) < 1e12) {
    // Common case: exact in doubles, far from the int64 overflow checks.
    whenMs = (seconds ? fast * 1000 : fast) + (relative ? ctx.now : 0);
    whenText = String(whenMs);
  } else {
    let when = parseLongExact(argv[2]!);
    if (when === null) return NOT_INTEGER;
    if (seconds) {
      if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return invalidExpireTime(name);
      when *= 1000n;
    }
    const basetime = relative ? BigInt(ctx.now) : 0n;
    if (when > INT64_MAX - basetime) return invalidExpireTime(name);
    when += basetime;
    whenMs = Number(when);
    whenText = when.toString();
  }

  const db = ctx.db;
  if (db.lookupWrite(key) === undefined) return 0;

  if (flags) {
    const current = db.getExpire(key);
    if (flags & EXPIRE_NX && current !== -1) return 0;
    if (flags & EXPIRE_XX && current === -1) return 0;
    if (flags & EXPIRE_GT && (current === -1 || whenMs <= current)) return 0;
    if (flags & EXPIRE_LT && current !== -1 && whenMs >= current) return 0;
  }

  if (ctx.engine.alreadyExpired(whenMs)) {
    // checkAlreadyExpired: a time in the past deletes the key, propagated as DEL.
    db.delete(key);
    ctx.replaceArgv(['DEL', key]);
    db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('g', 'del', key, db.id);
    return 1;
  }
  db.setExpire(key, whenMs);
  // Propagated as PEXPIREAT with the absolute time in ms, options kept.
  if (relative || seconds || name !== 'pexpireat') {
    ctx.replaceArgv(argv.length === 3 ? ['PEXPIREAT', key, whenText] : ['PEXPIREAT', key, whenText, ...argv.slice(3)]);
  }
  db.signalModified(key);
  ctx.engine.notifyKeyspaceEvent('g', 'expire', key, db.id);
  return 1;
}

/** ttlGenericCommand: TTL, PTTL, EXPIRETIME, PEXPIRETIME. */
function ttlGeneric(ctx: Session, argv: Bytes[], ms: boolean, absolute: boolean): Reply {
  const key = argv[1]!;
  if (lookupNoTouch(ctx.db, key) === undefined) return -2;
  const expire = ctx.db.getExpire(key);
  if (expire === -1) return -1;
  let ttl = absolute ? expire : expire - ctx.now;
  if (ttl < 0) ttl = 0;
  const out = ms ? ttl : Math.floor((ttl + 500) / 1000);
  // Times beyond 2^53 ms (PEXPIREAT near INT64_MAX) are kept as doubles: print all digits.
  return out > Number.MAX_SAFE_INTEGER ? BigInt(out) : out;
}

// --- DEL / RENAME / MOVE / COPY --------------------------------------------------------------

function delGeneric(ctx: Session, argv: Bytes[]): Reply {
  const db = ctx.db;
  let deleted = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j]!;
    if (db.expires.size !== 0 && db.dict.has(key)) db.expireIfNeeded(key);
    if (db.delete(key)) {
      db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('g', 'del', key, db.id);
      deleted++;
    }
  }
  return deleted;
}

function renameGeneric(ctx: Session, argv: Bytes[], nx: boolean): Reply {
  const src = argv[1]!;
  const dst = argv[2]!;
  const db = ctx.db;
  const o = db.lookupWrite(src);
  if (o === undefined) return NO_SUCH_KEY;
  if (src === dst) return nx ? 0 : OK;
  const expire = db.getExpire(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) return 0;
    db.delete(dst);
  }
  // The value moves with its access clock (dbAdd does not reset it).
  const lru = o.lru;
  db.add(dst, o);
  o.lru = lru;
  if (expire !== -1) db.setExpire(dst, expire);
  db.delete(src);
  db.signalModified(src);
  db.signalModified(dst);
  ctx.engine.notifyKeyspaceEvent('g', 'rename_from', src, db.id);
  ctx.engine.notifyKeyspaceEvent('g', 'rename_to', dst, db.id);
  return nx ? 1 : OK;
}

// --- SCAN / KEYS ---------------------------------------------------------------------------

function keysCommand(ctx: Session, argv: Bytes[]): Reply {
  const pattern = argv[1]!;
  const db = ctx.db;
  const all = pattern === '*';
  const out: Reply[] = [];
  const checkTtl = db.expires.size !== 0;
  for (const key of db.dict.keys()) {
    if (!all && !globMatch(pattern, key)) continue;
    if (checkTtl && db.isExpired(key)) continue;
    out.push(key);
  }
  return out;
}

function scanCommand(ctx: Session, argv: Bytes[]): Reply {
  const opts = parseScanArgs(argv, 1, true);
  if (opts instanceof ErrorReply) return opts;
  const db = ctx.db;
  const { cursor, keys } = ctx.engine.scanCursors.scan(db, db.dict, opts.cursor, opts.count);
  const out: Reply[] = [];
  for (const key of keys) {
    if (opts.match !== null && !globMatch(opts.match, key)) continue;
    if (opts.type !== null) {
      // 7.2: the type filter looks the key up (expiring it) without touching it.
      const o = db.peek(key);
      if (o === undefined) {
        ctx.engine.stats.keyspaceMisses++;
        continue;
      }
      ctx.engine.stats.keyspaceHits++;
      if (o.type !== opts.type) continue;
    } else if (db.expires.size !== 0 && db.dict.has(key) && db.expireIfNeeded(key)) {
      continue;
    }
    out.push(key);
  }
  return [cursor.toString(), out];
}

// --- SWAPDB / FLUSH ---------------------------------------------------------------------------

/**
 * scanDatabaseForDeletedKeys: clients blocked on a key of `emptied` that goes away (or
 * changes type) when it is flushed or replaced by `replacedWith` get a chance to answer.
 */
function signalDeletedKeys(ctx: Session, emptied: Db, replacedWith: Db | null): void {
  if (emptied.blockingKeys.size === 0) return;
  for (const key of emptied.blockingKeys.keys()) {
    const before = emptied.dict.get(key);
    const after = replacedWith?.dict.get(key);
    if ((before !== undefined && after === undefined) || before?.type !== after?.type) {
      ctx.engine.signalKeyAsReady(emptied, key);
    }
  }
}

function flushDb(ctx: Session, db: Db): number {
  signalDeletedKeys(ctx, db, null);
  return db.flush();
}

function swapDatabases(ctx: Session, a: Db, b: Db): void {
  if (a === b) return;
  a.touchAllWatchedKeys(b);
  b.touchAllWatchedKeys(a);
  signalDeletedKeys(ctx, a, b);
  signalDeletedKeys(ctx, b, a);
  a.swapWith(b);
  // Clients blocked on a key that exists after the swap may now be served.
  for (const db of [a, b]) {
    for (const key of db.blockingKeys.keys()) {
      if (db.dict.has(key)) ctx.engine.signalKeyAsReady(db, key);
    }
  }
}

/** getFlushCommandFlags: nothing, SYNC or ASYNC. */
function flushArgsValid(argv: Bytes[]): boolean {
  if (argv.length === 1) return true;
  if (argv.length !== 2) return false;
  const opt = argv[1]!.toLowerCase();
  return opt === 'sync' || opt === 'async';
}

// --- handlers ------------------------------------------------------------------------------

export const genericCommands: HandlerMap = {
  del: delGeneric,
  unlink: delGeneric,

  exists(ctx, argv) {
    let count = 0;
    for (let j = 1; j < argv.length; j++) if (lookupNoTouch(ctx.db, argv[j]!) !== undefined) count++;
    return count;
  },

  type(ctx, argv) {
    const o = lookupNoTouch(ctx.db, argv[1]!);
    return new StatusReply(o === undefined ? 'none' : o.type);
  },

  keys: keysCommand,
  scan: scanCommand,

  randomkey(ctx) {
    return randomKey(ctx.db);
  },

  dbsize(ctx) {
    // dictSize: keys past their TTL that were not reclaimed yet still count, as in Redis.
    return ctx.db.size;
  },

  rename: (ctx, argv) => renameGeneric(ctx, argv, false),
  renamenx: (ctx, argv) => renameGeneric(ctx, argv, true),

  move(ctx, argv) {
    const key = argv[1]!;
    const src = ctx.db;
    const dst = parseDbIndex(ctx, argv[2]!);
    if (dst instanceof ErrorReply) return dst;
    if (dst === src) return SAME_OBJECT;
    const o = src.lookupWrite(key);
    if (o === undefined) return 0;
    const expire = src.getExpire(key);
    if (dst.lookupWrite(key) !== undefined) return 0;
    const lru = o.lru;
    dst.add(key, o);
    o.lru = lru;
    if (expire !== -1) dst.setExpire(key, expire);
    src.delete(key);
    src.signalModified(key);
    dst.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('g', 'move_from', key, src.id);
    ctx.engine.notifyKeyspaceEvent('g', 'move_to', key, dst.id);
    return 1;
  },

  copy(ctx, argv) {
    const key = argv[1]!;
    const newkey = argv[2]!;
    const src = ctx.db;
    let dst = src;
    let replace = false;
    for (let j = 3; j < argv.length; j++) {
      const opt = argv[j]!.toLowerCase();
      if (opt === 'replace') {
        replace = true;
      } else if (opt === 'db' && j + 1 < argv.length) {
        const d = parseDbIndex(ctx, argv[j + 1]!);
        if (d instanceof ErrorReply) return d;
        dst = d;
        j++;
      } else {
        return SYNTAX_ERROR;
      }
    }
    if (src === dst && key === newkey) return SAME_OBJECT;
    const o = src.lookupRead(key);
    if (o === undefined) return 0;
    const expire = src.getExpire(key);
    let replacing = false;
    if (dst.lookupWrite(newkey) !== undefined) {
      if (!replace) return 0;
      replacing = true;
    }
    const copy = duplicate(o);
    if (replacing) dst.delete(newkey);
    dst.add(newkey, copy);
    if (expire !== -1) dst.setExpire(newkey, expire);
    dst.signalModified(newkey);
    ctx.engine.notifyKeyspaceEvent('g', 'copy_to', newkey, dst.id);
    return 1;
  },

  swapdb(ctx, argv) {
    const id1 = parseInt32(argv[1]!, INVALID_FIRST_DB);
    if (id1 instanceof ErrorReply) return id1;
    const id2 = parseInt32(argv[2]!, INVALID_SECOND_DB);
    if (id2 instanceof ErrorReply) return id2;
    const dbs = ctx.engine.dbs;
    if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) return DB_INDEX_OUT_OF_RANGE;
    swapDatabases(ctx, dbs[id1]!, dbs[id2]!);
    ctx.engine.dirty++;
    return OK;
  },

  flushdb(ctx, argv) {
    if (!flushArgsValid(argv)) return SYNTAX_ERROR;
    ctx.engine.dirty += flushDb(ctx, ctx.db);
    // forceCommandPropagation: replicated even when the db was already empty.
    ctx.preventPropagation();
    ctx.alsoPropagate(argv);
    return OK;
  },

  flushall(ctx, argv) {
    if (!flushArgsValid(argv)) return SYNTAX_ERROR;
    let removed = 0;
    for (const db of ctx.engine.dbs) removed += flushDb(ctx, db);
    ctx.engine.dirty += removed;
    ctx.preventPropagation();
    ctx.alsoPropagate(argv);
    return OK;
  },

  expire: (ctx, argv) => expireGeneric(ctx, argv, true, true, 'expire'),
  pexpire: (ctx, argv) => expireGeneric(ctx, argv, true, false, 'pexpire'),
  expireat: (ctx, argv) => expireGeneric(ctx, argv, false, true, 'expireat'),
  pexpireat: (ctx, argv) => expireGeneric(ctx, argv, false, false, 'pexpireat'),

  ttl: (ctx, argv) => ttlGeneric(ctx, argv, false, false),
  pttl: (ctx, argv) => ttlGeneric(ctx, argv, true, false),
  expiretime: (ctx, argv) => ttlGeneric(ctx, argv, false, true),
  pexpiretime: (ctx, argv) => ttlGeneric(ctx, argv, true, true),

  persist(ctx, argv) {
    const key = argv[1]!;
    const db = ctx.db;
    if (db.lookupWrite(key) === undefined) return 0;
    if (!db.removeExpire(key)) return 0;
    db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('g', 'persist', key, db.id);
    return 1;
  },

  touch(ctx, argv) {
    let touched = 0;
    for (let j = 1; j < argv.length; j++) if (ctx.db.lookupRead(argv[j]!) !== undefined) touched++;
    return touched;
  },

  'object|encoding'(ctx, argv) {
    const o = lookupNoTouch(ctx.db, argv[2]!, false);
    return o === undefined ? null : o.encoding;
  },

  'object|refcount'(ctx, argv) {
    const o = lookupNoTouch(ctx.db, argv[2]!, false);
    if (o === undefined) return null;
    return isSharedInteger(ctx, o) ? OBJ_SHARED_REFCOUNT : 1;
  },

  'object|idletime'(ctx, argv) {
    const o = lookupNoTouch(ctx.db, argv[2]!, false);
    if (o === undefined) return null;
    if (isLfu(ctx)) return LFU_SELECTED;
    return Math.floor(objectIdleTimeMs(ctx.engine, o) / 1000);
  },

  'object|freq'(ctx, argv) {
    const o = lookupNoTouch(ctx.db, argv[2]!, false);
    if (o === undefined) return null;
    if (!isLfu(ctx)) return LFU_NOT_SELECTED;
    return lfuDecrAndReturn(ctx.engine, o);
  },

  'object|help'() {
    return OBJECT_HELP;
  },
};
