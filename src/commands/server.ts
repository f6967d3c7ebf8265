import os from 'node:os';
import type { Bytes } from '../engine/bytes.js';
import { CONFIG_PARAMS, type ConfigParam } from '../engine/config.js';
import type { Engine } from '../engine/engine.js';
import { SYNTAX_ERROR, wrongArity } from '../engine/errors.js';
import { globMatch } from '../engine/glob.js';
import { INVALID_EVENT_CLASS, keyspaceEventsToString, NOTIFY_NEW, parseKeyspaceEvents } from '../engine/notify.js';
import { parseStrictInt } from '../engine/object.js';
import {
  ErrorReply, MapReply, OK, SetReply, StatusReply, VerbatimReply, type Reply,
} from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { lruClock } from '../engine/evict.js';
import { performEvictions, usedMemory, usedMemoryDataset, usedMemoryPeak, USED_MEMORY_STARTUP } from '../engine/maxmemory.js';
import { aofInfoFields } from '../persistence/aof/writer.js';
import { REDIS_VERSION } from './connection.js';
import { commandHasKeys, getCommandKeys } from './keys.js';
import { helpReply } from './pubsub.js';
import type { ArgSpec, CommandDocs, CommandSpec, KeySpec } from './spec.js';
import type { CommandEntry, HandlerMap } from './table.js';

// --- errors ------------------------------------------------------------------------------

const NO_CONFIG_FILE = new ErrorReply('ERR The server is running without a config file');
const INVALID_COMMAND = new ErrorReply('ERR Invalid command specified');
const NO_KEY_ARGUMENTS = new ErrorReply('ERR The command has no key arguments');
const INVALID_ARGUMENTS = new ErrorReply('ERR Invalid arguments specified for command');
const INVALID_ARG_COUNT = new ErrorReply('ERR Invalid number of arguments specified for command');

function unknownConfigOption(name: Bytes): ErrorReply {
  return new ErrorReply(`ERR Unknown option or number of arguments for CONFIG SET - '${name}'`);
}
function configSetFailed(name: Bytes, why: string): ErrorReply {
  return new ErrorReply(`ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`);
}

// --- CONFIG ------------------------------------------------------------------------------

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
const LONG_MAX = 9223372036854775807n;

/** What Redis's config.c says about each parameter the engine keeps (type, bounds, flags). */
interface ParamRule {
  kind: 'int' | 'memory' | 'memory-percent' | 'bool' | 'enum' | 'string' | 'special';
  min?: bigint;
  max?: bigint;
  /** Redis's enum order (its error message lists them in this order). */
  enumValues?: readonly string[];
  immutable?: boolean;
  /** PROTECTED_CONFIG: refused while enable-protected-configs is no (the default). */
  protected?: boolean;
}

const I = (min: number | bigint, max: number | bigint): ParamRule => ({ kind: 'int', min: BigInt(min), max: BigInt(max) });
const M = (min: number | bigint, max: number | bigint): ParamRule => ({ kind: 'memory', min: BigInt(min), max: BigInt(max) });

const RULES: Record<string, ParamRule> = {
  'hash-max-listpack-entries': I(0, LONG_MAX),
  'hash-max-listpack-value': M(0, LONG_MAX),
  'list-max-listpack-size': I(INT_MIN, INT_MAX),
  'list-compress-depth': I(0, INT_MAX),
  'set-max-intset-entries': I(0, LONG_MAX),
  'set-max-listpack-entries': I(0, LONG_MAX),
  'set-max-listpack-value': M(0, LONG_MAX),
  'zset-max-listpack-entries': I(0, LONG_MAX),
  'zset-max-listpack-value': M(0, LONG_MAX),
  'stream-node-max-bytes': M(0, LONG_MAX),
  'stream-node-max-entries': I(0, LONG_MAX),
  'hll-sparse-max-bytes': M(0, LONG_MAX),
  maxmemory: M(0, 18446744073709551615n),
  'maxmemory-policy': {
    kind: 'enum',
    enumValues: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
  },
  'maxmemory-samples': I(1, INT_MAX),
  'lfu-log-factor': I(0, INT_MAX),
  'lfu-decay-time': I(0, INT_MAX),
  hz: I(0, INT_MAX),
  'active-expire-effort': I(1, 10),
  databases: { kind: 'int', immutable: true },
  'busy-reply-threshold': I(0, LONG_MAX),
  'notify-keyspace-events': { kind: 'special' },
  dir: { kind: 'string', protected: true },
  dbfilename: { kind: 'string', protected: true },
  appendonly: { kind: 'bool' },
  appendfilename: { kind: 'string', immutable: true },
  appenddirname: { kind: 'string', immutable: true },
  appendfsync: { kind: 'enum', enumValues: ['everysec', 'always', 'no'] },
  'aof-use-rdb-preamble': { kind: 'bool' },
  'aof-timestamp-enabled': { kind: 'bool' },
  save: { kind: 'special' },
  requirepass: { kind: 'string' },
  rdbcompression: { kind: 'bool' },
  rdbchecksum: { kind: 'bool', immutable: true },
  'sanitize-dump-payload': { kind: 'enum', enumValues: ['no', 'yes', 'clients'] },
  'lazyfree-lazy-user-del': { kind: 'bool' },
  'lazyfree-lazy-user-flush': { kind: 'bool' },
  'proto-max-bulk-len': M(1024 * 1024, LONG_MAX),
  timeout: I(0, INT_MAX),
  port: I(0, 65535),
  bind: { kind: 'string' },
};

