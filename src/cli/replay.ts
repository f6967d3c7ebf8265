import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Engine } from '../engine/engine.js';
import { AofInputError } from '../persistence/aof/check.js';
import { ModuleValuesError, replayAof, type AofReplayResult } from '../persistence/aof/load.js';
import { FormatError } from '../persistence/io/errors.js';
import { objectToValue } from '../persistence/rdb/engine-bridge.js';
import { saveEngineRdb } from '../persistence/rdb/save.js';
import { LossError, type RdbWriteVersion } from '../persistence/rdb/writer.js';
import { fileOut, keyToJsonLine } from './dump.js';
import { describeFormatError, EXIT_CANNOT_READ, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import type { CliIO } from './main.js';
import { Progress } from './progress.js';

function parseUntil(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a unix time in seconds.');
  return Number(v);
}

function parseVersion(v: string): RdbWriteVersion {
  if (v === '9' || v === '10' || v === '11' || v === '12') return Number(v) as RdbWriteVersion;
  throw new InvalidArgumentError('redscope writes RDB versions 9, 10, 11 and 12.');
}

/** Writes the engine's dataset as JSON lines (the dump format), atomically. */
function writeJsonLines(engine: Engine, out: string): number {
  const target = fileOut(out, 'utf8');
  let keys = 0;
  try {
    for (const db of engine.dbs) {
      for (const [key, o] of db.dict) {
        const info = {
          db: db.id, key, rdbType: 0, type: o.type, expireAt: db.expires.get(key) ?? null, idle: null, freq: null, offset: 0,
        };
        target.write(keyToJsonLine(info, objectToValue(o)) + '\n');
        keys++;
      }
    }
    target.commit();
    return keys;
  } catch (e) {
    target.abort();
    throw e;
  }
}

function summary(engine: Engine, r: AofReplayResult): Record<string, unknown> {
  return {
    layout: r.layout,
    files: r.files,
    commands: r.commands,
    rdbKeys: r.rdbKeys,
    modulesNotLoaded: r.modules,
    dbs: engine.dbs.filter((d) => d.dict.size).map((d) => ({ db: d.id, keys: d.dict.size, expires: d.expires.size })),
    stoppedAt: r.stoppedAt,
    truncated: r.truncated,
  };
}

/** Replays an AOF into a fresh engine, as a server would load it at start-up. */
export async function replayToEngine(file: string, io: CliIO, until?: number): Promise<{ engine: Engine; result: AofReplayResult }> {
  const engine = new Engine({ timers: false });
  const progress = new Progress(io.stderr, `replaying ${file}`);
  try {
    const result = await replayAof(file, engine, { untilTimestamp: until, onProgress: (d, t) => progress.update(d, t) });
    return { engine, result };
  } catch (e) {
    engine.close();
    throw e;
  } finally {
    progress.done();
  }
}

export function replayCommand(io: CliIO, result: { code: number }): Command {
  return new Command('replay')
    .description('load an AOF (single file, RDB preamble, or a Redis 7 appendonlydir) as Redis does at start-up')
    .argument('<path>', 'an AOF file, a manifest, an appendonlydir or a Redis data dir')
    .option('--until <unix-seconds>', 'stop at the first #TS: annotation later than this time', parseUntil)
    .option('-o, --output <file>', 'write the resulting dataset: .rdb (RDB) or .jsonl (JSON lines)')
    .option('--rdb-version <n>', 'RDB version for an .rdb output: 9, 10, 11 (default; 12 when hash field TTLs need it) or 12', parseVersion)
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, opts: { until?: number; output?: string; rdbVersion?: RdbWriteVersion; json?: boolean }) => {
      let engine: Engine | null = null;
      try {
        const r = await replayToEngine(file, io, opts.until);
        engine = r.engine;
        if (opts.output && r.result.modules) throw new ModuleValuesError(r.result.modules, `not writing ${opts.output} (it would lack them)`);
        if (opts.output) {
          const ext = path.extname(opts.output).toLowerCase();
          if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') writeJsonLines(engine, opts.output);
          else saveEngineRdb(engine, opts.output, r.result.functions, { version: opts.rdbVersion });
        }
        const s = summary(engine, r.result);
        if (opts.json) {
          io.stdout.write(JSON.stringify(s) + '\n');
        } else {
          const lines = [`${r.result.layout} AOF: ${r.result.files.map((f) => f.name).join(', ')}`];
          lines.push(`commands replayed: ${r.result.commands}${r.result.rdbKeys ? `, keys from the RDB part: ${r.result.rdbKeys}` : ''}`);
          for (const d of s['dbs'] as Array<{ db: number; keys: number; expires: number }>) lines.push(`db ${d.db}: ${d.keys} keys, ${d.expires} with expiry`);
          if (r.result.modules) lines.push(`module values not loaded (no module to load them): ${r.result.modules}`);
          if (r.result.truncated) lines.push(`truncated tail ignored at offset ${r.result.truncated.offset} of ${path.basename(r.result.truncated.file)}`);
          if (r.result.stoppedAt) lines.push(`stopped at #TS:${r.result.stoppedAt.timestamp} (offset ${r.result.stoppedAt.offset} of ${path.basename(r.result.stoppedAt.file)})`);
          if (opts.output) lines.push(`written: ${opts.output}`);
          io.stdout.write(lines.join('\n') + '\n');
        }
        result.code = EXIT_VALID;
      } catch (e) {
        if (e instanceof AofInputError) {
          io.stderr.write(`redscope: cannot read ${e.message}\n`);
          result.code = EXIT_CANNOT_READ;
        } else if (e instanceof FormatError) {
          io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
          result.code = EXIT_INVALID;
        } else if (e instanceof ModuleValuesError || e instanceof LossError) {
          io.stderr.write(`redscope: ${file}: ${e.message}${e instanceof LossError ? ' (a newer --rdb-version holds it)' : ''}\n`);
          result.code = EXIT_INVALID;
        } else {
          throw e;
        }
      } finally {
        engine?.close();
      }
    });
}
