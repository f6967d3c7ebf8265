import { createHash } from 'node:crypto';
import type { Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import {
  BigNumberReply,
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../engine/reply.js';
import { BlockRequest, type Session } from '../engine/session.js';
import { encodeReply } from '../resp/encoder.js';
import { formatDouble } from '../resp/double.js';
import type { CommandEntry } from '../commands/table.js';
import { bitop, CjsonError, cjsonDecodeToLua, msgpackFromTokens, msgpackToLua } from './cjson.js';
import { LuaState } from './lua.js';
import { type StructArg, StructError, structPack, structSize, structUnpack } from './struct.js';

/** Errors scriptCall (script.c) gives a command a script runs; Lua adds ERR / script info. */
const UNKNOWN_COMMAND = '-ERR Unknown Redis command called from script';
const WRONG_ARITY = '-ERR Wrong number of args calling Redis command from script';
const NOT_ALLOWED = '-ERR This Redis command is not allowed from script';
const WRITE_IN_RO = '-ERR Write commands are not allowed from read-only scripts.';

export function sha1hex(body: Bytes): string {
  return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
}

/** The running script, for the messages Lua sends while it runs. */
interface RunContext {
  ctx: Session;
  readonly: boolean;
  resp: 2 | 3;
  /** mstime() when the script started (busy-reply-threshold counts from here). */
  start: number;
  /** engine.dirty at the start: a script that wrote cannot be killed (UNKILLABLE). */
  dirtyAtStart: number;
  killRequested: boolean;
}

export type KillResult = 'killed' | 'notbusy' | 'unkillable';

/**
 * Redis's scripting engine for one Engine: the script cache (SCRIPT LOAD / EVAL bodies by
 * SHA1) and the Lua state that runs them. Created on first use.
 */
export class ScriptHost {
  private lua: LuaState | null = null;
  /** sha → body, in load order (Redis's lctx.lua_scripts). */
  readonly scripts = new Map<string, Bytes>();
  private run: RunContext | null = null;
  private readonly onMessage = (msg: string): string | null => this.message(msg);

  constructor(private readonly engine: Engine) {}

  private state(): LuaState {
    return (this.lua ??= new LuaState(this.engine));
  }

  get running(): boolean {
    return this.run !== null;
  }

  /**
   * Called (synchronously, from inside the running script, about every 100k Lua instructions)
   * once the script has run longer than busy-reply-threshold. A front end that can notice a
   * SCRIPT KILL or Ctrl-C meanwhile calls kill() from here.
   */
  onBusy: ((host: ScriptHost, elapsedMs: number) => void) | null = null;

  /** How long the running script has run, or -1. */
  elapsed(): number {
    return this.run ? this.engine.mstime() - this.run.start : -1;
  }

  /** SCRIPT KILL: stops a running script that has not written. */
  kill(): KillResult {
    const run = this.run;
    if (!run) return 'notbusy';
    if (this.engine.dirty !== run.dirtyAtStart) return 'unkillable';
    run.killRequested = true;
    return 'killed';
  }

  /** Compiles and caches `body`; returns its sha, or the compile error reply. */
  load(body: Bytes): string | ErrorReply {
    return this.loadAs(sha1hex(body), body, body);
  }

  /** Caches `body` under `sha`, compiling `code` (the body with any shebang line blanked). */
  loadAs(sha: string, body: Bytes, code: Bytes): string | ErrorReply {
    if (this.scripts.has(sha)) return sha;
    const r = this.state().request(`L${sha}${code}`, this.onMessage);
    if (r.charCodeAt(0) === 88 /* X */) {
      return new ErrorReply(`ERR Error compiling script (new function): ${clean(r.slice(1))}`);
    }
    this.scripts.set(sha, body);
    return sha;
  }

  flush(): void {
    this.scripts.clear();
    if (this.lua) this.lua.request('F', this.onMessage);
  }

  /** Runs a cached script with KEYS = args[0..numkeys) and ARGV = the rest. */
  execute(ctx: Session, sha: string, numkeys: number, args: Bytes[], readonly: boolean): Reply {
    let req = `E${sha}${numkeys}\n${args.length}\n`;
    for (const a of args) req += `${a.length}\n${a}`;
    return this.runRequest(ctx, req, readonly, sha);
  }

  // --- Redis Functions ------------------------------------------------------------------

  /** Libraries by name, in load order. */
  readonly libraries = new Map<string, LibraryInfo>();
  /** Functions by lower-case name (FCALL looks names up case-insensitively). */
  readonly functions = new Map<string, FunctionInfo>();

  /** FUNCTION LOAD: metadata checks, run the library code, register its functions. */
  loadLibrary(code: Bytes, replace: boolean): string | ErrorReply {
    if (!code.startsWith('#!')) return new ErrorReply('ERR Missing library metadata');
    const nl = code.indexOf('\n');
    const shebang = nl < 0 ? code : code.slice(0, nl);
    const parts = shebang.slice(2).split(' ').filter((p) => p !== '');
    const engine = parts[0] ?? '';
    if (engine.toLowerCase() !== 'lua') return new ErrorReply(`ERR Engine '${engine}' not found`);
    let name: string | null = null;
    for (const p of parts.slice(1)) {
      if (!p.startsWith('name=')) return new ErrorReply(`ERR Invalid metadata value given: ${p}`);
      if (name !== null) return new ErrorReply('ERR Invalid metadata value, name argument was given multiple times');
      name = p.slice(5);
    }
    if (name === null) return new ErrorReply('ERR Library name was not given');
    if (!/^[A-Za-z0-9_]+$/.test(name)) return new ErrorReply(`ERR ${LIBRARY_NAME_RULE}`);
    const old = this.libraries.get(name);
    if (old && !replace) return new ErrorReply(`ERR Library '${name}' already exists`);
    const r = this.state().request(`N${name}\n${nl < 0 ? '' : code.slice(nl)}`, this.onMessage);
    if (r.startsWith('XC')) return new ErrorReply(`ERR Error compiling function: ${clean(r.slice(2))}`);
    if (r.startsWith('XR')) return new ErrorReply(`ERR Error registering functions: ${r.slice(2)}`);
    const fns = parseRegistrations(r, name);
    let refused: ErrorReply | null = null;
    if (fns.length === 0) refused = new ErrorReply('ERR No functions registered');
    for (const f of fns) {
      const other = this.functions.get(f.name.toLowerCase());
      if (!refused && other && other.library !== name) refused = new ErrorReply(`ERR Function ${f.name} already exists`);
    }
    if (refused) {
      this.state().request('Z', this.onMessage);
      return refused;
    }
    this.state().request('Y', this.onMessage);
    if (old) for (const f of old.functions) this.functions.delete(f.name.toLowerCase());
    this.libraries.delete(name);
    this.libraries.set(name, { name, code, functions: fns });
    for (const f of fns) this.functions.set(f.name.toLowerCase(), f);
    return name;
  }

  deleteLibrary(name: string): boolean {
    const lib = this.libraries.get(name);
    if (!lib) return false;
    for (const f of lib.functions) this.functions.delete(f.name.toLowerCase());
    this.libraries.delete(name);
    this.state().request(`D${name}`, this.onMessage);
    return true;
  }

  flushFunctions(): void {
    this.libraries.clear();
    this.functions.clear();
    if (this.lua) this.lua.request('W', this.onMessage);
  }

  /** FCALL / FCALL_RO of a registered function. */
  fcall(ctx: Session, fn: FunctionInfo, numkeys: number, args: Bytes[], readonly: boolean): Reply {
    let req = `G${fn.name}\n${numkeys}\n${args.length}\n`;
    for (const a of args) req += `${a.length}\n${a}`;
    return this.runRequest(ctx, req, readonly || fn.flags.includes('no-writes'), fn.name);
  }

  private runRequest(ctx: Session, req: string, readonly: boolean, scriptName: string): Reply {
    const saved = this.run;
    const savedDb = ctx.dbIndex;
    const savedInScript = ctx.inScript;
    this.run = {
      ctx, readonly, resp: 2, start: this.engine.mstime(), dirtyAtStart: this.engine.dirty, killRequested: false,
    };
    ctx.inScript = true;
    const savedBusy = this.engine.busyScript;
    const savedMute = ctx.muteEffects;
    this.engine.busyScript = ctx;
    let out: string;
    try {
      out = this.state().request(req, this.onMessage);
    } finally {
      this.run = saved;
      ctx.inScript = savedInScript;
      this.engine.busyScript = savedBusy;
      ctx.muteEffects = savedMute;
      // SELECT inside a script does not change the caller's database (Redis 7).
      if (ctx.dbIndex !== savedDb) ctx.select(savedDb);
    }
    if (out.charCodeAt(0) === 88 /* X */) {
      const [msg = '', source = '', line = ''] = out.slice(1).split('\n');
      if (source && line) return new ErrorReply(`${msg} script: ${scriptName}, on ${source}:${line}.`);
      return new ErrorReply(msg);
    }
    return decodeResult(out, 1).value;
  }

  private message(msg: string): string | null {
    const run = this.run;
    const c = msg.charCodeAt(0);
    if (c === 67 /* C */ && run) return this.command(run, msg);
    if (c === 75 /* K */) return run ? this.check(run) : '';
    if (c === 72 /* H */) return sha1hex(msg.slice(1));
    if (c === 74 /* J */) {
      try {
        return `O${cjsonDecodeToLua(msg.slice(1))}`;
      } catch (e) {
        if (e instanceof CjsonError) return `E${e.message}`;
        throw e;
      }
    }
    if (c === 77 /* M */) return msgpackFromTokens(msg.slice(1));
    if (c === 83 /* S */) return structMessage(msg);
    if (c === 85 /* U */) {
      try {
        const nl1 = msg.indexOf('\n');
        const nl2 = msg.indexOf('\n', nl1 + 1);
        const limit = Number(msg.slice(1, nl1));
        const offset = Number(msg.slice(nl1 + 1, nl2));
        return `O${msgpackToLua(msg.slice(nl2 + 1), limit, offset)}`;
      } catch (e) {
        if (e instanceof CjsonError) return `E${e.message}`;
        throw e;
      }
    }
    if (c === 98 /* b */) {
      const parts = msg.split('\n');
      return bitop(parts[1]!, parts.slice(2).map(Number));
    }
    if (c === 80 /* P */ && run) {
      run.resp = msg === 'P3' ? 3 : 2;
      return null;
    }
    if (c === 81 /* Q */ && run) {
      // redis.set_repl: without REPL_AOF the script's next writes are not propagated (there
      // are no replicas in process, so REPL_REPLICA alone is the same as REPL_NONE).
      run.ctx.muteEffects = (Number(msg.slice(1)) & 1) === 0;
      return null;
    }
    return null;
  }

  /** The count hook's question: has the script been killed? */
  private check(run: RunContext): string {
    if (!run.killRequested && this.onBusy) {
      const elapsed = this.engine.mstime() - run.start;
      if (elapsed >= this.engine.config.busyReplyThreshold) this.onBusy(this, elapsed);
    }
    // Sticky until the script ends: a pcall in the script may catch the error once.
    if (run.killRequested) return 'k';
    return '';
  }

  /** A redis.call / redis.pcall: parse argv, scriptCall's checks, run, encode the reply. */
  private command(run: RunContext, msg: string): string {
    let p = msg.indexOf('\n');
    const n = Number(msg.slice(1, p));
    p++;
    const argv: Bytes[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const tag = msg.charCodeAt(p);
      const nl = msg.indexOf('\n', p);
      if (tag === 115 /* s */) {
        const len = Number(msg.slice(p + 1, nl));
        argv[i] = msg.slice(nl + 1, nl + 1 + len);
        p = nl + 1 + len;
      } else {
        const d = Number(msg.slice(p + 1, nl));
        argv[i] = d === 0 ? '0' : formatDouble(d);
        p = nl + 1;
      }
    }
    const r = this.call(run, argv);
    if (typeof r === 'string') return `$${r}`;
    if (typeof r === 'number') return `:${r}`;
    if (r === null) return run.resp === 2 ? 'F' : 'N';
    if (r instanceof StatusReply) return `+${r.text}`;
    if (r instanceof ErrorReply) return `-${r.message}`;
    return `R${encodeReply(r, run.resp)}`;
  }

  private call(run: RunContext, argv: Bytes[]): Reply {
    const ctx = run.ctx;
    const entry = this.lookup(argv);
    if (!entry) return new ErrorReply(UNKNOWN_COMMAND.slice(1));
    const arity = entry.spec.arity;
    if ((arity > 0 && arity !== argv.length) || argv.length < -arity) return new ErrorReply(WRONG_ARITY.slice(1));
    if (isNoScript(entry)) return new ErrorReply(NOT_ALLOWED.slice(1));
    if (run.readonly && entry.isWrite) return new ErrorReply(WRITE_IN_RO.slice(1));
    const r = ctx.call(entry, argv);
    return r instanceof BlockRequest ? r.timeoutReply : r;
  }

  private lookup(argv: Bytes[]): CommandEntry | undefined {
    const top = this.engine.commands.get(argv[0]!.toLowerCase());
    if (!top) return undefined;
    let entry: CommandEntry | undefined = top;
    if (top.subcommands && argv.length >= 2) entry = top.subcommands.get(argv[1]!.toLowerCase());
    if (!entry || !entry.handler) return entry && entry.subcommands ? entry : undefined;
    return entry;
  }
}

export interface FunctionInfo {
  name: string;
  library: string;
  description: string | null;
  flags: string[];
}

export interface LibraryInfo {
  name: string;
  code: Bytes;
  functions: FunctionInfo[];
}

const LIBRARY_NAME_RULE =
  'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** The Lua side's list of registered functions: f<len>\n<name> [d<len>\n<desc>] g<flags,>\n ... */
function parseRegistrations(r: string, library: string): FunctionInfo[] {
  const out: FunctionInfo[] = [];
  let p = 1;
  while (p < r.length) {
    const tag = r[p];
    const nl = r.indexOf('\n', p);
    if (tag === 'f' || tag === 'd') {
      const len = Number(r.slice(p + 1, nl));
      const text = r.slice(nl + 1, nl + 1 + len);
      p = nl + 1 + len;
      if (tag === 'f') out.push({ name: text, library, description: null, flags: [] });
      else out[out.length - 1]!.description = text;
    } else {
      const flags = r.slice(p + 1, nl);
      out[out.length - 1]!.flags = flags === '' ? [] : flags.split(',');
      p = nl + 1;
    }
  }
  return out;
}

const noScriptCache = new WeakMap<CommandEntry, boolean>();
function isNoScript(e: CommandEntry): boolean {
  let v = noScriptCache.get(e);
  if (v === undefined) {
    v = e.spec.flags.includes('noscript');
    noScriptCache.set(e, v);
  }
  return v;
}

function clean(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

const LLONG_MIN = -9223372036854775808n;

/** (long long)lua_Number as the x86 conversion does: truncation, LLONG_MIN when out of range. */
function toInteger(text: string): number | bigint {
  const d = Number(text);
  if (Number.isSafeInteger(Math.trunc(d))) return Math.trunc(d) + 0;
  if (!Number.isFinite(d) || d >= 9223372036854775808 || d < -9223372036854775808) return LLONG_MIN;
  return BigInt(Math.trunc(d));
}

/** The prelude's encoding of a Lua value (see encode in prelude.ts) → Reply. */
function decodeResult(s: string, p: number): { value: Reply; next: number } {
  const c = s[p];
  switch (c) {
    case 'n':
      return { value: null, next: p + 1 };
    case 'T':
      return { value: new BoolReply(true), next: p + 1 };
    case 'F':
      return { value: new BoolReply(false), next: p + 1 };
    case 'i': {
      const nl = s.indexOf('\n', p);
      return { value: toInteger(s.slice(p + 1, nl)), next: nl + 1 };
    }
    case 'd': {
      const nl = s.indexOf('\n', p);
      return { value: new DoubleReply(Number(s.slice(p + 1, nl))), next: nl + 1 };
    }
    case 's':
    case 'E':
    case 'S':
    case 'B':
    case 'V': {
      const nl = s.indexOf('\n', p);
      const len = Number(s.slice(p + 1, nl));
      const text = s.slice(nl + 1, nl + 1 + len);
      const next = nl + 1 + len;
      if (c === 's') return { value: text, next };
      if (c === 'S') return { value: new StatusReply(text), next };
      if (c === 'B') return { value: new BigNumberReply(text), next };
      if (c === 'V') {
        // format, then the text as a second 'V' token
        const nl2 = s.indexOf('\n', next);
        const len2 = Number(s.slice(next + 1, nl2));
        const body = s.slice(nl2 + 1, nl2 + 1 + len2);
        return { value: new VerbatimReply(text, body), next: nl2 + 1 + len2 };
      }
      // {err=...} is replied as "-%s": the message exactly as the script gave it.
      return { value: new ErrorReply(text), next };
    }
    case 'a':
    case 'm':
    case 't': {
      const nl = s.indexOf('\n', p);
      const n = Number(s.slice(p + 1, nl));
      let next = nl + 1;
      if (c === 'm') {
        const entries: Array<[Reply, Reply]> = [];
        for (let i = 0; i < n; i++) {
          const k = decodeResult(s, next);
          const v = decodeResult(s, k.next);
          entries.push([k.value, v.value]);
          next = v.next;
        }
        return { value: new MapReply(entries), next };
      }
      const items: Reply[] = [];
      for (let i = 0; i < n; i++) {
        const r = decodeResult(s, next);
        items.push(r.value);
        next = r.next;
      }
      return { value: c === 't' ? new SetReply(items) : items, next };
    }
    default:
      return { value: null, next: s.length };
  }
}

const hosts = new WeakMap<Engine, ScriptHost>();

/** The engine's scripting host (created on first use). */
export function scriptHost(engine: Engine): ScriptHost {
  let h = hosts.get(engine);
  if (!h) hosts.set(engine, (h = new ScriptHost(engine)));
  return h;
}

/** 'S' <op> <args>: struct.pack ('p'), struct.unpack ('u'), struct.size ('z'). */
function structMessage(msg: string): string {
  const op = msg[1];
  const fn = op === 'p' ? 'pack' : op === 'u' ? 'unpack' : 'size';
  const args: StructArg[] = [];
  let p = 2;
  while (p < msg.length) {
    const tag = msg[p];
    const nl = msg.indexOf('\n', p);
    if (tag === 's') {
      const len = Number(msg.slice(p + 1, nl));
      args.push({ s: msg.slice(nl + 1, nl + 1 + len) });
      p = nl + 1 + len;
    } else {
      const text = msg.slice(p + 1, nl);
      args.push(tag === 'n' ? { n: Number(text) } : { t: text });
      p = nl + 1;
    }
  }
  try {
    const f = args[0];
    if (!f || (!('s' in f) && !('n' in f))) {
      throw new StructError(`bad argument #1 to '${fn}' (string expected, got ${f ? (f as { t: string }).t : 'no value'})`);
    }
    const fmt = 's' in f ? f.s : String(f.n);
    if (op === 'p') return `O${structPack(fmt, args.slice(1))}`;
    if (op === 'z') return `O${structSize(fmt)}`;
    const d = args[1];
    if (!d || (!('s' in d) && !('n' in d))) {
      throw new StructError(`bad argument #2 to 'unpack' (string expected, got ${d ? (d as { t: string }).t : 'no value'})`);
    }
    const data = 's' in d ? d.s : String(d.n);
    const start = args[2] && 'n' in args[2] ? Math.trunc(args[2].n) : 1;
    return `O${structUnpack(fmt, data, start)}`;
  } catch (e) {
    if (e instanceof StructError) return `E${e.message}`;
    throw e;
  }
}
