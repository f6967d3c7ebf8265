import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential, splitWords } from '../helpers/differential.js';
import { Engine } from '../../src/engine/engine.js';
import { SetObject } from '../../src/engine/types/set.js';
import { Intset } from '../../src/datastruct/intset.js';
import { OK, SetReply, type Reply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';

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
    await d.client.call('CONFIG', 'SET', 'set-max-intset-entries', '512');
  }
});

const enc = (key: string) => d.do('OBJECT', 'ENCODING', key);
const hello = (proto: string) => d.both('HELLO', proto);
const ints = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));
const strs = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const items = (r: Reply): Reply[] => (r instanceof SetReply ? r.items : (r as Reply[]));

/** Arrays and sets (nested too, e.g. SSCAN's) with their string elements sorted. */
function norm(r: unknown): unknown {
  if (r instanceof SetReply) r = r.items;
  if (!Array.isArray(r)) return r instanceof Object ? JSON.stringify(r) : r;
  const out = r.map(norm);
  return out.every((x) => typeof x === 'string') ? [...(out as string[])].sort() : out;
}

/** Same reply up to the order of members (hashtable order is Redis's own). */
/** Random replies: same type and length (sets compared as arrays). */
async function shape(...args: string[]): Promise<Reply> {
  const [ours, theirs] = await d.both(...args);
  const sh = (r: Reply) => (r instanceof SetReply || Array.isArray(r) ? `array(${items(r).length})` : r === null ? 'null' : typeof r);
  expect(sh(ours), args.join(' ')).toBe(sh(theirs));
  return ours;
}

async function sorted(...args: string[]): Promise<Reply> {
  const [ours, theirs] = await d.both(...args);
  expect(norm(ours), args.join(' ')).toEqual(norm(theirs));
  return ours;
}

/** d.script, with "sorted " lines compared through sorted(). */
async function script(text: string): Promise<void> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('sorted ')) await sorted(...splitWords(line.slice(7)));
    else await d.do(...splitWords(line));
  }
}

