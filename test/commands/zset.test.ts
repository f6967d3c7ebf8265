import os from 'node:os';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { ZSetObject } from '../../src/engine/types/zset.js';
import { Engine } from '../../src/engine/engine.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { geoScore } from '../../src/engine/geohash.js';

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

/** HELLO 3 on both sides (the HELLO reply itself differs: version and client id). */
async function hello3(): Promise<void> {
  await d.both('HELLO', '3');
  expect(d.proto).toBe(3);
}

const hasSets = () => !!d.engine.commands.get('sadd')?.handler;

function zobj(key: string): ZSetObject {
  return d.engine.dbs[0]!.dict.get(key) as ZSetObject;
}

describe('ZADD / ZINCRBY', () => {
  it('adds, updates and reports like Redis', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c
      ZADD z 1 a
      ZADD z CH 5 a 2 b
      ZADD z NX 10 a 11 d
      ZADD z XX 20 a 21 e
      ZADD z XX CH 30 a 2 b
      ZADD z GT 10 a 100 b
      ZADD z GT CH 10 a 100 b
      ZADD z LT CH 1 a 200 b
      ZADD z XX GT 5 a
      ZADD z INCR 5 a
      ZADD z INCR NX 5 a
      ZADD z INCR XX 5 nosuch
      ZADD z INCR GT -100 a
      ZADD z INCR LT -100 a
      ZRANGE z 0 -1 WITHSCORES
      ZINCRBY z 2.5 a
      ZINCRBY z -2.5 newmember
      ZINCRBY z 1e308 newmember
      ZINCRBY z 1e308 newmember
      ZADD z +inf inf1
      ZINCRBY z -inf inf1
      ZADD z -inf ninf 0 zero -0 negzero 1.5 f 0.1 g 1e-7 h 123456789012 i 1e20 j
      ZRANGE z 0 -1 WITHSCORES
      ZSCORE z negzero
      ZADD z xx nx 1 a
      ZADD z gt lt 1 a
      ZADD z gt nx 1 a
      ZADD z lt nx 1 a
      ZADD z incr 1 a 2 b
      ZADD z 1
      ZADD z 1 a 2
      ZADD z nan a
      ZADD z abc a
      ZADD z 1 a abc b
      ZADD z CH
      ZADD nokey XX 1 a
      ZADD nokey XX INCR 1 a
      EXISTS nokey
      SET s x
      ZADD s 1 a
      ZADD s xx nx 1 a
      ZADD s abc a
      ZINCRBY s 1 a
      ZINCRBY z abc a
      ZINCRBY z nx a
      ZINCRBY z 1
    `);
    expect(d.compared).toBeGreaterThan(40);
  });

  it('RESP3 doubles', async () => {
    await d.script(`
    `);
    await hello3();
    await d.script(`
      ZADD z 1.5 a 2 b -0 c
      ZINCRBY z 1 a
      ZADD z INCR 1 b
      ZADD z INCR XX 1 nosuch
      ZSCORE z a
      ZSCORE z c
      ZSCORE z nosuch
      ZMSCORE z a nosuch b
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z 0 -1
    `);
  });
});

describe('reads', () => {
  it('ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZCOUNT ZLEXCOUNT', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e
      ZCARD z
      ZCARD nokey
      ZSCORE z c
      ZSCORE nokey c
      ZMSCORE z a x e
      ZMSCORE nokey a b
      ZRANK z a
      ZRANK z e
      ZRANK z x
      ZRANK nokey a
      ZREVRANK z a
      ZREVRANK z e
      ZREVRANK z x
      ZCOUNT z -inf +inf
      ZCOUNT z (1 3
      ZCOUNT z 1 (3
      ZCOUNT z (1 (1
      ZCOUNT z 3 1
      ZCOUNT z 2 2
      ZCOUNT z a b
      ZCOUNT z ( 3
      ZCOUNT z "" 3
      ZCOUNT z " 1" 3
      ZCOUNT z 1e400 +inf
      ZCOUNT z -INF inf
      ZCOUNT z nan 1
      ZCOUNT nokey 1 2
      ZCOUNT nokey a b
      ZADD l 0 a 0 b 0 c 0 d 0 e
      ZLEXCOUNT l - +
      ZLEXCOUNT l [b [d
      ZLEXCOUNT l (b (d
      ZLEXCOUNT l + -
      ZLEXCOUNT l - -
      ZLEXCOUNT l [a [a
      ZLEXCOUNT l (a (a
      ZLEXCOUNT l a b
      ZLEXCOUNT l [a +x
      ZLEXCOUNT l "" +
      ZLEXCOUNT nokey - +
      ZLEXCOUNT nokey a b
      SET s x
      ZCARD s
      ZSCORE s a
      ZMSCORE s a
      ZRANK s a
      ZCOUNT s 1 2
      ZCOUNT s a b
      ZLEXCOUNT s - +
    `);
  });

  it('ZRANGE family with every option', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e 5 f
      ZRANGE z 0 -1
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z 1 3 withscores
      ZRANGE z -2 -1
      ZRANGE z -100 100
      ZRANGE z 3 1
      ZRANGE z 10 20
      ZRANGE z 0 -1 REV
      ZRANGE z 0 1 REV WITHSCORES
      ZRANGE z 1 4 BYSCORE
      ZRANGE z (1 (4 BYSCORE WITHSCORES
      ZRANGE z -inf +inf BYSCORE LIMIT 1 2
      ZRANGE z -inf +inf BYSCORE LIMIT 1 -1
      ZRANGE z -inf +inf BYSCORE LIMIT -1 2
      ZRANGE z -inf +inf BYSCORE LIMIT 10 2
      ZRANGE z +inf -inf BYSCORE REV LIMIT 1 2 WITHSCORES
      ZRANGE z 4 1 BYSCORE REV
      ZRANGE z 1 4 BYSCORE REV
      ZRANGE z - + BYLEX
      ZRANGE z [b (e BYLEX
      ZRANGE z + - BYLEX REV LIMIT 1 2
      ZRANGE z - + BYLEX WITHSCORES
      ZRANGE z 0 1 LIMIT 0 1
      ZRANGE z 0 1 BYSCORE BYLEX
      ZRANGE z 0 1 REV REV
      ZRANGE z 0 1 LIMIT 0
      ZRANGE z 0 1 LIMIT a b
      ZRANGE z a 1
      ZRANGE z a 1 BYSCORE
      ZRANGE z a 1 BYLEX
      ZRANGE z 0 1 foo
      ZRANGE nokey 0 1
      ZRANGE nokey a b BYSCORE
      ZREVRANGE z 0 -1
      ZREVRANGE z 0 2 WITHSCORES
      ZREVRANGE z 0 2 BYSCORE
      ZRANGEBYSCORE z 2 4
      ZRANGEBYSCORE z 2 4 WITHSCORES LIMIT 1 1
      ZRANGEBYSCORE z 2 4 REV
      ZRANGEBYSCORE z (2 +inf
      ZREVRANGEBYSCORE z 4 2
      ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 3
      ZREVRANGEBYSCORE z 2 4
      ZRANGEBYLEX z - +
      ZRANGEBYLEX z [c + LIMIT 1 10
      ZRANGEBYLEX z - + WITHSCORES
      ZREVRANGEBYLEX z + -
      ZREVRANGEBYLEX z (e [b
      ZRANGEBYLEX z a b
      SET s x
      ZRANGE s 0 1
      ZRANGE s a b
      ZRANGEBYSCORE s 0 1
      ZREVRANGEBYLEX s + -
    `);
    await hello3();
    await d.script(`
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z 0 -1
      ZRANGEBYSCORE z -inf +inf WITHSCORES
      ZREVRANGE z 0 1 WITHSCORES
      ZRANGE nokey 0 -1 WITHSCORES
    `);
  });

  it('ZRANGESTORE', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e
      ZRANGESTORE dst z 0 2
      ZRANGE dst 0 -1 WITHSCORES
      ZRANGESTORE dst z 1 3 BYSCORE REV
      ZRANGESTORE dst z 3 1 BYSCORE REV LIMIT 0 1
      ZRANGE dst 0 -1 WITHSCORES
      ZRANGESTORE dst z - + BYLEX
      ZRANGESTORE dst z 10 20
      EXISTS dst
      ZRANGESTORE dst z 0 -1
      ZRANGESTORE dst nokey 0 -1
      EXISTS dst
      ZRANGESTORE dst z 0 -1 WITHSCORES
      ZRANGESTORE dst z 0 -1 LIMIT 0 1
      SET s x
      ZRANGESTORE dst s 0 -1
      ZRANGESTORE s z 0 -1
      TYPE s
    `);
  });
});

describe('writes', () => {
  it('ZREM and ZREMRANGEBY*', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g
      ZREM z a x
      ZREM z x y
      ZREM nokey a
      ZREMRANGEBYRANK z 0 0
      ZREMRANGEBYRANK z -1 -1
      ZREMRANGEBYRANK z 5 10
      ZREMRANGEBYRANK z a 1
      ZRANGE z 0 -1
      ZREMRANGEBYSCORE z (3 4
      ZREMRANGEBYSCORE z a b
      ZREMRANGEBYSCORE z 10 20
      ZREMRANGEBYLEX z a b
      ZADD l 0 a 0 b 0 c 0 d
      ZREMRANGEBYLEX l [b (d
      ZRANGE l 0 -1
      ZREMRANGEBYLEX l - +
      EXISTS l
      ZREM z c e f
      EXISTS z
      ZREMRANGEBYRANK nokey 0 -1
      ZREMRANGEBYSCORE nokey 0 1
      ZREMRANGEBYLEX nokey - +
      SET s x
      ZREM s a
      ZREMRANGEBYRANK s 0 1
      ZREMRANGEBYSCORE s 0 1
      ZREMRANGEBYLEX s - +
    `);
  });

  it('ZPOPMIN ZPOPMAX ZMPOP', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e
      ZPOPMIN z
      ZPOPMAX z
      ZPOPMIN z 2
      ZPOPMIN z 0
      ZPOPMIN z -1
      ZPOPMIN z a
      ZPOPMIN z 1 2
      ZPOPMAX z 10
      EXISTS z
      ZPOPMIN nokey
      ZPOPMIN nokey 2
      ZADD z 1 a 2 b 3 c
      ZMPOP 1 z MIN
      ZMPOP 2 nokey z MAX COUNT 10
      ZMPOP 1 z MIN
      ZMPOP 0 z MIN
      ZMPOP -1 z MIN
      ZMPOP a z MIN
      ZMPOP 2 z MIN
      ZMPOP 1 z FOO
      ZMPOP 1 z MIN COUNT 0
      ZMPOP 1 z MIN COUNT a
      ZMPOP 1 z MIN COUNT 1 COUNT 1
      ZMPOP 1 z MIN BAR
      SET s x
      ZPOPMIN s
      ZMPOP 1 s MIN
      ZADD z 1 a 2 b 3 c
    `);
    await hello3();
    await d.script(`
      ZPOPMIN z
      ZPOPMIN z 1
      ZPOPMAX z 5
      ZADD z 1 a 2 b 3 c
      ZMPOP 1 z MAX COUNT 2
      ZMPOP 1 nokey MAX COUNT 2
      ZPOPMIN nokey
    `);
  });

  it('blocking pops served at once, timeouts, errors', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c
      BZPOPMIN z 0
      BZPOPMAX nokey z 0
      BZMPOP 0 2 nokey z MIN COUNT 5
      BZPOPMIN nokey 0.01
      BZPOPMAX nokey 0.01
      BZMPOP 0.01 1 nokey MIN
      BZPOPMIN z abc
      BZPOPMIN z -1
      BZMPOP -1 1 z MIN
      BZMPOP abc 1 z MIN
      BZMPOP 0 0 z MIN
      SET s x
      BZPOPMIN s 0
      BZMPOP 0 1 s MIN
      MULTI
      BZPOPMIN nokey 0
      BZMPOP 0 1 nokey MAX
      EXEC
    `);
    await hello3();
    await d.script(`
      ZADD z 1 a 2 b
      BZPOPMIN z 0
      BZMPOP 0 1 z MIN COUNT 3
    `);
  });
});

describe('set operations', () => {
  it('ZUNION ZINTER ZDIFF and STORE variants', async () => {
    await d.script(`
      ZADD z1 1 a 2 b 3 c
      ZADD z2 10 b 20 c 30 d
      ZUNION 2 z1 z2
      ZUNION 2 z1 z2 WITHSCORES
      ZUNION 2 z1 z2 WEIGHTS 2 3 WITHSCORES
      ZUNION 2 z1 z2 AGGREGATE MIN WITHSCORES
      ZUNION 2 z1 z2 AGGREGATE MAX WITHSCORES
      ZUNION 2 z1 z2 WEIGHTS 1 WITHSCORES
      ZUNION 2 z1 z2 WEIGHTS a b
      ZUNION 2 z1 z2 AGGREGATE FOO
      ZUNION 2 z1 z2 FOO
      ZUNION 0 z1
      ZUNION -1 z1
      ZUNION a z1
      ZUNION 3 z1 z2
      ZINTER 2 z1 z2 WITHSCORES
      ZINTER 2 z1 z1 WITHSCORES
      ZINTER 2 z1 nokey WITHSCORES
      ZINTER 2 z1 z2 WEIGHTS 1 -1 AGGREGATE MAX WITHSCORES
      ZDIFF 2 z1 z2 WITHSCORES
      ZDIFF 2 z1 z1
      ZDIFF 1 z1
      ZDIFF 2 z1 z2 WEIGHTS 1 2
      ZDIFF 2 nokey z1
      ZINTERCARD 2 z1 z2
      ZINTERCARD 2 z1 z2 LIMIT 1
      ZINTERCARD 2 z1 z2 LIMIT 0
      ZINTERCARD 2 z1 z2 LIMIT -1
      ZINTERCARD 2 z1 z2 LIMIT a
      ZINTERCARD 0 z1
      ZINTERCARD 2 z1 z2 WITHSCORES
      ZUNIONSTORE dst 2 z1 z2
      ZRANGE dst 0 -1 WITHSCORES
      ZINTERSTORE dst 2 z1 z2 WEIGHTS 2 2
      ZRANGE dst 0 -1 WITHSCORES
      ZDIFFSTORE dst 2 z1 z2
      ZRANGE dst 0 -1 WITHSCORES
      ZINTERSTORE dst 2 z1 nokey
      EXISTS dst
      ZUNIONSTORE dst 2 z1 z2 WITHSCORES
      ZUNIONSTORE dst 0 z1
      SET str x
      ZUNION 2 z1 str
      ZUNIONSTORE dst 2 z1 str
      ZINTER 2 str z1 FOO
      ZADD inf 1 a
      ZADD ninf -inf a
      ZUNION 2 inf ninf WEIGHTS +inf 1 WITHSCORES
      ZUNION 2 inf ninf WEIGHTS 0 +inf WITHSCORES
    `);
    await hello3();
    await d.script(`
      ZUNION 2 z1 z2 WITHSCORES
      ZINTER 2 z1 z2
    `);
  });
});

describe('sets as inputs', () => {
  it.skipIf(!hasSets)('score 1 for set members', async () => {
    if (!hasSets()) return;
    await d.script(`
      ZADD z1 1 a 2 b 3 c
      SADD s1 a d x
      SADD s2 1 2 3
      ZUNION 2 z1 s1 WITHSCORES
      ZUNION 3 z1 s1 s2 WEIGHTS 1 2 3 WITHSCORES
      ZINTER 2 z1 s1 WITHSCORES
      ZINTER 2 s1 z1 AGGREGATE MAX WITHSCORES
      ZDIFF 2 z1 s1 WITHSCORES
      ZDIFF 2 s1 z1 WITHSCORES
      ZINTERCARD 2 s1 z1
      ZUNIONSTORE dst 2 s1 s2
      ZRANGE dst 0 -1 WITHSCORES
    `);
  });
});

describe('random and scan', () => {
  it('ZRANDMEMBER shapes and errors', async () => {
    await d.script(`
      ZADD z 1 a 2 b 3 c
      ZRANDMEMBER z 10
      ZRANDMEMBER z 10 WITHSCORES
      ZRANDMEMBER z 3 WITHSCORES
      ZRANDMEMBER z 0
      ZRANDMEMBER nokey
      ZRANDMEMBER nokey 5
      ZRANDMEMBER z a
      ZRANDMEMBER z 1 foo
      ZRANDMEMBER z 1 WITHSCORES x
      ZRANDMEMBER z -9223372036854775808
      ZRANDMEMBER z 9223372036854775807 WITHSCORES
      ZRANDMEMBER z -9223372036854775807 WITHSCORES
    `);
    await d.doShape('ZRANDMEMBER', 'z');
    await d.doShape('ZRANDMEMBER', 'z', '2');
    await d.doShape('ZRANDMEMBER', 'z', '-5');
    await d.doShape('ZRANDMEMBER', 'z', '-5', 'WITHSCORES');
    await d.doShape('ZRANDMEMBER', 'z', '2', 'WITHSCORES');
    await hello3();
    await d.doShape('ZRANDMEMBER', 'z', '2', 'WITHSCORES');
    await d.do('ZRANDMEMBER', 'z', '5', 'WITHSCORES');
  });

  it('ZSCAN', async () => {
    await d.script(`
      ZADD z 1 a 2.5 b 3 c
      ZSCAN z 0
      ZSCAN z 0 MATCH a*
      ZSCAN z 0 COUNT 1
      ZSCAN nokey 0
      ZSCAN z abc
      ZSCAN z 0 COUNT 0
      ZSCAN z 0 FOO
      ZSCAN nokey 0 FOO
      ZSCAN z 0 TYPE zset
      SET s x
      ZSCAN s 0
    `);
  });
});

describe('encodings', () => {
  it('converts listpack → skiplist at the thresholds like Redis', async () => {
    const steps: string[] = [];
    for (let i = 0; i < 128; i++) steps.push(`ZADD big ${i} m${i}`);
    for (const s of steps) await d.do(...s.split(' '));
    await d.do('OBJECT', 'ENCODING', 'big');
    expect(zobj('big').encoding).toBe('listpack');
    await d.do('ZADD', 'big', '128', 'm128');
    await d.do('OBJECT', 'ENCODING', 'big');
    expect(zobj('big').encoding).toBe('skiplist');
    await d.do('ZREMRANGEBYRANK', 'big', '0', '100');
    await d.do('OBJECT', 'ENCODING', 'big');
    expect(zobj('big').encoding).toBe('skiplist');
    await d.do('ZADD', 'long', '1', 'x'.repeat(64));
    await d.do('OBJECT', 'ENCODING', 'long');
    expect(zobj('long').encoding).toBe('listpack');
    await d.do('ZADD', 'long', '1', 'y'.repeat(65));
    await d.do('OBJECT', 'ENCODING', 'long');
    expect(zobj('long').encoding).toBe('skiplist');
    await d.do('ZADD', 'long2', '1', 'y'.repeat(65));
    expect(zobj('long2').encoding).toBe('skiplist');
    await d.do('OBJECT', 'ENCODING', 'long2');
    // *STORE converts back to a listpack when small
    await d.do('ZRANGESTORE', 'small', 'big', '0', '2');
    await d.do('OBJECT', 'ENCODING', 'small');
    await d.do('ZUNIONSTORE', 'small2', '1', 'big');
    await d.do('OBJECT', 'ENCODING', 'small2');
    expect(zobj('small2').encoding).toBe('listpack');
    await d.do('ZUNIONSTORE', 'small3', '1', 'long');
    await d.do('OBJECT', 'ENCODING', 'small3');
    expect(zobj('small3').encoding).toBe('skiplist');
  });

  it('follows CONFIG SET (and the ziplist aliases)', async () => {
    await d.do('CONFIG', 'SET', 'zset-max-ziplist-entries', '3');
    await d.do('CONFIG', 'SET', 'zset-max-listpack-value', '5');
    await d.do('ZADD', 'z', '1', 'a', '2', 'b', '3', 'c');
    await d.do('OBJECT', 'ENCODING', 'z');
    expect(zobj('z').encoding).toBe('listpack');
    await d.do('ZADD', 'z', '4', 'd');
    await d.do('OBJECT', 'ENCODING', 'z');
    expect(zobj('z').encoding).toBe('skiplist');
    await d.do('ZADD', 'w', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
    await d.do('OBJECT', 'ENCODING', 'w');
    await d.do('ZADD', 'v', '1', 'abcde');
    await d.do('OBJECT', 'ENCODING', 'v');
    await d.do('ZADD', 'v', '1', 'abcdef');
    await d.do('OBJECT', 'ENCODING', 'v');
    await d.do('ZADD', 'u', '1', 'a', '2', 'a', '3', 'a', '4', 'a');
    await d.do('OBJECT', 'ENCODING', 'u');
    await d.do('ZADD', 't', '1', 'a');
    await d.do('ZADD', 't', '1', 'a', '2', 'a', '3', 'a', '4', 'a');
    await d.do('OBJECT', 'ENCODING', 't');
    await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    await d.do('ZADD', 'zero', '1', 'a');
    await d.do('OBJECT', 'ENCODING', 'zero');
    expect(zobj('zero').encoding).toBe('skiplist');
  });

  it('skiplist-encoded sets behave the same', async () => {
    await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    await d.script(`
      ZADD z 1 a 2 b 3 c 4 d 5 e 5 f 0 g
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z 2 4 REV
      ZRANGE z (1 5 BYSCORE LIMIT 1 3
      ZRANGE z 5 (1 BYSCORE REV LIMIT 1 3
      ZRANGE z - + BYLEX LIMIT 2 2
      ZRANK z e
      ZREVRANK z e
      ZCOUNT z 2 5
      ZLEXCOUNT z [b [e
      ZADD z 2.5 a
      ZRANGE z 0 -1 WITHSCORES
      ZINCRBY z 10 g
      ZRANGE z 0 -1 WITHSCORES
      ZREMRANGEBYSCORE z 3 4
      ZREMRANGEBYRANK z 1 1
      ZREMRANGEBYLEX z [a [b
      ZRANGE z 0 -1 WITHSCORES
      ZPOPMIN z
      ZPOPMAX z
      ZRANDMEMBER z 100 WITHSCORES
      ZREM z e f g
      EXISTS z
    `);
    await d.do('ZADD', 'z', '1', 'a', '2', 'b', '2.5', 'c');
    // Dict order is Redis's hash order: compare the (member, score) pairs as a set.
    const [ours, theirs] = await d.both('ZSCAN', 'z', '0', 'COUNT', '100');
    const pairs = (r: unknown) => {
      const [cursor, items] = r as [string, string[]];
      const out: string[] = [];
      for (let i = 0; i < items.length; i += 2) out.push(items[i] + '=' + items[i + 1]);
      return [cursor, out.sort()];
    };
    expect(pairs(ours)).toEqual(pairs(theirs));
  });
});

describe('ZSetObject unit', () => {
  it('keeps order and ranks over many random operations', () => {
    const engine = new Engine({ timers: false });
    const cfg = engine.config;
    const z = new ZSetObject('skiplist');
    const ref = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const m = 'm' + Math.floor(Math.random() * 500);
      if (Math.random() < 0.3) {
        z.delete(m);
        ref.delete(m);
      } else {
        const s = Math.floor(Math.random() * 50);
        z.add(cfg, s, m, 0);
        ref.set(m, s);
      }
    }
    const expected = [...ref].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect([...z.entries()]).toEqual(expected);
    expected.forEach(([m], i) => expect(z.rank(m, false)).toBe(i));
    const c = z.clone();
    expect([...c.entries()]).toEqual(expected);
    expect(c.encoding).toBe('skiplist');
    engine.close();
  });

  it('fromEntries picks the encoding as the loader does', () => {
    const engine = new Engine({ timers: false });
    const small = ZSetObject.fromEntries(engine.config, [['b', 2], ['a', 1]]);
    expect(small.encoding).toBe('listpack');
    expect([...small.entries()]).toEqual([['a', 1], ['b', 2]]);
    const big = ZSetObject.fromEntries(engine.config, Array.from({ length: 129 }, (_, i) => ['m' + i, i] as [string, number]));
    expect(big.encoding).toBe('skiplist');
    expect(big.score('m5')).toBe(5);
    engine.close();
  });
});

describe('blocking and propagation', () => {
  it('BZPOPMIN / BZPOPMAX / BZMPOP wake up on ZADD like Redis and propagate the pop', async () => {
    const c2 = await d.real.client();
    const log: string[][] = [];
    d.engine.onPropagate((_db, argv) => log.push(argv));
    const other = d.engine.createSession();
    const cases: Array<[string[], string[]]> = [
      [['BZPOPMIN', 'k1', 'k2', '0'], ['ZPOPMIN', 'k2']],
      [['BZPOPMAX', 'k2', '5'], ['ZPOPMAX', 'k2']],
      [['BZMPOP', '0', '2', 'k1', 'k2', 'MAX', 'COUNT', '2'], ['ZPOPMAX', 'k2', '2']],
      [['BZMPOP', '0', '1', 'k2', 'MIN', 'COUNT', '10'], ['ZPOPMIN', 'k2', '3']],
    ];
    for (const [cmd, propagated] of cases) {
      const theirs = d.client.call(...cmd);
      const ours = d.session.execute(cmd);
      expect(ours).toBeInstanceOf(Promise);
      await new Promise((r) => setTimeout(r, 30));
      await c2.call('ZADD', 'k2', '1', 'a', '2', 'b', '3', 'c');
      log.length = 0;
      other.execute(['ZADD', 'k2', '1', 'a', '2', 'b', '3', 'c']);
      expect(encodeReply(await ours, 2)).toBe(encodeReply(await theirs, 2));
      expect(log).toEqual([['ZADD', 'k2', '1', 'a', '2', 'b', '3', 'c'], propagated]);
      await c2.call('DEL', 'k2');
      other.execute(['DEL', 'k2']);
    }
    c2.close();
  });

  it('times out with a null array', async () => {
    const theirs = d.client.call('BZPOPMIN', 'nokey', '0.05');
    const ours = d.session.execute(['BZPOPMIN', 'nokey', '0.05']);
    expect(encodeReply(await ours, 2)).toBe(encodeReply(await theirs, 2));
    expect(encodeReply(await ours, 2)).toBe('*-1\r\n');
    const t2 = d.client.call('BZMPOP', '0.05', '1', 'nokey', 'MIN');
    const o2 = d.session.execute(['BZMPOP', '0.05', '1', 'nokey', 'MIN']);
    expect(encodeReply(await o2, 2)).toBe(encodeReply(await t2, 2));
  });

  it('rewrites ZMPOP and immediate blocking pops for the AOF', async () => {
    const log: string[][] = [];
    d.engine.onPropagate((_db, argv) => log.push(argv));
    const s = d.session;
    s.execute(['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd']);
    s.execute(['ZMPOP', '2', 'nokey', 'z', 'MIN', 'COUNT', '2']);
    s.execute(['BZPOPMAX', 'z', '0']);
    s.execute(['BZMPOP', '0', '1', 'z', 'MAX', 'COUNT', '5']);
    s.execute(['ZADD', 'z', '1', 'a']);
    s.execute(['ZADD', 'z', '1', 'a']); // no change: not propagated
    s.execute(['ZADD', 'z', 'XX', '1', 'nosuch']);
    s.execute(['ZINCRBY', 'z', '1', 'a']);
    expect(log).toEqual([
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZPOPMIN', 'z', '2'],
      ['ZPOPMAX', 'z'],
      ['ZPOPMAX', 'z', '1'],
      ['ZADD', 'z', '1', 'a'],
      ['ZINCRBY', 'z', '1', 'a'],
    ]);
  });

  it('fires keyspace events as Redis does', async () => {
    const events: string[] = [];
    d.engine.config.notifyKeyspaceEvents = 'KEA';
    const sub = d.engine.createSession();
    sub.onPush = (r) => {
      const items = r as string[];
      if (items[0] === 'pmessage') events.push(`${items[2]} ${items[3]}`);
    };
    sub.execute(['PSUBSCRIBE', '__keyevent@0__:*']);
    const s = d.session;
    s.execute(['ZADD', 'z', '1', 'a', '2', 'b']);
    s.execute(['ZINCRBY', 'z', '1', 'a']);
    s.execute(['ZREM', 'z', 'a']);
    s.execute(['ZPOPMIN', 'z']);
    s.execute(['ZADD', 'z', '1', 'a', '2', 'b']);
    s.execute(['ZREMRANGEBYSCORE', 'z', '0', '10']);
    s.execute(['ZADD', 'z', '1', 'a']);
    s.execute(['ZRANGESTORE', 'dst', 'z', '0', '-1']);
    s.execute(['ZUNIONSTORE', 'dst', '1', 'z']);
    s.execute(['ZINTERSTORE', 'dst', '1', 'nokey']);
    expect(events).toEqual([
      '__keyevent@0__:zadd z',
      '__keyevent@0__:zincr z',
      '__keyevent@0__:zrem z',
      '__keyevent@0__:zpopmin z',
      '__keyevent@0__:del z',
      '__keyevent@0__:zadd z',
      '__keyevent@0__:zremrangebyscore z',
      '__keyevent@0__:del z',
      '__keyevent@0__:zadd z',
      '__keyevent@0__:zrangestore dst',
      '__keyevent@0__:zunionstore dst',
      '__keyevent@0__:del dst',
    ]);
  });

  it('ZADD into a 10k-member zset reaches 300k ops/s in process', (ctx) => {
    const e = new Engine({ timers: false });
    const s = e.createSession();
    const members = Array.from({ length: 10000 }, (_, i) => `member:${i}`);
    s.execute(['ZADD', 'z', ...members.flatMap((m, i) => [String(i), m])]);
    const ops = Array.from({ length: 50000 }, (_, i) => ['ZADD', 'z', String((i * 7919) % 100003), members[(i * 31) % 10000]!]);
    let best = 0;
    for (let round = 0; round < 6 && best < 300000; round++) {
      const t = performance.now();
      for (const op of ops) s.execute(op);
      best = Math.max(best, ops.length / ((performance.now() - t) / 1000));
    }
    e.close();
    // The target is for a machine that is not saturated: under heavy load (parallel test
    // files on 2 cores) a slow run says nothing, so it is reported as skipped, not passed.
    if (best < 300000 && os.loadavg()[0]! > os.cpus().length) ctx.skip();
    expect(best).toBeGreaterThanOrEqual(300000);
  });
});

describe('randomized differential', () => {
  for (const entries of ['128', '4']) {
    it(`random command mix (zset-max-listpack-entries ${entries})`, async () => {
      await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
      let seed = entries === '4' ? 7 : 99;
      const rnd = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return Math.floor((seed / 2147483648) * n);
      };
      const member = () => String.fromCharCode(97 + rnd(8)) + (rnd(3) ? '' : String.fromCharCode(97 + rnd(4)));
      const score = () => ['0', '1', '2', '2.5', '-1', '3', '(1', '(2', '-inf', '+inf', '1e2'][rnd(11)]!;
      const lex = () => ['-', '+', '[a', '(b', '[c', '(d', '[e', '[f', '(g', '[h'][rnd(10)]!;
      const idx = () => String(rnd(12) - 6);
      const keys = ['za', 'zb', 'zc'];
      const key = () => keys[rnd(3)]!;
      for (let i = 0; i < 1500; i++) {
        const k = key();
        const plain = () => score().replace('(', '');
        const pick = rnd(24);
        let cmd: string[];
        switch (pick) {
          case 0: case 1: case 2: cmd = ['ZADD', k, plain(), member(), plain(), member()]; break;
          case 3: cmd = ['ZADD', k, ['NX', 'XX', 'GT', 'LT', 'CH'][rnd(5)]!, plain(), member()]; break;
          case 4: cmd = ['ZINCRBY', k, plain(), member()]; break;
          case 5: cmd = ['ZREM', k, member(), member()]; break;
          case 6: cmd = ['ZRANGE', k, idx(), idx(), ...(rnd(2) ? ['WITHSCORES'] : []), ...(rnd(2) ? ['REV'] : [])]; break;
          case 7: cmd = ['ZRANGE', k, score(), score(), 'BYSCORE', ...(rnd(2) ? ['REV'] : []), ...(rnd(2) ? ['LIMIT', String(rnd(4)), String(rnd(5) - 1)] : []), 'WITHSCORES']; break;
          // Lex ranges are only defined when all scores are equal: use the all-zero key.
          case 8: cmd = ['ZRANGE', 'zl', lex(), lex(), 'BYLEX', ...(rnd(2) ? ['REV'] : []), ...(rnd(2) ? ['LIMIT', String(rnd(4)), String(rnd(5) - 1)] : [])]; break;
          case 9: cmd = ['ZCOUNT', k, score(), score()]; break;
          case 10: cmd = ['ZLEXCOUNT', 'zl', lex(), lex()]; break;
          case 11: cmd = ['ZRANK', k, member()]; break;
          case 12: cmd = ['ZREVRANK', k, member()]; break;
          case 13: cmd = ['ZREMRANGEBYRANK', k, idx(), idx()]; break;
          case 14: cmd = ['ZREMRANGEBYSCORE', k, score(), score()]; break;
          case 15: cmd = ['ZREMRANGEBYLEX', 'zl', lex(), lex()]; break;
          case 16: cmd = [['ZPOPMIN', 'ZPOPMAX'][rnd(2)]!, k, String(rnd(3))]; break;
          case 17: cmd = ['ZUNIONSTORE', key(), '2', k, key(), 'AGGREGATE', ['SUM', 'MIN', 'MAX'][rnd(3)]!]; break;
          case 18: cmd = ['ZINTER', '2', k, key(), 'WITHSCORES']; break;
          case 19: cmd = ['ZDIFF', '2', k, key(), 'WITHSCORES']; break;
          case 20: cmd = ['ZRANGESTORE', key(), k, idx(), idx()]; break;
          case 21: cmd = rnd(2) ? ['ZMSCORE', k, member(), member()] : ['ZADD', 'zl', '0', member(), '0', member()]; break;
          case 22: cmd = ['ZMPOP', '2', k, key(), ['MIN', 'MAX'][rnd(2)]!, 'COUNT', String(rnd(3) + 1)]; break;
          default: cmd = ['ZCARD', k];
        }
        await d.do(...cmd);
        if (i % 50 === 0) for (const kk of keys) await d.do('ZRANGE', kk, '0', '-1', 'WITHSCORES');
      }
      for (const kk of keys) {
        await d.do('ZRANGE', kk, '0', '-1', 'WITHSCORES');
        await d.do('OBJECT', 'ENCODING', kk);
      }
    });
  }
});

describe('more encodings and interplay', () => {
  it('ZSCAN walks a whole skiplist-encoded set', async () => {
    const args = ['ZADD', 'big'];
    for (let i = 0; i < 500; i++) args.push(String(i / 4), 'm' + i);
    await d.do(...args);
    await d.do('OBJECT', 'ENCODING', 'big');
    const collect = async (scan: (cursor: string) => Promise<unknown>) => {
      const seen = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, items] = (await scan(cursor)) as [string, string[]];
        for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
        cursor = next;
        calls++;
      } while (cursor !== '0' && calls < 1000);
      return { seen, calls };
    };
    const ours = await collect(async (c) => d.session.execute(['ZSCAN', 'big', c, 'COUNT', '20']));
    const theirs = await collect(async (c) => d.client.call('ZSCAN', 'big', c, 'COUNT', '20'));
    expect(ours.seen.size).toBe(500);
    expect([...ours.seen].sort()).toEqual([...theirs.seen].sort());
    expect(ours.calls).toBeGreaterThan(5);
    const matched = (await d.session.execute(['ZSCAN', 'big', '0', 'MATCH', 'm1?', 'COUNT', '1000'])) as [string, string[]];
    expect(matched[0]).toBe('0');
    expect(matched[1].length).toBe(20);
  });

  it('value-length threshold on every path that creates a zset', async () => {
    await d.do('CONFIG', 'SET', 'zset-max-ziplist-value', '8');
    await d.script(`
      ZINCRBY a 1 123456789
      OBJECT ENCODING a
      ZINCRBY b 1 12345678
      OBJECT ENCODING b
      ZADD c 1 x 2 123456789
      OBJECT ENCODING c
      ZADD d 1 123456789 2 x
      OBJECT ENCODING d
      ZADD e 1 x
      ZADD e 2 123456789
      OBJECT ENCODING e
      ZADD src 1 x 2 y 3 123456789
      ZRANGESTORE f src 0 1
      OBJECT ENCODING f
      ZRANGESTORE g src 0 -1
      OBJECT ENCODING g
      ZRANGESTORE h src 0 10 BYSCORE
      OBJECT ENCODING h
      ZUNIONSTORE i 1 src
      OBJECT ENCODING i
      ZINTERSTORE j 2 src src
      OBJECT ENCODING j
      ZDIFFSTORE k 1 src
      OBJECT ENCODING k
      ZREM src 123456789
      OBJECT ENCODING src
      ZUNIONSTORE l 1 src
      OBJECT ENCODING l
      GEOADD geo 1 1 123456789
      OBJECT ENCODING geo
      GEOADD geo2 1 1 x
      GEOSEARCHSTORE geo3 geo2 FROMLONLAT 1 1 BYRADIUS 10 km
      OBJECT ENCODING geo3
    `);
  });

  it('entries threshold on the *STORE paths', async () => {
    await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', '3');
    await d.script(`
      ZADD src 1 a 2 b 3 c 4 d 5 e
      OBJECT ENCODING src
      ZRANGESTORE d1 src 0 2
      OBJECT ENCODING d1
      ZRANGESTORE d2 src 0 3
      OBJECT ENCODING d2
      ZRANGESTORE d3 src 0 10 BYSCORE LIMIT 0 3
      OBJECT ENCODING d3
      ZRANGESTORE d4 src 0 10 BYSCORE LIMIT 0 4
      OBJECT ENCODING d4
      ZUNIONSTORE d5 1 src
      OBJECT ENCODING d5
      ZREMRANGEBYRANK d5 0 2
      OBJECT ENCODING d5
      ZUNIONSTORE d6 1 d5
      OBJECT ENCODING d6
      ZINTERSTORE d7 2 src d1
      OBJECT ENCODING d7
      ZDIFFSTORE d8 2 src d1
      OBJECT ENCODING d8
    `);
  });

  it('WATCH sees only real modifications; COPY keeps the encoding', async () => {
    await d.script(`
      ZADD z 1 a 2 b
      WATCH z
      ZADD z 1 a
      ZADD z NX 5 a
      ZREM z nosuch
      ZREMRANGEBYSCORE z 10 20
      ZPOPMIN nokey
      MULTI
      ZCARD z
      EXEC
      WATCH z
      ZINCRBY z 0 a
      MULTI
      ZCARD z
      EXEC
      WATCH z
      ZADD z 3 a
      MULTI
      ZCARD z
      EXEC
      COPY z z2
      ZRANGE z2 0 -1 WITHSCORES
      OBJECT ENCODING z2
    `);
    await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', '1');
    await d.do('COPY', 'z', 'z3');
    await d.do('OBJECT', 'ENCODING', 'z3');
    await d.do('ZADD', 'z4', '1', 'a', '2', 'b');
    await d.do('COPY', 'z4', 'z5');
    await d.do('OBJECT', 'ENCODING', 'z5');
    await d.do('ZRANGE', 'z5', '0', '-1', 'WITHSCORES');
  });

  it('GEOADD propagates as ZADD', async () => {
    const log: string[][] = [];
    d.engine.onPropagate((_db, argv) => log.push(argv));
    d.session.execute(['GEOADD', 'g', 'CH', '13.361389', '38.115556', 'Palermo']);
    d.session.execute(['GEOADD', 'g', '13.361389', '38.115556', 'Palermo']);
    d.session.execute(['GEOADD', 'g', 'XX', '15', '37', 'Palermo', '1', '1', 'x']);
    expect(log).toEqual([
      ['zadd', 'g', 'CH', '3479099956230698', 'Palermo'],
      ['zadd', 'g', 'XX', String(geoScore(15, 37)), 'Palermo', String(geoScore(1, 1)), 'x'],
    ]);
  });
});

describe('loader helpers', () => {
  it('fromListpackEntries keeps a listpack up to the entries limit', () => {
    const engine = new Engine({ timers: false });
    const lp = ZSetObject.fromListpackEntries(engine.config, [['a', 1], ['x'.repeat(100), 2]]);
    expect(lp.encoding).toBe('listpack');
    expect([...lp.entries()].map((e) => e[1])).toEqual([1, 2]);
    engine.config.zsetMaxListpackEntries = 1;
    const sl = ZSetObject.fromListpackEntries(engine.config, [['a', 1], ['b', 2]]);
    expect(sl.encoding).toBe('skiplist');
    expect(sl.rank('b', false)).toBe(1);
    engine.close();
  });
});

describe('keyspace hits and misses', () => {
  it('read and write lookups count like Redis', async () => {
    const cmds = `
      ZADD z 1 a 2 b
      ZADD z2 1 a
      ZSCORE z a
      ZSCORE nokey a
      ZMSCORE nokey a
      ZRANGE z 0 -1
      ZRANGE nokey 0 -1
      ZRANGESTORE dst z 0 -1
      ZUNIONSTORE dst 2 z nokey
      ZINTER 2 z z2
      ZPOPMIN nokey
      ZPOPMIN z2
      ZREM nokey a
      ZCARD nokey
      ZRANK z a
      ZRANDMEMBER nokey
      ZSCAN nokey 0
      ZCOUNT z 0 1
      ZLEXCOUNT nokey - +
      ZMPOP 2 nokey z MIN
      GEOADD g 1 1 a
      GEOPOS g a
      GEOPOS nokey a
      GEODIST nokey a b
      GEOHASH g a
      GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 1 km
      GEOSEARCHSTORE dst nokey FROMLONLAT 1 1 BYRADIUS 1 km
    `;
    await d.script(cmds);
    const text = (r: unknown) => (typeof r === 'string' ? r : (r as { text: string }).text);
    const stat = (info: unknown, name: string) => new RegExp(`${name}:(\\d+)`).exec(text(info))?.[1];
    const [ours, theirs] = await d.both('INFO', 'stats');
    for (const f of ['keyspace_hits', 'keyspace_misses']) {
      expect(stat(theirs, f)).toMatch(/^\d+$/);
      expect(stat(ours, f)).toBe(stat(theirs, f));
    }
  });
});

describe('blocking order and transactions', () => {
  it('serves blocked clients first come first served, after EXEC, ignoring other types', async () => {
    const r2 = await d.real.client();
    const r3 = await d.real.client();
    const r4 = await d.real.client();
    const o2 = d.engine.createSession();
    const o3 = d.engine.createSession();
    const writer = d.engine.createSession();
    const theirs1 = d.client.call('BZPOPMIN', 'k', '0');
    const ours1 = d.session.execute(['BZPOPMIN', 'k', '0']);
    await new Promise((r) => setTimeout(r, 20));
    const theirs2 = r2.call('BZPOPMAX', 'k', '0');
    const ours2 = o2.execute(['BZPOPMAX', 'k', '0']);
    await new Promise((r) => setTimeout(r, 20));
    const theirs3 = r3.call('BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '5');
    const ours3 = o3.execute(['BZMPOP', '0', '1', 'k', 'MIN', 'COUNT', '5']);
    await new Promise((r) => setTimeout(r, 20));
    // A string at the key wakes nobody.
    for (const cmd of [['SET', 'k', 'v'], ['DEL', 'k']]) {
      await r4.call(...cmd);
      writer.execute(cmd);
    }
    // Added and removed inside one transaction: nothing to serve.
    for (const cmd of [['MULTI'], ['ZADD', 'k', '1', 'a'], ['ZREM', 'k', 'a'], ['EXEC']]) {
      await r4.call(...cmd);
      writer.execute(cmd);
    }
    for (const cmd of [['MULTI'], ['ZADD', 'k', '1', 'a', '2', 'b', '3', 'c'], ['ZADD', 'k', '4', 'd'], ['EXEC']]) {
      await r4.call(...cmd);
      writer.execute(cmd);
    }
    expect(encodeReply(await ours1, 2)).toBe(encodeReply(await theirs1, 2));
    expect(encodeReply(await ours2, 2)).toBe(encodeReply(await theirs2, 2));
    expect(encodeReply(await ours3, 2)).toBe(encodeReply(await theirs3, 2));
    await d.do('EXISTS', 'k');
    r2.close();
    r3.close();
    r4.close();
  });
});

describe('TTL interplay', () => {
  it('writes keep the TTL, *STORE replaces it', async () => {
    await d.script(`
      ZADD z 1 a 2 b
      EXPIRE z 100
      ZADD z 3 c
      ZINCRBY z 1 a
      ZREM z c
      ZPOPMIN z
      TTL z
      ZADD dst 1 x
      EXPIRE dst 100
      ZUNIONSTORE dst 1 z
      TTL dst
      EXPIRE dst 100
      ZRANGESTORE dst z 0 -1
      TTL dst
      EXPIRE dst 100
      GEOADD g 1 1 a
      GEOSEARCHSTORE dst g FROMLONLAT 1 1 BYRADIUS 1 km
      TTL dst
      SET str v
      EXPIRE str 100
      ZINTERSTORE str 1 z
      TYPE str
      TTL str
    `);
  });
});

describe('RESP3 sweep', () => {
  it('every reply shape matches Redis under HELLO 3', async () => {
    await d.script(`
      ZADD z 1 a 2.5 b 3 c
      ZADD z2 1 b 2 d
      GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
    `);
    await hello3();
    await d.script(`
      ZADD z INCR 1 a
      ZINCRBY z 1 a
      ZSCORE z a
      ZSCORE z nosuch
      ZMSCORE z a nosuch
      ZRANK z a
      ZRANK z nosuch
      ZRANGE z 0 -1 WITHSCORES
      ZRANGE z 0 -1 BYSCORE WITHSCORES LIMIT 0 2
      ZRANGEBYSCORE z -inf +inf WITHSCORES
      ZREVRANGEBYSCORE z +inf -inf WITHSCORES
      ZUNION 2 z z2 WITHSCORES
      ZINTER 2 z z2 WITHSCORES
      ZDIFF 2 z z2 WITHSCORES
      ZUNION 2 z z2
      ZRANDMEMBER z 10 WITHSCORES
      ZRANDMEMBER nokey 10 WITHSCORES
      ZRANDMEMBER nokey
      ZSCAN z 0
      ZSCAN nokey 0
      ZPOPMAX z
      ZPOPMAX z 1
      ZPOPMIN nokey
      ZPOPMIN nokey 1
      ZMPOP 1 z MIN
      ZMPOP 1 nokey MIN
      BZPOPMIN z2 0
      BZMPOP 0 1 z2 MAX
      BZPOPMIN nokey 0.01
      GEOPOS g Palermo nosuch
      GEOPOS nokey a
      GEODIST g Palermo Catania
      GEODIST g Palermo nosuch
      GEOHASH g Palermo nosuch
      GEOSEARCH g FROMMEMBER Palermo BYRADIUS 300 km WITHDIST WITHHASH ASC
      GEOSEARCH nokey FROMMEMBER Palermo BYRADIUS 300 km
    `);
  });
});

describe('binary members', () => {
  it('orders and stores raw bytes like Redis', async () => {
    const b = (...bytes: number[]) => Buffer.from(bytes);
    await d.do('ZADD', 'z', '0', b(0xff), '0', b(0x00), '0', '', '0', b(0x7f, 0x80), '0', 'a', '0', b(0xe2, 0x82, 0xac));
    await d.do('ZRANGE', 'z', '0', '-1');
    await d.do('ZRANGE', 'z', '-', '+', 'BYLEX');
    await d.do('ZRANGE', 'z', Buffer.concat([Buffer.from('['), b(0x7f)]), '+', 'BYLEX');
    await d.do('ZRANGE', 'z', '(', '+', 'BYLEX');
    await d.do('ZRANGE', 'z', '[', '[', 'BYLEX');
    await d.do('ZSCORE', 'z', '');
    await d.do('ZRANK', 'z', b(0xff));
    await d.do('ZREM', 'z', b(0x00));
    await d.do('ZLEXCOUNT', 'z', '-', Buffer.concat([Buffer.from('('), b(0xe2)]));
    await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    await d.do('ZUNIONSTORE', 'z2', '1', 'z');
    await d.do('OBJECT', 'ENCODING', 'z2');
    await d.do('ZRANGE', 'z2', '-', '+', 'BYLEX');
    await d.do('ZRANGE', 'z2', '(', '+', 'BYLEX', 'REV');
  });
});
