import type { Bytes } from './bytes.js';
import type { Db } from './db.js';
import type { Engine } from './engine.js';
import {
  EXECABORT,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from './errors.js';
import { ErrorReply, NULL_ARRAY, OK, PushReply, QUEUED, type Reply } from './reply.js';
import type { CommandEntry } from '../commands/table.js';
import { rejectIfOom } from './maxmemory.js';
import { FEEDS_BEFORE_RUN, feedMonitors } from './monitor.js';

/**
 * A blocking command that found nothing to serve returns this. The session parks until one
 * of `keys` becomes ready and `serve()` returns a reply, or the timeout passes.
 */
export class BlockRequest {
  constructor(
    readonly keys: Bytes[],
    /** Absolute deadline in ms; 0 waits forever. */
    readonly deadline: number,
    /** Re-runs the command's pop; undefined means still nothing to serve. */
    readonly serve: () => Reply | undefined,
    /** What the client gets on timeout (or at once inside MULTI or a script). */
    readonly timeoutReply: Reply,
    /**
     * Re-run serve() when a key it waits on is deleted too (7.2 re-executes XREADGROUP so it
     * can answer NOGROUP / WRONGTYPE); other commands only wake when a key has data.
     */
    readonly unblockOnNoKey = false,
    /** What the command answers where it may not block (MULTI, scripts), when not timeoutReply. */
    readonly deniedReply?: Reply,
  ) {}
}

interface Queued {
  entry: CommandEntry;
  argv: Bytes[];
}

interface Blocked {
  request: BlockRequest;
  db: Db;
  resolve: (r: Reply) => void;
  timer: NodeJS.Timeout | null;
}

/** One command in this many is timed for INFO commandstats (a power of two). */
const TIMING_SAMPLE = 16;

/** Why a command was refused before running: Redis's processCommand checks. */
const MULTI_NESTED = new ErrorReply('ERR MULTI calls can not be nested');
const EXEC_WITHOUT_MULTI = new ErrorReply('ERR EXEC without MULTI');
const DISCARD_WITHOUT_MULTI = new ErrorReply('ERR DISCARD without MULTI');
const WATCH_IN_MULTI = new ErrorReply('ERR WATCH inside MULTI is not allowed');
const NOT_IN_TRANSACTION = new ErrorReply('ERR Command not allowed inside a transaction');
const REPLICA_KEYSPACE = new ErrorReply("ERR Replica can't interact with the keyspace");
const BUSY = new ErrorReply('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.');

/**
 * One client of the engine (Redis's client struct): selected db, protocol, transaction and
 * WATCH state, subscriptions, blocked state. Every front end drives commands through execute().
 */
export class Session {
  dbIndex = 0;
  db: Db;
  protocol: 2 | 3 = 2;
  name = '';
  /** MULTI state: null outside a transaction. */
  multi: Queued[] | null = null;
  /** A queued command was refused: EXEC will answer EXECABORT. */
  multiError = false;
  /** A watched key was touched: EXEC will answer a null array. */
  dirtyCas = false;
  readonly watched: Array<{ db: Db; key: Bytes; expiredAtWatch: boolean }> = [];
  readonly channels = new Set<Bytes>();
  readonly patterns = new Set<Bytes>();
  readonly shardChannels = new Set<Bytes>();
  /** True while EXEC (or a script) runs commands: blocking commands must not block. */
  inExec = false;
  inScript = false;
  /**
   * The session replays commands Redis already accepted (AOF loading, a master's stream):
   * Redis's mustObeyClient. Commands skip checks that only protect interactive clients.
   */
  obeyAll = false;
  /** A script's redis.set_repl(REPL_NONE): its writes run but are not propagated. */
  muteEffects = false;
  /** CLIENT NO-TOUCH style flag; OBJECT/TOUCH semantics read it. */
  noTouch = false;
  /** MONITOR mode: every command run by any session arrives through onPush as a status line. */
  monitor = false;
  blocked: Blocked | null = null;
  closed = false;
  readonly createdAt: number;
  lastCommandAt: number;
  lastCommand = '';
  /** Out-of-band messages (pub/sub, keyspace events) go here; the front end sets it. */
  onPush: ((reply: Reply) => void) | null = null;
  /** Argv the running command asked to propagate instead of its own (replaceArgv). */
  private propagateAs: Bytes[] | null = null;
  private suppressPropagation = false;

  constructor(
    readonly engine: Engine,
    readonly id: number,
  ) {
    this.db = engine.dbs[0]!;
    this.createdAt = engine.mstime();
    this.lastCommandAt = this.createdAt;
  }

  /** Number of channel + pattern + shard subscriptions (the count pub/sub replies carry). */
  get subscriptionCount(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Leaves MONITOR mode (RESET, or the shell's Ctrl-C). */
  stopMonitor(): void {
    this.monitor = false;
    this.engine.monitors.delete(this);
  }

  select(index: number): void {
    this.dbIndex = index;
    this.db = this.engine.dbs[index]!;
  }

  /** Delivers an out-of-band message to the front end. */
  push(reply: PushReply): void {
    if (this.onPush) this.onPush(this.protocol === 3 ? reply : reply.items);
  }

  /** The time the running command sees (frozen for a whole EXEC or script). */
  get now(): number {
    return this.engine.commandTime;
  }

  /**
   * Runs one command. Returns the reply at once, or a promise when the command blocks
   * (BLPOP and friends) — the only case a front end needs to await.
   */
  execute(argv: Bytes[]): Reply | Promise<Reply> {
    if (this.blocked) return new ErrorReply('ERR client is blocked');
    const engine = this.engine;
    const topLevel = engine.callDepth === 0;
    if (topLevel) engine.commandTime = engine.mstime();
    const reply = this.process(argv);
    if (topLevel) {
      engine.flushPropagation();
      if (engine.readyKeys.length) engine.serveBlockedClients();
      engine.flushPropagation();
    }
    if (reply instanceof BlockRequest) return this.block(reply);
    return reply;
  }

  /** processCommand: lookup, arity, context checks, MULTI queueing, then call(). */
  private process(argv: Bytes[]): Reply | BlockRequest {
    const engine = this.engine;
    if (argv.length === 0) return new ErrorReply('ERR empty command');
    const name = argv[0]!;
    const top = engine.commands.find(name);
    let entry = top;
    let refused: ErrorReply | null = null;
    if (!top) {
      refused = unknownCommand(name, argv.slice(1));
    } else if (top.subcommands) {
      if (argv.length === 1) {
        // A container alone is an arity error (CONFIG), unless it runs by itself (COMMAND).
        if (!top.handler) refused = wrongArity(top.fullName);
      } else {
        entry = top.subcommands.get(argv[1]!.toLowerCase());
        if (!entry) refused = unknownSubcommand(argv[1]!, top.fullName);
      }
    }
    if (!refused && entry) {
      const arity = entry.spec.arity;
      if ((arity > 0 && arity !== argv.length) || argv.length < -arity) refused = wrongArity(entry.fullName);
      else if (!entry.handler) refused = unknownCommand(name, argv.slice(1));
    }
    if (refused || !entry) {
      if (this.multi) this.multiError = true;
      if (entry) engine.commandStatsFor(entry.fullName).rejectedCalls++;
      countError(engine, refused!);
      return refused!;
    }

    const cmd = entry.parent?.fullName ?? entry.fullName;
    // While a script runs, other clients may only use allow-busy commands (SCRIPT KILL …).
    if (engine.busyScript && engine.busyScript !== this && !entry.spec.flags.includes('allow_busy')) {
      engine.commandStatsFor(entry.fullName).rejectedCalls++;
      return countError(engine, BUSY);
    }
    // maxmemory: evict first; a write that would still exceed it is refused (processCommand).
    if (engine.config.maxmemory !== 0) {
      const oom = rejectIfOom(this, entry);
      if (oom) return oom;
    }
    // A RESP2 client in subscribed mode may only (un)subscribe, ping, quit or reset.
    if (this.protocol === 2 && this.subscriptionCount + this.shardChannels.size > 0 && !entry.allowedInPubSub) {
      engine.commandStatsFor(entry.fullName).rejectedCalls++;
      return countError(engine, new ErrorReply(
        `ERR Can't execute '${entry.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      ));
    }
    // A monitor is flagged as a replica: it may not touch the keyspace (processCommand).
    if (this.monitor && entry.touchesKeyspace) {
      engine.commandStatsFor(entry.fullName).rejectedCalls++;
      if (this.multi) this.multiError = true;
      return countError(engine, REPLICA_KEYSPACE);
    }
    if (this.multi) {
      if (cmd === 'exec' || cmd === 'discard' || cmd === 'quit' || cmd === 'reset') return this.call(entry, argv);
      if (cmd === 'multi') return MULTI_NESTED;
      // WATCH and a nested MULTI are refused without dooming the transaction (multi.c).
      if (cmd === 'watch') return WATCH_IN_MULTI;
      if (entry.noMulti) {
        this.multiError = true;
        return NOT_IN_TRANSACTION;
      }
      this.multi.push({ entry, argv });
      return QUEUED;
    }
    return this.call(entry, argv);
  }

  /** call(): run the handler, keep stats, propagate if it wrote. */
  call(entry: CommandEntry, argv: Bytes[]): Reply | BlockRequest {
    const engine = this.engine;
    const dirtyBefore = engine.dirty;
    const dbBefore = this.dbIndex;
    const savedPropagateAs = this.propagateAs;
    const savedSuppress = this.suppressPropagation;
    this.propagateAs = null;
    this.suppressPropagation = false;
    engine.callDepth++;
    // INFO commandstats' usec: timing every call would cost more than many commands do, so one
    // call in TIMING_SAMPLE is timed and counts for the others (an estimate, as the docs allow).
    const timed = (engine.stats.totalCommands & (TIMING_SAMPLE - 1)) === 0;
    const start = timed ? performance.now() : 0;
    const monitored = engine.monitors.size > 0 && !entry.skipMonitor;
    // EVAL and FCALL feed monitors before running, so the script's calls follow them (eval.c).
    if (engine.monitors.size > 0 && FEEDS_BEFORE_RUN.has(entry.fullName)) feedMonitors(this, argv);
    let reply: Reply | BlockRequest;
    try {
      reply = entry.handler!(this, argv);
    } finally {
      engine.callDepth--;
    }
    const stats = engine.commandStatsFor(entry.fullName);
    stats.calls++;
    if (timed) stats.usec += Math.round((performance.now() - start) * 1000 * TIMING_SAMPLE);
    if (reply instanceof ErrorReply) {
      stats.failedCalls++;
      countError(engine, reply);
    }
    engine.stats.totalCommands++;
    this.lastCommand = entry.fullName;
    this.lastCommandAt = engine.commandTime;
    // call(): fed after the command ran, so SELECT shows its new db and EXEC follows its commands.
    if (monitored && engine.monitors.size > 0) feedMonitors(this, argv);
    if (engine.dirty > dirtyBefore && !this.suppressPropagation && !this.muteEffects && !(reply instanceof BlockRequest)) {
      engine.propagate(dbBefore, this.propagateAs ?? argv);
    }
    this.propagateAs = savedPropagateAs;
    this.suppressPropagation = savedSuppress;
    if (reply instanceof BlockRequest && (this.inExec || this.inScript)) return reply.deniedReply ?? reply.timeoutReply;
    return reply;
  }

  /** rewriteClientCommandVector: propagate `argv` instead of what the client sent. */
  replaceArgv(argv: Bytes[]): void {
    this.propagateAs = argv;
  }

  /** The command propagates itself with alsoPropagate() (or not at all). */
  preventPropagation(): void {
    this.suppressPropagation = true;
  }

  /** alsoPropagate in the session's current db. */
  alsoPropagate(argv: Bytes[]): void {
    this.engine.propagate(this.dbIndex, argv);
  }

  // --- transactions -------------------------------------------------------------------

  startMulti(): Reply {
    if (this.multi) return MULTI_NESTED;
    this.multi = [];
    this.multiError = false;
    return OK;
  }

  discard(): Reply {
    if (!this.multi) return DISCARD_WITHOUT_MULTI;
    this.multi = null;
    this.multiError = false;
    this.unwatchAll();
    return OK;
  }

  /** EXEC: run the queue atomically, unless a queued command was refused or a watched key changed. */
  exec(): Reply {
    const queue = this.multi;
    if (!queue) return EXEC_WITHOUT_MULTI;
    this.multi = null;
    if (this.multiError) {
      this.multiError = false;
      this.unwatchAll();
      return EXECABORT;
    }
    if (this.dirtyCas || this.watchedKeyExpired()) {
      this.unwatchAll();
      return NULL_ARRAY;
    }
    this.unwatchAll();
    const replies: Reply[] = [];
    this.inExec = true;
    const engine = this.engine;
    const depthBefore = engine.callDepth;
    try {
      for (const { entry, argv } of queue) {
        const r = this.call(entry, argv);
        replies.push(r instanceof BlockRequest ? (r.deniedReply ?? r.timeoutReply) : r);
      }
    } finally {
      this.inExec = false;
      engine.callDepth = depthBefore;
    }
    return replies;
  }

  watch(keys: Bytes[]): void {
    for (const key of keys) {
      if (this.watched.some((w) => w.db === this.db && w.key === key)) continue;
      let set = this.db.watchedKeys.get(key);
      if (!set) this.db.watchedKeys.set(key, (set = new Set()));
      set.add(this);
      this.watched.push({ db: this.db, key, expiredAtWatch: this.db.dict.has(key) && this.db.isExpired(key) });
    }
  }

  unwatchAll(): void {
    for (const { db, key } of this.watched) {
      const set = db.watchedKeys.get(key);
      if (set) {
        set.delete(this);
        if (set.size === 0) db.watchedKeys.delete(key);
      }
    }
    this.watched.length = 0;
    this.dirtyCas = false;
  }

  /** isWatchedKeyExpired: a key that was live at WATCH and has logically expired since. */
  private watchedKeyExpired(): boolean {
    for (const w of this.watched) {
      if (!w.expiredAtWatch && w.db.dict.has(w.key) && w.db.isExpired(w.key)) return true;
    }
    return false;
  }

  // --- blocking -----------------------------------------------------------------------

  private block(request: BlockRequest): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      const db = this.db;
      const blocked: Blocked = { request, db, resolve, timer: null };
      this.blocked = blocked;
      for (const key of request.keys) {
        let q = db.blockingKeys.get(key);
        if (!q) db.blockingKeys.set(key, (q = []));
        if (!q.includes(this)) q.push(this);
      }
      if (request.deadline > 0) {
        const ms = Math.max(0, request.deadline - this.engine.mstime());
        blocked.timer = setTimeout(() => this.unblock(request.timeoutReply), ms);
      }
    });
  }

  /** Called by the engine when a key this session waits on may have data. */
  tryUnblock(): boolean {
    const b = this.blocked;
    if (!b) return false;
    const engine = this.engine;
    const savedDb = this.dbIndex;
    this.select(b.db.id);
    engine.callDepth++;
    const dirtyBefore = engine.dirty;
    this.propagateAs = null;
    let reply: Reply | undefined;
    try {
      reply = b.request.serve();
    } finally {
      engine.callDepth--;
    }
    if (reply !== undefined && engine.dirty > dirtyBefore && this.propagateAs) {
      engine.propagate(b.db.id, this.propagateAs);
    }
    this.propagateAs = null;
    this.select(savedDb);
    if (reply === undefined) return false;
    this.unblock(reply);
    return true;
  }

  /** Leaves the blocked state with `reply` (served, timed out, or cancelled). */
  unblock(reply: Reply): void {
    const b = this.blocked;
    if (!b) return;
    this.blocked = null;
    if (b.timer) clearTimeout(b.timer);
    for (const key of b.request.keys) {
      const q = b.db.blockingKeys.get(key);
      if (!q) continue;
      const i = q.indexOf(this);
      if (i >= 0) q.splice(i, 1);
      if (q.length === 0) b.db.blockingKeys.delete(key);
    }
    b.resolve(reply);
  }

  /** Disconnect: drop subscriptions, watches and any pending block. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unblock(NULL_ARRAY);
    this.unwatchAll();
    const ps = this.engine.pubsub;
    for (const c of this.channels) removeFrom(ps.channels, c, this);
    for (const p of this.patterns) removeFrom(ps.patterns, p, this);
    for (const c of this.shardChannels) removeFrom(ps.shardChannels, c, this);
    this.channels.clear();
    this.patterns.clear();
    this.shardChannels.clear();
    this.engine.sessions.delete(this);
    this.stopMonitor();
  }
}

/** INFO errorstats: replies per error code, at most 128 distinct codes (as Redis caps them). */
function countError(engine: Engine, e: ErrorReply): ErrorReply {
  if (engine.errorStats.size < 128 || engine.errorStats.has(e.code)) {
    engine.errorStats.set(e.code, (engine.errorStats.get(e.code) ?? 0) + 1);
  }
  return e;
}

function removeFrom(map: Map<Bytes, Set<Session>>, key: Bytes, s: Session): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(s);
  if (set.size === 0) map.delete(key);
}
