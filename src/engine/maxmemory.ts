import type { Bytes } from './bytes.js';
import type { Db } from './db.js';
import type { Engine } from './engine.js';
import { OOM } from './errors.js';
import { EvictionPool, evictionScore, newObjectEpoch } from './evict.js';
import type { RedisObject } from './object.js';
import { ErrorReply } from './reply.js';
import type { Session } from './session.js';
import type { HashObject } from './types/hash.js';
import type { ListObject } from './types/list.js';
import type { SetObject } from './types/set.js';
import type { StreamObject } from './types/stream.js';
import type { ZSetObject } from './types/zset.js';
import type { CommandEntry } from '../commands/table.js';
import { memoryModel } from '../commands/memory.js';
import { DICT_BUCKET_SIZE, DICT_ENTRY_SIZE, SizeModel } from '../memory/model.js';
import { keyUsage } from '../memory/object.js';

/**
 * maxmemory (evict.c performEvictions, server.c processCommand's OOM check).
 *
 * used_memory is the size model's figure for the dataset (MEMORY USAGE of every key, the
 * keyspace and expires hash tables) plus USED_MEMORY_BASELINE. It is kept incrementally: the
 * first time it is needed (maxmemory set, or INFO asking) the engine's Dbs get a small hook on
 * their write paths (signalModified, add, delete, overwrite, deleteExpired, flush) that records
 * which keys changed; the sizes of those keys are recomputed lazily, once, the next time
 * used_memory is read (before the next command when maxmemory is set). A write costs one Set.add.
 * Anything that changes a keyspace behind the hooks (the RDB loader fills `dict` directly) is
 * caught by comparing key counts, which triggers a rebuild of that db's figures.
 */

/**
 * used_memory of an empty redis-server 7.0.15 (jemalloc build, x86_64) with one client
 * connected, measured with INFO memory right after start-up (used_memory_startup was 876192).
 */
export const USED_MEMORY_BASELINE = 914664;
/** used_memory_startup of the same server (INFO memory): what it allocates before any client. */
export const USED_MEMORY_STARTUP = 876192;

/** Collections up to this many elements are measured exactly; larger ones sampled as MEMORY USAGE does. */
const EXACT_ELEMENTS = 128;
const SAMPLES = 5;

export const EXECABORT_OOM = new ErrorReply(`EXECABORT Transaction discarded because of: ${OOM.message}`);

class KeyInfo {
  constructor(
    public size: number,
    /** Index in DictTrack.keys. */
    public i: number,
    /** Index in DictTrack.volatile, -1 without TTL. */
    public vi: number,
  ) {}
}

/** Sizes and random-access key arrays for one keyspace dict (follows the dict through SWAPDB). */
class DictTrack {
  readonly info = new Map<Bytes, KeyInfo>();
  /** Every key, for O(1) random sampling (swap-remove on delete). */
  readonly keys: Bytes[] = [];
  /** Keys with a TTL (the expires dict that volatile-* policies sample). */
  readonly volatile: Bytes[] = [];
  bytes = 0;
  readonly dirty = new Set<Bytes>();
  /** Needs a full rebuild (new, or flushed). */
  stale = true;
}

class Tracker {
  readonly tracks = new WeakMap<Map<Bytes, RedisObject>, DictTrack>();
  readonly pool = new EvictionPool();
  nextDb = 0;
  /** server.pre_command_oom_state: the last performEvictions found memory over the limit. */
  oom = false;
  /** A hook fired since used_memory was last computed. */
  changed = true;
  /** newObjectEpoch when used_memory was last computed. */
  epoch = -1;
  /** Reads served from the cache since the last full check (a full check runs every 1024). */
  cachedReads = 0;
  cachedUsed = 0;
  /** Highest used_memory computed (used_memory_peak). */
  peak = 0;
  private lastDict: Map<Bytes, RedisObject> | null = null;
  private lastTrack: DictTrack | null = null;

  /** Per db index: the dict last seen there and its track (SWAPDB swaps dicts, so checked). */
  private readonly dictAt: Array<Map<Bytes, RedisObject> | undefined> = [];
  private readonly trackAtIndex: DictTrack[] = [];

  trackAt(i: number, db: Db): DictTrack {
    if (this.dictAt[i] === db.dict) return this.trackAtIndex[i]!;
    const t = this.trackOf(db.dict);
    this.dictAt[i] = db.dict;
    this.trackAtIndex[i] = t;
    return t;
  }

