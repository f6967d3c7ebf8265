import type { Bytes } from '../engine/bytes.js';
import { NOT_INTEGER, OVERFLOW, SYNTAX_ERROR, WRONGTYPE, wrongArity } from '../engine/errors.js';
import { parseStrictInt } from '../engine/object.js';
import { ErrorReply, MapReply, OK, EMPTY_ARRAY, type Reply } from '../engine/reply.js';
import { parseScanArgs, parseScanCursor, INVALID_CURSOR } from '../engine/scan.js';
import type { Session } from '../engine/session.js';
import { globMatch } from '../engine/glob.js';
import { expireFieldsIfNeeded } from '../engine/hash-expire.js';
import { parseLong } from '../engine/number.js';
import { HashObject } from '../engine/types/hash.js';
import { nthOf } from '../engine/types/set.js';
import type { HandlerMap } from './table.js';

// Errors of the hash group (t_hash.c), byte for byte.
const HASH_NOT_INTEGER = new ErrorReply('ERR hash value is not an integer');
const HASH_NOT_FLOAT = new ErrorReply('ERR hash value is not a float');
const NOT_VALID_FLOAT = new ErrorReply('ERR value is not a valid float');
const INCR_NAN_OR_INF = new ErrorReply('ERR value is NaN or Infinity');
const RESULT_NAN_OR_INF = new ErrorReply('ERR increment would produce NaN or Infinity');
const OUT_OF_RANGE = new ErrorReply('ERR value is out of range');
const COUNT_OUT_OF_RANGE = new ErrorReply(
  'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
);

// ---------------------------------------------------------------------------------------
// long double (x87 80-bit) arithmetic for HINCRBYFLOAT

/**
 * Just enough of x87 80-bit `long double` to reproduce HINCRBYFLOAT byte for byte: strtold
 * parsing (string2ld), one addition and ld2string(LD_STR_HUMAN) ("%.17Lf", trailing zeros
 * removed). A finite value is ±m×2^e with a 64-bit mantissa, every step rounded to nearest,
 * ties to even, as the FPU does; all arithmetic is exact BigInt followed by one rounding.
 */
export interface LongDouble {
  neg: boolean;
  /** 0n for zero; otherwise 2^63 ≤ m < 2^64. Ignored when `inf`. */
  m: bigint;
  e: number;
  inf: boolean;
}

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
/** Largest finite: just below 2^16384, so m × 2^e overflows when e > 16320. */
const MAX_EXP = 16384 - 64;
/** Below the smallest subnormal (2^-16445): underflow. */
const MIN_EXP = -16445 - 64;
/** string2ld's buffer (MAX_LONG_DOUBLE_CHARS). */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function make(neg: boolean, m: bigint, e: number): LongDouble {
  if (m === 0n) return { neg, m: 0n, e: 0, inf: false };
  if (e > MAX_EXP) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m, e, inf: false };
}

/** Rounds the exact non-negative integer n × 2^e to a 64-bit mantissa. */
function roundInt(neg: boolean, n: bigint, e: number): LongDouble {
  const len = bitLength(n);
  if (len <= 64) {
    if (n === 0n) return make(neg, 0n, 0);
    return make(neg, n << BigInt(64 - len), e - (64 - len));
  }
  const shift = BigInt(len - 64);
  let q = n >> shift;
  const rem = n - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  let exp = e + Number(shift);
  if (q === TWO64) {
    q = TWO63;
    exp += 1;
  }
  return make(neg, q, exp);
}

/** Rounds num/den (both positive) to a 64-bit mantissa. */
function roundRatio(neg: boolean, num: bigint, den: bigint): LongDouble {
  let e = bitLength(num) - bitLength(den) - 64;
  for (;;) {
    const n = e < 0 ? num << BigInt(-e) : num;
    const d = e > 0 ? den << BigInt(e) : den;
    let q = n / d;
    if (q >= TWO64) {
      e += 1;
      continue;
    }
    if (q < TWO63) {
      e -= 1;
      continue;
    }
    const rem2 = (n - q * d) * 2n;
    if (rem2 > d || (rem2 === d && (q & 1n) === 1n)) q += 1n;
    if (q === TWO64) {
      q = TWO63;
      e += 1;
    }
    return make(neg, q, e);
  }
}

