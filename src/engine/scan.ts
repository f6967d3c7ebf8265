import type { Bytes } from './bytes.js';
import { ErrorReply } from './reply.js';
import { NOT_INTEGER, SYNTAX_ERROR } from './errors.js';
import { parseLong } from './number.js';

export const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');

export interface ScanOptions {
  cursor: bigint;
  match: Bytes | null;
  count: number;
  /** SCAN's TYPE filter (lower-case type name), null otherwise. */
  type: Bytes | null;
}

const ULONG_RANGE = 18446744073709551616n; // 2^64

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * parseScanCursorOrReply: strtoul(cursor, &eptr, 10) refusing a leading space, trailing
 * garbage and ERANGE. So "" is 0, "+5" is 5, "-1" wraps to 2^64-1, and 2^64 is invalid.
 */
export function parseScanCursor(c: Bytes): bigint | null {
  const n = c.length;
  if (n === 0) return 0n; // no digits: eptr points at the terminator
  if (isSpace(c.charCodeAt(0))) return null;
  let i = 0;
  let neg = false;
  const first = c.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) {
    neg = first === 45;
    i = 1;
  }
  if (i === n) return null; // a lone sign: no conversion, eptr at the sign
  for (let j = i; j < n; j++) {
    const ch = c.charCodeAt(j);
    if (ch < 48 || ch > 57) return null;
  }
  const v = BigInt(c.slice(i));
  if (v >= ULONG_RANGE) return null;
  return neg ? (ULONG_RANGE - v) % ULONG_RANGE : v;
}

/**
 * Parses "cursor [MATCH pattern] [COUNT count] [TYPE type]" starting at argv[cursorIndex]
 * (parseScanCursorOrReply then scanGenericCommand's argument loop and errors).
 */
export function parseScanArgs(argv: Bytes[], cursorIndex: number, allowType: boolean): ScanOptions | ErrorReply {
  const cursor = parseScanCursor(argv[cursorIndex]!);
  if (cursor === null) return INVALID_CURSOR;
  const opts: ScanOptions = { cursor, match: null, count: 10, type: null };
  for (let i = cursorIndex + 1; i < argv.length; i += 2) {
    const opt = argv[i]!.toLowerCase();
    const remaining = argv.length - i - 1;
    if (opt === 'count' && remaining >= 1) {
      const n = parseLong(argv[i + 1]!);
      if (n === null) return NOT_INTEGER;
      if (n < 1) return SYNTAX_ERROR;
      opts.count = n;
    } else if (opt === 'match' && remaining >= 1) {
      const p = argv[i + 1]!;
      opts.match = p === '*' ? null : p;
    } else if (opt === 'type' && allowType && remaining >= 1) {
      opts.type = argv[i + 1]!.toLowerCase();
    } else {
      return SYNTAX_ERROR;
    }
  }
  return opts;
}

interface Iteration {
  owner: object;
  map: Map<Bytes, unknown>;
  it: Iterator<Bytes>;
  /** Calls answered so far; part of the cursor so a replayed cursor is detected. */
  step: number;
  /** One key read ahead to know whether the iteration is over. */
  pending: Bytes | undefined;
}

/**
 * Cursor iteration over a Map with SCAN's guarantees: an element present for the whole
 * iteration is returned at least once, and a full iteration ends with cursor 0. O(COUNT)
 * per call, as in Redis.
 *
 * A cursor names a live Map iterator (which stays valid across insertions, deletions and
 * rehashing, visiting every entry present throughout exactly once) plus the number of calls
 * made on it. A cursor that names no live iteration — never issued, evicted (only the most
 * recent iterations are kept), or replayed after the iteration moved on — restarts from the
 * beginning: duplicates are allowed, skips are not.
 */
export class ScanCursors {
  private readonly iterations = new Map<number, Iteration>();
  private nextId = 1;
  private static readonly MAX_ITERATIONS = 256;
  /** The call counter lives in the low bits, the iteration id above them. */
  private static readonly STEP_BITS = 20n;
  private static readonly STEP_MASK = (1 << 20) - 1;

  scan<V>(owner: object, map: Map<Bytes, V>, cursor: bigint, count: number): { cursor: bigint; keys: Bytes[] } {
    const id = Number(cursor >> ScanCursors.STEP_BITS);
    const step = Number(cursor & BigInt(ScanCursors.STEP_MASK));
    let iter = cursor === 0n ? undefined : this.iterations.get(id);
    let iterId = id;
    if (!iter || iter.owner !== owner || iter.map !== map || iter.step !== step) {
      if (iter) this.iterations.delete(id);
      iterId = this.nextId++;
      if (this.nextId > 0x7fffffff) this.nextId = 1;
      iter = { owner, map: map as Map<Bytes, unknown>, it: map.keys(), step: 0, pending: undefined };
    } else {
      this.iterations.delete(id); // re-inserted below: most recently used last
    }
    const out: Bytes[] = [];
    if (iter.pending !== undefined) {
      // Read ahead last time; it may have been deleted since.
      if (map.has(iter.pending)) out.push(iter.pending);
      iter.pending = undefined;
    }
    const it = iter.it;
    while (out.length < count) {
      const r = it.next();
      if (r.done) return { cursor: 0n, keys: out };
      out.push(r.value);
    }
    const r = it.next();
    if (r.done) return { cursor: 0n, keys: out };
    iter.pending = r.value;
    iter.step = (iter.step + 1) & ScanCursors.STEP_MASK;
    if (iter.step === 0) iter.step = 1;
    this.iterations.set(iterId, iter);
    if (this.iterations.size > ScanCursors.MAX_ITERATIONS) {
      this.iterations.delete(this.iterations.keys().next().value!);
    }
    return { cursor: (BigInt(iterId) << ScanCursors.STEP_BITS) | BigInt(iter.step), keys: out };
  }
}
