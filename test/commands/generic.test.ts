import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/engine/bytes.js';
import { Engine } from '../../src/engine/engine.js';
import { ErrorReply, NullArrayReply, type Reply } from '../../src/engine/reply.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { VERSION_DIFFERENCES } from '../helpers/differences.js';
import { Differential, type Arg } from '../helpers/differential.js';

let d: Differential;
beforeAll(async () => {
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
});

/** SCAN replies: same cursor, same keys in any order. */
async function scanSame(...args: Arg[]): Promise<Reply[]> {
  const [ours, theirs] = await d.both(...args);
  const norm = (r: Reply) => {
    if (!Array.isArray(r)) return encodeReply(r, 2);
    const [cursor, keys] = r as [Reply, Reply[]];
    return JSON.stringify([cursor, [...keys].map((k) => String(k)).sort()]);
  };
  expect(norm(ours), `SCAN ${args.join(' ')}`).toBe(norm(theirs));
  return ours as Reply[];
}

describe('DEL UNLINK EXISTS TYPE', () => {
  it('counts deleted and existing keys like Redis', async () => {
    await d.script(`
      SET a 1
      SET b 2
      SET c 3
      EXISTS a b nokey a
      DEL a nokey a
      EXISTS a b
      UNLINK b c c
      UNLINK b
      EXISTS b c
      DEL
      UNLINK
      EXISTS
    `);
  });

  it('TYPE names every type', async () => {
    await d.script(`
      TYPE nokey
      SET s v
      TYPE s
      RPUSH l a
      TYPE l
      SADD st a
      TYPE st
      ZADD z 1 a
      TYPE z
      HSET h f v
      TYPE h
      XADD x 1-1 f v
      TYPE x
      TYPE
      TYPE a b
    `);
  });
});

