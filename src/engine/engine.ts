import type { Bytes } from './bytes.js';
import { Config } from './config.js';
import { Db } from './db.js';
import type { RedisObject } from './object.js';
import { Session } from './session.js';
import { CommandTable } from '../commands/table.js';
import { initObjectClock, touchObjectClock } from './evict.js';
import { ActiveExpireState, activeExpireCycle } from './expire.js';
import { activeExpireHashFields } from './hash-expire.js';
import { notifyKeyspaceEvent } from './notify.js';
import { PubSub } from './pubsub.js';
import { ScanCursors } from './scan.js';

/** Something that wants every write as the command to re-run (AOF, replicas, tests). */
export type PropagationListener = (dbIndex: number, argv: Bytes[]) => void;

export interface EngineOptions {
  config?: Partial<Config>;
  /** Start the active expire cycle timer (default true). Tests that drive time pass false. */
  timers?: boolean;
  /** Clock source in ms; tests replace it to move time. */
  clock?: () => number;
}

export interface EngineStats {
  totalCommands: number;
  expiredKeys: number;
  evictedKeys: number;
  keyspaceHits: number;
  keyspaceMisses: number;
  totalConnections: number;
}

/** Per-command counters for INFO commandstats. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/**
 * The embedded Redis engine: databases, sessions, time, propagation. No I/O: front ends
 * (shell, pipe mode, AOF replay, a network server) create Sessions and call execute().
 */
export class Engine {
  readonly config: Config;
  readonly dbs: Db[];
  readonly commands: CommandTable;
  readonly sessions = new Set<Session>();
  /** Sessions in MONITOR mode (server.monitors). */
  readonly monitors = new Set<Session>();
  readonly stats: EngineStats = {
    totalCommands: 0, expiredKeys: 0, evictedKeys: 0, keyspaceHits: 0, keyspaceMisses: 0, totalConnections: 0,
  };
  readonly commandStats = new Map<string, CommandStats>();
  /** INFO errorstats: error replies by code (ERR, WRONGTYPE, …). */
  readonly errorStats = new Map<string, number>();
  /** RDB persistence state: SAVE/BGSAVE bookkeeping that INFO persistence reports. */
  readonly rdb = {
    saves: 0,
    bgsaveInProgress: false,
    /** Bumped when a running BGSAVE is abandoned (shutdown saves instead): its file is dropped. */
    bgsaveGeneration: 0,
    /** Unix seconds of the last BGSAVE attempt (lastbgsave_try: a failed one is retried after 5 s). */
    lastBgsaveTry: 0,
    lastBgsaveOk: true,
    lastBgsaveTimeSec: -1,
    lastLoadKeysLoaded: 0,
    lastLoadKeysExpired: 0,
  };
  /**
   * Replaying persistence (AOF or an RDB load): keys are not expired and times in the past
   * do not delete (Redis's server.loading), so the dataset comes out as it was written.
   */
  loading = false;
  /**
   * The session whose script is running (Redis's script_caller). A front end that lets
   * another session in meanwhile (to send SCRIPT KILL) gets -BUSY for anything else.
   */
  busyScript: Session | null = null;
  /** server.dirty: changes since the last save. */
  dirty = 0;
  /** Unix seconds of the last successful save (start time until one happens, as Redis). */
  lastSave: number;
  readonly startTime = Date.now();
  /** The time every key lookup of the running command compares TTLs with (frozen across EXEC). */
  commandTime = 0;
  /** Nesting depth of execution (EXEC, scripts) so time and propagation are handled once. */
  callDepth = 0;
  private readonly clock: () => number;
  private nextSessionId = 1;
  private readonly propagationListeners: PropagationListener[] = [];
  /** Commands waiting to be propagated at the end of the current top-level call. */
  private pendingPropagation: Array<{ db: number; argv: Bytes[] }> = [];
  /** Keys that became ready for blocked clients during the current call. */
  readyKeys: Array<{ db: Db; key: Bytes }> = [];
  private readonly timers: NodeJS.Timeout[] = [];
  /** State of the active expire cycle (expire.ts). */
  readonly activeExpire = new ActiveExpireState();
  /** Pub/sub registry: channels, patterns, shard channels. */
  readonly pubsub = new PubSub();
  /** SCAN/HSCAN/SSCAN/ZSCAN iteration snapshots. */
  readonly scanCursors = new ScanCursors();

  constructor(options: EngineOptions = {}) {
    this.config = Object.assign(new Config(), options.config ?? {});
    this.clock = options.clock ?? Date.now;
    this.commandTime = this.clock();
    this.lastSave = Math.floor(this.commandTime / 1000);
    this.dbs = [];
    for (let i = 0; i < this.config.databases; i++) this.dbs.push(new Db(this, i));
    this.commands = CommandTable.standard();
    if (options.timers ?? true) this.startTimers();
  }

