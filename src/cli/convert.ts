import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { keyToCommands } from '../persistence/aof/rewrite-commands.js';
import { AtomicFileWriter } from '../persistence/io/atomic-file.js';
import { FormatError } from '../persistence/io/errors.js';
import { convertRdbFile } from '../persistence/rdb/convert.js';
import { readJsonLines } from '../persistence/rdb/jsonl-reader.js';
import { LossError, RdbWriter, type RdbWriteVersion } from '../persistence/rdb/writer.js';
import { encodeCommand } from '../resp/encoder.js';
import { dumpRdb, fileOut, type TextOut } from './dump.js';
import type { CliIO } from './main.js';
import { ensureReadable, CannotReadError, describeFormatError, EXIT_CANNOT_READ, EXIT_INVALID, EXIT_VALID, sniffFormat } from './file-input.js';
import { Progress } from './progress.js';

type Target = 'rdb' | 'jsonl' | 'resp';

function parseTarget(v: string): Target {
  if (v === 'rdb' || v === 'jsonl' || v === 'resp') return v;
  throw new InvalidArgumentError('use rdb, jsonl or resp.');
}

function parseVersion(v: string): RdbWriteVersion {
  if (v === '9' || v === '10' || v === '11' || v === '12') return Number(v) as RdbWriteVersion;
  throw new InvalidArgumentError('redscope writes RDB versions 9, 10, 11 and 12.');
}

function targetFromName(file: string): Target | null {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.rdb') return 'rdb';
  if (ext === '.jsonl' || ext === '.json' || ext === '.ndjson') return 'jsonl';
  if (ext === '.resp' || ext === '.aof') return 'resp';
  return null;
}

/** JSON lines → RDB, one key at a time. */
async function jsonlToRdb(input: string, output: string, version: RdbWriteVersion, lossy: boolean, onLoss: (w: string) => void) {
  const out = new AtomicFileWriter(output);
  try {
    const writer = new RdbWriter((b) => out.write(b), { version, lossy, onLoss });
    writer.header();
    let db = -1;
    const functions: string[] = [];
    const keys = await readJsonLines(
      input,
      (k) => {
        if (k.db !== db) {
          writer.selectDb(k.db);
          db = k.db;
        }
        writer.key(k.key, k.value, { expireAt: k.expireAt, idle: k.idle, freq: k.freq });
      },
      (code) => functions.push(code),
    );
    for (const f of functions) writer.func(f);
    writer.end();
    out.commit();
    return keys;
  } catch (e) {
    out.abort();
    throw e;
  }
}

/** JSON lines → RESP commands. */
async function jsonlToResp(input: string, out: TextOut) {
  let db = -1;
  return readJsonLines(
    input,
    (k) => {
      const cmds = keyToCommands(k.key, k.value, k.expireAt);
      if (!cmds) return;
      if (k.db !== db) {
        out.write(encodeCommand(['SELECT', String(k.db)]));
        db = k.db;
      }
      for (const c of cmds) out.write(encodeCommand(c));
    },
    (code) => out.write(encodeCommand(['FUNCTION', 'LOAD', 'REPLACE', code])),
  );
}

export function convertCommand(io: CliIO, result: { code: number }): Command {
  return new Command('convert')
    .description('convert an RDB file or redscope JSON lines to RDB (versions 9-12), JSON lines or RESP')
    .argument('<input>', 'an RDB file or a .jsonl file written by `redscope dump`')
    .requiredOption('-o, --output <file>', 'where to write (replaced atomically)')
    .option('--to <format>', 'rdb, jsonl or resp (default: from the output file name)', parseTarget)
    .option('--rdb-version <n>', 'RDB version to write: 9 (Redis 5/6), 10 (7.0), 11 (7.2), 12 (7.4)', parseVersion, 11 as RdbWriteVersion)
    .option('--lossy', 'drop what the target RDB version cannot hold (each drop is printed) instead of refusing')
    .action(async (input: string, opts: { output: string; to?: Target; rdbVersion: RdbWriteVersion; lossy?: boolean }) => {
      if (!ensureReadable(input, io.stderr, result)) return;
      const to = opts.to ?? targetFromName(opts.output);
      if (!to) {
        io.stderr.write(`redscope: cannot tell the output format from ${JSON.stringify(opts.output)}: name it .rdb, .jsonl or .resp, or give --to\n`);
        result.code = EXIT_CANNOT_READ;
        return;
      }
      const from = sniffFormat(input);
      if (from !== 'rdb' && from !== 'jsonl') {
        io.stderr.write(`redscope: ${input}: not an RDB file or redscope JSON lines\n`);
        result.code = EXIT_INVALID;
        return;
      }
      const onLoss = (what: string) => io.stderr.write(`redscope: dropped ${what}\n`);
      const progress = new Progress(io.stderr, `converting ${input}`);
      try {
        if (to === 'rdb') {
          if (from === 'rdb') {
            await convertRdbFile(input, opts.output, { version: opts.rdbVersion, lossy: opts.lossy, onLoss, onProgress: (r, t) => progress.update(r, t) });
          } else {
            await jsonlToRdb(input, opts.output, opts.rdbVersion, opts.lossy ?? false, onLoss);
          }
        } else {
          // JSON lines are UTF-8 text; RESP is raw bytes.
          const target = fileOut(opts.output, to === 'jsonl' ? 'utf8' : 'latin1');
          const out: TextOut = target;
          try {
            if (from === 'rdb') await dumpRdb(input, to, {}, out, progress);
            else if (to === 'resp') await jsonlToResp(input, out);
            else throw new CannotReadError('the input is already JSON lines');
            target.commit();
          } catch (e) {
            target.abort();
            throw e;
          }
        }
        progress.done();
        result.code = EXIT_VALID;
      } catch (e) {
        progress.done();
        if (e instanceof LossError) {
          io.stderr.write(`redscope: ${e.message} (use --lossy to drop it)\n`);
          result.code = EXIT_INVALID;
        } else if (e instanceof FormatError) {
          io.stderr.write(`redscope: ${describeFormatError(input, e)}\n`);
          result.code = EXIT_INVALID;
        } else if (e instanceof CannotReadError) {
          io.stderr.write(`redscope: ${e.message}\n`);
          result.code = EXIT_CANNOT_READ;
        } else {
          throw e;
        }
      }
    });
}