describe('KEYS', () => {
  it('matches glob patterns as stringmatchlen does', async () => {
    const keys = ['hello', 'hallo', 'hxllo', 'hllo', 'heeeello', 'a*b', 'a\\b', '[abc]', 'x^y', 'a]', 'a-', '', 'H'];
    for (const k of keys) await d.do('SET', k, '1');
    const patterns = [
      '*', 'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'h[b-a]llo', 'a\\*b', '\\[abc\\]', '[abc',
      'a\\\\b', 'x^y', '[^a]*', 'a[\\]]', 'a[]', '**', '', '?', '??', 'h*', '*o', '[A-Z]', '[a-]', 'nomatch*',
    ];
    for (const p of patterns) await d.doSorted('KEYS', p);
    await d.error('KEYS');
    await d.error('KEYS', 'a', 'b');
  });

  it('skips keys past their TTL without touching them', async () => {
    await d.script(`
      SET a 1
      SET b 2
      PEXPIRE a 1
    `);
    await new Promise((r) => setTimeout(r, 20));
    await d.doSorted('KEYS', '*');
  });

  it('is binary safe', async () => {
    await d.do('SET', Buffer.from([0, 1, 0xff]), 'x');
    await d.do('SET', Buffer.from([0, 2]), 'y');
    await d.doSorted('KEYS', Buffer.from([0, 0x3f, 0xff]));
    await d.doSorted('KEYS', Buffer.from([0, 0x2a]));
  });
});

describe('SCAN', () => {
  it('parses the cursor with strtoul like Redis', async () => {
    for (const c of ['0', '', '-0', '+0', '00', '18446744073709551615', '-1', '-18446744073709551615', '99999999999']) {
      await scanSame('SCAN', c);
    }
    for (const c of ['abc', ' 1', '1 ', '1a', '18446744073709551616', '-18446744073709551616', '+', '-', '0x10', '1.0']) {
      await d.error('SCAN', c);
    }
  });

  it('returns small keyspaces whole with cursor 0', async () => {
    for (const k of ['k1', 'k2', 'k3', 'other', 'list']) await d.do('SET', k, 'v');
    await scanSame('SCAN', '0');
    await scanSame('SCAN', '0', 'COUNT', '100');
    await scanSame('SCAN', '0', 'MATCH', 'k*');
    await scanSame('SCAN', '0', 'match', 'k[12]', 'count', '1000');
    await scanSame('SCAN', '0', 'MATCH', '*');
    await scanSame('SCAN', '0', 'MATCH', 'k*', 'MATCH', 'o*');
  });

  it('filters by TYPE, case-insensitively, unknown types matching nothing', async () => {
    await d.script(`
      SET s1 v
      SET s2 v
      RPUSH l1 a
      SADD st a
      HSET h f v
      ZADD z 1 a
    `);
    for (const t of ['string', 'STRING', 'list', 'set', 'zset', 'hash', 'stream', 'foo', 'none']) {
      await scanSame('SCAN', '0', 'TYPE', t);
    }
    await scanSame('SCAN', '0', 'TYPE', 'string', 'MATCH', 's1');
  });

  it('refuses bad options like Redis', async () => {
    await d.script(`
      SCAN 0 COUNT 0
      SCAN 0 COUNT -1
      SCAN 0 COUNT abc
      SCAN 0 COUNT
      SCAN 0 MATCH
      SCAN 0 TYPE
      SCAN 0 FOO bar
      SCAN 0 COUNT 10 extra
      SCAN abc COUNT 0
      SCAN
    `);
  });

  it('never returns keys past their TTL', async () => {
    await d.script(`
      SET a 1
      SET b 2
      PEXPIRE a 1
    `);
    await new Promise((r) => setTimeout(r, 20));
    await scanSame('SCAN', '0');
    await scanSame('SCAN', '0', 'TYPE', 'string');
    await d.do('DBSIZE');
  });

  it('a full iteration over a large keyspace returns the same keys as real Redis', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `key:${i}`);
    await d.do('MSET', ...keys.flatMap((k) => [k, 'v']));
    for (const side of ['ours', 'theirs'] as const) {
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [ours, theirs] = await d.both('SCAN', cursor, 'COUNT', '20', 'MATCH', 'key:1*');
        const r = (side === 'ours' ? ours : theirs) as [string, string[]];
        cursor = r[0];
        for (const k of r[1]) seen.add(k);
        calls++;
      } while (cursor !== '0' && calls < 1000);
      expect(cursor).toBe('0');
      expect([...seen].sort()).toEqual(keys.filter((k) => k.startsWith('key:1')).sort());
    }
  });

  it('guarantees: a full iteration returns every key present throughout, ending at 0', async () => {
    const e = new Engine({ timers: false });
    const s = e.createSession();
    const exec = (...argv: Bytes[]) => s.execute(argv) as Reply;
    const stable = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      e.dbs[0]!.dict.set(`key:${i}`, { type: 'string', encoding: 'embstr', lru: 0 } as never);
      if (i % 3 !== 0) stable.add(`key:${i}`);
    }
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    let added = 0;
    do {
      const r = exec('SCAN', cursor, 'COUNT', '7') as [string, string[]];
      cursor = r[0];
      for (const k of r[1]) seen.add(k);
      // Churn while iterating: delete some unstable keys, add new ones.
      for (let j = 0; j < 5; j++) {
        const victim = `key:${(calls * 15 + j * 3) % 1000}`;
        if (!stable.has(victim)) e.dbs[0]!.dict.delete(victim);
        e.dbs[0]!.dict.set(`new:${added++}`, { type: 'string', encoding: 'embstr', lru: 0 } as never);
      }
      calls++;
      expect(calls).toBeLessThan(5000);
    } while (cursor !== '0');
    for (const k of stable) expect(seen.has(k), k).toBe(true);
    // A replayed cursor restarts instead of skipping.
    const first = exec('SCAN', '0', 'COUNT', '5') as [string, string[]];
    exec('SCAN', first[0], 'COUNT', '5');
    const replay = exec('SCAN', first[0], 'COUNT', '5') as [string, string[]];
    expect(replay[1]).toEqual(first[1]);
    e.close();
  });
});

describe('RENAME RENAMENX', () => {
  it('renames, carries the TTL, handles the same-key cases', async () => {
    await d.script(`
      RENAME nokey b
      RENAMENX nokey b
      RENAME nokey nokey
      RENAMENX nokey nokey
      SET a 1
      RENAME a a
      RENAMENX a a
      EXPIRE a 100
      RENAME a b
      EXISTS a
      GET b
      TTL b
      SET c 3
      RENAMENX b c
      RENAMENX b d
      TTL d
      RENAME c d
      TTL d
      GET d
      SET e 5
      EXPIRE e 200
      RENAME d e
      TTL e
      RPUSH l a b
      RENAME l l2
      LRANGE l2 0 -1
      TYPE l
      RENAME a
      RENAME a b c
    `);
  });
});

