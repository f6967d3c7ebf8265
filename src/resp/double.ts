/**
 * Redis 7.2's d2string (util.c), used for every double reply:
 *  - nan / inf / -inf / 0 / -0 spelled out;
 *  - an integral value within ±2^62 printed as an integer (double2ll + ll2string);
 *  - anything else through fpconv_dtoa (deps/fpconv): the shortest round-trip digits
 *    (grisu2), laid out by its emit_digits: plain integer when the exponent is small,
 *    plain decimal when K > -7 or the exponent < 4, else d.ddde±X with no exponent padding
 *    ("1e-7", "1.5e+20").
 * (Redis 7.0 used %.17g: "1.1000000000000001" for 1.1 — see formatDouble17g.)
 */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // double2ll: |d| <= LLONG_MAX/2 and integral → integer digits.
  if (d >= -4611686018427387904 && d <= 4611686018427387904 && Number.isInteger(d)) {
    return Number.isSafeInteger(d) ? String(d) : BigInt(d).toString();
  }
  return fpconvDtoa(d);
}

/** fpconv_dtoa's layout of the shortest digits (emit_digits). */
export function fpconvDtoa(d: number): string {
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  if (a === 0) return neg ? '-0' : '0';
  if (!Number.isFinite(a)) return (neg ? '-' : '') + (Number.isNaN(a) ? 'nan' : 'inf');
  const e = a.toExponential();
  const ePos = e.indexOf('e');
  const digits = e.slice(0, ePos).replace('.', '');
  const decExp = Number(e.slice(ePos + 1));
  const ndigits = digits.length;
  const K = decExp - ndigits + 1;
  const exp = Math.abs(K + ndigits - 1);
  let body: string;
  if (K >= 0 && exp < ndigits + 7) {
    body = digits + '0'.repeat(K);
  } else if (K < 0 && (K > -7 || exp < 4)) {
    const offset = ndigits - Math.abs(K);
    if (offset <= 0) body = '0.' + '0'.repeat(-offset) + digits;
    else body = digits.slice(0, offset) + '.' + digits.slice(offset);
  } else {
    body = digits[0]! + (ndigits > 1 ? '.' + digits.slice(1) : '') + 'e' + (K + ndigits - 1 < 0 ? '-' : '+') + String(exp);
  }
  return neg ? '-' + body : body;
}

/**
 * printf("%.17g") as Redis 7.0 and older used for doubles (replies, DEBUG DIGEST scores).
 */
export function formatDouble17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const e = d.toExponential(16); // 17 significant digits
  const ePos = e.indexOf('e');
  let mantissa = e.slice(0, ePos);
  const exp = Number(e.slice(ePos + 1));
  const neg = mantissa.startsWith('-');
  if (neg) mantissa = mantissa.slice(1);
  // %g strips trailing zeros.
  let digits = mantissa.replace('.', '').replace(/0+$/, '');
  if (digits === '') digits = '0';
  let body: string;
  if (exp < -4 || exp >= 17) {
    const m = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const absExp = Math.abs(exp);
    body = m + 'e' + (exp < 0 ? '-' : '+') + (absExp < 10 ? '0' : '') + absExp;
  } else if (exp < 0) {
    body = '0.' + '0'.repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    body = digits + '0'.repeat(exp + 1 - digits.length);
  } else {
    body = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  }
  return neg ? '-' + body : body;
}
