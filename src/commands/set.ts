import type { Bytes } from '../engine/bytes.js';
import { NOT_POSITIVE, SYNTAX_ERROR, WRONGTYPE } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { parseStrictInt } from '../engine/object.js';
import { EMPTY_ARRAY, ErrorReply, SetReply, type Reply } from '../engine/reply.js';
import { INVALID_CURSOR, parseScanArgs, parseScanCursor } from '../engine/scan.js';
import type { Session } from '../engine/session.js';
import { SetObject, parseSetInt, type SetLimits } from '../engine/types/set.js';
import { parseRandomCount, randomDistinctSorted } from './hash.js';
import type { HandlerMap } from './table.js';

// Errors of the set group (t_set.c), byte for byte.
const OUT_OF_RANGE_POSITIVE = NOT_POSITIVE('value');
const NUMKEYS_NOT_POSITIVE = new ErrorReply('ERR numkeys should be greater than 0');
const TOO_MANY_KEYS = new ErrorReply("ERR Number of keys can't be greater than number of args");
const LIMIT_NEGATIVE = new ErrorReply("ERR LIMIT can't be negative");

/** SPOP_MOVE_STRATEGY_MUL and SRANDMEMBER_SUB_STRATEGY_MUL of t_set.c. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SPOP with a count propagates SREMs of at most this many members each. */
const SPOP_PROPAGATE_BATCH = 1024;

type LookupResult = SetObject | undefined | ErrorReply;

function lookupRead(ctx: Session, key: Bytes): LookupResult {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return undefined;
  return o.type === 'set' ? (o as SetObject) : WRONGTYPE;
}

function lookupWrite(ctx: Session, key: Bytes): LookupResult {
  const o = ctx.db.lookupWrite(key);
  if (o === undefined) return undefined;
  return o.type === 'set' ? (o as SetObject) : WRONGTYPE;
}

function notify(ctx: Session, type: string, event: string, key: Bytes): void {
  ctx.engine.notifyKeyspaceEvent(type, event, key, ctx.dbIndex);
}

function sadd(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  let s = lookupWrite(ctx, key);
  if (s instanceof ErrorReply) return s;
  const limits = ctx.engine.config;
  if (s === undefined) {
    s = SetObject.create(argv[2]!, argv.length - 2, limits);
    ctx.db.add(key, s);
  } else {
    s.maybeConvert(argv.length - 2, limits);
  }
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i]!, limits)) added++;
  if (added) {
    ctx.db.signalModified(key);
    ctx.engine.dirty += added - 1;
    notify(ctx, 's', 'sadd', key);
  }
  return added;
}

function srem(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  const s = lookupWrite(ctx, key);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i]!)) {
      deleted++;
      if (s.size === 0) {
        ctx.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted) {
    ctx.db.signalModified(key);
    ctx.engine.dirty += deleted - 1;
    notify(ctx, 's', 'srem', key);
    if (keyRemoved) notify(ctx, 'g', 'del', key);
  }
  return deleted;
}

function smove(ctx: Session, argv: Bytes[]): Reply {
  const srcKey = argv[1]!;
  const dstKey = argv[2]!;
  const ele = argv[3]!;
  const src = lookupWrite(ctx, srcKey);
  let dst = lookupWrite(ctx, dstKey);
  if (src === undefined) return 0;
  if (src instanceof ErrorReply) return src;
  if (dst instanceof ErrorReply) return dst;
  if (src === dst) return src.has(ele) ? 1 : 0;
  if (!src.remove(ele)) return 0;
  notify(ctx, 's', 'srem', srcKey);
  if (src.size === 0) {
    ctx.db.delete(srcKey);
    notify(ctx, 'g', 'del', srcKey);
  }
  const limits = ctx.engine.config;
  if (dst === undefined) {
    dst = SetObject.create(ele, 1, limits);
    ctx.db.add(dstKey, dst);
  }
  ctx.db.signalModified(srcKey);
  if (dst.add(ele, limits)) {
    ctx.db.signalModified(dstKey);
    notify(ctx, 's', 'sadd', dstKey);
  }
  return 1;
}

function sismember(ctx: Session, argv: Bytes[]): Reply {
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  return s.has(argv[2]!) ? 1 : 0;
}