describe('COPY', () => {
  it('copies values, TTLs, across dbs, with REPLACE', async () => {
    await d.script(`
      COPY nokey b
      SET a 5
      COPY a a
      COPY a a DB 0
      COPY a a DB 1
      EXPIRE a 100
      COPY a b
      TTL b
      GET b
      OBJECT ENCODING b
      SET c x
      COPY a c
      GET c
      COPY a c REPLACE
      GET c
      TTL c
      COPY a x DB 3
      SELECT 3
      GET x
      TTL x
      SELECT 0
      COPY a x DB 3
      COPY a x DB 3 REPLACE
      COPY a y replace replace db 2 db 3
      SET t x
      EXPIRE t 500
      PERSIST a
      COPY a t REPLACE
      TTL t
      COPY a b DB
      COPY a b DB x
      COPY a b DB 16
      COPY a b DB -1
      COPY a b DB 99999999999
      COPY a b FOO
      COPY a
    `);
  });

  it('copies every type with the same encoding, independently of the source', async () => {
    await d.script(`
      SET s hello
      SET n 12345
      SET big 123456789012345678901234567890123456789012345678901
      RPUSH l a b c
      SADD si 1 2 3
      SADD ss a b c
      ZADD z 1 a 2 b
      HSET h f v g w
      XADD x 1-1 f v
      COPY s s2
      COPY n n2
      COPY big big2
      COPY l l2
      COPY si si2
      COPY ss ss2
      COPY z z2
      COPY h h2
      COPY x x2
      OBJECT ENCODING s2
      OBJECT ENCODING n2
      OBJECT ENCODING big2
      OBJECT ENCODING l2
      OBJECT ENCODING si2
      OBJECT ENCODING ss2
      OBJECT ENCODING z2
      OBJECT ENCODING h2
      OBJECT ENCODING x2
      OBJECT REFCOUNT n
      OBJECT REFCOUNT n2
      RPUSH l2 d
      LRANGE l 0 -1
      LRANGE l2 0 -1
      SADD si2 4
      SMEMBERS si
      ZADD z2 3 c
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z2 0 -1 WITHSCORES
      HSET h2 x y
      HLEN h
      XADD x2 2-1 a b
      XLEN x
      XLEN x2
    `);
  });
});

describe('COPY of large values', () => {
  it('keeps the big encodings (quicklist, hashtable, skiplist, raw)', async () => {
    const n = (k: number, p = '') => Array.from({ length: k }, (_, i) => `${p}${i}`);
    await d.do('RPUSH', 'l', ...n(1000, 'item-'));
    await d.do('SADD', 'si', ...n(600));
    await d.do('SADD', 'ss', ...n(200, 'm'));
    await d.do('ZADD', 'z', ...n(200).flatMap((i) => [i, `m${i}`]));
    await d.do('HSET', 'h', ...n(600).flatMap((i) => [`f${i}`, i]));
    await d.do('SET', 'r', 'x'.repeat(100));
    for (const k of ['l', 'si', 'ss', 'z', 'h', 'r']) {
      await d.do('COPY', k, `${k}2`);
      await d.do('OBJECT', 'ENCODING', `${k}2`);
    }
    await d.do('LRANGE', 'l2', '995', '-1');
    await d.do('ZRANGE', 'z2', '0', '3', 'WITHSCORES');
    await d.do('HGET', 'h2', 'f599');
    await d.do('SCARD', 'si2');
  });
});

describe('MOVE', () => {
  it('moves between dbs keeping the TTL', async () => {
    await d.script(`
      MOVE nokey 1
      SET a 1
      MOVE a 0
      MOVE a 16
      MOVE a -1
      MOVE a x
      MOVE a 99999999999
      EXPIRE a 100
      MOVE a 1
      EXISTS a
      SELECT 1
      GET a
      TTL a
      SET b 2
      SELECT 0
      SET b 3
      MOVE b 1
      GET b
      MOVE a
    `);
  });
});

