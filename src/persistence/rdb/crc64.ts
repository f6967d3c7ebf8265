/**
 * CRC-64/Jones as Redis computes it (crc64.c): polynomial 0xad93d23594c935a9, reflected,
 * initial value 0, no final xor. check("123456789") = 0xe9c6d914c4b8d9ca.
 * Kept as two 32-bit halves with slicing-by-8 tables so it runs without BigInt.
 */
const POLY_REFLECTED = 0x95ac9329ac4bc9b5n;

const TABLES_LO: Uint32Array[] = [];
const TABLES_HI: Uint32Array[] = [];

(function buildTables() {
  const lo0 = new Uint32Array(256);
  const hi0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = BigInt(n);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ POLY_REFLECTED : c >> 1n;
    lo0[n] = Number(c & 0xffffffffn);
    hi0[n] = Number(c >> 32n);
  }
  TABLES_LO.push(lo0);
  TABLES_HI.push(hi0);
  for (let t = 1; t < 8; t++) {
    const plo = TABLES_LO[t - 1]!;
    const phi = TABLES_HI[t - 1]!;
    const lo = new Uint32Array(256);
    const hi = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      // next = table0[prev & 0xff] ^ (prev >> 8)
      const pl = plo[n]!;
      const ph = phi[n]!;
      const idx = pl & 0xff;
      lo[n] = (lo0[idx]! ^ ((pl >>> 8) | (ph << 24))) >>> 0;
      hi[n] = (hi0[idx]! ^ (ph >>> 8)) >>> 0;
    }
    TABLES_LO.push(lo);
    TABLES_HI.push(hi);
  }
})();

/** Incremental CRC64; update() over consecutive chunks equals one pass over their concatenation. */
export class Crc64 {
  lo = 0;
  hi = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let lo = this.lo;
    let hi = this.hi;
    const [t0l, t1l, t2l, t3l, t4l, t5l, t6l, t7l] = TABLES_LO as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    const [t0h, t1h, t2h, t3h, t4h, t5h, t6h, t7h] = TABLES_HI as [Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array, Uint32Array];
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const a = (lo ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
      const b = (hi ^ (buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24))) >>> 0;
      lo = (t7l[a & 0xff]! ^ t6l[(a >>> 8) & 0xff]! ^ t5l[(a >>> 16) & 0xff]! ^ t4l[a >>> 24]! ^
        t3l[b & 0xff]! ^ t2l[(b >>> 8) & 0xff]! ^ t1l[(b >>> 16) & 0xff]! ^ t0l[b >>> 24]!) >>> 0;
      hi = (t7h[a & 0xff]! ^ t6h[(a >>> 8) & 0xff]! ^ t5h[(a >>> 16) & 0xff]! ^ t4h[a >>> 24]! ^
        t3h[b & 0xff]! ^ t2h[(b >>> 8) & 0xff]! ^ t1h[(b >>> 16) & 0xff]! ^ t0h[b >>> 24]!) >>> 0;
    }
    for (; i < end; i++) {
      const idx = (lo ^ buf[i]!) & 0xff;
      lo = (t0l[idx]! ^ ((lo >>> 8) | (hi << 24))) >>> 0;
      hi = (t0h[idx]! ^ (hi >>> 8)) >>> 0;
    }
    this.lo = lo;
    this.hi = hi;
    return this;
  }

  get value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The 8 bytes Redis stores after EOF (little-endian). */
  bytes(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }
}

export function crc64(buf: Uint8Array): bigint {
  return new Crc64().update(buf).value;
}
