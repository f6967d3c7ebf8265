/**
 * Streaming reader for AOF command streams (a single AOF, the tail after an RDB preamble, a
 * base or incr file of a multi-part AOF): RESP multibulk commands with their byte offsets,
 * `#` annotation lines (`#TS:<unix seconds>` parsed), MULTI/EXEC tracking.
 *
 * Feed it chunks; it calls the visitor as commands complete. Memory is bounded by the
 * largest single command (a huge bulk string is gathered once, not re-copied per chunk).
 * Errors: TruncatedError when the input ends inside a command or inside MULTI (offset = where
 * the last complete unit ended, i.e. where Redis's loader would cut with
 * aof-load-truncated), CorruptError for bytes that are not an AOF command (offset = the bad byte's line).
 */
import fs from 'node:fs';
import type { Bytes } from '../../engine/bytes.js';
import { CorruptError, TruncatedError } from '../io/errors.js';

export interface AofCommand {
  argv: Bytes[];
  /** Offset of the command's `*` and of the byte after it. */
  offset: number;
  end: number;
  /** Inside a MULTI … EXEC block (MULTI and EXEC themselves included). */
  inMulti: boolean;
}

export interface AofAnnotation {
  /** The line without '#' and without the line ending. */
  text: Bytes;
  offset: number;
  end: number;
  /** For `#TS:<n>`: n; otherwise null. */
  timestamp: number | null;
}

export interface AofVisitor {
  onCommand?(cmd: AofCommand): void;
  onAnnotation?(a: AofAnnotation): void;
}

export interface AofReaderOptions {
  /** Absolute offset of the first byte fed (e.g. the end of an RDB preamble). */
  baseOffset?: number;
  /** Longest `*`/`$`/`#` line accepted before calling it corrupt (default 64 KiB). */
  maxLine?: number;
}

const CR = 0x0d;
const LF = 0x0a;

type State =
  | { kind: 'start' }
  | { kind: 'bulklen' }
  | { kind: 'bulk'; len: number };

export class AofReader {
  private window: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Absolute offset of window[0]. */
  private base: number;
  private state: State = { kind: 'start' };
  private argc = 0;
  private argv: Bytes[] = [];
  private cmdStart = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private need = 0;
  private readonly maxLine: number;
  private multiStart = -1;
  /** Commands and annotations seen. */
  commands = 0;
  annotations = 0;
  /** End of the last complete command outside MULTI (or annotation): where a torn tail would be cut. */
  validUpTo: number;

  constructor(
    private readonly visitor: AofVisitor,
    options: AofReaderOptions = {},
  ) {
    this.base = options.baseOffset ?? 0;
    this.validUpTo = this.base;
    this.cmdStart = this.base;
    this.maxLine = options.maxLine ?? 1 << 16;
  }

  /** Absolute offset of the first byte not consumed yet. */
  get offset(): number {
    return this.base + this.pos;
  }

  get inMulti(): boolean {
    return this.multiStart >= 0;
  }