describe('SWAPDB', () => {
  it('swaps data, validates indexes', async () => {
    await d.script(`
      SET a 0
      SELECT 1
      SET b 1
      EXPIRE b 100
      SWAPDB 0 1
      GET b
      TTL b
      SELECT 0
      GET b
      GET a
      SWAPDB 1 1
      SWAPDB 0 x
      SWAPDB x 0
      SWAPDB x y
      SWAPDB 0 16
      SWAPDB -1 0
      SWAPDB 0 99999999999
      SWAPDB 0
    `);
  });

  it('aborts transactions watching keys in either db', async () => {
    await d.script(`
      SELECT 1
      SET k v
      SELECT 0
      WATCH k
      SWAPDB 0 1
      MULTI
      PING
      EXEC
      WATCH nothere
      SWAPDB 0 1
      MULTI
      PING
      EXEC
    `);
  });

  it('FLUSHDB, FLUSHALL, RENAME, MOVE, EXPIRE, PERSIST, COPY touch watched keys', async () => {
    for (const touch of [
      'FLUSHDB', 'FLUSHALL', 'RENAME k k2', 'RENAME other k', 'MOVE k 1', 'EXPIRE k 100', 'PERSIST k', 'COPY other k REPLACE',
      'DEL k', 'UNLINK k', 'EXPIRE k 0',
    ]) {
      await d.do('FLUSHALL');
      await d.do('SET', 'k', 'v');
      await d.do('SET', 'other', 'v');
      if (touch === 'PERSIST k') await d.do('EXPIRE', 'k', '100');
      await d.do('WATCH', 'k');
      await d.do(...touch.split(' '));
      await d.do('MULTI');
      await d.do('PING');
      await d.do('EXEC');
    }
    // Commands that leave the key alone do not.
    for (const noop of ['PERSIST k', 'EXPIRE k 100 XX', 'RENAMENX other k', 'COPY other k', 'MOVE nokey 1', 'TTL k', 'TOUCH k']) {
      await d.do('FLUSHALL');
      await d.do('SET', 'k', 'v');
      await d.do('SET', 'other', 'v');
      await d.do('WATCH', 'k');
      await d.do(...noop.split(' '));
      await d.do('MULTI');
      await d.do('PING');
      await d.do('EXEC');
    }
  });

  it('FLUSHALL and SWAPDB unblock XREADGROUP on a stream that goes away, as Redis does', async () => {
    for (const [setup, action] of [
      [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'], ['FLUSHALL']],
      [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'], ['FLUSHDB']],
      [['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM'], ['SWAPDB', '0', '1']],
    ] as const) {
      await d.do('FLUSHALL');
      await d.do(...setup);
      const realBlocked = await d.real.client();
      const theirs = realBlocked.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>');
      const ours = d.engine.createSession().execute(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
      expect(ours).toBeInstanceOf(Promise);
      await new Promise((r) => setTimeout(r, 50));
      await d.do(...action);
      const [a, b] = await Promise.all([ours, theirs]);
      const argv = ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'];
      if (!VERSION_DIFFERENCES.some((row) => row.explains(argv, a as Reply, b as Reply))) {
        expect(encodeReply(a as Reply, 2)).toBe(encodeReply(b as Reply, 2));
      }
      realBlocked.close();
    }
  });

  it('wakes clients blocked on a key that now exists', async () => {
    const s2 = d.engine.createSession();
    const s1 = d.session;
    s1.execute(['SELECT', '1']);
    s1.execute(['RPUSH', 'q', 'x']);
    s1.execute(['SELECT', '0']);
    const pending = s2.execute(['BLPOP', 'q', '0']);
    expect(pending).toBeInstanceOf(Promise);
    s1.execute(['SWAPDB', '0', '1']);
    expect(await pending).toEqual(['q', 'x']);
  });
});

describe('RANDOMKEY DBSIZE FLUSHDB FLUSHALL', () => {
  it('behaves like Redis', async () => {
    await d.script(`
      RANDOMKEY
      DBSIZE
      SET a 1
      RANDOMKEY
      DBSIZE
      SET b 1
      SELECT 1
      SET c 1
      DBSIZE
      FLUSHDB
      DBSIZE
      SELECT 0
      DBSIZE
      FLUSHDB foo
      FLUSHDB async extra
      FLUSHDB ASYNC
      DBSIZE
      SET a 1
      FLUSHDB sync
      SET a 1
      SELECT 2
      SET b 2
      FLUSHALL foo
      FLUSHALL
      DBSIZE
      SELECT 0
      DBSIZE
      FLUSHALL ASYNC
      FLUSHALL SYNC
      RANDOMKEY extra
      DBSIZE extra
    `);
  });

  it('RANDOMKEY picks every key, never an expired one', async () => {
    const s = d.session;
    for (const k of ['a', 'b', 'c']) s.execute(['SET', k, '1']);
    const seen = new Set<Reply>();
    for (let i = 0; i < 200; i++) seen.add(s.execute(['RANDOMKEY']) as Reply);
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
    s.execute(['SET', 'd', '1']);
    seen.clear();
    for (let i = 0; i < 200; i++) seen.add(s.execute(['RANDOMKEY']) as Reply);
    expect(seen.has('d')).toBe(true);
    s.execute(['DEL', 'a', 'b', 'c', 'd']);
    expect(s.execute(['RANDOMKEY'])).toBe(null);
    // All volatile and expired: RANDOMKEY reclaims them and answers nil.
    s.execute(['SET', 'x', '1']);
    s.execute(['SET', 'y', '1']);
    s.execute(['PEXPIRE', 'x', '1']);
    s.execute(['PEXPIRE', 'y', '1']);
    await new Promise((r) => setTimeout(r, 10));
    expect(s.execute(['RANDOMKEY'])).toBe(null);
    expect(s.execute(['DBSIZE'])).toBe(0);
  });

  it('FLUSHDB/FLUSHALL are propagated even on an empty db', async () => {
    const seen: string[] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv.join(' ')));
    d.session.execute(['FLUSHDB']);
    d.session.execute(['FLUSHALL', 'ASYNC']);
    d.session.execute(['DEL', 'nokey']);
    expect(seen).toEqual(['FLUSHDB', 'FLUSHALL ASYNC']);
  });
});

describe('EXPIRE PEXPIRE EXPIREAT PEXPIREAT', () => {
  it('validates options and times like Redis', async () => {
    await d.script(`
      SET a 1
      EXPIRE a 10 NX XX
      EXPIRE a 10 nx gt
      EXPIRE a 10 NX LT
      EXPIRE a 10 GT LT
      EXPIRE a 10 gt lt nx
      EXPIRE a 10 foo
      EXPIRE a abc foo
      EXPIRE nokey 10 foo
      EXPIRE nokey abc
      EXPIRE a abc
      EXPIRE a 1.5
      EXPIRE a 9223372036854775807
      EXPIRE a 9223372036854775
      EXPIRE a -9223372036854775808
      EXPIRE a -9223372036854776
      PEXPIRE a 9223372036854775807
      EXPIREAT a 9223372036854775808
      EXPIREAT a 9223372036854776
      PEXPIREAT a 9223372036854775808
      TTL a
      EXPIRE a
    `);
  });

  it('NX XX GT LT follow expireGenericCommand', async () => {
    await d.script(`
      SET a 1
      EXPIRE a 100 XX
      EXPIRE a 100 GT
      EXPIRE a 100 LT
      TTL a
      PERSIST a
      EXPIRE a 100 NX
      EXPIRE a 200 NX
      TTL a
      EXPIRE a 200 XX
      TTL a
      EXPIRE a 100 GT
      EXPIRE a 300 GT
      TTL a
      EXPIRE a 400 LT
      EXPIRE a 150 LT
      TTL a
      EXPIRE a 140 xx gt
      EXPIRE a 160 XX GT
      TTL a
      EXPIRE nokey 100 NX
      PERSIST a
      EXPIRE a -1 LT
      EXISTS a
    `);
  });

  it('a time in the past deletes the key', async () => {
    await d.script(`
      SET a 1
      EXPIRE a 0
      EXISTS a
      SET a 1
      PEXPIRE a -100
      EXISTS a
      SET a 1
      EXPIREAT a 1
      EXISTS a
      SET a 1
      PEXPIREAT a 0
      EXISTS a
      EXPIRE a -1
    `);
  });

  it('absolute times read back exactly', async () => {
    await d.script(`
      SET a 1
      PEXPIREAT a 4102444800123
      PEXPIRETIME a
      EXPIRETIME a
      EXPIREAT a 4102444800
      PEXPIRETIME a
      EXPIRETIME a
      PEXPIRETIME nokey
      EXPIRETIME nokey
      SET b 1
      PEXPIRETIME b
      EXPIRETIME b
      EXPIRE b 1000
      TTL b
      PEXPIRE b 100000
      TTL b
      TTL nokey
      PTTL nokey
      PTTL a
    `);
  });

  it('propagates PEXPIREAT with the absolute time, or DEL', async () => {
    const seen: string[] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv.join(' ')));
    const s = d.session;
    s.execute(['SET', 'a', '1']);
    seen.length = 0;
    const before = Date.now();
    s.execute(['EXPIRE', 'a', '100', 'NX']);
    s.execute(['PEXPIRE', 'a', '5000']);
    s.execute(['EXPIREAT', 'a', '4102444800']);
    s.execute(['PEXPIREAT', 'a', '4102444800123']);
    s.execute(['EXPIRE', 'a', '100', 'NX']); // refused: not propagated
    s.execute(['EXPIRE', 'a', '-1']);
    s.execute(['EXPIRE', 'a', '10']); // no key: not propagated
    expect(seen.length).toBe(5);
    const m1 = /^PEXPIREAT a (\d+) NX$/.exec(seen[0]!);
    expect(m1).not.toBe(null);
    expect(Number(m1![1]) - before).toBeGreaterThanOrEqual(100000);
    expect(Number(m1![1]) - before).toBeLessThan(101000);
    expect(seen[1]).toMatch(/^PEXPIREAT a \d+$/);
    expect(seen.slice(2)).toEqual(['PEXPIREAT a 4102444800000', 'PEXPIREAT a 4102444800123', 'DEL a']);
  });
});