  trackOf(dict: Map<Bytes, RedisObject>): DictTrack {
    if (dict === this.lastDict) return this.lastTrack!;
    let t = this.tracks.get(dict);
    if (!t) this.tracks.set(dict, (t = new DictTrack()));
    this.lastDict = dict;
    this.lastTrack = t;
    return t;
  }
}

const trackers = new WeakMap<Engine, Tracker>();

/** The engine's tracker, installing the write hooks on first use. */
function tracker(engine: Engine): Tracker {
  let tr = trackers.get(engine);
  if (tr) return tr;
  tr = new Tracker();
  trackers.set(engine, tr);
  for (const db of engine.dbs) installHooks(tr, db);
  return tr;
}

function installHooks(tr: Tracker, db: Db): void {
  const proto = Object.getPrototypeOf(db) as Db;
  const mark = (d: Db, key: Bytes) => {
    tr.changed = true;
    const t = tr.trackOf(d.dict);
    if (!t.stale) t.dirty.add(key);
  };
  db.signalModified = function (this: Db, key: Bytes): void {
    mark(this, key);
    proto.signalModified.call(this, key);
  };
  db.add = function (this: Db, key: Bytes, value: RedisObject): void {
    mark(this, key);
    proto.add.call(this, key, value);
  };
  db.overwrite = function (this: Db, key: Bytes, value: RedisObject): void {
    mark(this, key);
    proto.overwrite.call(this, key, value);
  };
  db.delete = function (this: Db, key: Bytes): boolean {
    mark(this, key);
    return proto.delete.call(this, key);
  };
  db.deleteExpired = function (this: Db, key: Bytes): void {
    mark(this, key);
    proto.deleteExpired.call(this, key);
  };
  db.flush = function (this: Db): number {
    const n = proto.flush.call(this);
    tr.changed = true;
    const t = tr.trackOf(this.dict);
    t.stale = true;
    t.dirty.clear();
    return n;
  };
}

function elementCount(o: RedisObject): number {
  switch (o.type) {
    case 'string': return 0;
    case 'list': return (o as ListObject).length;
    case 'set': return (o as SetObject).size;
    case 'hash': return (o as HashObject).size;
    case 'zset': return (o as ZSetObject).size;
    case 'stream': return (o as StreamObject).length;
  }
}

function keySize(engine: Engine, m: SizeModel, key: Bytes, o: RedisObject): number {
  const samples = elementCount(o) <= EXACT_ELEMENTS ? 0 : SAMPLES;
  return keyUsage(m, key, o, { samples, limits: engine.config });
}

function removeKey(t: DictTrack, key: Bytes, ki: KeyInfo): void {
  t.bytes -= ki.size;
  const last = t.keys.pop()!;
  if (ki.i < t.keys.length) {
    t.keys[ki.i] = last;
    t.info.get(last)!.i = ki.i;
  }
  if (ki.vi >= 0) removeVolatile(t, ki);
  t.info.delete(key);
}

function removeVolatile(t: DictTrack, ki: KeyInfo): void {
  const last = t.volatile.pop()!;
  if (ki.vi < t.volatile.length) {
    t.volatile[ki.vi] = last;
    t.info.get(last)!.vi = ki.vi;
  }
  ki.vi = -1;
}

function refresh(engine: Engine, m: SizeModel, t: DictTrack, db: Db, key: Bytes): void {
  const o = db.dict.get(key);
  let ki = t.info.get(key);
  if (o === undefined) {
    if (ki) removeKey(t, key, ki);
    return;
  }
  const size = keySize(engine, m, key, o);
  if (!ki) {
    ki = new KeyInfo(size, t.keys.length, -1);
    t.keys.push(key);
    t.info.set(key, ki);
    t.bytes += size;
  } else {
    t.bytes += size - ki.size;
    ki.size = size;
  }
  const volatile = db.expires.has(key);
  if (volatile && ki.vi < 0) {
    ki.vi = t.volatile.length;
    t.volatile.push(key);
  } else if (!volatile && ki.vi >= 0) {
    removeVolatile(t, ki);
  }
}

function rebuild(engine: Engine, m: SizeModel, t: DictTrack, db: Db): void {
  t.info.clear();
  t.keys.length = 0;
  t.volatile.length = 0;
  t.bytes = 0;
  t.dirty.clear();
  t.stale = false;
  for (const [key, o] of db.dict) {
    const size = keySize(engine, m, key, o);
    const ki = new KeyInfo(size, t.keys.length, -1);
    t.keys.push(key);
    t.info.set(key, ki);
    t.bytes += size;
  }
  for (const key of db.expires.keys()) {
    const ki = t.info.get(key);
    if (ki) {
      ki.vi = t.volatile.length;
      t.volatile.push(key);
    }
  }
}

