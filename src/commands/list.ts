import type { Bytes } from '../engine/bytes.js';
import {
  INDEX_OUT_OF_RANGE,
  NO_SUCH_KEY,
  NOT_INTEGER,
  SYNTAX_ERROR,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_FLOAT,
  TIMEOUT_OUT_OF_RANGE,
  WRONGTYPE,
  wrongArity,
} from '../engine/errors.js';
import { parseDouble, parseLong, parseLongExact } from '../engine/number.js';
import { ErrorReply, EMPTY_ARRAY, NULL_ARRAY, OK, type Reply } from '../engine/reply.js';
import { BlockRequest, type Session } from '../engine/session.js';
import { ListObject } from '../engine/types/list.js';
import type { HandlerMap } from './table.js';

/** Errors of the list group (t_list.c), byte for byte. */
const RANK_ZERO = new ErrorReply(
  "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
);
const RANK_OUT_OF_RANGE = new ErrorReply(
  'ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807',
);
const COUNT_NEGATIVE = new ErrorReply("ERR COUNT can't be negative");
const MAXLEN_NEGATIVE = new ErrorReply("ERR MAXLEN can't be negative");
const NUMKEYS_NOT_POSITIVE = new ErrorReply('ERR numkeys should be greater than 0');
const COUNT_NOT_POSITIVE = new ErrorReply('ERR count should be greater than 0');
/** getPositiveLongFromObjectOrReply without a message (non-integers get it too). */
const NOT_POSITIVE = new ErrorReply('ERR value is out of range, must be positive');

const INT64_MAX = 9223372036854775807;

/** List head (LEFT) or tail (RIGHT). */
type Where = boolean; // true = head

function fill(ctx: Session): number {
  return ctx.engine.config.listMaxListpackSize;
}

/** getListPositionFromObjectOrReply: true for LEFT, false for RIGHT, null otherwise. */
function parseWhere(arg: Bytes): Where | null {
  const l = arg.toLowerCase();
  if (l === 'left') return true;
  if (l === 'right') return false;
  return null;
}

/** getPositiveLongFromObjectOrReply with a message: null when not an integer ≥ 0. */
function parseNonNegative(arg: Bytes): number | null {
  const v = parseLong(arg);
  return v === null || v < 0 ? null : v;
}

/** getRangeLongFromObjectOrReply(1, LONG_MAX): null when not an integer ≥ 1. */
function parsePositive(arg: Bytes): number | null {
  const v = parseLong(arg);
  return v === null || v < 1 ? null : v;
}

/**
 * getTimeoutFromObjectOrReply(UNIT_SECONDS): seconds as a long double, rounded up to ms.
 * Returns the absolute deadline (0 = forever) or an error.
 */
function parseTimeout(ctx: Session, arg: Bytes): number | ErrorReply {
  if (arg.length >= MAX_LONG_DOUBLE_CHARS) return TIMEOUT_NOT_FLOAT;
  const secs = parseDouble(arg) ?? beyondDouble(arg);
  if (secs === null) return TIMEOUT_NOT_FLOAT;
  const ms = secs * 1000;
  if (ms > INT64_MAX) return TIMEOUT_OUT_OF_RANGE;
  // (long long)ceill(-inf) is LLONG_MIN on x86: negative.
  const t = ms === -Infinity ? -1 : Math.ceil(ms);
  if (t < 0) return TIMEOUT_NEGATIVE;
  if (t === 0) return 0; // also -0: "-0.0001" blocks forever, as in Redis
  const now = ctx.now;
  if (t > INT64_MAX - now) return TIMEOUT_OUT_OF_RANGE;
  return t + now;
}

/** string2ld's buffer: longer arguments are not numbers. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;
const DECIMAL_RE = /^([+-]?)0*(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/;

/**
 * Redis parses the timeout as a long double (strtold), whose exponent reaches ±4931: a
 * decimal that over- or underflows a double but not a long double is still a number. Returns
 * ±Infinity or ±Number.MIN_VALUE standing for it, or null.
 */
function beyondDouble(arg: Bytes): number | null {
  const m = DECIMAL_RE.exec(arg);
  if (!m || (m[2] === '' && m[3] === '')) return null;
  const digits = (m[2]! + m[3]!).replace(/^0+/, '');
  if (digits === '') return null; // zero parses as a double already
  const leadingFracZeros = m[2] === '' ? m[3]!.length - m[3]!.replace(/^0+/, '').length : 0;
  const magnitude = Number(m[4] ?? 0) + (m[2] !== '' ? m[2]!.length - 1 : -leadingFracZeros - 1);
  if (magnitude > 4931 || magnitude < -4950) return null; // ERANGE for a long double too
  const sign = m[1] === '-' ? -1 : 1;
  return magnitude > 0 ? sign * Infinity : sign * Number.MIN_VALUE;
}

