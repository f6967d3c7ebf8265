import type { Bytes } from '../engine/bytes.js';
import {
  NOT_FLOAT,
  NOT_INTEGER,
  NOT_POSITIVE,
  SYNTAX_ERROR,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_FLOAT,
  TIMEOUT_OUT_OF_RANGE,
  WRONGTYPE,
} from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { parseDouble, parseLong, parseLongExact } from '../engine/number.js';
import type { RedisObject } from '../engine/object.js';
import { DoubleReply, ErrorReply, NULL_ARRAY, type Reply } from '../engine/reply.js';
import { INVALID_CURSOR, parseScanArgs } from '../engine/scan.js';
import { BlockRequest, type Session } from '../engine/session.js';
import {
  ZADD_IN_GT,
  ZADD_IN_INCR,
  ZADD_IN_LT,
  ZADD_IN_NX,
  ZADD_IN_XX,
  ZADD_OUT_ADDED,
  ZADD_OUT_NAN,
  ZADD_OUT_NOP,
  ZADD_OUT_UPDATED,
  ZSetObject,
} from '../engine/types/zset.js';
import type { LexRange, ScoreRange } from '../datastruct/skiplist.js';
import { formatDouble, formatDouble17g } from '../resp/double.js';
import type { HandlerMap } from './table.js';

// --- errors (t_zset.c) ---------------------------------------------------------------------
const ERR_XX_NX = new ErrorReply('ERR XX and NX options at the same time are not compatible');
const ERR_GT_LT_NX = new ErrorReply('ERR GT, LT, and/or NX options at the same time are not compatible');
const ERR_INCR_PAIR = new ErrorReply('ERR INCR option supports a single increment-element pair');
const ERR_NAN = new ErrorReply('ERR resulting score is not a number (NaN)');
const ERR_MINMAX_FLOAT = new ErrorReply('ERR min or max is not a float');
const ERR_MINMAX_LEX = new ErrorReply('ERR min or max not valid string range item');
const ERR_LIMIT_RANK = new ErrorReply(
  'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
);
const ERR_WITHSCORES_BYLEX = new ErrorReply('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
const ERR_WEIGHT = new ErrorReply('ERR weight value is not a float');
const ERR_NUMKEYS = new ErrorReply('ERR numkeys should be greater than 0');
const ERR_COUNT_GT0 = new ErrorReply('ERR count should be greater than 0');
const ERR_LIMIT_NEGATIVE = new ErrorReply("ERR LIMIT can't be negative");
const ERR_VALUE_OUT_OF_RANGE = new ErrorReply('ERR value is out of range');
const ERR_RANDMEMBER_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);
const NOT_POSITIVE_VALUE = NOT_POSITIVE('value');

const LLONG_MAX = 9223372036854775807;

// --- helpers -------------------------------------------------------------------------------

function notify(ctx: Session, type: string, event: string, key: Bytes): void {
  ctx.engine.notifyKeyspaceEvent(type, event, key, ctx.dbIndex);
}

/** The zset at key (undefined when missing) or WRONGTYPE. */
function zsetRead(ctx: Session, key: Bytes): ZSetObject | undefined | ErrorReply {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return undefined;
  if (o.type !== 'zset') return WRONGTYPE;
  return o as ZSetObject;
}

function zsetWrite(ctx: Session, key: Bytes): ZSetObject | undefined | ErrorReply {
  const o = ctx.db.lookupWrite(key);
  if (o === undefined) return undefined;
  if (o.type !== 'zset') return WRONGTYPE;
  return o as ZSetObject;
}

const STRTOD_RE =
  /^[ \t\n\v\f\r]*([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN](?:\([0-9A-Za-z_]*\))?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?))$/;

/** strtod(s, &eptr) with eptr required at the end (zslParseRange); NaN is refused. */
function strtodWhole(s: Bytes): number | null {
  if (s.length === 0) return 0; // no conversion: eptr stays at the terminator
  const m = STRTOD_RE.exec(s);
  if (!m) return null;
  const t = m[1]!;
  const neg = t.charCodeAt(0) === 45;
  const body = t.charCodeAt(0) === 45 || t.charCodeAt(0) === 43 ? t.slice(1) : t;
  let v: number;
  const c = body.charCodeAt(0) | 0x20;
  if (c === 0x69 /* i */) v = Infinity;
  else if (c === 0x6e /* n */) return null;
  else if (body.length > 1 && (body.charCodeAt(1) | 0x20) === 0x78) v = parseDouble(body) ?? Infinity;
  else v = Number(body);
  if (Number.isNaN(v)) return null;
  return neg ? -v : v;
}

