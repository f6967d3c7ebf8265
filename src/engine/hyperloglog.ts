import type { Bytes } from './bytes.js';

/**
 * Redis's HyperLogLog (hyperloglog.c) with its exact byte layout, so that the string value
 * of an HLL key is the same bytes a real server would hold:
 *
 *   +------+---+-----+----------+
 *   | HYLL | E | N/U | Cardin.  |   16-byte header: magic, encoding (0 dense, 1 sparse),
 *   +------+---+-----+----------+   3 unused bytes, cached cardinality (uint64 LE; the
 *                                   top bit of the last byte set = cache invalid)
 *
 * Dense: 16384 registers of 6 bits, little-endian bit order inside bytes (12288 bytes).
 * Sparse: run-length opcodes ZERO (00xxxxxx: 1-64 zero registers), XZERO (01xxxxxx
 * yyyyyyyy: 1-16384 zero registers), VAL (1vvvvvxx: 1-4 registers of value 1-32).
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_BITS = 6;
export const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
const ALPHA_INF = 0.721347520444481703680; // 0.5/ln(2)

/** A HyperLogLog being edited: bytes [0, n) of `b` (b may have spare capacity). */
export interface HllBuf {
  b: Buffer;
  n: number;
}

// --- MurmurHash64A -----------------------------------------------------------------------

/** Low 64 bits of (aH:aL) * (bH:bL), as [hi, lo] unsigned 32-bit halves. */
function mul64(aH: number, aL: number, bH: number, bL: number): [number, number] {
  const a0 = aL & 0xffff;
  const a1 = aL >>> 16;
  const b0 = bL & 0xffff;
  const b1 = bL >>> 16;
  const p00 = a0 * b0;
  const mid = a0 * b1 + a1 * b0; // < 2^33
  const lo = p00 + (mid % 65536) * 65536; // < 2^33
  const lo32 = lo >>> 0;
  const carry = Math.floor(lo / 4294967296);
  const hi = a1 * b1 + Math.floor(mid / 65536) + carry;
  const hi32 = (hi + Math.imul(aH, bL) + Math.imul(aL, bH)) >>> 0;
  return [hi32, lo32];
}

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** MurmurHash64A(key, len, seed) as [hi, lo] unsigned 32-bit halves (little-endian reads). */
export function murmurHash64A(key: Bytes, seed: number): [number, number] {
  const len = key.length;
  // h = seed ^ (len * m)
  let [hH, hL] = mul64(0, len >>> 0, M_HI, M_LO);
  hL = (hL ^ seed) >>> 0;
  const nblocks = len - (len & 7);
  for (let i = 0; i < nblocks; i += 8) {
    let kL =
      (key.charCodeAt(i) | (key.charCodeAt(i + 1) << 8) | (key.charCodeAt(i + 2) << 16) | (key.charCodeAt(i + 3) << 24)) >>> 0;
    let kH =
      (key.charCodeAt(i + 4) | (key.charCodeAt(i + 5) << 8) | (key.charCodeAt(i + 6) << 16) | (key.charCodeAt(i + 7) << 24)) >>> 0;
    [kH, kL] = mul64(kH, kL, M_HI, M_LO);
    // k ^= k >> 47
    kL = (kL ^ (kH >>> 15)) >>> 0;
    [kH, kL] = mul64(kH, kL, M_HI, M_LO);
    hH = (hH ^ kH) >>> 0;
    hL = (hL ^ kL) >>> 0;
    [hH, hL] = mul64(hH, hL, M_HI, M_LO);
  }
  const rem = len & 7;
  if (rem > 0) {
    const d = nblocks;
    if (rem >= 7) hH = (hH ^ (key.charCodeAt(d + 6) << 16)) >>> 0;
    if (rem >= 6) hH = (hH ^ (key.charCodeAt(d + 5) << 8)) >>> 0;
    if (rem >= 5) hH = (hH ^ key.charCodeAt(d + 4)) >>> 0;
    if (rem >= 4) hL = (hL ^ (key.charCodeAt(d + 3) << 24)) >>> 0;
    if (rem >= 3) hL = (hL ^ (key.charCodeAt(d + 2) << 16)) >>> 0;
    if (rem >= 2) hL = (hL ^ (key.charCodeAt(d + 1) << 8)) >>> 0;
    hL = (hL ^ key.charCodeAt(d)) >>> 0;
    [hH, hL] = mul64(hH, hL, M_HI, M_LO);
  }
  hL = (hL ^ (hH >>> 15)) >>> 0;
  [hH, hL] = mul64(hH, hL, M_HI, M_LO);
  hL = (hL ^ (hH >>> 15)) >>> 0;
  return [hH, hL];
}

