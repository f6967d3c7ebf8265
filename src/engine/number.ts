import type { Bytes } from './bytes.js';
import { parseSafeInt, parseStrictInt } from './object.js';

/**
 * Argument parsing with Redis's rules (util.c string2ll, object.c getDoubleFromObject).
 * Each returns null when Redis would reply with its "not an integer / not a valid float" error.
 */

/** A 64-bit integer argument as a JS number (exact up to 2^53; fine for indexes and counts). */
export function parseLong(s: Bytes): number | null {
  const fast = parseSafeInt(s);
  if (fast !== null) return fast;
  const big = parseStrictInt(s);
  return big === null ? null : Number(big);
}

/** A 64-bit integer argument, exact. */
export function parseLongExact(s: Bytes): bigint | null {
  return parseStrictInt(s);
}

const DOUBLE_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)$/;

/**
 * strtod over the whole argument: no surrounding spaces, "inf"/"infinity" allowed, NaN
 * refused, and overflow or an underflow to zero refused (ERANGE) as Redis does.
 */
export function parseDouble(s: Bytes): number | null {
  if (s.length === 0 || !DOUBLE_RE.test(s)) return null;
  let v: number;
  const body = s.replace(/^[+-]/, '');
  const neg = s.charCodeAt(0) === 45;
  if (/^inf/i.test(body)) v = Infinity;
  else if (/^0x/i.test(body)) v = parseHexFloat(body);
  else v = Number(body);
  if (Number.isNaN(v)) return null;
  if (!Number.isFinite(v) && !/^inf/i.test(body)) return null; // overflow → ERANGE
  if (v === 0 && /[1-9]/.test(body.replace(/[eE].*$/, ''))) return null; // underflow → ERANGE
  return neg ? -v : v;
}

function parseHexFloat(body: string): number {
  const m = /^0x([0-9a-f]*)\.?([0-9a-f]*)(?:p([+-]?\d+))?$/i.exec(body);
  if (!m) return NaN;
  const intPart = m[1] || '0';
  const frac = m[2] ?? '';
  let v = parseInt(intPart, 16);
  for (let i = 0; i < frac.length; i++) v += parseInt(frac[i]!, 16) / 16 ** (i + 1);
  return v * 2 ** Number(m[3] ?? 0);
}
