import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { Engine } from '../../src/engine/engine.js';
import { HashObject } from '../../src/engine/types/hash.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble } from '../../src/commands/hash.js';
import { MapReply } from '../../src/engine/reply.js';

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
afterEach(async () => {
  // reset() does not touch the real server's configuration: restore what tests change.
  if (d.client) {
    await d.client.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
    await d.client.call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  }
});

const enc = (key: string) => d.do('OBJECT', 'ENCODING', key);
/** HELLO on both sides (client ids differ, so the reply itself is not compared). */
const hello = (proto: string) => d.both('HELLO', proto);

/** HGETALL of a hashtable hash: same field/value pairs, order left to the table. */
async function hgetallSorted(key: string): Promise<void> {
  const [ours, theirs] = await d.both('HGETALL', key);
  const flat = (r: unknown): string[] => (r instanceof MapReply ? r.entries.flat() : (r as string[])) as string[];
  const pairs = (a: string[]) => {
    const out: string[] = [];
    for (let i = 0; i < a.length; i += 2) out.push(JSON.stringify([a[i], a[i + 1]]));
    return out.sort();
  };
  expect(pairs(flat(ours))).toEqual(pairs(flat(theirs)));
}
const fields = (n: number, prefix = 'f') => Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]).flat();

describe('hash commands against real redis', () => {
  it('HSET, HMSET, HSETNX, HGET, HMGET, HLEN, HSTRLEN, HEXISTS', async () => {
    await d.script(`
      HSET h a 1 b 2 c 3
      HSET h a 10 d 4
      HSET h a
      HSET h a 1 b
      HMSET h x 1 y
      HMSET h x 1 y 2
      HSETNX h a 99
      HSETNX h new 99
      HSETNX h2 f v
      HGET h a
      HGET h nosuch
      HGET nokey a
      HMGET h a nosuch b
      HMGET nokey a b
      HLEN h
      HLEN nokey
      HSTRLEN h a
      HSTRLEN h nosuch
      HSTRLEN nokey a
      HEXISTS h a
      HEXISTS h nosuch
      HEXISTS nokey a
      HGETALL h
      HKEYS h
      HVALS h
      HGETALL nokey
      HKEYS nokey
      HVALS nokey
      HSET
      HGET h
      HMGET h
      HSETNX h a
      HLEN
      HSTRLEN h
      HEXISTS h
    `);
    await d.do('HSET', 'bin', 'f\x00\xff', 'v\r\n');
    await d.do('HGETALL', 'bin');
    expect(d.compared).toBeGreaterThan(35);
  });

  it('HDEL removes fields and the key when empty', async () => {
    await d.script(`
      HSET h a 1 b 2 c 3
      HDEL h a nosuch
      HDEL h a
      HGETALL h
      HDEL h b c d
      EXISTS h
      HDEL h a
      HDEL nokey a
      HDEL h
    `);
  });

  it('WRONGTYPE on every command', async () => {
    await d.do('SET', 's', 'x');
    for (const args of [
      ['HSET', 's', 'a', '1'], ['HMSET', 's', 'a', '1'], ['HSETNX', 's', 'a', '1'], ['HGET', 's', 'a'],
      ['HMGET', 's', 'a'], ['HDEL', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HEXISTS', 's', 'a'],
      ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'], ['HINCRBY', 's', 'a', '1'], ['HINCRBYFLOAT', 's', 'a', '1'],
      ['HRANDFIELD', 's'], ['HRANDFIELD', 's', '2'], ['HRANDFIELD', 's', '2', 'WITHVALUES'], ['HSCAN', 's', '0'],
    ]) {
      await d.error(...args);
    }
    // Argument errors come before the type check where Redis parses first.
    await d.error('HINCRBY', 's', 'a', 'x');
    await d.error('HINCRBYFLOAT', 's', 'a', 'x');
    await d.error('HRANDFIELD', 's', 'x');
    await d.error('HSCAN', 's', 'x');
    // ... and after it where Redis looks the key up first.
    await d.error('HSCAN', 's', '0', 'COUNT', '0');
  });

  it('HINCRBY: values, errors, overflow', async () => {
    await d.script(`
      HINCRBY h a 5
      HINCRBY h a -7
      HINCRBY h a 0
      HSET h s abc f 1.5 sp " 1" z 007 big 9223372036854775807 small -9223372036854775808
      HINCRBY h s 1
      HINCRBY h f 1
      HINCRBY h sp 1
      HINCRBY h z 1
      HINCRBY h big 1
      HINCRBY h big 0
      HINCRBY h big -1
      HINCRBY h small -1
      HINCRBY h small 1
      HINCRBY h a abc
      HINCRBY h a 1.5
      HINCRBY h a 9223372036854775808
      HINCRBY h a " 1"
      HINCRBY h a +1
      HINCRBY h a
      HGETALL h
    `);
  });

  it('HINCRBYFLOAT: long double arithmetic and formatting', async () => {
    await d.script(`
      HINCRBYFLOAT h x 10.5
      HINCRBYFLOAT h x 0.1
      HINCRBYFLOAT h x 1000.1
      HINCRBYFLOAT h y 0.1
      HINCRBYFLOAT h y 0.2
      HINCRBYFLOAT h y -0.3
      HINCRBYFLOAT h z 5.0e3
      HINCRBYFLOAT h z 2.0e2
      HINCRBYFLOAT h z -5200
      HINCRBYFLOAT h w 1e300
      HINCRBYFLOAT h w 1
      HINCRBYFLOAT h v 0x10
      HINCRBYFLOAT h v .5
      HINCRBYFLOAT h v 5.
      HINCRBYFLOAT h v -1e-5
      HINCRBYFLOAT h t 3
      HINCRBYFLOAT h t -3.5
      HINCRBYFLOAT h u 1.23456789012345678901234
      HINCRBYFLOAT h i inf
      HINCRBYFLOAT h i -infinity
      HINCRBYFLOAT h i nan
      HINCRBYFLOAT h i abc
      HINCRBYFLOAT h i ""
      HINCRBYFLOAT h i " 1"
      HINCRBYFLOAT h i 1e5000
      HINCRBYFLOAT h i 1e
      HSET h s abc n " 2" e 1e4931
      HINCRBYFLOAT h s 1
      HINCRBYFLOAT h n 1
      HINCRBYFLOAT h e 1e4931
      HINCRBYFLOAT h e 1
    `);
    await hgetallSorted('h');
  });

  it('HINCRBYFLOAT propagates as HSET with the final value', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    await d.do('HINCRBYFLOAT', 'h', 'f', '10.5');
    await d.do('HINCRBYFLOAT', 'h', 'f', '0.1');
    await d.do('HINCRBYFLOAT', 'h', 'f', 'abc');
    await d.do('HINCRBY', 'h', 'i', '3');
    expect(seen).toEqual([
      ['HSET', 'h', 'f', '10.5'],
      ['HSET', 'h', 'f', '10.6'],
      ['HINCRBY', 'h', 'i', '3'],
    ]);
  });

  it('HRANDFIELD: shapes, counts, errors (RESP2 and RESP3)', async () => {
    for (const proto of ['2', '3']) {
      await hello(proto);
      await d.do('DEL', 'h');
      await d.do('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
      await d.do('HRANDFIELD', 'nokey');
      await d.do('HRANDFIELD', 'nokey', '3');
      await d.do('HRANDFIELD', 'nokey', '3', 'WITHVALUES');
      await d.do('HRANDFIELD', 'h', '0');
      await d.do('HRANDFIELD', 'h', '0', 'WITHVALUES');
      // count >= size: the whole listpack hash in order.
      await d.do('HRANDFIELD', 'h', '3');
      await d.do('HRANDFIELD', 'h', '10', 'WITHVALUES');
      await d.do('HRANDFIELD', 'h', '10', 'withvalues');
      await d.doShape('HRANDFIELD', 'h');
      await d.doShape('HRANDFIELD', 'h', '2');
      await d.doShape('HRANDFIELD', 'h', '1', 'WITHVALUES');
      await d.doShape('HRANDFIELD', 'h', '-5');
      await d.doShape('HRANDFIELD', 'h', '-5', 'WITHVALUES');
      await d.doShape('HRANDFIELD', 'h', '2', 'WITHVALUES');
      await d.error('HRANDFIELD', 'h', 'abc');
      await d.error('HRANDFIELD', 'h', '1', 'WITHSCORES');
      await d.error('HRANDFIELD', 'h', '1', 'WITHVALUES', 'x');
      await d.error('HRANDFIELD', 'h', '-9223372036854775808');
      await d.error('HRANDFIELD', 'h', '-4611686018427387904', 'WITHVALUES');
      await d.error('HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES');
      await d.error('HRANDFIELD', 'h', '9223372036854775808');
      await d.error('HRANDFIELD');
    }
    // RESP3 WITHVALUES pairs are [field, value] of the hash.
    await hello('3');
    const r = (await d.session.execute(['HRANDFIELD', 'h', '-20', 'WITHVALUES'])) as string[][];
    expect(r).toHaveLength(20);
    for (const [f, v] of r) expect({ a: '1', b: '2', c: '3' }[f!]).toBe(v);
  });

  it('HRANDFIELD on a hashtable hash', async () => {
    await d.do('HSET', 'h', ...fields(600));
    expect(await enc('h')).toBe('hashtable');
    await d.doSorted('HRANDFIELD', 'h', '600');
    await d.doSorted('HRANDFIELD', 'h', '1000');
    const some = (await d.doShape('HRANDFIELD', 'h', '300')) as string[];
    expect(new Set(some).size).toBe(300);
    const pairs = (await d.doShape('HRANDFIELD', 'h', '10', 'WITHVALUES')) as string[];
    for (let i = 0; i < pairs.length; i += 2) expect(pairs[i + 1]).toBe('v' + pairs[i]!.slice(1));
    expect(((await d.doShape('HRANDFIELD', 'h', '-700')) as string[]).length).toBe(700);
  });

  it('HSCAN: listpack returns everything with cursor 0; options and errors', async () => {
    await d.script(`
      HSET h a 1 b 2 c 3 ab 4
      HSCAN h 0
      HSCAN h 0 MATCH a*
      HSCAN h 0 COUNT 1
      HSCAN h 123 COUNT 1 MATCH *b
      HSCAN h 0 COUNT 0
      HSCAN h 0 COUNT abc
      HSCAN h 0 MATCH
      HSCAN h 0 FOO bar
      HSCAN h abc
      HSCAN h -1
      HSCAN nokey 0
      HSCAN nokey 0 COUNT 0
      HSCAN nokey abc
      HSCAN h
    `);
  });

  it('HSCAN iterates a hashtable hash completely', async () => {
    await d.do('HSET', 'h', ...fields(700));
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await d.session.execute(['HSCAN', 'h', cursor, 'COUNT', '50'])) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    expect(seen.size).toBe(700);
    expect(seen.get('f123')).toBe('v123');
    expect(calls).toBeGreaterThan(10);
    // MATCH filters fields; values come along.
    const [, matched] = (await d.session.execute(['HSCAN', 'h', '0', 'COUNT', '10000', 'MATCH', 'f1?'])) as [string, string[]];
    expect(matched.filter((_, i) => i % 2 === 0).sort()).toEqual(['f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19']);
  });

  it('RESP3: HGETALL is a map', async () => {
    await hello('3');
    await d.script(`
      HSET h a 1 b 2
      HGETALL h
      HGETALL nokey
      HKEYS h
      HVALS h
      HMGET h a x
    `);
    expect(await d.session.execute(['HGETALL', 'h'])).toBeInstanceOf(MapReply);
  });
});

