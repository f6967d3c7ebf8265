import type { Bytes } from '../engine/bytes.js';
import { NOT_INTEGER } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { ErrorReply, MapReply, OK, type Reply, SetReply, StatusReply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { scriptHost, sha1hex } from '../scripting/host.js';
import { dumpFunctions, libraryName, parseFunctionDump } from '../scripting/dump.js';
import type { HandlerMap } from './table.js';

/** eval.c / script.c error replies, as Redis 7.2 sends them. */
const NOSCRIPT = new ErrorReply('NOSCRIPT No matching script. Please use EVAL.');
const KEYS_GT_ARGS = new ErrorReply("ERR Number of keys can't be greater than number of args");
const KEYS_NEGATIVE = new ErrorReply("ERR Number of keys can't be negative");
const FLUSH_OPTION = new ErrorReply('ERR SCRIPT FLUSH only support SYNC|ASYNC option');
const NOTBUSY = new ErrorReply('NOTBUSY No scripts in execution right now.');
const UNKILLABLE = new ErrorReply(
  'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
);
/** The Lua debugger (LDB) needs an interactive client; redscope has none. */
const DEBUG_UNSUPPORTED = new ErrorReply('ERR SCRIPT DEBUG is not supported by redscope');
const DEBUG_OPTION = new ErrorReply('ERR Use SCRIPT DEBUG YES/SYNC/NO');

const SCRIPT_HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

/** The order Redis lists script flags in (scriptFlags in script.c). */
const FLAG_ORDER = ['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys'];

const SHEBANG_FLAGS = new Set(['no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys']);

/**
 * evalExtractShebangFlags: "#!lua [flags=a,b]" on the first line. Returns whether the script
 * declared no-writes, or an error. The shebang text is blanked (its newline kept) so line
 * numbers in errors stay the user's.
 */
function shebang(body: Bytes): { body: Bytes; noWrites: boolean } | ErrorReply {
  if (!body.startsWith('#!')) return { body, noWrites: false };
  const nl = body.indexOf('\n');
  const line = nl < 0 ? body : body.slice(0, nl);
  const parts = line.slice(2).split(' ').filter((p) => p !== '');
  if (parts[0] !== 'lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${parts[0] ?? ''}`);
  let noWrites = false;
  for (const p of parts.slice(1)) {
    if (!p.startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${p}`);
    for (const f of p.slice(6).split(',')) {
      if (f === '') continue;
      if (!SHEBANG_FLAGS.has(f)) return new ErrorReply(`ERR Unexpected flag in script shebang: ${f}`);
      if (f === 'no-writes') noWrites = true;
    }
  }
  return { body: nl < 0 ? '' : body.slice(nl), noWrites };
}

/** Flags of cached scripts that came with a shebang, by sha. */
const noWritesBySha = new WeakMap<object, Set<string>>();

function numKeys(argv: Bytes[]): number | ErrorReply {
  const s = argv[2]!;
  if (!/^-?\d+$/.test(s) || (s.length > 1 && (s[0] === '0' || s.startsWith('-0')))) return NOT_INTEGER;
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return NOT_INTEGER;
  if (n > argv.length - 3) return KEYS_GT_ARGS;
  if (n < 0) return KEYS_NEGATIVE;
  return n;
}

function loadScript(ctx: Session, body: Bytes): string | ErrorReply {
  const host = scriptHost(ctx.engine);
  const sha = sha1hex(body);
  if (host.scripts.has(sha)) return sha;
  const sb = shebang(body);
  if (sb instanceof ErrorReply) return sb;
  const r = host.loadAs(sha, body, sb.body);
  if (r instanceof ErrorReply) return r;
  let set = noWritesBySha.get(host);
  if (!set) noWritesBySha.set(host, (set = new Set()));
  if (sb.noWrites) set.add(sha);
  else set.delete(sha);
  return sha;
}

function evalGeneric(ctx: Session, argv: Bytes[], bySha: boolean, readonly: boolean): Reply {
  const nk = numKeys(argv);
  if (nk instanceof ErrorReply) return nk;
  const host = scriptHost(ctx.engine);
  let sha: string;
  if (bySha) {
    sha = argv[1]!.toLowerCase();
    if (sha.length !== 40 || !host.scripts.has(sha)) return NOSCRIPT;
  } else {
    const r = loadScript(ctx, argv[1]!);
    if (r instanceof ErrorReply) return r;
    sha = r;
  }
  // Only the commands the script runs are propagated (effects replication).
  ctx.preventPropagation();
  const noWrites = readonly || (noWritesBySha.get(host)?.has(sha) ?? false);
  return host.execute(ctx, sha, nk, argv.slice(3), noWrites);
}

const FUNCTION_NOT_FOUND = new ErrorReply('ERR Function not found');
const BAD_NUMKEYS = new ErrorReply('ERR Bad number of keys provided');
const RO_WITH_WRITE_FLAG = new ErrorReply('ERR Can not execute a script with write flag using *_ro command.');
const LIBRARY_NOT_FOUND = new ErrorReply('ERR Library not found');
const FUNCTION_FLUSH_OPTION = new ErrorReply('ERR FUNCTION FLUSH only supports SYNC|ASYNC option');
const LIBRARYNAME_MISSING = new ErrorReply('ERR library name argument was not given');
const RESTORE_POLICY = new ErrorReply('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.');

const FUNCTION_HELP = [
  'FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Create a new library with the given library name and code.',
  'DELETE <LIBRARY NAME>',
  '    Delete the given library.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Return general information on all the libraries:',
  '    * Library name',
  '    * The engine used to run the Library',
  '    * Library description',
  '    * Functions list',
  '    * Library code (if WITHCODE is given)',
  '    It also possible to get only function that matches a pattern using LIBRARYNAME argument.',
  'STATS',
  '    Return information about the current function running:',
  '    * Function name',
  '    * Command used to run the function',
  '    * Duration in MS that the function is running',
  '    If no function is running, return nil',
  '    In addition, returns a list of available engines.',
  'KILL',
  '    Kill the current running function.',
  'FLUSH [ASYNC|SYNC]',
  '    Delete all the libraries.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the libraries.',
  '    * SYNC: Synchronously flush the libraries.',
  'DUMP',
  '    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Restore the libraries represented by the given payload, it is possible to give a restore policy to',
  '    control how to handle existing libraries (default APPEND):',
  '    * FLUSH: delete all existing libraries.',
  '    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.',
  '    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old',
  '      libraries with the new libraries (notice that even on this option there is a chance of failure',
  '      in case of functions name collision with another library).',
  'HELP',
  '    Prints this help.',
].map((l) => new StatusReply(l));

function fcallGeneric(ctx: Session, argv: Bytes[], readonly: boolean): Reply {
  const host = scriptHost(ctx.engine);
  const fn = host.functions.get(argv[1]!.toLowerCase());
  if (!fn) return FUNCTION_NOT_FOUND;
  const nk = numKeys(argv);
  if (nk === NOT_INTEGER) return BAD_NUMKEYS;
  if (nk instanceof ErrorReply) return nk;
  if (readonly && !fn.flags.includes('no-writes')) return RO_WITH_WRITE_FLAG;
  ctx.preventPropagation();
  return host.fcall(ctx, fn, nk, argv.slice(3), readonly);
}

export const scriptingCommands: HandlerMap = {
  fcall: (ctx, argv) => fcallGeneric(ctx, argv, false),
  fcall_ro: (ctx, argv) => fcallGeneric(ctx, argv, true),
  'function|load'(ctx, argv) {
    let replace = false;
    let i = 2;
    if (argv.length > 3) {
      if (argv[2]!.toLowerCase() !== 'replace') return new ErrorReply(`ERR Unknown option given: ${argv[2]}`);
      replace = true;
      i = 3;
      if (argv.length > 4) return new ErrorReply(`ERR Unknown option given: ${argv[3]}`);
    }
    const r = scriptHost(ctx.engine).loadLibrary(argv[i]!, replace);
    if (r instanceof ErrorReply) return r;
    ctx.engine.dirty++;
    return r;
  },
  'function|delete'(ctx, argv) {
    if (!scriptHost(ctx.engine).deleteLibrary(argv[2]!)) return LIBRARY_NOT_FOUND;
    ctx.engine.dirty++;
    return OK;
  },
  'function|flush'(ctx, argv) {
    if (argv.length > 3) return FUNCTION_FLUSH_OPTION;
    if (argv.length === 3) {
      const m = argv[2]!.toLowerCase();
      if (m !== 'sync' && m !== 'async') return FUNCTION_FLUSH_OPTION;
    }
    scriptHost(ctx.engine).flushFunctions();
    ctx.engine.dirty++;
    return OK;
  },
  'function|list'(ctx, argv) {
    let withCode = false;
    let pattern: Bytes | null = null;
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i]!.toLowerCase();
      if (a === 'withcode' && !withCode) withCode = true;
      else if (a === 'libraryname' && pattern === null) {
        if (i + 1 >= argv.length) return LIBRARYNAME_MISSING;
        pattern = argv[++i]!;
      } else return new ErrorReply(`ERR Unknown argument ${argv[i]}`);
    }
    const out: Reply[] = [];
    for (const lib of scriptHost(ctx.engine).libraries.values()) {
      if (pattern !== null && !globMatch(pattern, lib.name)) continue;
      const entries: Array<[Reply, Reply]> = [
        ['library_name', lib.name],
        ['engine', 'LUA'],
        ['functions', lib.functions.map((f) => new MapReply([
          ['name', f.name],
          ['description', f.description],
          ['flags', new SetReply(FLAG_ORDER.filter((x) => f.flags.includes(x)).map((x) => new StatusReply(x)))],
        ]))],
      ];
      if (withCode) entries.push(['library_code', lib.code]);
      out.push(new MapReply(entries));
    }
    return out;
  },
  'function|stats'(ctx) {
    const host = scriptHost(ctx.engine);
    let functions = 0;
    for (const lib of host.libraries.values()) functions += lib.functions.length;
    return new MapReply([
      ['running_script', null],
      ['engines', new MapReply([
        ['LUA', new MapReply([['libraries_count', host.libraries.size], ['functions_count', functions]])],
      ])],
    ]);
  },
  'function|kill'(ctx) {
    const r = scriptHost(ctx.engine).kill();
    if (r === 'notbusy') return NOTBUSY;
    if (r === 'unkillable') return UNKILLABLE;
    return OK;
  },
  'function|dump'(ctx) {
    return dumpFunctions([...scriptHost(ctx.engine).libraries.values()].map((l) => l.code));
  },
  'function|restore'(ctx, argv) {
    let policy: 'append' | 'replace' | 'flush' = 'append';
    if (argv.length > 3) {
      const p = argv[3]!.toLowerCase();
      if (p !== 'append' && p !== 'replace' && p !== 'flush') return RESTORE_POLICY;
      policy = p;
    }
    const codes = parseFunctionDump(argv[2]!);
    if (codes instanceof ErrorReply) return codes;
    const host = scriptHost(ctx.engine);
    const before = [...host.libraries.values()].map((l) => l.code);
    if (policy === 'flush') host.flushFunctions();
    for (const code of codes) {
      let r: string | ErrorReply;
      const name = libraryName(code);
      if (policy === 'append' && name !== null && host.libraries.has(name)) r = new ErrorReply(`ERR Library ${name} already exists`);
      else r = host.loadLibrary(code, policy === 'replace');
      if (r instanceof ErrorReply) {
        // All or nothing: put the libraries back as they were.
        host.flushFunctions();
        for (const c of before) host.loadLibrary(c, false);
        return r;
      }
    }
    ctx.engine.dirty++;
    return OK;
  },
  'function|help'() {
    return FUNCTION_HELP;
  },
  eval: (ctx, argv) => evalGeneric(ctx, argv, false, false),
  evalsha: (ctx, argv) => evalGeneric(ctx, argv, true, false),
  eval_ro: (ctx, argv) => evalGeneric(ctx, argv, false, true),
  evalsha_ro: (ctx, argv) => evalGeneric(ctx, argv, true, true),
  'script|load'(ctx, argv) {
    return loadScript(ctx, argv[2]!);
  },
  'script|exists'(ctx, argv) {
    const host = scriptHost(ctx.engine);
    return argv.slice(2).map((s) => (host.scripts.has(s.toLowerCase()) ? 1 : 0));
  },
  'script|flush'(ctx, argv) {
    if (argv.length > 3) return FLUSH_OPTION;
    if (argv.length === 3) {
      const m = argv[2]!.toLowerCase();
      if (m !== 'sync' && m !== 'async') return FLUSH_OPTION;
    }
    scriptHost(ctx.engine).flush();
    return OK;
  },
  'script|kill'(ctx) {
    const r = scriptHost(ctx.engine).kill();
    if (r === 'notbusy') return NOTBUSY;
    if (r === 'unkillable') return UNKILLABLE;
    return OK;
  },
  'script|debug'(_ctx, argv) {
    const m = argv[2]!.toLowerCase();
    if (m === 'no') return OK;
    if (m === 'yes' || m === 'sync') return DEBUG_UNSUPPORTED;
    return DEBUG_OPTION;
  },
  'script|help'() {
    return SCRIPT_HELP;
  },
};
