import fs from 'node:fs';
import path from 'node:path';
import { Engine } from '../../engine/engine.js';
import { AtomicFileWriter } from '../io/atomic-file.js';
import { objectToValue } from '../rdb/engine-bridge.js';
import { functionCodes, serializeEngine, versionFor } from '../rdb/save.js';
import { encodeCommand } from '../../resp/encoder.js';
import type { RdbWriteVersion } from '../rdb/writer.js';
import { AofInputError, detectAofFile, resolveAofPath } from './check.js';
import { ModuleValuesError, replayAof, type AofReplayOptions } from './load.js';
import { formatManifest, parseManifest, type AofManifest, type ManifestEntry } from './manifest.js';
import { keyToCommands } from './rewrite-commands.js';

/**
 * AOF rewrite (aof.c rewriteAppendOnlyFile): the smallest AOF that rebuilds a dataset.
 * With a preamble (aof-use-rdb-preamble yes) it is an RDB; without, commands: a `#TS:`
 * annotation first when timestamps are on, FUNCTION LOAD per library, then per non-empty
 * database one SELECT and each key's commands (64 items per command, PEXPIREAT for TTLs).
 *
 * `rewriteAof` does it offline: replay an AOF (single file or Redis 7 directory) into a
 * fresh engine, then write the result as a single file or as a new multi-part directory,
 * or in place with the same steps and the same crash safety as Redis's BGREWRITEAOF.
 */

/** Redis 7.0 loads RDB ≤ 10: the base is 10 unless the data needs 11 or 12 (save.ts versionFor). */
export const AOF_BASE_RDB_VERSION: RdbWriteVersion = 10;

const TEMP_PREFIX = 'temp-';

/** One command as the AOF holds it (catAppendOnlyGenericCommand): RESP, as clients send it. */
export const respCommand = encodeCommand;

export interface AofContentOptions {
  preamble: boolean;
  rdbVersion?: RdbWriteVersion;
  /** aof-timestamp-enabled: a `#TS:` annotation at the start of a command base. */
  timestamp?: number | null;
  rdbcompression?: boolean;
}

/**
 * The dataset as base-file bytes (rewriteAppendOnlyFile's content), taken synchronously so a
 * caller can write it while the engine goes on (what fork() gives Redis).
 */
export function aofBaseContent(engine: Engine, functions: readonly string[], options: AofContentOptions): Buffer[] {
  if (options.preamble) {
    return serializeEngine(engine, [...functions], {
      version: options.rdbVersion ?? versionFor(engine, AOF_BASE_RDB_VERSION),
      compression: options.rdbcompression,
      aux: [['aof-base', '1']],
    });
  }
  const parts: Buffer[] = [];
  let chunk: string[] = [];
  let size = 0;
  const push = (s: string) => {
    chunk.push(s);
    size += s.length;
    if (size >= 1 << 20) {
      parts.push(Buffer.from(chunk.join(''), 'latin1'));
      chunk = [];
      size = 0;
    }
  };
  if (options.timestamp !== undefined && options.timestamp !== null) push(`#TS:${options.timestamp}\r\n`);
  for (const code of functions) push(respCommand(['FUNCTION', 'LOAD', code]));
  for (const db of engine.dbs) {
    if (db.dict.size === 0) continue;
    push(respCommand(['SELECT', String(db.id)]));
    for (const [key, o] of db.dict) {
      const cmds = keyToCommands(key, objectToValue(o), db.expires.get(key) ?? null);
      if (cmds === null) throw new Error(`key ${JSON.stringify(key)} holds a module value: only its module can rewrite it`);
      for (const c of cmds) push(respCommand(c));
    }
  }
  if (size) parts.push(Buffer.from(chunk.join(''), 'latin1'));
  return parts;
}

/** Writes buffers to a file and fsyncs it (not atomic: for temp- names). */
export function writeFileSynced(file: string, parts: readonly Buffer[]): number {
  const fd = fs.openSync(file, 'w', 0o644);
  let bytes = 0;
  try {
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += fs.writeSync(fd, p, off);
      bytes += p.length;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* some filesystems refuse fsync on a directory; the renames are still atomic */
  }
}

/** writeAofManifestFile: temp-<name>.manifest, fsync, rename, fsync the directory. */
export function writeManifestAtomically(dir: string, manifestName: string, am: AofManifest): void {
  const tmp = path.join(dir, TEMP_PREFIX + manifestName);
  writeFileSynced(tmp, [Buffer.from(formatManifest(am), 'latin1')]);
  fs.renameSync(tmp, path.join(dir, manifestName));
  fsyncDir(dir);
}

