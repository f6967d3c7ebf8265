/**
 * Redis 7.2 formats a double reply with the shortest digits that round-trip (fpconv_dtoa),
 * laid out the way printf's %.17g lays them out: fixed notation when the decimal exponent
 * is in [-4, 17), otherwise d.ddde±XX with at least two exponent digits.
 * (Redis 7.0 used plain %.17g: "1.1000000000000001" for 1.1 — see the 7.0/7.2 table.)
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  // toExponential() with no argument gives the shortest round-trip digits.
  const e = d.toExponential();
  const ePos = e.indexOf('e');
  let mantissa = e.slice(0, ePos);
  const exp = Number(e.slice(ePos + 1));
  const neg = mantissa.startsWith('-');
  if (neg) mantissa = mantissa.slice(1);
  const digits = mantissa.replace('.', '');
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