describe('TTL PTTL PERSIST TOUCH', () => {
  it('behaves like Redis', async () => {
    await d.script(`
      TTL a
      PTTL a
      SET a 1
      TTL a
      PTTL a
      PERSIST a
      PERSIST nokey
      EXPIRE a 50
      TTL a
      PERSIST a
      TTL a
      PERSIST a
      TOUCH a nokey a
      TOUCH nokey
      TTL
      PERSIST
      TOUCH
    `);
  });
});

describe('OBJECT', () => {
  it('ENCODING REFCOUNT IDLETIME FREQ HELP', async () => {
    await d.script(`
      OBJECT ENCODING nokey
      OBJECT REFCOUNT nokey
      OBJECT IDLETIME nokey
      OBJECT FREQ nokey
      SET i 123
      SET e hello
      SET r 123456789012345678901234567890123456789012345678901
      SET z 0
      SET top 9999
      SET over 10000
      SET neg -1
      OBJECT ENCODING i
      OBJECT ENCODING e
      OBJECT ENCODING r
      OBJECT REFCOUNT i
      OBJECT REFCOUNT z
      OBJECT REFCOUNT top
      OBJECT REFCOUNT over
      OBJECT REFCOUNT neg
      OBJECT REFCOUNT e
      OBJECT FREQ e
      OBJECT HELP
      OBJECT help
      OBJECT
      OBJECT FOO
      OBJECT ENCODING
      OBJECT ENCODING a b
      OBJECT HELP extra
    `);
    // Redis's LRU clock ticks in whole seconds: a just-written key may already read 1.
    const [ours, theirs] = await d.both('OBJECT', 'IDLETIME', 'e');
    expect(Math.abs(Number(ours) - Number(theirs))).toBeLessThanOrEqual(1);
    expect(Number(theirs)).toBeLessThanOrEqual(2);
  });

  it('FREQ and IDLETIME swap roles under an LFU policy', async () => {
    await d.do('SET', 'e', 'hello');
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    expect(d.engine.config.maxmemoryPolicy).toBe('allkeys-lfu');
    await d.do('OBJECT', 'IDLETIME', 'e');
    await d.do('OBJECT', 'IDLETIME', 'nokey');
    await d.do('SET', 'f', 'new');
    await d.do('OBJECT', 'FREQ', 'f');
    await d.do('OBJECT', 'FREQ', 'nokey');
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'volatile-lfu');
    await d.do('OBJECT', 'IDLETIME', 'f');
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await d.do('OBJECT', 'FREQ', 'f');
    // The LFU field read as an LRU clock: a large idle time that moves with the wall clock,
    // so the two sides may read it either side of a second's tick.
    const [ours, theirs] = await d.both('OBJECT', 'IDLETIME', 'f');
    expect(Math.abs(Number(ours) - Number(theirs))).toBeLessThanOrEqual(1);
    expect(Number(theirs)).toBeGreaterThan(1000);
    await d.do('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  it('RESP3 null for a missing key', async () => {
    await d.do('HELLO', '3');
    await d.do('OBJECT', 'ENCODING', 'nokey');
    await d.do('OBJECT', 'HELP');
    await d.do('TYPE', 'nokey');
    await d.do('RANDOMKEY');
    await d.do('SET', 'a', '1');
    await scanSame('SCAN', '0');
  });
});