function smismember(ctx: Session, argv: Bytes[]): Reply {
  const s = lookupRead(ctx, argv[1]!);
  if (s instanceof ErrorReply) return s;
  const out: Reply[] = new Array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = s !== undefined && s.has(argv[i]!) ? 1 : 0;
  return out;
}

function scard(ctx: Session, argv: Bytes[]): Reply {
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return 0;
  if (s instanceof ErrorReply) return s;
  return s.size;
}

function smembers(ctx: Session, argv: Bytes[]): Reply {
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return new SetReply([]);
  if (s instanceof ErrorReply) return s;
  return new SetReply(s.toArray());
}

/** Propagates `members` as SREM key m1 m2 … in batches (alsoPropagate). */
function propagateSrem(ctx: Session, key: Bytes, members: Bytes[]): void {
  for (let i = 0; i < members.length; i += SPOP_PROPAGATE_BATCH) {
    ctx.alsoPropagate(['SREM', key, ...members.slice(i, i + SPOP_PROPAGATE_BATCH)]);
  }
}

function spop(ctx: Session, argv: Bytes[]): Reply {
  if (argv.length === 3) return spopWithCount(ctx, argv);
  if (argv.length > 3) return SYNTAX_ERROR;
  const key = argv[1]!;
  const s = lookupWrite(ctx, key);
  if (s === undefined) return null;
  if (s instanceof ErrorReply) return s;
  const ele = s.popRandom();
  notify(ctx, 's', 'spop', key);
  ctx.replaceArgv(['SREM', key, ele]);
  if (s.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
  ctx.db.signalModified(key);
  return ele;
}

/** getPositiveLongFromObjectOrReply: one message for "not an integer" and "negative". */
function parsePositive(s: Bytes, error: ErrorReply): number | ErrorReply {
  const v = parseStrictInt(s);
  if (v === null || v < 0n) return error;
  return Number(v);
}

function spopWithCount(ctx: Session, argv: Bytes[]): Reply {
  const count = parsePositive(argv[2]!, OUT_OF_RANGE_POSITIVE);
  if (count instanceof ErrorReply) return count;
  const key = argv[1]!;
  const s = lookupWrite(ctx, key);
  if (s === undefined) return new SetReply([]);
  if (s instanceof ErrorReply) return s;
  if (count === 0) return new SetReply([]);
  const size = s.size;
  const limits = ctx.engine.config;
  notify(ctx, 's', 'spop', key);

  // CASE 1: everything goes; the reply is the set as SUNION would build it.
  if (count >= size) {
    const all = unionOf([s], limits).toArray();
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
    ctx.replaceArgv(['DEL', key]);
    ctx.db.signalModified(key);
    ctx.engine.dirty += size - 1;
    return new SetReply(all);
  }

  const remaining = size - count;
  let popped: Bytes[];
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: pop `count` random members.
    if (s.encoding === 'listpack') {
      const members = [...s.lp!];
      popped = randomDistinctSorted(size, count).map((i) => members[i]!);
      for (const m of popped) s.lp!.delete(m);
    } else {
      popped = new Array<Bytes>(count);
      for (let i = 0; i < count; i++) popped[i] = s.popRandom();
    }
  } else {
    // CASE 3: move the `remaining` survivors into a new set, reply with what is left.
    let survivors: SetObject;
    if (s.encoding === 'listpack') {
      survivors = new SetObject('listpack');
      const members = [...s.lp!];
      for (const i of randomDistinctSorted(size, remaining)) {
        const m = members[i]!;
        survivors.add(m, limits);
        s.lp!.delete(m);
      }
    } else {
      survivors = new SetObject(s.encoding === 'intset' ? 'intset' : 'listpack');
      for (let i = 0; i < remaining; i++) {
        const m = s.random();
        survivors.add(m, limits);
        s.remove(m);
      }
    }
    popped = s.toArray();
    ctx.db.overwrite(key, survivors);
  }
  ctx.preventPropagation();
  propagateSrem(ctx, key, popped);
  ctx.db.signalModified(key);
  ctx.engine.dirty += count - 1;
  return new SetReply(popped);
}

function srandmember(ctx: Session, argv: Bytes[]): Reply {
  if (argv.length === 3) return srandmemberWithCount(ctx, argv);
  if (argv.length > 3) return SYNTAX_ERROR;
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return null;
  if (s instanceof ErrorReply) return s;
  return s.random();
}

