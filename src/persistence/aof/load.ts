import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../engine/engine.js';
import type { Session } from '../../engine/session.js';
import { ErrorReply } from '../../engine/reply.js';
import { CorruptError, FormatError, TruncatedError } from '../io/errors.js';
import { rdbLoadVisitor, type LoadResult } from '../rdb/engine-bridge.js';
import { RdbParser } from '../rdb/reader.js';
import { AofInputError, detectAofFile, resolveAofPath } from './check.js';
import { manifestFiles, parseManifest } from './manifest.js';
import { type AofAnnotation, type AofCommand, AofReader } from './reader.js';

export interface AofReplayOptions {
  /** Stop at the first `#TS:` annotation later than this (unix seconds), as --truncate-to-timestamp cuts. */
  untilTimestamp?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface AofReplayFile {
  name: string;
  /** What the file held: an RDB (base or preamble) and/or commands. */
  rdb: boolean;
  commands: number;
  bytes: number;
}

export interface AofReplayResult {
  layout: 'single' | 'multi-part';
  files: AofReplayFile[];
  commands: number;
  /** Keys that came from an RDB base or preamble. */
  rdbKeys: number;
  /**
   * Module values in an RDB part: only their module can load them (Redis refuses to start
   * without it), so they are not in the engine. Whoever writes the dataset out must refuse.
   */
  modules: number;
  functions: string[];
  /** Where --until stopped the replay. */
  stoppedAt: { file: string; offset: number; timestamp: number } | null;
  /** The last file ended inside a command or a MULTI without EXEC: loaded up to here. */
  truncated: { file: string; offset: number } | null;
}

/** The dataset replayed lacks module values: writing it out would lose them. */
export class ModuleValuesError extends Error {
  constructor(readonly count: number, what: string) {
    super(`${count} module value${count === 1 ? '' : 's'} in the RDB part cannot be loaded without ${count === 1 ? 'its module' : 'their modules'}; ${what}`);
    this.name = 'ModuleValuesError';
  }
}

/** Thrown inside the reader's visitor to stop at a timestamp. */
class StopReplay extends Error {
  constructor(readonly offset: number, readonly timestamp: number) {
    super('stop');
  }
}

/**
 * Loads persistence the way Redis does at start-up (aof.c loadAppendOnlyFiles): the base,
 * then the incr files in manifest order; a file that starts with "REDIS" is an RDB preamble
 * followed by commands. Commands run in the engine through a replay session (Redis's fake
 * client: it obeys everything, expiry is suspended while loading). A torn tail or a MULTI
 * without EXEC at the end of the last file is dropped (aof-load-truncated); the same in an
 * earlier file, or bytes that are not an AOF, is an error.
 */
/** The files a path names, in load order (the manifest's, or the one file). */
function replayPlan(input: string): { files: string[]; layout: AofReplayResult['layout'] } {
  const resolved = resolveAofPath(input);
  const kind = detectAofFile(resolved);
  let files: string[];
  let layout: AofReplayResult['layout'];
  if (kind === 'manifest') {
    const dir = path.dirname(resolved);
    const manifest = parseManifest(fs.readFileSync(resolved));
    files = manifestFiles(manifest).map((e) => path.join(dir, e.name));
    layout = 'multi-part';
  } else {
    files = [resolved];
    layout = 'single';
  }
  for (const f of files) if (!fs.existsSync(f)) throw new AofInputError(`${f}: no such file (listed in the manifest)`);
  return { files, layout };
}

/** Reads a file in chunks: a promise per chunk, or (for DEBUG LOADAOF, inside a command) synchronously. */
type ChunkSource = (file: string, each: (chunk: Buffer) => boolean) => Promise<void> | void;

const CHUNK = 1 << 20;

const readChunksAsync: ChunkSource = async (file, each) => {
  const fh = await fs.promises.open(file, 'r');
  try {
    let position = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, position);
      if (bytesRead === 0 || !each(buf.subarray(0, bytesRead))) return;
      position += bytesRead;
    }
  } finally {
    await fh.close();
  }
};