describe('hash encodings against real redis', () => {
  it('listpack → hashtable at hash-max-listpack-entries (default 512)', async () => {
    await d.do('HSET', 'h', ...fields(511));
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'f511', 'x');
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'f0', 'updated');
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'f512', 'x');
    expect(await enc('h')).toBe('hashtable');
    await d.do('HDEL', 'h', 'f512', 'f511', 'f510');
    expect(await enc('h')).toBe('hashtable');
    await d.doSorted('HKEYS', 'h');
    await d.do('HLEN', 'h');
  });

  it('listpack → hashtable when a field or value exceeds hash-max-listpack-value (64)', async () => {
    const x64 = 'x'.repeat(64);
    const x65 = 'x'.repeat(65);
    await d.do('HSET', 'a', 'f', x64);
    await d.do('HSET', 'a', x64, 'v');
    expect(await enc('a')).toBe('listpack');
    await d.do('HSET', 'a', 'g', x65);
    expect(await enc('a')).toBe('hashtable');
    await d.do('HSET', 'b', x65, '1');
    expect(await enc('b')).toBe('hashtable');
    await d.do('HSETNX', 'c', 'f', x65);
    expect(await enc('c')).toBe('hashtable');
    await d.do('HSETNX', 'c2', 'f', 'v');
    await d.do('HSETNX', 'c2', 'f', x65);
    expect(await enc('c2')).toBe('listpack');
    await d.do('HMSET', 'e', 'f', x65);
    expect(await enc('e')).toBe('hashtable');
    await d.do('HINCRBY', 'i', x65, '1');
    expect(await enc('i')).toBe('hashtable');
    await d.do('HINCRBYFLOAT', 'j', x65, '1.5');
    expect(await enc('j')).toBe('hashtable');
    await d.do('HINCRBY', 'k', 'f', '1');
    expect(await enc('k')).toBe('listpack');
    // A long argument converts even when the command changes nothing else.
    await d.do('HSET', 'l', 'a', '1');
    await d.do('HSET', 'l', 'a', '1', 'b', x65);
    expect(await enc('l')).toBe('hashtable');
    await hgetallSorted('l');
  });

  it('thresholds follow CONFIG SET, including the ziplist aliases', async () => {
    await d.do('CONFIG', 'SET', 'hash-max-listpack-entries', '4');
    await d.do('HSET', 'h', ...fields(4));
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'f4', 'v');
    expect(await enc('h')).toBe('hashtable');

    await d.do('CONFIG', 'SET', 'hash-max-ziplist-entries', '2');
    await d.do('CONFIG', 'GET', 'hash-max-listpack-entries');
    await d.do('HSET', 'z', 'a', '1', 'b', '2');
    expect(await enc('z')).toBe('listpack');
    await d.do('HSETNX', 'z', 'c', '3');
    expect(await enc('z')).toBe('hashtable');

    await d.do('CONFIG', 'SET', 'hash-max-ziplist-value', '3');
    await d.do('HSET', 'v', 'abc', 'xyz');
    expect(await enc('v')).toBe('listpack');
    await d.do('HSET', 'v2', 'abcd', 'x');
    expect(await enc('v2')).toBe('hashtable');
    await d.do('HINCRBY', 'v3', 'f', '1000');
    expect(await enc('v3')).toBe('hashtable');
    await d.do('CONFIG', 'SET', 'hash-max-listpack-value', '64');
    await d.do('CONFIG', 'GET', 'hash-max-ziplist-value');

    await d.do('CONFIG', 'SET', 'hash-max-listpack-entries', '0');
    await d.do('HSET', 'zero', 'a', '1');
    expect(await enc('zero')).toBe('hashtable');
  });

  it('an existing listpack is converted by the next write after lowering the threshold', async () => {
    await d.do('HSET', 'h', ...fields(10));
    await d.do('CONFIG', 'SET', 'hash-max-listpack-entries', '5');
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'f0', 'again');
    expect(await enc('h')).toBe('listpack');
    await d.do('HSET', 'h', 'new', 'x');
    expect(await enc('h')).toBe('hashtable');
  });
});