/** zslParseRange. */
export function parseScoreRange(min: Bytes, max: Bytes): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  let v: number | null;
  if (min.charCodeAt(0) === 40 /* ( */) {
    v = strtodWhole(min.slice(1));
    r.minex = true;
  } else v = strtodWhole(min);
  if (v === null) return null;
  r.min = v;
  if (max.charCodeAt(0) === 40) {
    v = strtodWhole(max.slice(1));
    r.maxex = true;
  } else v = strtodWhole(max);
  if (v === null) return null;
  r.max = v;
  return r;
}

/** zslParseLexRange. */
export function parseLexRange(min: Bytes, max: Bytes): LexRange | null {
  const r: LexRange = { min: '', max: '', minex: false, maxex: false, minKind: 0, maxKind: 0 };
  const a = parseLexItem(min);
  const b = parseLexItem(max);
  if (a === null || b === null) return null;
  [r.minKind, r.min, r.minex] = a;
  [r.maxKind, r.max, r.maxex] = b;
  return r;
}

function parseLexItem(s: Bytes): [-1 | 0 | 1, Bytes, boolean] | null {
  const c = s.charCodeAt(0);
  if (c === 43 /* + */) return s.length === 1 ? [1, '', true] : null;
  if (c === 45 /* - */) return s.length === 1 ? [-1, '', true] : null;
  if (c === 40 /* ( */) return [0, s.slice(1), true];
  if (c === 91 /* [ */) return [0, s.slice(1), false];
  return null;
}

/** Pushes member (+ score) the way Redis replies with WITHSCORES: flat in RESP2, pairs in RESP3. */
function pushMember(out: Reply[], resp3: boolean, withscores: boolean, member: Bytes, score: number): void {
  if (!withscores) out.push(member);
  else if (resp3) out.push([member, new DoubleReply(score)]);
  else out.push(member, new DoubleReply(score));
}

/** Deletes the key when the zset became empty (the caller fires "del"); true if it did. */
function deleteIfEmpty(ctx: Session, key: Bytes, z: ZSetObject): boolean {
  if (z.size !== 0) return false;
  ctx.db.delete(key);
  return true;
}

// --- ZADD / ZINCRBY -------------------------------------------------------------------------

/** getDoubleFromObject with a fast path for plain decimals ("12", "-3.5", ".5"). */
function parseScore(s: Bytes): number | null {
  const n = s.length;
  if (n === 0 || n > 15) return parseDouble(s);
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dots = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dots === 0) dots++;
    else return parseDouble(s);
  }
  return digits === 0 ? parseDouble(s) : Number(s);
}

function zaddGeneric(ctx: Session, argv: Bytes[], inFlags: number): Reply {
  const key = argv[1]!;
  let flags = inFlags;
  let ch = false;
  let scoreidx = 2;
  while (scoreidx < argv.length) {
    const a = argv[scoreidx]!;
    const c0 = a.charCodeAt(0);
    // A score (digit, sign, dot) ends the options without lower-casing anything.
    if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46 || a.length > 4) break;
    const opt = a.toLowerCase();
    if (opt === 'nx') flags |= ZADD_IN_NX;
    else if (opt === 'xx') flags |= ZADD_IN_XX;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags |= ZADD_IN_INCR;
    else if (opt === 'gt') flags |= ZADD_IN_GT;
    else if (opt === 'lt') flags |= ZADD_IN_LT;
    else break;
    scoreidx++;
  }
  const incr = (flags & ZADD_IN_INCR) !== 0;
  const nx = (flags & ZADD_IN_NX) !== 0;
  const xx = (flags & ZADD_IN_XX) !== 0;
  const gt = (flags & ZADD_IN_GT) !== 0;
  const lt = (flags & ZADD_IN_LT) !== 0;
  let elements = argv.length - scoreidx;
  if (elements % 2 !== 0 || elements === 0) return SYNTAX_ERROR;
  elements /= 2;
  if (nx && xx) return ERR_XX_NX;
  if ((gt && nx) || (lt && nx) || (gt && lt)) return ERR_GT_LT_NX;
  if (incr && elements > 1) return ERR_INCR_PAIR;

  let score0 = 0;
  let scores: number[] | null = null;
  if (elements === 1) {
    const s = parseScore(argv[scoreidx]!);
    if (s === null) return NOT_FLOAT;
    score0 = s;
  } else {
    scores = new Array<number>(elements);
    for (let j = 0; j < elements; j++) {
      const s = parseScore(argv[scoreidx + j * 2]!);
      if (s === null) return NOT_FLOAT;
      scores[j] = s;
    }
  }

  const config = ctx.engine.config;
  const found = zsetWrite(ctx, key);
  if (found instanceof ErrorReply) return found;
  let zobj = found;
  if (zobj === undefined) {
    if (xx) return incr ? null : 0;
    zobj = ZSetObject.create(config, elements, argv[scoreidx + 1]!.length);
    ctx.db.add(key, zobj);
  } else {
    zobj.maybeConvert(config, elements);
  }

  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  for (let j = 0; j < elements; j++) {
    const ret = zobj.add(config, scores === null ? score0 : scores[j]!, argv[scoreidx + 1 + j * 2]!, flags);
    if (ret & ZADD_OUT_NAN) {
      finishZadd(ctx, key, incr, added, updated);
      return ERR_NAN;
    }
    if (ret & ZADD_OUT_ADDED) added++;
    if (ret & ZADD_OUT_UPDATED) updated++;
    if (!(ret & ZADD_OUT_NOP)) processed++;
    score = zobj.newScore;
  }
  finishZadd(ctx, key, incr, added, updated);
  if (incr) return processed ? new DoubleReply(score) : null;
  return ch ? added + updated : added;
}