const readChunksSync: ChunkSource = (file, each) => {
  const fd = fs.openSync(file, 'r');
  try {
    let position = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const bytesRead = fs.readSync(fd, buf, 0, CHUNK, position);
      if (bytesRead === 0 || !each(buf.subarray(0, bytesRead))) return;
      position += bytesRead;
    }
  } finally {
    fs.closeSync(fd);
  }
};

/**
 * Loads persistence the way Redis does at start-up (aof.c loadAppendOnlyFiles): the base,
 * then the incr files in manifest order; a file that starts with "REDIS" is an RDB preamble
 * followed by commands. Commands run in the engine through a replay session (Redis's fake
 * client: it obeys everything, expiry is suspended while loading). A torn tail or a MULTI
 * without EXEC at the end of the last file is dropped (aof-load-truncated); the same in an
 * earlier file, or bytes that are not an AOF, is an error.
 */
export async function replayAof(input: string, engine: Engine, options: AofReplayOptions = {}): Promise<AofReplayResult> {
  const replay = new Replay(input, engine, options);
  try {
    for (const file of replay.files) {
      await readChunksAsync(file, (chunk) => replay.feed(chunk));
      if (!replay.endFile()) break;
    }
    return replay.result;
  } finally {
    replay.close();
  }
}

/** replayAof without giving up the thread: what a command (DEBUG LOADAOF) can wait for. */
export function replayAofSync(input: string, engine: Engine, options: AofReplayOptions = {}): AofReplayResult {
  const replay = new Replay(input, engine, options);
  try {
    for (const file of replay.files) {
      readChunksSync(file, (chunk) => replay.feed(chunk));
      if (!replay.endFile()) break;
    }
    return replay.result;
  } finally {
    replay.close();
  }
}

/** The replay of a list of files, fed chunk by chunk; whoever reads the files drives it. */
class Replay {
  readonly files: string[];
  readonly result: AofReplayResult;
  private readonly session: Session;
  private readonly wasLoading: boolean;
  private readonly total: number;
  private done = 0;
  private index = 0;
  private current: FileReplay | null = null;

  constructor(input: string, private readonly engine: Engine, private readonly options: AofReplayOptions) {
    const { files, layout } = replayPlan(input);
    this.files = files;
    this.total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
    this.result = { layout, files: [], commands: 0, rdbKeys: 0, modules: 0, functions: [], stoppedAt: null, truncated: null };
    this.session = engine.createSession();
    this.session.obeyAll = true;
    this.wasLoading = engine.loading;
    engine.loading = true;
  }

  /** False once the file needs no more bytes (--until reached). */
  feed(chunk: Buffer): boolean {
    this.current ??= this.openFile();
    this.done += chunk.length;
    this.options.onProgress?.(this.done, this.total);
    return this.current.feed(chunk);
  }

  /** Ends the current file; false when the replay stops here. */
  endFile(): boolean {
    const file = this.files[this.index]!;
    const fr = this.current ?? this.openFile(); // an empty file gets no feed
    this.current = null;
    this.index++;
    const r = fr.end();
    const result = this.result;
    result.files.push(r.file);
    result.commands += r.file.commands;
    result.rdbKeys += r.rdb.keys;
    result.modules += r.rdb.modules;
    result.functions.push(...r.rdb.functions);
    if (r.truncatedAt !== null) result.truncated = { file, offset: r.truncatedAt };
    if (r.stoppedAt) {
      result.stoppedAt = { file, ...r.stoppedAt };
      return false;
    }
    return true;
  }

  private openFile(): FileReplay {
    const last = this.index === this.files.length - 1;
    return new FileReplay(this.files[this.index]!, this.engine, this.session, last, this.options);
  }

  close(): void {
    this.engine.loading = this.wasLoading;
    this.session.close();
  }
}

