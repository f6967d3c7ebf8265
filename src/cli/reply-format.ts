import {
  BigNumberReply,
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NullArrayReply,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../engine/reply.js';
import { formatDouble } from '../resp/double.js';
import { repr } from './quoting.js';

/**
 * redis-cli's reply printing (redis-cli.c cliFormatReplyTTY / cliFormatReplyRaw), applied
 * to engine reply values. The output is an engine byte string (latin1): write it with
 * Buffer.from(out, 'latin1') so binary payloads reach stdout unchanged.
 *
 * A reply value stands for what a client would decode from the wire for the session's
 * protocol: in RESP2 a DoubleReply is a bulk string, a MapReply a flat array, a BoolReply
 * an integer, and so on — exactly what hiredis hands redis-cli.
 */

export type OutputMode = 'tty' | 'raw';

export interface FormatOptions {
  /** Between the elements of an aggregate in raw mode (redis-cli -d). */
  mbDelim: string;
  /** After each reply in raw mode (redis-cli -D). */
  cmdDelim: string;
}

export const DEFAULT_FORMAT: FormatOptions = { mbDelim: '\n', cmdDelim: '\n' };

/** C's "%s": a string ends at its first NUL byte. */
function cstr(s: string): string {
  const i = s.indexOf('\0');
  return i < 0 ? s : s.slice(0, i);
}

/** The hiredis reply kinds an aggregate can be shown as. */
const ARRAY = 0;
const SET = 1;
const MAP = 2;
const PUSH = 3;

/** Elements of an aggregate as the client sees them, or null for a scalar. */
function aggregate(r: Reply, proto: 2 | 3): { kind: number; items: Reply[] } | null {
  if (Array.isArray(r)) return { kind: ARRAY, items: r };
  if (r instanceof MapReply) {
    const items: Reply[] = [];
    for (const [k, v] of r.entries) items.push(k, v);
    return { kind: proto === 3 ? MAP : ARRAY, items };
  }
  if (r instanceof SetReply) return { kind: proto === 3 ? SET : ARRAY, items: r.items };
  if (r instanceof PushReply) return { kind: proto === 3 ? PUSH : ARRAY, items: r.items };
  return null;
}

/** cliIsMultilineValueTTY: would this value print on several lines? */
function isMultiline(r: Reply, proto: 2 | 3): boolean {
  const agg = aggregate(r, proto);
  if (!agg) return false;
  const n = agg.items.length;
  if (agg.kind === MAP) {
    if (n === 0) return false;
    if (n > 2) return true;
    return isMultiline(agg.items[1]!, proto);
  }
  if (n === 0) return false;
  if (n > 1) return true;
  return isMultiline(agg.items[0]!, proto);
}

/** cliFormatReplyTTY: the typed form ("(integer) 1", "1) \"a\"", "(nil)" …). */
export function formatTTY(r: Reply, proto: 2 | 3, prefix = ''): string {
  if (typeof r === 'string') return repr(r) + '\n';
  if (typeof r === 'number' || typeof r === 'bigint') return '(integer) ' + String(r) + '\n';
  if (r === null || r instanceof NullArrayReply) return '(nil)\n';
  if (r instanceof StatusReply) return cstr(r.text) + '\n';
  if (r instanceof ErrorReply) return '(error) ' + cstr(r.message) + '\n';
  if (r instanceof DoubleReply) {
    const s = formatDouble(r.value);
    return proto === 3 ? '(double) ' + s + '\n' : repr(s) + '\n';
  }
  if (r instanceof BoolReply) {
    if (proto === 3) return r.value ? '(true)\n' : '(false)\n';
    return r.value ? '(integer) 1\n' : '(integer) 0\n';
  }
  if (r instanceof VerbatimReply) return proto === 3 ? r.text + '\n' : repr(r.text) + '\n';
  if (r instanceof BigNumberReply) return proto === 3 ? '(big number) ' + r.digits + '\n' : repr(r.digits) + '\n';
  const agg = aggregate(r, proto);
  if (!agg) throw new TypeError('not a reply value');
  const { kind, items } = agg;
  if (items.length === 0) {
    return kind === ARRAY ? '(empty array)\n' : kind === MAP ? '(empty hash)\n' : kind === SET ? '(empty set)\n' : '(empty push)\n';
  }
  let count = kind === MAP ? items.length >>> 1 : items.length;
  let idxlen = 0;
  do {
    idxlen++;
    count = Math.floor(count / 10);
  } while (count);
  const childPrefix = prefix + ' '.repeat(idxlen + 2);
  const sep = kind === SET ? '~ ' : kind === MAP ? '# ' : ') ';
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const human = (kind === MAP ? i >>> 1 : i) + 1;
    out += (i === 0 ? '' : prefix) + String(human).padStart(idxlen, ' ') + sep;
    out += formatTTY(items[i]!, proto, childPrefix);
    if (kind === MAP) {
      i++;
      out = out.slice(0, -1) + ' => ';
      const v = items[i]!;
      if (isMultiline(v, proto)) out += '\n' + childPrefix;
      out += formatTTY(v, proto, childPrefix);
    }
  }
  return out;
}

/** cliFormatReplyRaw: bare values, aggregates joined by mbDelim, maps as "key value". */
export function formatRaw(r: Reply, proto: 2 | 3, opts: FormatOptions = DEFAULT_FORMAT): string {
  if (typeof r === 'string') return r;
  if (typeof r === 'number' || typeof r === 'bigint') return String(r);
  if (r === null || r instanceof NullArrayReply) return '';
  if (r instanceof StatusReply) return r.text;
  if (r instanceof ErrorReply) return r.message + '\n';
  if (r instanceof DoubleReply) return formatDouble(r.value);
  if (r instanceof BoolReply) {
    if (proto === 3) return r.value ? '(true)' : '(false)';
    return r.value ? '1' : '0';
  }
  if (r instanceof VerbatimReply) return r.text;
  if (r instanceof BigNumberReply) return r.digits;
  const agg = aggregate(r, proto);
  if (!agg) throw new TypeError('not a reply value');
  const { kind, items } = agg;
  let out = '';
  if (kind === MAP) {
    for (let i = 0; i < items.length; i += 2) {
      if (i > 0) out += opts.mbDelim;
      out += formatRaw(items[i]!, proto, opts) + ' ' + formatRaw(items[i + 1]!, proto, opts);
    }
  } else {
    for (let i = 0; i < items.length; i++) {
      if (i > 0) out += opts.mbDelim;
      out += formatRaw(items[i]!, proto, opts);
    }
  }
  return out;
}

/**
 * cliFormatReply: one reply as redis-cli prints it. `verbatim` is redis-cli's
 * output_raw_strings (INFO, CLIENT LIST …): printed raw, with no delimiter after it.
 */
export function formatReply(
  r: Reply,
  proto: 2 | 3,
  mode: OutputMode,
  verbatim = false,
  opts: FormatOptions = DEFAULT_FORMAT,
): string {
  if (verbatim) return formatRaw(r, proto, opts);
  if (mode === 'tty') return formatTTY(r, proto, '');
  return formatRaw(r, proto, opts) + opts.cmdDelim;
}