describe('hash internals (Redis 7.2 code paths)', () => {
  const engine = () => new Engine({ timers: false });

  it('7.2 pre-sizes: HSET with more pairs than hash-max-listpack-entries converts even if they repeat', () => {
    // t_hash.c hashTypeTryConversion (7.2, redis#12019): new_fields = (end-start+1)/2 >
    // hash-max-listpack-entries converts before writing. 7.0.15 lacks this check.
    const e = engine();
    e.config.hashMaxListpackEntries = 1;
    const s = e.createSession();
    s.execute(['HSET', 'h', 'a', '1']);
    expect((s.db.dict.get('h') as HashObject).encoding).toBe('listpack');
    s.execute(['HSET', 'h', 'a', '1', 'a', '2']);
    expect((s.db.dict.get('h') as HashObject).encoding).toBe('hashtable');
    expect(s.execute(['HGETALL', 'h'])).toEqual(new MapReply([['a', '2']]));
    e.close();
  });

  it('clone keeps the encoding and is deep', () => {
    const h = new HashObject();
    const limits = { hashMaxListpackEntries: 512, hashMaxListpackValue: 64 };
    h.set('a', '1', limits);
    const c = h.clone();
    c.set('b', '2', limits);
    expect(h.size).toBe(1);
    expect(c.encoding).toBe('listpack');
    h.convertTo('hashtable');
    const c2 = h.clone();
    expect(c2.encoding).toBe('hashtable');
    expect([...c2.entries()]).toEqual([['a', '1']]);
  });

  it('fromEntries chooses the encoding as the RDB loader does', () => {
    const limits = { hashMaxListpackEntries: 2, hashMaxListpackValue: 4 };
    expect(HashObject.fromEntries([['a', '1'], ['b', '2']], limits).encoding).toBe('listpack');
    expect(HashObject.fromEntries([['a', '1'], ['b', '2'], ['c', '3']], limits).encoding).toBe('hashtable');
    const long = HashObject.fromEntries([['a', '1'], ['b', '12345']], limits);
    expect(long.encoding).toBe('hashtable');
    expect([...long.entries()]).toEqual([['a', '1'], ['b', '12345']]);
  });

  it('long double: x87 rounding and %.17Lf layout', () => {
    const add = (a: string, b: string) => formatLongDoubleHuman(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!));
    expect(add('10.5', '0.1')).toBe('10.6');
    expect(add('10.6', '1000.1')).toBe('1010.69999999999999996');
    expect(add('0.1', '0.2')).toBe('0.3');
    expect(add('-0.0', '0')).toBe('0');
    expect(add('0x1p-2', '0')).toBe('0.25');
    expect(parseLongDouble('nan')).toBeNull();
    expect(parseLongDouble(' 1')).toBeNull();
    expect(parseLongDouble('1e5000')).toBeNull();
    expect(parseLongDouble('1e-5000')).toBeNull();
    expect(parseLongDouble('0e-5000')).not.toBeNull();
  });
});