/**
 * One CONFIG parameter as CONFIG GET/SET see it: the engine's own (CONFIG_PARAMS, stored in
 * engine.config) or one of Redis's parameters the engine accepts and keeps without acting on
 * (EXTRA_PARAMS, stored per engine here), so clients and test suites that set them work.
 */
interface Param {
  name: string;
  aliases: readonly string[];
  rule: ParamRule;
  get(engine: Engine): string;
  set(engine: Engine, value: unknown): void;
}

function ruleOf(p: ConfigParam): ParamRule {
  return RULES[p.name] ?? { kind: p.kind === 'memory' ? 'memory' : p.kind, min: p.min !== undefined ? BigInt(p.min) : undefined, max: p.max !== undefined ? BigInt(p.max) : undefined, enumValues: p.enumValues, immutable: p.immutable };
}

function coreParam(p: ConfigParam): Param {
  return {
    name: p.name,
    aliases: p.aliases,
    rule: ruleOf(p),
    get(engine) {
      const v = engine.config[p.field];
      // Redis prints the classes without 'n' when 'A' is set (keyspaceEventsFlagsToString),
      // though the flag stays on: the stored text keeps it, the shown text drops it.
      if (p.name === 'notify-keyspace-events') return keyspaceEventsToString(parseKeyspaceEvents(String(v)) ?? 0);
      return typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
    },
    set(engine, value) {
      (engine.config as unknown as Record<string, unknown>)[p.field] = value;
    },
  };
}

const extraValues = new WeakMap<Engine, Map<string, string>>();

/** [name, rule, default (as CONFIG GET shows it)]: accepted and stored, no effect in process. */
const EXTRA_PARAMS: Array<[string, ParamRule, string]> = [
  ['lazyfree-lazy-eviction', { kind: 'bool' }, 'no'],
  ['lazyfree-lazy-expire', { kind: 'bool' }, 'no'],
  ['lazyfree-lazy-server-del', { kind: 'bool' }, 'no'],
  ['replica-lazy-flush', { kind: 'bool' }, 'no'],
  ['maxmemory-clients', { kind: 'memory-percent', min: 0n, max: LONG_MAX }, '0'],
  ['maxmemory-eviction-tenacity', I(0, 100), '10'],
  ['slowlog-log-slower-than', I(-1, LONG_MAX), '10000'],
  ['slowlog-max-len', I(0, LONG_MAX), '128'],
  ['latency-tracking', { kind: 'bool' }, 'yes'],
  ['latency-monitor-threshold', I(0, LONG_MAX), '0'],
  ['latency-tracking-info-percentiles', { kind: 'string' }, '50 99 99.9'],
  ['activerehashing', { kind: 'bool' }, 'yes'],
  ['activedefrag', { kind: 'bool' }, 'no'],
  ['auto-aof-rewrite-percentage', I(0, INT_MAX), '100'],
  ['auto-aof-rewrite-min-size', M(0, LONG_MAX), '67108864'],
  ['aof-rewrite-incremental-fsync', { kind: 'bool' }, 'yes'],
  ['no-appendfsync-on-rewrite', { kind: 'bool' }, 'no'],
  ['rdb-del-sync-files', { kind: 'bool' }, 'no'],
  ['stop-writes-on-bgsave-error', { kind: 'bool' }, 'yes'],
  ['maxclients', I(1, 4294967295), '10000'],
  ['loglevel', { kind: 'enum', enumValues: ['debug', 'verbose', 'notice', 'warning', 'nothing'] }, 'notice'],
  ['tracking-table-max-keys', I(0, LONG_MAX), '1000000'],
  ['protected-mode', { kind: 'bool' }, 'yes'],
  ['replica-read-only', { kind: 'bool' }, 'yes'],
  ['repl-diskless-sync', { kind: 'bool' }, 'yes'],
  ['tcp-keepalive', I(0, INT_MAX), '300'],
  ['daemonize', { kind: 'bool', immutable: true }, 'no'],
  ['io-threads', { kind: 'int', immutable: true }, '1'],
];

function extraParam([name, rule, def]: [string, ParamRule, string]): Param {
  return {
    name,
    aliases: [],
    rule,
    get: (engine) => extraValues.get(engine)?.get(name) ?? def,
    set(engine, value) {
      let m = extraValues.get(engine);
      if (!m) extraValues.set(engine, (m = new Map()));
      m.set(name, typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value));
    },
  };
}

