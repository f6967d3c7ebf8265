import fs from 'node:fs';
import path from 'node:path';
import type { Bytes } from '../../engine/bytes.js';
import type { Engine } from '../../engine/engine.js';
import { parseManifest, type AofManifest, type ManifestEntry } from './manifest.js';
import { functionCodes } from '../rdb/save.js';
import { aofBaseContent, baseFileName, fsyncDir, incrFileName, respCommand, writeFileSynced, writeManifestAtomically } from './rewrite.js';

/**
 * The engine's append-only file (aof.c), in Redis 7's multi-part layout: `dir/appenddirname/`
 * holds `<appendfilename>.<seq>.base.(rdb|aof)`, `<appendfilename>.<seq>.incr.aof` and
 * `<appendfilename>.manifest`.
 *
 * Every propagated write is appended as Redis's feedAppendOnlyFile does (a `#TS:` annotation
 * when aof-timestamp-enabled and the second changed, SELECT when the db changes, MULTI/EXEC
 * without a db). appendfsync always: written and fdatasync'ed inside the propagation listener,
 * i.e. before execute() hands the reply back (a MULTI…EXEC unit is written once, at EXEC).
 * everysec: written before the event loop runs again, fdatasync once a second. no: written,
 * never synced by us.
 *
 * BGREWRITEAOF: a new incr file is opened and the manifest persisted, the dataset is
 * snapshotted synchronously (what fork() gives Redis) and written to a temp file while the
 * engine goes on; then the temp file becomes base seq+1, the old base and incr files become
 * history in the manifest, and are removed (backgroundRewriteDoneHandler + aofDelHistoryFiles).
 */

export type AofState = 'off' | 'on' | 'wait-rewrite';

const writers = new WeakMap<Engine, AofWriter>();
const EXEC_ARGV: Bytes[] = ['EXEC'];

/** The AOF writer of an engine, if one was attached. */
export function getAofWriter(engine: Engine): AofWriter | undefined {
  return writers.get(engine);
}

/**
 * The engine's AOF writer, created (AOF off, the manifest on disk read) on first use, with
 * CONFIG SET appendonly yes|no wired to start/stop it.
 */
export function attachAof(engine: Engine): AofWriter {
  let w = writers.get(engine);
  if (!w) {
    w = new AofWriter(engine);
    writers.set(engine, w);
    w.loadManifestFromDisk();
    installAppendonlyHook(engine, w);
  }
  return w;
}

/**
 * CONFIG SET appendonly changes engine.config.appendonly; Redis's apply function
 * (updateAppendonly) starts or stops the AOF. The config object has no change hook, so the
 * field becomes an accessor that does the same.
 */
function installAppendonlyHook(engine: Engine, w: AofWriter): void {
  const cfg = engine.config as unknown as Record<string, unknown>;
  let value = Boolean(cfg['appendonly']);
  Object.defineProperty(cfg, 'appendonly', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (v: boolean) => {
      const prev = value;
      value = Boolean(v);
      if (w.suspendHook) return;
      if (!prev && value && w.state === 'off') {
        if (!w.startAppendOnly()) value = false;
      } else if (prev && !value && w.state !== 'off') {
        w.stopAppendOnly();
      }
    },
  });
}

const patched = new WeakSet<Engine>();

/**
 * Workaround for the core: EXEC is propagated as one of the transaction's own commands (its
 * call() sees the dirty counter move), so a MULTI with one write goes out as MULTI, SET, EXEC,
 * EXEC where Redis 7.0 writes just the SET, and with several writes the unit gets two EXECs.
 * Redis never propagates EXEC itself (the unit's MULTI/EXEC come from the wrapping), and the
 * only lone EXEC that reaches engine.propagate() is that one: drop it there. A no-op once the
 * EXEC handler calls ctx.preventPropagation().
 */
function patchExecPropagation(engine: Engine): void {
  if (patched.has(engine)) return;
  patched.add(engine);
  const original = engine.propagate.bind(engine);
  engine.propagate = (dbIndex: number, argv: Bytes[]) => {
    if (argv.length === 1 && argv[0]!.length === 4 && argv[0]!.toLowerCase() === 'exec') return;
    original(dbIndex, argv);
  };
}

function cloneManifest(am: AofManifest): AofManifest {
  const c = (e: ManifestEntry): ManifestEntry => ({ ...e });
  return { base: am.base ? c(am.base) : null, history: am.history.map(c), incr: am.incr.map(c) };
}

interface Rewrite {
  generation: number;
  startedAt: number;
  tmp: string;
}