describe('set commands against real redis', () => {
  it('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS on an intset (sorted order)', async () => {
    await script(`
      SADD s 5 3 -1 3 100
      SADD s 3
      SMEMBERS s
      SCARD s
      SISMEMBER s 3
      SISMEMBER s 4
      SISMEMBER s 03
      SISMEMBER s abc
      SMISMEMBER s 3 4 5 abc
      SMISMEMBER nokey 1 2
      SISMEMBER nokey 1
      SCARD nokey
      SMEMBERS nokey
      SREM s 3 4 abc
      SMEMBERS s
      SREM s 5 -1 100 7
      EXISTS s
      SREM nokey a
      SADD big 9223372036854775807 -9223372036854775808 0 9223372036854775808
      sorted SMEMBERS big
      SADD
      SADD s
      SREM s
      SCARD
      SISMEMBER s
      SMISMEMBER s
      SMEMBERS
    `);
  });

  it('non-integer members (order compared sorted where Redis 7.0 hashes)', async () => {
    await script(`
      SADD s a b c a
      sorted SMEMBERS s
      SISMEMBER s b
      SMISMEMBER s a z c
      SREM s b z
      sorted SMEMBERS s
      SCARD s
      SADD m 1 x 2 007 +3 " 4" -0
      sorted SMEMBERS m
      SISMEMBER m 007
      SISMEMBER m 7
      SREM m -0
      SCARD m
    `);
    await d.do('SADD', 'bin', 'a\x00b', '\xff', '');
    await sorted('SMEMBERS', 'bin');
    await d.do('SISMEMBER', 'bin', '');
  });

  it('WRONGTYPE, and argument errors before it where Redis parses first', async () => {
    await d.do('SET', 'str', 'x');
    await d.do('SADD', 's', '1');
    for (const args of [
      ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'], ['SMISMEMBER', 'str', 'a'],
      ['SMEMBERS', 'str'], ['SPOP', 'str'], ['SPOP', 'str', '2'], ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', '2'],
      ['SMOVE', 'str', 's', '1'], ['SMOVE', 's', 'str', '1'], ['SINTER', 's', 'str'], ['SINTER', 'nokey', 'str'],
      ['SINTERCARD', '2', 'nokey', 'str'], ['SINTERSTORE', 'd', 'nokey', 'str'], ['SUNION', 's', 'str'],
      ['SUNIONSTORE', 'd', 'str'], ['SDIFF', 'nokey', 'str'], ['SDIFF', 'str', 's'], ['SDIFFSTORE', 'd', 's', 'str'],
      ['SSCAN', 'str', '0'],
    ]) {
      await d.error(...args);
    }
    await script(`
      SMOVE nokey str 1
      SMOVE s str 9
      SPOP str -1
      SPOP str x
      SRANDMEMBER str x
      SSCAN str x
      SSCAN str 0 COUNT 0
      SINTERSTORE str s
      TYPE str
      SMEMBERS str
    `);
  });

  it('SMOVE: between sets, to a new key, same key, missing member', async () => {
    await script(`
      SADD a 1 2 3
      SADD b 3 4
      SMOVE a b 1
      SMEMBERS a
      SMEMBERS b
      SMOVE a b 3
      SMEMBERS a
      SMEMBERS b
      SMOVE a b 9
      SMOVE a a 2
      SMOVE a a 9
      SMOVE nokey b 1
      SMOVE a c 2
      EXISTS a
      SMEMBERS c
      SMOVE b c x
      SADD b x
      SMOVE b c x
      sorted SMEMBERS c
      SMOVE a b
    `);
  });

  it('SMOVE touches the destination (WATCH) only when the member was added', async () => {
    await script(`
      SADD src x y
      SADD dst x
      WATCH dst
      SMOVE src dst x
      MULTI
      PING
      EXEC
      WATCH dst
      SMOVE src dst y
      MULTI
      PING
      EXEC
      WATCH src
      SMOVE src src y
      SREM dst nosuch
      SADD src y
      MULTI
      PING
      EXEC
    `);
  });

  it('SPOP without count: member, nil, propagated as SREM, key deleted when empty', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    await d.do('SADD', 's', '7');
    await d.do('SPOP', 's');
    await d.do('EXISTS', 's');
    await d.do('SPOP', 's');
    await d.do('SPOP', 'nokey');
    await d.error('SPOP', 's', '1', '2');
    await d.error('SPOP');
    expect(seen).toEqual([['SADD', 's', '7'], ['SREM', 's', '7']]);
    await d.do('SADD', 't', 'a', 'b', 'c');
    const m = await d.doShape('SPOP', 't');
    expect(['a', 'b', 'c']).toContain(m);
    await d.do('SCARD', 't');
  });

  it('SPOP with count: shapes, errors, every strategy, propagation', async () => {
    await script(`
      SPOP nokey 3
      SPOP nokey 0
      SPOP nokey -1
      SPOP nokey abc
      SADD s 1 2 3
      SPOP s 0
      SPOP s -1
      SPOP s 1.5
      SPOP s 10
      EXISTS s
    `);
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    // CASE 1 (count >= size) propagates DEL.
    await d.do('SADD', 'p', '1', '2', '3');
    await d.do('SPOP', 'p', '3');
    expect(seen.slice(-1)).toEqual([['DEL', 'p']]);
    for (const [members, count] of [
      [ints(0, 100), 10], // CASE 2, intset
      [ints(0, 100), 90], // CASE 3, intset
      [strs(100), 10], // CASE 2, listpack (7.2)
      [strs(100), 90], // CASE 3, listpack
      [strs(300), 20], // CASE 2, hashtable
      [strs(300), 280], // CASE 3, hashtable
    ] as Array<[string[], number]>) {
      await d.do('DEL', 'x');
      await d.do('SADD', 'x', ...members);
      seen.length = 0;
      const popped = items(await shape('SPOP', 'x', String(count))) as string[];
      expect(popped).toHaveLength(count);
      expect(new Set(popped).size).toBe(count);
      await d.do('SCARD', 'x');
      const left = items((await d.session.execute(['SMEMBERS', 'x'])) as Reply) as string[];
      expect(left.filter((m) => popped.includes(m))).toEqual([]);
      expect(left.length + popped.length).toBe(members.length);
      // Propagated as SREMs of exactly the popped members, nothing else.
      expect(seen.every((a) => a[0] === 'SREM' && a[1] === 'x')).toBe(true);
      expect(seen.flatMap((a) => a.slice(2)).sort()).toEqual([...popped].sort());
    }
    // Batches of 1024 members per SREM.
    await d.do('DEL', 'x');
    await d.do('SADD', 'x', ...strs(3000));
    seen.length = 0;
    await shape('SPOP', 'x', '2500');
    expect(seen.map((a) => a.length - 2).filter((n) => n > 0)).toEqual([1024, 1024, 452]);
  });

  it('SPOP with count: RESP3 set reply', async () => {
    await hello('3');
    await d.do('SPOP', 'nokey', '2');
    await d.do('SADD', 's', '1', '2');
    await d.do('SPOP', 's', '0');
    await d.do('SPOP', 's', '5');
    await d.do('SMEMBERS', 's');
  });

  it('SRANDMEMBER: shapes, counts, errors', async () => {
    await script(`
      SRANDMEMBER nokey
      SRANDMEMBER nokey 5
      SRANDMEMBER nokey -5
      SRANDMEMBER nokey 0
      SADD s 3 1 2
      SRANDMEMBER s 0
      SRANDMEMBER s 3
      SRANDMEMBER s 100
      SRANDMEMBER s abc
      SRANDMEMBER s -9223372036854775808
      SRANDMEMBER s 9223372036854775808
      SRANDMEMBER s 1 2
      SRANDMEMBER
    `);
    await d.doShape('SRANDMEMBER', 's');
    await d.doShape('SRANDMEMBER', 's', '1');
    await d.doShape('SRANDMEMBER', 's', '2');
    const rep = (await d.doShape('SRANDMEMBER', 's', '-10')) as string[];
    expect(rep).toHaveLength(10);
    expect(rep.every((m) => ['1', '2', '3'].includes(m))).toBe(true);
    for (const members of [strs(50), strs(400), ints(0, 400)]) {
      await d.do('DEL', 'x');
      await d.do('SADD', 'x', ...members);
      await sorted('SRANDMEMBER', 'x', String(members.length));
      for (const n of [1, 5, 150, members.length - 1].filter((n) => n < members.length)) {
        const got = (await d.doShape('SRANDMEMBER', 'x', String(n))) as string[];
        expect(new Set(got).size).toBe(n);
        expect(got.every((m) => members.includes(m))).toBe(true);
      }
      expect((await d.doShape('SRANDMEMBER', 'x', '-1000')) as string[]).toHaveLength(1000);
    }
    await hello('3');
    await d.do('SRANDMEMBER', 's', '5');
    await d.do('SRANDMEMBER', 'nokey', '5');
    await d.do('SRANDMEMBER', 'nokey');
  });

  it('SINTER, SINTERCARD, SINTERSTORE', async () => {
    await script(`
      SADD a 1 2 3 4 5
      SADD b 2 3 4 9
      SADD c 3 4 10
      SINTER a b c
      SINTER a
      SINTER a nokey
      SINTER nokey a
      SINTER a a
      SINTERCARD 3 a b c
      SINTERCARD 2 a b LIMIT 2
      SINTERCARD 2 a b LIMIT 0
      SINTERCARD 2 a b limit 100
      SINTERCARD 1 nokey
      SINTERCARD 2 a nokey
      SINTERCARD 0 a
      SINTERCARD -1 a
      SINTERCARD abc a
      SINTERCARD 3 a b
      SINTERCARD 1 a LIMIT -1
      SINTERCARD 1 a LIMIT x
      SINTERCARD 1 a LIMIT
      SINTERCARD 1 a FOO 1
      SINTERCARD 1 a b
      SINTERSTORE d a b c
      SMEMBERS d
      SINTERSTORE d a
      SMEMBERS d
      SINTERSTORE d a nokey
      EXISTS d
      SINTERSTORE d nokey a
      SADD x 100
      SINTERSTORE x a b
      SMEMBERS x
      SINTERSTORE x a c
      SMEMBERS x
      SADD s1 a b c d
      SADD s2 b c d e
      sorted SINTER s1 s2
      SINTERCARD 2 s1 s2
      SINTERSTORE d2 s1 s2
      sorted SMEMBERS d2
      SINTERSTORE d3 s1 a
      EXISTS d3
      SINTER
      SINTERSTORE d
      SINTERCARD 1
    `);
  });

  it('SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE', async () => {
    await script(`
      SADD a 1 2 3 4 5
      SADD b 2 3 40
      SADD c 5 6
      SUNION a b c
      SUNION a nokey
      SUNION nokey
      SUNIONSTORE d a b c
      SMEMBERS d
      SUNIONSTORE d nokey
      EXISTS d
      SDIFF a b c
      SDIFF a a
      SDIFF a b a
      SDIFF nokey a
      SDIFF a nokey
      SDIFF b a
      SDIFFSTORE d a b
      SMEMBERS d
      SDIFFSTORE d a a
      EXISTS d
      SDIFFSTORE a a b
      SMEMBERS a
      SADD s1 x y z
      SADD s2 y w
      sorted SUNION s1 s2 a
      SUNIONSTORE u s1 s2 a
      sorted SMEMBERS u
      sorted SDIFF s1 s2
      SDIFFSTORE df s1 s2
      sorted SMEMBERS df
      SUNION
      SDIFF
      SUNIONSTORE d
      SDIFFSTORE d
    `);
    // Algorithm 2 (many small subtrahends... the first set is big).
    await d.do('SADD', 'big', ...ints(0, 300));
    await d.do('SADD', 'small', ...ints(0, 5));
    await d.do('SDIFF', 'small', 'big', 'big');
    await d.do('SDIFF', 'big', 'small', 'nokey');
    await d.do('SDIFFSTORE', 'res', 'big', 'small');
    await d.do('SCARD', 'res');
    await d.do('SMEMBERS', 'res');
  });

  it('RESP3: SMEMBERS, SINTER, SUNION and SDIFF reply sets', async () => {
    await hello('3');
    await script(`
      SADD a 1 2 3
      SADD b 2 3 4
      SMEMBERS a
      SMEMBERS nokey
      SINTER a b
      SINTER a nokey
      SUNION a b
      SDIFF a b
      SDIFF nokey a
      SMISMEMBER a 1 9
      SINTERCARD 2 a b
    `);
  });

  it('SSCAN: small sets in one call, hashtable sets by cursor', async () => {
    await script(`
      SADD s 1 2 3 10 11
      SSCAN s 0
      SSCAN s 0 MATCH 1*
      SSCAN s 7 COUNT 1
      SSCAN s 0 COUNT 0
      SSCAN s 0 COUNT x
      SSCAN s 0 MATCH
      SSCAN s 0 TYPE string
      SSCAN s x
      SSCAN nokey 0
      SSCAN nokey 0 COUNT 0
      SSCAN s
      SADD l a b c
      sorted SSCAN l 0
    `);
    await d.do('SADD', 'h', ...strs(1000));
    const seen = new Set<string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, got] = (await d.session.execute(['SSCAN', 'h', cursor, 'COUNT', '100'])) as [string, string[]];
      for (const m of got) seen.add(m);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 1000);
    expect(seen.size).toBe(1000);
    expect(calls).toBeGreaterThan(5);
    const [, matched] = (await d.session.execute(['SSCAN', 'h', '0', 'COUNT', '5000', 'MATCH', 'm99?'])) as [string, string[]];
    expect([...matched].sort()).toEqual(strs(10, 'm99'));
  });
});

