/**
 * AOF checker with redis-check-aof 7.0's exact judgement: which file, which offset it is valid
 * up to (`ok_up_to`), the line counter it prints (`ok_up_to_line`, counted across files as it
 * does), its error message word for word, and where `--fix` / `--truncate-to-timestamp` cut.
 *
 * redis-check-aof reads with stdio (fgets into a 128-byte buffer for `*N` / `$N` lines, fread
 * for bulk data); its answers depend on those details (a length line longer than 127 bytes, a
 * line ending in EOF, a NUL byte), so this module reads the file the same way, through a small
 * window: memory does not grow with the file, and a bulk string is skipped, not buffered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FormatError, TruncatedError } from '../io/errors.js';
import { RdbParser } from '../rdb/reader.js';
import { looksLikeManifest, ManifestError, manifestFiles, parseManifest, type AofManifest } from './manifest.js';

const LONG_MAX = 9223372036854775807n;
const LONG_MIN = -9223372036854775808n;
/** AOF_ANNOTATION_LINE_MAX_LEN */
const ANNOTATION_MAX = 1024;

/** Positional reads with stdio semantics (position, EOF flag) over a fixed-size window. */
class StdioFile {
  readonly fd: number;
  readonly size: number;
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private bufStart = 0;
  private bufLen = 0;
  pos = 0;
  eof = false;

  constructor(file: string, onRead?: (n: number) => void) {
    this.fd = fs.openSync(file, 'r');
    this.size = fs.fstatSync(this.fd).size;
    this.onRead = onRead;
  }

  private readonly onRead?: (n: number) => void;

  close(): void {
    fs.closeSync(this.fd);
  }

  /** The byte at `pos`, or -1 at end of file. */
  private byteAt(p: number): number {
    if (p >= this.size) return -1;
    if (p < this.bufStart || p >= this.bufStart + this.bufLen) {
      this.bufStart = p;
      this.bufLen = fs.readSync(this.fd, this.buf, 0, this.buf.length, p);
      this.onRead?.(this.bufLen);
      if (this.bufLen === 0) return -1;
    }
    return this.buf[p - this.bufStart]!;
  }

  /** fgets(buf, size): up to size-1 bytes, through '\n'. null (and EOF) when nothing is left. */
  fgets(size: number): number[] | null {
    const out: number[] = [];
    while (out.length < size - 1) {
      const c = this.byteAt(this.pos);
      if (c < 0) {
        this.eof = true;
        break;
      }
      this.pos++;
      out.push(c);
      if (c === 0x0a) break;
    }
    return out.length ? out : null;
  }

  /** fgets into `dst` (NUL-terminated there); the number of bytes read, or -1 (and EOF) when nothing is left. */
  fgetsInto(dst: Uint8Array, size: number): number {
    const max = size - 1;
    // Fast path: the whole line (or max bytes) is in the window.
    const off = this.pos - this.bufStart;
    if (off >= 0 && off < this.bufLen) {
      const limit = Math.min(this.bufLen, off + max);
      const nl = this.buf.indexOf(0x0a, off);
      if (nl !== -1 && nl < limit) {
        const n = nl + 1 - off;
        this.buf.copy(dst, 0, off, nl + 1);
        dst[n] = 0;
        this.pos += n;
        return n;
      }
      if (limit - off === max) {
        this.buf.copy(dst, 0, off, limit);
        dst[max] = 0;
        this.pos += max;
        return max;
      }
    }
    let n = 0;
    while (n < max) {
      const c = this.byteAt(this.pos);
      if (c < 0) {
        this.eof = true;
        break;
      }
      this.pos++;
      dst[n++] = c;
      if (c === 0x0a) break;
    }
    if (n === 0) return -1;
    dst[n] = 0;
    return n;
  }

  /** getc + ungetc: the next byte without consuming it; -1 (and EOF) at end of file. */
  peek(): number {
    const c = this.byteAt(this.pos);
    if (c < 0) this.eof = true;
    return c;
  }