function srandmemberWithCount(ctx: Session, argv: Bytes[]): Reply {
  const big = parseRandomCount(argv[2]!);
  if (big instanceof ErrorReply) return big;
  const l = Number(big);
  const uniq = l >= 0;
  const count = Math.abs(l);
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return EMPTY_ARRAY;
  if (s instanceof ErrorReply) return s;
  const size = s.size;
  if (count === 0) return EMPTY_ARRAY;
  // CASE 1: repeats allowed (or one member): independent picks.
  if (!uniq || count === 1) {
    const out = new Array<Bytes>(count);
    if (s.encoding === 'listpack') {
      const members = [...s.lp!];
      for (let i = 0; i < count; i++) out[i] = members[Math.floor(Math.random() * members.length)]!;
    } else {
      for (let i = 0; i < count; i++) out[i] = s.random();
    }
    return out;
  }
  // CASE 2: the whole set, in its own order.
  if (count >= size) return s.toArray();
  // CASE 2.5 (listpack): unique picks in listpack order; CASE 3/4: unique picks.
  const members = s.toArray();
  const picked = randomDistinctSorted(size, count);
  if (s.encoding !== 'listpack') {
    for (let i = picked.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = picked[i]!;
      picked[i] = picked[j]!;
      picked[j] = t;
    }
  }
  return picked.map((i) => members[i]!);
}

/** Looks up every key (missing → null); the first wrong type fails the command. */
function lookupSets(ctx: Session, keys: Bytes[]): Array<SetObject | null> | ErrorReply {
  const sets: Array<SetObject | null> = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const s = lookupRead(ctx, keys[i]!);
    if (s instanceof ErrorReply) return s;
    sets[i] = s ?? null;
  }
  return sets;
}

/** The SUNION result set: a fresh intset taking every member in iteration order. */
function unionOf(sets: Array<SetObject | null>, limits: SetLimits): SetObject {
  const dst = new SetObject('intset');
  for (const s of sets) {
    if (!s) continue;
    for (const m of s.members()) dst.add(m, limits);
  }
  return dst;
}

/** Stores a *STORE result (or deletes the destination when empty) and replies its size. */
function storeResult(ctx: Session, dstKey: Bytes, dst: SetObject, event: string): Reply {
  if (dst.size > 0) {
    ctx.db.setKey(dstKey, dst, false);
    notify(ctx, 's', event, dstKey);
    return dst.size;
  }
  if (ctx.db.delete(dstKey)) {
    ctx.db.signalModified(dstKey);
    notify(ctx, 'g', 'del', dstKey);
  }
  return 0;
}

