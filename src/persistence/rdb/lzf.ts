/**
 * LZF (liblzf, as Redis uses it for strings when rdbcompression is on).
 * Decompression returns null when the input does not decode to exactly `outLen` bytes.
 */
export function lzfDecompress(
  input: Uint8Array,
  outLen: number,
  scratch?: Buffer,
  start = 0,
  end = input.length,
): Buffer | null {
  // A back reference of 2-3 input bytes yields at most 264 output bytes: a larger claim is corrupt,
  // and refusing it keeps a flipped length from allocating gigabytes.
  if (outLen > (end - start) * 132 + 64) return null;
  // Validation-only callers pass a reusable scratch buffer (and a range of their own buffer)
  // to avoid allocations per string.
  const out = scratch && scratch.length >= outLen ? scratch : Buffer.allocUnsafe(outLen);
  let ip = start;
  let op = 0;
  const inLen = end;
  while (ip < inLen) {
    let ctrl = input[ip++]!;
    if (ctrl < 32) {
      // Literal run of ctrl + 1 bytes.
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inLen) return null;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++]!;
    } else {
      // Back reference: length in the top 3 bits (7 = extended), offset in 13 bits.
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= inLen) return null;
        len += input[ip++]!;
      }
      if (ip >= inLen) return null;
      ref -= input[ip++]!;
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      const distance = op - ref;
      if (distance === 1) {
        // A run of one byte (padding, zeros): memset instead of a byte loop.
        out.fill(out[ref]!, op, op + len);
        op += len;
      } else if (len >= 16 && distance >= len) {
        out.copyWithin(op, ref, ref + len);
        op += len;
      } else {
        for (let i = 0; i < len; i++) out[op++] = out[ref++]!;
      }
    }
  }
  return op === outLen ? out : null;
}

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const sharedHtab = new Int32Array(HSIZE);
let htabBase = 1;

/**
 * LZF compression (lzf_c.c, "very fast" variant without the hash chain). Returns null when
 * the output would not be smaller than `maxOut` bytes, as lzf_compress does.
 */
export function lzfCompress(input: Uint8Array, maxOut = input.length - 1): Buffer | null {
  const inLen = input.length;
  if (inLen < 4 || maxOut <= 0) return null;
  // One table for every call: an entry is `base + position`, and anything below this call's
  // base is empty. Clearing 256 KB per value would cost more than compressing a small one.
  if (htabBase + inLen + 1 >= 0x7fffffff) {
    sharedHtab.fill(0);
    htabBase = 1;
  }
  const base = htabBase;
  htabBase += inLen + 1;
  const htab = sharedHtab;
  const out = Buffer.allocUnsafe(maxOut + 8);
  let ip = 0;
  let op = 1; // the first literal-length byte is reserved at 0
  let lit = 0;
  let litStart = 0;
  /** Copies one input byte into the current literal run, closing the run when it is full. */
  const literal = (): boolean => {
    if (op >= maxOut) return false;
    lit++;
    out[op++] = input[ip++]!;
    if (lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1;
      lit = 0;
      litStart = op;
      op++;
    }
    return true;
  };
  const hash = (p: number) => {
    const v = (input[p]! << 16) | (input[p + 1]! << 8) | input[p + 2]!;
    return (((v >>> (3 * 8 - HLOG)) - v * 5) & (HSIZE - 1)) >>> 0;
  };
  while (ip < inLen - 2) {
    const h = hash(ip);
    const ref = htab[h]! - base;
    htab[h] = base + ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 && off < MAX_OFF && ref > 0 - 1 &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
    ) {
      let len = 2;
      const maxLen = Math.min(inLen - ip - len, MAX_REF);
      do len++;
      while (len < maxLen && input[ref + len] === input[ip + len]);
      if (op + 3 + 1 >= maxOut) return null;
      // Close the pending literal run.
      if (lit) out[litStart] = lit - 1;
      else op--;
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      litStart = op;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inLen - 2) break;
      // Index the bytes covered by the match (two positions, as lzf does).
      htab[hash(ip - 2)] = base + ip - 2;
      htab[hash(ip - 1)] = base + ip - 1;
    } else if (!literal()) {
      return null;
    }
  }
  while (ip < inLen) if (!literal()) return null;
  if (lit) out[litStart] = lit - 1;
  else op--;
  if (op > maxOut) return null;
  return out.subarray(0, op);
}
