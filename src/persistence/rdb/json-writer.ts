import type { Bytes } from '../../engine/bytes.js';

/**
 * JSON text written as UTF-8 bytes straight into a reusable Buffer: the dump's hot path,
 * without building a JS string per value or line and converting it again on output.
 *
 * A byte string (an engine latin1 string) is written exactly as bytesToJson + JSON.stringify
 * would write it (json.ts): valid UTF-8 is a JSON string whose non-ASCII bytes pass through
 * unchanged, with '"', '\\' and control bytes escaped as JSON.stringify escapes them; any
 * other byte string is {"base64":"…"}.
 *
 * Output is handed to the sink in whole lines: endLine() marks the end of a complete line,
 * and only bytes before the last mark are ever flushed, so a key that fails half-way (a
 * corrupt file) leaves no partial line behind; discardLine() drops it.
 */

/** Per byte: 0 ASCII written as is, 1 needs an escape, 2 non-ASCII (a UTF-8 check decides). */
const KIND = new Uint8Array(256);
/** The escape for each byte with KIND 1 (at most 6 bytes: \u00XX), and its length. */
const ESC = new Uint8Array(256 * 6);
const ESC_LEN = new Uint8Array(256);
{
  const set = (c: number, s: string) => {
    KIND[c] = 1;
    ESC_LEN[c] = s.length;
    for (let i = 0; i < s.length; i++) ESC[c * 6 + i] = s.charCodeAt(i);
  };
  for (let c = 0; c < 0x20; c++) set(c, '\\u' + c.toString(16).padStart(4, '0'));
  // JSON.stringify's short forms.
  set(0x08, '\\b');
  set(0x09, '\\t');
  set(0x0a, '\\n');
  set(0x0c, '\\f');
  set(0x0d, '\\r');
  set(0x22, '\\"');
  set(0x5c, '\\\\');
  for (let c = 0x80; c < 0x100; c++) KIND[c] = 2;
}

/** Writes byte c's escape (KIND 1) at b[p]; returns the position after it. */
function writeEscape(b: Uint8Array, p: number, c: number): number {
  const at = c * 6;
  const len = ESC_LEN[c]!;
  b[p] = 0x5c;
  b[p + 1] = ESC[at + 1]!;
  if (len === 6) {
    b[p + 2] = 0x30;
    b[p + 3] = 0x30;
    b[p + 4] = ESC[at + 4]!;
    b[p + 5] = ESC[at + 5]!;
  }
  return p + len;
}

/** "\u0000" repeated: a run of NUL bytes (padding, DEBUG POPULATE values) is copied from here. */
const NUL_RUN_MAX = 256;
const NUL_RUN = Buffer.from('\\u0000'.repeat(NUL_RUN_MAX), 'latin1');
/** NUL_RUN's first r escapes, for each r (a TypedArray set() is cheaper than Buffer.copy). */
const NUL_RUNS = Array.from({ length: NUL_RUN_MAX + 1 }, (_, r) => NUL_RUN.subarray(0, 6 * r));

/**
 * Whether the bytes of `s` from `from` on are well-formed UTF-8, as WHATWG's fatal decoder
 * (TextDecoder) judges it: no overlong forms, no surrogates (ED A0–BF), nothing past
 * U+10FFFF, no truncated sequence.
 */
