import type { Bytes } from '../engine/bytes.js';
import type { Db } from '../engine/db.js';
import { NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from '../engine/errors.js';
import { parseDouble, parseLong } from '../engine/number.js';
import type { RedisObject } from '../engine/object.js';
import { ErrorReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { ListObject } from '../engine/types/list.js';
import type { HandlerMap } from './table.js';

/** sort.c's error for a weight (or element) that strtod refuses. */
export const SORT_SCORE_ERROR = new ErrorReply("ERR One or more scores can't be converted into double");

/** The read APIs SORT needs from the container types (see the conventions). */
interface ListLike extends RedisObject {
  readonly length: number;
  items(): Iterable<Bytes>;
}
interface SetLike extends RedisObject {
  readonly size: number;
  members(): Iterable<Bytes>;
}
interface ZSetLike extends RedisObject {
  readonly size: number;
  entries(): Iterable<[Bytes, number]>;
  convertToSkiplist?(): void;
}
interface HashLike extends RedisObject {
  get(field: Bytes): Bytes | undefined;
  ttlOf(field: Bytes): number | undefined;
}
interface StringLike extends RedisObject {
  readonly value: Bytes;
}

const MIN_NORMAL = 2.2250738585072014e-308;

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * strtod(s, &eptr) accepted only when it consumed everything, did not set ERANGE and is
 * not NaN. Leading whitespace is skipped; "" converts to 0 (eptr stops at the terminator);
 * overflow and any underflow (zero or subnormal result) are ERANGE.
 */
export function sortScore(s: Bytes): number | null {
  let i = 0;
  const n = s.length;
  while (i < n && isSpace(s.charCodeAt(i))) i++;
  if (i === n) return n === 0 ? 0 : null;
  const v = parseDouble(i === 0 ? s : s.slice(i));
  if (v === null) return null;
  if (v !== 0 && Math.abs(v) < MIN_NORMAL) return null;
  return v;
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the
 * element and, with "->field" after it, the field of that hash is read; else the string.
 */
function lookupByPattern(db: Db, pattern: Bytes, subst: Bytes): Bytes | null {
  if (pattern === '#') return subst;
  const star = pattern.indexOf('*');
  if (star < 0) return null;
  const arrow = pattern.indexOf('->', star + 1);
  let field: Bytes | null = null;
  let keyEnd = pattern.length;
  if (arrow >= 0 && arrow + 2 < pattern.length) {
    field = pattern.slice(arrow + 2);
    keyEnd = arrow;
  }
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, keyEnd);
  const o = db.lookupRead(key);
  if (o === undefined) return null;
  if (field !== null) {
    if (o.type !== 'hash') return null;
    // A field past its TTL is not there (hashTypeGetValue), even before it is reclaimed.
    const ttl = (o as HashLike).ttlOf(field);
    if (ttl !== undefined && ttl < db.engine.commandTime && !db.engine.loading) return null;
    return (o as HashLike).get(field) ?? null;
  }
  if (o.type !== 'string') return null;
  return (o as StringLike).value;
}

interface SortItem {
  obj: Bytes;
  score: number;
  cmp: Bytes | null;
}

function compareBinary(a: Bytes, b: Bytes): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(ctx: Session, argv: Bytes[], readonly: boolean): Reply {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: Bytes | null = null;
  let storekey: Bytes | null = null;
  const gets: Bytes[] = [];
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') {
      desc = false;
    } else if (opt === 'desc') {
      desc = true;
    } else if (opt === 'alpha') {
      alpha = true;
    } else if (opt === 'limit' && left >= 2) {
      const s = parseLong(argv[j + 1]!);
      if (s === null) return NOT_INTEGER;
      const c = parseLong(argv[j + 2]!);
      if (c === null) return NOT_INTEGER;
      limitStart = s;
      limitCount = c;
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      storekey = argv[j + 1]!;
      j++;
    } else if (opt === 'by' && left >= 1) {
      sortby = argv[j + 1]!;
      // A pattern without '*' is constant: nothing to sort, nothing to look up.
      if (!sortby.includes('*')) dontsort = true;
      j++;
    } else if (opt === 'get' && left >= 1) {
      gets.push(argv[j + 1]!);
      j++;
    } else {
      return SYNTAX_ERROR;
    }
  }

  const db = ctx.db;
  const sortval = db.lookupRead(argv[1]!);
  if (sortval !== undefined && sortval.type !== 'set' && sortval.type !== 'list' && sortval.type !== 'zset') {
    return WRONGTYPE;
  }
  const type = sortval?.type ?? 'list';

  // A set has no order of its own: when the result is stored or scripted, sort it ALPHA.
  if (dontsort && type === 'set' && (storekey !== null || ctx.inScript)) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }

  // Redis converts a listpack zset to a skiplist for SORT, for good.
  if (sortval && type === 'zset') (sortval as ZSetLike).convertToSkiplist?.();

  let vectorlen =
    sortval === undefined
      ? 0
      : type === 'list'
        ? (sortval as ListLike).length
        : (sortval as SetLike | ZSetLike).size;

  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  const count = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = count < 0 ? vectorlen - 1 : start + count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;

  // Lists and zsets have an order: with nothing to sort, read the LIMIT range directly.
  if ((type === 'zset' || type === 'list') && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  let vector: SortItem[] = [];
  const item = (obj: Bytes): SortItem => ({ obj, score: 0, cmp: null });
  if (sortval !== undefined) {
    if ((type === 'list' || type === 'zset') && dontsort) {
      if (end >= start) {
        const all: Bytes[] = [];
        if (type === 'list') for (const v of (sortval as ListLike).items()) all.push(v);
        else for (const [m] of (sortval as ZSetLike).entries()) all.push(m);
        if (desc) all.reverse();
        for (let i = start; i < start + vectorlen && i < all.length; i++) vector.push(item(all[i]!));
        end -= start;
        start = 0;
      }
    } else if (type === 'list') {
      for (const v of (sortval as ListLike).items()) vector.push(item(v));
    } else if (type === 'set') {
      for (const v of (sortval as SetLike).members()) vector.push(item(v));
    } else {
      for (const [m] of (sortval as ZSetLike).entries()) vector.push(item(m));
    }
  }

  let conversionError = false;
  if (!dontsort) {
    for (const it of vector) {
      let byval: Bytes | null;
      if (sortby !== null) {
        byval = lookupByPattern(db, sortby, it.obj);
        if (byval === null) continue;
      } else {
        byval = it.obj;
      }
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const score = sortScore(byval);
        if (score === null) conversionError = true;
        else it.score = score;
      }
    }
    const sign = desc ? -1 : 1;
    let cmp: (a: SortItem, b: SortItem) => number;
    if (!alpha) {
      cmp = (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBinary(a.obj, b.obj));
    } else if (sortby !== null) {
      cmp = (a, b) => {
        if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
        return sign * compareBinary(a.cmp, b.cmp);
      };
    } else {
      cmp = (a, b) => sign * compareBinary(a.obj, b.obj);
    }
    vector = vector.sort(cmp);
  }

  const span = end - start + 1;
  const outputlen = gets.length ? gets.length * span : span;
  if (conversionError) return SORT_SCORE_ERROR;

  if (storekey === null) {
    const out: Reply[] = [];
    for (let j = start; j <= end; j++) {
      const obj = vector[j]!.obj;
      if (gets.length === 0) out.push(obj);
      for (const g of gets) out.push(lookupByPattern(db, g, obj));
    }
    return out;
  }

  const items: Bytes[] = [];
  for (let j = start; j <= end; j++) {
    const obj = vector[j]!.obj;
    if (gets.length === 0) items.push(obj);
    for (const g of gets) items.push(lookupByPattern(db, g, obj) ?? '');
  }
  if (outputlen > 0) {
    // Built as a quicklist then converted (LIST_CONV_AUTO): a listpack when it fits one node.
    db.setKey(storekey, ListObject.fromItems(items, ctx.engine.config.listMaxListpackSize));
    ctx.engine.notifyKeyspaceEvent('l', 'sortstore', storekey, db.id);
    // server.dirty += outputlen (setKey counted one).
    ctx.engine.dirty += outputlen - 1;
  } else if (db.delete(storekey)) {
    db.signalModified(storekey);
    ctx.engine.notifyKeyspaceEvent('g', 'del', storekey, db.id);
  }
  return outputlen;
}

export const sortCommands: HandlerMap = {
  sort: (ctx, argv) => sortGeneric(ctx, argv, false),
  sort_ro: (ctx, argv) => sortGeneric(ctx, argv, true),
};