describe('errors keep their exact text', () => {
  it('matches real Redis for every refused form', async () => {
    const forms: Arg[][] = [
      ['RENAME', 'x', 'y'], ['MOVE', 'x', 'abc'], ['COPY', 'x', 'x'], ['SWAPDB', 'a', '0'], ['SWAPDB', '0', 'a'],
      ['EXPIRE', 'x', '1', 'bar'], ['SCAN', 'x'],
    ];
    for (const f of forms) {
      const r = await d.error(...f);
      expect(r).toBeInstanceOf(ErrorReply);
    }
    expect(NullArrayReply).toBeDefined();
  });
});

describe('keyspace events', () => {
  it('fires the events real Redis fired for the same commands (KEA)', () => {
    // Captured from redis-server 7.0.15 with PSUBSCRIBE __key*__:* for this exact sequence.
    const expected = [
      'set a', 'expire a', 'persist a', 'rename_from a', 'rename_to b', 'copy_to c', 'move_from c', 'move_to c',
      'rpush l', 'sortstore s', 'del s', 'del b', 'del l', 'set x',
    ];
    const e = d.engine;
    e.config.notifyKeyspaceEvents = 'KEA';
    const sub = e.createSession();
    const events: string[] = [];
    sub.onPush = (r) => {
      const items = r as string[];
      if (items[0] === 'pmessage' && items[2]!.startsWith('__keyevent@')) {
        events.push(`${items[2]!.slice(items[2]!.indexOf(':') + 1)} ${items[3]}`);
      }
    };
    sub.execute(['PSUBSCRIBE', '__key*__:*']);
    const s = d.session;
    for (const c of [
      'set a 1', 'expire a 100', 'persist a', 'rename a b', 'copy b c', 'move c 1', 'rpush l 2 1', 'sort l store s',
      'sort nokey store s', 'expire b 0', 'del l', 'set x 1', 'swapdb 0 1', 'flushdb', 'renamenx s s2',
    ]) {
      s.execute(c.split(' '));
    }
    expect(events).toEqual(expected);
  });
});