/** lookupKeyWrite + type check: the list, undefined when missing, or WRONGTYPE. */
function writeList(ctx: Session, key: Bytes): ListObject | undefined | ErrorReply {
  const o = ctx.db.lookupWrite(key);
  if (o === undefined) return undefined;
  if (o.type !== 'list') return WRONGTYPE;
  return o as ListObject;
}

function readList(ctx: Session, key: Bytes): ListObject | undefined | ErrorReply {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return undefined;
  if (o.type !== 'list') return WRONGTYPE;
  return o as ListObject;
}

/**
 * signalModified counted one change; Redis's server.dirty counts one per element pushed,
 * popped or removed (INFO rdb_changes_since_last_save).
 */
function addDirty(ctx: Session, changes: number): void {
  if (changes !== 0) ctx.engine.dirty += changes;
}

function notify(ctx: Session, type: string, event: string, key: Bytes): void {
  ctx.engine.notifyKeyspaceEvent(type, event, key, ctx.dbIndex);
}

/**
 * listElementsRemoved: pop event, delete the emptied key (or try the shrinking conversion),
 * signal the modification.
 */
function elementsRemoved(ctx: Session, key: Bytes, head: Where, list: ListObject, count = 1): void {
  notify(ctx, 'l', head ? 'lpop' : 'rpop', key);
  if (list.length === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  } else {
    list.tryConvertToListpack(fill(ctx), true);
  }
  ctx.db.signalModified(key);
  addDirty(ctx, count - 1);
}

/** addListRangeReply: start/end inclusive with negative indexes, optionally reversed. */
function rangeReply(list: ListObject, start: number, end: number, reverse: boolean): Reply {
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return EMPTY_ARRAY;
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  return list.slice(reverse ? end : start, n, reverse);
}

/** Pops min(count, length) elements from one end, replying with them in pop order. */
function popRange(ctx: Session, key: Bytes, list: ListObject, head: Where, count: number): Reply {
  const llen = list.length;
  const n = count > llen ? llen : count;
  const reply = head ? rangeReply(list, 0, n - 1, false) : rangeReply(list, -n, -1, true);
  list.deleteRange(head ? 0 : -n, n);
  elementsRemoved(ctx, key, head, list, n);
  return reply;
}

// --- pushes --------------------------------------------------------------------------

/** pushGenericCommand: LPUSH/RPUSH, and with `xx` LPUSHX/RPUSHX. */
function push(ctx: Session, argv: Bytes[], head: Where, xx: boolean): Reply {
  const key = argv[1]!;
  let list = writeList(ctx, key);
  if (list instanceof ErrorReply) return list;
  if (list === undefined) {
    if (xx) return 0;
    list = ListObject.create();
    ctx.db.add(key, list);
  }
  let addBytes = 0;
  for (let j = 2; j < argv.length; j++) addBytes += argv[j]!.length;
  list.tryConvertForGrowth(fill(ctx), addBytes, argv.length - 2);
  for (let j = 2; j < argv.length; j++) list.push(argv[j]!, head);
  ctx.db.signalModified(key);
  addDirty(ctx, argv.length - 3);
  notify(ctx, 'l', head ? 'lpush' : 'rpush', key);
  return list.length;
}

// --- pops ----------------------------------------------------------------------------

/** popGenericCommand: LPOP/RPOP key [count]. */
function pop(ctx: Session, argv: Bytes[], head: Where): Reply {
  if (argv.length > 3) return wrongArity(head ? 'lpop' : 'rpop');
  const hasCount = argv.length === 3;
  let count = 0;
  if (hasCount) {
    const c = parseNonNegative(argv[2]!);
    if (c === null) return NOT_POSITIVE;
    count = c;
  }
  const key = argv[1]!;
  const list = writeList(ctx, key);
  if (list === undefined) return hasCount ? NULL_ARRAY : null;
  if (list instanceof ErrorReply) return list;
  if (hasCount && count === 0) return EMPTY_ARRAY;
  if (!hasCount) {
    const value = list.pop(head)!;
    elementsRemoved(ctx, key, head, list);
    return value;
  }
  return popRange(ctx, key, list, head, count);
}