/** getNewBaseFileNameAndMarkPreAsHistory / getNewIncrAofName naming. */
export function baseFileName(appendfilename: string, seq: number, preamble: boolean): string {
  return `${appendfilename}.${seq}.base.${preamble ? 'rdb' : 'aof'}`;
}

export function incrFileName(appendfilename: string, seq: number): string {
  return `${appendfilename}.${seq}.incr.aof`;
}

/** The highest seq of each kind a manifest has used (curr_base_file_seq / curr_incr_file_seq). */
export function manifestSeqs(am: AofManifest): { base: number; incr: number } {
  // aofLoadManifestFromFile: the base's seq, the last incr's seq (history entries do not count).
  return { base: am.base?.seq ?? 0, incr: am.incr.at(-1)?.seq ?? 0 };
}

/** The kill points of an in-place rewrite of a directory, in order (for crash tests). */
export const IN_PLACE_STEPS = ['base-written', 'incr-created', 'manifest-switched', 'history-removed'] as const;
export type InPlaceStep = (typeof IN_PLACE_STEPS)[number];

/** Thrown by the crashAfter test hook: the process "died" right after that step. */
export class SimulatedCrash extends Error {
  constructor(readonly step: InPlaceStep) {
    super(`simulated crash after ${step}`);
  }
}

export interface RewriteOptions {
  /** A file (single-file input) or a directory (multi-part input); not with inPlace. */
  output?: string;
  inPlace?: boolean;
  /** aof-use-rdb-preamble (default true). */
  preamble?: boolean;
  rdbVersion?: RdbWriteVersion;
  /** Start a command base with a `#TS:` annotation (aof-timestamp-enabled). */
  timestamp?: boolean;
  onProgress?: AofReplayOptions['onProgress'];
  /** Test hook: stop right after this step of an in-place directory rewrite. */
  crashAfter?: InPlaceStep;
}

export interface RewriteFile {
  name: string;
  bytes: number;
  type?: 'b' | 'i';
}

export interface RewriteResult {
  layout: 'single' | 'multi-part';
  input: string;
  output: string;
  inPlace: boolean;
  preamble: boolean;
  rdbVersion: number | null;
  /** Bytes of the AOF files before (base, incr and history files) and after. */
  before: number;
  after: number;
  files: RewriteFile[];
  /** The new manifest (multi-part output). */
  manifest: string | null;
  keys: number;
  commandsReplayed: number;
  truncatedTail: boolean;
  ms: number;
}

function fileSize(p: string): number {
  try {
    return fs.statSync(p).size;
  } catch {
    return 0;
  }
}

/**
 * Rewrites an AOF offline. Single file in → single file out (`output`, or the same path with
 * `inPlace`: temp file, fsync, rename). Directory (or manifest) in → directory out: a new base
 * (seq+1), an empty incr (seq+1) and a manifest; in place, the old files become history in
 * the new manifest and are then removed, as Redis's rewrite leaves them.
 */
