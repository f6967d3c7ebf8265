/**
 * struct (Roberto Ierusalimschy's lua_struct.c as bundled by Redis): pack, unpack, size.
 * The Lua side sends the format and the arguments; everything else happens here, with the C
 * library's error texts (the Lua side raises them from a C-like frame, which adds the position).
 */
import { luaString } from './cjson.js';

export class StructError extends Error {}

/** An argument as the Lua side sent it: a string, a number, a type name, or absent. */
export type StructArg = { s: string } | { n: number } | { t: string } | undefined;

const MAXINTSIZE = 32;
const MAXALIGN = 8;
const SIZES: Record<string, number> = { b: 1, B: 1, h: 2, H: 2, l: 8, L: 8, T: 8, f: 4, d: 8, x: 1 };

interface Header {
  little: boolean;
  align: number;
}

class Fmt {
  pos = 0;
  constructor(readonly s: string, readonly fn: string) {}
  /** getnum */
  num(df: number): number {
    const s = this.s;
    if (!(s[this.pos]! >= '0' && s[this.pos]! <= '9')) return df;
    let a = 0;
    while (s[this.pos]! >= '0' && s[this.pos]! <= '9') {
      if (a > Math.floor(2147483647 / 10) || a * 10 > 2147483647 - (s.charCodeAt(this.pos) - 48)) {
        throw new StructError('integral size overflow');
      }
      a = a * 10 + s.charCodeAt(this.pos++) - 48;
    }
    return a;
  }
  /** optsize */
  size(opt: string): number {
    if (SIZES[opt] !== undefined) return SIZES[opt]!;
    if (opt === 'c') return this.num(1);
    if (opt === 'i' || opt === 'I') {
      const sz = this.num(4);
      if (sz > MAXINTSIZE) throw new StructError(`integral size ${sz} is larger than limit of ${MAXINTSIZE}`);
      return sz;
    }
    return 0;
  }
  /** controloptions */
  control(opt: string, h: Header): void {
    if (opt === ' ') return;
    if (opt === '>') h.little = false;
    else if (opt === '<') h.little = true;
    else if (opt === '!') {
      const a = this.num(MAXALIGN);
      if (a === 0 || (a & (a - 1)) !== 0) throw new StructError(`alignment ${a} is not a power of 2`);
      h.align = a;
    } else {
      throw new StructError(`bad argument #1 to '${this.fn}' (invalid format option '${opt}')`);
    }
  }
}

function toAlign(len: number, h: Header, opt: string, size: number): number {
  if (size === 0 || opt === 'c') return 0;
  if (size > h.align) size = h.align;
  return (size - (len & (size - 1))) & (size - 1);
}

function argError(n: number, fn: string, msg: string): StructError {
  return new StructError(`bad argument #${n} to '${fn}' (${msg})`);
}

/** lua_tonumber of a string argument (decimal or hex, surrounding spaces allowed). */
function strToNumber(s: string): number | null {
  const t = s.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return parseInt(t, 16);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return null;
}

function typeName(a: StructArg): string {
  if (a === undefined) return 'no value';
  if ('s' in a) return 'string';
  if ('n' in a) return 'number';
  return a.t;
}

function checkNumber(args: StructArg[], i: number, fn: string): number {
  const a = args[i - 2];
  if (a && 'n' in a) return a.n;
  if (a && 's' in a) {
    const v = strToNumber(a.s);
    if (v !== null) return v;
  }
  throw argError(i, fn, `number expected, got ${typeName(a)}`);
}

function checkString(args: StructArg[], i: number, fn: string): string {
  const a = args[i - 2];
  if (a && 's' in a) return a.s;
  if (a && 'n' in a) return String(a.n);
  throw argError(i, fn, `string expected, got ${typeName(a)}`);
}

function intBytes(n: number, size: number, little: boolean): string {
  let v = BigInt.asIntN(64, Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n);
  const bytes: number[] = [];
  for (let i = 0; i < size; i++) {
    bytes.push(Number(v & 0xffn));
    v >>= 8n;
  }
  if (!little) bytes.reverse();
  return String.fromCharCode(...bytes);
}

const DV = new DataView(new ArrayBuffer(8));

function floatBytes(n: number, size: number, little: boolean): string {
  if (size === 4) DV.setFloat32(0, n, little);
  else DV.setFloat64(0, n, little);
  let s = '';
  for (let i = 0; i < size; i++) s += String.fromCharCode(DV.getUint8(i));
  return s;
}