function finishZadd(ctx: Session, key: Bytes, incr: boolean, added: number, updated: number): void {
  if (added || updated) {
    ctx.db.signalModified(key);
    notify(ctx, 'z', incr ? 'zincr' : 'zadd', key);
  }
}

/** GEOADD runs ZADD with the encoded coordinates; exported for geo.ts. */
export function zaddCommand(ctx: Session, argv: Bytes[]): Reply {
  return zaddGeneric(ctx, argv, 0);
}

// --- range commands -------------------------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/** zrangeGenericCommand: ZRANGE, ZRANGESTORE and the deprecated Z[REV]RANGE[BYSCORE|BYLEX]. */
function zrangeGeneric(
  ctx: Session,
  argv: Bytes[],
  argcStart: number,
  store: Bytes | null,
  rangetype: RangeType,
  direction: Direction,
): Reply {
  const key = argv[argcStart]!;
  let minidx = argcStart + 1;
  let maxidx = argcStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argcStart + 3; j < argv.length; j++) {
    const leftargs = argv.length - j - 1;
    const a = argv[j]!.toLowerCase();
    if (!store && a === 'withscores') withscores = true;
    else if (a === 'limit' && leftargs >= 2) {
      const o = parseLong(argv[j + 1]!);
      if (o === null) return NOT_INTEGER;
      const l = parseLong(argv[j + 2]!);
      if (l === null) return NOT_INTEGER;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === 'auto' && a === 'rev') direction = 'reverse';
    else if (rangetype === 'auto' && a === 'bylex') rangetype = 'lex';
    else if (rangetype === 'auto' && a === 'byscore') rangetype = 'score';
    else return SYNTAX_ERROR;
  }
  if (direction === 'auto') direction = 'forward';
  if (rangetype === 'auto') rangetype = 'rank';
  if (limit !== -1 && rangetype === 'rank') return ERR_LIMIT_RANK;
  if (withscores && rangetype === 'lex') return ERR_WITHSCORES_BYLEX;
  const reverse = direction === 'reverse';
  if (reverse && (rangetype === 'score' || rangetype === 'lex')) {
    const t = maxidx;
    maxidx = minidx;
    minidx = t;
  }
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  if (rangetype === 'rank') {
    const s = parseLong(argv[minidx]!);
    if (s === null) return NOT_INTEGER;
    const e = parseLong(argv[maxidx]!);
    if (e === null) return NOT_INTEGER;
    start = s;
    end = e;
  } else if (rangetype === 'score') {
    srange = parseScoreRange(argv[minidx]!, argv[maxidx]!);
    if (srange === null) return ERR_MINMAX_FLOAT;
  } else {
    lrange = parseLexRange(argv[minidx]!, argv[maxidx]!);
    if (lrange === null) return ERR_MINMAX_LEX;
  }

  const zobj = zsetRead(ctx, key);
  if (zobj instanceof ErrorReply) {
    // Redis looks the key up before checking its type: a missing key never errors.
    return zobj;
  }
  if (zobj === undefined) {
    if (store) return storeRangeResult(ctx, store, null, 0);
    return [];
  }

  if (store) {
    const config = ctx.engine.config;
    let dst: ZSetObject;
    let n: number;
    if (rangetype === 'rank') {
      const [s, e] = clampRank(zobj.size, start, end);
      dst = ZSetObject.create(config, s > e ? 0 : e - s + 1, 0);
      zobj.rangeByRank(s, e, reverse, (m, sc) => dst.add(config, sc, m, 0));
      n = s > e ? 0 : e - s + 1;
    } else {
      dst = ZSetObject.create(config, 0, 0);
      const emit = (m: Bytes, sc: number) => {
        dst.add(config, sc, m, 0);
      };
      n = rangetype === 'score'
        ? zobj.rangeByScore(srange!, offset, limit, reverse, emit)
        : zobj.rangeByLex(lrange!, offset, limit, reverse, emit);
    }
    return storeRangeResult(ctx, store, dst, n);
  }

  const out: Reply[] = [];
  const resp3 = ctx.protocol === 3;
  const emit = (m: Bytes, sc: number) => pushMember(out, resp3, withscores, m, sc);
  if (rangetype === 'rank') {
    const [s, e] = clampRank(zobj.size, start, end);
    zobj.rangeByRank(s, e, reverse, emit);
  } else if (rangetype === 'score') {
    zobj.rangeByScore(srange!, offset, limit, reverse, emit);
  } else {
    zobj.rangeByLex(lrange!, offset, limit, reverse, emit);
  }
  return out;
}