/**
 * The pop shared by LMPOP, BLMPOP, BLPOP and BRPOP: the first non-empty list among `keys`
 * pops (count -1 = one element, replied as [key, value]; otherwise [key, [values…]]).
 * Returns undefined when every key is missing. Propagates as LPOP/RPOP.
 */
function popFirst(ctx: Session, keys: Bytes[], head: Where, count: number): Reply | undefined {
  for (const key of keys) {
    const list = writeList(ctx, key);
    if (list === undefined) continue;
    if (list instanceof ErrorReply) return list;
    const llen = list.length;
    if (llen === 0) continue;
    const cmd = head ? 'LPOP' : 'RPOP';
    if (count !== -1) {
      const values = popRange(ctx, key, list, head, count);
      ctx.replaceArgv([cmd, key, String(count > llen ? llen : count)]);
      return [key, values];
    }
    const value = list.pop(head)!;
    elementsRemoved(ctx, key, head, list);
    ctx.replaceArgv([cmd, key]);
    return [key, value];
  }
  return undefined;
}

/** True when some key holds a list: the only case in which Redis wakes a blocked pop. */
function anyList(ctx: Session, keys: Bytes[]): boolean {
  for (const key of keys) {
    const o = ctx.db.peek(key);
    if (o !== undefined && o.type === 'list') return true;
  }
  return false;
}

/** blockingPopGenericCommand: BLPOP/BRPOP/BLMPOP. */
function blockingPop(
  ctx: Session,
  keys: Bytes[],
  head: Where,
  timeoutArg: Bytes,
  count: number,
): Reply | BlockRequest {
  const deadline = parseTimeout(ctx, timeoutArg);
  if (deadline instanceof ErrorReply) return deadline;
  const served = popFirst(ctx, keys, head, count);
  if (served !== undefined) return served;
  return new BlockRequest(
    keys,
    deadline,
    () => (anyList(ctx, keys) ? popFirst(ctx, keys, head, count) : undefined),
    NULL_ARRAY,
  );
}

/** lmpopGenericCommand: LMPOP numkeys key… LEFT|RIGHT [COUNT n]; BLMPOP timeout numkeys … */
function mpop(ctx: Session, argv: Bytes[], numkeysIdx: number, blocking: boolean): Reply | BlockRequest {
  const numkeys = parsePositive(argv[numkeysIdx]!);
  if (numkeys === null) return NUMKEYS_NOT_POSITIVE;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return SYNTAX_ERROR;
  const head = parseWhere(argv[whereIdx]!);
  if (head === null) return SYNTAX_ERROR;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (count === -1 && more > 0 && argv[j]!.toLowerCase() === 'count') {
      j++;
      const c = parsePositive(argv[j]!);
      if (c === null) return COUNT_NOT_POSITIVE;
      count = c;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, whereIdx);
  if (blocking) return blockingPop(ctx, keys, head, argv[1]!, count);
  return popFirst(ctx, keys, head, count) ?? NULL_ARRAY;
}

// --- moves ---------------------------------------------------------------------------

/**
 * lmoveGenericCommand: pops from `src` and pushes onto `dst`. `rewrite` is what a blocking
 * variant propagates instead of itself. Returns undefined when `src` is missing.
 */
function move(
  ctx: Session,
  src: Bytes,
  dst: Bytes,
  from: Where,
  to: Where,
  rewrite: Bytes[] | null,
): Reply | undefined {
  const source = writeList(ctx, src);
  if (source === undefined) return undefined;
  if (source instanceof ErrorReply) return source;
  if (source.length === 0) return null;
  let target = writeList(ctx, dst);
  if (target instanceof ErrorReply) return target;
  const value = source.pop(from)!;
  // lmoveHandlePush
  if (target === undefined) {
    target = ListObject.create();
    ctx.db.add(dst, target);
  }
  ctx.db.signalModified(dst);
  addDirty(ctx, -1); // lmoveHandlePush only signals; the move counts once, in elementsRemoved
  target.tryConvertForGrowth(fill(ctx), value.length, 1);
  target.push(value, to);
  notify(ctx, 'l', to ? 'lpush' : 'rpush', dst);
  elementsRemoved(ctx, src, from, source);
  if (rewrite) ctx.replaceArgv(rewrite);
  return value;
}