export async function rewriteAof(input: string, options: RewriteOptions = {}): Promise<RewriteResult> {
  const started = performance.now();
  const preamble = options.preamble ?? true;
  const inPlace = options.inPlace ?? false;
  if (inPlace && options.output) throw new AofInputError('--in-place and -o are exclusive');
  if (!inPlace && !options.output) throw new AofInputError('give -o OUT or --in-place');
  const resolved = resolveAofPath(input);
  const kind = detectAofFile(resolved);
  const engine = new Engine({ timers: false });
  try {
    const replay = await replayAof(resolved, engine, { onProgress: options.onProgress });
    if (replay.modules) throw new ModuleValuesError(replay.modules, 'not rewriting (the rewrite would drop them)');
    // The version written: the one asked, raised to 12 when hash field TTLs need it.
    const rdbVersion = preamble ? options.rdbVersion ?? versionFor(engine, AOF_BASE_RDB_VERSION) : null;
    const ts = options.timestamp ? Math.floor(Date.now() / 1000) : null;
    const parts = aofBaseContent(engine, functionCodes(engine, replay.functions), { preamble, rdbVersion: rdbVersion ?? undefined, timestamp: ts });
    const keys = engine.dbs.reduce((n, d) => n + d.dict.size, 0);
    const common = {
      input,
      inPlace,
      preamble,
      rdbVersion,
      keys,
      commandsReplayed: replay.commands,
      truncatedTail: replay.truncated !== null,
    };
    if (kind !== 'manifest') {
      const before = fileSize(resolved);
      const target = inPlace ? resolved : options.output!;
      if (!inPlace && fs.existsSync(target) && fs.statSync(target).isDirectory()) {
        throw new AofInputError(`${target}: is a directory (a single-file AOF rewrites to a file)`);
      }
      const w = new AtomicFileWriter(target);
      try {
        for (const p of parts) w.write(p);
        w.commit();
      } catch (e) {
        w.abort();
        throw e;
      }
      const after = fileSize(target);
      return {
        ...common, layout: 'single', output: target, before, after,
        files: [{ name: path.basename(target), bytes: after }], manifest: null, ms: performance.now() - started,
      };
    }
    // Multi-part: the manifest's directory and name tell appendfilename.
    const srcDir = path.dirname(resolved);
    const manifestName = path.basename(resolved);
    const appendfilename = manifestName.endsWith('.manifest') ? manifestName.slice(0, -'.manifest'.length) : manifestName;
    const am = parseManifest(fs.readFileSync(resolved));
    const oldFiles = [...(am.base ? [am.base] : []), ...am.history, ...am.incr];
    const before = oldFiles.reduce((n, e) => n + fileSize(path.join(srcDir, e.name)), 0);
    const seqs = manifestSeqs(am);
    const base: ManifestEntry = { name: baseFileName(appendfilename, seqs.base + 1, preamble), seq: seqs.base + 1, type: 'b' };
    const incr: ManifestEntry = { name: incrFileName(appendfilename, seqs.incr + 1), seq: seqs.incr + 1, type: 'i' };
    let outDir: string;
    if (inPlace) {
      outDir = srcDir;
    } else {
      outDir = options.output!;
      // A Redis data dir given as input (dir/appendonlydir) gives the same shape out.
      const st = fs.statSync(input);
      if (st.isDirectory() && path.resolve(input) !== path.resolve(srcDir)) outDir = path.join(outDir, path.relative(input, srcDir));
      if (fs.existsSync(outDir)) {
        if (!fs.statSync(outDir).isDirectory()) throw new AofInputError(`${outDir}: not a directory (a multi-part AOF rewrites to a directory)`);
        if (fs.readdirSync(outDir).length) throw new AofInputError(`${outDir}: directory not empty`);
      }
      fs.mkdirSync(outDir, { recursive: true });
    }
    const crash = (step: InPlaceStep) => {
      if (options.crashAfter === step) throw new SimulatedCrash(step);
    };
    // 1. The new base under a temp- name, fsync, rename (backgroundRewriteDoneHandler).
    const tmpBase = path.join(outDir, `${TEMP_PREFIX}rewriteaof-${process.pid}.aof`);
    try {
      writeFileSynced(tmpBase, parts);
      fs.renameSync(tmpBase, path.join(outDir, base.name));
    } catch (e) {
      fs.rmSync(tmpBase, { force: true });
      throw e;
    }
    fsyncDir(outDir);
    crash('base-written');
    // 2. The new, empty incr file (openNewIncrAofForAppend).
    writeFileSynced(path.join(outDir, incr.name), []);
    fsyncDir(outDir);
    crash('incr-created');
    // 3. The manifest switches to the new files; old ones become history.
    // Redis lists the old base first (listAddNodeHead), then the rewritten incrs, each added at the head.
    const switched: AofManifest = { base, history: reorderHistory(am, inPlace), incr: [incr] };
    writeManifestAtomically(outDir, manifestName, switched);
    crash('manifest-switched');
    // 4. aofDelHistoryFiles: remove them, then the manifest without history.
    if (inPlace && switched.history.length) {
      for (const h of switched.history) {
        if (h.name !== base.name && h.name !== incr.name) fs.rmSync(path.join(outDir, h.name), { force: true });
      }
      writeManifestAtomically(outDir, manifestName, { base, history: [], incr: [incr] });
    }
    crash('history-removed');
    const files: RewriteFile[] = [
      { name: base.name, bytes: fileSize(path.join(outDir, base.name)), type: 'b' },
      { name: incr.name, bytes: 0, type: 'i' },
    ];
    return {
      ...common,
      layout: 'multi-part',
      output: outDir,
      before,
      after: files[0]!.bytes + files[1]!.bytes,
      files,
      manifest: path.join(outDir, manifestName),
      ms: performance.now() - started,
    };
  } finally {
    engine.close();
  }
}

/**
 * The history list as Redis builds it in backgroundRewriteDoneHandler: the old base is put at
 * the head (getNewBaseFileNameAndMarkPreAsHistory), then each rewritten incr, walked from the
 * tail, is put at the head too (markRewrittenIncrAofAsHistory) — so incrs in order, then the
 * old base, then what was history already.
 */
function reorderHistory(am: AofManifest, inPlace: boolean): ManifestEntry[] {
  if (!inPlace) return [];
  const h = (e: ManifestEntry): ManifestEntry => ({ name: e.name, seq: e.seq, type: 'h' });
  return [...am.incr.map(h), ...(am.base ? [h(am.base)] : []), ...am.history];
}