  byteAtPublic(p: number): number {
    return this.byteAt(p);
  }

  seek(p: number): void {
    this.pos = p;
    this.eof = false;
  }
}

/** strtol(s, &end, 10) over a NUL-terminated byte array starting at `from`: value (clamped) and end index. */
export function strtol(b: ArrayLike<number>, from: number): { value: bigint; end: number; overflow: boolean } {
  let p = from;
  const at = (i: number) => (i < b.length ? b[i]! : 0);
  while (at(p) === 0x20 || (at(p) >= 0x09 && at(p) <= 0x0d)) p++;
  let neg = false;
  if (at(p) === 0x2b || at(p) === 0x2d) {
    neg = at(p) === 0x2d;
    p++;
  }
  const start = p;
  let v = 0n;
  let overflow = false;
  while (at(p) >= 0x30 && at(p) <= 0x39) {
    if (!overflow) {
      v = v * 10n + BigInt(at(p) - 0x30);
      if ((!neg && v > LONG_MAX) || (neg && -v < LONG_MIN)) overflow = true;
    }
    p++;
  }
  if (p === start) return { value: 0n, end: from, overflow: false };
  if (overflow) return { value: neg ? LONG_MIN : LONG_MAX, end: p, overflow };
  return { value: neg ? -v : v, end: p, overflow };
}

/** printf("%02x", (char)c): a signed char promoted to int. */
function hex2(c: number): string {
  return c >= 0x80 ? 'ffffff' + c.toString(16) : c.toString(16).padStart(2, '0');
}

/** A C string ends at its first NUL. */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i === -1 ? s : s.slice(0, i);
}

export type FileStatus = 'valid' | 'empty' | 'invalid' | 'unchecked' | 'missing' | 'timestamp-cut';

export interface AofPreambleReport {
  ok: boolean;
  version: number | null;
  keys: number;
  /** Where the RDB ends and the AOF tail begins. */
  endOffset: number | null;
  error: { kind: 'truncated' | 'corrupt'; offset: number; message: string } | null;
}

export interface AofFileReport {
  /** The name redis-check-aof prints: the manifest's name, or the path given for a single file. */
  name: string;
  path: string;
  role: 'base' | 'incr' | 'single';
  format: 'rdb' | 'resp';
  size: number;
  status: FileStatus;
  /** redis-check-aof's ok_up_to / ok_up_to_line (its line counter runs across all files). */
  ok_up_to: number | null;
  ok_up_to_line: number | null;
  diff: number | null;
  commands: number;
  annotations: number;
  /** The first and last `#TS:` annotation seen (unix seconds). */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  preamble: AofPreambleReport | null;
  /** redis-check-aof's message for this file, word for word, e.g. "0x              2a: Expected prefix '*', got: 'x'". */
  error: string | null;
  /** Whether the damage is the file ending early (a torn write) rather than wrong bytes. */
  truncated: boolean;
}

export interface AofVerifyReport {
  file: string;
  valid: boolean;
  type: 'aof';
  layout: 'multi-part' | 'single' | 'single-preamble';
  manifest: string | null;
  files: AofFileReport[];
  /** What redis-check-aof printed last before giving up (the one-line reason), or null. */
  error: { kind: 'truncated' | 'corrupt' | 'manifest' | 'preamble' | 'missing' | 'timestamp'; file: string | null; offset: number | null; message: string } | null;
  /** What fix would do: cut `file` at `offset`; null when there is nothing to cut or it cannot be fixed. */
  fix: { file: string; path: string; size: number; offset: number; reason: 'corrupt' | 'timestamp' } | null;
  /** With --truncate-to-timestamp: the timestamp asked for. */
  toTimestamp: number | null;
}

