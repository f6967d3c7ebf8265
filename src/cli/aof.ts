import fs from 'node:fs';
import { Command } from 'commander';
import { AofInputError, checkAof, formatAofReport, type AofVerifyReport } from '../persistence/aof/check.js';
import { strtol } from '../persistence/aof/check.js';
import { rewriteAof, type RewriteResult } from '../persistence/aof/rewrite.js';
import { FormatError } from '../persistence/io/errors.js';
import { ManifestError } from '../persistence/aof/manifest.js';
import { ModuleValuesError } from '../persistence/aof/load.js';
import { LossError, type RdbWriteVersion } from '../persistence/rdb/writer.js';
import { InvalidArgumentError } from 'commander';
import { describeFormatError } from './file-input.js';
import type { CliIO } from './main.js';
import { EXIT_CANNOT_READ, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import { Progress } from './progress.js';

/**
 * `redscope aof verify PATH` and `redscope aof fix PATH`: redis-check-aof's judgement (same
 * offsets, same messages) on a single AOF, an RDB-preamble AOF, a manifest or an AOF
 * directory. fix truncates only the last file, at the offset redis-check-aof --fix (or
 * --truncate-to-timestamp) picks, after copying it to `<file>.bak-<unix ms>`.
 */

/** Parses --truncate-to-timestamp as redis-check-aof does (strtol, whole string, no overflow). */
export function parseTimestampArg(v: string): bigint | null {
  const b = Buffer.from(v, 'latin1');
  const { value, end, overflow } = strtol(b, 0);
  if (overflow || end !== b.length) return null;
  return value;
}

function syncFile(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

async function readAnswer(io: CliIO): Promise<string> {
  const it = io.stdin[Symbol.asyncIterator]();
  let text = '';
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    text += typeof r.value === 'string' ? r.value : r.value.toString('latin1');
    if (text.includes('\n')) break;
  }
  return text;
}

function oneLine(r: AofVerifyReport): string {
  const e = r.error!;
  return `redscope: ${e.file ?? r.file}: ${e.kind}: ${e.message}`;
}

async function runVerify(io: CliIO, result: { code: number }, file: string, opts: { json?: boolean }): Promise<void> {
  let report: AofVerifyReport;
  const progress = new Progress(io.stderr, `verifying ${file}`);
  try {
    report = checkAof(file, { onProgress: (d, t) => progress.update(d, t) });
  } catch (e) {
    if (!(e instanceof AofInputError)) throw e;
    io.stderr.write(`redscope: cannot read ${e.message}\n`);
    result.code = EXIT_CANNOT_READ;
    return;
  } finally {
    progress.done();
  }
  io.stdout.write(opts.json ? JSON.stringify(report) + '\n' : formatAofReport(report));
  if (!report.valid && !opts.json) io.stderr.write(oneLine(report) + '\n');
  result.code = report.valid ? EXIT_VALID : EXIT_INVALID;
}

interface FixOptions {
  truncateToTimestamp?: string;
  yes?: boolean;
  json?: boolean;
}

async function runFix(io: CliIO, result: { code: number }, file: string, opts: FixOptions): Promise<void> {
  let ts: bigint | undefined;
  if (opts.truncateToTimestamp !== undefined) {
    const v = parseTimestampArg(opts.truncateToTimestamp);
    if (v === null) {
      io.stderr.write(`redscope: invalid --truncate-to-timestamp ${JSON.stringify(opts.truncateToTimestamp)}: Invalid timestamp, aborting...\n`);
      result.code = EXIT_CANNOT_READ;
      return;
    }
    ts = v;
  }
  let report: AofVerifyReport;
  const progress = new Progress(io.stderr, `checking ${file}`);
  try {
    report = checkAof(file, { toTimestamp: ts, onProgress: (d, t) => progress.update(d, t) });
  } catch (e) {
    if (!(e instanceof AofInputError)) throw e;
    io.stderr.write(`redscope: cannot read ${e.message}\n`);
    result.code = EXIT_CANNOT_READ;
    return;
  } finally {
    progress.done();
  }
  const out: string[] = [];
  const say = (s: string) => out.push(s);
  const json: Record<string, unknown> = { report, action: 'none', backup: null, truncatedTo: null };
  const finish = (code: number) => {
    if (opts.json) io.stdout.write(JSON.stringify(json) + '\n');
    else io.stdout.write(formatAofReport(report) + out.map((l) => l + '\n').join(''));
    result.code = code;
  };
  // redis-check-aof --truncate-to-timestamp never cuts a damaged tail (it is not --fix).
  const fix = ts !== undefined && report.fix?.reason === 'corrupt' ? null : report.fix;
  if (!fix) {
    if (report.valid) {
      json['action'] = 'none';
      say(ts ? `Truncate nothing in AOF ${report.files.at(-1)?.name ?? file} to timestamp ${report.toTimestamp}` : 'AOF is valid: nothing to fix');
      finish(EXIT_VALID);
      return;
    }
    const e = report.error!;
    const bad = report.files.find((f) => f.status === 'invalid');
    let why = e.message;
    if (bad && (e.kind === 'truncated' || e.kind === 'corrupt')) {
      why = ts !== undefined
        ? `AOF ${bad.name} is not valid. Use the --fix option to try fixing it.`
        : `Failed to truncate AOF ${bad.name} because it is not the last file`;
    }
    json['action'] = 'refused';
    json['reason'] = why;
    say(`cannot fix: ${why}`);
    finish(EXIT_INVALID);
    io.stderr.write(`redscope: ${file}: cannot fix: ${why}\n`);
    return;
  }
  const diff = fix.size - fix.offset;
  const shrink = `This will shrink the AOF ${fix.file} from ${fix.size} bytes, with ${diff} bytes, to ${fix.offset} bytes`;
  if (!opts.yes) {
    if (!io.stdinIsTTY) {
      io.stderr.write(`redscope: ${shrink}; refusing without confirmation (stdin is not a terminal): pass --yes\n`);
      result.code = EXIT_CANNOT_READ;
      return;
    }
    io.stdout.write(formatAofReport(report));
    io.stdout.write(`${shrink}\nContinue? [y/N]: `);
    const answer = await readAnswer(io);
    if (!/^y/i.test(answer)) {
      io.stdout.write('Aborting...\n');
      result.code = EXIT_INVALID;
      return;
    }
    out.length = 0;
  } else {
    say(shrink);
  }
  if (fs.statSync(fix.path).size !== fix.size) {
    io.stderr.write(`redscope: ${fix.path} changed size while being checked (is a server still writing it?); nothing done\n`);
    result.code = EXIT_INVALID;
    return;
  }
  const backup = `${fix.path}.bak-${Date.now()}`;
  fs.copyFileSync(fix.path, backup, fs.constants.COPYFILE_EXCL);
  syncFile(backup);
  say(`backup: copied ${fix.path} to ${backup}`);
  const fd = fs.openSync(fix.path, 'r+');
  try {
    fs.ftruncateSync(fd, fix.offset);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  say(fix.reason === 'timestamp'
    ? `Successfully truncated AOF ${fix.file} to timestamp ${report.toTimestamp}`
    : `Successfully truncated AOF ${fix.file}`);
  json['action'] = 'truncated';
  json['backup'] = backup;
  json['truncatedTo'] = fix.offset;
  if (opts.yes) {
    finish(EXIT_VALID);
  } else {
    io.stdout.write(out.map((l) => l + '\n').join(''));
    result.code = EXIT_VALID;
  }
}

interface RewriteCliOptions {
  output?: string;
  preamble: boolean;
  inPlace?: boolean;
  rdbVersion?: RdbWriteVersion;
  timestamp?: boolean;
  yes?: boolean;
  json?: boolean;
}

function parseRdbVersion(v: string): RdbWriteVersion {
  if (v === '9' || v === '10' || v === '11' || v === '12') return Number(v) as RdbWriteVersion;
  throw new InvalidArgumentError('redscope writes RDB versions 9, 10 (default: Redis 7.0 loads it), 11 and 12.');
}

function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

function rewriteSummary(r: RewriteResult): string {
  const lines: string[] = [];
  const ratio = r.after > 0 ? `${(r.before / r.after).toFixed(1)}x smaller` : 'empty';
  lines.push(`${r.layout} AOF rewritten${r.inPlace ? ' in place' : ''}: ${r.output}`);
  lines.push(`before: ${r.before} bytes (${humanBytes(r.before)}), after: ${r.after} bytes (${humanBytes(r.after)}), ${ratio}`);
  for (const f of r.files) lines.push(`  ${f.name}: ${f.bytes} bytes`);
  lines.push(`${r.keys} keys, ${r.commandsReplayed} commands replayed, ${r.preamble ? `RDB ${r.rdbVersion} base` : 'command base'}${r.truncatedTail ? '; a truncated tail was dropped' : ''}`);
  lines.push(`time: ${(r.ms / 1000).toFixed(3)} s`);
  return lines.join('\n') + '\n';
}

async function runRewrite(io: CliIO, result: { code: number }, file: string, opts: RewriteCliOptions): Promise<void> {
  if (opts.inPlace && opts.output) {
    io.stderr.write('redscope: aof rewrite: --in-place and -o are exclusive\n');
    result.code = EXIT_CANNOT_READ;
    return;
  }
  if (!opts.inPlace && !opts.output) {
    io.stderr.write('redscope: aof rewrite: give -o OUT or --in-place\n');
    result.code = EXIT_CANNOT_READ;
    return;
  }
  if (opts.output && fs.existsSync(opts.output) && fs.statSync(opts.output).isFile() && !opts.yes) {
    // Never a prompt without a terminal: refuse instead.
    if (!io.stdinIsTTY) {
      io.stderr.write(`redscope: ${opts.output} exists; refusing to overwrite it without --yes (stdin is not a terminal)\n`);
      result.code = EXIT_CANNOT_READ;
      return;
    }
    io.stdout.write(`${opts.output} exists. Overwrite? [y/N]: `);
    if (!/^y/i.test(await readAnswer(io))) {
      io.stdout.write('Aborting...\n');
      result.code = EXIT_INVALID;
      return;
    }
  }
  if (opts.inPlace && io.stdinIsTTY && !opts.yes) {
    io.stdout.write(`Rewrite ${file} in place (the old files are replaced by equivalent ones)? [y/N]: `);
    if (!/^y/i.test(await readAnswer(io))) {
      io.stdout.write('Aborting...\n');
      result.code = EXIT_INVALID;
      return;
    }
  }
  const progress = new Progress(io.stderr, `rewriting ${file}`);
  let r: RewriteResult;
  try {
    r = await rewriteAof(file, {
      output: opts.output,
      inPlace: opts.inPlace,
      preamble: opts.preamble,
      rdbVersion: opts.rdbVersion,
      timestamp: opts.timestamp,
      onProgress: (d, t) => progress.update(d, t),
    });
  } catch (e) {
    progress.done();
    if (e instanceof AofInputError) {
      io.stderr.write(`redscope: cannot rewrite ${e.message}\n`);
      result.code = EXIT_CANNOT_READ;
      return;
    }
    if (e instanceof FormatError) {
      io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
      result.code = EXIT_INVALID;
      return;
    }
    if (e instanceof ManifestError || e instanceof ModuleValuesError || e instanceof LossError) {
      io.stderr.write(`redscope: ${file}: ${e.message}${e instanceof LossError ? ' (a newer --rdb-version holds it)' : ''}\n`);
      result.code = EXIT_INVALID;
      return;
    }
    throw e;
  }
  progress.done();
  io.stdout.write(opts.json ? JSON.stringify(r) + '\n' : rewriteSummary(r));
  result.code = EXIT_VALID;
}

export function aofCommand(io: CliIO, result: { code: number }): Command {
  const aof = new Command('aof').description('check and repair append-only files (as redis-check-aof)');
  aof
    .command('verify')
    .description('check an AOF, an RDB-preamble AOF, a manifest or an appendonlydir: the offset each file is valid up to')
    .argument('<path>', 'AOF file, manifest, or AOF directory')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: { json?: boolean }) => runVerify(io, result, file, opts));
  aof
    .command('fix')
    .description('truncate the last AOF file where redis-check-aof --fix would (a backup copy is kept)')
    .argument('<path>', 'AOF file, manifest, or AOF directory')
    .option('--truncate-to-timestamp <ts>', 'cut at the first #TS: annotation later than this unix time')
    .option('--yes', 'do not ask for confirmation')
    .option('--json', 'print the report and what was done as JSON')
    .action(async (file: string, opts: FixOptions) => runFix(io, result, file, opts));
  aof
    .command('rewrite')
    .description('load an AOF and write the smallest equivalent one (as BGREWRITEAOF): an RDB base, or commands')
    .argument('<path>', 'AOF file, manifest, or AOF directory')
    .option('-o, --output <out>', 'where to write: a file for a single-file AOF, a directory for a multi-part one')
    .option('--in-place', 'replace the AOF atomically (new files, then the manifest by rename)')
    .option('--preamble', 'write the base as an RDB (aof-use-rdb-preamble yes; the default)')
    .option('--no-preamble', 'write the base as commands (64 items per command, PEXPIREAT, one SELECT per db)')
    .option('--rdb-version <n>', 'RDB version of the base: 10 (default, Redis 7.0 loads it), 9, 11 or 12', parseRdbVersion)
    .option('--timestamp', 'start a command base with a #TS: annotation (aof-timestamp-enabled)')
    .option('--yes', 'do not ask (overwrite -o OUT, rewrite in place on a terminal)')
    .option('--json', 'print a JSON summary')
    .action(async (file: string, opts: RewriteCliOptions) => runRewrite(io, result, file, opts));
  return aof;
}
