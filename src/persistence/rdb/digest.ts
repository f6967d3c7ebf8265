import type { Bytes } from '../../engine/bytes.js';
import { type DigestCompat, mixDigest, xorDigest, xorObjectDigest } from '../../engine/digest.js';
import type { RedisObject } from '../../engine/object.js';
import { readRdbFile, type ReadRdbOptions } from './reader.js';
import { collectKeys } from './value.js';
import type { RdbValue } from './value.js';

/** A read-only view of an RdbValue with the iteration API xorObjectDigest reads. */
function asObject(v: RdbValue, now: number): RedisObject | null {
  switch (v.type) {
    case 'string':
      return { type: 'string', encoding: '', lru: 0, value: v.value } as unknown as RedisObject;
    case 'list':
      return { type: 'list', encoding: '', lru: 0, items: () => v.items } as unknown as RedisObject;
    case 'set':
      return { type: 'set', encoding: '', lru: 0, members: () => v.members } as unknown as RedisObject;
    case 'zset':
      return { type: 'zset', encoding: '', lru: 0, entries: () => v.entries } as unknown as RedisObject;
    case 'hash': {
      // Fields whose TTL has passed are not loaded (Redis 7.4); a hash left empty is skipped.
      const kept = v.entries.filter(([, , ttl]) => ttl === null || ttl > now);
      if (kept.length === 0) return null;
      const live = kept.map(([f, val]) => [f, val] as [Bytes, Bytes]);
      const ttls = new Map<Bytes, number>();
      for (const [f, , ttl] of kept) if (ttl !== null) ttls.set(f, ttl);
      return { type: 'hash', encoding: '', lru: 0, entries: () => live, ttls } as unknown as RedisObject;
    }
    case 'stream':
      return {
        type: 'stream',
        encoding: '',
        lru: 0,
        entries: () => v.entries.map((e) => ({ ms: e.id.ms, seq: e.id.seq, fields: e.fields })),
      } as unknown as RedisObject;
    case 'module':
      return null;
  }
}

export interface RdbDigestResult {
  digest: string;
  keys: number;
  /** Keys a server would not load: already expired, or module values it cannot digest. */
  skipped: number;
  modules: number;
}

/**
 * The DEBUG DIGEST a server would print after loading the file: keys already expired at
 * load time are dropped (as a master does), empty keys are skipped, dbs mixed in order.
 */
export async function digestRdbFile(path: string, compat: DigestCompat, options: ReadRdbOptions = {}): Promise<RdbDigestResult> {
  const final = Buffer.alloc(20);
  const keyDigest = Buffer.alloc(20);
  const now = Date.now();
  let currentDb = -1;
  let keys = 0;
  let skipped = 0;
  let modules = 0;
  const dbId = Buffer.alloc(4);
  await readRdbFile(
    path,
    collectKeys(({ info, value }) => {
      if (info.expireAt !== null && info.expireAt < now) {
        skipped++;
        return;
      }
      if (value.type === 'module') modules++;
      const o = asObject(value, now);
      if (!o) {
        skipped++;
        return;
      }
      if (info.db !== currentDb) {
        currentDb = info.db;
        dbId.writeUInt32BE(info.db);
        mixDigest(final, dbId);
      }
      keyDigest.fill(0);
      mixDigest(keyDigest, info.key);
      xorObjectDigest(keyDigest, o, info.expireAt !== null, compat);
      xorDigest(final, keyDigest);
      keys++;
    }),
    options,
  );
  return { digest: final.toString('hex'), keys, skipped, modules };
}