export interface AofCheckOptions {
  /** redis-check-aof --truncate-to-timestamp: find the cut at the first `#TS:` greater than this. */
  toTimestamp?: bigint | number;
  onProgress?: (done: number, total: number) => void;
}

/** Thrown for a path that cannot be read at all (exit status 2). */
export class AofInputError extends Error {}

interface RunState {
  line: number;
  epos: number;
  error: string;
  /** readLong's 128-byte stack buffer for `*` lines keeps what earlier lines left in it. */
  starBuf: Uint8Array;
  /** The `$` lines' buffer reads as zeros beyond what fgets wrote (observed). */
  dollarBuf: Uint8Array;
  toTimestamp: bigint;
  read: number;
  total: number;
  onProgress?: (done: number, total: number) => void;
}

function setError(st: RunState, msg: string): void {
  st.error = cstr(`0x${st.epos.toString(16).padStart(16, ' ')}: ${msg}`);
}

/** readLong: one `<prefix><number>\r\n` line. */
function readLong(f: StdioFile, st: RunState, prefix: number): bigint | null {
  st.epos = f.pos;
  let b: Uint8Array;
  if (prefix === 0x2a) {
    b = st.starBuf;
  } else {
    b = st.dollarBuf;
    b.fill(0);
  }
  const got = f.fgetsInto(b, 128);
  if (got < 0) return null;
  if (b[0] !== prefix) {
    setError(st, `Expected prefix '${String.fromCharCode(prefix)}', got: '${String.fromCharCode(b[0]!)}'`);
    return null;
  }
  // Fast path for the usual "<digits>\r\n".
  let p = 1;
  let v = 0;
  while (p < 16 && b[p]! >= 0x30 && b[p]! <= 0x39) v = v * 10 + (b[p++]! - 0x30);
  if (p > 1 && p < 16 && b[p] === 0x0d && b[p + 1] === 0x0a) {
    st.line++;
    return BigInt(v);
  }
  const { value, end } = strtol(b, 1);
  if (b[end] !== 0x0d || b[end + 1] !== 0x0a) {
    setError(st, `Expected \\r\\n, got: ${hex2(b[end] ?? 0)}${hex2(b[end + 1] ?? 0)}`);
    return null;
  }
  st.line++;
  return value;
}

/** readString: `$len\r\n` then len bytes and "\r\n"; returns the C-string head (up to 6 bytes) or null. */
function readString(f: StdioFile, st: RunState, wantHead: boolean): string | null {
  const len = readLong(f, st, 0x24);
  if (len === null) return null;
  if (len < 0n || len > LONG_MAX - 2n) {
    setError(st, `Expected to read string of ${len} bytes, which is not in the suitable range`);
    return null;
  }
  st.epos = f.pos;
  const avail = f.size - f.pos;
  // len + 2 bytes: the data and "\r\n" (more than the file holds reads short).
  const want = len + 2n;
  if (want > BigInt(avail)) {
    f.seek(f.size);
    f.eof = true;
    setError(st, `Expected to read ${want} bytes, got ${avail} bytes`);
    return null;
  }
  const n = Number(len);
  const start = f.pos;
  const cr = f.byteAtPublic(start + n);
  const lf = f.byteAtPublic(start + n + 1);
  if (cr !== 0x0d || lf !== 0x0a) {
    f.seek(start + n + 2);
    setError(st, `Expected \\r\\n, got: ${hex2(cr)}${hex2(lf)}`);
    return null;
  }
  st.line++;
  // The first argument's C string (up to a NUL), as far as MULTI/EXEC need it.
  let head = '';
  const h = wantHead ? Math.min(n, 6) : 0;
  for (let i = 0; i < h; i++) {
    const c = f.byteAtPublic(start + i);
    if (c === 0) break;
    head += String.fromCharCode(c);
  }
  f.seek(start + n + 2);
  return head;
}