export function structPack(fmtText: string, args: StructArg[]): string {
  const fmt = new Fmt(fmtText, 'pack');
  const h: Header = { little: true, align: 1 };
  let arg = 2;
  let total = 0;
  let out = '';
  while (fmt.pos < fmtText.length) {
    const opt = fmtText[fmt.pos++]!;
    if (opt === '\0') break;
    let size = fmt.size(opt);
    let pad = toAlign(total, h, opt, size);
    total += pad;
    while (pad-- > 0) out += '\0';
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        out += intBytes(checkNumber(args, arg++, 'pack'), size, h.little);
        break;
      case 'x':
        out += '\0';
        break;
      case 'f': case 'd':
        out += floatBytes(checkNumber(args, arg++, 'pack'), size, h.little);
        break;
      case 'c': case 's': {
        const s = checkString(args, arg++, 'pack');
        if (size === 0) size = s.length;
        if (s.length < size) throw argError(arg, 'pack', 'string too short');
        out += s.slice(0, size);
        if (opt === 's') {
          out += '\0';
          size++;
        }
        break;
      }
      default:
        fmt.control(opt, h);
    }
    total += size;
  }
  return out;
}

/** struct.unpack → Lua source "return v1, ..., nextpos". */
export function structUnpack(fmtText: string, data: string, start: number): string {
  const fmt = new Fmt(fmtText, 'unpack');
  const h: Header = { little: true, align: 1 };
  if (!(start > 0)) throw argError(3, 'unpack', 'offset must be 1 or greater');
  let pos = start - 1;
  const ld = data.length;
  const out: Array<string | number> = [];
  while (fmt.pos < fmtText.length) {
    const opt = fmtText[fmt.pos++]!;
    if (opt === '\0') break;
    let size = fmt.size(opt);
    pos += toAlign(pos, h, opt, size);
    if (!(size <= ld && pos <= ld - size)) throw argError(2, 'unpack', 'data string too short');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I': {
        let v = 0n;
        for (let i = 0; i < size; i++) {
          const byte = data.charCodeAt(h.little ? pos + size - 1 - i : pos + i);
          v = BigInt.asUintN(64, (v << 8n) | BigInt(byte));
        }
        if (opt === opt.toLowerCase() && size > 0) {
          const mask = BigInt.asUintN(64, -1n << BigInt(Math.min(size * 8 - 1, 63)));
          if (size * 8 - 1 < 64 && v & mask) v |= mask;
          out.push(Number(BigInt.asIntN(64, v)));
        } else {
          out.push(Number(v));
        }
        break;
      }
      case 'x':
        break;
      case 'f': case 'd': {
        for (let i = 0; i < size; i++) DV.setUint8(i, data.charCodeAt(pos + i));
        out.push(size === 4 ? DV.getFloat32(0, h.little) : DV.getFloat64(0, h.little));
        break;
      }
      case 'c': {
        if (size === 0) {
          const prev = out[out.length - 1];
          if (out.length === 0 || typeof prev !== 'number') throw new StructError("format 'c0' needs a previous size");
          size = prev;
          out.pop();
          if (!(size <= ld && pos <= ld - size)) throw argError(2, 'unpack', 'data string too short');
        }
        out.push(luaString(data.slice(pos, pos + size)));
        break;
      }
      case 's': {
        const e = data.indexOf('\0', pos);
        if (e < 0) throw new StructError('unfinished string in data');
        size = e - pos + 1;
        out.push(luaString(data.slice(pos, e)));
        break;
      }
      default:
        fmt.control(opt, h);
    }
    pos += size;
  }
  out.push(pos + 1);
  return `return ${out.map((v) => (typeof v === 'number' ? luaNum(v) : v)).join(',')}`;
}

function luaNum(v: number): string {
  if (Number.isNaN(v)) return '(-(0/0))';
  if (v === Infinity) return '(1/0)';
  if (v === -Infinity) return '(-1/0)';
  return Object.is(v, -0) ? '(-0)' : String(v);
}

export function structSize(fmtText: string): number {
  const fmt = new Fmt(fmtText, 'size');
  const h: Header = { little: true, align: 1 };
  let pos = 0;
  while (fmt.pos < fmtText.length) {
    const opt = fmtText[fmt.pos++]!;
    if (opt === '\0') break;
    const size = fmt.size(opt);
    pos += toAlign(pos, h, opt, size);
    if (opt === 's') throw argError(1, 'size', "option 's' has no fixed size");
    if (opt === 'c' && size === 0) throw argError(1, 'size', "option 'c0' has no fixed size");
    if (!/[A-Za-z0-9]/.test(opt)) fmt.control(opt, h);
    pos += size;
  }
  return pos;
}
