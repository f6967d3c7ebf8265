import type { Bytes } from '../engine/bytes.js';
import {
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  SYNTAX_ERROR,
  WRONGTYPE,
  invalidExpireTime,
  wrongArity,
} from '../engine/errors.js';
import { INT64_MAX, INT64_MIN, parseSafeInt, parseStrictInt, type RedisObject } from '../engine/object.js';
import { ErrorReply, MapReply, OK, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { StringObject } from '../engine/types/string.js';
import type { HandlerMap } from './table.js';

// Errors of the string group (t_string.c), byte for byte as Redis 7.2 sends them.
const STRING_TOO_LONG = new ErrorReply('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
const OFFSET_OUT_OF_RANGE = new ErrorReply('ERR offset is out of range');
const DECREMENT_OVERFLOW = new ErrorReply('ERR decrement would overflow');
const NAN_OR_INFINITY = new ErrorReply('ERR increment would produce NaN or Infinity');
const LCS_NOT_STRINGS = new ErrorReply('ERR The specified keys must contain string values');
const LCS_IDX_AND_LEN = new ErrorReply('ERR If you want both the length and indexes, please just use IDX.');
const LCS_TOO_LONG = new ErrorReply('ERR String too long for LCS');
const LCS_NO_MEMORY = new ErrorReply(
  'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len',
);

// SET / GETEX option flags (t_string.c OBJ_*).
const F_NX = 1 << 0;
const F_XX = 1 << 1;
const F_GET = 1 << 2;
const F_KEEPTTL = 1 << 3;
const F_PERSIST = 1 << 4;
const F_EX = 1 << 5;
const F_PX = 1 << 6;
const F_EXAT = 1 << 7;
const F_PXAT = 1 << 8;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

const enum CmdKind {
  Set,
  Get,
}

interface ExtendedArgs {
  flags: number;
  expire: Bytes | null;
  millis: boolean;
}

/** parseExtendedStringArgumentsOrReply: SET's and GETEX's options, conflicts are syntax errors. */
function parseExtended(argv: Bytes[], kind: CmdKind): ExtendedArgs | ErrorReply {
  let flags = 0;
  let expire: Bytes | null = null;
  let millis = false;
  const isSet = kind === CmdKind.Set;
  for (let j = kind === CmdKind.Set ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const hasNext = j !== argv.length - 1;
    if (opt === 'nx' && !(flags & F_XX) && isSet) {
      flags |= F_NX;
    } else if (opt === 'xx' && !(flags & F_NX) && isSet) {
      flags |= F_XX;
    } else if (opt === 'get' && isSet) {
      flags |= F_GET;
    } else if (opt === 'keepttl' && !(flags & (F_PERSIST | F_ANY_EXPIRE)) && isSet) {
      flags |= F_KEEPTTL;
    } else if (opt === 'persist' && !isSet && !(flags & (F_ANY_EXPIRE | F_KEEPTTL))) {
      flags |= F_PERSIST;
    } else if (opt === 'ex' && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EX;
      expire = argv[++j]!;
    } else if (opt === 'px' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT)) && hasNext) {
      flags |= F_PX;
      millis = true;
      expire = argv[++j]!;
    } else if (opt === 'exat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT)) && hasNext) {
      flags |= F_EXAT;
      expire = argv[++j]!;
    } else if (opt === 'pxat' && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX)) && hasNext) {
      flags |= F_PXAT;
      millis = true;
      expire = argv[++j]!;
    } else {
      return SYNTAX_ERROR;
    }
  }
  return { flags, expire, millis };
}

/**
 * getExpireMillisecondsOrReply: the absolute expiry in ms as a bigint (exact, for
 * propagation), or the error. Relative forms add the command time; overflow is an error.
 */