/** processRESP: one command; tracks MULTI/EXEC nesting in `multi`. */
function processResp(f: StdioFile, st: RunState, filepath: string, m: { multi: number }): boolean {
  const argc = readLong(f, st, 0x2a);
  if (argc === null) return false;
  const count = argc > 0n ? Number(argc) : 0;
  for (let i = 0; i < count; i++) {
    const s = readString(f, st, i === 0);
    if (s === null) return false;
    if (i === 0) {
      const l = s.toLowerCase();
      if (l === 'multi') {
        if (m.multi++) {
          setError(st, `Unexpected MULTI in AOF ${filepath}`);
          return false;
        }
      } else if (l === 'exec') {
        if (--m.multi) {
          setError(st, `Unexpected EXEC in AOF ${filepath}`);
          return false;
        }
      }
    }
  }
  return true;
}

/** Why a check of one file ended the whole run (redis-check-aof exits). */
class Abort extends Error {
  constructor(
    readonly kind: NonNullable<AofVerifyReport['error']>['kind'],
    message: string,
    readonly offset: number | null = null,
  ) {
    super(message);
  }
}

interface SingleResult {
  report: AofFileReport;
  /** For --truncate-to-timestamp: where the last file is cut. */
  tsCut: number | null;
}

function checkPreamble(f: StdioFile, st: RunState): AofPreambleReport {
  const rep: AofPreambleReport = { ok: false, version: null, keys: 0, endOffset: null, error: null };
  const parser = new RdbParser(
    {
      onHeader: (_m, v) => {
        rep.version = v;
      },
      onKeyEnd: () => {
        rep.keys++;
      },
    },
    { preamble: true },
  );
  const chunk = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  try {
    while (!parser.done) {
      const n = fs.readSync(f.fd, chunk, 0, chunk.length, pos);
      if (n === 0) break;
      pos += n;
      st.read += n;
      st.onProgress?.(Math.min(st.read, st.total), st.total);
      // The parser keeps what it is given; hand it a copy it may hold on to.
      parser.feed(Buffer.from(chunk.subarray(0, n)));
    }
    if (!parser.done) parser.end();
    rep.ok = true;
    rep.endOffset = parser.endOffset;
  } catch (e) {
    if (!(e instanceof FormatError)) throw e;
    rep.error = { kind: e instanceof TruncatedError ? 'truncated' : 'corrupt', offset: e.offset, message: e.message };
  }
  return rep;
}