interface FileReplayResult {
  file: AofReplayFile;
  rdb: LoadResult;
  truncatedAt: number | null;
  stoppedAt: { offset: number; timestamp: number } | null;
}

/** One file: an optional RDB preamble, then commands. */
class FileReplay {
  private readonly rdb: LoadResult = { keys: 0, expired: 0, modules: 0, functions: [], version: 0 };
  private readonly info: AofReplayFile;
  private readonly visitor: { onCommand: (cmd: AofCommand) => void; onAnnotation: (a: AofAnnotation) => void };
  private reader: AofReader;
  private parser: RdbParser | null = null;
  private inRdb = false;
  private position = 0;
  private stoppedAt: { offset: number; timestamp: number } | null = null;

  constructor(
    file: string,
    private readonly engine: Engine,
    private readonly session: Session,
    private readonly last: boolean,
    options: AofReplayOptions,
  ) {
    const name = path.basename(file);
    this.info = { name, rdb: false, commands: 0, bytes: 0 };
    this.visitor = {
      onCommand: (cmd: AofCommand) => {
        const reply = session.execute(cmd.argv);
        this.info.commands++;
        // Only a command the engine does not know stops a load (Redis exits on it); other
        // error replies are what the original server answered too.
        if (reply instanceof ErrorReply && reply.message.startsWith('ERR unknown command')) {
          throw new CorruptError(`Unknown command '${cmd.argv[0]}' reading the append only file`, cmd.offset, name);
        }
      },
      onAnnotation: (a: AofAnnotation) => {
        if (options.untilTimestamp !== undefined && a.timestamp !== null && a.timestamp > options.untilTimestamp) {
          throw new StopReplay(a.offset, a.timestamp);
        }
      },
    };
    // Commands start at offset 0, or where an RDB preamble ends.
    this.reader = new AofReader(this.visitor);
  }

  feed(input: Buffer): boolean {
    let chunk = input;
    if (this.position === 0 && chunk.length >= 5 && chunk.toString('latin1', 0, 5) === 'REDIS') {
      this.inRdb = true;
      this.info.rdb = true;
      this.parser = new RdbParser(rdbLoadVisitor(this.engine, this.rdb, false), { preamble: true });
    }
    this.position += chunk.length;
    if (this.inRdb) {
      const parser = this.parser!;
      parser.feed(chunk);
      if (!parser.done) return true;
      this.inRdb = false;
      this.rdb.version = parser.version;
      // What follows the RDB in this window is the start of the command tail.
      chunk = parser.rest;
      this.reader = new AofReader(this.visitor, { baseOffset: parser.endOffset });
      if (chunk.length === 0) return true;
    }
    try {
      this.reader.feed(chunk);
      return true;
    } catch (e) {
      if (!(e instanceof StopReplay)) throw e;
      this.stoppedAt = { offset: e.offset, timestamp: e.timestamp };
      return false;
    }
  }

  end(): FileReplayResult {
    const { info, rdb } = this;
    if (this.stoppedAt) return { file: info, rdb, truncatedAt: null, stoppedAt: this.stoppedAt };
    info.bytes = this.position;
    if (this.inRdb) this.parser!.end(); // throws: the RDB itself is truncated
    try {
      this.reader.end();
    } catch (e) {
      if (e instanceof StopReplay) return { file: info, rdb, truncatedAt: null, stoppedAt: { offset: e.offset, timestamp: e.timestamp } };
      if (!(e instanceof TruncatedError)) throw e;
      if (!this.last) throw new FormatError(`the truncated file is not the last file (${e.message})`, e.offset, info.name);
      // aof-load-truncated: keep what is complete; a MULTI left open is thrown away.
      if (this.session.multi) this.session.discard();
      return { file: info, rdb, truncatedAt: e.offset, stoppedAt: null };
    }
    return { file: info, rdb, truncatedAt: null, stoppedAt: null };
  }
}