const PARAMS: Param[] = [...CONFIG_PARAMS.map(coreParam), ...EXTRA_PARAMS.map(extraParam)];

/** Every name CONFIG GET patterns see: canonical names and aliases, each with its param. */
const CONFIG_NAMES: Array<[string, Param]> = [];
const CONFIG_BY_NAME = new Map<string, Param>();
for (const p of PARAMS) {
  CONFIG_NAMES.push([p.name, p]);
  CONFIG_BY_NAME.set(p.name, p);
  for (const a of p.aliases) {
    CONFIG_NAMES.push([a, p]);
    CONFIG_BY_NAME.set(a, p);
  }
}

/** memtoull: digits with an optional b/k/kb/m/mb/g/gb unit; null when malformed. */
export function parseMemory(s: Bytes): bigint | null {
  const m = /^(\d*)(b|k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const digits = m[1]!;
  if (digits.length > 127) return null;
  const mul: Record<string, bigint> = { b: 1n, k: 1000n, kb: 1024n, m: 1000000n, mb: 1048576n, g: 1000000000n, gb: 1073741824n };
  const v = digits === '' ? 0n : BigInt(digits);
  if (v > 18446744073709551615n) return null;
  return (v * (mul[(m[2] ?? 'b').toLowerCase()] ?? 1n)) & 0xffffffffffffffffn;
}

/** Parses one CONFIG SET value: the value to store, or the reason it is refused. */
function parseConfigValue(p: Param, raw: Bytes): { value: unknown } | { error: string } {
  const rule = p.rule;
  switch (rule.kind) {
    case 'bool': {
      const v = raw.toLowerCase();
      if (v === 'yes') return { value: true };
      if (v === 'no') return { value: false };
      return { error: "argument must be 'yes' or 'no'" };
    }
    case 'enum': {
      const v = raw.toLowerCase();
      if (rule.enumValues!.includes(v)) return { value: v };
      return { error: `argument(s) must be one of the following: ${rule.enumValues!.join(', ')}` };
    }
    case 'memory-percent': {
      const pm = /^(\d+)%$/.exec(raw);
      if (pm) return { value: `${BigInt(pm[1]!)}%` };
      const n = parseMemory(raw);
      if (n === null) return { error: 'argument must be a memory or percent value' };
      return { value: String(n) };
    }
    case 'int':
    case 'memory': {
      let n: bigint | null;
      if (rule.kind === 'memory') {
        n = parseMemory(raw);
        if (n === null) return { error: 'argument must be a memory value' };
        if (n > LONG_MAX && rule.max !== undefined && rule.max <= LONG_MAX) n -= 18446744073709551616n;
      } else {
        n = parseStrictInt(raw);
        if (n === null) return { error: "argument couldn't be parsed into an integer" };
      }
      if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
        return { error: `argument must be between ${rule.min} and ${rule.max} inclusive` };
      }
      return { value: Number(n) };
    }
    case 'special':
      if (p.name === 'notify-keyspace-events') {
        const flags = parseKeyspaceEvents(raw);
        if (flags === null) return { error: INVALID_EVENT_CLASS };
        return { value: keyspaceEventsToString(flags) + (flags & NOTIFY_NEW && !keyspaceEventsToString(flags).includes('n') ? 'n' : '') };
      }
      if (p.name === 'save') {
        // Pairs of "<seconds> <changes>" (or empty to disable).
        const parts = raw.split(' ').filter((x) => x !== '');
        if (parts.length % 2 !== 0) return { error: 'Invalid save parameters' };
        for (const x of parts) {
          const n = parseStrictInt(x);
          if (n === null || n < 0n) return { error: 'Invalid save parameters' };
        }
        return { value: parts.join(' ') };
      }
      return { value: raw };
    default:
      return { value: raw };
  }
}