/** Brings every db's figures up to date; returns the tracker. */
function reconcile(engine: Engine): Tracker {
  const tr = tracker(engine);
  const m = memoryModel(engine);
  const dbs = engine.dbs;
  for (let i = 0; i < dbs.length; i++) {
    const db = dbs[i]!;
    const t = tr.trackAt(i, db);
    if (t.stale) {
      rebuild(engine, m, t, db);
      continue;
    }
    if (t.dirty.size !== 0) {
      for (const key of t.dirty) refresh(engine, m, t, db, key);
      t.dirty.clear();
    }
    if (t.info.size !== db.dict.size || t.volatile.length !== db.expires.size) rebuild(engine, m, t, db);
  }
  return tr;
}

/** The keyspace and expires hash tables of one db, as the model sizes them (entries of the main dict are in keyUsage). */
function tableBytes(db: Db): number {
  const ex = db.expires.size;
  return (
    SizeModel.dictSlots(db.dict.size) * DICT_BUCKET_SIZE +
    ex * DICT_ENTRY_SIZE +
    SizeModel.dictSlots(ex) * DICT_BUCKET_SIZE
  );
}

/**
 * used_memory: USED_MEMORY_BASELINE + the dataset as the size model counts it. Incremental:
 * O(1) when nothing was written since the last call, O(changed keys + dbs) otherwise.
 */
export function usedMemory(engine: Engine): number {
  let tr = trackers.get(engine);
  if (tr && !tr.changed && tr.epoch === newObjectEpoch && (++tr.cachedReads & 1023) !== 0) return tr.cachedUsed;
  tr = reconcile(engine);
  let total = USED_MEMORY_BASELINE;
  const dbs = engine.dbs;
  for (let i = 0; i < dbs.length; i++) total += tr.trackAt(i, dbs[i]!).bytes + tableBytes(dbs[i]!);
  tr.changed = false;
  tr.epoch = newObjectEpoch;
  tr.cachedUsed = total;
  if (total > tr.peak) tr.peak = total;
  return total;
}

/** used_memory_peak: the highest used_memory seen (at least the current one). */
export function usedMemoryPeak(engine: Engine): number {
  const used = usedMemory(engine);
  return Math.max(used, trackers.get(engine)!.peak);
}

/** The dataset part of used_memory (used_memory - baseline). */
export function usedMemoryDataset(engine: Engine): number {
  return usedMemory(engine) - USED_MEMORY_BASELINE;
}

/** used_memory recomputed from scratch (no tracking): what usedMemory must always equal. */
export function usedMemoryFull(engine: Engine): number {
  const m = memoryModel(engine);
  let total = USED_MEMORY_BASELINE;
  for (const db of engine.dbs) {
    for (const [key, o] of db.dict) total += keySize(engine, m, key, o);
    total += tableBytes(db);
  }
  return total;
}

/** server.pre_command_oom_state: over maxmemory with nothing evictable at the last check (for scripts). */
export function oomBeforeCommand(engine: Engine): boolean {
  return trackers.get(engine)?.oom ?? false;
}

/**
 * performEvictions: if used_memory is over maxmemory, evict keys by maxmemory-policy until it
 * is not. Returns true when the command may proceed (under the limit, not applicable, or
 * freed enough); false (EVICT_FAIL) under noeviction or when nothing is left to evict.
 * Eviction is not time-limited (Redis stops after ~500 µs and continues from a timer).
 */
export function performEvictions(engine: Engine): boolean {
  const max = engine.config.maxmemory;
  if (max === 0 || engine.loading) return true;
  const tr = tracker(engine);
  let used = usedMemory(engine);
  if (used <= max) return (tr.oom = false), true;
  const policy = engine.config.maxmemoryPolicy;
  if (policy === 'noeviction') return (tr.oom = true), false;
  while (used > max) {
    const victim = selectVictim(engine, tr, policy);
    if (victim === null) return (tr.oom = true), false;
    evictKey(engine, victim.db, victim.key);
    used = usedMemory(engine);
  }
  tr.oom = false;
  return true;
}

