import type { Bytes } from './bytes.js';
import { ErrorReply } from './reply.js';
import { NOT_INTEGER, SYNTAX_ERROR } from './errors.js';
import { parseLong } from './number.js';
import { parseStrictInt } from './object.js';

export const INVALID_CURSOR = new ErrorReply('ERR invalid cursor');

export interface ScanOptions {
  cursor: bigint;
  match: Bytes | null;
  count: number;
  /** SCAN's TYPE filter (lower-case type name), null otherwise. */
  type: Bytes | null;
}

/**
 * Parses "cursor [MATCH pattern] [COUNT count] [TYPE type]" starting at argv[cursorIndex]
 * (scanGenericCommand's argument loop and errors).
 */
export function parseScanArgs(argv: Bytes[], cursorIndex: number, allowType: boolean): ScanOptions | ErrorReply {
  const c = argv[cursorIndex]!;
  const cursor = /^\d+$/.test(c) && c.length <= 20 ? BigInt(c) : null;
  if (cursor === null || cursor > 18446744073709551615n) {
    // Redis parses the cursor with strtoull: a negative or non-numeric cursor is invalid.
    if (parseStrictInt(c) === null || c.startsWith('-')) return INVALID_CURSOR;
  }
  const opts: ScanOptions = { cursor: cursor ?? 0n, match: null, count: 10, type: null };
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

/**
 * Cursor iteration over a Map with SCAN's guarantees: an element present for the whole
 * iteration is returned at least once, and a full iteration ends with cursor 0.
 *
 * A cursor names a snapshot of the keys taken when the iteration started plus a position
 * in it. Snapshots are kept for the most recent iterations; a cursor whose snapshot was
 * dropped restarts on a fresh snapshot (duplicates are allowed, skips are not).
 */
export class ScanCursors {
  private readonly snapshots = new Map<number, { keys: Bytes[]; owner: object }>();
  private nextId = 1;
  private static readonly MAX_SNAPSHOTS = 64;
  /** Positions are in the low 32 bits, snapshot ids above them. */
  private static readonly POSITION_BITS = 32n;

  scan<V>(owner: object, map: Map<Bytes, V>, cursor: bigint, count: number): { cursor: bigint; keys: Bytes[] } {
    let id = Number(cursor >> ScanCursors.POSITION_BITS);
    let pos = Number(cursor & 0xffffffffn);
    let snap = cursor === 0n ? undefined : this.snapshots.get(id);
    if (!snap || snap.owner !== owner) {
      id = this.nextId++;
      if (this.nextId > 0x7fffffff) this.nextId = 1;
      snap = { keys: [...map.keys()], owner };
      this.snapshots.set(id, snap);
      if (this.snapshots.size > ScanCursors.MAX_SNAPSHOTS) {
        this.snapshots.delete(this.snapshots.keys().next().value!);
      }
      pos = 0;
    } else {
      // Refresh recency.
      this.snapshots.delete(id);
      this.snapshots.set(id, snap);
    }
    const out: Bytes[] = [];
    const keys = snap.keys;
    while (pos < keys.length && out.length < count) {
      const k = keys[pos++]!;
      if (map.has(k)) out.push(k);
    }
    if (pos >= keys.length) {
      this.snapshots.delete(id);
      return { cursor: 0n, keys: out };
    }
    return { cursor: (BigInt(id) << ScanCursors.POSITION_BITS) | BigInt(pos), keys: out };
  }
}