export class AofWriter {
  state: AofState = 'off';
  manifest: AofManifest = { base: null, history: [], incr: [] };
  private currBaseSeq = 0;
  private currIncrSeq = 0;
  private fd = -1;
  private selectedDb = -1;
  private curTimestamp = 0;
  private buf: string[] = [];
  private bufLen = 0;
  /** Inside a propagated MULTI … EXEC unit: written as one piece at EXEC. */
  private inUnit = false;
  private flushScheduled = false;
  private fsyncTimer: NodeJS.Timeout | null = null;
  private unlisten: (() => void) | null = null;
  private rewrite: Rewrite | null = null;
  private generation = 0;
  private exitHandler: (() => void) | null = null;
  /** Set while openPersistence sets config.appendonly itself. */
  suspendHook = false;
  /** Function libraries to carry into a rewritten base (the engine has no Functions yet). */
  functions: string[] = [];

  // INFO persistence
  currentSize = 0;
  baseSize = 0;
  lastIncrSize = 0;
  fsyncOffset = 0;
  lastFsync = 0;
  rewriteScheduled = false;
  rewrites = 0;
  lastRewriteTimeSec = -1;
  lastBgrewriteOk = true;
  consecutiveFailures = 0;
  lastWriteOk = true;
  delayedFsync = 0;

  constructor(readonly engine: Engine) {}

  get dir(): string {
    return path.join(this.engine.config.dir, this.engine.config.appenddirname);
  }

  get manifestName(): string {
    return `${this.engine.config.appendfilename}.manifest`;
  }

  get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  get rewriteStartedAt(): number | null {
    return this.rewrite?.startedAt ?? null;
  }

  /** aofLoadManifestFromDisk: read the manifest if the directory and file exist. */
  loadManifestFromDisk(): void {
    const file = path.join(this.dir, this.manifestName);
    if (!fs.existsSync(file)) return;
    this.setManifest(parseManifest(fs.readFileSync(file)));
  }

  setManifest(am: AofManifest): void {
    this.manifest = am;
    this.currBaseSeq = Math.max(this.currBaseSeq, am.base?.seq ?? 0);
    this.currIncrSeq = Math.max(this.currIncrSeq, am.incr.at(-1)?.seq ?? 0);
  }

  private persistManifest(am: AofManifest): void {
    writeManifestAtomically(this.dir, this.manifestName, am);
  }

  private newBaseName(am: AofManifest): string {
    if (am.base) am.history.unshift({ name: am.base.name, seq: am.base.seq, type: 'h' });
    const seq = ++this.currBaseSeq;
    const name = baseFileName(this.engine.config.appendfilename, seq, this.engine.config.aofUseRdbPreamble);
    am.base = { name, seq, type: 'b' };
    return name;
  }

  private newIncrName(am: AofManifest): string {
    const seq = ++this.currIncrSeq;
    const name = incrFileName(this.engine.config.appendfilename, seq);
    am.incr.push({ name, seq, type: 'i' });
    return name;
  }

  private baseContent(): Buffer[] {
    const c = this.engine.config;
    return aofBaseContent(this.engine, functionCodes(this.engine, this.functions), {
      preamble: c.aofUseRdbPreamble,
      timestamp: c.aofTimestampEnabled ? Math.floor(Date.now() / 1000) : null,
      rdbcompression: c.rdbcompression,
    });
  }

  /** aofOpenIfNeededOnServerStart: base for an empty start, open (or create) the last incr. */
  openOnStart(): void {
    this.state = 'on';
    fs.mkdirSync(this.dir, { recursive: true });
    const am = this.manifest;
    // Sizes as loadAppendOnlyFiles leaves them: 0 on a fresh start (the new base not counted).
    const loaded = am.base !== null || am.incr.length > 0;
    if (!loaded) {
      const name = this.newBaseName(am);
      const tmp = path.join(this.engine.config.dir, `temp-rewriteaof-${process.pid}.aof`);
      writeFileSynced(tmp, this.baseContent());
      fs.renameSync(tmp, path.join(this.dir, name));
    }
    const last = am.incr.at(-1)?.name ?? this.newIncrName(am);
    this.fd = fs.openSync(path.join(this.dir, last), 'a', 0o644);
    this.persistManifest(am);
    // server.c calls aofDelHistoryFiles() right after: history left by a crash goes now.
    this.deleteHistoryFiles();
    this.lastIncrSize = fs.fstatSync(this.fd).size;
    this.baseSize = loaded && am.base ? this.fileSize(am.base.name) : 0;
    this.currentSize = loaded ? this.baseSize + am.incr.reduce((n, e) => n + this.fileSize(e.name), 0) : 0;
    this.fsyncOffset = this.currentSize;
    this.listen();
  }