export function isUtf8From(s: Bytes, from: number): boolean {
  const n = s.length;
  let i = from;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= n) return false;
    const c1 = s.charCodeAt(i + 1);
    if (c1 < lo || c1 > hi) return false;
    for (let k = 2; k <= need; k++) {
      const ck = s.charCodeAt(i + k);
      if (ck < 0x80 || ck > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** isUtf8From over bytes[from, end). */
export function isUtf8Range(a: Uint8Array, from: number, end: number): boolean {
  let i = from;
  while (i < end) {
    const c = a[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= end) return false;
    const c1 = a[i + 1]!;
    if (c1 < lo || c1 > hi) return false;
    for (let k = 2; k <= need; k++) {
      const ck = a[i + k]!;
      if (ck < 0x80 || ck > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}

/** Receives a finished chunk of output; call release() once the chunk's bytes may be reused. */
export type JsonChunkSink = (chunk: Buffer, release: () => void) => void;

export class JsonWriter {
  private buf: Buffer;
  private pos = 0;
  /** End of the last complete line: what flush() may hand out. */
  private committed = 0;
  /** Buffers the sink has released, ready to be written into again. */
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly sink: JsonChunkSink,
    private readonly chunkSize = 1 << 22,
  ) {
    this.buf = Buffer.allocUnsafeSlow(chunkSize);
  }

  /** Bytes written but not handed out yet (complete lines and the line being built). */
  get pending(): number {
    return this.pos;
  }

  /** Room for `n` more bytes at pos: flushes complete lines, keeping the partial one. */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const old = this.buf;
    const partial = this.pos - this.committed;
    const size = Math.max(this.chunkSize, partial + n);
    let next: Buffer | undefined;
    while ((next = this.spare.pop()) !== undefined && next.length < size);
    next ??= Buffer.allocUnsafeSlow(size);
    old.copy(next, 0, this.committed, this.pos);
    this.buf = next;
    this.pos = partial;
    const done = this.committed;
    this.committed = 0;
    if (done > 0) this.handOut(old, done);
  }

  private handOut(buf: Buffer, length: number): void {
    let released = false;
    this.sink(buf.subarray(0, length), () => {
      // A grown buffer (one huge line) is not kept: only standard-size ones are reused.
      if (released || buf.length !== this.chunkSize) return;
      released = true;
      this.spare.push(buf);
    });
  }

  /** Hands out every complete line written so far. */
  flush(): void {
    if (this.committed === 0) return;
    const old = this.buf;
    const done = this.committed;
    const partial = this.pos - done;
    let next = this.spare.pop();
    next ??= Buffer.allocUnsafeSlow(Math.max(this.chunkSize, partial));
    if (partial > next.length) next = Buffer.allocUnsafeSlow(partial);
    old.copy(next, 0, done, this.pos);
    this.buf = next;
    this.pos = partial;
    this.committed = 0;
    this.handOut(old, done);
  }

  /** Marks the end of a complete line (or other unit that may be flushed). */
  endLine(): void {
    this.committed = this.pos;
    if (this.pos >= this.chunkSize >>> 1) this.flush();
  }

  /** Drops what was written since the last endLine(). */
  discardLine(): void {
    this.pos = this.committed;
  }

  /** ASCII text that needs no escaping (punctuation, numbers, type names). */
  ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Bytes of already-encoded JSON text (constants). */
  raw(a: Uint8Array): void {
    const n = a.length;
    if (this.pos + n > this.buf.length) this.ensure(n);
    this.buf.set(a, this.pos);
    this.pos += n;
  }

  /** One ASCII byte. */
  byte(c: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = c;
  }

  /** Any JS string as UTF-8 (text that is already JSON). */
  text(s: string): void {
    this.ensure(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A number as JSON.stringify writes it (finite numbers only); small integers without a string. */
  number(x: number): void {
    if (x >= 0 && x < 0x40000000 && (x | 0) === x) {
      if (this.pos + 10 > this.buf.length) this.ensure(10);
      const b = this.buf;
      let p = this.pos;
      if (x < 10) {
        b[p] = 0x30 + x;
        this.pos = p + 1;
        return;
      }
      let digits = 1;
      for (let t = x; t >= 10; t = (t / 10) | 0) digits++;
      p += digits;
      this.pos = p;
      for (let t = x; ; ) {
        const q = (t / 10) | 0;
        b[--p] = 0x30 + t - q * 10;
        if (q === 0) break;
        t = q;
      }
      return;
    }
    this.ascii(String(x));
  }

  /**
   * The JSON text of a byte string: "…" when it is UTF-8, else {"base64":"…"}; `before`, when
   * not 0, is one ASCII byte written first.
   */
  bytes(s: Bytes, before = 0): void {
    const n = s.length;
    // Worst case every byte becomes \u00XX; a long value is measured instead of assumed.
    if (n > 1 << 16) this.ensure(escapedSize(s));
    else if (this.pos + 6 * n + 17 > this.buf.length) this.ensure(6 * n + 17);
    const b = this.buf;
    let p = this.pos;
    if (before !== 0) {
      // A separator byte (',' or '[') before the string, in the same call.
      b[p++] = before;
      this.pos = p;
    }
    b[p++] = 0x22;
    let utf8 = false;
    let i = 0;
    // Plain ASCII, the usual element: two bytes a step up to the first that needs a look.
    for (; i + 1 < n; i += 2) {
      const c = s.charCodeAt(i);
      const d = s.charCodeAt(i + 1);
      if ((KIND[c]! | KIND[d]!) !== 0) break;
      b[p] = c;
      b[p + 1] = d;
      p += 2;
    }
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      const kind = KIND[c];
      if (kind === 0) {
        b[p++] = c;
      } else if (kind === 2) {
        if (!utf8) {
          // Everything before i was ASCII: one check of the rest decides for the whole string.
          if (!isUtf8From(s, i)) {
            this.base64(Buffer.from(s, 'latin1'));
            return;
          }
          utf8 = true;
        }
        b[p++] = c;
      } else if (c === 0 && i + 2 < n && s.charCodeAt(i + 1) === 0 && s.charCodeAt(i + 2) === 0) {
        // A run of NULs: its escapes in one copy.
        let r = 3;
        while (i + r < n && r < NUL_RUN_MAX && s.charCodeAt(i + r) === 0) r++;
        b.set(NUL_RUNS[r]!, p);
        p += 6 * r;
        i += r - 1;
      } else {
        p = writeEscape(b, p, c);
      }
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  /** bytes() for the bytes a[start, end) (a value the reader did not turn into a string). */
  bytesOf(a: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n > 1 << 16) this.ensure(escapedSizeOf(a, start, end));
    else if (this.pos + 6 * n + 17 > this.buf.length) this.ensure(6 * n + 17);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    let utf8 = false;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const c = a[i]!;
      const d = a[i + 1]!;
      if ((KIND[c]! | KIND[d]!) !== 0) break;
      b[p] = c;
      b[p + 1] = d;
      p += 2;
    }
    for (; i < end; i++) {
      const c = a[i]!;
      const kind = KIND[c];
      if (kind === 0) {
        b[p++] = c;
      } else if (kind === 2) {
        if (!utf8) {
          if (!isUtf8Range(a, i, end)) {
            this.base64(Buffer.from(a.buffer, a.byteOffset + start, n));
            return;
          }
          utf8 = true;
        }
        b[p++] = c;
      } else if (c === 0 && i + 2 < end && a[i + 1] === 0 && a[i + 2] === 0) {
        // A run of NULs: its escapes in one copy.
        let r = 3;
        while (i + r < end && r < NUL_RUN_MAX && a[i + r] === 0) r++;
        b.set(NUL_RUNS[r]!, p);
        p += 6 * r;
        i += r - 1;
      } else {
        p = writeEscape(b, p, c);
      }
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  /** {"base64":"…"} at pos (the room was ensured by the caller). */
  private base64(raw: Buffer): void {
    const b64 = raw.toString('base64');
    this.ensure(b64.length + 14);
    let p = this.pos;
    p += this.buf.write('{"base64":"', p, 'latin1');
    p += this.buf.write(b64, p, 'latin1');
    p += this.buf.write('"}', p, 'latin1');
    this.pos = p;
  }
}

function escapedSizeOf(a: Uint8Array, start: number, end: number): number {
  const n = end - start;
  let size = 17 + Math.ceil(n / 3) * 4;
  let str = 3;
  for (let i = start; i < end; i++) {
    const c = a[i]!;
    str += KIND[c] === 1 ? ESC_LEN[c]! : 1;
  }
  if (str > size) size = str;
  return size;
}

/** An upper bound on bytes()'s output for `s` (exact for a UTF-8 string). */
function escapedSize(s: Bytes): number {
  const n = s.length;
  let size = 17 + Math.ceil(n / 3) * 4;
  let str = 3;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    str += KIND[c] === 1 ? ESC_LEN[c]! : 1;
  }
  if (str > size) size = str;
  return size;
}
