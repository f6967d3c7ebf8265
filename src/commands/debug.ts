import path from 'node:path';
import type { Bytes } from '../engine/bytes.js';
import { datasetDigest, digestHex, keyValueDigest } from '../engine/digest.js';
import { NO_SUCH_KEY, NOT_POSITIVE } from '../engine/errors.js';
import { objectIdleTimeMs } from '../engine/evict.js';
import type { RedisObject } from '../engine/object.js';
import { parseStrictInt } from '../engine/object.js';
import {
  BigNumberReply, BoolReply, DoubleReply, ErrorReply, MapReply, OK, PushReply, SetReply, StatusReply,
  VerbatimReply, type Reply,
} from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import type { ListObject } from '../engine/types/list.js';
import { StringObject } from '../engine/types/string.js';
import { replayAofSync } from '../persistence/aof/load.js';
import { attachAof } from '../persistence/aof/writer.js';
import { loadRdbIntoEngineSync } from '../persistence/rdb/engine-bridge.js';
import { scriptHost } from '../scripting/host.js';
import { saveEngineRdb } from '../persistence/rdb/save.js';
import { helpReply } from './pubsub.js';

const AOF_NOT_ON = new ErrorReply('ERR DEBUG LOADAOF needs appendonly yes: there is no AOF to load');
import type { HandlerMap } from './table.js';

const WRONG_PROTOCOL_TYPE = new ErrorReply(
  'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
);
const NOT_LISTPACK = new ErrorReply('ERR Not a listpack encoded object.');
const NOT_QUICKLIST = new ErrorReply('ERR Not a quicklist encoded object.');
const RESP2_UNSUPPORTED = new ErrorReply('ERR RESP2 is not supported by this command');