function configGet(ctx: Session, argv: Bytes[]): Reply {
  const engine = ctx.engine;
  const matches: Array<[string, Param]> = [];
  const seen = new Set<string>();
  const addMatch = (name: string, p: Param) => {
    const k = name.toLowerCase();
    if (seen.has(k)) return;
    seen.add(k);
    matches.push([name, p]);
  };
  for (let i = 2; i < argv.length; i++) {
    const pattern = argv[i]!;
    if (!/[*?[]/.test(pattern)) {
      const p = CONFIG_BY_NAME.get(pattern.toLowerCase());
      if (p) addMatch(pattern, p);
      continue;
    }
    for (const [name, p] of CONFIG_NAMES) {
      if (globMatch(pattern, name, true)) addMatch(name, p);
    }
  }
  return new MapReply(matches.map(([name, p]) => [name, p.get(engine)]));
}

function configSet(ctx: Session, argv: Bytes[]): Reply {
  if (argv.length % 2 !== 0) return SYNTAX_ERROR;
  const updates: Array<[Param, unknown]> = [];
  // Redis looks names up in a dict where each alias is an entry of its own: "hz hz" is a
  // duplicate, "hash-max-ziplist-entries … hash-max-listpack-entries …" is not.
  const seen = new Set<string>();
  for (let i = 2; i < argv.length; i += 2) {
    const name = argv[i]!;
    const p = CONFIG_BY_NAME.get(name.toLowerCase());
    if (!p) return unknownConfigOption(name);
    if (p.rule.immutable) return configSetFailed(name, "can't set immutable config");
    if (p.rule.protected) return configSetFailed(name, "can't set protected config");
    if (seen.has(name.toLowerCase())) return configSetFailed(name, 'duplicate parameter');
    seen.add(name.toLowerCase());
    const parsed = parseConfigValue(p, argv[i + 1]!);
    if ('error' in parsed) return configSetFailed(name, parsed.error);
    updates.push([p, parsed.value]);
  }
  // All values parsed: apply them together (CONFIG SET is atomic).
  for (const [p, value] of updates) p.set(ctx.engine, value);
  // A new hz changes the cron period.
  if (updates.some(([p]) => p.name === 'hz')) ctx.engine.rescheduleCron();
  // Lowering maxmemory below what is used evicts at once, as Redis does.
  if (updates.some(([p]) => p.name === 'maxmemory' || p.name === 'maxmemory-policy') && ctx.engine.config.maxmemory !== 0) {
    performEvictions(ctx.engine);
  }
  return OK;
}

function resetStats(ctx: Session): void {
  const engine = ctx.engine;
  const s = engine.stats;
  s.totalCommands = 0;
  s.expiredKeys = 0;
  s.evictedKeys = 0;
  s.keyspaceHits = 0;
  s.keyspaceMisses = 0;
  s.totalConnections = 0;
  engine.commandStats.clear();
  engine.activeExpire.statExpiredStalePerc = 0;
  engine.activeExpire.statTimeCapReached = 0;
  errorStats(ctx).clear();
}

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

// --- COMMAND -----------------------------------------------------------------------------

const status = (xs: readonly string[]) => new SetReply(xs.map((x) => new StatusReply(x)));

/** True when the entry (or, for a container, any of its subcommands) has a handler. */
function isImplemented(e: CommandEntry): boolean {
  if (e.handler) return true;
  if (e.subcommands) for (const s of e.subcommands.values()) if (s.handler) return true;
  return false;
}

function implementedSubs(e: CommandEntry): CommandEntry[] {
  return e.subcommands ? [...e.subcommands.values()].filter((s) => s.handler) : [];
}

function keySpecReply(k: KeySpec): Reply {
  const entries: Array<[Reply, Reply]> = [];
  if (k.notes !== undefined) entries.push(['notes', k.notes]);
  entries.push(['flags', status(k.flags)]);
  const bs = k.begin_search;
  entries.push(['begin_search', new MapReply([['type', bs.type], ['spec', new MapReply(Object.entries(bs.spec).map(([a, b]) => [a, b as Reply]))]])]);
  const fk = k.find_keys;
  entries.push(['find_keys', new MapReply([['type', fk.type], ['spec', new MapReply(Object.entries(fk.spec).map(([a, b]) => [a, b as Reply]))]])]);
  return new MapReply(entries);
}

/** addReplyCommandInfo. */
function commandInfoReply(e: CommandEntry): Reply {
  const s = e.spec;
  const subs = implementedSubs(e);
  return [
    s.name,
    s.arity,
    status(s.flags),
    s.firstKey,
    s.lastKey,
    s.step,
    status(s.aclCategories),
    new SetReply(s.tips.slice()),
    new SetReply(s.keySpecs.map(keySpecReply)),
    subs.length ? subs.map(commandInfoReply) : new SetReply([]),
  ];
}

function argReply(a: ArgSpec): Reply {
  const entries: Array<[Reply, Reply]> = [];
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    if (k === 'flags') entries.push([k, status(v as string[])]);
    else if (k === 'arguments') entries.push([k, (v as ArgSpec[]).map(argReply)]);
    else entries.push([k, v as Reply]);
  }
  return new MapReply(entries);
}

/** addReplyCommandDocs. */
function commandDocsReply(e: CommandEntry): Reply {
  const d: CommandDocs = e.spec.docs;
  const entries: Array<[Reply, Reply]> = [];
  if (d.summary !== undefined) entries.push(['summary', d.summary]);
  if (d.since !== undefined) entries.push(['since', d.since]);
  entries.push(['group', d.group]);
  if (d.complexity !== undefined) entries.push(['complexity', d.complexity]);
  if (d.doc_flags) entries.push(['doc_flags', status(d.doc_flags)]);
  if (d.deprecated_since !== undefined) entries.push(['deprecated_since', d.deprecated_since]);
  if (d.replaced_by !== undefined) entries.push(['replaced_by', d.replaced_by]);
  if (d.history) entries.push(['history', new SetReply(d.history.map(([v, t]) => [v, t]))]);
  if (d.arguments) entries.push(['arguments', d.arguments.map(argReply)]);
  const subs = implementedSubs(e);
  if (subs.length) entries.push(['subcommands', new MapReply(subs.map((s) => [s.fullName, commandDocsReply(s)]))]);
  return new MapReply(entries);
}

