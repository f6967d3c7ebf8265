import type Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import type { Bytes } from '../engine/bytes.js';
import { findConfigParam } from '../engine/config.js';
import { isMemoryTarget, type MemoryTarget } from '../memory/model.js';
import { DEFAULT_LIMITS, type EncodingLimits } from '../memory/rdb.js';
import {
  CSV_HEADER,
  csvField,
  csvLine,
  limitsOf,
  materialize,
  measuringVisitor,
  prefixJson,
  prefixLabel,
  PrefixTree,
  recordJson,
  RecordBuilder,
  rdbtoolsType,
  Summary,
  summaryJson,
  TopN,
  type MemoryRecord,
  type PrefixRow,
  type SummaryRow,
} from '../memory/report.js';
import { FormatError } from '../persistence/io/errors.js';
import { bytesToJson } from '../persistence/rdb/json.js';
import { keyName, readRdbFile } from '../persistence/rdb/reader.js';
import { fileOut, type TextOut } from './dump.js';
import { describeFormatError, ensureReadable, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import type { CliIO } from './main.js';
import { StreamSink } from './output.js';
import { human, Progress } from './progress.js';

export type MemoryFormat = 'table' | 'csv' | 'json' | 'jsonl';
export type MemoryBy = 'key' | 'prefix' | 'type' | 'encoding' | 'db';

export interface MemoryOptions {
  format: MemoryFormat;
  top?: number;
  by: MemoryBy;
  separator: string;
  depth: number;
  minBytes: number;
  target: MemoryTarget;
  config: Array<[string, string]>;
  output?: string;
}

/** Usage errors (as main's EXIT_USAGE). */
const EXIT_USAGE = 2;

/** Rows a table shows when --top is not given (a table is built in memory, CSV/JSON stream). */
export const TABLE_DEFAULT_TOP = 50;
/** Prefixes per level a prefix table shows when --top is not given. */
export const PREFIX_TABLE_DEFAULT_TOP = 10;

/** The CONFIG parameters that decide encodings on load (EncodingLimits fields). */
const LIMIT_FIELDS = new Set<string>(Object.keys(DEFAULT_LIMITS));

function parseFormat(v: string): MemoryFormat {
  if (v === 'table' || v === 'csv' || v === 'json' || v === 'jsonl') return v;
  throw new InvalidArgumentError('use table, csv, json or jsonl.');
}

function parseBy(v: string): MemoryBy {
  if (v === 'key' || v === 'prefix' || v === 'type' || v === 'encoding' || v === 'db') return v;
  throw new InvalidArgumentError('use key, prefix, type, encoding or db.');
}

function parseCount(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('not a positive count.');
  return Number(v);
}

/** A byte count: digits with an optional unit as Redis's config files take it (k, kb, m, mb, g, gb). */
export function parseBytes(v: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(v);
  if (!m) throw new InvalidArgumentError('not a byte count (e.g. 1024, 10kb, 1mb).');
  const mul: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1048576, g: 1e9, gb: 1073741824 };
  return Number(m[1]) * mul[(m[2] ?? 'b').toLowerCase()]!;
}

function parseTarget(v: string): MemoryTarget {
  if (isMemoryTarget(v)) return v;
  throw new InvalidArgumentError('use 7.2, 7.0, 7.4 or 6.2.');
}

function parseSeparator(v: string): string {
  if (v.length === 0) throw new InvalidArgumentError('must not be empty.');
  return v;
}

/** NAME=VALUE for --config; the name must be one of the load-time encoding thresholds. */
function collectConfig(v: string, prev: Array<[string, string]>): Array<[string, string]> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('use NAME=VALUE, e.g. hash-max-listpack-entries=1024.');
  const name = v.slice(0, eq);
  const p = findConfigParam(name);
  if (!p) throw new InvalidArgumentError(`unknown config parameter '${name}'.`);
  if (!LIMIT_FIELDS.has(p.field)) {
    const names = [...LIMIT_FIELDS].map((f) => CONFIG_NAME_OF[f]).join(', ');
    throw new InvalidArgumentError(`'${name}' does not change encodings; use one of ${names} (or their *-ziplist-* aliases).`);
  }
  return [...prev, [name, v.slice(eq + 1)]];
}