  /** checkAlreadyExpired: a TTL at or before the command time deletes the key, except while loading. */
  alreadyExpired(whenMs: number | bigint): boolean {
    return !this.loading && whenMs <= this.commandTime;
  }

  /** Wall-clock milliseconds (mstime()). */
  mstime(): number {
    return this.clock();
  }

  createSession(): Session {
    const s = new Session(this, this.nextSessionId++);
    this.sessions.add(s);
    this.stats.totalConnections++;
    return s;
  }

  /** Stops timers so the process can exit. */
  close(): void {
    for (const t of this.timers.splice(0)) clearInterval(t);
    for (const s of [...this.sessions]) s.close();
  }

  startTimers(): void {
    if (this.timers.length) return;
    const t = setInterval(() => this.cron(), Math.max(1, Math.floor(1000 / Math.max(1, this.config.hz))));
    t.unref();
    this.timers.push(t);
  }

  /** CONFIG SET hz: restart the cron timer at the new period. */
  rescheduleCron(): void {
    if (!this.timers.length) return;
    for (const t of this.timers.splice(0)) clearInterval(t);
    this.startTimers();
  }

  /** serverCron: the slow active expire cycle and whatever else runs at hz. */
  cron(): void {
    if (this.callDepth !== 0) return;
    this.commandTime = this.clock();
    activeExpireCycle(this);
    if (this.activeExpire.enabled) activeExpireHashFields(this.dbs, this.commandTime);
    this.flushPropagation();
  }

  // --- propagation -------------------------------------------------------------------

  onPropagate(listener: PropagationListener): () => void {
    this.propagationListeners.push(listener);
    return () => {
      const i = this.propagationListeners.indexOf(listener);
      if (i >= 0) this.propagationListeners.splice(i, 1);
    };
  }

  /** alsoPropagate: queue a command for the AOF; sent when the top-level call ends. */
  propagate(dbIndex: number, argv: Bytes[]): void {
    // shouldPropagate: what is being loaded was written already (DEBUG LOADAOF replays it).
    if (this.propagationListeners.length === 0 || this.loading) return;
    this.pendingPropagation.push({ db: dbIndex, argv });
  }

  /** A key removed by expiry or eviction is propagated as DEL. */
  propagateDeletion(dbIndex: number, key: Bytes): void {
    this.propagate(dbIndex, ['DEL', key]);
  }

  /**
   * propagatePendingCommands: more than one command from one call (EXEC, a script, a command
   * that expands) goes out wrapped in MULTI/EXEC so it replays atomically.
   */
  flushPropagation(): void {
    const pending = this.pendingPropagation;
    if (pending.length === 0) return;
    this.pendingPropagation = [];
    const wrap = pending.length > 1;
    const emit = (db: number, argv: Bytes[]) => {
      for (const l of this.propagationListeners) l(db, argv);
    };
    if (wrap) emit(pending[0]!.db, ['MULTI']);
    for (const p of pending) emit(p.db, p.argv);
    if (wrap) emit(pending[pending.length - 1]!.db, ['EXEC']);
  }

  // --- blocking ------------------------------------------------------------------------

  signalKeyAsReady(db: Db, key: Bytes): void {
    this.readyKeys.push({ db, key });
  }

  /** handleClientsBlockedOnKeys: serve blocked sessions, in arrival order, for keys made ready. */
  serveBlockedClients(): void {
    while (this.readyKeys.length) {
      const ready = this.readyKeys;
      this.readyKeys = [];
      for (const { db, key } of ready) {
        const queue = db.blockingKeys.get(key);
        if (!queue) continue;
        for (const s of [...queue]) {
          if (!db.dict.has(key) && !s.blocked?.request.unblockOnNoKey) continue;
          // Each served client is its own propagated unit (7.2 re-executes the command).
          if (s.tryUnblock()) this.flushPropagation();
        }
      }
    }
  }

  // --- object access clock (LRU/LFU), filled in by the eviction subsystem -------------

  /** updateLRU/updateLFU on access. */
  touchObject(o: RedisObject): void {
    touchObjectClock(this, o);
  }

  /** A new value starts with the current LRU clock, or LFU_INIT_VAL under an LFU policy. */
  initObjectClock(o: RedisObject): void {
    initObjectClock(this, o);
  }

  /** notifyKeyspaceEvent: publishes __keyspace@db__/__keyevent@db__ messages per notify-keyspace-events. */
  notifyKeyspaceEvent(type: string, event: string, key: Bytes, dbIndex: number): void {
    if (this.config.notifyKeyspaceEvents !== '') notifyKeyspaceEvent(this, type, event, key, dbIndex);
  }

  commandStatsFor(fullName: string): CommandStats {
    let s = this.commandStats.get(fullName);
    if (!s) {
      s = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
      this.commandStats.set(fullName, s);
    }
    return s;
  }
}

