/**
 * cjson.decode as Redis's bundled lua-cjson 2.1 does it (strict tokenizer, its error texts,
 * decode_invalid_numbers on: numbers go through strtod, so hex, inf and nan pass), producing Lua
 * source that rebuilds the value (the host has no C API to push tables). JSON null becomes the
 * global-free name N, bound to cjson.null by the caller.
 */

const TOKEN_NAMES = {
  objBegin: 'T_OBJ_BEGIN', objEnd: 'T_OBJ_END', arrBegin: 'T_ARR_BEGIN', arrEnd: 'T_ARR_END',
  string: 'T_STRING', number: 'T_NUMBER', boolean: 'T_BOOLEAN', null: 'T_NULL', colon: 'T_COLON',
  comma: 'T_COMMA', end: 'T_END',
} as const;

type TokenType = keyof typeof TOKEN_NAMES | 'error';

interface Token {
  type: TokenType;
  index: number;
  /** Lua source of the value (string, number, boolean, null) or the error text. */
  value: string;
}

export class CjsonError extends Error {}

const MAX_DEPTH = 1000;

/** Bytes (latin1 string) → Lua source "return <value>", or throws CjsonError with cjson's message. */
export function cjsonDecodeToLua(data: string): string {
  if (data.length >= 2 && (data.charCodeAt(0) === 0 || data.charCodeAt(1) === 0)) {
    throw new CjsonError('JSON parser does not support UTF-16 or UTF-32');
  }
  const p = new Parser(data);
  const first = p.next();
  const v = p.value(first);
  const last = p.next();
  if (last.type !== 'end') p.fail('the end', last);
  return `return ${v}`;
}

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  fail(expected: string, t: Token): never {
    const found = t.type === 'error' ? t.value : TOKEN_NAMES[t.type];
    throw new CjsonError(`Expected ${expected} but found ${found} at character ${t.index + 1}`);
  }

  value(t: Token): string {
    switch (t.type) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return t.value;
      case 'objBegin':
        return this.object(t);
      case 'arrBegin':
        return this.array(t);
      default:
        return this.fail('value', t);
    }
  }

  private descend(t: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw new CjsonError(`Found too many nested data structures (${this.depth}) at character ${t.index + 1}`);
    }
  }

  private object(open: Token): string {
    this.descend(open);
    const out: string[] = [];
    let t = this.next();
    if (t.type === 'objEnd') {
      this.depth--;
      return '{}';
    }
    for (;;) {
      if (t.type !== 'string') this.fail('object key string', t);
      const key = t.value;
      t = this.next();
      if (t.type !== 'colon') this.fail('colon', t);
      const v = this.value(this.next());
      out.push(`[${key}]=${v}`);
      t = this.next();
      if (t.type === 'objEnd') {
        this.depth--;
        return `{${out.join(',')}}`;
      }
      if (t.type !== 'comma') this.fail('comma or object end', t);
      t = this.next();
    }
  }

  private array(open: Token): string {
    this.descend(open);
    const out: string[] = [];
    let t = this.next();
    if (t.type === 'arrEnd') {
      this.depth--;
      return '{}';
    }
    for (;;) {
      out.push(this.value(t));
      t = this.next();
      if (t.type === 'arrEnd') {
        this.depth--;
        return `{${out.join(',')}}`;
      }
      if (t.type !== 'comma') this.fail('comma or array end', t);
      t = this.next();
    }
  }

  next(): Token {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
    const index = this.pos;
    // The C parser sees a NUL-terminated string: an embedded NUL ends the input.
    if (this.pos >= s.length || s.charCodeAt(this.pos) === 0) return { type: 'end', index, value: '' };
    const ch = s[this.pos]!;
    const simple: Record<string, TokenType> = { '{': 'objBegin', '}': 'objEnd', '[': 'arrBegin', ']': 'arrEnd', ',': 'comma', ':': 'colon' };
    if (simple[ch]) {
      this.pos++;
      return { type: simple[ch]!, index, value: '' };
    }
    if (ch === '"') return this.string(index);
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number(index);
    if (s.startsWith('true', this.pos)) {
      this.pos += 4;
      return { type: 'boolean', index, value: 'true' };
    }
    if (s.startsWith('false', this.pos)) {
      this.pos += 5;
      return { type: 'boolean', index, value: 'false' };
    }
    if (s.startsWith('null', this.pos)) {
      this.pos += 4;
      return { type: 'null', index, value: 'N' };
    }
    if (this.invalidNumber()) return this.number(index);
    return { type: 'error', index, value: 'invalid token' };
  }

  /** json_is_invalid_number: '+', hex, leading zeros, inf, nan (parsed anyway: strtod). */
  private invalidNumber(): boolean {
    let p = this.pos;
    const s = this.s;
    if (s[p] === '+') return true;
    if (s[p] === '-') p++;
    if (s[p] === '0') {
      const c2 = s[p + 1] ?? '';
      return c2 === 'x' || c2 === 'X' || (c2 >= '0' && c2 <= '9');
    }
    if ((s[p] ?? '') <= '9') return false;
    const three = s.slice(p, p + 3).toLowerCase();
    return three === 'inf' || three === 'nan';
  }

  /** strtod on the text at pos. */
  private number(index: number): Token {
    const rest = this.s.slice(this.pos, this.pos + 400);
    let m = /^[-+]?0[xX]([0-9a-fA-F]+)/.exec(rest);
    let v: number;
    if (m) {
      v = parseInt(m[1]!, 16) * (rest[0] === '-' ? -1 : 1);
    } else if ((m = /^[-+]?(infinity|inf|nan)/i.exec(rest))) {
      const neg = rest[0] === '-';
      v = m[1]!.toLowerCase() === 'nan' ? NaN : neg ? -Infinity : Infinity;
    } else if ((m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(rest))) {
      v = Number(m[0]);
    } else {
      return { type: 'error', index: this.pos, value: 'invalid number' };
    }
    this.pos += m[0].length;
    return { type: 'number', index, value: luaNumber(v) };
  }

  private string(index: number): Token {
    const s = this.s;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= s.length || s.charCodeAt(this.pos) === 0) {
        return { type: 'error', index: this.pos, value: 'unexpected end of string' };
      }
      const ch = s[this.pos]!;
      if (ch === '"') {
        this.pos++;
        return { type: 'string', index, value: luaString(out) };
      }
      if (ch !== '\\') {
        out += ch;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1] ?? '';
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (simple[e] !== undefined) {
        out += simple[e];
        this.pos += 2;
        continue;
      }
      if (e !== 'u') return { type: 'error', index: this.pos, value: 'invalid escape code' };
      const cp = this.unicodeEscape();
      if (cp < 0) return { type: 'error', index: this.pos, value: 'invalid unicode escape code' };
      out += Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
    }
  }

  /** json_append_unicode_escape: \uXXXX, with a surrogate pair as one code point. */
  private unicodeEscape(): number {
    const hex = (at: number): number => {
      const h = this.s.slice(at, at + 4);
      return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : -1;
    };
    let cp = hex(this.pos + 2);
    if (cp < 0) return -1;
    let len = 6;
    if ((cp & 0xf800) === 0xd800) {
      if (cp & 0x400) return -1; // a lone low surrogate
      if (this.s[this.pos + 6] !== '\\' || this.s[this.pos + 7] !== 'u') return -1;
      const lo = hex(this.pos + 8);
      if (lo < 0 || (lo & 0xfc00) !== 0xdc00) return -1;
      cp = (((cp & 0x3ff) << 10) | (lo & 0x3ff)) + 0x10000;
      len = 12;
    }
    this.pos += len;
    return cp;
  }
}