  private fileSize(name: string): number {
    try {
      return fs.statSync(path.join(this.dir, name)).size;
    } catch {
      return 0;
    }
  }

  private listen(): void {
    if (!this.unlisten) {
      patchExecPropagation(this.engine);
      this.unlisten = this.engine.onPropagate((db, argv) => this.feed(db, argv));
    }
    if (!this.fsyncTimer) {
      this.fsyncTimer = setInterval(() => this.cron(), 1000);
      this.fsyncTimer.unref();
    }
    if (!this.exitHandler) {
      this.exitHandler = () => this.flush(true);
      process.on('exit', this.exitHandler);
    }
  }

  private unlistenAll(): void {
    this.unlisten?.();
    this.unlisten = null;
    if (this.fsyncTimer) clearInterval(this.fsyncTimer);
    this.fsyncTimer = null;
    if (this.exitHandler) process.off('exit', this.exitHandler);
    this.exitHandler = null;
  }

  /** feedAppendOnlyFile. */
  feed(dbIndex: number, argv: Bytes[]): void {
    if (this.state === 'off') return;
    const dictid = dbIndex;
    let unitEnd = false;
    if (argv.length === 1) {
      // A propagated unit is wrapped in MULTI (with the first command's db, so a SELECT comes
      // before it, as Redis 7.0 writes it) … EXEC.
      const name = argv[0]!.toUpperCase();
      if (name === 'MULTI') {
        this.inUnit = true;
      } else if (name === 'EXEC') {
        // An EXEC outside a unit would make the AOF unloadable: never written.
        if (!this.inUnit) return;
        this.inUnit = false;
        unitEnd = true;
        argv = EXEC_ARGV;
      }
    }
    let s = '';
    if (this.engine.config.aofTimestampEnabled) {
      const now = Math.floor(this.engine.mstime() / 1000);
      if (this.curTimestamp < now) {
        this.curTimestamp = now;
        s += `#TS:${now}\r\n`;
      }
    }
    if (dictid !== -1 && dictid !== this.selectedDb) {
      const id = String(dictid);
      s += `*2\r\n$6\r\nSELECT\r\n$${id.length}\r\n${id}\r\n`;
      this.selectedDb = dictid;
    }
    s += respCommand(argv);
    this.buf.push(s);
    this.bufLen += s.length;
    if (this.engine.config.appendfsync === 'always') {
      if (!this.inUnit || unitEnd) this.flush(true);
    } else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush(false);
      });
    }
  }

  /** flushAppendOnlyFile: write the buffer; fsync as appendfsync says. */
  flush(force: boolean): void {
    if (this.fd === -1) {
      this.buf = [];
      this.bufLen = 0;
      return;
    }
    const policy = this.engine.config.appendfsync;
    if (this.bufLen) {
      const data = Buffer.from(this.buf.length === 1 ? this.buf[0]! : this.buf.join(''), 'latin1');
      this.buf = [];
      this.bufLen = 0;
      try {
        let off = 0;
        while (off < data.length) off += fs.writeSync(this.fd, data, off);
        this.lastWriteOk = true;
      } catch (e) {
        this.lastWriteOk = false;
        // Redis exits when it cannot honour appendfsync always; we throw to the caller.
        if (policy === 'always') throw e;
        return;
      }
      this.currentSize += data.length;
      this.lastIncrSize += data.length;
    } else if (!force && !(policy === 'everysec' && this.fsyncOffset !== this.currentSize)) {
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    if (policy === 'always' || (force && policy === 'everysec')) {
      fs.fdatasyncSync(this.fd);
      this.fsyncOffset = this.currentSize;
      this.lastFsync = now;
    } else if (policy === 'everysec' && now > this.lastFsync) {
      fs.fdatasyncSync(this.fd);
      this.fsyncOffset = this.currentSize;
      this.lastFsync = now;
    }
  }

  /** What serverCron does for the AOF: the everysec fsync, a scheduled rewrite. */
  cron(): void {
    if (this.fd !== -1 && this.engine.config.appendfsync === 'everysec' && this.fsyncOffset !== this.currentSize) {
      this.flush(true);
    }
    if (this.rewriteScheduled && !this.rewrite && !this.engine.rdb.bgsaveInProgress) this.startRewrite();
  }

  /** openNewIncrAofForAppend. */
  private openNewIncrForAppend(): void {
    if (this.state === 'off') return;
    let name: string;
    let am: AofManifest | null = null;
    if (this.state === 'wait-rewrite') {
      name = `temp-${this.engine.config.appendfilename}.incr`;
    } else {
      am = cloneManifest(this.manifest);
      name = this.newIncrName(am);
    }
    const fd = fs.openSync(path.join(this.dir, name), 'w', 0o644);
    try {
      if (am) this.persistManifest(am);
    } catch (e) {
      fs.closeSync(fd);
      if (am) this.currIncrSeq--;
      throw e;
    }
    if (this.fd !== -1) {
      fs.fdatasyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fsyncOffset = this.currentSize;
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    if (am) this.manifest = am;
  }

  /** BGREWRITEAOF: 'started', 'scheduled' (a BGSAVE runs), 'in-progress' or 'error'. */
  bgrewrite(inExec = false): 'started' | 'scheduled' | 'in-progress' | 'error' {
    if (this.rewrite) return 'in-progress';
    if (this.engine.rdb.bgsaveInProgress || inExec) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      this.listenCronOnly();
      return 'scheduled';
    }
    return this.startRewrite() ? 'started' : 'error';
  }

  private listenCronOnly(): void {
    if (!this.fsyncTimer) {
      this.fsyncTimer = setInterval(() => this.cron(), 100);
      this.fsyncTimer.unref();
    }
  }

  /** rewriteAppendOnlyFileBackground. */
  startRewrite(): boolean {
    if (this.rewrite) return false;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      this.selectedDb = -1;
      this.flush(true);
      this.openNewIncrForAppend();
    } catch {
      this.lastBgrewriteOk = false;
      return false;
    }
    this.rewrites++;
    this.rewriteScheduled = false;
    // The snapshot is taken now, as fork() would; the file is written while the engine goes on.
    const parts = this.baseContent();
    const rw: Rewrite = {
      generation: ++this.generation,
      startedAt: Date.now(),
      tmp: path.join(this.engine.config.dir, `temp-rewriteaof-bg-${process.pid}.aof`),
    };
    this.rewrite = rw;
    void (async () => {
      let ok = true;
      try {
        const fh = await fs.promises.open(rw.tmp, 'w', 0o644);
        try {
          for (const p of parts) await fh.write(p);
          await fh.sync();
        } finally {
          await fh.close();
        }
      } catch {
        ok = false;
      }
      this.rewriteDone(rw, ok);
    })();
    return true;
  }

  /** A test hook and what a caller awaits to know the rewrite finished. */
  async waitRewrite(): Promise<void> {
    while (this.rewrite) await new Promise((r) => setTimeout(r, 5));
  }

  /** backgroundRewriteDoneHandler. */
  private rewriteDone(rw: Rewrite, ok: boolean): void {
    if (this.rewrite !== rw || rw.generation !== this.generation) {
      fs.rmSync(rw.tmp, { force: true });
      return;
    }
    const tempIncr = path.join(this.dir, `temp-${this.engine.config.appendfilename}.incr`);
    if (ok) {
      const savedBase = this.currBaseSeq;
      const savedIncr = this.currIncrSeq;
      const am = cloneManifest(this.manifest);
      const baseName = this.newBaseName(am);
      try {
        fs.renameSync(rw.tmp, path.join(this.dir, baseName));
        if (this.state === 'wait-rewrite') {
          const incrName = this.newIncrName(am);
          fs.renameSync(tempIncr, path.join(this.dir, incrName));
        }
        // markRewrittenIncrAofAsHistory: all but the incr being written, walked from the tail.
        const keep = this.fd !== -1 ? am.incr.slice(-1) : [];
        const old = this.fd !== -1 ? am.incr.slice(0, -1) : am.incr;
        for (let i = old.length - 1; i >= 0; i--) am.history.unshift({ name: old[i]!.name, seq: old[i]!.seq, type: 'h' });
        am.incr = keep;
        this.persistManifest(am);
        this.manifest = am;
        if (this.fd !== -1) {
          this.selectedDb = -1;
          this.baseSize = this.fileSize(baseName);
          this.currentSize = this.baseSize + this.lastIncrSize;
          this.fsyncOffset = this.currentSize;
        }
        this.deleteHistoryFiles();
        this.lastBgrewriteOk = true;
        this.consecutiveFailures = 0;
        if (this.state === 'wait-rewrite') this.state = 'on';
      } catch {
        this.currBaseSeq = savedBase;
        this.currIncrSeq = savedIncr;
        this.lastBgrewriteOk = false;
        this.consecutiveFailures++;
      }
    } else {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
    }
    fs.rmSync(rw.tmp, { force: true });
    if (this.state === 'wait-rewrite') {
      // The rewrite that was to switch the AOF on failed: start over later.
      this.buf = [];
      this.bufLen = 0;
      if (this.fd !== -1) fs.closeSync(this.fd);
      this.fd = -1;
      fs.rmSync(tempIncr, { force: true });
      this.rewriteScheduled = true;
    }
    this.lastRewriteTimeSec = Math.floor((Date.now() - rw.startedAt) / 1000);
    this.rewrite = null;
  }

  /** aofDelHistoryFiles. */
  private deleteHistoryFiles(): void {
    if (!this.manifest.history.length) return;
    for (const h of this.manifest.history) fs.rmSync(path.join(this.dir, h.name), { force: true });
    this.manifest.history = [];
    this.persistManifest(this.manifest);
  }

  /** startAppendOnly (CONFIG SET appendonly yes): the AOF starts with a rewrite. */
  startAppendOnly(): boolean {
    if (this.state !== 'off') return true;
    this.state = 'wait-rewrite';
    this.listen();
    if (this.engine.rdb.bgsaveInProgress) {
      this.rewriteScheduled = true;
      return true;
    }
    if (this.rewrite) {
      // A rewrite that did not accumulate the AOF cannot be reused.
      this.generation++;
      fs.rmSync(this.rewrite.tmp, { force: true });
      this.rewrite = null;
    }
    if (!this.startRewrite()) {
      this.state = 'off';
      this.unlistenAll();
      return false;
    }
    this.lastFsync = Math.floor(Date.now() / 1000);
    this.lastWriteOk = true;
    return true;
  }

  /** stopAppendOnly (CONFIG SET appendonly no). */
  stopAppendOnly(): void {
    if (this.state === 'off') return;
    this.flush(true);
    if (this.fd !== -1) {
      try {
        fs.fdatasyncSync(this.fd);
      } catch {
        /* reported by the next write */
      }
      fs.closeSync(this.fd);
      this.fsyncOffset = this.currentSize;
    }
    this.fd = -1;
    this.selectedDb = -1;
    this.state = 'off';
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    if (this.rewrite) {
      this.generation++;
      fs.rmSync(this.rewrite.tmp, { force: true });
      this.rewrite = null;
    }
    this.buf = [];
    this.bufLen = 0;
    this.unlistenAll();
  }

  /** Flushes and closes the file (shutdown); the writer can be opened again. */
  close(): void {
    if (this.fd !== -1) {
      this.flush(true);
      try {
        fs.fdatasyncSync(this.fd);
      } catch {
        /* nothing more to do at shutdown */
      }
      fs.closeSync(this.fd);
      this.fd = -1;
    }
    this.state = 'off';
    this.unlistenAll();
    fsyncDir(this.dir);
  }
}