describe('hash random differential run', () => {
  it('random hash commands with small thresholds match redis byte for byte', async () => {
    await d.do('CONFIG', 'SET', 'hash-max-listpack-entries', '8');
    await d.do('CONFIG', 'SET', 'hash-max-listpack-value', '8');
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const key = () => `h${rnd(3)}`;
    const field = () => (rnd(10) === 0 ? `longfield${rnd(5)}` : `f${rnd(12)}`);
    const value = () => [String(rnd(100) - 50), `v${rnd(5)}`, '1.5', 'x'.repeat(rnd(12)), '007'][rnd(5)]!;
    for (let i = 0; i < 1500; i++) {
      const k = key();
      const ours = d.session.db.dict.get(k) as HashObject | undefined;
      const unordered = ours !== undefined && ours.type === 'hash' && ours.encoding === 'hashtable';
      switch (rnd(16)) {
        case 0: case 1: case 2: {
          const args = ['HSET', k];
          for (let p = 0, n = 1 + rnd(3); p < n; p++) args.push(field(), value());
          await d.do(...args);
          break;
        }
        case 3: await d.do('HSETNX', k, field(), value()); break;
        case 4: await d.do('HDEL', k, field(), field()); break;
        case 5: await d.do('HINCRBY', k, field(), String(rnd(21) - 10)); break;
        case 6: await d.do('HINCRBYFLOAT', k, field(), ['0.1', '-2.5', '3', '1e3'][rnd(4)]!); break;
        case 7: await d.do('HGET', k, field()); break;
        case 8: await d.do('HMGET', k, field(), field(), field()); break;
        case 9: await d.do('HLEN', k); break;
        case 10: await d.do('HSTRLEN', k, field()); break;
        case 11: await d.do('HEXISTS', k, field()); break;
        case 12: if (unordered) await hgetallSorted(k); else await d.do('HGETALL', k); break;
        case 13: if (unordered) await d.doSorted('HKEYS', k); else await d.do('HKEYS', k); break;
        case 14: if (unordered) await d.doSorted('HVALS', k); else await d.do('HVALS', k); break;
        case 15: await d.do('OBJECT', 'ENCODING', k); break;
      }
    }
    expect(d.compared).toBeGreaterThan(1500);
  });
});
