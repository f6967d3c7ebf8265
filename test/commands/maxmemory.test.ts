import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/engine/bytes.js';
import { rejectIfOom, usedMemory } from '../../src/engine/maxmemory.js';
import type { Reply } from '../../src/engine/reply.js';
import { Differential } from '../helpers/differential.js';

/**
 * maxmemory against a real redis-server 7.0.15: the OOM error text, which commands are refused
 * under noeviction (the denyoom flag, MULTI and EXEC rules), and the LFU counter of new keys.
 */

let d: Differential;

beforeAll(async () => {
  d = await Differential.start();
});

beforeEach(async () => {
  await d.reset();
});

afterAll(async () => {
  await d?.stop();
});

/** Some data of every type, then a limit nothing can fit under (maxmemory 1 byte). */
async function fill(): Promise<void> {
  await d.script(`
    SET s 10
    SET str hello
    RPUSH l a b c
    HSET h f v n 1
    SADD st m1 m2
    ZADD z 1 m1 2 m2
    XADD x 1-1 f v
    PFADD p a b
    GEOADD g 13.361389 38.115556 Palermo
    CONFIG SET maxmemory 1
  `);
}

describe('noeviction with maxmemory exceeded', () => {
  it('refuses denyoom commands with the exact OOM error and serves the rest', async () => {
    await fill();
    await d.script(`
      SET new v
      GET s
      SET s 11
      SETNX n v
      SETEX n 10 v
      PSETEX n 10000 v
      GETSET s 1
      MSET a 1 b 2
      MSETNX a 1 b 2
      APPEND str x
      SETRANGE str 0 x
      INCR s
      DECR s
      INCRBY s 2
      DECRBY s 2
      INCRBYFLOAT s 1.5
      STRLEN str
      GETRANGE str 0 1
      GETEX str PERSIST
      SETBIT str 1 1
      GETBIT str 1
      BITFIELD str SET u8 0 1
      BITFIELD str GET u8 0
      BITFIELD_RO str GET u8 0
      BITOP AND dest str str
      LPUSH l z
      RPUSH l z
      LPUSHX l z
      RPUSHX l z
      LINSERT l BEFORE a z
      LSET l 0 q
      LRANGE l 0 -1
      RPOPLPUSH l l2
      LMOVE l l2 LEFT RIGHT
      LPOP l
      LRANGE l 0 -1
      HSET h f2 v
      HSETNX h f3 v
      HMSET h f4 v
      HINCRBY h n 1
      HINCRBYFLOAT h n 1.5
      HGET h f
      HDEL h f
      SADD st m3
      sorted SMEMBERS st
      SREM st m1
      SMOVE st st2 m2
      SUNIONSTORE d st st2
      SINTERSTORE d st st2
      SDIFFSTORE d st st2
      ZADD z 3 m3
      ZINCRBY z 1 m1
      ZRANGESTORE d z 0 -1
      ZUNIONSTORE d 1 z
      ZINTERSTORE d 1 z
      ZDIFFSTORE d 1 z
      ZRANGE z 0 -1 WITHSCORES
      ZREM z m1
      ZPOPMIN z
      XADD x 2-1 f v
      XLEN x
      XGROUP CREATE x g $
      XTRIM x MAXLEN 0
      PFADD p c
      PFCOUNT p
      PFMERGE p p
      GEOADD g 15.087269 37.502669 Catania
      GEOPOS g Palermo
      COPY s s2
      RENAME s s3
      RENAMENX s3 s
      EXPIRE str 100
      PERSIST str
      SORT l ALPHA
      SORT l ALPHA STORE d
      EXISTS s str
      TYPE h
      DBSIZE
      DEL str
      UNLINK h
      PING
      ECHO hi
    `);
  });

  it('the OOM reply is refused before the command parses its arguments, but after arity', async () => {
    await fill();
    await d.do('SET', 'k', 'v', 'BADOPTION');
    await d.do('INCR', 'str');
    await d.do('LPUSH', 'str', 'x');
    await d.do('SET', 'k');
    await d.do('NOSUCHCOMMAND', 'x');
  });

  it('MULTI: every queued command is refused and EXEC aborts; DISCARD is allowed', async () => {
    await fill();
    await d.script(`
      MULTI
      GET s
      PING
      EXEC
      MULTI
      SET s 1
      DISCARD
      GET s
    `);
  });

  it('EXEC with a queued denyoom command is aborted as a whole; reads-only EXEC runs', async () => {
    await d.script(`
      SET s 1
      MULTI
      SET s 2
      GET s
    `);
    // Another client lowers maxmemory between queueing and EXEC.
    d.engine.config.maxmemory = 1;
    const admin = await d.real.client();
    await admin.call('CONFIG', 'SET', 'maxmemory', '1');
    await d.do('EXEC');
    await d.do('DISCARD');
    await d.do('GET', 's');
    await d.do('CONFIG', 'SET', 'maxmemory', '0');
    await d.script(`
      MULTI
      GET s
    `);
    d.engine.config.maxmemory = 1;
    await admin.call('CONFIG', 'SET', 'maxmemory', '1');
    await d.do('EXEC');
    admin.close();
  });

  it('back under the limit, writes are accepted again', async () => {
    await fill();
    await d.do('SET', 'a', 'b');
    await d.do('CONFIG', 'SET', 'maxmemory', '0');
    await d.do('SET', 'a', 'b');
    await d.do('GET', 'a');
  });

  it('a volatile policy with no volatile keys refuses writes the same way', async () => {
    await fill();
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    await d.do('SET', 'new', 'v');
    await d.do('GET', 'str');
  });
});

