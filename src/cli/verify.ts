import { Command } from 'commander';
import { FormatError, TruncatedError } from '../persistence/io/errors.js';
import { readKeyNameAt, readRdbFile } from '../persistence/rdb/reader.js';
import type { CliIO } from './main.js';
import { AofInputError, formatAofReport, isAofPath, verifyAofPath } from '../persistence/aof/check.js';
import { ensureReadable, EXIT_CANNOT_READ, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import { Progress } from './progress.js';

interface DbStats {
  db: number;
  keys: number;
  expires: number;
}

export interface VerifyReport {
  file: string;
  valid: boolean;
  type: 'rdb';
  version: number | null;
  aux: Record<string, string>;
  dbs: DbStats[];
  keys: number;
  functions: number;
  modules: number;
  emptyKeysSkipped: number;
  checksum: { stored: string; computed: string; ok: boolean } | null;
  error: { kind: 'truncated' | 'corrupt'; offset: number; message: string } | null;
}

/** Reads the whole file through every check the reader has, collecting what a report shows. */
export async function verifyRdb(path: string, progress?: Progress): Promise<VerifyReport> {
  const report: VerifyReport = {
    file: path, valid: false, type: 'rdb', version: null, aux: {}, dbs: [], keys: 0, functions: 0, modules: 0,
    emptyKeysSkipped: 0, checksum: null, error: null,
  };
  const dbs = new Map<number, DbStats>();
  const stats = (db: number) => {
    let s = dbs.get(db);
    if (!s) dbs.set(db, (s = { db, keys: 0, expires: 0 }));
    return s;
  };
  try {
    const parser = await readRdbFile(
      path,
      {
        onHeader: (_m, v) => {
          report.version = v;
        },
        onAux: (k, v) => {
          report.aux[Buffer.from(k, 'latin1').toString('utf8')] = Buffer.from(v, 'latin1').toString('utf8');
        },
        onKeyEnd: (i) => {
          const s = stats(i.db);
          s.keys++;
          if (i.expireAt !== null) s.expires++;
          if (i.type === 'module') report.modules++;
        },
        onFunction: () => {
          report.functions++;
        },
        onEnd: (c) => {
          if (c) report.checksum = { stored: c.stored.toString(16).padStart(16, '0'), computed: c.computed.toString(16).padStart(16, '0'), ok: c.stored === c.computed };
        },
      },
      // Key names are not part of the report: skip building them (errors name the key's offset).
      { onProgress: (r, t) => progress?.update(r, t), keys: false },
    );
    report.emptyKeysSkipped = parser.emptyKeysSkipped;
    report.valid = true;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    let message = e.message;
    // The check skipped key names for speed: name the key now that it matters.
    const at = /of the key at offset (\d+)/.exec(message);
    const name = at ? readKeyNameAt(path, Number(at[1])) : null;
    if (at && name !== null) message = message.replace(at[0], `of key ${JSON.stringify(name)}`);
    report.error = { kind: e instanceof TruncatedError ? 'truncated' : 'corrupt', offset: e.offset, message };
  } finally {
    progress?.done();
  }
  report.dbs = [...dbs.values()].sort((a, b) => a.db - b.db);
  report.keys = report.dbs.reduce((n, d) => n + d.keys, 0);
  return report;
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`file: ${r.file}`);
  if (r.version !== null) lines.push(`format: RDB version ${r.version}${r.aux['redis-ver'] ? ` (written by Redis ${r.aux['redis-ver']})` : ''}`);
  const aux = Object.entries(r.aux);
  if (aux.length) lines.push(`aux: ${aux.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  for (const d of r.dbs) lines.push(`db ${d.db}: ${d.keys} keys, ${d.expires} with expiry`);
  lines.push(`keys: ${r.keys}`);
  if (r.functions) lines.push(`functions: ${r.functions} librar${r.functions === 1 ? 'y' : 'ies'}`);
  if (r.modules) lines.push(`module values: ${r.modules}`);
  if (r.emptyKeysSkipped) lines.push(`empty keys skipped: ${r.emptyKeysSkipped}`);
  if (r.checksum) lines.push(`checksum: ${r.checksum.stored} (${r.checksum.ok ? 'ok' : `computed ${r.checksum.computed}`})`);
  else if (r.valid) lines.push(r.version !== null && r.version >= 5 ? 'checksum: not stored (saved with rdbchecksum no)' : 'checksum: none in this version');
  lines.push(r.valid ? 'result: valid' : `result: invalid: ${r.error!.kind} at offset ${r.error!.offset}: ${r.error!.message}`);
  return lines.join('\n') + '\n';
}

export function verifyCommand(io: CliIO, result: { code: number }): Command {
  return new Command('verify')
    .description('check a persistence file end to end: structure, packed encodings, checksum')
    .argument('<path>', 'an RDB file, an AOF file, a Redis 7 AOF manifest or its appendonlydir')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      // AOF paths are told apart as redis-check-aof does (a directory, a manifest, RESP).
      if (isAofPath(file)) {
        const progress = new Progress(io.stderr, `verifying ${file}`);
        try {
          const r = await verifyAofPath(file, { onProgress: (d, t) => progress.update(d, t) });
          progress.done();
          io.stdout.write(opts.json ? JSON.stringify(r) + '\n' : formatAofReport(r));
          result.code = r.valid ? EXIT_VALID : EXIT_INVALID;
        } catch (e) {
          progress.done();
          if (!(e instanceof AofInputError)) throw e;
          io.stderr.write(`redscope: cannot read ${e.message}\n`);
          result.code = EXIT_CANNOT_READ;
        }
        return;
      }
      if (!ensureReadable(file, io.stderr, result)) return;
      const report = await verifyRdb(file, new Progress(io.stderr, `verifying ${file}`));
      io.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatVerifyReport(report));
      if (!report.valid && !opts.json) {
        io.stderr.write(`redscope: ${file}: ${report.error!.kind}: ${report.error!.message}\n`);
      }
      result.code = report.valid ? EXIT_VALID : EXIT_INVALID;
    });
}