/** Sanitises rank indexes as Redis does; returns an empty [1, 0] range when nothing matches. */
function clampRank(llen: number, start: number, end: number): [number, number] {
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return [1, 0];
  if (end >= llen) end = llen - 1;
  return [start, end];
}

function storeRangeResult(ctx: Session, dstkey: Bytes, dst: ZSetObject | null, count: number): Reply {
  if (count && dst) {
    ctx.db.setKey(dstkey, dst);
    notify(ctx, 'z', 'zrangestore', dstkey);
    return count;
  }
  if (ctx.db.delete(dstkey)) {
    ctx.db.signalModified(dstkey);
    notify(ctx, 'g', 'del', dstkey);
  }
  return 0;
}

// --- ZREMRANGEBY* ---------------------------------------------------------------------------

function zremrangeGeneric(ctx: Session, argv: Bytes[], type: 'rank' | 'score' | 'lex'): Reply {
  const key = argv[1]!;
  let start = 0;
  let end = 0;
  let srange: ScoreRange | null = null;
  let lrange: LexRange | null = null;
  let event: string;
  if (type === 'rank') {
    event = 'zremrangebyrank';
    const s = parseLong(argv[2]!);
    if (s === null) return NOT_INTEGER;
    const e = parseLong(argv[3]!);
    if (e === null) return NOT_INTEGER;
    start = s;
    end = e;
  } else if (type === 'score') {
    event = 'zremrangebyscore';
    srange = parseScoreRange(argv[2]!, argv[3]!);
    if (srange === null) return ERR_MINMAX_FLOAT;
  } else {
    event = 'zremrangebylex';
    lrange = parseLexRange(argv[2]!, argv[3]!);
    if (lrange === null) return ERR_MINMAX_LEX;
  }
  const zobj = zsetWrite(ctx, key);
  if (zobj === undefined) return 0;
  if (zobj instanceof ErrorReply) return zobj;
  let deleted: number;
  if (type === 'rank') {
    const [s, e] = clampRank(zobj.size, start, end);
    if (s > e) return 0;
    deleted = zobj.deleteRangeByRank(s, e);
  } else if (type === 'score') {
    deleted = zobj.deleteRangeByScore(srange!);
  } else {
    deleted = zobj.deleteRangeByLex(lrange!);
  }
  if (deleted) {
    const removed = deleteIfEmpty(ctx, key, zobj);
    ctx.db.signalModified(key);
    notify(ctx, 'z', event, key);
    if (removed) notify(ctx, 'g', 'del', key);
  }
  return deleted;
}

// --- ZUNION / ZINTER / ZDIFF ----------------------------------------------------------------

interface OpSource {
  obj: RedisObject | null;
  weight: number;
  size: number;
}

interface SetLike {
  size: number;
  members(): Iterable<Bytes>;
  has?(m: Bytes): boolean;
}

function sourceSize(o: RedisObject | null): number {
  if (o === null) return 0;
  return (o as unknown as { size: number }).size;
}

/** zuiNext order: sorted sets from the highest element down, sets in their own order. */
function* sourceIter(src: OpSource): Generator<[Bytes, number]> {
  const o = src.obj;
  if (o === null) return;
  if (o.type === 'zset') {
    yield* (o as ZSetObject).reverseEntries();
  } else {
    for (const m of (o as unknown as SetLike).members()) yield [m, 1.0];
  }
}

/** zuiFind: the member's score in the source, or undefined. */
function sourceFind(src: OpSource, m: Bytes, cache: Map<OpSource, Set<Bytes>>): number | undefined {
  const o = src.obj;
  if (o === null) return undefined;
  if (o.type === 'zset') return (o as ZSetObject).score(m);
  const s = o as unknown as SetLike;
  if (typeof s.has === 'function') return s.has(m) ? 1.0 : undefined;
  let set = cache.get(src);
  if (!set) cache.set(src, (set = new Set(s.members())));
  return set.has(m) ? 1.0 : undefined;
}

const AGGR_SUM = 1;
const AGGR_MIN = 2;
const AGGR_MAX = 3;