describe('OBJECT IDLETIME / FREQ on the engine clock', () => {
  it('idle time grows with the clock, resets on access, survives RENAME and MOVE', () => {
    let t = 1_700_000_000_000;
    const e = new Engine({ timers: false, clock: () => t });
    const s = e.createSession();
    const exec = (...argv: Bytes[]) => s.execute(argv) as Reply;
    exec('SET', 'k', 'hello');
    t += 10_000;
    expect(exec('OBJECT', 'IDLETIME', 'k')).toBe(10);
    expect(exec('TYPE', 'k')).toMatchObject({ text: 'string' }); // NOTOUCH
    expect(exec('EXISTS', 'k')).toBe(1); // NOTOUCH
    expect(exec('TTL', 'k')).toBe(-1); // NOTOUCH
    expect(exec('OBJECT', 'IDLETIME', 'k')).toBe(10);
    exec('TOUCH', 'k');
    expect(exec('OBJECT', 'IDLETIME', 'k')).toBe(0);
    t += 5_000;
    exec('COPY', 'k', 'c');
    expect(exec('OBJECT', 'IDLETIME', 'c')).toBe(0);
    t += 3_000;
    expect(exec('OBJECT', 'IDLETIME', 'c')).toBe(3);
    e.close();
  });

  it('under LFU, RENAME and MOVE keep the access counter; COPY starts a fresh one', () => {
    const e = new Engine({ timers: false, config: { maxmemoryPolicy: 'allkeys-lfu', lfuLogFactor: 0 } });
    const s = e.createSession();
    const exec = (...argv: Bytes[]) => s.execute(argv) as Reply;
    exec('SET', 'k', 'hello');
    for (let i = 0; i < 20; i++) exec('GET', 'k');
    const freq = exec('OBJECT', 'FREQ', 'k') as number;
    expect(freq).toBeGreaterThan(5);
    exec('RENAME', 'k', 'r');
    // lookupKeyWrite counted one more access.
    expect(exec('OBJECT', 'FREQ', 'r')).toBe(freq + 1);
    exec('MOVE', 'r', '1');
    exec('SELECT', '1');
    expect(exec('OBJECT', 'FREQ', 'r')).toBe(freq + 2);
    exec('COPY', 'r', 'c');
    expect(exec('OBJECT', 'FREQ', 'c')).toBe(5);
    e.close();
  });
});