/** checkSingleAof: one file (old-style, or one part of a multi-part AOF). */
function checkSingle(name: string, filepath: string, role: AofFileReport['role'], last: boolean, preamble: boolean, st: RunState): SingleResult {
  const report: AofFileReport = {
    name, path: filepath, role, format: preamble ? 'rdb' : 'resp', size: 0, status: 'invalid',
    ok_up_to: null, ok_up_to_line: null, diff: null, commands: 0, annotations: 0,
    firstTimestamp: null, lastTimestamp: null, preamble: null, error: null, truncated: false,
  };
  let f: StdioFile;
  try {
    f = new StdioFile(filepath, (n) => {
      st.read += n;
      st.onProgress?.(Math.min(st.read, st.total), st.total);
    });
  } catch (e) {
    report.status = 'missing';
    const msg = `Cannot open file ${filepath}: ${describeErrno(e)}, aborting...`;
    report.error = msg;
    throw Object.assign(new Abort('missing', msg), { report });
  }
  try {
    report.size = f.size;
    if (f.size === 0) {
      report.status = 'empty';
      return { report, tsCut: null };
    }
    if (preamble) {
      report.preamble = checkPreamble(f, st);
      if (!report.preamble.ok) {
        const e = report.preamble.error!;
        report.error = `RDB preamble of AOF file is not sane, aborting. (${e.kind} at offset ${e.offset}: ${e.message})`;
        throw Object.assign(new Abort('preamble', report.error, e.offset), { report });
      }
      f.seek(report.preamble.endOffset!);
    }
    let pos = 0;
    const m = { multi: 0 };
    let formatError = false;
    for (;;) {
      if (!m.multi) pos = f.pos;
      const c = f.peek();
      if (c < 0) break;
      if (c === 0x23) {
        report.annotations++;
        st.epos = f.pos;
        const line = f.fgets(ANNOTATION_MAX)!;
        const text = String.fromCharCode(...line);
        if (text.startsWith('#TS:')) {
          const { value, end, overflow } = strtol(line.concat(0), 4);
          if (!overflow && line[end] === 0x0d) {
            const ts = Number(value);
            report.firstTimestamp ??= ts;
            report.lastTimestamp = ts;
          }
          if (st.toTimestamp) {
            if (overflow || line[end] !== 0x0d) throw Object.assign(new Abort('timestamp', 'Invalid timestamp annotation', st.epos), { report });
            if (value > st.toTimestamp) {
              if (st.epos === 0) {
                throw Object.assign(new Abort('timestamp', `AOF ${filepath} has nothing before timestamp ${st.toTimestamp}, aborting...`, 0), { report });
              }
              if (!last) {
                throw Object.assign(
                  new Abort(
                    'timestamp',
                    `Failed to truncate AOF ${filepath} to timestamp ${st.toTimestamp} to offset ${st.epos} because it is not the last file.`,
                    st.epos,
                  ),
                  { report },
                );
              }
              report.status = 'timestamp-cut';
              report.ok_up_to = st.epos;
              report.ok_up_to_line = st.line;
              report.diff = f.size - st.epos;
              return { report, tsCut: st.epos };
            }
          }
        }
      } else if (c === 0x2a) {
        if (!processResp(f, st, filepath, m)) break;
        report.commands++;
      } else {
        formatError = true;
        break;
      }
    }
    if (f.eof && m.multi && !st.error) setError(st, 'Reached EOF before reading EXEC for MULTI');
    report.ok_up_to = pos;
    report.ok_up_to_line = st.line;
    report.diff = f.size - pos;
    if (formatError) report.error = `AOF ${name} format error`;
    else if (st.error) report.error = st.error;
    report.truncated = f.eof && !formatError && !/Expected prefix|Unexpected (MULTI|EXEC)|suitable range/.test(st.error);
    report.status = report.diff > 0 ? 'invalid' : 'valid';
    return { report, tsCut: null };
  } finally {
    f.close();
  }
}

function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  if (code === 'EISDIR') return 'Is a directory';
  return (e as Error).message;
}