const CONFIG_NAME_OF: Record<string, string> = {
  hashMaxListpackEntries: 'hash-max-listpack-entries',
  hashMaxListpackValue: 'hash-max-listpack-value',
  listMaxListpackSize: 'list-max-listpack-size',
  setMaxIntsetEntries: 'set-max-intset-entries',
  setMaxListpackEntries: 'set-max-listpack-entries',
  setMaxListpackValue: 'set-max-listpack-value',
  zsetMaxListpackEntries: 'zset-max-listpack-entries',
  zsetMaxListpackValue: 'zset-max-listpack-value',
  streamNodeMaxBytes: 'stream-node-max-bytes',
  streamNodeMaxEntries: 'stream-node-max-entries',
};

/**
 * The thresholds after CONFIG SET NAME VALUE for each pair, validated by the engine's CONFIG
 * SET (Redis's error texts); the error message when one is refused.
 */
export async function limitsFromConfig(pairs: Array<[string, string]>): Promise<EncodingLimits | { error: string }> {
  if (pairs.length === 0) return DEFAULT_LIMITS;
  // Loaded only for what-if runs: the engine and its command table cost start-up time.
  const [{ Engine }, { ErrorReply }] = await Promise.all([import('../engine/engine.js'), import('../engine/reply.js')]);
  const engine = new Engine({ timers: false });
  try {
    const session = engine.createSession();
    for (const [name, value] of pairs) {
      const r = session.execute(['CONFIG', 'SET', name, Buffer.from(value, 'utf8').toString('latin1')]);
      if (r instanceof ErrorReply) return { error: `--config ${name}=${value}: ${r.message}` };
    }
    return limitsOf(engine.config);
  } finally {
    engine.close();
  }
}

/** Where the report goes: text (UTF-8 documents: table, JSON) or bytes (CSV keys as they are). */
interface ReportOut {
  /** A UTF-8 text piece (JSON, table). */
  text(s: string): void;
  /** A byte string (CSV lines: keys are raw bytes). */
  bytes(s: Bytes): void;
  flush(): void | Promise<void>;
}

function reportOut(out: TextOut): ReportOut {
  return {
    text: (s) => out.write(isAscii(s) ? s : Buffer.from(s, 'utf8').toString('latin1')),
    bytes: (s) => out.write(s),
    flush: () => out.flush(),
  };
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** A key for a terminal table: UTF-8 text as is, anything else (or control bytes) quoted as redis-cli does. */
export function displayKey(k: Bytes, max = 60): string {
  let plain = true;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      plain = false;
      break;
    }
  }
  let s: string;
  const j = plain ? bytesToJson(k) : null;
  if (typeof j === 'string') {
    s = j;
  } else {
    s = '"';
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (c === 0x22 || c === 0x5c) s += '\\' + k[i];
      else if (c >= 0x20 && c < 0x7f) s += k[i];
      else if (c === 0x0a) s += '\\n';
      else if (c === 0x0d) s += '\\r';
      else if (c === 0x09) s += '\\t';
      else s += '\\x' + c.toString(16).padStart(2, '0');
    }
    s += '"';
  }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

let TableClass: typeof Table | null = null;

function table(head: string[], align: Array<'left' | 'right'>): Table.Table {
  return new TableClass!({ head, colAligns: align, style: { head: [], border: [], compact: true } });
}

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '-';
}

function sizeChange(base: number, now: number): string {
  return base === now ? human(now) : `${human(base)} → ${human(now)}`;
}

function whatIfLines(summary: Summary, config: Array<[string, string]>): string[] {
  const t = summary.total;
  const saving = t.baseBytes - t.bytes;
  return [
    `what-if: ${config.map(([n, v]) => `${n}=${v}`).join(' ')}`,
    `  with the default settings: ${human(t.baseBytes)} (${t.baseBytes} bytes)`,
    `  with these settings:       ${human(t.bytes)} (${t.bytes} bytes)`,
    saving >= 0
      ? `  saving: ${human(saving)} (${saving} bytes, ${pct(saving, t.baseBytes)})`
      : `  extra: ${human(-saving)} (${-saving} bytes, ${pct(-saving, t.baseBytes)})`,
  ];
}