function syntaxError(sub: Bytes): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try DEBUG HELP.`);
}

/** Redis's DEBUG HELP text (7.0.15 lists the same subcommands). */
const DEBUG_HELP = [
  "AOF-FLUSH-SLEEP <microsec>",
  "    Server will sleep before flushing the AOF, this is used for testing.",
  "ASSERT",
  "    Crash by assertion failed.",
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Like CONFIG REWRITE but writes all configuration options, including",
  "    keywords not listed in original configuration file or default values.",
  "CRASH-AND-RECOVER [<milliseconds>]",
  "    Hard crash and restart after a <milliseconds> delay (default 0).",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "LEAK <string>",
  "    Create a memory leak of the input string.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "HTSTATS <dbid>",
  "    Return hash table statistics of the specified Redis database.",
  "HTSTATS-KEY <key>",
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "REPLICATE <string>",
  "    Replicates the provided string to replicas, allowing data divergence.",
  "MALLCTL <key> [<val>]",
  "    Get or set a malloc tuning integer.",
  "MALLCTL-STR <key> [<val>]",
  "    Get or set a malloc tuning string.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "DROP-CLUSTER-PACKET-FILTER <packet-type>",
  "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
  "OOM",
  "    Crash the server simulating an out-of-memory error.",
  "PANIC",
  "    Crash the server simulating a panic.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "RESTART [<milliseconds>]",
  "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
  "SDSLEN <key>",
  "    Show low level SDS string info representing `key` and value.",
  "SEGFAULT",
  "    Crash the server with sigsegv.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "STRINGMATCH-TEST",
  "    Run a fuzz tester against the stringmatchlen() function.",
  "STRUCTSIZE",
  "    Return the size of different Redis core C structures.",
  "LISTPACK <key>",
  "    Show low level info about the listpack encoding of <key>.",
  "QUICKLIST <key> [<0|1>]",
  "    Show low level info about the quicklist encoding of <key>.",
  "    The optional argument (0 by default) sets the level of detail",
  "CLIENT-EVICTION",
  "    Show low level client eviction pools info (maxmemory-clients).",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
  "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
  "    In case NEVER is provided the last observed peak will never be reset",
  "    In case RESET is provided the peak reset time will be restored to the default value",
  "REPLYBUFFER RESIZING <0|1>",
  "    Enable or disable the reply buffer resize cron job",
  "CLUSTERLINK KILL <to|from|all> <node-id>",
  "    Kills the link based on the direction to/from (both) with the provided node.",
];

/** C atoi: leading spaces, optional sign, digits; anything else stops. */
function atoi(s: Bytes): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) | 0 : 0;
}

/** C strtod on a prefix; 0 when nothing parses. */
function strtod(s: Bytes): number {
  const v = parseFloat(s);
  return Number.isNaN(v) ? 0 : v;
}

/**
 * DEBUG SLEEP blocks the whole server in Redis; in process it blocks the event loop the same
 * way (Atomics.wait parks the thread without spinning).
 */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// Stable fake addresses for DEBUG OBJECT's "Value at:%p".
const addresses = new WeakMap<RedisObject, string>();
let nextAddress = 0x7f0000100000;
function addressOf(o: RedisObject): string {
  let a = addresses.get(o);
  if (!a) {
    a = '0x' + nextAddress.toString(16);
    nextAddress += 0x10;
    addresses.set(o, a);
  }
  return a;
}

/** rdbSaveLen's size: 1, 2, 5 or 9 bytes. */
function lenSize(n: number): number {
  return n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffff ? 5 : 9;
}

function stringSavedLen(s: Bytes): number {
  // rdbTryIntegerEncoding: small integers are saved as 8/16/32-bit ints.
  const v = s.length <= 11 ? parseStrictInt(s) : null;
  if (v !== null) {
    if (v >= -128n && v <= 127n) return 2;
    if (v >= -32768n && v <= 32767n) return 3;
    if (v >= -2147483648n && v <= 2147483647n) return 5;
  }
  return lenSize(s.length) + s.length;
}

/** An estimate of rdbSavedObjectLen (exact for strings without LZF compression). */
function serializedLength(o: RedisObject): number {
  const any = o as unknown as Record<string, unknown>;
  if (o instanceof StringObject) return stringSavedLen(o.value);
  let total = 0;
  let n = 0;
  const add = (s: Bytes) => {
    total += lenSize(s.length) + s.length;
    n++;
  };
  if (typeof any['items'] === 'function') for (const x of (any['items'] as () => Iterable<Bytes>).call(o)) add(x);
  else if (typeof any['members'] === 'function') for (const x of (any['members'] as () => Iterable<Bytes>).call(o)) add(x);
  else if (typeof any['entries'] === 'function') {
    for (const e of (any['entries'] as () => Iterable<unknown>).call(o)) {
      if (Array.isArray(e)) {
        add(String(e[0]));
        add(String(e[1]));
      } else {
        const fields = (e as { fields: Bytes[] }).fields;
        total += 16;
        for (const f of fields) add(f);
      }
    }
  }
  return total + lenSize(n) + 11; // listpack header and end byte, roughly
}

function debugObject(ctx: Session, key: Bytes): Reply {
  const o = ctx.db.dict.get(key);
  if (!o) return NO_SUCH_KEY;
  const engine = ctx.engine;
  let refcount = 1;
  if (o instanceof StringObject && o.encoding === 'int') {
    // Shared integers 0..9999 (OBJ_SHARED_REFCOUNT) unless the policy needs per-object LRU/LFU.
    const v = parseStrictInt(o.value);
    const policy = engine.config.maxmemoryPolicy;
    const noShared = engine.config.maxmemory !== 0 && (policy.includes('lru') || policy.includes('lfu'));
    if (v !== null && v >= 0n && v < 10000n && !noShared) refcount = 2147483647;
  }
  let extra = '';
  if (o.encoding === 'quicklist') {
    const ql = (o as ListObject).quicklist!;
    const nodes = ql.nodeStats();
    extra =
      ` ql_nodes:${nodes.length} ql_avg_node:${(ql.count / nodes.length).toFixed(2)} ql_listpack_max:${ql.fill}` +
      ` ql_compressed:${engine.config.listCompressDepth !== 0 ? 1 : 0} ql_uncompressed_size:${nodes.reduce((a, n) => a + n.sz, 0)}`;
  }
  const idle = Math.floor(objectIdleTimeMs(engine, o) / 1000);
  return new StatusReply(
    `Value at:${addressOf(o)} refcount:${refcount} encoding:${o.encoding} serializedlength:${serializedLength(o)} ` +
      `lru:${o.lru} lru_seconds_idle:${idle}${extra}`,
  );
}

function debugProtocol(ctx: Session, name: Bytes): Reply {
  switch (name.toLowerCase()) {
    case 'string': return 'Hello World';
    case 'integer': return 12345;
    case 'double': return new DoubleReply(3.141);
    case 'bignum': return new BigNumberReply('1234567999999999999999999999999999999');
    case 'null': return null;
    case 'array': return [0, 1, 2];
    case 'set': return new SetReply([0, 1, 2]);
    case 'map': return new MapReply([[0, new BoolReply(false)], [1, new BoolReply(true)], [2, new BoolReply(false)]]);
    // Attributes have no reply value here; RESP2 sends only the reply that follows anyway.
    case 'attrib': return 'Some real reply following the attribute';
    case 'push':
      if (ctx.protocol < 3) return RESP2_UNSUPPORTED;
      ctx.push(new PushReply(['server-cpu-usage', 42]));
      return 'Some real reply following the push reply';
    case 'true': return new BoolReply(true);
    case 'false': return new BoolReply(false);
    case 'verbatim': return new VerbatimReply('txt', 'This is a verbatim\nstring');
    default: return WRONG_PROTOCOL_TYPE;
  }
}

function populate(ctx: Session, argv: Bytes[]): Reply {
  // getPositiveLongFromObjectOrReply: a non-number is "out of range" too.
  const count = parseStrictInt(argv[2]!);
  if (count === null || count < 0n) return NOT_POSITIVE('value');
  let size = 0;
  if (argv.length === 5) {
    const s = parseStrictInt(argv[4]!);
    if (s === null || s < 0n) return NOT_POSITIVE('value');
    size = Number(s);
  }
  const prefix = argv.length >= 4 ? argv[3]! : 'key';
  const n = Number(count);
  for (let j = 0; j < n; j++) {
    const key = `${prefix}:${j}`;
    if (ctx.db.lookupWrite(key) !== undefined) continue;
    let val = `value:${j}`;
    if (size > 0) val = val.length >= size ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
    ctx.db.add(key, new StringObject(val, val.length <= 44 ? 'embstr' : 'raw'));
    ctx.db.signalModified(key);
  }
  // DEBUG POPULATE is not propagated (Redis documents it as such).
  ctx.preventPropagation();
  return OK;
}

export const debugCommands: HandlerMap = {
  debug(ctx, argv) {
    const sub = argv[1]!.toLowerCase();
    const argc = argv.length;
    if (sub === 'help' && argc === 2) return helpReply(DEBUG_HELP, 'DEBUG');
    if (sub === 'digest' && argc === 2) return new StatusReply(digestHex(datasetDigest(ctx.engine)));
    if (sub === 'digest-value') {
      const out: Reply[] = [];
      for (let j = 2; j < argc; j++) out.push(new StatusReply(digestHex(keyValueDigest(ctx.db, argv[j]!))));
      return out;
    }
    if (sub === 'object' && argc === 3) return debugObject(ctx, argv[2]!);
    if (sub === 'sleep' && argc === 3) {
      sleepSync(strtod(argv[2]!) * 1000);
      return OK;
    }
    if (sub === 'set-active-expire' && argc === 3) {
      ctx.engine.activeExpire.enabled = atoi(argv[2]!) !== 0;
      return OK;
    }
    if ((sub === 'set-skip-checksum-validation' || sub === 'aof-flush-sleep') && argc === 3) return OK;
    if (sub === 'change-repl-id' && argc === 2) return OK;
    // Redis prints the structure on its stdout; in process there is nothing to print.
    if (sub === 'listpack' && argc === 3) {
      const o = ctx.db.peek(argv[2]!);
      if (!o) return NO_SUCH_KEY;
      return o.encoding === 'listpack' ? new StatusReply('Listpack structure printed on stdout') : NOT_LISTPACK;
    }
    if (sub === 'quicklist' && (argc === 3 || argc === 4)) {
      const o = ctx.db.peek(argv[2]!);
      if (!o) return NO_SUCH_KEY;
      return o.encoding === 'quicklist' ? new StatusReply('Quicklist structure printed on stdout') : NOT_QUICKLIST;
    }
    if (sub === 'log' && argc === 3) return OK;
    if (sub === 'leak' && argc === 3) return OK;
    if (sub === 'error' && argc === 3) return new ErrorReply(argv[2]!.replace(/[\r\n]/g, ' '));
    if (sub === 'protocol' && argc === 3) return debugProtocol(ctx, argv[2]!);
    if (sub === 'populate' && argc >= 3 && argc <= 5) return populate(ctx, argv);
    if (sub === 'reload') return debugReload(ctx, argv);
    if (sub === 'loadaof') return debugLoadAof(ctx);
    return syntaxError(argv[1]!);
  },
};

/**
 * DEBUG LOADAOF: flush the AOF, empty the dataset (functions too, as emptyData), load the
 * AOF back (loadAppendOnlyFiles) — proves what was appended replays to the same data.
 * Extra arguments are ignored, as Redis does. With the AOF off Redis 7.0 exits (there is
 * nothing to load); an in-process engine answers an error instead.
 */
function debugLoadAof(ctx: Session): Reply {
  const e = ctx.engine;
  const w = attachAof(e);
  if (w.state === 'off') return AOF_NOT_ON;
  try {
    w.flush(true);
  } catch (err) {
    return new ErrorReply(`ERR Error flushing the AOF: ${(err as Error).message}`);
  }
  for (const db of e.dbs) db.flush();
  scriptHost(e).flushFunctions();
  try {
    replayAofSync(path.join(w.dir, w.manifestName), e);
  } catch (err) {
    return new ErrorReply(`ERR Error loading the AOF: ${(err as Error).message}`);
  }
  e.dirty = 0; // what was loaded is not a change to persist or propagate
  return OK;
}

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB, empty the dataset, load the file
 * back — proves the dataset survives a save/load cycle.
 */
function debugReload(ctx: Session, argv: Bytes[]): Reply {
  let flush = true;
  let save = true;
  let merge = false;
  for (const opt of argv.slice(2)) {
    const o = opt.toLowerCase();
    if (o === 'merge') merge = true;
    else if (o === 'noflush') flush = false;
    else if (o === 'nosave') save = false;
    else return new ErrorReply('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  }
  const e = ctx.engine;
  const file = path.join(e.config.dir, e.config.dbfilename);
  if (save) {
    try {
      saveEngineRdb(e, file);
    } catch {
      return new ErrorReply('ERR Error trying to save the DB, check server logs.');
    }
  }
  if (flush && !merge) for (const db of e.dbs) db.flush();
  try {
    const r = loadRdbIntoEngineSync(file, e);
    e.rdb.lastLoadKeysLoaded = r.keys;
    e.rdb.lastLoadKeysExpired = r.expired;
  } catch {
    return new ErrorReply('ERR Error trying to load the RDB dump, check server logs.');
  }
  return OK;
}