function selectVictim(engine: Engine, tr: Tracker, policy: string): { db: Db; key: Bytes } | null {
  const allkeys = policy.startsWith('allkeys');
  const dbs = engine.dbs;
  if (policy === 'allkeys-random' || policy === 'volatile-random') {
    // One random key, visiting the dbs in turn (the static next_db).
    for (let i = 0; i < dbs.length; i++) {
      const j = ++tr.nextDb % dbs.length;
      const db = dbs[j]!;
      const t = tr.trackAt(j, db);
      const arr = allkeys ? t.keys : t.volatile;
      if (arr.length !== 0) return { db, key: arr[Math.floor(Math.random() * arr.length)]! };
    }
    return null;
  }
  const pool = tr.pool;
  for (;;) {
    let total = 0;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[i]!;
      const t = tr.trackAt(i, db);
      const arr = allkeys ? t.keys : t.volatile;
      if (arr.length === 0) continue;
      populate(engine, policy, pool, i, db, arr);
      total += arr.length;
    }
    if (total === 0) return null;
    const best = pool.popBest((e) => {
      const db = dbs[e.dbid]!;
      return allkeys ? db.dict.has(e.key) : db.expires.has(e.key);
    });
    if (best) return { db: dbs[best.dbid]!, key: best.key };
    // Only ghosts: sample again.
  }
}

/** evictionPoolPopulate with dictGetSomeKeys: up to maxmemory-samples distinct keys. */
function populate(engine: Engine, policy: string, pool: EvictionPool, dbid: number, db: Db, arr: Bytes[]): void {
  const n = arr.length;
  const want = Math.min(engine.config.maxmemorySamples, n);
  const score = (key: Bytes) => evictionScore(engine, policy, db.dict.get(key), db.expires.get(key) ?? 0);
  if (want === n) {
    for (let j = 0; j < n; j++) pool.insert(arr[j]!, score(arr[j]!), dbid);
    return;
  }
  const picked: number[] = [];
  while (picked.length < want) {
    const i = Math.floor(Math.random() * n);
    if (picked.includes(i)) continue;
    picked.push(i);
    pool.insert(arr[i]!, score(arr[i]!), dbid);
  }
}

/** Deletes one key as eviction does: DEL propagated, 'evicted' event, WATCH touched, evicted_keys. */
function evictKey(engine: Engine, db: Db, key: Bytes): void {
  db.delete(key);
  engine.stats.evictedKeys++;
  // signalModifiedKey without server.dirty++.
  db.touchWatchedKey(key);
  engine.notifyKeyspaceEvent('e', 'evicted', key, db.id);
  engine.propagateDeletion(db.id, key);
  // propagatePendingCommands per key: each DEL is its own unit.
  if (engine.callDepth === 0) engine.flushPropagation();
}

/**
 * processCommand's maxmemory block (server.c): with maxmemory set, evict before every command;
 * if memory is still over the limit, refuse denyoom commands with -OOM, any command queued
 * inside MULTI (except EXEC, DISCARD, QUIT, RESET) with -OOM (dooming the transaction), and
 * an EXEC whose queue holds a denyoom command with -EXECABORT (transaction discarded).
 * Returns the error to reply, or null to go on. Stats counted as rejectCommand does.
 */
export function rejectIfOom(s: Session, entry: CommandEntry): ErrorReply | null {
  const engine = s.engine;
  if (engine.config.maxmemory === 0 || s.obeyAll) return null;
  const cmd = entry.parent?.fullName ?? entry.fullName;
  const inMulti = s.multi !== null;
  // A no-multi command inside MULTI was refused by an earlier check in processCommand.
  if (inMulti && entry.noMulti && cmd !== 'exec' && cmd !== 'discard' && cmd !== 'quit' && cmd !== 'reset') return null;
  if (performEvictions(engine)) return null;
  let reject = entry.denyOom;
  if (cmd === 'exec') {
    reject = inMulti && s.multi!.some((q) => q.entry.denyOom);
  } else if (inMulti && cmd !== 'discard' && cmd !== 'quit' && cmd !== 'reset') {
    reject = true;
  }
  if (!reject) return null;
  engine.commandStatsFor(entry.fullName).rejectedCalls++;
  let reply: ErrorReply = OOM;
  if (cmd === 'exec') {
    s.discard();
    reply = EXECABORT_OOM;
  } else if (inMulti) {
    s.multiError = true;
  }
  const es = engine.errorStats;
  if (es.size < 128 || es.has(reply.code)) es.set(reply.code, (es.get(reply.code) ?? 0) + 1);
  return reply;
}
