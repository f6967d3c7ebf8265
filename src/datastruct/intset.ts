/**
 * Redis's intset (intset.c): a sorted array of distinct 64-bit integers stored at the
 * narrowest width (2, 4 or 8 bytes) that fits every value ever added. Adding a wider value
 * upgrades the whole array; removing never downgrades (as in Redis, where the width is part
 * of the blob that MEMORY USAGE and RDB see). Lookups are binary searches.
 *
 * Values are passed as JS numbers when they are safe integers and as bigints otherwise
 * (either form is accepted everywhere); 16/32-bit sets hand back numbers, 64-bit sets
 * hand back numbers when safe and bigints beyond ±2^53.
 */

export type IntsetWidth = 2 | 4 | 8;
export type IntValue = number | bigint;

const INT16_MIN = -32768;
const INT16_MAX = 32767;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** _intsetValueEncoding: the width a value needs. */
export function intsetValueWidth(v: IntValue): IntsetWidth {
  if (typeof v === 'bigint') {
    if (v < -2147483648n || v > 2147483647n) return 8;
    v = Number(v);
  }
  if (v < INT32_MIN || v > INT32_MAX) return 8;
  if (v < INT16_MIN || v > INT16_MAX) return 4;
  return 2;
}

type Store = Int16Array | Int32Array | BigInt64Array;

function makeStore(width: IntsetWidth, capacity: number): Store {
  if (width === 2) return new Int16Array(capacity);
  if (width === 4) return new Int32Array(capacity);
  return new BigInt64Array(capacity);
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = -SAFE_MAX;

function toPublic(v: bigint): IntValue {
  return v <= SAFE_MAX && v >= SAFE_MIN ? Number(v) : v;
}

export class Intset {
  private store: Store;
  private len = 0;
  private width: IntsetWidth;

  constructor(width: IntsetWidth = 2, capacity = 4) {
    this.width = width;
    this.store = makeStore(width, Math.max(capacity, 1));
  }

  /** Builds from values in any order (duplicates dropped), width fitting them or `minWidth`. */
  static from(values: Iterable<IntValue>, minWidth: IntsetWidth = 2): Intset {
    const is = new Intset(minWidth);
    for (const v of values) is.add(v);
    return is;
  }

  /** Bytes per element: 2, 4 or 8 (INTSET_ENC_INT16/32/64). */
  get encoding(): IntsetWidth {
    return this.width;
  }

  get length(): number {
    return this.len;
  }

  /** intsetBlobLen: header (encoding + length, 8 bytes) plus the elements. */
  get blobLength(): number {
    return 8 + this.len * this.width;
  }

  get(i: number): IntValue {
    const v = this.store[i]!;
    return typeof v === 'bigint' ? toPublic(v) : v;
  }

  min(): IntValue {
    return this.get(0);
  }

  max(): IntValue {
    return this.get(this.len - 1);
  }

  random(): IntValue {
    return this.get(Math.floor(Math.random() * this.len));
  }

  /** Binary search: index of v, or -(insertion point) - 1. */
  private search(v: IntValue): number {
    const s = this.store;
    let lo = 0;
    let hi = this.len - 1;
    if (this.width === 8) {
      const b = typeof v === 'bigint' ? v : BigInt(v);
      const arr = s as BigInt64Array;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const x = arr[mid]!;
        if (x < b) lo = mid + 1;
        else if (x > b) hi = mid - 1;
        else return mid;
      }
      return -lo - 1;
    }
    const n = typeof v === 'bigint' ? Number(v) : v;
    const arr = s as Int16Array | Int32Array;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = arr[mid]!;
      if (x < n) lo = mid + 1;
      else if (x > n) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  has(v: IntValue): boolean {
    if (this.len === 0) return false;
    if (intsetValueWidth(v) > this.width) return false;
    return this.search(v) >= 0;
  }

  /** intsetAdd: true when added, false when already present. */
  add(v: IntValue): boolean {
    const w = intsetValueWidth(v);
    if (w > this.width) {
      this.upgrade(w);
      // A value that needed the upgrade is beyond every current member: first or last.
      const neg = typeof v === 'bigint' ? v < 0n : v < 0;
      this.insertAt(neg ? 0 : this.len, v);
      return true;
    }
    const pos = this.len === 0 ? -1 : this.search(v);
    if (pos >= 0) return false;
    this.insertAt(-pos - 1, v);
    return true;
  }

  /** intsetRemove: true when removed. Never downgrades the width. */
  remove(v: IntValue): boolean {
    if (this.len === 0 || intsetValueWidth(v) > this.width) return false;
    const pos = this.search(v);
    if (pos < 0) return false;
    this.store.copyWithin(pos, pos + 1, this.len);
    this.len--;
    return true;
  }

  *values(): IterableIterator<IntValue> {
    for (let i = 0; i < this.len; i++) yield this.get(i);
  }

  clone(): Intset {
    const c = new Intset(this.width, this.len);
    (c.store as Int32Array).set(this.store.subarray(0, this.len) as Int32Array);
    c.len = this.len;
    return c;
  }

  private upgrade(width: IntsetWidth): void {
    const next = makeStore(width, Math.max(this.len + 1, this.store.length));
    const cur = this.store;
    if (width === 8) {
      const dst = next as BigInt64Array;
      if (cur instanceof BigInt64Array) dst.set(cur.subarray(0, this.len));
      else for (let i = 0; i < this.len; i++) dst[i] = BigInt(cur[i]!);
    } else {
      (next as Int32Array).set((cur as Int16Array).subarray(0, this.len));
    }
    this.store = next;
    this.width = width;
  }

  private insertAt(pos: number, v: IntValue): void {
    if (this.len === this.store.length) {
      const bigger = makeStore(this.width, this.store.length * 2);
      (bigger as Int32Array).set(this.store as Int32Array);
      this.store = bigger;
    }
    const s = this.store;
    if (pos < this.len) s.copyWithin(pos + 1, pos, this.len);
    if (this.width === 8) (s as BigInt64Array)[pos] = typeof v === 'bigint' ? v : BigInt(v);
    else (s as Int32Array)[pos] = Number(v);
    this.len++;
  }
}
