import type { Bytes } from '../engine/bytes.js';
import {
  NO_SUCH_KEY,
  NOT_INTEGER,
  SYNTAX_ERROR,
  TIMEOUT_NEGATIVE,
  TIMEOUT_OUT_OF_RANGE,
  WRONGTYPE,
  wrongArity,
} from '../engine/errors.js';
import { parseStrictInt } from '../engine/object.js';
import {
  EMPTY_ARRAY,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  OK,
  StatusReply,
  err,
  type Reply,
} from '../engine/reply.js';
import { BlockRequest, type Session } from '../engine/session.js';
import {
  type ConsumerGroup,
  INVALID_ENTRIES_READ,
  type StreamConsumer,
  type StreamEntry,
  type StreamNack,
  StreamObject,
  type TrimArgs,
} from '../engine/types/stream.js';
import {
  compareId,
  decrId,
  IdMap,
  idIsZero,
  idToString,
  incrId,
  MAX_ID,
  MIN_ID,
  type StreamID,
  U64_MAX,
} from '../datastruct/stream-id.js';
import type { HandlerMap } from './table.js';

// --- error replies (t_stream.c, Redis 7.2) ---------------------------------------------

const INVALID_ID = err('ERR Invalid stream ID specified as stream command argument');
const XADD_ID_TOO_SMALL = err('ERR The ID specified in XADD is equal or smaller than the target stream top item');
const XADD_ID_ZERO = err('ERR The ID specified in XADD must be greater than 0-0');
const XADD_EXHAUSTED = err('ERR The stream has exhausted the last possible ID, unable to add more items');
const MAXLEN_MINID_TOGETHER = err('ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
const MAXLEN_NEGATIVE = err('ERR The MAXLEN argument must be >= 0.');
const LIMIT_NEGATIVE = err('ERR The LIMIT argument must be >= 0.');
const LIMIT_WITHOUT_STRATEGY = err('ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
const XTRIM_NO_STRATEGY = err('ERR syntax error, XTRIM must be called with a trimming strategy');
const LIMIT_WITHOUT_APPROX = err('ERR syntax error, LIMIT cannot be used without the special ~ option');
const INVALID_START = err('ERR invalid start ID for the interval');
const INVALID_END = err('ERR invalid end ID for the interval');
const TIMEOUT_NOT_INTEGER = err('ERR timeout is not an integer or out of range');
const GROUP_ONLY_XREADGROUP = err('ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
const NOACK_ONLY_XREADGROUP = err('ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
const MISSING_GROUP = err('ERR Missing GROUP option for XREADGROUP');
const DOLLAR_IN_XREADGROUP = err(
  'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
);
const GT_ONLY_XREADGROUP = err(
  'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
);
const XGROUP_KEY_REQUIRED = err(
  'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
);
const BUSYGROUP = err('BUSYGROUP Consumer Group name already exists');
const ENTRIESREAD_INVALID = err('ERR value for ENTRIESREAD must be positive or -1');
const ENTRIES_ADDED_NEGATIVE = err('ERR entries_added must be positive');
const XSETID_SMALLER_THAN_GIVEN_MAXDEL = err(
  'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
);
const XSETID_SMALLER_THAN_MAXDEL = err('ERR The ID specified in XSETID is smaller than current max_deleted_entry_id');
const XSETID_SMALLER_THAN_TOP = err('ERR The ID specified in XSETID is smaller than the target stream top item');
const XSETID_ENTRIES_ADDED_SMALL = err(
  'ERR The entries_added specified in XSETID is smaller than the target stream length',
);
const XCLAIM_BAD_MINIDLE = err('ERR Invalid min-idle-time argument for XCLAIM');
const XCLAIM_BAD_IDLE = err('ERR Invalid IDLE option argument for XCLAIM');
const XCLAIM_BAD_TIME = err('ERR Invalid TIME option argument for XCLAIM');
const XCLAIM_BAD_RETRYCOUNT = err('ERR Invalid RETRYCOUNT option argument for XCLAIM');
const XAUTOCLAIM_BAD_MINIDLE = err('ERR Invalid min-idle-time argument for XAUTOCLAIM');
const XAUTOCLAIM_BAD_COUNT = err('ERR COUNT must be > 0');
const XAUTOCLAIM_NO_MEMORY = err('ERR Insufficient memory, failed allocating transient memory, COUNT too high.');

const noGroupKeyOrGroup = (key: Bytes, group: Bytes) => err(`NOGROUP No such key '${key}' or consumer group '${group}'`);
const noGroupForKey = (group: Bytes, key: Bytes) =>
  err(`NOGROUP No such consumer group '${group}' for key name '${key}'`);
const subcommandSyntax = (argv: Bytes[]) =>
  err(
    `ERR unknown subcommand or wrong number of arguments for '${argv[1]!.slice(0, 128)}'. Try ${argv[0]!.toUpperCase()} HELP.`,
  );

const LLONG_MAX = 9223372036854775807n;

// --- ID parsing ----------------------------------------------------------------------------

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** string2ull: string2ll, else strtoull over the whole text (spaces, sign, leading zeros). */
function string2ull(s: string): bigint | null {
  const ll = parseStrictInt(s);
  if (ll !== null) return ll < 0n ? null : ll;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start || i !== s.length) return null;
  let v = BigInt(s.slice(start, i));
  if (v > U64_MAX) return null;
  if (neg && v !== 0n) v = U64_MAX + 1n - v;
  return v;
}

interface ParsedId {
  id: StreamID;
  seqGiven: boolean;
}

/** streamGenericParseIDOrReply without the reply: null when invalid. */
function parseId(arg: Bytes, missingSeq: bigint, strict: boolean, seqStar = false): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const s = nul >= 0 ? arg.slice(0, nul) : arg;
  if (strict && (s === '-' || s === '+')) return null;
  if (s === '-') return { id: MIN_ID, seqGiven: true };
  if (s === '+') return { id: MAX_ID, seqGiven: true };
  const dash = s.indexOf('-');
  const ms = string2ull(dash >= 0 ? s.slice(0, dash) : s);
  if (ms === null) return null;
  let seq: bigint;
  let seqGiven = true;
  if (dash >= 0) {
    const rest = s.slice(dash + 1);
    if (seqStar && rest === '*') {
      seq = 0n;
      seqGiven = false;
    } else {
      const v = string2ull(rest);
      if (v === null) return null;
      seq = v;
    }
  } else {
    seq = missingSeq;
  }
  return { id: { ms, seq }, seqGiven };
}

function parseStrictId(arg: Bytes, missingSeq = 0n): StreamID | null {
  return parseId(arg, missingSeq, true)?.id ?? null;
}

/** streamParseIntervalIDOrReply: "(" makes the bound exclusive (and strict). */
function parseIntervalId(arg: Bytes, missingSeq: bigint): { id: StreamID; exclusive: boolean } | null {
  const exclusive = arg.length > 1 && arg[0] === '(';
  const p = exclusive ? parseId(arg.slice(1), missingSeq, true) : parseId(arg, missingSeq, false);
  return p ? { id: p.id, exclusive } : null;
}

/** Parses an inclusive range start/end pair, or returns the error reply. */
function parseRange(startArg: Bytes, endArg: Bytes): { start: StreamID; end: StreamID } | ErrorReply {
  const s = parseIntervalId(startArg, 0n);
  if (!s) return INVALID_ID;
  let start = s.id;
  if (s.exclusive) {
    const n = incrId(start);
    if (!n) return INVALID_START;
    start = n;
  }
  const e = parseIntervalId(endArg, U64_MAX);
  if (!e) return INVALID_ID;
  let end = e.id;
  if (e.exclusive) {
    const p = decrId(end);
    if (!p) return INVALID_END;
    end = p;
  }
  return { start, end };
}

function eqi(a: Bytes, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b;
}

/** getLongLongFromObject */
function parseLL(s: Bytes): bigint | null {
  return parseStrictInt(s);
}

function entryReply(e: StreamEntry): Reply {
  return [idToString(e.id), e.fields];
}

function intReply(v: bigint): Reply {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function getStream(o: unknown): StreamObject {
  return o as StreamObject;
}

// --- XADD / XTRIM ----------------------------------------------------------------------

interface AddTrimArgs extends TrimArgs {
  hasStrategy: boolean;
  /** Index of the MAXLEN/MINID value, for rewriting. */
  argIdx: number;
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
}

/** streamParseAddOrTrimArgsOrReply: the ID position (XADD) or an error. */
function parseAddOrTrim(ctx: Session, argv: Bytes[], xadd: boolean): { args: AddTrimArgs; idpos: number } | ErrorReply {
  const args: AddTrimArgs = {
    strategy: 'maxlen',
    hasStrategy: false,
    approx: false,
    limit: 0,
    maxlen: 0,
    minid: MIN_ID,
    argIdx: 0,
    id: MIN_ID,
    idGiven: false,
    seqGiven: true,
    noMkstream: false,
  };
  let limitGiven = false;
  const argc = argv.length;
  let i = 2;
  for (; i < argc; i++) {
    const moreargs = argc - 1 - i;
    const opt = argv[i]!;
    if (xadd && opt === '*') break;
    if (eqi(opt, 'maxlen') && moreargs) {
      if (args.hasStrategy) return MAXLEN_MINID_TOGETHER;
      args.approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        args.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      const v = parseLL(argv[i + 1]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0n) return MAXLEN_NEGATIVE;
      args.maxlen = Number(v);
      i++;
      args.strategy = 'maxlen';
      args.hasStrategy = true;
      args.argIdx = i;
    } else if (eqi(opt, 'minid') && moreargs) {
      if (args.hasStrategy) return MAXLEN_MINID_TOGETHER;
      args.approx = false;
      const next = argv[i + 1]!;
      if (moreargs >= 2 && next === '~') {
        args.approx = true;
        i++;
      } else if (moreargs >= 2 && next === '=') {
        i++;
      }
      const id = parseStrictId(argv[i + 1]!);
      if (!id) return INVALID_ID;
      args.minid = id;
      i++;
      args.strategy = 'minid';
      args.hasStrategy = true;
      args.argIdx = i;
    } else if (eqi(opt, 'limit') && moreargs) {
      const v = parseLL(argv[i + 1]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0n) return LIMIT_NEGATIVE;
      args.limit = Number(v);
      limitGiven = true;
      i++;
    } else if (xadd && eqi(opt, 'nomkstream')) {
      args.noMkstream = true;
    } else if (xadd) {
      const p = parseId(opt, 0n, true, true);
      if (!p) return INVALID_ID;
      args.id = p.id;
      args.seqGiven = p.seqGiven;
      args.idGiven = true;
      break;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (args.limit && !args.hasStrategy) return LIMIT_WITHOUT_STRATEGY;
  if (!xadd && !args.hasStrategy) return XTRIM_NO_STRATEGY;
  if (ctx.obeyAll) {
    // From an AOF or a master: the trim was already rewritten exactly; never cap it (mustObeyClient).
    args.limit = 0;
  } else if (limitGiven) {
    if (!args.approx) return LIMIT_WITHOUT_APPROX;
  } else if (args.approx) {
    let limit = 100 * ctx.engine.config.streamNodeMaxEntries;
    if (limit <= 0) limit = 10000;
    if (limit > 1000000) limit = 1000000;
    args.limit = limit;
  } else {
    args.limit = 0;
  }
  return { args, idpos: i };
}

/** streamRewriteApproxSpecifier + streamRewriteTrimArgument on a copy of argv. */
function rewriteTrim(argv: Bytes[], s: StreamObject, args: AddTrimArgs): void {
  argv[args.argIdx - 1] = '=';
  argv[args.argIdx] = args.strategy === 'maxlen' ? String(s.length) : idToString(s.edgeId(true, false));
}

function xadd(ctx: Session, argv: Bytes[]): Reply {
  const parsed = parseAddOrTrim(ctx, argv, true);
  if (parsed instanceof ErrorReply) return parsed;
  const { args, idpos } = parsed;
  const fieldPos = idpos + 1;
  const nf = argv.length - fieldPos;
  if (nf < 2 || nf % 2 === 1) return wrongArity('xadd');
  if (args.idGiven && args.seqGiven && idIsZero(args.id)) return XADD_ID_ZERO;
  const key = argv[1]!;
  const o = ctx.db.lookupWrite(key);
  if (o && o.type !== 'stream') return WRONGTYPE;
  if (!o && args.noMkstream) return null;
  const s = o ? getStream(o) : new StreamObject();
  const last = s.lastId;
  if (last.ms === U64_MAX && last.seq === U64_MAX) return XADD_EXHAUSTED;
  let id: StreamID;
  if (args.idGiven) {
    if (args.seqGiven) {
      id = args.id;
    } else if (last.ms === args.id.ms) {
      if (last.seq === U64_MAX) return XADD_ID_TOO_SMALL;
      id = { ms: last.ms, seq: last.seq + 1n };
    } else {
      id = args.id;
    }
  } else {
    const ms = BigInt(ctx.now);
    id = ms > last.ms ? { ms, seq: 0n } : (incrId(last) ?? MIN_ID);
  }
  if (compareId(id, last) <= 0) return XADD_ID_TOO_SMALL;
  s.append(id, argv.slice(fieldPos), ctx.engine.config);
  if (!o) ctx.db.add(key, s);
  const reply = idToString(id);
  ctx.engine.notifyKeyspaceEvent('t', 'xadd', key, ctx.dbIndex);
  let rewritten: Bytes[] | null = null;
  if (args.hasStrategy) {
    if (s.trim(args)) ctx.engine.notifyKeyspaceEvent('t', 'xtrim', key, ctx.dbIndex);
    if (args.approx) {
      rewritten = argv.slice();
      rewriteTrim(rewritten, s, args);
    }
  }
  ctx.db.signalModified(key);
  if (!args.idGiven || !args.seqGiven) {
    rewritten ??= argv.slice();
    rewritten[idpos] = reply;
  }
  if (rewritten) ctx.replaceArgv(rewritten);
  if (o) ctx.engine.signalKeyAsReady(ctx.db, key);
  return reply;
}

function xtrim(ctx: Session, argv: Bytes[]): Reply {
  const parsed = parseAddOrTrim(ctx, argv, false);
  if (parsed instanceof ErrorReply) return parsed;
  const { args } = parsed;
  const key = argv[1]!;
  const o = ctx.db.lookupWrite(key);
  if (!o) return 0;
  if (o.type !== 'stream') return WRONGTYPE;
  const s = getStream(o);
  const deleted = s.trim(args);
  if (deleted) {
    ctx.engine.notifyKeyspaceEvent('t', 'xtrim', key, ctx.dbIndex);
    if (args.approx) {
      const rewritten = argv.slice();
      rewriteTrim(rewritten, s, args);
      ctx.replaceArgv(rewritten);
    }
    ctx.db.signalModified(key);
    ctx.engine.dirty += deleted - 1;
  }
  return deleted;
}

// --- XRANGE / XREVRANGE / XLEN / XDEL ------------------------------------------------

function xrangeGeneric(ctx: Session, argv: Bytes[], rev: boolean): Reply {
  const range = parseRange(rev ? argv[3]! : argv[2]!, rev ? argv[2]! : argv[3]!);
  if (range instanceof ErrorReply) return range;
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    const additional = argv.length - j - 1;
    if (eqi(argv[j]!, 'count') && additional >= 1) {
      const v = parseLL(argv[j + 1]!);
      if (v === null) return NOT_INTEGER;
      count = v < 0n ? 0 : v > 1000000000000n ? Infinity : Number(v);
      j++;
    } else {
      return SYNTAX_ERROR;
    }
  }
  const o = ctx.db.lookupRead(argv[1]!);
  if (!o) return EMPTY_ARRAY;
  if (o.type !== 'stream') return WRONGTYPE;
  if (count === 0) return NULL_ARRAY;
  const out: Reply[] = [];
  for (const e of getStream(o).range(range.start, range.end, rev)) {
    out.push(entryReply(e));
    if (out.length === count) break;
  }
  return out;
}

function xdel(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[1]!;
  const o = ctx.db.lookupWrite(key);
  if (!o) return 0;
  if (o.type !== 'stream') return WRONGTYPE;
  const s = getStream(o);
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = parseStrictId(argv[j]!);
    if (!id) return INVALID_ID;
    ids.push(id);
  }
  let deleted = 0;
  let firstEntry = false;
  for (const id of ids) {
    if (s.delete(id)) {
      if (compareId(id, s.firstId) === 0) firstEntry = true;
      if (compareId(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
      deleted++;
    }
  }
  if (deleted) {
    if (s.length === 0) s.firstId = MIN_ID;
    else if (firstEntry) s.firstId = s.edgeId(true, true);
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('t', 'xdel', key, ctx.dbIndex);
    ctx.engine.dirty += deleted - 1;
  }
  return deleted;
}

// --- XREAD / XREADGROUP --------------------------------------------------------------------

interface ReadSpec {
  keys: Bytes[];
  ids: StreamID[];
  count: number;
  noack: boolean;
  groupName: Bytes | null;
  consumerName: Bytes;
}

function propagateXclaim(ctx: Session, key: Bytes, g: ConsumerGroup, groupName: Bytes, idArg: Bytes, nack: StreamNack): void {
  ctx.alsoPropagate([
    'XCLAIM', key, groupName, nack.consumer!.name, '0', idArg,
    'TIME', String(nack.deliveryTime), 'RETRYCOUNT', String(nack.deliveryCount),
    'FORCE', 'JUSTID', 'LASTID', idToString(g.lastId),
  ]);
}

function propagateGroupId(ctx: Session, key: Bytes, g: ConsumerGroup, groupName: Bytes): void {
  ctx.alsoPropagate(['XGROUP', 'SETID', key, groupName, idToString(g.lastId), 'ENTRIESREAD', String(g.entriesRead)]);
}

/** streamCreateConsumer (SCC_DEFAULT): dirty + keyspace event. */
function createConsumer(ctx: Session, g: ConsumerGroup, name: Bytes, key: Bytes): StreamConsumer | null {
  if (g.consumers.has(name)) return null;
  const c: StreamConsumer = { name, seenTime: ctx.now, activeTime: -1, pel: new IdMap<StreamNack>() };
  g.consumers.set(name, c);
  ctx.engine.dirty++;
  ctx.engine.notifyKeyspaceEvent('t', 'xgroup-createconsumer', key, ctx.dbIndex);
  return c;
}

/** streamReplyWithRange with a group and consumer (new messages). Returns the entries and propagation count. */
function deliverNew(
  ctx: Session,
  s: StreamObject,
  key: Bytes,
  g: ConsumerGroup,
  groupName: Bytes,
  consumer: StreamConsumer,
  start: StreamID,
  count: number,
  noack: boolean,
): { out: Reply[]; props: number } {
  const out: Reply[] = [];
  let props = 0;
  let propagateLastId = false;
  const now = ctx.now;
  for (const e of s.range(start, MAX_ID)) {
    if (compareId(e.id, g.lastId) > 0) {
      if (g.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(e.id, null)) {
        g.entriesRead++;
      } else if (s.entriesAdded) {
        g.entriesRead = s.estimateDistance(e.id);
      }
      g.lastId = e.id;
      propagateLastId = true;
    }
    out.push(entryReply(e));
    if (!noack) {
      let nack = g.pel.get(e.id);
      if (!nack) {
        nack = { consumer, deliveryTime: now, deliveryCount: 1n };
        g.pel.set(e.id, nack);
        consumer.pel.set(e.id, nack);
      } else {
        nack.consumer?.pel.delete(e.id);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1n;
        consumer.pel.set(e.id, nack);
      }
      consumer.activeTime = now;
      propagateXclaim(ctx, key, g, groupName, idToString(e.id), nack);
      props++;
    }
    if (count && out.length === count) break;
  }
  if (propagateLastId) {
    propagateGroupId(ctx, key, g, groupName);
    props++;
  }
  return { out, props };
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's own history from `start`. */
function deliverHistory(ctx: Session, s: StreamObject, consumer: StreamConsumer, start: StreamID, count: number): Reply[] {
  const out: Reply[] = [];
  const now = ctx.now;
  for (const [id, nack] of consumer.pel.entries(start)) {
    if (count && out.length >= count) break;
    const e = s.find(id);
    if (!e) {
      out.push([idToString(id), NULL_ARRAY]);
    } else {
      out.push(entryReply(e));
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
  return out;
}

/**
 * The synchronous part of XREAD/XREADGROUP. Returns the reply when something was served,
 * undefined when the client would block, or an error (group vanished while blocked).
 */
function serveRead(ctx: Session, spec: ReadSpec, blocked: boolean): Reply | undefined {
  const results: Array<[Bytes, Reply[]]> = [];
  const groupName = spec.groupName;
  for (let i = 0; i < spec.keys.length; i++) {
    const key = spec.keys[i]!;
    const o = ctx.db.lookupRead(key);
    if (!o) {
      if (blocked && groupName !== null) return noGroupXreadgroup(key, groupName);
      continue;
    }
    if (o.type !== 'stream') {
      if (blocked) {
        if (groupName !== null) return WRONGTYPE;
        continue;
      }
      continue;
    }
    const s = getStream(o);
    let gt = spec.ids[i]!;
    let serve = false;
    let history = false;
    let consumer: StreamConsumer | null = null;
    let g: ConsumerGroup | undefined;
    if (groupName !== null) {
      g = s.group(groupName);
      if (!g) return noGroupXreadgroup(key, groupName);
      if (gt !== MAX_ID) {
        serve = true;
        history = true;
      } else if (s.length) {
        const maxid = s.lastValidId();
        if (compareId(maxid, g.lastId) > 0) {
          serve = true;
          gt = g.lastId;
        }
      }
      consumer = g.consumers.get(spec.consumerName) ?? null;
      if (!consumer) {
        consumer = createConsumer(ctx, g, spec.consumerName, key)!;
        if (spec.noack) ctx.alsoPropagate(['XGROUP', 'CREATECONSUMER', key, groupName, spec.consumerName]);
      }
      consumer.seenTime = ctx.now;
    } else if (s.length) {
      if (compareId(s.lastValidId(), gt) > 0) serve = true;
    }
    if (!serve) continue;
    const start = incrId(gt) ?? MIN_ID;
    if (g && consumer) {
      if (history) {
        results.push([key, deliverHistory(ctx, s, consumer, start, spec.count)]);
      } else {
        const { out, props } = deliverNew(ctx, s, key, g, groupName!, consumer, start, spec.count, spec.noack);
        if (props) ctx.engine.dirty++;
        results.push([key, out]);
      }
    } else {
      const out: Reply[] = [];
      for (const e of s.range(start, MAX_ID)) {
        out.push(entryReply(e));
        if (spec.count && out.length === spec.count) break;
      }
      results.push([key, out]);
    }
  }
  if (results.length === 0) return undefined;
  if (ctx.protocol === 3) return new MapReply(results);
  return results;
}

function noGroupXreadgroup(key: Bytes, group: Bytes): ErrorReply {
  return err(`NOGROUP No such key '${key}' or consumer group '${group}' in XREADGROUP with GROUP option`);
}

function xreadGeneric(ctx: Session, argv: Bytes[], xreadgroup: boolean): Reply | BlockRequest {
  // The command propagates through its effects (XCLAIM / XGROUP SETID), never as itself.
  ctx.preventPropagation();
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let noack = false;
  let groupName: Bytes | null = null;
  let consumerName: Bytes = '';
  const argc = argv.length;
  for (let i = 1; i < argc; i++) {
    const moreargs = argc - i - 1;
    const o = argv[i]!;
    if (eqi(o, 'block') && moreargs) {
      i++;
      const t = parseLL(argv[i]!);
      if (t === null) return TIMEOUT_NOT_INTEGER;
      if (t < 0n) return TIMEOUT_NEGATIVE;
      if (t > 0n) {
        const now = BigInt(ctx.now);
        if (t > LLONG_MAX - now) return TIMEOUT_OUT_OF_RANGE;
        timeout = Number(t + now);
      } else {
        timeout = 0;
      }
    } else if (eqi(o, 'count') && moreargs) {
      i++;
      const c = parseLL(argv[i]!);
      if (c === null) return NOT_INTEGER;
      count = c < 0n ? 0 : c > 1000000000000n ? 1e12 : Number(c);
    } else if (eqi(o, 'streams') && moreargs) {
      streamsArg = i + 1;
      streamsCount = argc - streamsArg;
      if (streamsCount % 2 !== 0) {
        const symbol = xreadgroup ? '>' : '$';
        return err(
          `ERR Unbalanced '${xreadgroup ? 'xreadgroup' : 'xread'}' list of streams: for each stream key an ID or '${symbol}' must be specified.`,
        );
      }
      streamsCount /= 2;
      break;
    } else if (eqi(o, 'group') && moreargs >= 2) {
      if (!xreadgroup) return GROUP_ONLY_XREADGROUP;
      groupName = argv[i + 1]!;
      consumerName = argv[i + 2]!;
      i += 2;
    } else if (eqi(o, 'noack')) {
      if (!xreadgroup) return NOACK_ONLY_XREADGROUP;
      noack = true;
    } else {
      return SYNTAX_ERROR;
    }
  }
  if (streamsArg === 0) return SYNTAX_ERROR;
  if (xreadgroup && groupName === null) return MISSING_GROUP;

  const keys: Bytes[] = [];
  const ids: StreamID[] = [];
  for (let i = streamsArg + streamsCount; i < argc; i++) {
    const key = argv[i - streamsCount]!;
    const o = ctx.db.lookupRead(key);
    if (o && o.type !== 'stream') return WRONGTYPE;
    if (groupName !== null) {
      if (!o || !getStream(o).group(groupName)) return noGroupXreadgroup(key, groupName);
    }
    keys.push(key);
    const arg = argv[i]!;
    if (arg === '$') {
      if (xreadgroup) return DOLLAR_IN_XREADGROUP;
      ids.push(o ? getStream(o).lastId : MIN_ID);
      continue;
    } else if (arg === '>') {
      if (!xreadgroup) return GT_ONLY_XREADGROUP;
      ids.push(MAX_ID);
      continue;
    }
    const id = parseStrictId(arg);
    if (!id) return INVALID_ID;
    ids.push(id);
  }

  const spec: ReadSpec = { keys, ids, count, noack, groupName, consumerName };
  const reply = serveRead(ctx, spec, false);
  if (reply !== undefined) return reply;
  if (timeout !== -1) {
    // XREADGROUP is re-run when its key is deleted, to answer NOGROUP / WRONGTYPE (7.2).
    return new BlockRequest(keys, timeout, () => serveRead(ctx, spec, true), NULL_ARRAY, groupName !== null);
  }
  return NULL_ARRAY;
}

// --- XGROUP ------------------------------------------------------------------------------

interface XgroupCtx {
  s: StreamObject | null;
  g: ConsumerGroup | undefined;
  mkstream: boolean;
  entriesRead: bigint;
}

/** The common prologue of xgroupCommand: options, key lookup, key/group existence. */
function xgroupPrologue(ctx: Session, argv: Bytes[], sub: string): XgroupCtx | ErrorReply {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  const create = sub === 'create';
  const setid = sub === 'setid';
  let i = 5;
  while (i < argv.length) {
    if (create && eqi(argv[i]!, 'mkstream')) {
      mkstream = true;
      i++;
    } else if ((create || setid) && eqi(argv[i]!, 'entriesread') && i + 1 < argv.length) {
      const v = parseLL(argv[i + 1]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0n && v !== INVALID_ENTRIES_READ) return ENTRIESREAD_INVALID;
      entriesRead = v;
      i += 2;
    } else {
      return subcommandSyntax(argv);
    }
  }
  const o = ctx.db.lookupWrite(argv[2]!);
  let s: StreamObject | null = null;
  if (o) {
    if (o.type !== 'stream') return WRONGTYPE;
    s = getStream(o);
  }
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (!s) return XGROUP_KEY_REQUIRED;
    g = s.group(argv[3]!);
    if (!g && sub !== 'create' && sub !== 'destroy') return noGroupForKey(argv[3]!, argv[2]!);
  }
  return { s, g, mkstream, entriesRead };
}

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

function xgroupCreate(ctx: Session, argv: Bytes[]): Reply {
  const p = xgroupPrologue(ctx, argv, 'create');
  if (p instanceof ErrorReply) return p;
  if (argv.length > 8) return subcommandSyntax(argv);
  const key = argv[2]!;
  let s = p.s;
  let id: StreamID;
  if (argv[4] === '$') {
    id = s ? s.lastId : MIN_ID;
  } else {
    const parsed = parseStrictId(argv[4]!);
    if (!parsed) return INVALID_ID;
    id = parsed;
  }
  if (!s) {
    s = new StreamObject();
    ctx.db.add(key, s);
    ctx.db.signalModified(key);
  }
  if (s.createGroup(argv[3]!, id, p.entriesRead)) {
    ctx.engine.dirty++;
    ctx.engine.notifyKeyspaceEvent('t', 'xgroup-create', key, ctx.dbIndex);
    return OK;
  }
  return BUSYGROUP;
}

function xgroupSetid(ctx: Session, argv: Bytes[]): Reply {
  const p = xgroupPrologue(ctx, argv, 'setid');
  if (p instanceof ErrorReply) return p;
  if (argv.length !== 5 && argv.length !== 7) return subcommandSyntax(argv);
  const s = p.s!;
  const g = p.g!;
  let id: StreamID;
  if (argv[4] === '$') {
    id = s.lastId;
  } else {
    const parsed = parseId(argv[4]!, 0n, false);
    if (!parsed) return INVALID_ID;
    id = parsed.id;
  }
  g.lastId = id;
  g.entriesRead = p.entriesRead;
  ctx.engine.dirty++;
  ctx.engine.notifyKeyspaceEvent('t', 'xgroup-setid', argv[2]!, ctx.dbIndex);
  return OK;
}

function xgroupDestroy(ctx: Session, argv: Bytes[]): Reply {
  const p = xgroupPrologue(ctx, argv, 'destroy');
  if (p instanceof ErrorReply) return p;
  if (!p.g) return 0;
  p.s!.groups!.delete(argv[3]!);
  ctx.engine.dirty++;
  ctx.engine.notifyKeyspaceEvent('t', 'xgroup-destroy', argv[2]!, ctx.dbIndex);
  ctx.engine.signalKeyAsReady(ctx.db, argv[2]!);
  return 1;
}

function xgroupCreateConsumer(ctx: Session, argv: Bytes[]): Reply {
  const p = xgroupPrologue(ctx, argv, 'createconsumer');
  if (p instanceof ErrorReply) return p;
  return createConsumer(ctx, p.g!, argv[4]!, argv[2]!) ? 1 : 0;
}

function xgroupDelConsumer(ctx: Session, argv: Bytes[]): Reply {
  const p = xgroupPrologue(ctx, argv, 'delconsumer');
  if (p instanceof ErrorReply) return p;
  const g = p.g!;
  const consumer = g.consumers.get(argv[4]!);
  if (!consumer) return 0;
  const pending = consumer.pel.size;
  for (const [id] of consumer.pel.entries()) g.pel.delete(id);
  g.consumers.delete(argv[4]!);
  ctx.engine.dirty++;
  ctx.engine.notifyKeyspaceEvent('t', 'xgroup-delconsumer', argv[2]!, ctx.dbIndex);
  return pending;
}

// --- XSETID / XACK / XPENDING -----------------------------------------------------------

function xsetid(ctx: Session, argv: Bytes[]): Reply {
  const id = parseStrictId(argv[2]!);
  if (!id) return INVALID_ID;
  let maxXdel = MIN_ID;
  let entriesAdded = -1n;
  let i = 3;
  while (i < argv.length) {
    const moreargs = argv.length - 1 - i;
    const opt = argv[i]!;
    if (eqi(opt, 'entriesadded') && moreargs) {
      const v = parseLL(argv[i + 1]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0n) return ENTRIES_ADDED_NEGATIVE;
      entriesAdded = v;
      i += 2;
    } else if (eqi(opt, 'maxdeletedid') && moreargs) {
      const m = parseStrictId(argv[i + 1]!);
      if (!m) return INVALID_ID;
      if (compareId(id, m) < 0) return XSETID_SMALLER_THAN_GIVEN_MAXDEL;
      maxXdel = m;
      i += 2;
    } else {
      return SYNTAX_ERROR;
    }
  }
  const o = ctx.db.lookupWrite(argv[1]!);
  if (!o) return NO_SUCH_KEY;
  if (o.type !== 'stream') return WRONGTYPE;
  const s = getStream(o);
  if (compareId(id, s.maxDeletedId) < 0) return XSETID_SMALLER_THAN_MAXDEL;
  if (s.length > 0) {
    if (compareId(id, s.lastValidId()) < 0) return XSETID_SMALLER_THAN_TOP;
    if (entriesAdded !== -1n && BigInt(s.length) > entriesAdded) return XSETID_ENTRIES_ADDED_SMALL;
  }
  s.lastId = id;
  if (entriesAdded !== -1n) s.entriesAdded = entriesAdded;
  if (!idIsZero(maxXdel)) s.maxDeletedId = maxXdel;
  ctx.engine.dirty++;
  ctx.engine.notifyKeyspaceEvent('t', 'xsetid', argv[1]!, ctx.dbIndex);
  return OK;
}

function xack(ctx: Session, argv: Bytes[]): Reply {
  const o = ctx.db.lookupRead(argv[1]!);
  let g: ConsumerGroup | undefined;
  if (o) {
    if (o.type !== 'stream') return WRONGTYPE;
    g = getStream(o).group(argv[2]!);
  }
  if (!o || !g) return 0;
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = parseStrictId(argv[j]!);
    if (!id) return INVALID_ID;
    ids.push(id);
  }
  let acknowledged = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack) {
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      acknowledged++;
      ctx.engine.dirty++;
    }
  }
  return acknowledged;
}

function xpending(ctx: Session, argv: Bytes[]): Reply {
  const argc = argv.length;
  const justinfo = argc === 3;
  const key = argv[1]!;
  const groupName = argv[2]!;
  let consumerName: Bytes | null = null;
  let start = MIN_ID;
  let end = MAX_ID;
  let count = 0;
  let minidle = 0;
  if (argc !== 3 && (argc < 6 || argc > 9)) return SYNTAX_ERROR;
  if (argc >= 6) {
    let startidx = 3;
    if (eqi(argv[3]!, 'idle')) {
      const v = parseLL(argv[4]!);
      if (v === null) return NOT_INTEGER;
      minidle = Number(v);
      if (argc < 8) return SYNTAX_ERROR;
      startidx += 2;
    }
    const c = parseLL(argv[startidx + 2]!);
    if (c === null) return NOT_INTEGER;
    count = c < 0n ? 0 : Number(c);
    const range = parseRange(argv[startidx]!, argv[startidx + 1]!);
    if (range instanceof ErrorReply) return range;
    start = range.start;
    end = range.end;
    if (startidx + 3 < argc) consumerName = argv[startidx + 3]!;
  }
  const o = ctx.db.lookupRead(key);
  if (o && o.type !== 'stream') return WRONGTYPE;
  const g = o ? getStream(o).group(groupName) : undefined;
  if (!g) return noGroupKeyOrGroup(key, groupName);
  if (justinfo) {
    if (g.pel.size === 0) return [0, null, null, NULL_ARRAY];
    const consumers: Reply[] = [];
    for (const [name, c] of sortedConsumers(g)) {
      if (c.pel.size === 0) continue;
      consumers.push([name, String(c.pel.size)]);
    }
    return [g.pel.size, idToString(g.pel.first()![0]), idToString(g.pel.last()![0]), consumers];
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.consumers.get(consumerName);
    if (!c) return [];
    pel = c.pel;
  }
  const now = ctx.now;
  const out: Reply[] = [];
  if (!count) return out;
  for (const [id, nack] of pel.entries(start)) {
    if (compareId(id, end) > 0) break;
    if (minidle) {
      if (now - nack.deliveryTime < minidle) continue;
    }
    const elapsed = Math.max(0, now - nack.deliveryTime);
    out.push([idToString(id), nack.consumer!.name, elapsed, intReply(nack.deliveryCount)]);
    if (--count === 0) break;
  }
  return out;
}

function sortedConsumers(g: ConsumerGroup): Array<[Bytes, StreamConsumer]> {
  return [...g.consumers].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

// --- XCLAIM / XAUTOCLAIM ------------------------------------------------------------------

function xclaim(ctx: Session, argv: Bytes[]): Reply {
  ctx.preventPropagation();
  const key = argv[1]!;
  const groupName = argv[2]!;
  const o = ctx.db.lookupRead(key);
  let g: ConsumerGroup | undefined;
  if (o) {
    if (o.type !== 'stream') return WRONGTYPE;
    g = getStream(o).group(groupName);
  }
  if (!o || !g) return noGroupKeyOrGroup(key, groupName);
  const s = getStream(o);
  const mi = parseLL(argv[4]!);
  if (mi === null) return XCLAIM_BAD_MINIDLE;
  const minidle = mi < 0n ? 0 : Number(mi);
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const id = parseStrictId(argv[j]!);
    if (!id) break;
    ids.push(id);
  }
  const lastIdArg = j - 1;
  const now = ctx.now;
  let deliverytime = -1n;
  let retrycount = -1n;
  let force = false;
  let justid = false;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'force')) force = true;
    else if (eqi(opt, 'justid')) justid = true;
    else if (eqi(opt, 'idle') && moreargs) {
      j++;
      const v = parseLL(argv[j]!);
      if (v === null) return XCLAIM_BAD_IDLE;
      deliverytime = BigInt(now) - v;
    } else if (eqi(opt, 'time') && moreargs) {
      j++;
      const v = parseLL(argv[j]!);
      if (v === null) return XCLAIM_BAD_TIME;
      deliverytime = v;
    } else if (eqi(opt, 'retrycount') && moreargs) {
      j++;
      const v = parseLL(argv[j]!);
      if (v === null) return XCLAIM_BAD_RETRYCOUNT;
      retrycount = v;
    } else if (eqi(opt, 'lastid') && moreargs) {
      j++;
      const id = parseStrictId(argv[j]!);
      if (!id) return INVALID_ID;
      lastId = id;
    } else {
      return err(`ERR Unrecognized XCLAIM option '${opt}'`);
    }
  }
  let propagateLastId = false;
  if (compareId(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    propagateLastId = true;
  }
  let dtime: number;
  if (deliverytime !== -1n) {
    dtime = deliverytime < 0n || deliverytime > BigInt(now) ? now : Number(deliverytime);
  } else {
    dtime = now;
  }
  let consumer = g.consumers.get(argv[3]!);
  if (!consumer) consumer = createConsumer(ctx, g, argv[3]!, key)!;
  consumer.seenTime = now;
  const out: Reply[] = [];
  for (let k = 5; k <= lastIdArg; k++) {
    const id = ids[k - 5]!;
    let nack = g.pel.get(id);
    const entry = s.find(id);
    if (!entry) {
      if (nack) {
        propagateXclaim(ctx, key, g, groupName, argv[k]!, nack);
        propagateLastId = false;
        ctx.engine.dirty++;
        g.pel.delete(id);
        nack.consumer?.pel.delete(id);
      }
      continue;
    }
    if (force && !nack) {
      nack = { consumer: null, deliveryTime: now, deliveryCount: 1n };
      g.pel.set(id, nack);
    }
    if (nack) {
      if (nack.consumer && minidle) {
        if (now - nack.deliveryTime < minidle) continue;
      }
      if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
      nack.deliveryTime = dtime;
      if (retrycount >= 0n) nack.deliveryCount = retrycount;
      else if (!justid) nack.deliveryCount++;
      if (nack.consumer !== consumer) {
        consumer.pel.set(id, nack);
        nack.consumer = consumer;
      }
      out.push(justid ? idToString(id) : entryReply(entry));
      consumer.activeTime = now;
      propagateXclaim(ctx, key, g, groupName, argv[k]!, nack);
      propagateLastId = false;
      ctx.engine.dirty++;
    }
  }
  if (propagateLastId) {
    propagateGroupId(ctx, key, g, groupName);
    ctx.engine.dirty++;
  }
  return out;
}

function xautoclaim(ctx: Session, argv: Bytes[]): Reply {
  ctx.preventPropagation();
  const key = argv[1]!;
  const groupName = argv[2]!;
  const o = ctx.db.lookupRead(key);
  const mi = parseLL(argv[4]!);
  if (mi === null) return XAUTOCLAIM_BAD_MINIDLE;
  const minidle = mi < 0n ? 0 : Number(mi);
  const sp = parseIntervalId(argv[5]!, 0n);
  if (!sp) return INVALID_ID;
  let start = sp.id;
  if (sp.exclusive) {
    const n = incrId(start);
    if (!n) return INVALID_START;
    start = n;
  }
  let count = 100;
  let justid = false;
  const maxCount = 576460752303423487n; // LONG_MAX / 16
  for (let j = 6; j < argv.length; j++) {
    const moreargs = argv.length - 1 - j;
    const opt = argv[j]!;
    if (eqi(opt, 'count') && moreargs) {
      const v = parseLL(argv[j + 1]!);
      if (v === null || v < 1n || v > maxCount) return XAUTOCLAIM_BAD_COUNT;
      count = Number(v);
      j++;
    } else if (eqi(opt, 'justid')) {
      justid = true;
    } else {
      return SYNTAX_ERROR;
    }
  }
  let g: ConsumerGroup | undefined;
  if (o) {
    if (o.type !== 'stream') return WRONGTYPE;
    g = getStream(o).group(groupName);
  }
  if (!o || !g) return noGroupKeyOrGroup(key, groupName);
  const s = getStream(o);
  // Redis allocates COUNT deleted-ID slots up front (ztrymalloc); past what the address
  // space can map (2^46 bytes here, as on a 47-bit x86-64 Linux) that allocation fails.
  if (count * 16 > 2 ** 46) return XAUTOCLAIM_NO_MEMORY;
  let consumer = g.consumers.get(argv[3]!);
  if (!consumer) consumer = createConsumer(ctx, g, argv[3]!, key)!;
  const now = ctx.now;
  consumer.seenTime = now;
  let attempts = count * 10;
  const claimed: Reply[] = [];
  const deletedIds: Reply[] = [];
  let next: [StreamID, StreamNack] | undefined = g.pel.ceil(start);
  while (attempts-- && count && next) {
    const [id, nack] = next;
    const entry = s.find(id);
    if (!entry) {
      propagateXclaim(ctx, key, g, groupName, idToString(id), nack);
      ctx.engine.dirty++;
      g.pel.delete(id);
      nack.consumer?.pel.delete(id);
      deletedIds.push(idToString(id));
      count--;
      next = g.pel.ceil(id);
      continue;
    }
    const after = incrId(id);
    const advance = () => (after ? g!.pel.ceil(after) : undefined);
    if (minidle && now - nack.deliveryTime < minidle) {
      next = advance();
      continue;
    }
    if (nack.consumer !== consumer) nack.consumer?.pel.delete(id);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    if (nack.consumer !== consumer) {
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    claimed.push(justid ? idToString(id) : entryReply(entry));
    count--;
    consumer.activeTime = now;
    propagateXclaim(ctx, key, g, groupName, idToString(id), nack);
    ctx.engine.dirty++;
    next = advance();
  }
  // The cursor for the next call: the entry after the last one examined.
  let endId = MIN_ID;
  if (next) {
    // The loop stopped before consuming `next` (attempts or count ran out) — raxNext returns it.
    endId = next[0];
  }
  return [idToString(endId), claimed, deletedIds];
}

// --- XINFO ---------------------------------------------------------------------------------

function xinfoStream(ctx: Session, argv: Bytes[]): Reply {
  const o = ctx.db.lookupRead(argv[2]!);
  if (!o) return NO_SUCH_KEY;
  if (o.type !== 'stream') return WRONGTYPE;
  const s = getStream(o);
  let full = true;
  let count = 10;
  const optc = argv.length - 3;
  if (optc === 0) {
    full = false;
  } else {
    if (optc !== 1 && optc !== 3) return subcommandSyntax(argv);
    if (!eqi(argv[3]!, 'full')) return subcommandSyntax(argv);
    if (optc === 3) {
      if (!eqi(argv[4]!, 'count')) return subcommandSyntax(argv);
      const c = parseLL(argv[5]!);
      if (c === null) return NOT_INTEGER;
      count = c < 0n ? 10 : Number(c);
    }
  }
  const m: Array<[Reply, Reply]> = [
    ['length', s.length],
    ['radix-tree-keys', s.radixTreeKeys],
    ['radix-tree-nodes', s.radixTreeNodes],
    ['last-generated-id', idToString(s.lastId)],
    ['max-deleted-entry-id', idToString(s.maxDeletedId)],
    ['entries-added', intReply(s.entriesAdded)],
    ['recorded-first-entry-id', idToString(s.firstId)],
  ];
  if (!full) {
    m.push(['groups', s.groups ? s.groups.size : 0]);
    let first: Reply = null;
    for (const e of s.range(MIN_ID, MAX_ID)) {
      first = entryReply(e);
      break;
    }
    let last: Reply = null;
    for (const e of s.range(MIN_ID, MAX_ID, true)) {
      last = entryReply(e);
      break;
    }
    m.push(['first-entry', first], ['last-entry', last]);
    return new MapReply(m);
  }
  const entries: Reply[] = [];
  for (const e of s.range(MIN_ID, MAX_ID)) {
    entries.push(entryReply(e));
    if (count && entries.length === count) break;
  }
  m.push(['entries', entries]);
  const groups: Reply[] = [];
  for (const [name, g] of s.sortedGroups()) {
    const pending: Reply[] = [];
    for (const [id, nack] of g.pel.entries()) {
      if (count && pending.length >= count) break;
      pending.push([idToString(id), nack.consumer!.name, nack.deliveryTime, intReply(nack.deliveryCount)]);
    }
    const consumers: Reply[] = [];
    for (const [cname, c] of sortedConsumers(g)) {
      const cpel: Reply[] = [];
      for (const [id, nack] of c.pel.entries()) {
        if (count && cpel.length >= count) break;
        cpel.push([idToString(id), nack.deliveryTime, intReply(nack.deliveryCount)]);
      }
      consumers.push(
        new MapReply([
          ['name', cname],
          ['seen-time', c.seenTime],
          ['active-time', c.activeTime],
          ['pel-count', c.pel.size],
          ['pending', cpel],
        ]),
      );
    }
    const lag = s.groupLag(g);
    groups.push(
      new MapReply([
        ['name', name],
        ['last-delivered-id', idToString(g.lastId)],
        ['entries-read', g.entriesRead === INVALID_ENTRIES_READ ? null : intReply(g.entriesRead)],
        ['lag', lag === null ? null : intReply(lag)],
        ['pel-count', g.pel.size],
        ['pending', pending],
        ['consumers', consumers],
      ]),
    );
  }
  m.push(['groups', groups]);
  return new MapReply(m);
}

function xinfoGroups(ctx: Session, argv: Bytes[]): Reply {
  const o = ctx.db.lookupRead(argv[2]!);
  if (!o) return NO_SUCH_KEY;
  if (o.type !== 'stream') return WRONGTYPE;
  const s = getStream(o);
  const out: Reply[] = [];
  for (const [name, g] of s.sortedGroups()) {
    const lag = s.groupLag(g);
    out.push(
      new MapReply([
        ['name', name],
        ['consumers', g.consumers.size],
        ['pending', g.pel.size],
        ['last-delivered-id', idToString(g.lastId)],
        ['entries-read', g.entriesRead === INVALID_ENTRIES_READ ? null : intReply(g.entriesRead)],
        ['lag', lag === null ? null : intReply(lag)],
      ]),
    );
  }
  return out;
}

function xinfoConsumers(ctx: Session, argv: Bytes[]): Reply {
  const key = argv[2]!;
  const o = ctx.db.lookupRead(key);
  if (!o) return NO_SUCH_KEY;
  if (o.type !== 'stream') return WRONGTYPE;
  const g = getStream(o).group(argv[3]!);
  if (!g) return noGroupForKey(argv[3]!, key);
  const now = ctx.now;
  const out: Reply[] = [];
  for (const [name, c] of sortedConsumers(g)) {
    const inactive = c.activeTime !== -1 ? now - c.activeTime : -1;
    const idle = Math.max(0, now - c.seenTime);
    out.push(
      new MapReply([
        ['name', name],
        ['pending', c.pel.size],
        ['idle', idle],
        ['inactive', inactive],
      ]),
    );
  }
  return out;
}

export const streamCommands: HandlerMap = {
  xadd,
  xtrim,
  xlen(ctx, argv) {
    const o = ctx.db.lookupRead(argv[1]!);
    if (!o) return 0;
    if (o.type !== 'stream') return WRONGTYPE;
    return getStream(o).length;
  },
  xrange: (ctx, argv) => xrangeGeneric(ctx, argv, false),
  xrevrange: (ctx, argv) => xrangeGeneric(ctx, argv, true),
  xdel,
  xread: (ctx, argv) => xreadGeneric(ctx, argv, false),
  xreadgroup: (ctx, argv) => xreadGeneric(ctx, argv, true),
  'xgroup|create': xgroupCreate,
  'xgroup|setid': xgroupSetid,
  'xgroup|destroy': xgroupDestroy,
  'xgroup|createconsumer': xgroupCreateConsumer,
  'xgroup|delconsumer': xgroupDelConsumer,
  'xgroup|help': () => XGROUP_HELP,
  xsetid,
  xack,
  xpending,
  xclaim,
  xautoclaim,
  'xinfo|stream': xinfoStream,
  'xinfo|groups': xinfoGroups,
  'xinfo|consumers': xinfoConsumers,
  'xinfo|help': () => XINFO_HELP,
};