/** lookupCommandBySds: "get", or "config|get" for a subcommand. Only implemented ones. */
function lookupByFullName(ctx: Session, name: Bytes): CommandEntry | undefined {
  const parts = name.toLowerCase().split('|');
  if (parts.length > 2) return undefined;
  const top = ctx.engine.commands.get(parts[0]!);
  if (!top || !isImplemented(top)) return undefined;
  if (parts.length === 1) return top;
  const sub = top.subcommands?.get(parts[1]!);
  return sub && sub.handler ? sub : undefined;
}

function* implementedEntries(ctx: Session): Generator<CommandEntry> {
  for (const e of ctx.engine.commands.entries.values()) if (isImplemented(e)) yield e;
}

function getKeysReply(ctx: Session, argv: Bytes[], withFlags: boolean): Reply {
  const args = argv.slice(2);
  const entry = ctx.engine.commands.lookup(args);
  if (!entry || !(entry.handler || (entry.subcommands && isImplemented(entry)))) return INVALID_COMMAND;
  const spec: CommandSpec = entry.spec;
  if (!commandHasKeys(spec)) return NO_KEY_ARGUMENTS;
  if ((spec.arity > 0 && spec.arity !== args.length) || args.length < -spec.arity) return INVALID_ARG_COUNT;
  const keys = getCommandKeys(spec, args);
  if (!keys || keys.length === 0) {
    return spec.flags.includes('no_mandatory_keys') ? [] : INVALID_ARGUMENTS;
  }
  return keys.map((k) => (withFlags ? [args[k.pos]!, status(k.flags)] : args[k.pos]!));
}

const COMMAND_HELP = [
  '(no subcommand)',
  "    Return details about all Redis commands.",
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
];

// --- INFO --------------------------------------------------------------------------------

/**
 * Error replies counted per code for INFO errorstats. The core does not count them yet; when
 * the engine grows an `errorStats` map (Session.call / process bump it), INFO reads it.
 */
const errorStatsByEngine = new WeakMap<object, Map<string, number>>();
function errorStats(ctx: Session): Map<string, number> {
  const own = (ctx.engine as unknown as { errorStats?: Map<string, number> }).errorStats;
  if (own instanceof Map) return own;
  let m = errorStatsByEngine.get(ctx.engine);
  if (!m) errorStatsByEngine.set(ctx.engine, (m = new Map()));
  return m;
}

/** total_error_replies: from errorstats when counted, else failed + rejected calls. */
function totalErrorReplies(ctx: Session): number {
  let n = 0;
  for (const v of errorStats(ctx).values()) n += v;
  if (n) return n;
  for (const s of ctx.engine.commandStats.values()) n += s.failedCalls + s.rejectedCalls;
  return n;
}

