/**
 * Redis 7 multi-part AOF manifest (`<appendfilename>.manifest` in the AOF directory).
 *
 * One line per file: `file <name> seq <n> type <b|h|i>` (keys case-insensitive, in any order,
 * split with sdssplitargs rules, names quoted with sdscatrepr when they need it). Parsing
 * follows aofLoadManifestFromFile of Redis 7.0: lines are read as fgets(1025) would (a line
 * longer than 1024 bytes, or a last line without '\n', is "too long"), `#` lines are skipped,
 * at most one base, incr seqs strictly increasing, newer keys (startoffset/endoffset) kept.
 */

export type AofFileType = 'b' | 'h' | 'i';

export interface ManifestEntry {
  name: string;
  seq: number;
  type: AofFileType;
  /** Keys Redis 7.0 ignores but newer versions write. */
  startOffset?: number;
  endOffset?: number;
}

export interface AofManifest {
  base: ManifestEntry | null;
  history: ManifestEntry[];
  incr: ManifestEntry[];
}

/** A manifest Redis would refuse; message and line are Redis's ("Invalid AOF manifest file format"). */
export class ManifestError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based line number, and the trimmed line, when Redis prints them. */
    readonly line: number | null = null,
    readonly text: string | null = null,
  ) {
    super(line !== null ? `${reason} (line ${line}: '${text}')` : reason);
    this.name = 'ManifestError';
  }
}

const MANIFEST_MAX_LINE = 1024;

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** sdssplitargs: whitespace-separated, "double" (C escapes, \xHH) and 'single' quotes. null when unbalanced. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let p = 0;
  const n = line.length;
  const at = (i: number) => (i < n ? line.charCodeAt(i) : 0);
  for (;;) {
    while (p < n && isSpace(at(p))) p++;
    if (p >= n || at(p) === 0) return out;
    let inq = false;
    let insq = false;
    let done = false;
    let cur = '';
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 0x5c && at(p + 1) === 0x78 && isHex(at(p + 2)) && isHex(at(p + 3))) {
          cur += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          p++;
          const e = line[p]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === 0x22) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur += line[p];
        }
      } else if (insq) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          cur += "'";
        } else if (c === 0x27) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur += line[p];
        }
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else {
        cur += line[p];
      }
      if (p < n) p++;
    }
    out.push(cur);
  }
}

/** sdsneedsrepr + sdscatrepr: how Redis writes a file name into the manifest. */
export function reprName(name: string): string {
  let needs = false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x07 || c === 0x08 || c < 0x20 || c > 0x7e || c === 0x20) {
      needs = true;
      break;
    }
  }
  if (!needs) return name;
  let s = '"';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const c = name.charCodeAt(i);
    if (ch === '\\' || ch === '"') s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (ch === '\x07') s += '\\a';
    else if (ch === '\b') s += '\\b';
    else if (c >= 0x20 && c <= 0x7e) s += ch;
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s + '"';
}

/** atoll: leading whitespace, sign, digits; 0 when none. */
function atoll(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function trim(s: string): string {
  let a = 0;
  let b = s.length;
  const t = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  while (a < b && t(s[a]!)) a++;
  while (b > a && t(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Splits bytes (latin1) into the chunks fgets(buf, 1025) would return. */
function* fgetsLines(text: string, max: number): Generator<string> {
  let p = 0;
  while (p < text.length) {
    const nl = text.indexOf('\n', p);
    const lineEnd = nl !== -1 && nl + 1 - p <= max ? nl + 1 : Math.min(text.length, p + max);
    yield text.slice(p, lineEnd);
    p = lineEnd;
  }
}

/** Parses a manifest's bytes (latin1 string or Buffer) as Redis 7.0 does; throws ManifestError. */
export function parseManifest(data: Buffer | string): AofManifest {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const am: AofManifest = { base: null, history: [], incr: [] };
  let linenum = 0;
  let maxSeq = 0;
  for (const raw of fgetsLines(text, MANIFEST_MAX_LINE)) {
    linenum++;
    if (raw[0] === '#') continue;
    // fgets stops at a NUL only in the sense that C string functions do: strchr/sdsnew see up to it.
    const nul = raw.indexOf('\0');
    const cstr = nul === -1 ? raw : raw.slice(0, nul);
    if (!cstr.includes('\n')) throw new ManifestError('The AOF manifest file contains too long line');
    const line = trim(cstr);
    if (!line.length) throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    const argv = splitArgs(line);
    if (argv === null || argv.length < 6 || argv.length % 2) throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    let name: string | null = null;
    let seq = 0;
    let type = '';
    const entry: Partial<ManifestEntry> = {};
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i]!.toLowerCase();
      const v = argv[i + 1]!;
      const cv = v.includes('\0') ? v.slice(0, v.indexOf('\0')) : v;
      if (k === 'file') {
        name = cv;
        if (name.includes('/') || name.includes('\\')) throw new ManifestError("File can't be a path, just a filename", linenum, line);
      } else if (k === 'seq') {
        seq = atoll(cv);
      } else if (k === 'type') {
        type = cv.length ? cv[0]! : '';
      } else if (k === 'startoffset') {
        entry.startOffset = atoll(cv);
      } else if (k === 'endoffset') {
        entry.endOffset = atoll(cv);
      }
    }
    if (!name || !seq || !type) throw new ManifestError('Invalid AOF manifest file format', linenum, line);
    const e: ManifestEntry = { name, seq, type: type as AofFileType, ...entry };
    if (type === 'b') {
      if (am.base) throw new ManifestError('Found duplicate base file information', linenum, line);
      am.base = e;
    } else if (type === 'h') {
      am.history.push(e);
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number', linenum, line);
      am.incr.push(e);
      maxSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', linenum, line);
    }
  }
  if (linenum === 0) throw new ManifestError('Found an empty AOF manifest');
  return am;
}

/** The manifest as Redis writes it: base, then history, then incr files. */
export function formatManifest(am: AofManifest): string {
  let s = '';
  for (const e of [...(am.base ? [am.base] : []), ...am.history, ...am.incr]) {
    s += `file ${reprName(e.name)} seq ${e.seq} type ${e.type}`;
    if (e.startOffset !== undefined) {
      s += ` startoffset ${e.startOffset}`;
      if (e.endOffset !== undefined) s += ` endoffset ${e.endOffset}`;
    }
    s += '\n';
  }
  return s;
}

/** The files to replay, in order: the base (if any) then the incr files. */
export function manifestFiles(am: AofManifest): ManifestEntry[] {
  return [...(am.base ? [am.base] : []), ...am.incr];
}

/** redis-check-aof's detection: a manifest when its first non-comment line starts with "file". */
export function looksLikeManifest(head: Buffer): boolean {
  let p = 0;
  while (p < head.length) {
    let nl = head.indexOf(0x0a, p);
    if (nl === -1) nl = head.length;
    if (head[p] !== 0x23) return head.subarray(p, p + 4).toString('latin1') === 'file';
    p = nl + 1;
  }
  return false;
}