/** blmoveGenericCommand: BLMOVE / BRPOPLPUSH after their arguments were parsed. */
function blockingMove(
  ctx: Session,
  src: Bytes,
  dst: Bytes,
  from: Where,
  to: Where,
  deadline: number,
  rewrite: Bytes[],
): Reply | BlockRequest {
  const served = move(ctx, src, dst, from, to, rewrite);
  if (served !== undefined) return served;
  // CLIENT_DENY_BLOCKING (MULTI, scripts) answers a null bulk, while a timeout answers
  // a null array (replyToBlockedClientTimedOut): BlockRequest carries only the latter.
  if (ctx.inExec || ctx.inScript) return null;
  return new BlockRequest(
    [src],
    deadline,
    () => {
      const o = ctx.db.peek(src);
      if (o === undefined || o.type !== 'list') return undefined;
      return move(ctx, src, dst, from, to, rewrite);
    },
    NULL_ARRAY,
  );
}

// --- LPOS ----------------------------------------------------------------------------

function lpos(ctx: Session, argv: Bytes[]): Reply {
  const element = argv[2]!;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'rank' && more > 0) {
      j++;
      const r = parseLongExact(argv[j]!);
      if (r === null) return NOT_INTEGER;
      if (r < -9223372036854775807n) return RANK_OUT_OF_RANGE;
      if (r === 0n) return RANK_ZERO;
      rank = Number(r);
    } else if (opt === 'count' && more > 0) {
      j++;
      const c = parseNonNegative(argv[j]!);
      if (c === null) return COUNT_NEGATIVE;
      count = c;
    } else if (opt === 'maxlen' && more > 0) {
      j++;
      const m = parseNonNegative(argv[j]!);
      if (m === null) return MAXLEN_NEGATIVE;
      maxlen = m;
    } else {
      return SYNTAX_ERROR;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = readList(ctx, argv[1]!);
  if (list === undefined) return count !== -1 ? EMPTY_ARRAY : null;
  if (list instanceof ErrorReply) return list;

  const llen = list.length;
  const found: number[] = [];
  let index = 0;
  let matches = 0;
  let matchIndex = -1;
  for (const v of list.scan(fromTail)) {
    if (maxlen !== 0 && index >= maxlen) break;
    if (v === element) {
      matches++;
      matchIndex = fromTail ? llen - index - 1 : index;
      if (matches >= rank) {
        if (count !== -1) {
          found.push(matchIndex);
          if (count !== 0 && matches - rank + 1 >= count) break;
        } else {
          break;
        }
      }
    }
    index++;
    matchIndex = -1;
  }
  if (count !== -1) return found;
  return matchIndex !== -1 ? matchIndex : null;
}

// --- the handlers --------------------------------------------------------------------