function expiryText(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function keysTable(records: MemoryRecord[], whatIf: boolean): string {
  const showDb = records.some((r) => r.db !== 0);
  const head = [...(showDb ? ['db'] : []), 'key', 'type', 'encoding', 'size', 'elements', 'largest', 'expires'];
  const t = table(head, [...(showDb ? ['right' as const] : []), 'left', 'left', 'left', 'right', 'right', 'right', 'left']);
  for (const r of records) {
    const enc = whatIf && r.base && r.base.encoding !== r.encoding ? `${r.base.encoding} → ${r.encoding}` : r.encoding;
    const size = whatIf && r.base ? sizeChange(r.base.bytes, r.bytes) : human(r.bytes);
    t.push([
      ...(showDb ? [String(r.db)] : []),
      displayKey(r.key),
      r.type,
      enc,
      size,
      String(r.elements),
      human(r.largestElement),
      expiryText(r.expireAt),
    ]);
  }
  return t.toString() + '\n';
}

function summaryTable(rows: SummaryRow[], by: 'type' | 'encoding' | 'db', total: number, whatIf: boolean): string {
  const first = by === 'encoding' ? ['type', 'encoding'] : [by];
  const t = table([...first, 'keys', 'size', '% of total', ...(whatIf ? ['with defaults'] : [])], [
    ...first.map(() => 'left' as const),
    'right',
    'right',
    'right',
    ...(whatIf ? ['right' as const] : []),
  ]);
  for (const r of rows) {
    const name = by === 'encoding' ? [r.type!, r.encoding!] : [r.name];
    t.push([...name, String(r.keys), human(r.bytes), pct(r.bytes, total), ...(whatIf ? [human(r.baseBytes)] : [])]);
  }
  return t.toString() + '\n';
}

function prefixTable(rows: PrefixRow[], separator: string, total: number, whatIf: boolean): string {
  const t = table(['prefix', 'keys', 'size', '% of total', ...(whatIf ? ['with defaults'] : [])], ['left', 'right', 'right', 'right', ...(whatIf ? ['right' as const] : [])]);
  for (const r of rows) {
    const label = '  '.repeat(r.depth - 1) + displayKey(prefixLabel(r, separator), 80);
    t.push([label, String(r.keys), human(r.bytes), pct(r.bytes, total), ...(whatIf ? [human(r.baseBytes)] : [])]);
  }
  return t.toString() + '\n';
}

/** JSON array or JSON lines, written as objects arrive. */
class JsonWriter {
  private first = true;
  constructor(
    private readonly out: ReportOut,
    private readonly lines: boolean,
  ) {
    if (!lines) out.text('[');
  }
  write(o: unknown): void {
    const s = JSON.stringify(o);
    if (this.lines) this.out.text(s + '\n');
    else {
      this.out.text((this.first ? '\n' : ',\n') + s);
      this.first = false;
    }
  }
  end(): void {
    if (!this.lines) this.out.text(this.first ? ']\n' : '\n]\n');
  }
}

export interface MemoryRunResult {
  keys: number;
  skipped: number;
  summary: Summary;
}

/** Reads the file and writes the report. Throws FormatError for bad input. */
export async function memoryReport(file: string, opts: MemoryOptions, limits: EncodingLimits, out: ReportOut, progress?: Progress, notes?: (s: string) => void): Promise<MemoryRunResult> {
  const builder = new RecordBuilder({ target: opts.target, limits });
  const whatIf = builder.baseModel !== null;
  const summary = new Summary();
  const table = opts.format === 'table';
  const byKey = opts.by === 'key';
  const topLimit = opts.top ?? (table && byKey ? TABLE_DEFAULT_TOP : undefined);
  const top = byKey && topLimit !== undefined ? new TopN<MemoryRecord>(topLimit) : null;
  const tree = opts.by === 'prefix' ? new PrefixTree({ separator: opts.separator, depth: opts.depth }) : null;
  const minBytes = opts.minBytes;
  // Keys streamed straight out (no --top): CSV, JSON, JSON lines.
  let json: JsonWriter | null = null;
  const streamKeys = byKey && !top;
  if (streamKeys) {
    if (opts.format === 'csv') out.bytes(CSV_HEADER);
    else json = new JsonWriter(out, opts.format === 'jsonl');
  }
  let keys = 0;
  /** Keys of at least --min-bytes. */
  let eligible = 0;
  // cli-table3 is loaded only when a table is printed (start-up time of the machine formats).
  if (table && !TableClass) TableClass = (await import('cli-table3')).default;
  // A size report needs no CRC64 of the whole file (`redscope verify` checks it).
  await readRdbFile(
    file,
    measuringVisitor(
      builder,
      (info, value, strLength) => {
        const m = builder.current;
        keys++;
        summary.addFigures(info.db, info.type, m.encoding, m.bytes, m.baseEncoding, m.baseBytes);
        if (tree) tree.add(keyName(info), m.bytes, m.baseBytes);
        if (!byKey || m.bytes < minBytes) return;
        eligible++;
        // Only keys that are printed or kept become record objects.
        if (top) {
          if (top.wouldKeep(m.bytes)) top.push(materialize(builder, info, value, strLength));
        } else if (json) json.write(recordJson(materialize(builder, info, value, strLength)));
        else out.bytes(csvLine(materialize(builder, info, value, strLength)));
      },
      {
        onHeader: (_m, v) => {
          builder.rdbVersion = v;
        },
      },
    ),
    { checksum: false, lazyKeys: true, onProgress: (r, t) => progress?.update(r, t), afterChunk: () => out.flush() },
  );
  progress?.done();
  const total = summary.total.bytes;

  if (byKey) {
    const records = top ? top.sorted() : [];
    if (top && opts.format === 'csv') {
      out.bytes(CSV_HEADER);
      for (const r of records) out.bytes(csvLine(r));
    } else if (top && !table) {
      const w = new JsonWriter(out, opts.format === 'jsonl');
      for (const r of records) w.write(recordJson(r));
      w.end();
    } else if (json) {
      json.end();
    } else if (table) {
      out.text(keysTable(records, whatIf));
      const atLeast = minBytes > 0 ? ` of at least ${human(minBytes)}` : '';
      const listed = records.length < eligible ? `the ${records.length} biggest of ${eligible} keys${atLeast}` : `${eligible} keys${atLeast}`;
      const hint = opts.top === undefined && records.length < eligible ? ` (--top N for more, --format csv for all)` : '';
      out.text(`${listed}${minBytes > 0 ? ` (${keys} in all)` : ''}${hint}\n\n`);
      out.text(summaryTable(summary.byType(), 'type', total, whatIf));
      out.text(summaryTable(summary.byEncoding(), 'encoding', total, whatIf));
      out.text(`total: ${human(total)} (${total} bytes) in ${keys} keys, target Redis ${opts.target}\n`);
    }
  } else if (tree) {
    const limit = opts.top ?? (table ? PREFIX_TABLE_DEFAULT_TOP : Infinity);
    const rows = tree.rows(limit, minBytes);
    if (table) {
      out.text(prefixTable(rows, opts.separator, total, whatIf));
      out.text(`total: ${human(total)} (${total} bytes) in ${keys} keys, target Redis ${opts.target}; separator ${JSON.stringify(opts.separator)}, depth ${opts.depth}${opts.top === undefined ? `, ${limit} prefixes per level (--top N)` : ''}\n`);
    } else if (opts.format === 'csv') {
      out.bytes(`prefix,depth,keys,size_in_bytes${whatIf ? ',default_size_in_bytes' : ''}\n`);
      for (const r of rows) {
        out.bytes(`${csvField(prefixLabel(r, opts.separator))},${r.depth},${r.keys},${r.bytes}${whatIf ? `,${r.baseBytes}` : ''}\n`);
      }
    } else {
      const w = new JsonWriter(out, opts.format === 'jsonl');
      for (const r of rows) w.write(prefixJson(r, whatIf));
      w.end();
    }
  } else {
    const by = opts.by as 'type' | 'encoding' | 'db';
    let rows = by === 'type' ? summary.byType() : by === 'encoding' ? summary.byEncoding() : summary.byDb();
    rows = rows.filter((r) => r.bytes >= minBytes);
    if (opts.top !== undefined) rows = rows.slice(0, opts.top);
    if (table) {
      out.text(summaryTable(rows, by, total, whatIf));
      if (whatIf && by === 'encoding') {
        out.text('with the default settings:\n');
        out.text(summaryTable(summary.baseByEncoding(), 'encoding', summary.total.baseBytes, false));
      }
      out.text(`total: ${human(total)} (${total} bytes) in ${keys} keys, target Redis ${opts.target}\n`);
    } else if (opts.format === 'csv') {
      const head = by === 'encoding' ? 'type,encoding' : by === 'type' ? 'type' : 'database';
      out.bytes(`${head},keys,size_in_bytes${whatIf ? ',default_size_in_bytes' : ''}\n`);
      for (const r of rows) {
        const name = by === 'encoding' ? `${rdbtoolsType(r.type!)},${r.encoding}` : by === 'type' ? rdbtoolsType(r.type!) : String(r.db);
        out.bytes(`${name},${r.keys},${r.bytes}${whatIf ? `,${r.baseBytes}` : ''}\n`);
      }
    } else {
      const w = new JsonWriter(out, opts.format === 'jsonl');
      for (const r of rows) w.write(summaryJson(r, by, whatIf));
      w.end();
    }
  }
  if (whatIf) {
    const lines = whatIfLines(summary, opts.config);
    // Tables carry it; machine formats keep stdout to the data and say it on stderr.
    if (table) out.text('\n' + lines.join('\n') + '\n');
    else notes?.(lines.join('\n') + '\n');
  }
  if (builder.skipped > 0) notes?.(`${builder.skipped} module value(s) left out (no size model)\n`);
  await out.flush();
  return { keys, skipped: builder.skipped, summary };
}

export function memoryCommand(io: CliIO, result: { code: number }): Command {
  return new Command('memory')
    .description('per key of an RDB file: the encoding and the bytes MEMORY USAGE would report after a load, with summaries')
    .argument('<file>', 'an RDB file')
    .option('-f, --format <format>', 'table, csv (rdbtools columns), json or jsonl', parseFormat, 'table' as MemoryFormat)
    .option('--top <n>', `only the n biggest keys (memory bounded by n); a table shows ${TABLE_DEFAULT_TOP} without it`, parseCount)
    .option('--by <what>', 'key, prefix, type, encoding or db', parseBy, 'key' as MemoryBy)
    .option('--separator <sep>', 'namespace separator for --by prefix', parseSeparator, ':')
    .option('--depth <n>', 'namespace levels for --by prefix', parseCount, 3)
    .option('--min-bytes <bytes>', 'leave out keys (or rows) smaller than this', parseBytes, 0)
    .option('--target <version>', 'the Redis version that loads the file: 7.2, 7.0, 7.4 or 6.2', parseTarget, '7.2' as MemoryTarget)
    .option('--config <name=value>', 'what-if: an encoding threshold as CONFIG SET takes it (repeatable)', collectConfig, [] as Array<[string, string]>)
    .option('-o, --output <file>', 'write to a file (atomically) instead of stdout')
    .action(async (file: string, opts: MemoryOptions) => {
      const limits = await limitsFromConfig(opts.config);
      if ('error' in limits) {
        io.stderr.write(`redscope: ${limits.error}\n`);
        result.code = EXIT_USAGE;
        return;
      }
      if (!ensureReadable(file, io.stderr, result)) return;
      const progress = new Progress(io.stderr, `reading ${file}`);
      const notes = (s: string) => io.stderr.write(s);
      if (opts.output) {
        const target = fileOut(opts.output);
        try {
          await memoryReport(file, opts, limits, reportOut(target), progress, notes);
          target.commit();
          result.code = EXIT_VALID;
        } catch (e) {
          target.abort();
          progress.done();
          if (!(e instanceof FormatError)) throw e;
          io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
          result.code = EXIT_INVALID;
        }
        return;
      }
      const sink = new StreamSink(io.stdout);
      try {
        await memoryReport(file, opts, limits, reportOut(sink), progress, notes);
        await sink.end();
        result.code = EXIT_VALID;
      } catch (e) {
        progress.done();
        await sink.flush();
        if (!(e instanceof FormatError)) throw e;
        io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
        result.code = EXIT_INVALID;
      }
    });
}