const DEC_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/**
 * string2ld: the whole argument must be a number strtold accepts (no leading space, no
 * trailing bytes); NaN and ERANGE overflow/underflow are refused. Returns null then.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  let m = INF_RE.exec(s);
  if (m) return { neg: m[1] === '-', m: 0n, e: 0, inf: true };
  m = HEX_RE.exec(s);
  if (m) {
    const intPart = m[2]!;
    const frac = m[3] ?? '';
    if (intPart.length + frac.length === 0) return null;
    const neg = m[1] === '-';
    const digits = BigInt('0x' + (intPart + frac || '0'));
    const exp = Number(m[4] ?? 0) - 4 * frac.length;
    if (digits === 0n) return make(neg, 0n, 0);
    if (Math.abs(exp) > 100000) return null;
    const r = roundInt(neg, digits, exp);
    if (r.inf || r.e < MIN_EXP) return null;
    return r;
  }
  m = DEC_RE.exec(s);
  if (!m) return null;
  const intPart = m[2]!;
  const frac = m[3] ?? '';
  if (intPart.length + frac.length === 0) return null;
  const neg = m[1] === '-';
  const digits = BigInt((intPart + frac).replace(/^0+/, '') || '0');
  if (digits === 0n) return make(neg, 0n, 0);
  const exp10 = Number(m[4] ?? 0) - frac.length;
  const magnitude = exp10 + digits.toString().length;
  if (magnitude > 4940) return null; // beyond LDBL_MAX (~1.19e4932): ERANGE
  if (magnitude < -4960) return null; // below the smallest subnormal: ERANGE
  const r = exp10 >= 0 ? roundInt(neg, digits * 10n ** BigInt(exp10), 0) : roundRatio(neg, digits, 10n ** BigInt(-exp10));
  if (r.inf || r.e < MIN_EXP) return null;
  return r;
}

/** a + b, rounded once. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return { neg: false, m: -1n, e: 0, inf: false }; // NaN marker
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? make(a.neg && b.neg, 0n, 0) : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const na = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const nb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = na + nb;
  if (sum === 0n) return make(false, 0n, 0);
  return sum < 0n ? roundInt(true, -sum, e) : roundInt(false, sum, e);
}

export function isFiniteLongDouble(x: LongDouble): boolean {
  return !x.inf && x.m >= 0n;
}

/** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros (and a bare '.') removed, "-0" → "0". */
export function formatLongDoubleHuman(x: LongDouble): string {
  const SCALE = 10n ** 17n;
  let q: bigint;
  if (x.m === 0n) q = 0n;
  else if (x.e >= 0) q = (x.m << BigInt(x.e)) * SCALE;
  else {
    const num = x.m * SCALE;
    const sh = BigInt(-x.e);
    q = num >> sh;
    const rem2 = (num - (q << sh)) * 2n;
    const den = 1n << sh;
    if (rem2 > den || (rem2 === den && (q & 1n) === 1n)) q += 1n;
  }
  let digits = q.toString().padStart(18, '0');
  let s = digits.slice(0, -17) + '.' + digits.slice(-17);
  s = s.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  digits = x.neg ? '-' + s : s;
  return digits === '-0' ? '0' : digits;
}

// ---------------------------------------------------------------------------------------
// Commands

type LookupResult = HashObject | undefined | ErrorReply;

/** Fields past their TTL are gone before a command sees the hash (undefined: so is the key). */
function live(ctx: Session, key: Bytes, h: HashObject): HashObject | undefined {
  return h.ttls === null || expireFieldsIfNeeded(ctx.db, key, h) ? h : undefined;
}

function lookupRead(ctx: Session, key: Bytes): LookupResult {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return undefined;
  return o.type === 'hash' ? live(ctx, key, o as HashObject) : WRONGTYPE;
}

function lookupWrite(ctx: Session, key: Bytes): LookupResult {
  const o = ctx.db.lookupWrite(key);
  if (o === undefined) return undefined;
  return o.type === 'hash' ? live(ctx, key, o as HashObject) : WRONGTYPE;
}

/** hashTypeLookupWriteOrCreate. */
function lookupWriteOrCreate(ctx: Session, key: Bytes): HashObject | ErrorReply {
  const o = lookupWrite(ctx, key);
  if (o !== undefined) return o;
  const h = new HashObject('listpack');
  ctx.db.add(key, h);
  return h;
}

function modified(ctx: Session, key: Bytes, event: string, dirty = 1): void {
  ctx.db.signalModified(key);
  if (dirty > 1) ctx.engine.dirty += dirty - 1;
  ctx.engine.notifyKeyspaceEvent('h', event, key, ctx.dbIndex);
}