describe('set encodings against real redis', () => {
  it('intset → hashtable above set-max-intset-entries (512)', async () => {
    await d.do('SADD', 's', ...ints(0, 512));
    expect(await enc('s')).toBe('intset');
    await d.do('SADD', 's', '5');
    expect(await enc('s')).toBe('intset');
    await d.do('SADD', 's', '512');
    expect(await enc('s')).toBe('hashtable');
    await d.do('SREM', 's', ...ints(0, 500));
    expect(await enc('s')).toBe('hashtable');
    await sorted('SMEMBERS', 's');
  });

  it('set-max-intset-entries via CONFIG SET', async () => {
    await d.do('CONFIG', 'SET', 'set-max-intset-entries', '3');
    await d.do('SADD', 's', '1', '2', '3');
    expect(await enc('s')).toBe('intset');
    await d.do('SADD', 's', '4');
    expect(await enc('s')).toBe('hashtable');
    // 7.2: an integer that may not go to an intset starts a listpack (7.0: hashtable).
    await d.do('CONFIG', 'SET', 'set-max-intset-entries', '0');
    await d.do('SADD', 'z', '1');
    expect(await enc('z')).toBe('listpack');
    await d.do('CONFIG', 'GET', 'set-max-intset-entries');
  });

  it('small non-integer sets are listpacks (7.2) until 128 entries or a 65-byte member', async () => {
    await d.do('SADD', 's', ...strs(128));
    expect(await enc('s')).toBe('listpack');
    await d.do('SADD', 's', 'm0');
    expect(await enc('s')).toBe('listpack');
    await d.do('SADD', 's', 'another');
    expect(await enc('s')).toBe('hashtable');
    await d.do('SADD', 'v', 'x'.repeat(64));
    expect(await enc('v')).toBe('listpack');
    await d.do('SADD', 'v', 'y'.repeat(65));
    expect(await enc('v')).toBe('hashtable');
    await d.do('SADD', 'w', 'y'.repeat(65));
    expect(await enc('w')).toBe('hashtable');
    // intset meets a non-integer.
    await d.do('SADD', 'i', '1', '2', '3');
    expect(await enc('i')).toBe('intset');
    await d.do('SADD', 'i', 'abc');
    expect(await enc('i')).toBe('listpack');
    await d.do('SREM', 'i', 'abc');
    expect(await enc('i')).toBe('listpack');
  });

  it('set-max-listpack-entries/value via CONFIG SET', async () => {
    // 7.2-only parameters (7.0.15 refuses them): set ours through CONFIG SET, check it took.
    expect(d.session.execute(['CONFIG', 'SET', 'set-max-listpack-entries', '3'])).toEqual(OK);
    expect(d.session.execute(['CONFIG', 'SET', 'set-max-listpack-value', '5'])).toEqual(OK);
    expect(d.engine.config.setMaxListpackEntries).toBe(3);
    expect(d.engine.config.setMaxListpackValue).toBe(5);
    await d.do('SADD', 's', 'a', 'b', 'c');
    expect(await enc('s')).toBe('listpack');
    await d.do('SADD', 's', 'd');
    expect(await enc('s')).toBe('hashtable');
    await d.do('SADD', 't', 'abcde');
    expect(await enc('t')).toBe('listpack');
    await d.do('SADD', 't', 'abcdef');
    expect(await enc('t')).toBe('hashtable');
  });

  it('*STORE results and SMOVE destinations get their encodings like Redis', async () => {
    await d.do('SADD', 'i1', ...ints(0, 10));
    await d.do('SADD', 'i2', ...ints(5, 10));
    await d.do('SADD', 's1', 'a', 'b', '1', '2');
    await d.do('SADD', 'h1', ...strs(200), '1', '2');
    await d.do('SADD', 'hi', ...ints(0, 600));
    for (const args of [
      ['SINTERSTORE', 'd', 'i1', 'i2'], ['SINTERSTORE', 'd', 's1', 'i1'], ['SINTERSTORE', 'd', 'h1', 's1'],
      ['SINTERSTORE', 'd', 'h1', 'hi'], ['SINTERSTORE', 'd', 'hi', 'hi'], ['SUNIONSTORE', 'd', 'i1', 'i2'],
      ['SUNIONSTORE', 'd', 'hi', 'i1'], ['SUNIONSTORE', 'd', 'h1'], ['SDIFFSTORE', 'd', 'i1', 'i2'],
      ['SDIFFSTORE', 'd', 'hi', 'i1'], ['SDIFFSTORE', 'd', 'h1', 's1'],
    ]) {
      await d.do(...args);
      await enc('d');
      await d.do('SCARD', 'd');
    }
    await d.do('SMOVE', 'i1', 'n1', '3');
    expect(await enc('n1')).toBe('intset');
    await d.do('SMOVE', 's1', 'n2', 'a');
    await enc('n2');
  });
});