const HASH_SEED = 0xadc83b19;

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** hllPatLen: the register index and the run length of zeros + 1 for an element. */
export function hllPatLen(ele: Bytes): { index: number; count: number } {
  const [hi, lo] = murmurHash64A(ele, HASH_SEED);
  const index = lo & (HLL_REGISTERS - 1);
  // hash >>= P; hash |= 1 << Q; count = trailing zeros + 1.
  const low = ((lo >>> HLL_P) | ((hi & 0x3fff) << (32 - HLL_P))) >>> 0;
  const high = hi >>> HLL_P; // bits 32..49 of the shifted hash
  let count: number;
  if (low !== 0) count = ctz32(low) + 1;
  else if (high !== 0) count = 32 + ctz32(high) + 1;
  else count = HLL_Q + 1;
  return { index, count };
}

// --- registers --------------------------------------------------------------------------

export function denseGet(b: Uint8Array, regnum: number): number {
  const pos = regnum * HLL_BITS;
  const byte = HLL_HDR_SIZE + (pos >>> 3);
  const fb = pos & 7;
  const b0 = b[byte]!;
  const b1 = byte + 1 < b.length ? b[byte + 1]! : 0;
  return ((b0 >> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSetRaw(b: Uint8Array, regnum: number, val: number): void {
  const pos = regnum * HLL_BITS;
  const byte = HLL_HDR_SIZE + (pos >>> 3);
  const fb = pos & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte]! & ~(HLL_REGISTER_MAX << fb)) | ((val << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = (b[byte + 1]! & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
}

/** hllDenseSet: 1 when the register grew. */
function denseSet(b: Uint8Array, index: number, count: number): number {
  if (count > denseGet(b, index)) {
    denseSetRaw(b, index, count);
    return 1;
  }
  return 0;
}

const isZero = (op: number) => (op & 0xc0) === 0;
const isXzero = (op: number) => (op & 0xc0) === 0x40;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const xzeroLen = (op: number, op2: number) => (((op & 0x3f) << 8) | op2) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 0x3) + 1;
const valOp = (val: number, len: number) => (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;

/** createHLLObject: an empty sparse HLL (one XZERO covering every register). */
export function createHll(): HllBuf {
  const n = HLL_HDR_SIZE + 2;
  const b = Buffer.alloc(n);
  b.write('HYLL', 0, 'latin1');
  b[4] = HLL_SPARSE;
  const l = HLL_REGISTERS - 1;
  b[HLL_HDR_SIZE] = (l >> 8) | 0x40;
  b[HLL_HDR_SIZE + 1] = l & 0xff;
  return { b, n };
}

/** isHLLObjectOrReply's checks on the bytes of a string (int-encoded strings fail earlier). */
export function isValidHll(b: Uint8Array, n: number): boolean {
  if (n < HLL_HDR_SIZE) return false;
  if (b[0] !== 72 || b[1] !== 89 || b[2] !== 76 || b[3] !== 76) return false; // HYLL
  const enc = b[4]!;
  if (enc > HLL_MAX_ENCODING) return false;
  if (enc === HLL_DENSE && n !== HLL_DENSE_SIZE) return false;
  return true;
}

export function invalidateCache(b: Uint8Array): void {
  b[15] = b[15]! | 0x80;
}

export function cacheValid(b: Uint8Array): boolean {
  return (b[15]! & 0x80) === 0;
}

/** hllSparseToDense: the dense bytes (header copied), or null for a corrupt sparse HLL. */
export function sparseToDense(h: HllBuf): HllBuf | null {
  const { b, n } = h;
  if (b[4] === HLL_DENSE) return h;
  const d = Buffer.alloc(HLL_DENSE_SIZE);
  b.copy(d, 0, 0, HLL_HDR_SIZE);
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < n) {
    const op = b[p]!;
    if (isZero(op)) {
      idx += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      idx += xzeroLen(op, p + 1 < n ? b[p + 1]! : 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + idx > HLL_REGISTERS) break;
      while (runlen--) denseSetRaw(d, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return null;
  return { b: d, n: HLL_DENSE_SIZE };
}

/** Makes room for `extra` more bytes at the end of a sparse buffer. */
function reserve(h: HllBuf, extra: number): void {
  if (h.n + extra <= h.b.length) return;
  const nb = Buffer.alloc(Math.max(h.n + extra, h.n * 2));
  h.b.copy(nb, 0, 0, h.n);
  h.b = nb;
}

/**
 * hllSparseSet: sets register `index` to `count` if greater. Returns 1 when updated, 0 when
 * not, -1 for a corrupt HLL. May promote `h` to dense (count > 32 or past `maxBytes`).
 */
export function sparseSet(h: HllBuf, index: number, count: number, maxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  reserve(h, 3);
  const b = h.b;
  const sparse = HLL_HDR_SIZE;
  let end = h.n;
  let p = sparse;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p]!;
    let oplen = 1;
    if (isZero(op)) span = zeroLen(op);
    else if (!isXzero(op)) span = valLen(op);
    else {
      span = xzeroLen(op, p + 1 < end ? b[p + 1]! : 0);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p]!;
  let next = isXzero(op) ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const opIsZero = isZero(op);
  const opIsXzero = isXzero(op);
  const opIsVal = !opIsZero && !opIsXzero;
  const runlen = opIsZero ? zeroLen(op) : opIsXzero ? xzeroLen(op, p + 1 < end ? b[p + 1]! : 0) : valLen(op);

  updated: {
    if (opIsVal) {
      const oldcount = valValue(op);
      if (oldcount >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        break updated;
      }
    }
    if (opIsZero && runlen === 1) {
      b[p] = valOp(count, 1);
      break updated;
    }
    // General case: split the opcode into up to three.
    const seq: number[] = [];
    const last = first + span - 1;
    if (opIsZero || opIsXzero) {
      if (index !== first) {
        const len = index - first;
        if (len > SPARSE_ZERO_MAX_LEN) {
          const l = len - 1;
          seq.push((l >> 8) | 0x40, l & 0xff);
        } else {
          seq.push(len - 1);
        }
      }
      seq.push(valOp(count, 1));
      if (index !== last) {
        const len = last - index;
        if (len > SPARSE_ZERO_MAX_LEN) {
          const l = len - 1;
          seq.push((l >> 8) | 0x40, l & 0xff);
        } else {
          seq.push(len - 1);
        }
      }
    } else {
      const curval = valValue(op);
      if (index !== first) seq.push(valOp(curval, index - first));
      seq.push(valOp(count, 1));
      if (index !== last) seq.push(valOp(curval, last - index));
    }
    const seqlen = seq.length;
    const oldlen = opIsXzero ? 2 : 1;
    const deltalen = seqlen - oldlen;
    if (deltalen > 0 && h.n + deltalen > maxBytes) return promote(h, index, count);
    if (deltalen !== 0 && next !== -1) b.copyWithin(next + deltalen, next, end);
    h.n += deltalen;
    for (let k = 0; k < seqlen; k++) b[p + k] = seq[k]!;
    end += deltalen;
  }

  // Merge adjacent VAL opcodes with the same value where the run fits.
  p = prev !== -1 ? prev : sparse;
  let scanlen = 5;
  while (p < end && scanlen--) {
    const op1 = b[p]!;
    if (isXzero(op1)) {
      p += 2;
      continue;
    } else if (isZero(op1)) {
      p++;
      continue;
    }
    if (p + 1 < end) {
      const op2 = b[p + 1]!;
      if (!isZero(op2) && !isXzero(op2)) {
        const v1 = valValue(op1);
        const v2 = valValue(op2);
        if (v1 === v2) {
          const len = valLen(op1) + valLen(op2);
          if (len <= SPARSE_VAL_MAX_LEN) {
            b[p + 1] = valOp(v1, len);
            b.copyWithin(p, p + 1, end);
            end--;
            h.n--;
            b[end] = 0;
            continue;
          }
        }
      }
    }
    p++;
  }
  invalidateCache(b);
  return 1;
}

function promote(h: HllBuf, index: number, count: number): number {
  const d = sparseToDense(h);
  if (d === null) return -1;
  h.b = d.b;
  h.n = d.n;
  denseSetRaw(h.b, index, count);
  return 1;
}

/** hllAdd: 1 if a register changed, 0 if not, -1 for an invalid representation. */
export function hllAdd(h: HllBuf, ele: Bytes, maxBytes: number): number {
  const { index, count } = hllPatLen(ele);
  const enc = h.b[4];
  if (enc === HLL_DENSE) return denseSet(h.b, index, count);
  if (enc === HLL_SPARSE) return sparseSet(h, index, count, maxBytes);
  return -1;
}

/** Sets register `index` to `count` if greater, whatever the encoding (PFMERGE). */
export function hllSetRegister(h: HllBuf, index: number, count: number, maxBytes: number): number {
  if (h.b[4] === HLL_DENSE) return denseSet(h.b, index, count);
  return sparseSet(h, index, count, maxBytes);
}

/** hllMerge: max[i] = MAX(max[i], register i). False for a corrupt sparse HLL. */
export function hllMerge(max: Uint8Array, h: HllBuf): boolean {
  const { b, n } = h;
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(b, i);
      if (v > max[i]!) max[i] = v;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < n) {
    const op = b[p]!;
    if (isZero(op)) {
      i += zeroLen(op);
      p++;
    } else if (isXzero(op)) {
      i += xzeroLen(op, p + 1 < n ? b[p + 1]! : 0);
      p += 2;
    } else {
      let runlen = valLen(op);
      const regval = valValue(op);
      if (runlen + i > HLL_REGISTERS) break;
      while (runlen--) {
        if (regval > max[i]!) max[i] = regval;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** The cardinality estimate from a register histogram (Ertl's improved estimator). */
function countFromHisto(reghisto: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - reghisto[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += reghisto[j]!;
    z *= 0.5;
  }
  z += m * hllSigma(reghisto[0]! / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** hllCount of a stored HLL; null when a sparse one is corrupt. */
export function hllCount(h: HllBuf): number | null {
  const reghisto = new Int32Array(64);
  const { b, n } = h;
  if (b[4] === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) reghisto[denseGet(b, i)]!++;
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < n) {
      const op = b[p]!;
      if (isZero(op)) {
        const r = zeroLen(op);
        idx += r;
        reghisto[0]! += r;
        p++;
      } else if (isXzero(op)) {
        const r = xzeroLen(op, p + 1 < n ? b[p + 1]! : 0);
        idx += r;
        reghisto[0]! += r;
        p += 2;
      } else {
        const r = valLen(op);
        idx += r;
        reghisto[valValue(op)]! += r;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return null;
  }
  return countFromHisto(reghisto);
}

/** hllCount of the internal raw form (one byte per register), as PFCOUNT of several keys uses. */
export function hllCountRaw(registers: Uint8Array): number {
  const reghisto = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) reghisto[registers[i]!]!++;
  return countFromHisto(reghisto);
}

/** Reads the cached cardinality (the header must say it is valid). */
export function readCachedCard(b: Uint8Array): number {
  let card = 0;
  for (let i = 7; i >= 0; i--) card = card * 256 + b[8 + i]!;
  return card;
}

export function writeCachedCard(b: Uint8Array, card: number): void {
  let c = card;
  for (let i = 0; i < 8; i++) {
    b[8 + i] = c % 256;
    c = Math.floor(c / 256);
  }
}

/** PFDEBUG DECODE's text for a sparse HLL. */
export function decodeSparse(h: HllBuf): string {
  const { b, n } = h;
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < n) {
    const op = b[p]!;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${xzeroLen(op, p + 1 < n ? b[p + 1]! : 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}

export const HLL_SPARSE_XZERO_MAX_LEN = SPARSE_XZERO_MAX_LEN;