function hsetGeneric(ctx: Session, argv: Bytes[], isHset: boolean): Reply {
  if (argv.length % 2 === 1) return wrongArity(isHset ? 'hset' : 'hmset');
  const key = argv[1]!;
  const h = lookupWriteOrCreate(ctx, key);
  if (h instanceof ErrorReply) return h;
  const limits = ctx.engine.config;
  h.tryConversion(argv, 2, argv.length - 1, limits);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    if (!h.set(argv[i]!, argv[i + 1]!, limits)) created++;
  }
  modified(ctx, key, 'hset', (argv.length - 2) / 2);
  return isHset ? created : OK;
}

function hsetnx(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  const h = lookupWriteOrCreate(ctx, key);
  if (h instanceof ErrorReply) return h;
  if (h.has(argv[2]!)) return 0;
  const limits = ctx.engine.config;
  h.tryConversion(argv, 2, 3, limits);
  h.set(argv[2]!, argv[3]!, limits);
  modified(ctx, key, 'hset');
  return 1;
}

function hget(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return null;
  if (h instanceof ErrorReply) return h;
  return h.get(argv[2]!) ?? null;
}

function hmget(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h instanceof ErrorReply) return h;
  const out: Reply[] = new Array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = h === undefined ? null : (h.get(argv[i]!) ?? null);
  return out;
}

function hdel(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  const h = lookupWrite(ctx, key);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i]!)) {
      deleted++;
      if (h.size === 0) {
        ctx.db.delete(key);
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted) {
    modified(ctx, key, 'hdel', deleted);
    if (keyRemoved) ctx.engine.notifyKeyspaceEvent('g', 'del', key, ctx.dbIndex);
  }
  return deleted;
}

function hlen(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.size;
}

function hstrlen(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.get(argv[2]!)?.length ?? 0;
}

function hexists(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return 0;
  if (h instanceof ErrorReply) return h;
  return h.has(argv[2]!) ? 1 : 0;
}

function hkeys(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return EMPTY_ARRAY;
  if (h instanceof ErrorReply) return h;
  return h.fields();
}

function hvals(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return EMPTY_ARRAY;
  if (h instanceof ErrorReply) return h;
  return h.values();
}

function hgetall(ctx: Session, argv: Bytes[]): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return new MapReply([]);
  if (h instanceof ErrorReply) return h;
  return new MapReply([...h.entries()]);
}

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function intReply(v: bigint): number | bigint {
  return v <= SAFE && v >= -SAFE ? Number(v) : v;
}

function hincrby(ctx: Session, argv: Bytes[]): Reply {
  const incr = parseStrictInt(argv[3]!);
  if (incr === null) return NOT_INTEGER;
  const key = argv[1]!;
  const field = argv[2]!;
  const h = lookupWriteOrCreate(ctx, key);
  if (h instanceof ErrorReply) return h;
  const cur = h.get(field);
  let value = 0n;
  if (cur !== undefined) {
    const v = parseStrictInt(cur);
    if (v === null) return HASH_NOT_INTEGER;
    value = v;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return OVERFLOW;
  }
  value += incr;
  h.set(field, value.toString(), ctx.engine.config, true);
  modified(ctx, key, 'hincrby');
  return intReply(value);
}

function hincrbyfloat(ctx: Session, argv: Bytes[]): Reply {
  const incr = parseLongDouble(argv[3]!);
  if (incr === null) return NOT_VALID_FLOAT;
  if (incr.inf) return INCR_NAN_OR_INF;
  const key = argv[1]!;
  const field = argv[2]!;
  const h = lookupWriteOrCreate(ctx, key);
  if (h instanceof ErrorReply) return h;
  const cur = h.get(field);
  let value: LongDouble = { neg: false, m: 0n, e: 0, inf: false };
  if (cur !== undefined) {
    const v = parseLongDouble(cur);
    if (v === null) return HASH_NOT_FLOAT;
    value = v;
  }
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) return RESULT_NAN_OR_INF;
  const text = formatLongDoubleHuman(sum);
  h.set(field, text, ctx.engine.config, true);
  modified(ctx, key, 'hincrbyfloat');
  // Always propagated as HSET with the final value (float formatting must not drift). HSET
  // clears a field TTL, which HINCRBYFLOAT keeps: the TTL follows as an absolute time.
  const ttl = h.ttlOf(field);
  if (ttl === undefined) ctx.replaceArgv(['HSET', key, field, text]);
  else {
    ctx.alsoPropagate(['HSET', key, field, text]);
    ctx.alsoPropagate(['HPEXPIREAT', key, String(ttl), 'FIELDS', '1', field]);
    ctx.preventPropagation();
  }
  return text;
}

/** getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for a random-count argument. */
export function parseRandomCount(s: Bytes): bigint | ErrorReply {
  const v = parseStrictInt(s);
  if (v === null) return NOT_INTEGER;
  if (v < -LLONG_MAX) return COUNT_OUT_OF_RANGE;
  return v;
}

const HALF_LONG_MAX = LLONG_MAX / 2n;

/** `count` distinct indexes in [0, size), ascending (lpRandomPairsUnique's order). */
export function randomDistinctSorted(size: number, count: number): number[] {
  // Selection sampling (Knuth's algorithm S): one pass, result in order.
  const out: number[] = [];
  let needed = count;
  for (let i = 0; i < size && needed > 0; i++) {
    if (Math.random() * (size - i) < needed) {
      out.push(i);
      needed--;
    }
  }
  return out;
}

function hrandfield(ctx: Session, argv: Bytes[]): Reply {
  if (argv.length >= 3) {
    const l = parseRandomCount(argv[2]!);
    if (l instanceof ErrorReply) return l;
    let withValues = false;
    if (argv.length > 4 || (argv.length === 4 && argv[3]!.toLowerCase() !== 'withvalues')) return SYNTAX_ERROR;
    if (argv.length === 4) {
      withValues = true;
      if (l < -HALF_LONG_MAX || l > HALF_LONG_MAX) return OUT_OF_RANGE;
    }
    return hrandfieldWithCount(ctx, argv[1]!, Number(l), withValues);
  }
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return null;
  if (h instanceof ErrorReply) return h;
  return randomEntry(h)[0];
}

function randomEntry(h: HashObject): [Bytes, Bytes] {
  if (h.encoding === 'hashtable') {
    const ht = h.ht!;
    const i = Math.floor(Math.random() * ht.fields.length);
    return [ht.fields[i]!, ht.values[i]!];
  }
  const lp = h.lp!;
  const f = nthOf(lp, Math.floor(Math.random() * lp.size));
  return [f, lp.get(f)!];
}

function hrandfieldWithCount(ctx: Session, key: Bytes, l: number, withValues: boolean): Reply {
  const h = lookupRead(ctx, key);
  if (h === undefined) return EMPTY_ARRAY;
  if (h instanceof ErrorReply) return h;
  const size = h.size;
  const uniq = l >= 0;
  const count = Math.abs(l);
  if (count === 0) return EMPTY_ARRAY;
  const resp3 = ctx.protocol === 3;
  const out: Reply[] = [];
  const emit = (f: Bytes, v: Bytes) => {
    if (!withValues) out.push(f);
    else if (resp3) out.push([f, v]);
    else out.push(f, v);
  };
  // CASE 1: negative count (repeats allowed) or a single element: independent picks.
  if (!uniq || count === 1) {
    if (h.lp !== null) {
      const entries = [...h.lp];
      for (let i = 0; i < count; i++) {
        const e = entries[Math.floor(Math.random() * entries.length)]!;
        emit(e[0], e[1]);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const e = randomEntry(h);
        emit(e[0], e[1]);
      }
    }
    return out;
  }
  // CASE 2: the whole hash, in its own order.
  if (count >= size) {
    for (const [f, v] of h.entries()) emit(f, v);
    return out;
  }
  // CASE 2.5 (listpack): unique picks in listpack order. CASE 3/4 (hashtable): unique picks.
  if (h.lp !== null) {
    const entries = [...h.lp];
    for (const i of randomDistinctSorted(size, count)) emit(entries[i]![0], entries[i]![1]);
    return out;
  }
  const ht = h.ht!;
  const picked = randomDistinctSorted(size, count);
  for (let i = picked.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    const t = picked[i]!;
    picked[i] = picked[j]!;
    picked[j] = t;
  }
  for (const i of picked) emit(ht.fields[i]!, ht.values[i]!);
  return out;
}

// ---------------------------------------------------------------------------------------
// Hash field TTLs (Redis 7.4: HEXPIRE family, HTTL family, HPERSIST)