function aggregate(target: number, val: number, aggr: number): number {
  if (aggr === AGGR_SUM) {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (aggr === AGGR_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

type SetOp = 'union' | 'inter' | 'diff';

function zsetOpGeneric(
  ctx: Session,
  argv: Bytes[],
  dstkey: Bytes | null,
  numkeysIndex: number,
  op: SetOp,
  cardinalityOnly: boolean,
  fullName: string,
): Reply {
  const setnum = parseLong(argv[numkeysIndex]!);
  if (setnum === null) return NOT_INTEGER;
  if (setnum < 1) return new ErrorReply(`ERR at least 1 input key is needed for '${fullName}' command`);
  if (setnum > argv.length - (numkeysIndex + 1)) return SYNTAX_ERROR;
  const src: OpSource[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const k = argv[j]!;
    const obj = ctx.db.lookupRead(k);
    if (obj !== undefined && obj.type !== 'zset' && obj.type !== 'set') return WRONGTYPE;
    src.push({ obj: obj ?? null, weight: 1.0, size: sourceSize(obj ?? null) });
  }
  let aggr = AGGR_SUM;
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j]!.toLowerCase();
    if (op !== 'diff' && !cardinalityOnly && remaining >= setnum + 1 && a === 'weights') {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]!);
        if (w === null) return ERR_WEIGHT;
        src[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardinalityOnly && remaining >= 2 && a === 'aggregate') {
      j++;
      remaining--;
      const v = argv[j]!.toLowerCase();
      if (v === 'sum') aggr = AGGR_SUM;
      else if (v === 'min') aggr = AGGR_MIN;
      else if (v === 'max') aggr = AGGR_MAX;
      else return SYNTAX_ERROR;
      j++;
      remaining--;
    } else if (remaining >= 1 && !dstkey && !cardinalityOnly && a === 'withscores') {
      j++;
      remaining--;
      withscores = true;
    } else if (cardinalityOnly && remaining >= 2 && a === 'limit') {
      j++;
      remaining--;
      const l = parseLong(argv[j]!);
      if (l === null || l < 0) return ERR_LIMIT_NEGATIVE;
      limit = l;
      j++;
      remaining--;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (op !== 'diff') src.sort((a, b) => a.size - b.size);

  const cache = new Map<OpSource, Set<Bytes>>();
  const result = new Map<Bytes, number>();
  let cardinality = 0;
  if (op === 'inter') {
    const s0 = src[0]!;
    if (s0.size > 0) {
      for (const [m, s] of sourceIter(s0)) {
        let score = s0.weight * s;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const sk = src[k]!;
          if (sk.obj === s0.obj) {
            score = aggregate(score, s * sk.weight, aggr);
          } else {
            const v = sourceFind(sk, m, cache);
            if (v === undefined) break;
            score = aggregate(score, v * sk.weight, aggr);
          }
        }
        if (k === setnum) {
          if (cardinalityOnly) {
            cardinality++;
            if (limit && cardinality >= limit) break;
          } else {
            result.set(m, score);
          }
        }
      }
    }
  } else if (op === 'union') {
    for (const s of src) {
      if (s.size === 0) continue;
      for (const [m, sc] of sourceIter(s)) {
        let score = s.weight * sc;
        if (Number.isNaN(score)) score = 0;
        const cur = result.get(m);
        result.set(m, cur === undefined ? score : aggregate(cur, score, aggr));
      }
    }
  } else {
    const s0 = src[0]!;
    if (s0.size > 0 && !src.some((s, i) => i > 0 && s.obj === s0.obj)) {
      for (const [m, sc] of sourceIter(s0)) {
        let exists = false;
        for (let k = 1; k < setnum; k++) {
          if (sourceFind(src[k]!, m, cache) !== undefined) {
            exists = true;
            break;
          }
        }
        if (!exists) result.set(m, sc);
      }
    }
  }

  if (cardinalityOnly) return cardinality;
  const config = ctx.engine.config;
  if (dstkey) {
    if (result.size) {
      const dst = new ZSetObject('skiplist');
      let maxlen = 0;
      for (const [m, s] of result) {
        dst.add(config, s, m, 0);
        if (m.length > maxlen) maxlen = m.length;
      }
      dst.convertToListpackIfNeeded(config, maxlen);
      ctx.db.setKey(dstkey, dst);
      notify(ctx, 'z', op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore', dstkey);
      return dst.size;
    }
    if (ctx.db.delete(dstkey)) {
      ctx.db.signalModified(dstkey);
      notify(ctx, 'g', 'del', dstkey);
    }
    return 0;
  }
  const sorted = new ZSetObject('skiplist');
  for (const [m, s] of result) sorted.add(config, s, m, 0);
  const out: Reply[] = [];
  const resp3 = ctx.protocol === 3;
  for (const [m, s] of sorted.entries()) pushMember(out, resp3, withscores, m, s);
  return out;
}

// --- pops -----------------------------------------------------------------------------------

interface PopResult {
  reply: Reply;
  /** Key popped from and elements popped (for the propagated rewrite); null when nothing. */
  key: Bytes | null;
  popped: number;
}

/** genericZpopCommand. count -1 means a plain single pop. */
function genericZpop(
  ctx: Session,
  keys: Bytes[],
  max: boolean,
  emitkey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): PopResult {
  let key: Bytes | null = null;
  let zobj: ZSetObject | undefined;
  for (const k of keys) {
    const o = ctx.db.lookupWrite(k);
    if (o === undefined) continue;
    if (o.type !== 'zset') return { reply: WRONGTYPE, key: null, popped: 0 };
    zobj = o as ZSetObject;
    key = k;
    break;
  }
  if (zobj === undefined || key === null) {
    return { reply: nilWhenEmpty ? NULL_ARRAY : [], key: null, popped: 0 };
  }
  if (count === 0) return { reply: [], key: null, popped: 0 };
  if (count === -1) count = 1;
  const llen = zobj.size;
  const rangelen = count > llen ? llen : count;
  const items: Reply[] = [];
  for (let i = 0; i < rangelen; i++) {
    const [m, s] = zobj.pop(max);
    if (nested) items.push([m, new DoubleReply(s)]);
    else items.push(m, new DoubleReply(s));
  }
  notify(ctx, 'z', max ? 'zpopmax' : 'zpopmin', key);
  if (zobj.size === 0) {
    ctx.db.delete(key);
    notify(ctx, 'g', 'del', key);
  }
  ctx.db.signalModified(key);
  let reply: Reply;
  if (!emitkey) reply = items;
  else if (!nested) reply = [key, ...items];
  else reply = [key, items];
  return { reply, key, popped: rangelen };
}

function zpopMinMax(ctx: Session, argv: Bytes[], max: boolean): Reply {
  if (argv.length > 3) return SYNTAX_ERROR;
  let count = -1;
  if (argv.length === 3) {
    const c = parseLong(argv[2]!);
    if (c === null || c < 0) return NOT_POSITIVE_VALUE;
    count = c;
  }
  const nested = ctx.protocol === 3 && count !== -1;
  return genericZpop(ctx, [argv[1]!], max, false, count, nested, false).reply;
}

/** getTimeoutFromObjectOrReply(UNIT_SECONDS): absolute deadline in ms, 0 for none. */
function parseTimeout(ctx: Session, s: Bytes): number | ErrorReply {
  const v = parseDouble(s);
  if (v === null) return TIMEOUT_NOT_FLOAT;
  const ms = v * 1000;
  if (ms > LLONG_MAX) return TIMEOUT_OUT_OF_RANGE;
  let tval = Math.ceil(ms);
  if (tval < 0) return TIMEOUT_NEGATIVE;
  if (tval > 0) {
    const now = ctx.now;
    if (tval > LLONG_MAX - now) return TIMEOUT_OUT_OF_RANGE;
    tval += now;
  }
  return tval === 0 ? 0 : tval;
}

/** blockingGenericZpopCommand: BZPOPMIN, BZPOPMAX, BZMPOP. */
function blockingZpop(
  ctx: Session,
  keys: Bytes[],
  max: boolean,
  timeoutArg: Bytes,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): Reply | BlockRequest {
  const deadline = parseTimeout(ctx, timeoutArg);
  if (deadline instanceof ErrorReply) return deadline;
  const attempt = (serving: boolean): Reply | undefined => {
    for (const key of keys) {
      const o = ctx.db.lookupWrite(key);
      if (o === undefined) continue;
      // A key that turned into another type does not wake a client blocked for a zset.
      if (o.type !== 'zset') return serving ? undefined : WRONGTYPE;
      const llen = (o as ZSetObject).size;
      if (llen === 0) continue;
      const r = genericZpop(ctx, [key], max, true, count, nested, nilWhenEmpty);
      const cmd = max ? 'ZPOPMAX' : 'ZPOPMIN';
      if (count === -1) ctx.replaceArgv([cmd, key]);
      else ctx.replaceArgv([cmd, key, String(count > llen ? llen : count)]);
      return r.reply;
    }
    return undefined;
  };
  const r = attempt(false);
  if (r !== undefined) return r;
  return new BlockRequest(keys, deadline, () => attempt(true), NULL_ARRAY);
}

/** zmpopGenericCommand: ZMPOP / BZMPOP. */
function zmpopGeneric(ctx: Session, argv: Bytes[], numkeysIdx: number, block: boolean): Reply | BlockRequest {
  const nk = parseLongExact(argv[numkeysIdx]!);
  if (nk === null || nk < 1n) return ERR_NUMKEYS;
  const numkeys = Number(nk);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return SYNTAX_ERROR;
  const w = argv[whereIdx]!.toLowerCase();
  let max: boolean;
  if (w === 'min') max = false;
  else if (w === 'max') max = true;
  else return SYNTAX_ERROR;
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const moreargs = argv.length - 1 - j;
    if (count === -1 && opt === 'count' && moreargs) {
      j++;
      const c = parseLongExact(argv[j]!);
      if (c === null || c < 1n) return ERR_COUNT_GT0;
      count = Number(c);
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (count === -1) count = 1;
  const keys = argv.slice(numkeysIdx + 1, numkeysIdx + 1 + numkeys);
  if (block) return blockingZpop(ctx, keys, max, argv[1]!, count, true, true);
  const r = genericZpop(ctx, keys, max, true, count, true, true);
  if (r.key !== null) {
    ctx.replaceArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', r.key, String(r.popped)]);
  }
  return r.reply;
}

// --- ZRANDMEMBER ----------------------------------------------------------------------------

function zrandmemberWithCount(ctx: Session, key: Bytes, l: number, withscores: boolean): Reply {
  const zobj = zsetRead(ctx, key);
  if (zobj === undefined) return [];
  if (zobj instanceof ErrorReply) return zobj;
  const size = zobj.size;
  const uniq = l >= 0;
  let count = uniq ? l : -l;
  if (count === 0) return [];
  const out: Reply[] = [];
  const resp3 = ctx.protocol === 3;
  if (!uniq || count === 1) {
    while (count-- > 0) {
      const [m, s] = zobj.randomElement();
      pushMember(out, resp3, withscores, m, s);
    }
    return out;
  }
  if (count >= size) {
    for (const [m, s] of zobj.reverseEntries()) pushMember(out, resp3, withscores, m, s);
    return out;
  }
  // Unique sample of `count` positions (listpack keeps its order; the dict case is random order).
  const all = [...zobj.entries()];
  const picked = new Uint8Array(size);
  let chosen = 0;
  if (count * 3 > size) {
    // CASE 3: drop random elements until count remain.
    picked.fill(1);
    let remaining = size;
    while (remaining > count) {
      const i = Math.floor(Math.random() * size);
      if (picked[i]) {
        picked[i] = 0;
        remaining--;
      }
    }
    chosen = count;
  } else {
    while (chosen < count) {
      const i = Math.floor(Math.random() * size);
      if (!picked[i]) {
        picked[i] = 1;
        chosen++;
      }
    }
  }
  for (let i = 0; i < size; i++) if (picked[i]) pushMember(out, resp3, withscores, all[i]![0], all[i]![1]);
  return out;
}

// --- ZSCAN ----------------------------------------------------------------------------------

function zscan(ctx: Session, argv: Bytes[]): Reply {
  const opts = parseScanArgs(argv, 2, false);
  if (opts === INVALID_CURSOR) return opts;
  const zobj = zsetRead(ctx, argv[1]!);
  if (zobj === undefined) return ['0', []];
  if (zobj instanceof ErrorReply) return zobj;
  if (opts instanceof ErrorReply) return opts;
  const items: Reply[] = [];
  const match = opts.match;
  if (zobj.encoding === 'listpack') {
    for (const [m, s] of zobj.entries()) {
      if (match !== null && !globMatch(match, m)) continue;
      items.push(m, formatDouble(s));
    }
    return ['0', items];
  }
  const dict = zobj.memberMap!;
  const { cursor, keys } = ctx.engine.scanCursors.scan(zobj, dict, opts.cursor, opts.count);
  for (const m of keys) {
    if (match !== null && !globMatch(match, m)) continue;
    // scanCallback formats dict scores with ld2string(LD_STR_AUTO): "%.17Lg".
    items.push(m, formatDouble17g(dict.get(m)!));
  }
  return [cursor.toString(), items];
}

// --- handlers -------------------------------------------------------------------------------

export const zsetCommands: HandlerMap = {
  zadd: (ctx, argv) => zaddGeneric(ctx, argv, 0),
  zincrby: (ctx, argv) => zaddGeneric(ctx, argv, ZADD_IN_INCR),

  zrem(ctx, argv) {
    const key = argv[1]!;
    const zobj = zsetWrite(ctx, key);
    if (zobj === undefined) return 0;
    if (zobj instanceof ErrorReply) return zobj;
    let deleted = 0;
    let removed = false;
    for (let j = 2; j < argv.length; j++) {
      if (zobj.delete(argv[j]!)) deleted++;
      if (zobj.size === 0) {
        ctx.db.delete(key);
        removed = true;
        break;
      }
    }
    if (deleted) {
      notify(ctx, 'z', 'zrem', key);
      if (removed) notify(ctx, 'g', 'del', key);
      ctx.db.signalModified(key);
    }
    return deleted;
  },

  zcard(ctx, argv) {
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj === undefined) return 0;
    if (zobj instanceof ErrorReply) return zobj;
    return zobj.size;
  },

  zscore(ctx, argv) {
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj === undefined) return null;
    if (zobj instanceof ErrorReply) return zobj;
    const s = zobj.score(argv[2]!);
    return s === undefined ? null : new DoubleReply(s);
  },

  zmscore(ctx, argv) {
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj instanceof ErrorReply) return zobj;
    const out: Reply[] = [];
    for (let j = 2; j < argv.length; j++) {
      const s = zobj === undefined ? undefined : zobj.score(argv[j]!);
      out.push(s === undefined ? null : new DoubleReply(s));
    }
    return out;
  },

  zrank: (ctx, argv) => zrankGeneric(ctx, argv, false),
  zrevrank: (ctx, argv) => zrankGeneric(ctx, argv, true),

  zcount(ctx, argv) {
    const r = parseScoreRange(argv[2]!, argv[3]!);
    if (r === null) return ERR_MINMAX_FLOAT;
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj === undefined) return 0;
    if (zobj instanceof ErrorReply) return zobj;
    return zobj.countInRange(r);
  },

  zlexcount(ctx, argv) {
    const r = parseLexRange(argv[2]!, argv[3]!);
    if (r === null) return ERR_MINMAX_LEX;
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj === undefined) return 0;
    if (zobj instanceof ErrorReply) return zobj;
    return zobj.countInLex(r);
  },

  zrange: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'auto', 'auto'),
  zrangestore: (ctx, argv) => zrangeGeneric(ctx, argv, 2, argv[1]!, 'auto', 'auto'),
  zrevrange: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'rank', 'reverse'),
  zrangebyscore: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'score', 'forward'),
  zrevrangebyscore: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'score', 'reverse'),
  zrangebylex: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'lex', 'forward'),
  zrevrangebylex: (ctx, argv) => zrangeGeneric(ctx, argv, 1, null, 'lex', 'reverse'),

  zremrangebyrank: (ctx, argv) => zremrangeGeneric(ctx, argv, 'rank'),
  zremrangebyscore: (ctx, argv) => zremrangeGeneric(ctx, argv, 'score'),
  zremrangebylex: (ctx, argv) => zremrangeGeneric(ctx, argv, 'lex'),

  zpopmin: (ctx, argv) => zpopMinMax(ctx, argv, false),
  zpopmax: (ctx, argv) => zpopMinMax(ctx, argv, true),
  bzpopmin: (ctx, argv) => blockingZpop(ctx, argv.slice(1, -1), false, argv[argv.length - 1]!, -1, false, false),
  bzpopmax: (ctx, argv) => blockingZpop(ctx, argv.slice(1, -1), true, argv[argv.length - 1]!, -1, false, false),
  zmpop: (ctx, argv) => zmpopGeneric(ctx, argv, 1, false),
  bzmpop: (ctx, argv) => zmpopGeneric(ctx, argv, 2, true),

  zrandmember(ctx, argv) {
    if (argv.length >= 3) {
      const lb = parseLongExact(argv[2]!);
      if (lb === null) return NOT_INTEGER;
      if (lb < -9223372036854775807n) return ERR_RANDMEMBER_RANGE;
      let withscores = false;
      if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withscores')) return SYNTAX_ERROR;
      if (argv.length === 4) {
        withscores = true;
        if (lb < -4611686018427387903n || lb > 4611686018427387903n) return ERR_VALUE_OUT_OF_RANGE;
      }
      return zrandmemberWithCount(ctx, argv[1]!, Number(lb), withscores);
    }
    const zobj = zsetRead(ctx, argv[1]!);
    if (zobj === undefined) return null;
    if (zobj instanceof ErrorReply) return zobj;
    return zobj.randomElement()[0];
  },

  zscan: (ctx, argv) => zscan(ctx, argv),

  zunion: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'union', false, 'zunion'),
  zinter: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', false, 'zinter'),
  zdiff: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'diff', false, 'zdiff'),
  zintercard: (ctx, argv) => zsetOpGeneric(ctx, argv, null, 1, 'inter', true, 'zintercard'),
  zunionstore: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'union', false, 'zunionstore'),
  zinterstore: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'inter', false, 'zinterstore'),
  zdiffstore: (ctx, argv) => zsetOpGeneric(ctx, argv, argv[1]!, 2, 'diff', false, 'zdiffstore'),
};

function zrankGeneric(ctx: Session, argv: Bytes[], reverse: boolean): Reply {
  let withscore = false;
  if (argv.length > 3) {
    if (argv[3]!.toLowerCase() === 'withscore') withscore = true;
    else return SYNTAX_ERROR;
  }
  const zobj = zsetRead(ctx, argv[1]!);
  if (zobj === undefined) return withscore ? NULL_ARRAY : null;
  if (zobj instanceof ErrorReply) return zobj;
  const rank = zobj.rank(argv[2]!, reverse);
  if (rank < 0) return withscore ? NULL_ARRAY : null;
  if (withscore) return [rank, new DoubleReply(zobj.score(argv[2]!)!)];
  return rank;
}