function expireMillis(ctx: Session, arg: Bytes, flags: number, millis: boolean, cmd: string): bigint | ErrorReply {
  let ms = parseStrictInt(arg);
  if (ms === null) return NOT_INTEGER;
  if (ms <= 0n || (!millis && ms > INT64_MAX / 1000n)) return invalidExpireTime(cmd);
  if (!millis) ms *= 1000n;
  if (flags & (F_EX | F_PX)) {
    ms += BigInt(ctx.now);
    if (ms > INT64_MAX) return invalidExpireTime(cmd); // wraps negative in C
  }
  if (ms <= 0n) return invalidExpireTime(cmd);
  return ms;
}

/** Checks the type of a looked-up value: the string, undefined when missing, or WRONGTYPE. */
function asString(o: RedisObject | undefined): StringObject | undefined | ErrorReply {
  if (o === undefined) return undefined;
  if (o.type !== 'string') return WRONGTYPE;
  return o as StringObject;
}

/**
 * setGenericCommand. `okReply`/`abortReply` are SETNX's 1/0; null means OK/nil.
 * `expire` is the raw argument (validated here).
 */
function setGeneric(
  ctx: Session,
  flags: number,
  key: Bytes,
  val: Bytes,
  expire: Bytes | null,
  millis: boolean,
  okReply: Reply,
  abortReply: Reply,
  cmd: string,
): Reply {
  let when = 0n;
  if (expire !== null) {
    const ms = expireMillis(ctx, expire, flags, millis, cmd);
    if (ms instanceof ErrorReply) return ms;
    when = ms;
  }
  let getReply: Reply = null;
  if (flags & F_GET) {
    const old = ctx.db.lookupRead(key);
    if (old !== undefined) {
      if (old.type !== 'string') return WRONGTYPE;
      getReply = (old as StringObject).value;
    }
  }
  const found = ctx.db.lookupWrite(key) !== undefined;
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    return flags & F_GET ? getReply : abortReply;
  }
  const db = ctx.db;
  db.setKey(key, StringObject.fromValue(val), (flags & F_KEEPTTL) !== 0 || expire !== null);
  ctx.engine.notifyKeyspaceEvent('$', 'set', key, ctx.dbIndex);
  if (expire !== null) {
    db.setExpire(key, Number(when));
    if (!(flags & F_PXAT)) ctx.replaceArgv(['SET', key, val, 'PXAT', when.toString()]);
    ctx.engine.notifyKeyspaceEvent('g', 'expire', key, ctx.dbIndex);
  }
  return flags & F_GET ? getReply : okReply;
}

/** getGenericCommand: the value, nil, or WRONGTYPE. */
function getGeneric(ctx: Session, key: Bytes): Reply {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return null;
  if (o.type !== 'string') return WRONGTYPE;
  return (o as StringObject).value;
}

/** checkStringLength: size + append must fit proto-max-bulk-len. */
function checkStringLength(ctx: Session, size: number, append: number): ErrorReply | null {
  return size + append > ctx.engine.config.protoMaxBulkLen ? STRING_TOO_LONG : null;
}

// --- INCR family -----------------------------------------------------------------------

