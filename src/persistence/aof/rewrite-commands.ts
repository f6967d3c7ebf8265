import type { Bytes } from '../../engine/bytes.js';
import { formatDouble } from '../../resp/double.js';
import type { StreamId } from '../rdb/types.js';
import type { RdbValue } from '../rdb/value.js';

/** AOF_REWRITE_ITEMS_PER_CMD: how many elements one rewritten command carries. */
export const AOF_REWRITE_ITEMS_PER_CMD = 64;

const idText = (id: StreamId) => `${id.ms}-${id.seq}`;

/**
 * The commands that rebuild one key, as Redis's AOF rewrite emits them (aof.c rewrite*Object):
 * variadic commands of at most 64 elements, streams as XADD + XSETID + XGROUP CREATE +
 * XCLAIM … JUSTID FORCE, and the TTL as PEXPIREAT with an absolute time.
 * Returns null for a module value, which only its module can express.
 */
export function keyToCommands(key: Bytes, value: RdbValue, expireAt: number | null): Bytes[][] | null {
  const out: Bytes[][] = [];
  const batched = (cmd: string, items: Bytes[], per: number) => {
    for (let i = 0; i < items.length; i += AOF_REWRITE_ITEMS_PER_CMD * per) {
      out.push([cmd, key, ...items.slice(i, i + AOF_REWRITE_ITEMS_PER_CMD * per)]);
    }
  };
  switch (value.type) {
    case 'string':
      out.push(['SET', key, value.value]);
      break;
    case 'list':
      batched('RPUSH', value.items, 1);
      break;
    case 'set':
      batched('SADD', value.members, 1);
      break;
    case 'zset': {
      const flat: Bytes[] = [];
      for (const [m, s] of value.entries) flat.push(formatDouble(s), m);
      batched('ZADD', flat, 2);
      break;
    }
    case 'hash': {
      const flat: Bytes[] = [];
      for (const [f, v] of value.entries) flat.push(f, v);
      batched('HMSET', flat, 2);
      // Redis 7.4 field TTLs: one HPEXPIREAT per field that has one.
      for (const [f, , ttl] of value.entries) if (ttl !== null) out.push(['HPEXPIREAT', key, String(ttl), 'FIELDS', '1', f]);
      break;
    }
    case 'stream': {
      const m = value.meta;
      if (value.entries.length) {
        for (const e of value.entries) out.push(['XADD', key, idText(e.id), ...e.fields]);
      } else {
        // XADD MAXLEN 0 creates the key without keeping an entry.
        out.push(['XADD', key, 'MAXLEN', '0', '0-1', 'x', 'y']);
      }
      out.push([
        'XSETID', key, idText(m.lastId),
        'ENTRIESADDED', String(m.entriesAdded ?? m.length),
        'MAXDELETEDID', idText(m.maxDeletedId ?? { ms: 0n, seq: 0n }),
      ]);
      for (const g of m.groups) {
        const entriesRead = g.entriesRead === null || g.entriesRead === 0xffffffffffffffffn ? '-1' : String(g.entriesRead);
        out.push(['XGROUP', 'CREATE', key, g.name, idText(g.lastId), 'ENTRIESREAD', entriesRead]);
        const nack = new Map(g.pending.map((p) => [idText(p.id), p]));
        for (const c of g.consumers) {
          if (c.pending.length === 0) {
            out.push(['XGROUP', 'CREATECONSUMER', key, g.name, c.name]);
            continue;
          }
          for (const id of c.pending) {
            const p = nack.get(idText(id));
            out.push([
              'XCLAIM', key, g.name, c.name, '0', idText(id),
              'TIME', String(p?.deliveryTime ?? 0), 'RETRYCOUNT', String(p?.deliveryCount ?? 1), 'JUSTID', 'FORCE',
            ]);
          }
        }
      }
      break;
    }
    case 'module':
      return null;
  }
  if (expireAt !== null) out.push(['PEXPIREAT', key, String(expireAt)]);
  return out;
}
