import { Command, InvalidArgumentError } from 'commander';
import type { Bytes } from '../engine/bytes.js';
import { globMatch } from '../engine/glob.js';
import { keyToCommands } from '../persistence/aof/rewrite-commands.js';
import { AtomicFileWriter } from '../persistence/io/atomic-file.js';
import { FormatError } from '../persistence/io/errors.js';
import { bytesToJsonText, jsonLinesVisitor, valueToJsonText } from '../persistence/rdb/json.js';
import { JsonWriter } from '../persistence/rdb/json-writer.js';
import { keyName, readRdbFile } from '../persistence/rdb/reader.js';
import type { RdbKeyInfo } from '../persistence/rdb/types.js';
import { collectKeys, type RdbValue } from '../persistence/rdb/value.js';
import { encodeCommand } from '../resp/encoder.js';
import type { CliIO } from './main.js';
import { ensureReadable, describeFormatError, EXIT_INVALID, EXIT_VALID } from './file-input.js';
import { StreamGate, StreamSink } from './output.js';
import { Progress } from './progress.js';

export type DumpFormat = 'jsonl' | 'json' | 'resp' | 'text';

export interface DumpFilter {
  db?: number;
  match?: Bytes;
  type?: string;
}

/** Where dump output goes: stdout with backpressure, or a file that appears atomically. */
export interface TextOut {
  write(s: string): void;
  flush(): void | Promise<void>;
  /** True once the destination stopped taking output (a closed pipe). */
  readonly closed?: boolean;
  /**
   * Raw bytes (the JSON dumps write UTF-8 bytes, not strings). `release` is called once the
   * chunk's memory may be reused. Without it, chunks are written as UTF-8 text.
   */
  writeBytes?(chunk: Buffer, release: () => void): void;
}

/** The dump stopped because its output was closed: a normal end, not an error. */
export class OutputClosed extends Error {}

export function keyToJsonLine(info: RdbKeyInfo, value: RdbValue): string {
  // Built as text: this is the dump's hot path, and the shape is fixed (see json.ts).
  let line = `{"db":${info.db},"key":${bytesToJsonText(info.key)},"type":"${info.type}","expireAt":${info.expireAt},"value":${valueToJsonText(value)}`;
  if (info.idle !== null) line += `,"idle":${info.idle}`;
  if (info.freq !== null) line += `,"freq":${info.freq}`;
  return line + '}';
}