describe('LFU counter', () => {
  it('a new key starts at 5 and its first read always increments it', async () => {
    await d.script(`
      CONFIG SET maxmemory-policy allkeys-lfu
      SET k v
      OBJECT FREQ k
      GET k
      OBJECT FREQ k
      RPUSH l a
      OBJECT FREQ l
      LRANGE l 0 -1
      OBJECT FREQ l
    `);
  });

  it('reports roughly the same counter as redis after 1000 reads', async () => {
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await d.do('SET', 'k', 'v');
    for (let i = 0; i < 1000; i++) await d.both('GET', 'k');
    const [ours, theirs] = await d.both('OBJECT', 'FREQ', 'k');
    // 1000 logarithmic increments at lfu-log-factor 10 land in 13..28 (2000 simulated runs:
    // mode 18-20); both servers' counters must fall there.
    for (const f of [ours, theirs]) {
      expect(typeof f).toBe('number');
      expect(f).toBeGreaterThanOrEqual(13);
      expect(f).toBeLessThanOrEqual(28);
    }
  });
});

describe('allkeys-lru on both servers', () => {
  /** used_memory: INFO memory on redis; usedMemory() on the engine (INFO is not wired to it yet). */
  const usedOf = async (name: string, call: (...a: string[]) => Promise<Reply>): Promise<number> =>
    name === 'ours' ? usedMemory(d.engine) : Number(/used_memory:(\d+)/.exec(String(await call('INFO', 'memory')))![1]);

  it('evicts only the keys not read since, on redis and on the engine alike', async () => {
    const VALUE = 'v'.repeat(10_000);
    const sides = {
      redis: (...a: string[]) => d.client.call(...a) as Promise<Reply>,
      ours: async (...a: string[]) => d.session.execute(a),
    };
    for (const call of Object.values(sides)) {
      await call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
      await call('CONFIG', 'SET', 'maxmemory-samples', '64');
    }
    const before = { redis: 0, ours: 0 };
    for (const [name, call] of Object.entries(sides)) {
      before[name as 'redis' | 'ours'] = await usedOf(name, call);
      for (let i = 0; i < 50; i++) await call('SET', `k:${i}`, VALUE);
    }
    // The LRU clock has a resolution of one second.
    await new Promise((r) => setTimeout(r, 2100));
    for (const call of Object.values(sides)) for (let i = 25; i < 50; i++) await call('GET', `k:${i}`);
    for (const [name, call] of Object.entries(sides)) {
      const used = await usedOf(name, call);
      const perKey = (used - before[name as 'redis' | 'ours']) / 50;
      await call('CONFIG', 'SET', 'maxmemory', String(Math.floor(used - 10 * perKey)));
      expect(await call('SET', 'trigger', 'x')).not.toBeInstanceOf(Error);
      const left = new Set<string>();
      for (let i = 0; i < 50; i++) if ((await call('EXISTS', `k:${i}`)) === 1) left.add(`k:${i}`);
      const evicted = [...Array(50).keys()].filter((i) => !left.has(`k:${i}`));
      expect(evicted.length, name).toBeGreaterThanOrEqual(5);
      expect(evicted.every((i) => i < 25), `${name} evicted ${evicted.join(',')}`).toBe(true);
    }
  });
});
