/**
 * Stream IDs (Redis's streamID: two unsigned 64-bit integers) and an ordered map keyed by
 * them, used for stream consumer-group PELs (Redis uses a rax keyed by the 128-bit
 * big-endian ID).
 */

export const U64_MAX = 0xffffffffffffffffn;

export interface StreamID {
  readonly ms: bigint;
  readonly seq: bigint;
}

export const MIN_ID: StreamID = Object.freeze({ ms: 0n, seq: 0n });
export const MAX_ID: StreamID = Object.freeze({ ms: U64_MAX, seq: U64_MAX });

export function sid(ms: bigint, seq: bigint): StreamID {
  return { ms, seq };
}

export function compareId(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function idIsZero(a: StreamID): boolean {
  return a.ms === 0n && a.seq === 0n;
}

/** streamIncrID: the successor, or null when `id` is the last possible ID (Redis wraps to 0-0 and fails). */
export function incrId(id: StreamID): StreamID | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: id.ms + 1n, seq: 0n };
  }
  return { ms: id.ms, seq: id.seq + 1n };
}

/** streamDecrID: the predecessor, or null when `id` is 0-0. */
export function decrId(id: StreamID): StreamID | null {
  if (id.seq === 0n) {
    if (id.ms === 0n) return null;
    return { ms: id.ms - 1n, seq: U64_MAX };
  }
  return { ms: id.ms, seq: id.seq - 1n };
}

export function idToString(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

/** The 16-byte big-endian form Redis uses as rax key (as a latin1 string). */
export function idToKey(id: StreamID): string {
  let s = '';
  for (const part of [id.ms, id.seq]) {
    for (let shift = 56n; shift >= 0n; shift -= 8n) s += String.fromCharCode(Number((part >> shift) & 0xffn));
  }
  return s;
}

const CHUNK = 64;

interface Chunk<V> {
  keys: StreamID[];
  vals: V[];
}

/**
 * Ordered map StreamID → V: a list of sorted chunks of at most 64 keys, so lookups are
 * O(log n) and inserts/deletes move at most one chunk's worth of elements.
 */
export class IdMap<V> {
  private chunks: Chunk<V>[] = [];
  size = 0;

  /** Index of the first chunk whose last key is >= id (chunks.length if none). */
  private chunkFor(id: StreamID): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const c = chunks[mid]!;
      if (compareId(c.keys[c.keys.length - 1]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private static lowerBound(keys: StreamID[], id: StreamID): number {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareId(keys[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamID): V | undefined {
    const ci = this.chunkFor(id);
    const c = this.chunks[ci];
    if (!c) return undefined;
    const i = IdMap.lowerBound(c.keys, id);
    return i < c.keys.length && compareId(c.keys[i]!, id) === 0 ? c.vals[i] : undefined;
  }

  has(id: StreamID): boolean {
    return this.get(id) !== undefined;
  }

  /** Inserts or replaces; returns true when the key was new. */
  set(id: StreamID, v: V): boolean {
    const chunks = this.chunks;
    if (chunks.length === 0) {
      chunks.push({ keys: [id], vals: [v] });
      this.size = 1;
      return true;
    }
    let ci = this.chunkFor(id);
    if (ci === chunks.length) ci--; // beyond the last key: append to the last chunk
    const c = chunks[ci]!;
    const i = IdMap.lowerBound(c.keys, id);
    if (i < c.keys.length && compareId(c.keys[i]!, id) === 0) {
      c.vals[i] = v;
      return false;
    }
    c.keys.splice(i, 0, id);
    c.vals.splice(i, 0, v);
    this.size++;
    if (c.keys.length > CHUNK * 2) {
      const half = c.keys.length >> 1;
      chunks.splice(ci + 1, 0, { keys: c.keys.splice(half), vals: c.vals.splice(half) });
    }
    return true;
  }

  delete(id: StreamID): boolean {
    const ci = this.chunkFor(id);
    const c = this.chunks[ci];
    if (!c) return false;
    const i = IdMap.lowerBound(c.keys, id);
    if (i >= c.keys.length || compareId(c.keys[i]!, id) !== 0) return false;
    c.keys.splice(i, 1);
    c.vals.splice(i, 1);
    this.size--;
    if (c.keys.length === 0) this.chunks.splice(ci, 1);
    return true;
  }

  /** The first entry with key >= id. */
  ceil(id: StreamID): [StreamID, V] | undefined {
    const ci = this.chunkFor(id);
    const c = this.chunks[ci];
    if (!c) return undefined;
    const i = IdMap.lowerBound(c.keys, id);
    return [c.keys[i]!, c.vals[i]!];
  }

  first(): [StreamID, V] | undefined {
    const c = this.chunks[0];
    return c ? [c.keys[0]!, c.vals[0]!] : undefined;
  }

  last(): [StreamID, V] | undefined {
    const c = this.chunks[this.chunks.length - 1];
    return c ? [c.keys[c.keys.length - 1]!, c.vals[c.vals.length - 1]!] : undefined;
  }

  /** Ascending iteration from `from` (inclusive). Do not mutate the map while iterating. */
  *entries(from?: StreamID): Generator<[StreamID, V]> {
    let ci = from ? this.chunkFor(from) : 0;
    let i = from && this.chunks[ci] ? IdMap.lowerBound(this.chunks[ci]!.keys, from) : 0;
    for (; ci < this.chunks.length; ci++, i = 0) {
      const c = this.chunks[ci]!;
      for (; i < c.keys.length; i++) yield [c.keys[i]!, c.vals[i]!];
    }
  }

  clear(): void {
    this.chunks = [];
    this.size = 0;
  }
}