function isRdb(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size < 8) return false;
      const b = Buffer.alloc(5);
      fs.readSync(fd, b, 0, 5, 0);
      return b.toString('latin1') === 'REDIS';
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Resolves a directory to the one manifest in it. */
export function resolveAofPath(p: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (e) {
    throw new AofInputError(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : describeErrno(e)}`);
  }
  if (st.isDirectory()) {
    // A Redis data dir (`dir`) holding appendonlydir/ stands for that directory.
    const inner = path.join(p, 'appendonlydir');
    if (!fs.readdirSync(p).some((n) => n.endsWith('.manifest')) && fs.existsSync(inner) && fs.statSync(inner).isDirectory()) {
      return resolveAofPath(inner);
    }
    const manifests = fs.readdirSync(p).filter((n) => n.endsWith('.manifest') && !n.startsWith('temp-'));
    if (manifests.length !== 1) {
      throw new AofInputError(`${p}: ${manifests.length ? `several manifests (${manifests.join(', ')}); name one` : 'no *.manifest in this directory'}`);
    }
    return path.join(p, manifests[0]!);
  }
  if (!st.isFile()) throw new AofInputError(`${p}: not a regular file`);
  try {
    fs.accessSync(p, fs.constants.R_OK);
  } catch (e) {
    throw new AofInputError(`${p}: ${describeErrno(e).toLowerCase()}`);
  }
  return p;
}

/**
 * Whether `redscope verify` should hand a path to the AOF checker: an AOF directory, a
 * manifest, a file starting like RESP or an annotation, or a `.aof` file (an RDB-preamble AOF
 * starts with "REDIS" like an RDB; its name tells them apart).
 */
export function isAofPath(p: string): boolean {
  try {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      const names = fs.readdirSync(p);
      return names.some((n) => n.endsWith('.manifest')) || (names.includes('appendonlydir') && isAofPath(path.join(p, 'appendonlydir')));
    }
    if (!st.isFile()) return false;
    if (p.endsWith('.aof') || p.endsWith('.manifest')) return true;
    const kind = detectAofFile(p);
    if (kind === 'manifest') return true;
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(1);
      return fs.readSync(fd, b, 0, 1, 0) === 1 && (b[0] === 0x2a || b[0] === 0x23);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** What kind of AOF a file is, in redis-check-aof's order: manifest, RDB preamble, RESP. */
export function detectAofFile(file: string): 'manifest' | 'rdb-preamble' | 'resp' {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    if (n > 0 && looksLikeManifest(head.subarray(0, n))) return 'manifest';
  } finally {
    fs.closeSync(fd);
  }
  return isRdb(file) ? 'rdb-preamble' : 'resp';
}

/** redis-check-aof's path joining: dirname(manifest) + "/" + name. */
function cDirname(p: string): string {
  const d = path.dirname(p);
  return d;
}

/**
 * Checks an AOF (single file, RDB-preamble file, manifest, or a directory holding a manifest)
 * exactly as redis-check-aof 7.0 would, without changing anything. Throws AofInputError when
 * the path itself cannot be read.
 */
export function checkAof(input: string, opts: AofCheckOptions = {}): AofVerifyReport {
  const file = resolveAofPath(input);
  const kind = detectAofFile(file);
  const st: RunState = {
    line: 1, epos: 0, error: '', starBuf: new Uint8Array(130), dollarBuf: new Uint8Array(130),
    toTimestamp: BigInt(opts.toTimestamp ?? 0), read: 0, total: 0, onProgress: opts.onProgress,
  };
  const report: AofVerifyReport = {
    file: input, valid: false, type: 'aof',
    layout: kind === 'manifest' ? 'multi-part' : kind === 'rdb-preamble' ? 'single-preamble' : 'single',
    manifest: kind === 'manifest' ? file : null, files: [], error: null, fix: null,
    toTimestamp: opts.toTimestamp !== undefined && BigInt(opts.toTimestamp) !== 0n ? Number(opts.toTimestamp) : null,
  };
  type Part = { name: string; path: string; role: AofFileReport['role']; preamble: boolean };
  let parts: Part[];
  if (kind === 'manifest') {
    let am: AofManifest;
    try {
      am = parseManifest(fs.readFileSync(file));
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      report.error = { kind: 'manifest', file, offset: null, message: e.message };
      return report;
    }
    const dir = cDirname(file);
    parts = manifestFiles(am).map((e) => {
      const p = `${dir}/${e.name}`;
      return { name: e.name, path: p, role: e === am.base ? 'base' : 'incr', preamble: e === am.base && isRdb(p) };
    });
  } else {
    parts = [{ name: input, path: file, role: 'single', preamble: kind === 'rdb-preamble' }];
  }
  for (const p of parts) {
    try {
      st.total += fs.statSync(p.path).size;
    } catch {
      /* reported when checked */
    }
  }
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    const last = i === parts.length - 1;
    let res: SingleResult;
    try {
      res = checkSingle(p.name, p.path, p.role, last, p.preamble, st);
    } catch (e) {
      if (!(e instanceof Abort)) throw e;
      report.files.push((e as Abort & { report: AofFileReport }).report);
      report.error = { kind: e.kind, file: p.path, offset: e.offset, message: e.message };
      pushUnchecked(report, parts.slice(i + 1));
      return report;
    }
    const r = res.report;
    report.files.push(r);
    if (res.tsCut !== null) {
      report.fix = { file: p.name, path: p.path, size: r.size, offset: res.tsCut, reason: 'timestamp' };
      report.valid = true;
      return report;
    }
    if (r.status === 'invalid') {
      report.error = { kind: r.truncated ? 'truncated' : 'corrupt', file: p.path, offset: r.ok_up_to, message: r.error ?? `AOF ${p.name} is not valid` };
      if (last && !report.toTimestamp) report.fix = { file: p.name, path: p.path, size: r.size, offset: r.ok_up_to!, reason: 'corrupt' };
      pushUnchecked(report, parts.slice(i + 1));
      return report;
    }
  }
  report.valid = true;
  return report;
}

function pushUnchecked(report: AofVerifyReport, rest: Array<{ name: string; path: string; role: AofFileReport['role']; preamble: boolean }>): void {
  for (const p of rest) {
    report.files.push({
      name: p.name, path: p.path, role: p.role, format: p.preamble ? 'rdb' : 'resp', size: 0, status: 'unchecked',
      ok_up_to: null, ok_up_to_line: null, diff: null, commands: 0, annotations: 0, firstTimestamp: null,
      lastTimestamp: null, preamble: null, error: null, truncated: false,
    });
  }
}

/** The report for `redscope verify PATH` when PATH is an AOF, a manifest or an AOF directory. */
export async function verifyAofPath(p: string, opts: AofCheckOptions = {}): Promise<AofVerifyReport> {
  return checkAof(p, opts);
}

/** redis-check-aof's "AOF analyzed" line for one checked file. */
export function analyzedLine(f: AofFileReport): string | null {
  if (f.ok_up_to === null) return null;
  return `AOF analyzed: filename=${f.name}, size=${f.size}, ok_up_to=${f.ok_up_to}, ok_up_to_line=${f.ok_up_to_line}, diff=${f.diff}`;
}

export function formatAofReport(r: AofVerifyReport): string {
  const lines: string[] = [];
  lines.push(`file: ${r.file}`);
  lines.push(`format: AOF, ${r.layout === 'multi-part' ? `multi part (manifest ${r.manifest})` : r.layout === 'single-preamble' ? 'single file with RDB preamble' : 'single file'}`);
  for (const f of r.files) {
    const label = f.role === 'single' ? 'aof' : f.role;
    if (f.status === 'unchecked') {
      lines.push(`${label} ${f.name}: not checked`);
      continue;
    }
    if (f.status === 'missing') {
      lines.push(`${label} ${f.name}: missing`);
      continue;
    }
    let s = `${label} ${f.name}: ${f.size} bytes, ${f.format === 'rdb' ? 'RDB preamble + ' : ''}${f.commands} commands`;
    if (f.annotations) s += `, ${f.annotations} annotations`;
    if (f.firstTimestamp !== null) s += `, #TS ${f.firstTimestamp}..${f.lastTimestamp}`;
    s += `: ${f.status === 'timestamp-cut' ? `cut at ${f.ok_up_to} for timestamp ${r.toTimestamp}` : f.status}`;
    lines.push(s);
    if (f.preamble) {
      const p = f.preamble;
      lines.push(
        p.ok
          ? `  rdb preamble: version ${p.version}, ${p.keys} keys, ends at ${p.endOffset}: ok`
          : `  rdb preamble: ${p.error!.kind} at offset ${p.error!.offset}: ${p.error!.message}`,
      );
    }
    const a = analyzedLine(f);
    if (a) lines.push(`  ${a}`);
    if (f.error) lines.push(`  ${f.error}`);
  }
  if (r.valid) lines.push('result: valid');
  else lines.push(`result: invalid: ${r.error!.kind}${r.error!.offset !== null ? ` at offset ${r.error!.offset}` : ''}: ${r.error!.message}`);
  return lines.join('\n') + '\n';
}