/**
 * INFO persistence's aof_* fields as Redis 7.0 prints them (from aof_enabled on, the fields
 * after aof_last_cow_size only while the AOF is on). Without a writer: the AOF-off values.
 */
export function aofInfoFields(engine: Engine): { main: Array<[string, string | number]>; enabled: Array<[string, string | number]> } {
  const w = getAofWriter(engine);
  const now = Date.now();
  const main: Array<[string, string | number]> = [
    ['aof_enabled', w ? (w.state !== 'off' ? 1 : 0) : engine.config.appendonly ? 1 : 0],
    ['aof_rewrite_in_progress', w?.rewriteInProgress ? 1 : 0],
    ['aof_rewrite_scheduled', w?.rewriteScheduled ? 1 : 0],
    ['aof_last_rewrite_time_sec', w?.lastRewriteTimeSec ?? -1],
    ['aof_current_rewrite_time_sec', w?.rewriteStartedAt != null ? Math.floor((now - w.rewriteStartedAt) / 1000) : -1],
    ['aof_last_bgrewrite_status', w && !w.lastBgrewriteOk ? 'err' : 'ok'],
    ['aof_rewrites', w?.rewrites ?? 0],
    ['aof_rewrites_consecutive_failures', w?.consecutiveFailures ?? 0],
    ['aof_last_write_status', w && !w.lastWriteOk ? 'err' : 'ok'],
    ['aof_last_cow_size', 0],
  ];
  // server.aof_enabled (the appendonly config) shows these, aof_enabled is aof_state != OFF.
  const enabled: Array<[string, string | number]> =
    w && engine.config.appendonly
      ? [
          ['aof_current_size', w.currentSize],
          ['aof_base_size', w.baseSize],
          ['aof_pending_rewrite', w.rewriteScheduled ? 1 : 0],
          ['aof_buffer_length', 0],
          ['aof_pending_bio_fsync', 0],
          ['aof_delayed_fsync', w.delayedFsync],
        ]
      : [];
  return { main, enabled };
}