function human(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

const RUN_ID = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
const REPL_ID = Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

type Section = [string, Array<[string, string | number]>];

function infoSections(ctx: Session, wanted: (name: string) => boolean): Section[] {
  const engine = ctx.engine;
  const config = engine.config;
  const now = engine.mstime();
  const out: Section[] = [];
  const uptime = Math.floor((now - engine.startTime) / 1000);
  const sessions = [...engine.sessions];
  const mem = process.memoryUsage();
  // The dataset as Redis would hold it (the memory model), not this process's JS heap.
  const used = usedMemory(engine);
  const peak = usedMemoryPeak(engine);
  const dataset = usedMemoryDataset(engine);
  const aof = aofInfoFields(engine);
  const cpu = process.cpuUsage();

  if (wanted('server')) {
    out.push(['Server', [
      ['redis_version', REDIS_VERSION],
      ['redis_git_sha1', '00000000'],
      ['redis_git_dirty', 0],
      ['redis_build_id', '0'],
      ['redis_mode', 'standalone'],
      ['os', `${os.type()} ${os.release()} ${os.arch()}`],
      ['arch_bits', 64],
      ['monotonic_clock', 'POSIX clock_gettime'],
      ['multiplexing_api', 'embedded'],
      ['atomicvar_api', 'c11-builtin'],
      ['gcc_version', '0.0.0'],
      ['process_id', process.pid],
      ['process_supervised', 'no'],
      ['run_id', RUN_ID],
      ['tcp_port', 0],
      ['server_time_usec', now * 1000],
      ['uptime_in_seconds', uptime],
      ['uptime_in_days', Math.floor(uptime / 86400)],
      ['hz', config.hz],
      ['configured_hz', config.hz],
      ['lru_clock', lruClock(engine)],
      ['executable', process.execPath],
      ['config_file', ''],
      ['io_threads_active', 0],
    ]]);
  }
  if (wanted('clients')) {
    let blocked = 0;
    let pubsub = 0;
    let watching = 0;
    let watchedKeys = 0;
    let blockingKeys = 0;
    for (const s of sessions) {
      if (s.blocked) blocked++;
      if (s.subscriptionCount + s.shardChannels.size > 0) pubsub++;
      if (s.watched.length) watching++;
    }
    for (const db of engine.dbs) {
      watchedKeys += db.watchedKeys.size;
      blockingKeys += db.blockingKeys.size;
    }
    out.push(['Clients', [
      ['connected_clients', sessions.length],
      ['cluster_connections', 0],
      ['maxclients', 10000],
      ['client_recent_max_input_buffer', 0],
      ['client_recent_max_output_buffer', 0],
      ['blocked_clients', blocked],
      ['tracking_clients', 0],
      ['pubsub_clients', pubsub],
      ['watching_clients', watching],
      ['clients_in_timeout_table', sessions.filter((s) => s.blocked && s.blocked.request.deadline > 0).length],
      ['total_watched_keys', watchedKeys],
      ['total_blocking_keys', blockingKeys],
      ['total_blocking_keys_on_nokey', 0],
    ]]);
  }
  if (wanted('memory')) {
    out.push(['Memory', [
      ['used_memory', used],
      ['used_memory_human', human(used)],
      ['used_memory_rss', mem.rss],
      ['used_memory_rss_human', human(mem.rss)],
      ['used_memory_peak', peak],
      ['used_memory_peak_human', human(peak)],
      ['used_memory_peak_perc', `${((used * 100) / peak).toFixed(2)}%`],
      ['used_memory_overhead', used - dataset],
      ['used_memory_startup', USED_MEMORY_STARTUP],
      ['used_memory_dataset', dataset],
      ['used_memory_dataset_perc', `${((dataset * 100) / Math.max(1, used - USED_MEMORY_STARTUP)).toFixed(2)}%`],
      ['allocator_allocated', mem.heapTotal],
      ['allocator_active', mem.heapTotal],
      ['allocator_resident', mem.rss],
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', human(os.totalmem())],
      ['used_memory_lua', 0],
      ['used_memory_vm_eval', 0],
      ['used_memory_lua_human', '0B'],
      ['used_memory_scripts_eval', 0],
      ['number_of_cached_scripts', 0],
      ['number_of_functions', 0],
      ['number_of_libraries', 0],
      ['used_memory_vm_functions', 0],
      ['used_memory_vm_total', 0],
      ['used_memory_vm_total_human', '0B'],
      ['used_memory_functions', 0],
      ['used_memory_scripts', 0],
      ['used_memory_scripts_human', '0B'],
      ['maxmemory', config.maxmemory],
      ['maxmemory_human', human(config.maxmemory)],
      ['maxmemory_policy', config.maxmemoryPolicy],
      ['allocator_frag_ratio', '1.00'],
      ['allocator_frag_bytes', 0],
      ['allocator_rss_ratio', '1.00'],
      ['allocator_rss_bytes', 0],
      ['rss_overhead_ratio', '1.00'],
      ['rss_overhead_bytes', 0],
      ['mem_fragmentation_ratio', (mem.rss / Math.max(1, used)).toFixed(2)],
      ['mem_fragmentation_bytes', mem.rss - used],
      ['mem_not_counted_for_evict', 0],
      ['mem_replication_backlog', 0],
      ['mem_total_replication_buffers', 0],
      ['mem_clients_slaves', 0],
      ['mem_clients_normal', 0],
      ['mem_cluster_links', 0],
      ['mem_aof_buffer', 0],
      ['mem_allocator', 'v8'],
      ['active_defrag_running', 0],
      ['lazyfree_pending_objects', 0],
      ['lazyfreed_objects', 0],
    ]]);
  }
  if (wanted('persistence')) {
    out.push(['Persistence', [
      ['loading', 0],
      ['async_loading', 0],
      ['current_cow_peak', 0],
      ['current_cow_size', 0],
      ['current_cow_size_age', 0],
      ['current_fork_perc', '0.00'],
      ['current_save_keys_processed', 0],
      ['current_save_keys_total', 0],
      ['rdb_changes_since_last_save', engine.dirty],
      ['rdb_bgsave_in_progress', engine.rdb.bgsaveInProgress ? 1 : 0],
      ['rdb_last_save_time', engine.lastSave],
      ['rdb_last_bgsave_status', engine.rdb.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', engine.rdb.lastBgsaveTimeSec],
      ['rdb_current_bgsave_time_sec', -1],
      ['rdb_saves', engine.rdb.saves],
      ['rdb_last_cow_size', 0],
      ['rdb_last_load_keys_expired', engine.rdb.lastLoadKeysExpired],
      ['rdb_last_load_keys_loaded', engine.rdb.lastLoadKeysLoaded],
      ...aof.main,
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
      ...aof.enabled,
    ]]);
  }
  if (wanted('stats')) {
    const st = engine.stats;
    const errors = totalErrorReplies(ctx);
    out.push(['Stats', [
      ['total_connections_received', st.totalConnections],
      ['total_commands_processed', st.totalCommands],
      ['instantaneous_ops_per_sec', 0],
      ['total_net_input_bytes', 0],
      ['total_net_output_bytes', 0],
      ['total_net_repl_input_bytes', 0],
      ['total_net_repl_output_bytes', 0],
      ['instantaneous_input_kbps', '0.00'],
      ['instantaneous_output_kbps', '0.00'],
      ['instantaneous_input_repl_kbps', '0.00'],
      ['instantaneous_output_repl_kbps', '0.00'],
      ['rejected_connections', 0],
      ['sync_full', 0],
      ['sync_partial_ok', 0],
      ['sync_partial_err', 0],
      ['expired_keys', st.expiredKeys],
      ['expired_stale_perc', (engine.activeExpire.statExpiredStalePerc * 100).toFixed(2)],
      ['expired_time_cap_reached_count', engine.activeExpire.statTimeCapReached],
      ['expire_cycle_cpu_milliseconds', 0],
      ['evicted_keys', st.evictedKeys],
      ['evicted_clients', 0],
      ['total_eviction_exceeded_time', 0],
      ['current_eviction_exceeded_time', 0],
      ['keyspace_hits', st.keyspaceHits],
      ['keyspace_misses', st.keyspaceMisses],
      ['pubsub_channels', engine.pubsub.channels.size],
      ['pubsub_patterns', engine.pubsub.patterns.size],
      ['pubsubshard_channels', engine.pubsub.shardChannels.size],
      ['latest_fork_usec', 0],
      ['total_forks', 0],
      ['migrate_cached_sockets', 0],
      ['slave_expires_tracked_keys', 0],
      ['active_defrag_hits', 0],
      ['active_defrag_misses', 0],
      ['active_defrag_key_hits', 0],
      ['active_defrag_key_misses', 0],
      ['total_active_defrag_time', 0],
      ['current_active_defrag_time', 0],
      ['tracking_total_keys', 0],
      ['tracking_total_items', 0],
      ['tracking_total_prefixes', 0],
      ['unexpected_error_replies', 0],
      ['total_error_replies', errors],
      ['dump_payload_sanitizations', 0],
      ['total_reads_processed', st.totalCommands],
      ['total_writes_processed', st.totalCommands],
      ['io_threaded_reads_processed', 0],
      ['io_threaded_writes_processed', 0],
      ['reply_buffer_shrinks', 0],
      ['reply_buffer_expands', 0],
      ['eventloop_cycles', 0],
      ['eventloop_duration_sum', 0],
      ['eventloop_duration_cmd_sum', 0],
      ['instantaneous_eventloop_cycles_per_sec', 0],
      ['instantaneous_eventloop_duration_usec', 0],
      ['acl_access_denied_auth', 0],
      ['acl_access_denied_cmd', 0],
      ['acl_access_denied_key', 0],
      ['acl_access_denied_channel', 0],
    ]]);
  }
  if (wanted('replication')) {
    out.push(['Replication', [
      ['role', 'master'],
      ['connected_slaves', 0],
      ['master_failover_state', 'no-failover'],
      ['master_replid', REPL_ID],
      ['master_replid2', '0000000000000000000000000000000000000000'],
      ['master_repl_offset', 0],
      ['second_repl_offset', -1],
      ['repl_backlog_active', 0],
      ['repl_backlog_size', 1048576],
      ['repl_backlog_first_byte_offset', 0],
      ['repl_backlog_histlen', 0],
    ]]);
  }
  if (wanted('cpu')) {
    const sys = (cpu.system / 1e6).toFixed(6);
    const user = (cpu.user / 1e6).toFixed(6);
    out.push(['CPU', [
      ['used_cpu_sys', sys],
      ['used_cpu_user', user],
      ['used_cpu_sys_children', '0.000000'],
      ['used_cpu_user_children', '0.000000'],
      ['used_cpu_sys_main_thread', sys],
      ['used_cpu_user_main_thread', user],
    ]]);
  }
  if (wanted('modules')) out.push(['Modules', []]);
  if (wanted('commandstats')) {
    const lines: Array<[string, string]> = [];
    for (const [name, s] of engine.commandStats) {
      if (s.calls === 0 && s.failedCalls === 0 && s.rejectedCalls === 0) continue;
      const per = s.calls ? (s.usec / s.calls).toFixed(2) : '0.00';
      lines.push([`cmdstat_${name}`, `calls=${s.calls},usec=${s.usec},usec_per_call=${per},rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`]);
    }
    out.push(['Commandstats', lines]);
  }
  if (wanted('errorstats')) {
    out.push(['Errorstats', [...errorStats(ctx)].map(([code, n]) => [`errorstat_${code}`, `count=${n}`])]);
  }
  if (wanted('latencystats')) out.push(['Latencystats', []]);
  if (wanted('cluster')) out.push(['Cluster', [['cluster_enabled', 0]]]);
  if (wanted('keyspace')) {
    const lines: Array<[string, string]> = [];
    for (const db of engine.dbs) {
      if (db.dict.size === 0) continue;
      let sum = 0;
      let n = 0;
      for (const when of db.expires.values()) {
        if (when > now) {
          sum += when - now;
          n++;
        }
      }
      lines.push([`db${db.id}`, `keys=${db.dict.size},expires=${db.expires.size},avg_ttl=${n ? Math.floor(sum / n) : 0}`]);
    }
    out.push(['Keyspace', lines]);
  }
  return out;
}

const DEFAULT_SECTIONS = new Set([
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace',
]);
const ALL_SECTIONS = new Set([...DEFAULT_SECTIONS, 'commandstats', 'latencystats']);

/** genRedisInfoString: "# Section\r\nfield:value\r\n…" with a blank line between sections. */
export function infoText(ctx: Session, args: readonly Bytes[]): string {
  const names = new Set<string>();
  let everything = false;
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) names.add(s);
  for (const a of args) {
    const n = a.toLowerCase();
    if (n === 'default') for (const s of DEFAULT_SECTIONS) names.add(s);
    else if (n === 'all') {
      for (const s of ALL_SECTIONS) names.add(s);
    } else if (n === 'everything') everything = true;
    else names.add(n === 'module_list' ? 'modules' : n);
  }
  const wanted = (s: string) => everything || names.has(s);
  const parts: string[] = [];
  for (const [title, fields] of infoSections(ctx, wanted)) {
    let text = `# ${title}\r\n`;
    for (const [k, v] of fields) text += `${k}:${v}\r\n`;
    parts.push(text);
  }
  return parts.join('\r\n');
}

// --- handlers ------------------------------------------------------------------------------

export const serverCommands: HandlerMap = {
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat'(ctx) {
    resetStats(ctx);
    return OK;
  },
  'config|rewrite': () => NO_CONFIG_FILE,
  'config|help': () => helpReply(CONFIG_HELP, 'CONFIG'),

  info(ctx, argv) {
    const text = infoText(ctx, argv.slice(1));
    return ctx.protocol === 3 ? new VerbatimReply('txt', text) : text;
  },

  time(ctx) {
    const ms = ctx.engine.mstime();
    const sec = Math.floor(ms / 1000);
    const usec = Math.floor((ms - sec * 1000) * 1000) + Math.floor((performance.now() * 1000) % 1000);
    return [String(sec), String(Math.min(999999, usec))];
  },

  lastsave: (ctx) => ctx.engine.lastSave,

  /**
   * monitorCommand: from now on every command any session runs arrives through onPush as a
   * status line (engine/monitor.ts). Redis sends nothing to a second MONITOR; here it is +OK again.
   */
  monitor(ctx) {
    if (ctx.inExec || ctx.inScript) return new ErrorReply("ERR MONITOR isn't allowed for DENY BLOCKING client");
    ctx.monitor = true;
    ctx.engine.monitors.add(ctx);
    return OK;
  },

  command(ctx, argv) {
    if (argv.length > 1) return wrongArity('command');
    return [...implementedEntries(ctx)].map(commandInfoReply);
  },

  'command|count': (ctx) => [...implementedEntries(ctx)].length,

  'command|info'(ctx, argv) {
    if (argv.length === 2) return [...implementedEntries(ctx)].map(commandInfoReply);
    return argv.slice(2).map((name) => {
      const e = lookupByFullName(ctx, name);
      return e ? commandInfoReply(e) : null;
    });
  },

  'command|docs'(ctx, argv) {
    const entries: Array<[Reply, Reply]> = [];
    if (argv.length === 2) {
      for (const e of implementedEntries(ctx)) entries.push([e.fullName, commandDocsReply(e)]);
    } else {
      for (const name of argv.slice(2)) {
        const e = lookupByFullName(ctx, name);
        if (e) entries.push([e.fullName, commandDocsReply(e)]);
      }
    }
    return new MapReply(entries);
  },

  'command|list'(ctx, argv) {
    let filter: ((e: CommandEntry) => boolean) | null = null;
    if (argv.length === 5 && argv[2]!.toLowerCase() === 'filterby') {
      const kind = argv[3]!.toLowerCase();
      const value = argv[4]!;
      if (kind === 'module') filter = () => false;
      else if (kind === 'aclcat') {
        const cat = '@' + value.toLowerCase();
        filter = (e) => e.spec.aclCategories.includes(cat);
      } else if (kind === 'pattern') filter = (e) => globMatch(value, e.fullName, true);
      else return SYNTAX_ERROR;
    } else if (argv.length !== 2) {
      return SYNTAX_ERROR;
    }
    const out: Reply[] = [];
    for (const e of implementedEntries(ctx)) {
      if (!filter || filter(e)) out.push(e.fullName);
      for (const s of implementedSubs(e)) if (!filter || filter(s)) out.push(s.fullName);
    }
    return out;
  },

  'command|getkeys': (ctx, argv) => getKeysReply(ctx, argv, false),
  'command|getkeysandflags': (ctx, argv) => getKeysReply(ctx, argv, true),
  'command|help': () => helpReply(COMMAND_HELP, 'COMMAND'),
};