/** EB_EXPIRE_TIME_MAX >> 2 (HFE_MAX_ABS_TIME_MSEC): the latest absolute field expiry. */
const HFE_MAX_ABS_TIME_MSEC = Math.floor((2 ** 48 - 1) / 4);
const FIELDS_MISSING = new ErrorReply('ERR Mandatory argument FIELDS is missing or not at the right position');
const NUMFIELDS_MISMATCH = new ErrorReply('ERR The `numfields` parameter must match the number of arguments');
const NUMFIELDS_NOT_POSITIVE_EXPIRE = new ErrorReply('ERR Parameter `numFields` should be greater than 0');
const NUMFIELDS_NOT_POSITIVE = new ErrorReply('ERR Number of fields must be a positive integer');
const EXPIRE_NEGATIVE = new ErrorReply('ERR invalid expire time, must be >= 0');
const invalidExpireTime = (cmd: string) => new ErrorReply(`ERR invalid expire time in '${cmd}' command`);

/** Per-field replies (HSETEX_* / HFE_GET_* / HFE_PERSIST_*). */
const NO_FIELD = -2;
const NO_TTL = -1;
const CONDITION_NOT_MET = 0;
const DONE = 1;
const DELETED = 2;

type FieldCondition = 'nx' | 'xx' | 'gt' | 'lt' | null;

/** `FIELDS numfields field…` starting at argv[at]; the fields, or the error Redis replies. */
function parseFields(argv: Bytes[], at: number, notPositive: ErrorReply): Bytes[] | ErrorReply {
  if (argv[at]?.toLowerCase() !== 'fields') return FIELDS_MISSING;
  const n = parseLong(argv[at + 1] ?? '');
  if (n === null || n < 1) return notPositive;
  if (n !== argv.length - at - 2) return NUMFIELDS_MISMATCH;
  return argv.slice(at + 2);
}

/**
 * hexpireGenericCommand: `basetime` is the command time for relative forms, 0 for *AT.
 * Propagated as HPEXPIREAT with an absolute ms time and only the fields it set; a field whose
 * time is already past is deleted and propagated as HDEL.
 */
function hexpireGeneric(ctx: Session, argv: Bytes[], basetime: number, seconds: boolean): Reply {
  const key = argv[1]!;
  const h = lookupWrite(ctx, key);
  if (h instanceof ErrorReply) return h;
  let expire = parseLong(argv[2]!);
  if (expire === null) return NOT_INTEGER;
  if (expire < 0) return EXPIRE_NEGATIVE;
  const cmd = argv[0]!.toLowerCase();
  if (seconds) {
    if (expire > Math.floor(HFE_MAX_ABS_TIME_MSEC / 1000)) return invalidExpireTime(cmd);
    expire *= 1000;
  }
  if (expire > HFE_MAX_ABS_TIME_MSEC - basetime) return invalidExpireTime(cmd);
  expire += basetime;
  let fieldsAt = 3;
  let cond: FieldCondition = null;
  const opt = argv[3]!.toLowerCase();
  if (opt === 'nx' || opt === 'xx' || opt === 'gt' || opt === 'lt') {
    cond = opt;
    fieldsAt++;
  }
  const fields = parseFields(argv, fieldsAt, NUMFIELDS_NOT_POSITIVE_EXPIRE);
  if (fields instanceof ErrorReply) return fields;
  if (h === undefined) return fields.map(() => NO_FIELD);
  h.enableTtls();
  const replies: number[] = [];
  const set: Bytes[] = [];
  let deleted = 0;
  for (const f of fields) {
    const r = setFieldExpire(ctx, key, h, f, expire, cond);
    replies.push(r);
    if (r === DONE) set.push(f);
    else if (r === DELETED) deleted++;
  }
  if (set.length + deleted > 0) {
    modified(ctx, key, deleted ? 'hdel' : 'hexpire', set.length + deleted);
    if (set.length) ctx.db.hfeKeys.add(key);
  }
  if (h.size === 0) {
    ctx.db.delete(key);
    ctx.engine.notifyKeyspaceEvent('g', 'del', key, ctx.dbIndex);
  }
  if (set.length === 0) ctx.preventPropagation();
  else ctx.replaceArgv(['HPEXPIREAT', key, String(expire), ...(cond ? [argv[3]!] : []), 'FIELDS', String(set.length), ...set]);
  return replies;
}

