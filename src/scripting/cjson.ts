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
