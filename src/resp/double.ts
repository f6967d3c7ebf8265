/**
 * Redis 7.2's d2string (util.c), used for every double reply:
 *  - nan / inf / -inf / 0 / -0 spelled out;
 *  - an integral value within ±2^62 printed as an integer (double2ll + ll2string);
 *  - anything else through fpconv_dtoa (deps/fpconv): grisu2's digits (nearly always the
 *    shortest round-trip ones), laid out by its emit_digits: plain integer when the exponent is small,
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

/**
 * fpconv_dtoa: grisu2 digits laid out by emit_digits. Grisu2 usually finds the shortest
 * round-trip digits (what toExponential() gives) but not always: about 0.1% of doubles come
 * out with a different last digit or 17 digits (6210596.768377 → "6210596.7683769995"), so
 * this is an exact port of Redis's deps/fpconv rather than toExponential().
 */
export function fpconvDtoa(d: number): string {
  const cached = DTOA_CACHE.get(d);
  if (cached !== undefined && !Object.is(d, -0)) return cached;
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  if (a === 0) return neg ? '-0' : '0';
  if (!Number.isFinite(a)) return (neg ? '-' : '') + (Number.isNaN(a) ? 'nan' : 'inf');
  const g = grisu2(a);
  const out = (neg ? '-' : '') + emitDigits(g.digits, g.K, neg);
  if (DTOA_CACHE.size >= 4096) DTOA_CACHE.clear();
  DTOA_CACHE.set(d, out);
  return out;
}

/** Recently formatted values (score replies repeat a lot); grisu2 in BigInt costs ~1-2 µs. */
const DTOA_CACHE = new Map<number, string>();

/** emit_digits: digits × 10^K as fpconv writes it. */
function emitDigits(digits: string, K: number, neg: boolean): string {
  let ndigits = digits.length;
  const exp = Math.abs(K + ndigits - 1);
  if (K >= 0 && exp < ndigits + 7) return digits + '0'.repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = ndigits - Math.abs(K);
    if (offset <= 0) return '0.' + '0'.repeat(-offset) + digits;
    return digits.slice(0, offset) + '.' + digits.slice(offset);
  }
  ndigits = Math.min(ndigits, 18 - (neg ? 1 : 0));
  return digits[0]! + (ndigits > 1 ? '.' + digits.slice(1, ndigits) : '') + 'e' + (K + ndigits - 1 < 0 ? '-' : '+') + String(exp);
}

// --- grisu2 (deps/fpconv/fpconv_dtoa.c), 64-bit arithmetic in BigInt -------------------------

const M64 = 0xffffffffffffffffn;
const FRACMASK = 0x000fffffffffffffn;
const HIDDENBIT = 0x0010000000000000n;
const EXPBIAS = 1023 + 52;

// fpconv_powers.h: normalized 64-bit approximations of 10^k, k = -348, -340, …, 340.
const POWERS_FRAC = [
  18054884314459144840n, 13451937075301367670n, 10022474136428063862n, 14934650266808366570n,
  11127181549972568877n, 16580792590934885855n, 12353653155963782858n, 18408377700990114895n,
  13715310171984221708n, 10218702384817765436n, 15227053142812498563n, 11345038669416679861n,
  16905424996341287883n, 12595523146049147757n, 9384396036005875287n, 13983839803942852151n,
  10418772551374772303n, 15525180923007089351n, 11567161174868858868n, 17236413322193710309n,
  12842128665889583758n, 9568131466127621947n, 14257626930069360058n, 10622759856335341974n,
  15829145694278690180n, 11793632577567316726n, 17573882009934360870n, 13093562431584567480n,
  9755464219737475723n, 14536774485912137811n, 10830740992659433045n, 16139061738043178685n,
  12024538023802026127n, 17917957937422433684n, 13349918974505688015n, 9946464728195732843n,
  14821387422376473014n, 11042794154864902060n, 16455045573212060422n, 12259964326927110867n,
  18268770466636286478n, 13611294676837538539n, 10141204801825835212n, 15111572745182864684n,
  11258999068426240000n, 16777216000000000000n, 12500000000000000000n, 9313225746154785156n,
  13877787807814456755n, 10339757656912845936n, 15407439555097886824n, 11479437019748901445n,
  17105694144590052135n, 12744735289059618216n, 9495567745759798747n, 14149498560666738074n,
  10542197943230523224n, 15709099088952724970n, 11704190886730495818n, 17440603504673385349n,
  12994262207056124023n, 9681479787123295682n, 14426529090290212157n, 10748601772107342003n,
  16016664761464807395n, 11933345169920330789n, 17782069995880619868n, 13248674568444952270n,
  9871031767461413346n, 14708983551653345445n, 10959046745042015199n, 16330252207878254650n,
  12166986024289022870n, 18130221999122236476n, 13508068024458167312n, 10064294952495520794n,
  14996968138956309548n, 11173611982879273257n, 16649979327439178909n, 12405201291620119593n,
  9242595204427927429n, 13772540099066387757n, 10261342003245940623n, 15290591125556738113n,
  11392378155556871081n, 16975966327722178521n, 12648080533535911531n,
];
const POWERS_EXP = [
  -1220, -1193, -1166, -1140, -1113, -1087, -1060, -1034, -1007, -980, -954, -927, -901, -874, -847, -821,
  -794, -768, -741, -715, -688, -661, -635, -608, -582, -555, -529, -502, -475, -449, -422, -396, -369, -343,
  -316, -289, -263, -236, -210, -183, -157, -130, -103, -77, -50, -24, 3, 30, 56, 83, 109, 136, 162, 189, 216,
  242, 269, 295, 322, 348, 375, 402, 428, 455, 481, 508, 534, 561, 588, 614, 641, 667, 694, 720, 747, 774, 800,
  827, 853, 880, 907, 933, 960, 986, 1013, 1039, 1066,
];
const TENS: bigint[] = [];
for (let i = 19; i >= 0; i--) TENS.push(10n ** BigInt(i));

