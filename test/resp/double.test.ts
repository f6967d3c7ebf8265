import { describe, expect, it } from 'vitest';
import { formatDouble, formatDouble17g, formatFixed } from '../../src/resp/double.js';

describe('formatDouble (Redis 7.2 d2string: double2ll + fpconv_dtoa)', () => {
  it('spells specials', () => {
    expect(formatDouble(NaN)).toBe('nan');
    expect(formatDouble(Infinity)).toBe('inf');
    expect(formatDouble(-Infinity)).toBe('-inf');
    expect(formatDouble(0)).toBe('0');
    expect(formatDouble(-0)).toBe('-0');
  });

  it('prints integral values up to 2^62 as integers', () => {
    expect(formatDouble(1)).toBe('1');
    expect(formatDouble(-42)).toBe('-42');
    expect(formatDouble(1e17)).toBe('100000000000000000');
    expect(formatDouble(2 ** 62)).toBe('4611686018427387904');
    expect(formatDouble(-(2 ** 62))).toBe('-4611686018427387904');
    // Beyond LLONG_MAX/2 fpconv takes over: plain while the exponent < ndigits + 7.
    expect(formatDouble(2 ** 63)).toBe('9223372036854776000');
    expect(formatDouble(1e20)).toBe('1e+20');
    expect(formatDouble(1.5e300)).toBe('1.5e+300');
  });

  it('lays out fractions as fpconv emit_digits does', () => {
    expect(formatDouble(1.1)).toBe('1.1');
    expect(formatDouble(0.1)).toBe('0.1');
    expect(formatDouble(-2.5)).toBe('-2.5');
    expect(formatDouble(0.0001)).toBe('0.0001');
    expect(formatDouble(0.000001)).toBe('0.000001');
    expect(formatDouble(1e-7)).toBe('1e-7');
    expect(formatDouble(1.5e-7)).toBe('1.5e-7');
    expect(formatDouble(1234.5678)).toBe('1234.5678');
    // K <= -7 and exponent >= 4: scientific even for a "normal" looking value.
    expect(formatDouble(12345.6789012)).toBe('1.23456789012e+4');
    expect(formatDouble(3.14159)).toBe('3.14159');
    expect(formatDouble(5e-324)).toBe('5e-324');
    expect(formatDouble(1.7976931348623157e308)).toBe('1.7976931348623157e+308');
  });
});

describe('formatDouble17g (printf %.17g)', () => {
  it('matches printf', () => {
    expect(formatDouble17g(1.1)).toBe('1.1000000000000001');
    expect(formatDouble17g(0.1)).toBe('0.10000000000000001');
    expect(formatDouble17g(1e-7)).toBe('9.9999999999999995e-08');
    expect(formatDouble17g(1e20)).toBe('1e+20');
    expect(formatDouble17g(1e17)).toBe('1e+17');
    expect(formatDouble17g(123456789012)).toBe('123456789012');
    expect(formatDouble17g(2.5)).toBe('2.5');
    expect(formatDouble17g(-0)).toBe('-0');
    expect(formatDouble17g(Infinity)).toBe('inf');
    expect(formatDouble17g(5e-324)).toBe('4.9406564584124654e-324');
    expect(formatDouble17g(0.0001)).toBe('0.0001');
    expect(formatDouble17g(0.00001)).toBe('1.0000000000000001e-05');
    expect(formatDouble17g(1.2345678901234568e20)).toBe('1.2345678901234568e+20');
    expect(formatDouble17g(-1.5e-300)).toBe('-1.5000000000000001e-300');
  });
});

describe('grisu2 quirks (fpconv_dtoa is not always shortest)', () => {
  it('keeps grisu2 digits where they differ from the shortest', () => {
    expect(formatDouble(6210596.768377)).toBe('6.2105967683769995e+6');
    expect(formatDouble(378.8862912365)).toBe('378.88629123650003');
    expect(formatDouble(708656362208407.8)).toBe('708656362208407.7');
    expect(formatDouble(0.30000000000000004)).toBe('0.30000000000000004');
    expect(formatDouble(5e-324)).toBe('5e-324');
    expect(formatDouble(2.2250738585072014e-308)).toBe('2.2250738585072014e-308');
  });

  it('always round-trips', () => {
    const buf = new Float64Array(1);
    const u = new Uint32Array(buf.buffer);
    for (let i = 0; i < 20000; i++) {
      u[0] = (Math.random() * 2 ** 32) >>> 0;
      u[1] = (Math.random() * 0xffe00000) >>> 0;
      const d = buf[0]!;
      if (!Number.isFinite(d)) continue;
      expect(Number(formatDouble(d))).toBe(d);
    }
  });
});

describe('exact printf rounding', () => {
  it('rounds exact ties to even like glibc', () => {
    expect(formatDouble17g(1929377421321310.25)).toBe('1929377421321310.2');
    expect(formatDouble17g(-459563504991592.125)).toBe('-459563504991592.12');
    expect(formatFixed(-20732793858.796054840087890625, 17)).toBe('-20732793858.79605484008789062');
    expect(formatFixed(2 ** -18, 17)).toBe('0.00000381469726562');
    expect(formatFixed(0.5, 0)).toBe('0');
    expect(formatFixed(1.5, 0)).toBe('2');
    expect(formatFixed(1e22, 2)).toBe('10000000000000000000000.00');
    expect(formatFixed(-0, 3)).toBe('-0.000');
    expect(formatFixed(200, 6)).toBe('200.000000');
  });
});