describe('set internals (Redis 7.2 code paths)', () => {
  let engine: Engine;
  let s: Session;
  const run = (...argv: string[]) => s.execute(argv) as Reply;
  const obj = (key: string) => s.db.dict.get(key) as SetObject;
  beforeEach(() => {
    engine = new Engine({ timers: false });
    s = engine.createSession();
  });

  it('setTypeCreate and setTypeMaybeConvert use the SADD argument count as a size hint', () => {
    run('SADD', 'a', ...ints(0, 512));
    expect(obj('a').encoding).toBe('intset');
    run('SADD', 'b', ...ints(0, 513));
    expect(obj('b').encoding).toBe('hashtable');
    run('SADD', 'c', 'x', ...strs(127));
    expect(obj('c').encoding).toBe('listpack');
    run('SADD', 'e', 'x', ...strs(128));
    expect(obj('e').encoding).toBe('hashtable');
    // An existing small set converts before adding when the hint exceeds the limit,
    // even if every argument is already a member.
    run('SADD', 'f', '1');
    run('SADD', 'f', ...Array(513).fill('1'));
    expect(obj('f').encoding).toBe('hashtable');
    run('SADD', 'g', 'a');
    run('SADD', 'g', ...Array(129).fill('a'));
    expect(obj('g').encoding).toBe('hashtable');
    expect(run('SCARD', 'g')).toBe(1);
  });

  it('intset → listpack keeps the sorted integers first, then insertion order', () => {
    run('SADD', 's', '30', '10', '20');
    run('SADD', 's', 'b');
    run('SADD', 's', '5', 'a');
    expect(obj('s').encoding).toBe('listpack');
    expect(items(run('SMEMBERS', 's'))).toEqual(['10', '20', '30', 'b', '5', 'a']);
    run('SREM', 's', '20');
    expect(items(run('SMEMBERS', 's'))).toEqual(['10', '30', 'b', '5', 'a']);
    expect(run('SSCAN', 's', '0')).toEqual(['0', ['10', '30', 'b', '5', 'a']]);
    expect(run('SRANDMEMBER', 's', '10')).toEqual(['10', '30', 'b', '5', 'a']);
  });

  it('intset → hashtable instead of listpack when an integer member is too long or the set too big', () => {
    engine.config.setMaxListpackValue = 5;
    run('SADD', 's', '123456');
    run('SADD', 's', 'a');
    expect(obj('s').encoding).toBe('hashtable');
    run('SADD', 't', '-1234');
    run('SADD', 't', 'a');
    expect(obj('t').encoding).toBe('listpack');
    engine.config.setMaxListpackValue = 64;
    engine.config.setMaxListpackEntries = 3;
    run('SADD', 'u', '1', '2', '3');
    run('SADD', 'u', 'x');
    expect(obj('u').encoding).toBe('hashtable');
    run('SADD', 'v', '1', '2');
    run('SADD', 'v', 'x');
    expect(obj('v').encoding).toBe('listpack');
  });

  it('SUNION builds its result from an intset, so a listpack result lists integers sorted first', () => {
    run('SADD', 'a', 'z', '9', '1');
    run('SADD', 'b', '5', 'y');
    // a: created as listpack (first member non-integer), insertion order z 9 1.
    expect(items(run('SMEMBERS', 'a'))).toEqual(['z', '9', '1']);
    expect(items(run('SUNION', 'b', 'a'))).toEqual(['5', 'y', 'z', '9', '1']);
    expect(items(run('SUNION', 'a', 'b'))).toEqual(['z', '9', '1', '5', 'y']);
    run('SADD', 'c', '3', '1');
    run('SADD', 'd', 'k');
    expect(items(run('SUNION', 'c', 'd'))).toEqual(['1', '3', 'k']);
    run('SUNIONSTORE', 'u', 'c', 'd');
    expect(obj('u').encoding).toBe('listpack');
    run('SUNIONSTORE', 'u2', 'c', 'c');
    expect(obj('u2').encoding).toBe('intset');
  });

  it('SINTERSTORE result encodings (sinterGenericCommand in 7.2)', () => {
    run('SADD', 'lp', 'a', '1', '2', '3');
    run('SADD', 'lp2', '3', '2', '1', 'b');
    run('SINTERSTORE', 'd', 'lp', 'lp2');
    expect(obj('d').encoding).toBe('intset'); // only integers → intset
    run('SADD', 'lp3', 'a', '1');
    run('SINTERSTORE', 'd', 'lp', 'lp3');
    expect(obj('d').encoding).toBe('listpack');
    expect(items(run('SMEMBERS', 'd'))).toEqual(['a', '1']);
    // A hashtable first set starts a listpack result, converted to intset when all integers.
    run('SADD', 'h1', ...ints(0, 600));
    run('SADD', 'h2', ...ints(0, 300), ...strs(300));
    run('SINTERSTORE', 'd', 'h1', 'h2');
    expect(obj('d').encoding).toBe('intset');
    expect(run('SCARD', 'd')).toBe(300);
    run('SINTERSTORE', 'd', 'h1', 'h1');
    expect(obj('d').encoding).toBe('hashtable'); // 600 integers: too many for an intset
    run('SADD', 'h3', ...strs(300), 'x');
    run('SADD', 'h4', ...strs(10), 'x', ...ints(0, 200));
    run('SINTERSTORE', 'd', 'h3', 'h4');
    expect(obj('d').encoding).toBe('listpack');
    expect(run('SCARD', 'd')).toBe(11);
  });

  it('SDIFFSTORE: algorithm 2 adds the whole first set before removing', () => {
    engine.config.setMaxListpackEntries = 4;
    run('SADD', 'a', 'p', 'q', 'r', 's', 't');
    run('SADD', 'b', 'q', 'r', 's', 't', 'u', 'v');
    // work: one = (5+5)/2 = 5 <= two = 11 → algorithm 1: only 'p' is added → listpack.
    run('SDIFFSTORE', 'd', 'a', 'b');
    expect(obj('d').encoding).toBe('listpack');
    expect(items(run('SMEMBERS', 'd'))).toEqual(['p']);
  });

  it('SPOP with count: the survivors of a hashtable set move to a listpack (7.2 CASE 3)', () => {
    run('SADD', 'h', ...ints(0, 600));
    expect(obj('h').encoding).toBe('hashtable');
    run('SPOP', 'h', '550');
    expect(obj('h').encoding).toBe('listpack');
    expect(run('SCARD', 'h')).toBe(50);
    run('SADD', 'i', ...ints(0, 100));
    run('SPOP', 'i', '95');
    expect(obj('i').encoding).toBe('intset');
    run('SADD', 'l', ...strs(100));
    run('SPOP', 'l', '95');
    expect(obj('l').encoding).toBe('listpack');
    // CASE 3 keeps listpack order for the survivors.
    const left = items(run('SMEMBERS', 'l')) as string[];
    expect([...left].sort((x, y) => Number(x.slice(1)) - Number(y.slice(1)))).toEqual(left);
  });

  it('SMOVE creates the destination from the member', () => {
    run('SADD', 'src', 'abc', '12');
    run('SMOVE', 'src', 'd1', '12');
    expect(obj('d1').encoding).toBe('intset');
    run('SMOVE', 'src', 'd2', 'abc');
    expect(obj('d2').encoding).toBe('listpack');
    expect(run('EXISTS', 'src')).toBe(0);
  });

  it('keyspace bookkeeping: dirty and WATCH only when something changed', () => {
    run('SADD', 's', 'a');
    const dirty = engine.dirty;
    run('SADD', 's', 'a');
    run('SREM', 's', 'zz');
    run('SMOVE', 's', 't', 'zz');
    expect(engine.dirty).toBe(dirty);
    run('SADD', 's', 'b', 'c');
    expect(engine.dirty).toBe(dirty + 2);
  });

  it('clone and fromMembers', () => {
    const limits = engine.config;
    for (const members of [ints(0, 10), ['a', '1'], strs(200)]) {
      const o = SetObject.fromMembers(members, limits);
      const c = o.clone();
      expect(c.encoding).toBe(o.encoding);
      expect(c.toArray()).toEqual(o.toArray());
      c.add('new', limits);
      expect(o.has('new')).toBe(false);
    }
    expect(SetObject.fromMembers(ints(0, 10), limits).encoding).toBe('intset');
    expect(SetObject.fromMembers(['1', 'a'], limits).encoding).toBe('listpack');
    expect(SetObject.fromMembers(strs(200), limits).encoding).toBe('hashtable');
    expect(SetObject.fromMembers(ints(0, 600), limits).encoding).toBe('hashtable');
    expect(SetObject.fromMembers(['1', 'x'.repeat(65)], limits).encoding).toBe('hashtable');
    const wide = Intset.from([1, 2], 8);
    const fromBlob = SetObject.fromIntset(wide, limits);
    expect(fromBlob.encoding).toBe('intset');
    expect(fromBlob.is!.encoding).toBe(8);
    expect(SetObject.fromIntset(Intset.from(ints(0, 600).map(Number)), limits).encoding).toBe('hashtable');
    expect(SetObject.fromListpack(['b', 'a'], limits).toArray()).toEqual(['b', 'a']);
    expect(SetObject.fromListpack(strs(129), limits).encoding).toBe('hashtable');
  });
});