function incrDecr(ctx: Session, key: Bytes, incr: bigint): Reply {
  const o = asString(ctx.db.lookupWrite(key));
  if (o instanceof ErrorReply) return o;
  let value = 0n;
  if (o !== undefined) {
    const v = o.value;
    const fast = parseSafeInt(v);
    if (fast !== null) value = BigInt(fast);
    else {
      const big = parseStrictInt(v);
      if (big === null) return NOT_INTEGER;
      value = big;
    }
  }
  if ((incr < 0n && value < 0n && incr < INT64_MIN - value) || (incr > 0n && value > 0n && incr > INT64_MAX - value)) {
    return OVERFLOW;
  }
  value += incr;
  const text = value.toString();
  if (o !== undefined) {
    o.value = text;
    o.encoding = 'int';
  } else {
    ctx.db.add(key, new StringObject(text, 'int'));
  }
  ctx.db.signalModified(key);
  ctx.engine.notifyKeyspaceEvent('$', 'incrby', key, ctx.dbIndex);
  return Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/** Fast INCR/DECR by a small amount when the value is a small integer (the common case). */
function incrDecrSmall(ctx: Session, key: Bytes, incr: number): Reply {
  const o = ctx.db.lookupWrite(key);
  if (o !== undefined) {
    if (o.type !== 'string') return WRONGTYPE;
    const s = o as StringObject;
    const v = parseSafeInt(s.value);
    if (v === null || Math.abs(v) > 2 ** 52) return incrDecr(ctx, key, BigInt(incr));
    const nv = v + incr;
    s.value = String(nv);
    s.encoding = 'int';
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('$', 'incrby', key, ctx.dbIndex);
    return nv;
  }
  ctx.db.add(key, new StringObject(String(incr), 'int'));
  ctx.db.signalModified(key);
  ctx.engine.notifyKeyspaceEvent('$', 'incrby', key, ctx.dbIndex);
  return incr;
}

// --- long double arithmetic for INCRBYFLOAT ----------------------------------------------

/**
 * An x87 80-bit long double (64-bit mantissa), as INCRBYFLOAT computes on x86-64:
 * value = (neg ? -1 : 1) * m * 2^e with m = 0 or 2^63 ≤ m < 2^64; or an infinity.
 */
export interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
  inf?: boolean;
}

const TWO64 = 1n << 64n;
/** Exponent limits of the x87 extended format, for m*2^e with a 64-bit m. */
const LD_MAX_E = 16383 - 63;
const LD_MIN_E = -16382 - 63;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** Rounds n * 2^e (n ≥ 0) to 64 bits, half to even; `sticky` says bits below n were lost. */
function roundLd(neg: boolean, n: bigint, e: number, sticky = false): LongDouble {
  if (n === 0n) return { neg, m: 0n, e: 0 };
  const bl = bitLength(n);
  if (bl <= 64 && !sticky) {
    const sh = 64 - bl;
    n <<= BigInt(sh);
    e -= sh;
  } else if (bl > 64) {
    const extra = bl - 64;
    const mask = (1n << BigInt(extra)) - 1n;
    const rem = n & mask;
    const half = 1n << BigInt(extra - 1);
    let m = n >> BigInt(extra);
    if (rem > half || (rem === half && (sticky || (m & 1n) === 1n))) m += 1n;
    e += extra;
    if (m === TWO64) {
      m >>= 1n;
      e += 1;
    }
    n = m;
  }
  if (e > LD_MAX_E) return { neg, m: 0n, e: 0, inf: true };
  if (e < LD_MIN_E) return { neg, m: 0n, e: 0 }; // underflow (subnormals not modelled)
  return { neg, m: n, e };
}

/** num/den (both > 0) rounded to a long double. */
function ldFromRatio(neg: boolean, num: bigint, den: bigint): LongDouble {
  const shift = 66 - (bitLength(num) - bitLength(den));
  let n = num;
  let d = den;
  if (shift > 0) n <<= BigInt(shift);
  else d <<= BigInt(-shift);
  const q = n / d;
  const r = n % d;
  return roundLd(neg, q, -shift, r !== 0n);
}

/**
 * string2ld: strtold over the whole argument. Null when Redis refuses it (empty, leading
 * space, trailing garbage, NaN, overflow, underflow to zero, 5120 bytes or more).
 */