function quote(b: Bytes): string {
  let out = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += '\\' + b[i];
    else if (c >= 0x20 && c < 0x7f) out += b[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return out + '"';
}

/** A readable rendering, redis-cli style quoting, one key per block. */
export function keyToText(info: RdbKeyInfo, value: RdbValue): string {
  const ttl = info.expireAt === null ? '' : `  expires ${new Date(info.expireAt).toISOString()}`;
  const head = `db${info.db} ${value.type} ${quote(info.key)}${ttl}`;
  const lines: string[] = [];
  switch (value.type) {
    case 'string':
      return `${head} = ${quote(value.value)}\n`;
    case 'list':
      value.items.forEach((v, i) => lines.push(`  ${i + 1}) ${quote(v)}`));
      break;
    case 'set':
      value.members.forEach((v) => lines.push(`  ${quote(v)}`));
      break;
    case 'zset':
      value.entries.forEach(([m, s]) => lines.push(`  ${s} ${quote(m)}`));
      break;
    case 'hash':
      value.entries.forEach(([f, v, t]) => lines.push(`  ${quote(f)} => ${quote(v)}${t === null ? '' : `  (field expires ${new Date(t).toISOString()})`}`));
      break;
    case 'stream':
      value.entries.forEach((e) => {
        const pairs: string[] = [];
        for (let i = 0; i < e.fields.length; i += 2) pairs.push(`${quote(e.fields[i]!)}=${quote(e.fields[i + 1]!)}`);
        lines.push(`  ${e.id.ms}-${e.id.seq} ${pairs.join(' ')}`);
      });
      for (const g of value.meta.groups) lines.push(`  group ${quote(g.name)} last-delivered ${g.lastId.ms}-${g.lastId.seq}, ${g.pending.length} pending, ${g.consumers.length} consumers`);
      break;
    case 'module':
      return `${head} = <module ${value.moduleName}, ${value.raw.length} bytes>\n`;
  }
  return `${head}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

export interface DumpResult {
  keys: number;
  skippedModules: number;
}

/** Streams an RDB out in `format`, keeping one key in memory at a time. */
export async function dumpRdb(file: string, format: DumpFormat, filter: DumpFilter, out: TextOut, progress?: Progress): Promise<DumpResult> {
  let keys = 0;
  let skippedModules = 0;
  let first = true;
  let respDb = -1;
  const accept = (info: RdbKeyInfo) =>
    (filter.db === undefined || info.db === filter.db) &&
    (filter.type === undefined || info.type === filter.type) &&
    (filter.match === undefined || globMatch(filter.match, keyName(info)));
  const filtered = filter.db !== undefined || filter.type !== undefined || filter.match !== undefined;
  // JSON is written as bytes, element by element, into one reused buffer (json-writer.ts).
  const w =
    format === 'jsonl' || format === 'json'
      ? new JsonWriter((chunk, release) => {
          if (out.writeBytes) out.writeBytes(chunk, release);
          else {
            out.write(chunk.toString('utf8'));
            release();
          }
        })
      : null;
  const onFunction = (code: string) => {
    // Functions belong to the whole dataset: a filtered dump leaves them out.
    if (filtered) return;
    if (format === 'jsonl') {
      w!.discardLine();
      w!.ascii('{"function":');
      w!.bytes(code);
      w!.ascii('}\n');
      w!.endLine();
    } else if (format === 'resp') out.write(encodeCommand(['FUNCTION', 'LOAD', 'REPLACE', code]));
  };
  if (format === 'json') {
    w!.ascii('[');
    w!.endLine();
  }
  // JSON is written as elements stream by; text and RESP need whole values.
  const visitor = w
    ? {
        ...jsonLinesVisitor(w, accept, {
          open: (w) => {
            if (format === 'json') w.ascii(first ? '\n' : ',\n');
          },
          close: (w) => {
            if (format === 'jsonl') w.ascii('\n');
            first = false;
            keys++;
          },
        }),
        onFunction,
      }
    : collectKeys(
      ({ info, value }) => {
        if (!accept(info)) return;
        switch (format) {
          case 'text':
            out.write(keyToText(info, value));
            break;
          case 'resp': {
            const cmds = keyToCommands(info.key, value, info.expireAt);
            if (!cmds) {
              skippedModules++;
              return;
            }
            if (info.db !== respDb) {
              out.write(encodeCommand(['SELECT', String(info.db)]));
              respDb = info.db;
            }
            for (const c of cmds) out.write(encodeCommand(c));
            break;
          }
        }
        first = false;
        keys++;
      },
      { onFunction },
    );
  try {
    await readRdbFile(file, visitor, {
      // The JSON writer copies a key's bytes from the file; the others need the name.
      lazyKeys: w !== null,
      onProgress: (r, t) => progress?.update(r, t),
      afterChunk: () => {
        // Nobody reads the output any more (`| head`): stop instead of reading the rest.
        if (out.closed) throw new OutputClosed();
        w?.flush();
        return out.flush();
      },
    });
  } catch (e) {
    // The complete lines before a failure are output, as they would have been anyway.
    w?.flush();
    throw e;
  }
  progress?.done();
  if (w) {
    // Whatever a key left unfinished (an empty container is skipped) is not output.
    w.discardLine();
    if (format === 'json') w.ascii(first ? ']\n' : '\n]\n');
    w.endLine();
    w.flush();
  }
  await out.flush();
  return { keys, skippedModules };
}

function parseFormat(v: string): DumpFormat {
  if (v === 'jsonl' || v === 'json' || v === 'resp' || v === 'text') return v;
  throw new InvalidArgumentError('use jsonl, json, resp or text.');
}

function parseDbNumber(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('not a database number.');
  return Number(v);
}

const TYPES = ['string', 'list', 'set', 'zset', 'hash', 'stream', 'module'];
function parseType(v: string): string {
  const t = v.toLowerCase();
  if (!TYPES.includes(t)) throw new InvalidArgumentError(`use one of ${TYPES.join(', ')}.`);
  return t;
}

/** A TextOut over a file written atomically (temp, fsync, rename). */
export function fileOut(path: string, encoding: 'latin1' | 'utf8' = 'latin1'): TextOut & { commit(): void; abort(): void } {
  const w = new AtomicFileWriter(path);
  let parts: string[] = [];
  let size = 0;
  return {
    write(s) {
      parts.push(s);
      size += s.length;
      if (size > 1 << 20) this.flush();
    },
    writeBytes(chunk, release) {
      this.flush();
      // The file writer may hold on to what it is given: it gets a copy, and the chunk is free.
      w.write(Buffer.from(chunk));
      release();
    },
    flush() {
      if (parts.length) w.write(Buffer.from(parts.join(''), encoding));
      parts = [];
      size = 0;
    },
    commit() {
      this.flush();
      w.commit();
    },
    abort() {
      w.abort();
    },
  };
}

/**
 * A TextOut over a stream for byte chunks (the JSON dumps): each chunk is handed to the
 * stream as it is and released once written; flush() waits for 'drain' when the stream is
 * full. A reader that went away (EPIPE) makes it closed, quietly.
 */
export class ByteStreamOut implements TextOut {
  private full = false;
  private readonly gate: StreamGate;

  constructor(private readonly stream: NodeJS.WritableStream) {
    this.gate = new StreamGate(stream);
  }

  get closed(): boolean {
    return this.gate.closed;
  }

  write(s: string): void {
    if (s.length) this.writeBytes(Buffer.from(s, 'utf8'), () => {});
  }

  writeBytes(chunk: Buffer, release: () => void): void {
    if (this.gate.closed) {
      release();
      return;
    }
    if (!this.stream.write(chunk, () => release())) this.full = true;
  }

  /** Resolves when the stream can take more. */
  flush(): void | Promise<void> {
    if (!this.full || this.gate.closed) return;
    return this.gate.drain().then(() => {
      this.full = false;
    });
  }
}

export function dumpCommand(io: CliIO, result: { code: number }): Command {
  return new Command('dump')
    .description('print the keys of an RDB file as JSON lines, JSON, RESP commands or text')
    .argument('<file>', 'an RDB file')
    .option('-f, --format <format>', 'jsonl, json, resp (for redis-cli --pipe) or text', parseFormat, 'jsonl')
    .option('--db <n>', 'only this database', parseDbNumber)
    .option('--match <glob>', 'only keys matching this glob pattern')
    .option('--type <type>', 'only keys of this type', parseType)
    .option('-o, --output <file>', 'write to a file (atomically) instead of stdout')
    .action(async (file: string, opts: { format: DumpFormat; db?: number; match?: string; type?: string; output?: string }) => {
      if (!ensureReadable(file, io.stderr, result)) return;
      const filter: DumpFilter = {
        db: opts.db,
        type: opts.type,
        match: opts.match === undefined ? undefined : Buffer.from(opts.match, 'utf8').toString('latin1'),
      };
      // JSON and text are UTF-8 documents built as JS strings; RESP carries raw bytes.
      const encoding = opts.format === 'resp' ? 'latin1' : 'utf8';
      const progress = new Progress(io.stderr, `reading ${file}`);
      if (opts.output) {
        const out = fileOut(opts.output, encoding);
        try {
          await dumpRdb(file, opts.format, filter, out, progress);
          out.commit();
          result.code = EXIT_VALID;
        } catch (e) {
          out.abort();
          if (!(e instanceof FormatError)) throw e;
          io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
          result.code = EXIT_INVALID;
        }
        return;
      }
      const out = opts.format === 'jsonl' || opts.format === 'json' ? new ByteStreamOut(io.stdout) : new StreamSink(io.stdout, 1 << 16, encoding);
      try {
        await dumpRdb(file, opts.format, filter, out, progress);
        result.code = EXIT_VALID;
      } catch (e) {
        if (e instanceof OutputClosed) {
          progress.done();
          result.code = EXIT_VALID;
          return;
        }
        await out.flush();
        if (!(e instanceof FormatError)) throw e;
        io.stderr.write(`redscope: ${describeFormatError(file, e)}\n`);
        result.code = EXIT_INVALID;
      }
    });
}