describe('set and hash keyspace events (sequence observed on redis-server 7.0.15)', () => {
  it('fires the same events in the same order', () => {
    const engine = new Engine({ timers: false });
    const sub = engine.createSession();
    const events: string[] = [];
    sub.onPush = (r) => {
      const a = items(r instanceof Object && 'items' in r ? (r as unknown as { items: Reply[] }).items : (r as Reply[]));
      if (a[0] === 'pmessage') events.push(`${String(a[2]).replace('__keyevent@0__:', '')} ${String(a[3])}`);
    };
    const c = engine.createSession();
    const run = (line: string) => c.execute(splitWords(line));
    run('CONFIG SET notify-keyspace-events KEA');
    sub.execute(['PSUBSCRIBE', '__keyevent@0__:*']);
    for (const line of [
      'SADD a 1 2', 'SMOVE a b 1', 'SMOVE a b 2', 'SPOP b 5', 'SADD c x y z', 'SPOP c 1', 'SPOP c', 'HSET h f 1',
      'HINCRBYFLOAT h f 1', 'HINCRBY h f 1', 'HDEL h f', 'HSETNX h f 1', 'SINTERSTORE d c c', 'SUNIONSTORE d nokey',
      'SADD e 1', 'SDIFFSTORE e2 e e', 'SREM c y z x',
    ]) {
      run(line);
    }
    expect(events.join(' ')).toBe(
      'sadd a srem a sadd b srem a del a sadd b spop b del b sadd c spop c spop c hset h hincrbyfloat h hincrby h ' +
        'hdel h del h hset h sinterstore d del d sadd e srem c del c',
    );
    engine.close();
  });
});

