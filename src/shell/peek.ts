import Table from 'cli-table3';
import { bytesToUtf8, type Bytes } from '../engine/bytes.js';
import type { Db } from '../engine/db.js';
import type { RedisObject } from '../engine/object.js';
import type { HashObject } from '../engine/types/hash.js';
import type { ListObject } from '../engine/types/list.js';
import type { SetObject } from '../engine/types/set.js';
import type { StreamObject } from '../engine/types/stream.js';
import type { StringObject } from '../engine/types/string.js';
import type { ZSetObject } from '../engine/types/zset.js';
import { formatDouble } from '../resp/double.js';
import { repr } from '../cli/quoting.js';

/**
 * :peek KEY — a key at a glance: type, encoding, TTL, length and its first elements, as a
 * table. Reads the keyspace without touching it (no LRU update, no lazy expiry, no stats).
 */

export const PEEK_ELEMENTS = 10;
const MAX_CELL = 60;

function cell(b: Bytes): string {
  const r = repr(b);
  return r.length > MAX_CELL ? r.slice(0, MAX_CELL - 1) + '…' : r;
}

function table(head?: string[]): InstanceType<typeof Table> {
  return new Table({
    head: head ?? [],
    style: { head: [], border: [], compact: false },
  });
}

function take<T>(it: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  if (n <= 0) return out;
  for (const x of it) {
    out.push(x);
    if (out.length >= n) break;
  }
  return out;
}

function lengthOf(o: RedisObject): number {
  switch (o.type) {
    case 'string': return (o as StringObject).value.length;
    case 'list': return (o as ListObject).length;
    case 'set': return (o as SetObject).size;
    case 'zset': return (o as ZSetObject).size;
    case 'hash': return (o as HashObject).size;
    case 'stream': return (o as StreamObject).length;
  }
}

function elements(o: RedisObject, n: number, now: number): { head: string[]; rows: string[][] } {
  switch (o.type) {
    case 'string':
      return { head: ['value'], rows: [[cell((o as StringObject).value)]] };
    case 'list':
      return { head: ['#', 'element'], rows: take((o as ListObject).items(), n).map((v, i) => [String(i), cell(v)]) };
    case 'set':
      return { head: ['member'], rows: take((o as SetObject).members(), n).map((v) => [cell(v)]) };
    case 'zset':
      return {
        head: ['member', 'score'],
        rows: take((o as ZSetObject).entries(), n).map(([m, s]) => [cell(m), formatDouble(s)]),
      };
    case 'hash': {
      const h = o as HashObject;
      const rows = take(h.entries(), n);
      // Fields with their own TTL (Redis 7.4): a third column says how long each has left.
      if (!h.ttls?.size) return { head: ['field', 'value'], rows: rows.map(([f, v]) => [cell(f), cell(v)]) };
      return { head: ['field', 'value', 'ttl'], rows: rows.map(([f, v]) => [cell(f), cell(v), remaining(h.ttlOf(f), now)]) };
    }
    case 'stream':
      return {
        head: ['id', 'fields'],
        rows: take((o as StreamObject).entries(), n).map((e) => [`${e.ms}-${e.seq}`, e.fields.map(cell).join(' ')]),
      };
  }
}

/** Time left before an absolute expiry (ms), as :peek shows it; 'none' without one. */
function remaining(when: number | undefined, now: number): string {
  if (when === undefined) return 'none';
  const ms = Math.max(0, when - now);
  return ms >= 1000 ? `${(ms / 1000).toFixed(3)} s` : `${ms} ms`;
}

/**
 * The :peek text for `key`, or null when the key does not exist. `usage` sizes the key
 * (what MEMORY USAGE answers); the row is left out without it.
 */
export function peek(
  db: Db,
  key: Bytes,
  now: number,
  n = PEEK_ELEMENTS,
  usage?: (key: Bytes, o: RedisObject) => number,
): string | null {
  const o = db.dict.get(key);
  if (o === undefined) return null;
  const when = db.expires.get(key);
  if (when !== undefined && when <= now) return null;
  const len = lengthOf(o);
  const info = table();
  info.push(
    { key: bytesToUtf8(cell(key)) } as never,
    { type: o.type } as never,
    { encoding: o.encoding } as never,
    { ttl: remaining(db.expires.get(key), now) } as never,
    { length: String(len) } as never,
  );
  if (usage) info.push({ memory: `${usage(key, o)} bytes` } as never);
  const { head, rows } = elements(o, n, now);
  const els = table(head);
  for (const r of rows) els.push(r);
  let out = info.toString() + '\n' + els.toString();
  if (o.type !== 'string' && len > rows.length) out += `\n(${len - rows.length} more)`;
  return out;
}