interface Fp {
  frac: bigint;
  exp: number;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

function multiply(a: Fp, b: Fp): Fp {
  const lomask = 0xffffffffn;
  const ahBl = (a.frac >> 32n) * (b.frac & lomask);
  const alBh = (a.frac & lomask) * (b.frac >> 32n);
  const alBl = (a.frac & lomask) * (b.frac & lomask);
  const ahBh = (a.frac >> 32n) * (b.frac >> 32n);
  let tmp = (ahBl & lomask) + (alBh & lomask) + (alBl >> 32n);
  tmp += 1n << 31n;
  return { frac: (ahBh + (ahBl >> 32n) + (alBh >> 32n) + (tmp >> 32n)) & M64, exp: a.exp + b.exp + 64 };
}

function grisu2(d: number): { digits: string; K: number } {
  F64[0] = d;
  const bits = U64[0]!;
  let frac = bits & FRACMASK;
  let exp = Number((bits >> 52n) & 0x7ffn);
  if (exp) {
    frac += HIDDENBIT;
    exp -= EXPBIAS;
  } else {
    exp = -EXPBIAS + 1;
  }
  // get_normalized_boundaries
  let uFrac = (frac << 1n) + 1n;
  let uExp = exp - 1;
  while ((uFrac & (HIDDENBIT << 1n)) === 0n) {
    uFrac <<= 1n;
    uExp--;
  }
  uFrac = (uFrac << 10n) & M64;
  uExp -= 10;
  const lShift = frac === HIDDENBIT ? 2 : 1;
  let lFrac = (frac << BigInt(lShift)) - 1n;
  const lExp = exp - lShift;
  lFrac = (lFrac << BigInt(lExp - uExp)) & M64;
  // normalize(w)
  let wFrac = frac;
  let wExp = exp;
  while ((wFrac & HIDDENBIT) === 0n) {
    wFrac <<= 1n;
    wExp--;
  }
  wFrac = (wFrac << 11n) & M64;
  wExp -= 11;
  // find_cachedpow10
  const approx = Math.trunc(-(uExp + 87) * 0.30102999566398114);
  let idx = Math.trunc((approx + 348) / 8);
  for (;;) {
    const current = uExp + POWERS_EXP[idx]! + 64;
    if (current < -60) {
      idx++;
      continue;
    }
    if (current > -32) {
      idx--;
      continue;
    }
    break;
  }
  const cp: Fp = { frac: POWERS_FRAC[idx]!, exp: POWERS_EXP[idx]! };
  const k = -348 + idx * 8;
  const w = multiply({ frac: wFrac, exp: wExp }, cp);
  const upper = multiply({ frac: uFrac, exp: uExp }, cp);
  const lower = multiply({ frac: lFrac, exp: uExp }, cp);
  lower.frac = (lower.frac + 1n) & M64;
  upper.frac = (upper.frac - 1n) & M64;
  let K = -k;
  // generate_digits
  const wfrac = (upper.frac - w.frac) & M64;
  let delta = (upper.frac - lower.frac) & M64;
  const shift = BigInt(-upper.exp);
  const oneFrac = 1n << shift;
  let part1 = upper.frac >> shift;
  let part2 = upper.frac & (oneFrac - 1n);
  const digits: number[] = [];
  let kappa = 10;
  for (let di = 10; kappa > 0; di++) {
    const div = TENS[di]!;
    const digit = part1 / div;
    if (digit || digits.length) digits.push(Number(digit));
    part1 -= digit * div;
    kappa--;
    const tmp = ((part1 << shift) + part2) & M64;
    if (tmp <= delta) {
      K += kappa;
      roundDigit(digits, delta, tmp, (div << shift) & M64, wfrac);
      return { digits: digits.join(''), K };
    }
  }
  let unit = 18;
  for (;;) {
    part2 = (part2 * 10n) & M64;
    delta = (delta * 10n) & M64;
    kappa--;
    const digit = part2 >> shift;
    if (digit || digits.length) digits.push(Number(digit));
    part2 &= oneFrac - 1n;
    if (part2 < delta) {
      K += kappa;
      roundDigit(digits, delta, part2, oneFrac, (wfrac * TENS[unit]!) & M64);
      return { digits: digits.join(''), K };
    }
    unit--;
  }
}

function roundDigit(digits: number[], delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  while (rem < frac && delta - rem >= kappa && (rem + kappa < frac || frac - rem > rem + kappa - frac)) {
    digits[digits.length - 1]!--;
    rem += kappa;
  }
}

/** Exposed for tests: grisu2's digits and exponent for a positive finite double. */
export function grisu2Digits(d: number): { digits: string; K: number } {
  return grisu2(d);
}

/**
 * printf("%.17g") as Redis 7.0 and older used for doubles (replies, DEBUG DIGEST scores).
 */
export function formatDouble17g(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const neg = d < 0;
  const [sig, exp] = roundSignificant(Math.abs(d), 17);
  // %g strips trailing zeros.
  let digits = sig.replace(/0+$/, '');
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

// --- exact decimal rounding (printf's round-half-even on the exact binary value) ----------

const F64B = new Float64Array(1);
const U64B = new BigUint64Array(F64B.buffer);

/** |d| exactly as D × 10^-S (D without leading zeros). */
function exactDecimal(a: number): [string, number] {
  F64B[0] = a;
  const bits = U64B[0]!;
  const bexp = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e: number;
  if (bexp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = bexp - 1075;
  }
  if (e >= 0) return [(m << BigInt(e)).toString(), 0];
  return [(m * 5n ** BigInt(-e)).toString(), -e];
}

/** Rounds the digit string D, dropping `drop` trailing digits, half to even. */
function roundDigits(D: string, drop: number): string {
  if (drop <= 0) return D;
  const keep = D.slice(0, D.length - drop);
  const first = D.charCodeAt(D.length - drop) - 48;
  let up = first > 5;
  if (first === 5) {
    const rest = D.slice(D.length - drop + 1);
    up = /[1-9]/.test(rest) || (keep.length > 0 && (keep.charCodeAt(keep.length - 1) - 48) % 2 === 1);
  }
  if (!up) return keep === '' ? '0' : keep;
  return (BigInt(keep === '' ? '0' : keep) + 1n).toString().padStart(keep.length, '0');
}

/**
 * `n` significant digits of a positive finite double, rounded as printf does: returns the
 * digit string (exactly n digits) and the decimal exponent of its first digit.
 */
function roundSignificant(a: number, n: number): [string, number] {
  // Fast path: JS rounds exactly too, but breaks ties upward; a tie needs digit n+1 to be 5.
  const probe = a.toExponential(n);
  if (probe.charCodeAt(n + 1) !== 53 /* 5 */) {
    const e = a.toExponential(n - 1);
    const ePos = e.indexOf('e');
    return [e.slice(0, ePos).replace('.', ''), Number(e.slice(ePos + 1))];
  }
  const [D, S] = exactDecimal(a);
  let r = roundDigits(D, D.length - n);
  let exp = D.length - 1 - S;
  if (r.length > n) {
    r = r.slice(0, n);
    exp++;
  }
  return [r.padEnd(n, '0'), exp];
}

/** printf("%.{f}f") of a finite double, exactly (round half to even on the binary value). */
export function formatFixed(d: number, f: number): string {
  const neg = d < 0 || Object.is(d, -0);
  const a = Math.abs(d);
  let body: string;
  const probe = a < 1e20 ? a.toFixed(Math.min(f + 1, 100)) : '';
  if (probe !== '' && probe.charCodeAt(probe.length - 1) !== 53) {
    body = a.toFixed(f);
  } else {
    const [D, S] = exactDecimal(a);
    let digits: string;
    if (S <= f) digits = D + '0'.repeat(f - S);
    else digits = roundDigits(D, S - f);
    digits = digits.padStart(f + 1, '0');
    body = f > 0 ? digits.slice(0, digits.length - f) + '.' + digits.slice(digits.length - f) : digits;
  }
  return neg ? '-' + body : body;
}