describe('set random differential run', () => {
  it('random set commands with small thresholds match redis (member order compared sorted off intsets)', async () => {
    await d.do('CONFIG', 'SET', 'set-max-intset-entries', '8');
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['a', 'b', 'c', 'nokey'];
    const key = () => keys[rnd(keys.length)]!;
    const member = () => (rnd(8) === 0 ? `s${rnd(4)}` : String(rnd(14) - 2));
    const isIntset = (k: string) => (d.session.db.dict.get(k) as SetObject | undefined)?.encoding === 'intset';
    const allIntsets = (...ks: string[]) => ks.every((k) => !d.session.db.dict.has(k) || isIntset(k));
    for (let i = 0; i < 2000; i++) {
      const k = key();
      const k2 = key();
      const k3 = key();
      switch (rnd(17)) {
        case 0: case 1: case 2: await d.do('SADD', k, member(), member()); break;
        case 3: await d.do('SADD', k, member()); break;
        case 4: await d.do('SREM', k, member(), member()); break;
        case 5: await d.do('SMOVE', k, k2, member()); break;
        case 6: await d.do('SCARD', k); break;
        case 7: await d.do('SISMEMBER', k, member()); break;
        case 8: await d.do('SMISMEMBER', k, member(), member()); break;
        case 9: if (allIntsets(k)) await d.do('SMEMBERS', k); else await sorted('SMEMBERS', k); break;
        case 10: await sorted('SINTER', k, k2); break;
        case 11: if (allIntsets(k, k2)) await d.do('SUNION', k, k2); else await sorted('SUNION', k, k2); break;
        case 12: if (allIntsets(k, k2)) await d.do('SDIFF', k, k2, k3); else await sorted('SDIFF', k, k2, k3); break;
        case 13: await d.do('SINTERCARD', '2', k, k2, 'LIMIT', String(rnd(4))); break;
        case 14: await d.do(['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'][rnd(3)]!, k, k2, k3); break;
        case 15: await d.do('OBJECT', 'ENCODING', k); break;
        case 16: if (allIntsets(k)) await d.do('SPOP', k, '100'); else await sorted('SPOP', k, '100'); break;
      }
    }
    expect(d.compared).toBeGreaterThan(2000);
  });
});
