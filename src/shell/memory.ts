import Table from 'cli-table3';
import { bytesToUtf8, type Bytes } from '../engine/bytes.js';
import type { Db } from '../engine/db.js';
import type { Engine } from '../engine/engine.js';
import type { RedisObject } from '../engine/object.js';
import { memoryModel } from '../commands/memory.js';
import { DEFAULT_SAMPLES, keyUsage } from '../memory/object.js';
import { repr } from '../cli/quoting.js';
import { humanBytes } from './files.js';

/**
 * :memory [N] — the N biggest keys of a database, sized as MEMORY USAGE key SAMPLES 0
 * sizes them (every element counted). Reads the keyspace without touching it.
 */

export const MEMORY_DEFAULT_N = 10;
const MAX_CELL = 60;

export interface KeySize {
  key: Bytes;
  type: string;
  encoding: string;
  bytes: number;
}

/** The n biggest live keys of `db`, biggest first (ties: key order). */
export function biggestKeys(engine: Engine, db: Db, n: number, now: number): KeySize[] {
  const m = memoryModel(engine);
  const top: KeySize[] = [];
  if (n <= 0) return top;
  for (const [key, o] of db.dict) {
    const when = db.expires.get(key);
    if (when !== undefined && when <= now) continue;
    const bytes = keyUsage(m, key, o, { samples: 0, limits: engine.config });
    if (top.length === n && bytes <= top[n - 1]!.bytes) continue;
    // Insertion into a short sorted array: O(N) per kept key, N is small.
    let i = top.length;
    while (i > 0 && top[i - 1]!.bytes < bytes) i--;
    top.splice(i, 0, { key, type: o.type, encoding: o.encoding, bytes });
    if (top.length > n) top.pop();
  }
  return top;
}

export function memoryTable(rows: readonly KeySize[]): string {
  const t = new Table({ head: ['#', 'key', 'type', 'encoding', 'bytes', ''], style: { head: [], border: [] } });
  rows.forEach((r, i) => {
    const k = repr(r.key);
    t.push([
      String(i + 1),
      bytesToUtf8(k.length > MAX_CELL ? k.slice(0, MAX_CELL - 1) + '…' : k),
      r.type,
      r.encoding,
      String(r.bytes),
      humanBytes(r.bytes),
    ]);
  });
  return t.toString();
}

/** What MEMORY USAGE key answers (default SAMPLES 5), without touching the key. */
export function memoryUsage(engine: Engine, key: Bytes, o: RedisObject): number {
  return keyUsage(memoryModel(engine), key, o, { samples: DEFAULT_SAMPLES, limits: engine.config });
}