  feed(chunk: Buffer): void {
    if (this.need > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.need) return;
      chunk = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.need = 0;
    }
    if (this.pos >= this.window.length) {
      this.base += this.window.length;
      this.window = chunk;
    } else {
      this.base += this.pos;
      this.window = Buffer.concat([this.window.subarray(this.pos), chunk]);
    }
    this.pos = 0;
    this.run();
  }

  /** No more input. */
  end(): void {
    if (this.pending.length) {
      const rest = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.need = 0;
      this.feed(rest);
    }
    if (this.state.kind === 'start' && this.pos < this.window.length && this.window[this.pos] === 0x23) {
      // A last annotation line without its newline: Redis's loader (fgets) takes it as it is.
      this.window = Buffer.concat([this.window, Buffer.from('\n')]);
      this.run();
    }
    if (this.state.kind !== 'start' || this.pos < this.window.length) {
      throw new TruncatedError(this.validUpTo, 'reading an AOF command', this.state.kind === 'bulk' ? `${this.state.len + 2} bytes of bulk data` : 'the rest of the command');
    }
    if (this.multiStart >= 0) {
      throw new TruncatedError(this.validUpTo, 'MULTI without EXEC at the end of the AOF', 'EXEC');
    }
  }

  /** A line ending in CRLF starting at pos: its content end, or -1 when not all in the window. */
  private line(): number {
    // Lines here are a few bytes ("*3", "$5"): a plain loop beats a native search per line.
    const w = this.window;
    let i = -1;
    for (let p = this.pos, last = w.length - 1; p < last; p++) {
      if (w[p] === CR && w[p + 1] === LF) {
        i = p;
        break;
      }
    }
    if (i === -1) {
      if (this.window.length - this.pos > this.maxLine) throw new CorruptError('line too long', this.offset, 'reading an AOF line');
      return -1;
    }
    return i;
  }

  private number(from: number, to: number, what: string): number {
    let v = 0;
    let neg = false;
    let p = from;
    if (this.window[p] === 0x2d) {
      neg = true;
      p++;
    }
    if (p >= to) throw new CorruptError(`invalid ${what}`, this.base + from - 1, 'reading an AOF command');
    for (; p < to; p++) {
      const c = this.window[p]!;
      if (c < 0x30 || c > 0x39) throw new CorruptError(`invalid ${what} '${this.window.toString('latin1', from, to)}'`, this.base + from - 1, 'reading an AOF command');
      v = v * 10 + (c - 0x30);
    }
    if (v > Number.MAX_SAFE_INTEGER) throw new CorruptError(`${what} out of range`, this.base + from - 1, 'reading an AOF command');
    return neg ? -v : v;
  }

  private run(): void {
    const w = this.window;
    for (;;) {
      const st = this.state;
      if (st.kind === 'start') {
        if (this.pos >= w.length) return;
        const c = w[this.pos]!;
        if (c === 0x23) {
          const nl = w.indexOf(LF, this.pos);
          if (nl === -1) {
            if (w.length - this.pos > this.maxLine) throw new CorruptError('annotation line too long', this.offset, 'reading an AOF annotation');
            return;
          }
          const contentEnd = nl > this.pos && w[nl - 1] === CR ? nl - 1 : nl;
          const text = w.toString('latin1', this.pos + 1, contentEnd);
          const m = /^TS:(\d+)$/.exec(text);
          const a: AofAnnotation = { text, offset: this.offset, end: this.base + nl + 1, timestamp: m ? Number(m[1]) : null };
          this.pos = nl + 1;
          this.annotations++;
          if (this.multiStart < 0) this.validUpTo = a.end;
          this.visitor.onAnnotation?.(a);
          continue;
        }
        if (c !== 0x2a) {
          throw new CorruptError(`expected '*' or '#', got ${JSON.stringify(String.fromCharCode(c))}`, this.offset, 'reading an AOF command');
        }
        const e = this.line();
        if (e === -1) return;
        const argc = this.number(this.pos + 1, e, 'multibulk length');
        if (argc < 1) throw new CorruptError(`invalid multibulk length ${argc}`, this.offset, 'reading an AOF command');
        this.cmdStart = this.offset;
        this.argc = argc;
        this.argv = [];
        this.pos = e + 2;
        this.state = { kind: 'bulklen' };
      } else if (st.kind === 'bulklen') {
        if (this.pos >= w.length) return;
        if (w[this.pos] !== 0x24) {
          throw new CorruptError(`expected '$', got ${JSON.stringify(String.fromCharCode(w[this.pos]!))}`, this.offset, 'reading an AOF command');
        }
        const e = this.line();
        if (e === -1) return;
        const len = this.number(this.pos + 1, e, 'bulk length');
        if (len < 0) throw new CorruptError(`invalid bulk length ${len}`, this.offset, 'reading an AOF command');
        this.pos = e + 2;
        this.state = { kind: 'bulk', len };
      } else {
        const have = w.length - this.pos;
        if (have < st.len + 2) {
          this.need = st.len + 2 - have;
          return;
        }
        if (w[this.pos + st.len] !== CR || w[this.pos + st.len + 1] !== LF) {
          throw new CorruptError('bulk string not followed by \\r\\n', this.base + this.pos + st.len, 'reading an AOF command');
        }
        this.argv.push(w.toString('latin1', this.pos, this.pos + st.len));
        this.pos += st.len + 2;
        if (this.argv.length < this.argc) {
          this.state = { kind: 'bulklen' };
          continue;
        }
        this.state = { kind: 'start' };
        this.finishCommand();
      }
    }
  }

  private finishCommand(): void {
    const name = this.argv[0]!.toLowerCase();
    let inMulti = this.multiStart >= 0;
    if (name === 'multi') {
      if (this.multiStart >= 0) throw new CorruptError('MULTI inside MULTI', this.cmdStart, 'reading an AOF command');
      this.multiStart = this.cmdStart;
      inMulti = true;
    }
    const cmd: AofCommand = { argv: this.argv, offset: this.cmdStart, end: this.offset, inMulti };
    if (name === 'exec') {
      if (this.multiStart < 0) throw new CorruptError('EXEC without MULTI', this.cmdStart, 'reading an AOF command');
      this.multiStart = -1;
    }
    this.commands++;
    if (this.multiStart < 0) this.validUpTo = cmd.end;
    this.visitor.onCommand?.(cmd);
  }
}

/** Streams an AOF file (or its tail from `start`) through a visitor. */
export async function readAofFile(path: string, visitor: AofVisitor, options: { start?: number; chunkSize?: number } = {}): Promise<AofReader> {
  const reader = new AofReader(visitor, { baseOffset: options.start ?? 0 });
  const fh = await fs.promises.open(path, 'r');
  try {
    const size = options.chunkSize ?? 1 << 20;
    let position = options.start ?? 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(size);
      const { bytesRead } = await fh.read(buf, 0, size, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      reader.feed(buf.subarray(0, bytesRead));
    }
    reader.end();
    return reader;
  } finally {
    await fh.close();
  }
}