export const listCommands: HandlerMap = {
  lpush: (ctx, argv) => push(ctx, argv, true, false),
  rpush: (ctx, argv) => push(ctx, argv, false, false),
  lpushx: (ctx, argv) => push(ctx, argv, true, true),
  rpushx: (ctx, argv) => push(ctx, argv, false, true),
  lpop: (ctx, argv) => pop(ctx, argv, true),
  rpop: (ctx, argv) => pop(ctx, argv, false),

  llen(ctx, argv) {
    const list = readList(ctx, argv[1]!);
    if (list === undefined) return 0;
    if (list instanceof ErrorReply) return list;
    return list.length;
  },

  lindex(ctx, argv) {
    const list = readList(ctx, argv[1]!);
    if (list === undefined) return null;
    if (list instanceof ErrorReply) return list;
    const index = parseLong(argv[2]!);
    if (index === null) return NOT_INTEGER;
    return list.index(index) ?? null;
  },

  lset(ctx, argv) {
    const key = argv[1]!;
    const list = writeList(ctx, key);
    if (list === undefined) return NO_SUCH_KEY;
    if (list instanceof ErrorReply) return list;
    const index = parseLong(argv[2]!);
    if (index === null) return NOT_INTEGER;
    const value = argv[3]!;
    const f = fill(ctx);
    list.tryConvertForGrowth(f, value.length, 1);
    if (!list.set(index, value)) return INDEX_OUT_OF_RANGE;
    ctx.db.signalModified(key);
    notify(ctx, 'l', 'lset', key);
    list.tryConvertToListpack(f, true);
    return OK;
  },

  lrange(ctx, argv) {
    const start = parseLong(argv[2]!);
    const end = parseLong(argv[3]!);
    if (start === null || end === null) return NOT_INTEGER;
    const list = readList(ctx, argv[1]!);
    if (list === undefined) return EMPTY_ARRAY;
    if (list instanceof ErrorReply) return list;
    return rangeReply(list, start, end, false);
  },

  ltrim(ctx, argv) {
    let start = parseLong(argv[2]!);
    let end = parseLong(argv[3]!);
    if (start === null || end === null) return NOT_INTEGER;
    const key = argv[1]!;
    const list = writeList(ctx, key);
    if (list === undefined) return OK;
    if (list instanceof ErrorReply) return list;
    const llen = list.length;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    let ltrim: number;
    let rtrim: number;
    if (start > end || start >= llen) {
      ltrim = llen;
      rtrim = 0;
    } else {
      if (end >= llen) end = llen - 1;
      ltrim = start;
      rtrim = llen - end - 1;
    }
    list.deleteRange(0, ltrim);
    list.deleteRange(-rtrim, rtrim);
    notify(ctx, 'l', 'ltrim', key);
    if (list.length === 0) {
      ctx.db.delete(key);
      notify(ctx, 'g', 'del', key);
    } else {
      list.tryConvertToListpack(fill(ctx), true);
    }
    // signalModifiedKey always; server.dirty only grows by what was removed.
    if (ltrim + rtrim > 0) {
      ctx.db.signalModified(key);
      addDirty(ctx, ltrim + rtrim - 1);
    } else {
      ctx.db.touchWatchedKey(key);
    }
    return OK;
  },

  linsert(ctx, argv) {
    const w = argv[2]!.toLowerCase();
    let after: boolean;
    if (w === 'after') after = true;
    else if (w === 'before') after = false;
    else return SYNTAX_ERROR;
    const key = argv[1]!;
    const list = writeList(ctx, key);
    if (list === undefined) return 0;
    if (list instanceof ErrorReply) return list;
    const value = argv[4]!;
    // Redis converts before looking for the pivot, even if it is then not found.
    list.tryConvertForGrowth(fill(ctx), value.length, 1);
    if (!list.insert(argv[3]!, value, after)) return -1;
    ctx.db.signalModified(key);
    notify(ctx, 'l', 'linsert', key);
    return list.length;
  },

  lrem(ctx, argv) {
    const toRemove = parseLong(argv[2]!);
    if (toRemove === null) return NOT_INTEGER;
    const key = argv[1]!;
    const list = writeList(ctx, key);
    if (list === undefined) return 0;
    if (list instanceof ErrorReply) return list;
    const removed = list.remove(argv[3]!, toRemove);
    if (removed) {
      ctx.db.signalModified(key);
      addDirty(ctx, removed - 1);
      notify(ctx, 'l', 'lrem', key);
    }
    if (list.length === 0) {
      ctx.db.delete(key);
      notify(ctx, 'g', 'del', key);
    } else if (removed) {
      list.tryConvertToListpack(fill(ctx), true);
    }
    return removed;
  },

  lpos,

  lmove(ctx, argv) {
    const from = parseWhere(argv[3]!);
    if (from === null) return SYNTAX_ERROR;
    const to = parseWhere(argv[4]!);
    if (to === null) return SYNTAX_ERROR;
    return move(ctx, argv[1]!, argv[2]!, from, to, null) ?? null;
  },

  rpoplpush: (ctx, argv) => move(ctx, argv[1]!, argv[2]!, false, true, null) ?? null,

  lmpop: (ctx, argv) => mpop(ctx, argv, 1, false),
  blmpop: (ctx, argv) => mpop(ctx, argv, 2, true),
  blpop: (ctx, argv) => blockingPop(ctx, argv.slice(1, -1), true, argv[argv.length - 1]!, -1),
  brpop: (ctx, argv) => blockingPop(ctx, argv.slice(1, -1), false, argv[argv.length - 1]!, -1),

  blmove(ctx, argv) {
    const from = parseWhere(argv[3]!);
    if (from === null) return SYNTAX_ERROR;
    const to = parseWhere(argv[4]!);
    if (to === null) return SYNTAX_ERROR;
    const deadline = parseTimeout(ctx, argv[5]!);
    if (deadline instanceof ErrorReply) return deadline;
    return blockingMove(ctx, argv[1]!, argv[2]!, from, to, deadline, ['LMOVE', argv[1]!, argv[2]!, argv[3]!, argv[4]!]);
  },

  brpoplpush(ctx, argv) {
    const deadline = parseTimeout(ctx, argv[3]!);
    if (deadline instanceof ErrorReply) return deadline;
    return blockingMove(ctx, argv[1]!, argv[2]!, false, true, deadline, ['RPOPLPUSH', argv[1]!, argv[2]!]);
  },
};