/** hashTypeSetEx for one field. */
function setFieldExpire(ctx: Session, key: Bytes, h: HashObject, f: Bytes, expire: number, cond: FieldCondition): number {
  if (!h.has(f)) return NO_FIELD;
  const prev = h.ttlOf(f);
  if (cond !== null) {
    // A field without a TTL counts as never expiring (EB_EXPIRE_TIME_INVALID is above any time).
    const before = prev ?? Infinity;
    if (
      (cond === 'nx' && prev !== undefined) ||
      (cond === 'xx' && prev === undefined) ||
      (cond === 'gt' && expire <= before) ||
      (cond === 'lt' && expire >= before)
    ) {
      return CONDITION_NOT_MET;
    }
  }
  if (ctx.engine.alreadyExpired(expire)) {
    ctx.alsoPropagate(['HDEL', key, f]);
    h.delete(f);
    return DELETED;
  }
  h.setTtl(f, expire);
  return DONE;
}

/** httlGenericCommand: remaining TTL (basetime = now) or absolute expiry (basetime 0). */
function httlGeneric(ctx: Session, argv: Bytes[], basetime: number, seconds: boolean): Reply {
  const h = lookupRead(ctx, argv[1]!);
  if (h instanceof ErrorReply) return h;
  const fields = parseFields(argv, 2, NUMFIELDS_NOT_POSITIVE);
  if (fields instanceof ErrorReply) return fields;
  return fields.map((f) => {
    if (h === undefined || !h.has(f)) return NO_FIELD;
    const t = h.ttlOf(f);
    if (t === undefined) return NO_TTL;
    return seconds ? Math.floor((t + 999 - basetime) / 1000) : t - basetime;
  });
}

function hpersist(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  const h = lookupWrite(ctx, key);
  if (h instanceof ErrorReply) return h;
  const fields = parseFields(argv, 2, NUMFIELDS_NOT_POSITIVE);
  if (fields instanceof ErrorReply) return fields;
  let changed = false;
  const replies = fields.map((f) => {
    if (h === undefined || !h.has(f)) return NO_FIELD;
    if (!h.persist(f)) return NO_TTL;
    changed = true;
    return DONE;
  });
  if (changed) modified(ctx, key, 'hpersist');
  return replies;
}

const EMPTY_SCAN: Reply = ['0', EMPTY_ARRAY];

function hscan(ctx: Session, argv: Bytes[]): Reply {
  if (parseScanCursor(argv[2]!) === null) return INVALID_CURSOR;
  const h = lookupRead(ctx, argv[1]!);
  if (h === undefined) return EMPTY_SCAN;
  if (h instanceof ErrorReply) return h;
  const opts = parseScanArgs(argv, 2, false);
  if (opts instanceof ErrorReply) return opts;
  const out: Bytes[] = [];
  const pat = opts.match;
  if (h.lp !== null) {
    for (const [f, v] of h.lp) {
      if (pat === null || globMatch(pat, f)) out.push(f, v);
    }
    return ['0', out];
  }
  const ht = h.ht!;
  const r = ctx.engine.scanCursors.scan(ht, ht.index, opts.cursor, opts.count);
  for (const f of r.keys) {
    if (pat !== null && !globMatch(pat, f)) continue;
    const v = ht.get(f);
    if (v !== undefined) out.push(f, v);
  }
  return [r.cursor.toString(), out];
}

export const hashCommands: HandlerMap = {
  hset: (ctx, argv) => hsetGeneric(ctx, argv, true),
  hmset: (ctx, argv) => hsetGeneric(ctx, argv, false),
  hsetnx,
  hget,
  hmget,
  hdel,
  hlen,
  hstrlen,
  hexists,
  hkeys,
  hvals,
  hgetall,
  hincrby,
  hincrbyfloat,
  hrandfield,
  hscan,
  hexpire: (ctx, argv) => hexpireGeneric(ctx, argv, ctx.now, true),
  hpexpire: (ctx, argv) => hexpireGeneric(ctx, argv, ctx.now, false),
  hexpireat: (ctx, argv) => hexpireGeneric(ctx, argv, 0, true),
  hpexpireat: (ctx, argv) => hexpireGeneric(ctx, argv, 0, false),
  httl: (ctx, argv) => httlGeneric(ctx, argv, ctx.now, true),
  hpttl: (ctx, argv) => httlGeneric(ctx, argv, ctx.now, false),
  hexpiretime: (ctx, argv) => httlGeneric(ctx, argv, 0, true),
  hpexpiretime: (ctx, argv) => httlGeneric(ctx, argv, 0, false),
  hpersist,
};
