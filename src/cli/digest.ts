import { Command, InvalidArgumentError } from 'commander';
import type { DigestCompat } from '../engine/digest.js';
import { FormatError } from '../persistence/io/errors.js';
import { digestRdbFile } from '../persistence/rdb/digest.js';
import type { CliIO } from './main.js';
import { datasetDigest, digestHex } from '../engine/digest.js';
import { AofInputError, isAofPath } from '../persistence/aof/check.js';
import { ensureReadable, describeFormatError, EXIT_CANNOT_READ, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import { replayToEngine } from './replay.js';
import { Progress } from './progress.js';

function parseCompat(v: string): DigestCompat {
  if (v === '7.0' || v === '7.2') return v;
  throw new InvalidArgumentError('use 7.0 or 7.2.');
}

export function digestCommand(io: CliIO, result: { code: number }): Command {
  return new Command('digest')
    .description('print the DEBUG DIGEST a Redis server would report after loading the file')
    .argument('<path>', 'an RDB file, or an AOF (file, manifest, appendonlydir) that is replayed first')
    .option('--compat <version>', '7.2 (default) or 7.0: Redis 7.2 changed how sorted-set scores enter the digest', parseCompat, '7.2' as DigestCompat)
    .option('--json', 'print {"digest", "keys", "skipped"} as JSON')
    .action(async (file: string, opts: { compat: DigestCompat; json?: boolean }) => {
      if (isAofPath(file)) {
        try {
          const { engine, result: r } = await replayToEngine(file, io);
          const digest = digestHex(datasetDigest(engine, opts.compat));
          const keys = engine.dbs.reduce((n, d) => n + d.dict.size, 0);
          engine.close();
          io.stdout.write(opts.json ? JSON.stringify({ file, compat: opts.compat, digest, keys, commands: r.commands }) + '\n' : digest + '\n');
          result.code = EXIT_VALID;
        } catch (e) {
          if (e instanceof AofInputError) {
            io.stderr.write(`redscope: cannot read ${e.message}\n`);
            result.code = EXIT_CANNOT_READ;
          } else if (e instanceof FormatError) {
            io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
            result.code = EXIT_INVALID;
          } else {
            throw e;
          }
        }
        return;
      }
      if (!ensureReadable(file, io.stderr, result)) return;
      const progress = new Progress(io.stderr, `reading ${file}`);
      try {
        const r = await digestRdbFile(file, opts.compat, { onProgress: (a, b) => progress.update(a, b) });
        progress.done();
        io.stdout.write(opts.json ? JSON.stringify({ file, compat: opts.compat, ...r }) + '\n' : r.digest + '\n');
        result.code = EXIT_VALID;
      } catch (e) {
        progress.done();
        if (!(e instanceof FormatError)) throw e;
        io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
        result.code = EXIT_INVALID;
      }
    });
}