/** sinterGenericCommand: SINTER, SINTERSTORE and SINTERCARD. */
function sinterGeneric(ctx: Session, keys: Bytes[], dstKey: Bytes | null, cardinalityOnly: boolean, limit: number): Reply {
  const found = lookupSets(ctx, keys);
  if (found instanceof ErrorReply) return found;
  if (found.some((s) => s === null)) {
    if (dstKey !== null) {
      if (ctx.db.delete(dstKey)) {
        ctx.db.signalModified(dstKey);
        notify(ctx, 'g', 'del', dstKey);
      }
      return 0;
    }
    return cardinalityOnly ? 0 : new SetReply([]);
  }
  // Smallest first (a stable sort, like glibc's merge-sorting qsort for small arrays).
  const sets = (found as SetObject[]).slice().sort((a, b) => a.size - b.size);
  const first = sets[0]!;
  const limits = ctx.engine.config;
  let dst: SetObject | null = null;
  if (dstKey !== null) dst = new SetObject(first.encoding === 'intset' ? 'intset' : 'listpack');
  const out: Bytes[] = [];
  let cardinality = 0;
  let onlyIntegers = true;
  for (const m of first.members()) {
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      const s = sets[j]!;
      if (s === first) continue;
      if (!s.has(m)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    if (cardinalityOnly) {
      cardinality++;
      if (limit && cardinality >= limit) break;
    } else if (dst === null) {
      out.push(m);
    } else {
      if (onlyIntegers && first.encoding !== 'intset' && parseSetInt(m) === null) onlyIntegers = false;
      dst.add(m, limits);
    }
  }
  if (cardinalityOnly) return cardinality;
  if (dst === null) return new SetReply(out);
  if (dst.size > 0 && onlyIntegers) dst.maybeConvertToIntset(limits);
  return storeResult(ctx, dstKey!, dst, 'sinterstore');
}

/** sunionDiffGenericCommand: SUNION, SDIFF and their STORE forms. */
function sunionDiffGeneric(ctx: Session, keys: Bytes[], dstKey: Bytes | null, union: boolean): Reply {
  const sets = lookupSets(ctx, keys);
  if (sets instanceof ErrorReply) return sets;
  const limits = ctx.engine.config;
  let dst: SetObject;
  if (union) {
    dst = unionOf(sets, limits);
  } else {
    dst = new SetObject('intset');
    const first = sets[0];
    const sameSet = first != null && sets.some((s, j) => j > 0 && s === first);
    if (first && !sameSet) {
      let one = 0;
      let two = 0;
      for (const s of sets) {
        if (!s) continue;
        one += first.size;
        two += s.size;
      }
      one = Math.floor(one / 2);
      if (one <= two) {
        // Algorithm 1: members of the first set found in no other set.
        const others = sets.slice(1).filter((s): s is SetObject => s !== null);
        for (const m of first.members()) {
          if (!others.some((s) => s.has(m))) dst.add(m, limits);
        }
      } else {
        // Algorithm 2: add the first set, remove every other one.
        let cardinality = 0;
        for (let j = 0; j < sets.length; j++) {
          const s = sets[j];
          if (!s) continue;
          for (const m of s.members()) {
            if (j === 0) cardinality += dst.add(m, limits) ? 1 : 0;
            else cardinality -= dst.remove(m) ? 1 : 0;
          }
          if (cardinality === 0) break;
        }
      }
    }
  }
  if (dstKey === null) return new SetReply(dst.toArray());
  return storeResult(ctx, dstKey, dst, union ? 'sunionstore' : 'sdiffstore');
}

function sintercard(ctx: Session, argv: Bytes[]): Reply {
  const nk = parseStrictInt(argv[1]!);
  if (nk === null || nk < 1n) return NUMKEYS_NOT_POSITIVE;
  if (nk > BigInt(argv.length - 2)) return TOO_MANY_KEYS;
  const numkeys = Number(nk);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (argv[j]!.toLowerCase() === 'limit' && more) {
      j++;
      const v = parseStrictInt(argv[j]!);
      if (v === null || v < 0n) return LIMIT_NEGATIVE;
      limit = Number(v);
    } else {
      return SYNTAX_ERROR;
    }
  }
  return sinterGeneric(ctx, argv.slice(2, 2 + numkeys), null, true, limit);
}

const EMPTY_SCAN: Reply = ['0', EMPTY_ARRAY];

function sscan(ctx: Session, argv: Bytes[]): Reply {
  if (parseScanCursor(argv[2]!) === null) return INVALID_CURSOR;
  const s = lookupRead(ctx, argv[1]!);
  if (s === undefined) return EMPTY_SCAN;
  if (s instanceof ErrorReply) return s;
  const opts = parseScanArgs(argv, 2, false);
  if (opts instanceof ErrorReply) return opts;
  const pat = opts.match;
  if (s.encoding !== 'hashtable') {
    const all = s.toArray();
    return ['0', pat === null ? all : all.filter((m) => globMatch(pat, m))];
  }
  const ht = s.ht!;
  const r = ctx.engine.scanCursors.scan(ht, ht.index, opts.cursor, opts.count);
  return [r.cursor.toString(), pat === null ? r.keys : r.keys.filter((m) => globMatch(pat, m))];
}

export const setCommands: HandlerMap = {
  sadd,
  srem,
  smove,
  sismember,
  smismember,
  scard,
  smembers,
  spop,
  srandmember,
  sinter: (ctx, argv) => sinterGeneric(ctx, argv.slice(1), null, false, 0),
  sintercard,
  sinterstore: (ctx, argv) => sinterGeneric(ctx, argv.slice(2), argv[1]!, false, 0),
  sunion: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(1), null, true),
  sunionstore: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(2), argv[1]!, true),
  sdiff: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(1), null, false),
  sdiffstore: (ctx, argv) => sunionDiffGeneric(ctx, argv.slice(2), argv[1]!, false),
  sscan,
};