export function parseLongDouble(s: Bytes): LongDouble | null {
  if (s.length === 0 || s.length >= 5120) return null;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  const body = s.slice(i).toLowerCase();
  if (body === 'inf' || body === 'infinity') return { neg, m: 0n, e: 0, inf: true };
  let m = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/.exec(body);
  if (m) {
    const intDigits = m[1]!;
    const fracDigits = m[2] ?? '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits === '') return { neg, m: 0n, e: 0 };
    const expText = m[3];
    if (expText !== undefined && Math.abs(Number(expText)) > 100000) {
      return null; // certain overflow or underflow: ERANGE
    }
    const exp10 = (expText === undefined ? 0 : Number(expText)) - fracDigits.length;
    const magnitude = exp10 + digits.length;
    if (magnitude > 4940) return null;
    if (magnitude < -4960) return null;
    const n = BigInt(digits);
    const r = exp10 >= 0 ? roundLd(neg, n * 10n ** BigInt(exp10), 0) : ldFromRatio(neg, n, 10n ** BigInt(-exp10));
    if (r.inf || r.m === 0n) return null;
    return r;
  }
  m = /^0x([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/.exec(body);
  if (m) {
    const intDigits = m[1]!;
    const fracDigits = m[2] ?? '';
    if (intDigits.length + fracDigits.length === 0) return null;
    const digits = (intDigits + fracDigits).replace(/^0+/, '');
    if (digits === '') return { neg, m: 0n, e: 0 };
    const expText = m[3];
    if (expText !== undefined && Math.abs(Number(expText)) > 100000) return null;
    const e = (expText === undefined ? 0 : Number(expText)) - 4 * fracDigits.length;
    const r = roundLd(neg, BigInt('0x' + digits), e);
    if (r.inf || r.m === 0n) return null;
    return r;
  }
  return null;
}

/** a + b in long double arithmetic (round to nearest even). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return { neg: false, m: 0n, e: 0, inf: true }; // NaN: caller refuses both
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = a.m << BigInt(a.e - e);
  const bv = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  return sum < 0n ? roundLd(true, -sum, e) : roundLd(false, sum, e);
}

/** ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeroes (and the dot) removed, "-0" → "0". */
export function formatLongDouble(v: LongDouble): string {
  if (v.inf) return v.neg ? '-inf' : 'inf';
  let intPart: bigint;
  let frac: bigint;
  const SCALE = 10n ** 17n;
  if (v.e >= 0) {
    intPart = v.m << BigInt(v.e);
    frac = 0n;
  } else {
    const scaled = v.m * SCALE;
    const sh = BigInt(-v.e);
    let q = scaled >> sh;
    const rem = scaled - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    intPart = q / SCALE;
    frac = q % SCALE;
  }
  let out = intPart.toString();
  // ld2string refuses (and Redis then stores an empty string) past MAX_LONG_DOUBLE_CHARS.
  if ((v.neg ? 1 : 0) + out.length + 18 + 1 > 5120) return '';
  if (frac !== 0n) out += '.' + frac.toString().padStart(17, '0').replace(/0+$/, '');
  if (v.neg && out !== '0') out = '-' + out;
  return out;
}

// --- LCS ---------------------------------------------------------------------------------

function lcs(ctx: Session, argv: Bytes[]): Reply {
  const oa = ctx.db.lookupRead(argv[1]!);
  const ob = ctx.db.lookupRead(argv[2]!);
  if ((oa && oa.type !== 'string') || (ob && ob.type !== 'string')) return LCS_NOT_STRINGS;
  const a = oa ? (oa as StringObject).value : '';
  const b = ob ? (ob as StringObject).value : '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const moreArgs = argv.length - 1 - j;
    if (opt === 'idx') getIdx = true;
    else if (opt === 'len') getLen = true;
    else if (opt === 'withmatchlen') withMatchLen = true;
    else if (opt === 'minmatchlen' && moreArgs > 0) {
      const v = parseStrictInt(argv[j + 1]!);
      if (v === null) return NOT_INTEGER;
      minMatchLen = v < 0n ? 0 : Number(v);
      j++;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (getIdx && getLen) return LCS_IDX_AND_LEN;
  if (a.length >= 0xfffffffe || b.length >= 0xfffffffe) return LCS_TOO_LONG;
  const alen = a.length;
  const blen = b.length;
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > ctx.engine.config.protoMaxBulkLen) return LCS_NO_MEMORY;
  const w = blen + 1;
  const table = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b.charCodeAt(j - 1)) table[row + j] = table[prev + j - 1]! + 1;
      else {
        const l1 = table[prev + j]!;
        const l2 = table[row + j - 1]!;
        table[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  let idx = table[alen * w + blen]!;
  const total = idx;
  const computeLcs = getIdx || !getLen;
  const result: number[] = computeLcs ? new Array<number>(idx) : [];
  const matches: Reply[] = [];
  let arangeStart = alen;
  let arangeEnd = 0;
  let brangeStart = 0;
  let brangeEnd = 0;
  let i = alen;
  let j = blen;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a.charCodeAt(i - 1);
      if (arangeStart === alen) {
        arangeStart = i - 1;
        arangeEnd = i - 1;
        brangeStart = j - 1;
        brangeEnd = j - 1;
      } else if (arangeStart === i && brangeStart === j) {
        arangeStart--;
        brangeStart--;
      } else {
        emit = true;
      }
      if (arangeStart === 0 || brangeStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = table[(i - 1) * w + j]!;
      const l2 = table[i * w + j - 1]!;
      if (l1 > l2) i--;
      else j--;
      if (arangeStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = arangeEnd - arangeStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        const m: Reply[] = [
          [arangeStart, arangeEnd],
          [brangeStart, brangeEnd],
        ];
        if (withMatchLen) m.push(matchLen);
        matches.push(m);
      }
      arangeStart = alen;
    }
  }
  if (getIdx) {
    return new MapReply([
      ['matches', matches],
      ['len', total],
    ]);
  }
  if (getLen) return idx;
  return fromCharCodes(result);
}

function fromCharCodes(codes: number[]): string {
  let out = '';
  for (let k = 0; k < codes.length; k += 8192) out += String.fromCharCode(...codes.slice(k, k + 8192));
  return out;
}

// --- GETRANGE ---------------------------------------------------------------------------------

function getrange(ctx: Session, argv: Bytes[]): Reply {
  const s0 = parseStrictInt(argv[2]!);
  if (s0 === null) return NOT_INTEGER;
  const e0 = parseStrictInt(argv[3]!);
  if (e0 === null) return NOT_INTEGER;
  const o = asString(ctx.db.lookupRead(argv[1]!));
  if (o instanceof ErrorReply) return o;
  if (o === undefined) return '';
  const len = BigInt(o.length);
  let start = s0;
  let end = e0;
  if (start < 0n && end < 0n && start > end) return '';
  if (start < 0n) start = len + start;
  if (end < 0n) end = len + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= len) end = len - 1n;
  if (start > end || len === 0n) return '';
  return o.slice(Number(start), Number(end) + 1);
}

// --- handlers --------------------------------------------------------------------------------

export const stringCommands: HandlerMap = {
  get(ctx, argv) {
    const o = ctx.db.lookupRead(argv[1]!);
    if (o === undefined) return null;
    if (o.type !== 'string') return WRONGTYPE;
    return (o as StringObject).value;
  },

  set(ctx, argv) {
    const key = argv[1]!;
    if (argv.length === 3) {
      // Plain SET: no options to parse.
      const db = ctx.db;
      // lookupKeyWrite only matters for its lazy expiry (the old value is replaced).
      if (db.expires.size !== 0) db.lookupWrite(key);
      db.setKey(key, StringObject.fromValue(argv[2]!), false);
      ctx.engine.notifyKeyspaceEvent('$', 'set', key, ctx.dbIndex);
      return OK;
    }
    const args = parseExtended(argv, CmdKind.Set);
    if (args instanceof ErrorReply) return args;
    const dirty = ctx.engine.dirty;
    const reply = setGeneric(ctx, args.flags, key, argv[2]!, args.expire, args.millis, OK, null, 'set');
    if (args.flags & F_GET && args.expire === null && ctx.engine.dirty !== dirty) {
      // Propagated without the GET option(s).
      ctx.replaceArgv(argv.filter((a, j) => j < 3 || a.toLowerCase() !== 'get'));
    }
    return reply;
  },

  setnx(ctx, argv) {
    return setGeneric(ctx, F_NX, argv[1]!, argv[2]!, null, false, 1, 0, 'setnx');
  },

  setex(ctx, argv) {
    return setGeneric(ctx, F_EX, argv[1]!, argv[3]!, argv[2]!, false, OK, null, 'setex');
  },

  psetex(ctx, argv) {
    return setGeneric(ctx, F_PX, argv[1]!, argv[3]!, argv[2]!, true, OK, null, 'psetex');
  },

  getset(ctx, argv) {
    const key = argv[1]!;
    const old = getGeneric(ctx, key);
    if (old instanceof ErrorReply) return old;
    ctx.db.setKey(key, StringObject.fromValue(argv[2]!), false);
    ctx.engine.notifyKeyspaceEvent('$', 'set', key, ctx.dbIndex);
    ctx.replaceArgv(['SET', key, argv[2]!]);
    return old;
  },

  getdel(ctx, argv) {
    const key = argv[1]!;
    const old = getGeneric(ctx, key);
    if (old instanceof ErrorReply || old === null) return old;
    if (ctx.db.delete(key)) {
      ctx.replaceArgv(['DEL', key]);
      ctx.db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('g', 'del', key, ctx.dbIndex);
    }
    return old;
  },

  getex(ctx, argv) {
    const args = parseExtended(argv, CmdKind.Get);
    if (args instanceof ErrorReply) return args;
    const key = argv[1]!;
    const o = asString(ctx.db.lookupRead(key));
    if (o === undefined) return null;
    if (o instanceof ErrorReply) return o;
    const { flags, expire } = args;
    let when = 0n;
    if (expire !== null) {
      const ms = expireMillis(ctx, expire, flags, args.millis, 'getex');
      if (ms instanceof ErrorReply) return ms;
      when = ms;
    }
    const reply = o.value;
    const db = ctx.db;
    if (flags & (F_PXAT | F_EXAT) && ctx.engine.alreadyExpired(when)) {
      // An absolute time already in the past deletes the key.
      db.delete(key);
      ctx.replaceArgv(['DEL', key]);
      db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('g', 'del', key, ctx.dbIndex);
    } else if (expire !== null) {
      db.setExpire(key, Number(when));
      ctx.replaceArgv(['PEXPIREAT', key, when.toString()]);
      db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('g', 'expire', key, ctx.dbIndex);
    } else if (flags & F_PERSIST) {
      if (db.removeExpire(key)) {
        db.signalModified(key);
        ctx.replaceArgv(['PERSIST', key]);
        ctx.engine.notifyKeyspaceEvent('g', 'persist', key, ctx.dbIndex);
      }
    }
    return reply;
  },

  mget(ctx, argv) {
    const out: Reply[] = new Array(argv.length - 1);
    for (let j = 1; j < argv.length; j++) {
      const o = ctx.db.lookupRead(argv[j]!);
      out[j - 1] = o === undefined || o.type !== 'string' ? null : (o as StringObject).value;
    }
    return out;
  },

  mset(ctx, argv) {
    if (argv.length % 2 === 0) return wrongArity('mset');
    for (let j = 1; j < argv.length; j += 2) {
      const key = argv[j]!;
      ctx.db.lookupWrite(key);
      ctx.db.setKey(key, StringObject.fromValue(argv[j + 1]!), false);
      ctx.engine.notifyKeyspaceEvent('$', 'set', key, ctx.dbIndex);
    }
    return OK;
  },

  msetnx(ctx, argv) {
    if (argv.length % 2 === 0) return wrongArity('msetnx');
    for (let j = 1; j < argv.length; j += 2) {
      if (ctx.db.lookupWrite(argv[j]!) !== undefined) return 0;
    }
    for (let j = 1; j < argv.length; j += 2) {
      const key = argv[j]!;
      ctx.db.setKey(key, StringObject.fromValue(argv[j + 1]!), false);
      ctx.engine.notifyKeyspaceEvent('$', 'set', key, ctx.dbIndex);
    }
    return 1;
  },

  append(ctx, argv) {
    const key = argv[1]!;
    const tail = argv[2]!;
    const o = asString(ctx.db.lookupWrite(key));
    if (o instanceof ErrorReply) return o;
    let total: number;
    if (o === undefined) {
      ctx.db.add(key, StringObject.fromValue(tail));
      total = tail.length;
    } else {
      const tooLong = checkStringLength(ctx, o.length, tail.length);
      if (tooLong) return tooLong;
      o.append(tail);
      total = o.length;
    }
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('$', 'append', key, ctx.dbIndex);
    return total;
  },

  strlen(ctx, argv) {
    const o = asString(ctx.db.lookupRead(argv[1]!));
    if (o instanceof ErrorReply) return o;
    return o === undefined ? 0 : o.length;
  },

  incr(ctx, argv) {
    return incrDecrSmall(ctx, argv[1]!, 1);
  },

  decr(ctx, argv) {
    return incrDecrSmall(ctx, argv[1]!, -1);
  },

  incrby(ctx, argv) {
    const incr = parseStrictInt(argv[2]!);
    if (incr === null) return NOT_INTEGER;
    return incrDecr(ctx, argv[1]!, incr);
  },

  decrby(ctx, argv) {
    const incr = parseStrictInt(argv[2]!);
    if (incr === null) return NOT_INTEGER;
    if (incr === INT64_MIN) return DECREMENT_OVERFLOW;
    return incrDecr(ctx, argv[1]!, -incr);
  },

  incrbyfloat(ctx, argv) {
    const key = argv[1]!;
    const o = asString(ctx.db.lookupWrite(key));
    if (o instanceof ErrorReply) return o;
    let value: LongDouble = { neg: false, m: 0n, e: 0 };
    if (o !== undefined) {
      const v = parseLongDouble(o.value);
      if (v === null) return NOT_FLOAT;
      value = v;
    }
    const incr = parseLongDouble(argv[2]!);
    if (incr === null) return NOT_FLOAT;
    const sum = addLongDouble(value, incr);
    if (sum.inf) return NAN_OR_INFINITY;
    const text = formatLongDouble(sum);
    const obj = StringObject.plain(text);
    if (o !== undefined) ctx.db.overwrite(key, obj);
    else ctx.db.add(key, obj);
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('$', 'incrbyfloat', key, ctx.dbIndex);
    ctx.replaceArgv(['SET', key, text, 'KEEPTTL']);
    return text;
  },

  getrange: getrange,
  substr: getrange,

  setrange(ctx, argv) {
    const key = argv[1]!;
    const value = argv[3]!;
    const off = parseStrictInt(argv[2]!);
    if (off === null) return NOT_INTEGER;
    if (off < 0n) return OFFSET_OUT_OF_RANGE;
    const o = asString(ctx.db.lookupWrite(key));
    if (o instanceof ErrorReply) return o;
    const vlen = value.length;
    let obj: StringObject;
    if (o === undefined) {
      if (vlen === 0) return 0;
      if (off + BigInt(vlen) > BigInt(ctx.engine.config.protoMaxBulkLen)) return STRING_TOO_LONG;
      obj = StringObject.raw('');
      ctx.db.add(key, obj);
    } else {
      if (vlen === 0) return o.length;
      if (off + BigInt(vlen) > BigInt(ctx.engine.config.protoMaxBulkLen)) return STRING_TOO_LONG;
      obj = o;
    }
    const offset = Number(off);
    const buf = obj.mutable(offset + vlen);
    buf.write(value, offset, vlen, 'latin1');
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('$', 'setrange', key, ctx.dbIndex);
    return obj.length;
  },

  lcs,
};
