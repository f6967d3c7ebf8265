import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../engine/engine.js';
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
  functions: string[];
  /** Where --until stopped the replay. */
  stoppedAt: { file: string; offset: number; timestamp: number } | null;
  /** The last file ended inside a command or a MULTI without EXEC: loaded up to here. */
  truncated: { file: string; offset: number } | null;
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
export async function replayAof(input: string, engine: Engine, options: AofReplayOptions = {}): Promise<AofReplayResult> {
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
  const total = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  const result: AofReplayResult = { layout, files: [], commands: 0, rdbKeys: 0, functions: [], stoppedAt: null, truncated: null };
  const session = engine.createSession();
  session.obeyAll = true;
  const wasLoading = engine.loading;
  engine.loading = true;
  let done = 0;
  try {
    for (let i = 0; i < files.length; i++) {
      const file = files[i]!;
      const last = i === files.length - 1;
      const r = await replayFile(file, engine, session, last, options, (n) => {
        done += n;
        options.onProgress?.(done, total);
      });
      result.files.push(r.file);
      result.commands += r.file.commands;
      result.rdbKeys += r.rdb.keys;
      result.functions.push(...r.rdb.functions);
      if (r.truncatedAt !== null) result.truncated = { file, offset: r.truncatedAt };
      if (r.stoppedAt) {
        result.stoppedAt = { file, ...r.stoppedAt };
        break;
      }
    }
  } finally {
    engine.loading = wasLoading;
    session.close();
  }
  return result;
}

async function replayFile(
  file: string,
  engine: Engine,
  session: ReturnType<Engine['createSession']>,
  last: boolean,
  options: AofReplayOptions,
  progress: (n: number) => void,
): Promise<{ file: AofReplayFile; rdb: LoadResult; truncatedAt: number | null; stoppedAt: { offset: number; timestamp: number } | null }> {
  const rdb: LoadResult = { keys: 0, expired: 0, modules: 0, functions: [], version: 0 };
  const info: AofReplayFile = { name: path.basename(file), rdb: false, commands: 0, bytes: 0 };
  const name = path.basename(file);
  let parser: RdbParser | null = null;
  const visitor = {
    onCommand: (cmd: AofCommand) => {
      const reply = session.execute(cmd.argv);
      info.commands++;
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
  let reader = new AofReader(visitor);
  let inRdb = false;
  const fh = await fs.promises.open(file, 'r');
  try {
    const size = 1 << 20;
    let position = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await fh.read(buf, 0, size, position);
      if (bytesRead === 0) break;
      let chunk: Buffer = buf.subarray(0, bytesRead);
      if (position === 0 && chunk.length >= 5 && chunk.toString('latin1', 0, 5) === 'REDIS') {
        inRdb = true;
        info.rdb = true;
        parser = new RdbParser(rdbLoadVisitor(engine, rdb, false), { preamble: true });
      }
      position += bytesRead;
      progress(bytesRead);
      if (inRdb) {
        parser!.feed(chunk);
        if (!parser!.done) continue;
        inRdb = false;
        rdb.version = parser!.version;
        // What follows the RDB in this window is the start of the command tail.
        chunk = parser!.rest;
        reader = new AofReader(visitor, { baseOffset: parser!.endOffset });
        if (chunk.length === 0) continue;
      }
      try {
        reader.feed(chunk);
      } catch (e) {
        if (e instanceof StopReplay) return { file: info, rdb, truncatedAt: null, stoppedAt: { offset: e.offset, timestamp: e.timestamp } };
        throw e;
      }
    }
    info.bytes = position;
    if (inRdb) parser!.end(); // throws: the RDB itself is truncated
    try {
      reader.end();
    } catch (e) {
      if (e instanceof StopReplay) return { file: info, rdb, truncatedAt: null, stoppedAt: { offset: e.offset, timestamp: e.timestamp } };
      if (!(e instanceof TruncatedError)) throw e;
      if (!last) throw new FormatError(`the truncated file is not the last file (${e.message})`, e.offset, name);
      // aof-load-truncated: keep what is complete; a MULTI left open is thrown away.
      if (session.multi) session.discard();
      return { file: info, rdb, truncatedAt: e.offset, stoppedAt: null };
    }
    return { file: info, rdb, truncatedAt: null, stoppedAt: null };
  } finally {
    await fh.close();
  }
}