function luaNumber(v: number): string {
  if (Number.isNaN(v)) return '(-(0/0))'; // strtod's nan is positive; 0/0 is -nan
  if (v === Infinity) return '(1/0)';
  if (v === -Infinity) return '(-1/0)';
  if (Object.is(v, -0)) return '(-0)';
  return String(v);
}

/** A Lua string literal for bytes: printable ASCII as is, everything else \ddd. */
export function luaString(b: string): string {
  let out = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    if (c >= 32 && c < 127 && c !== 34 && c !== 92) out += b[i];
    else out += `\\${String(c).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/** LuaBitOp's barg: round to an integer the way the 2^52+2^51 trick does, keep the low 32 bits. */
function tobit(x: number): number {
  F64[0] = x + 6755399441055744;
  return U32[0]! | 0;
}

/** One LuaBitOp function on already-checked numeric arguments; the result as Lua reads it. */
export function bitop(name: string, args: number[]): string {
  const a = args.map(tobit);
  const x = a[0] ?? 0;
  const n = (a[1] ?? 0) & 31;
  switch (name) {
    case 'tobit': return String(x);
    case 'bnot': return String(~x);
    case 'band': return String(a.reduce((p, v) => p & v));
    case 'bor': return String(a.reduce((p, v) => p | v));
    case 'bxor': return String(a.reduce((p, v) => p ^ v));
    case 'lshift': return String(x << n);
    case 'rshift': return String((x >>> n) | 0);
    case 'arshift': return String(x >> n);
    case 'rol': return String((x << n) | (x >>> (32 - n)));
    case 'ror': return String((x >>> n) | (x << (32 - n)));
    case 'bswap': return String(((x >>> 24) | ((x >> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) | 0);
    case 'tohex': {
      let digits = '0123456789abcdef';
      let w = args.length > 1 ? a[1]! : 8;
      if (w < 0) {
        w = -w;
        digits = '0123456789ABCDEF';
      }
      if (w > 8) w = 8;
      let b = x;
      let out = '';
      for (let i = 0; i < w; i++) {
        out = digits[b & 15]! + out;
        b >>>= 4;
      }
      return out;
    }
    default: return '0';
  }
}

// --- cmsgpack (lua-cmsgpack as bundled by Redis) ----------------------------------------------

/**
 * cmsgpack.pack: the Lua side walks the values (array detection, nesting limit, types) and sends
 * a token stream — 'n' nil, 'T'/'F', 'd'<%.17g>\n, 's'<len>\n<bytes>, 'a'<n>\n items,
 * 'm'<n>\n pairs — which is turned into MessagePack here.
 */
export function msgpackFromTokens(s: string): string {
  const out: string[] = [];
  let p = 0;
  const readLine = (): string => {
    const nl = s.indexOf('\n', p);
    const line = s.slice(p, nl);
    p = nl + 1;
    return line;
  };
  const one = (): void => {
    const c = s[p++];
    if (c === 'n') out.push('\xc0');
    else if (c === 'T') out.push('\xc3');
    else if (c === 'F') out.push('\xc2');
    else if (c === 'd') packNumber(Number(readLine()), out);
    else if (c === 's') {
      const len = Number(readLine());
      const str = s.slice(p, p + len);
      p += len;
      if (len < 32) out.push(String.fromCharCode(0xa0 | len));
      else if (len <= 0xff) out.push('\xd9', be(len, 1));
      else if (len <= 0xffff) out.push('\xda', be(len, 2));
      else out.push('\xdb', be(len, 4));
      out.push(str);
    } else if (c === 'a' || c === 'm') {
      const n = Number(readLine());
      if (n < 16) out.push(String.fromCharCode((c === 'a' ? 0x90 : 0x80) | n));
      else if (n <= 0xffff) out.push(c === 'a' ? '\xdc' : '\xde', be(n, 2));
      else out.push(c === 'a' ? '\xdd' : '\xdf', be(n, 4));
      for (let i = 0; i < (c === 'a' ? n : 2 * n); i++) one();
    }
  };
  while (p < s.length) one();
  return out.join('');
}

function be(v: number, bytes: number): string {
  let s = '';
  for (let i = bytes - 1; i >= 0; i--) s += String.fromCharCode(Math.floor(v / 2 ** (8 * i)) & 0xff);
  return s;
}

const F32 = new Float32Array(1);
const DV = new DataView(new ArrayBuffer(8));

function packNumber(n: number, out: string[]): void {
  // IS_INT64_EQUIVALENT: finite and (int64_t)n == n.
  if (Number.isFinite(n) && Number.isInteger(n) && n >= -9223372036854775808 && n < 9223372036854775808) {
    if (n >= 0) {
      if (n <= 127) out.push(String.fromCharCode(n));
      else if (n <= 0xff) out.push('\xcc', be(n, 1));
      else if (n <= 0xffff) out.push('\xcd', be(n, 2));
      else if (n <= 0xffffffff) out.push('\xce', be(n, 4));
      else {
        DV.setBigUint64(0, BigInt(n));
        out.push('\xcf', bytesOf(8));
      }
    } else if (n >= -32) out.push(String.fromCharCode(n & 0xff));
    else if (n >= -128) out.push('\xd0', String.fromCharCode(n & 0xff));
    else if (n >= -32768) {
      DV.setInt16(0, n);
      out.push('\xd1', bytesOf(2));
    } else if (n >= -2147483648) {
      DV.setInt32(0, n);
      out.push('\xd2', bytesOf(4));
    } else {
      DV.setBigInt64(0, BigInt(n));
      out.push('\xd3', bytesOf(8));
    }
    return;
  }
  F32[0] = n;
  if (F32[0] === n || (Number.isNaN(n) && false)) {
    DV.setFloat32(0, n);
    out.push('\xca', bytesOf(4));
  } else {
    DV.setFloat64(0, n);
    out.push('\xcb', bytesOf(8));
  }
}

function bytesOf(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(DV.getUint8(i));
  return s;
}

/**
 * mp_unpack_full: up to `limit` objects (0 = all) of `s` from byte `offset`, as Lua source
 * "return v1, v2, ..." — preceded by the next offset (-1 at the end) when `limit` > 0
 * (unpack_one / unpack_limit).
 */
export function msgpackToLua(s: string, limit = 0, offset = 0): string {
  if (limit < 0 || offset < 0) {
    // lua-cmsgpack prints the input length where it says "limit".
    throw new CjsonError(`Invalid request to unpack with offset of ${offset} and limit of ${s.length}.`);
  }
  if (offset > s.length) throw new CjsonError(`Start offset ${offset} greater than input length ${s.length}.`);
  let p = offset;
  const need = (n: number): void => {
    if (p + n > s.length) throw new CjsonError('Missing bytes in input.');
  };
  const u = (n: number): number => {
    need(n);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + s.charCodeAt(p + i);
    p += n;
    return v;
  };
  const view = (n: number): DataView => {
    need(n);
    for (let i = 0; i < n; i++) DV.setUint8(i, s.charCodeAt(p + i));
    p += n;
    return DV;
  };
  const str = (len: number): string => {
    need(len);
    const v = s.slice(p, p + len);
    p += len;
    return luaString(v);
  };
  const arr = (n: number): string => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(one());
    return `{${items.join(',')}}`;
  };
  const map = (n: number): string => {
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = one();
      const v = one();
      if (k !== 'nil') items.push(`[${k}]=${v}`);
    }
    return `{${items.join(',')}}`;
  };
  const num = (v: number | bigint): string => {
    const n = Number(v);
    if (Number.isNaN(n)) return '(0/0)';
    if (n === Infinity) return '(1/0)';
    if (n === -Infinity) return '(-1/0)';
    return Object.is(n, -0) ? '(-0)' : String(n);
  };
  const one = (): string => {
    need(1);
    const c = s.charCodeAt(p++);
    if (c <= 0x7f) return String(c);
    if (c >= 0xe0) return String(c - 256);
    if ((c & 0xe0) === 0xa0) return str(c & 0x1f);
    if ((c & 0xf0) === 0x90) return arr(c & 0x0f);
    if ((c & 0xf0) === 0x80) return map(c & 0x0f);
    switch (c) {
      case 0xc0: return 'nil';
      case 0xc2: return 'false';
      case 0xc3: return 'true';
      case 0xcc: return String(u(1));
      case 0xcd: return String(u(2));
      case 0xce: return String(u(4));
      case 0xcf: return num(view(8).getBigUint64(0));
      case 0xd0: return String(view(1).getInt8(0));
      case 0xd1: return String(view(2).getInt16(0));
      case 0xd2: return String(view(4).getInt32(0));
      case 0xd3: return num(view(8).getBigInt64(0));
      case 0xca: return num(view(4).getFloat32(0));
      case 0xcb: return num(view(8).getFloat64(0));
      case 0xd9: case 0xc4: return str(u(1));
      case 0xda: case 0xc5: return str(u(2));
      case 0xdb: case 0xc6: return str(u(4));
      case 0xdc: return arr(u(2));
      case 0xdd: return arr(u(4));
      case 0xde: return map(u(2));
      case 0xdf: return map(u(4));
      default: throw new CjsonError('Bad data format in input.');
    }
  };
  const values: string[] = [];
  while (p < s.length && (limit === 0 || values.length < limit)) values.push(one());
  if (limit > 0) values.unshift(String(p >= s.length ? -1 : p));
  return `return ${values.join(',')}`;
}
