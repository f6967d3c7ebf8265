import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import type { Bytes } from '../../src/engine/bytes.js';
import { Engine } from '../../src/engine/engine.js';
import { ErrorReply, NULL_ARRAY, OK, type Reply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';
import { ListObject } from '../../src/engine/types/list.js';

let d: Differential;
beforeAll(async () => {
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
  await d.client.call('CONFIG', 'SET', 'list-max-listpack-size', '-2');
});

/** The engine's list object for a key. */
function listOf(key: string, s: Session = d.session): ListObject {
  const o = s.db.dict.get(key);
  expect(o?.type).toBe('list');
  return o as ListObject;
}

function enc(key: string, s: Session = d.session): string | undefined {
  return s.db.dict.get(key)?.encoding;
}

function propagated(engine: Engine = d.engine): Bytes[][] {
  const out: Bytes[][] = [];
  engine.onPropagate((_db, argv) => out.push(argv));
  return out;
}

describe('list commands against real redis', () => {
  it('push, pop, length, range and index with negative indexes', async () => {
    await d.script(`
      LPUSH l a b c
      RPUSH l d e f
      LPUSHX l x y
      RPUSHX l z
      LPUSHX nokey a
      RPUSHX nokey a b
      EXISTS nokey
      LLEN l
      LLEN nokey
      LRANGE l 0 -1
      LRANGE l -3 -1
      LRANGE l -100 100
      LRANGE l 5 2
      LRANGE l 20 30
      LRANGE l -1 -3
      LRANGE l 0 0
      LRANGE l -9223372036854775808 9223372036854775807
      LRANGE nokey 0 -1
      LINDEX l 0
      LINDEX l -1
      LINDEX l 8
      LINDEX l 9
      LINDEX l -9
      LINDEX l -10
      LINDEX nokey 0
      LINDEX nokey notanint
      LINDEX l notanint
      LPOP l
      RPOP l
      LPOP l 2
      RPOP l 2
      LPOP l 0
      RPOP l 0
      LRANGE l 0 -1
      LPOP l 100
      EXISTS l
      LPOP l
      LPOP l 1
      RPOP l 0
      LPOP l -1
      LPOP l x
      RPOP l 1.5
      LPOP l 1 2
      RPUSH n 1 2 3 -4 100000 9223372036854775807 -9223372036854775808 01 +5
      LINDEX n -0
      LINDEX n 01
      LRANGE n +1 2
      LRANGE n 1.0 2
      LRANGE n 0 9223372036854775808
      LPOP n 00
      LSET n -0 x
      LREM n -0 x
      LTRIM n " 1" 2
      LRANGE n 0 -1
      RPOP n 3
      LINDEX n 3
    `);
  });

  it('RESP3 null shapes', async () => {
    await d.script(`
      HELLO 3
      LPOP nokey
      LPOP nokey 2
      RPOP nokey 0
      LINDEX nokey 0
      LPOS nokey a
      LPOS nokey a COUNT 0
      LMPOP 1 nokey LEFT
      RPOPLPUSH nokey dst
      LMOVE nokey dst LEFT RIGHT
      BLPOP nokey 0.01
      BLMPOP 0.01 1 nokey LEFT
      BLMOVE nokey dst LEFT LEFT 0.01
      RPUSH l a b c
      LPOP l 2
      BLPOP l 0
      RPUSH l a b c
      LPOP l 5
    `);
  });

  it('LSET, LINSERT, LREM, LTRIM', async () => {
    await d.script(`
      RPUSH l a b c a b c a
      LSET l 0 A
      LSET l -1 Z
      LSET l 7 x
      LSET l -8 x
      LSET l x 1
      LSET nokey 0 a
      LRANGE l 0 -1
      LINSERT l BEFORE b B1
      LINSERT l after b B2
      LINSERT l BEFORE nothere x
      LINSERT l MIDDLE b x
      LINSERT nokey BEFORE a x
      LINSERT nokey MIDDLE a x
      LRANGE l 0 -1
      LREM l 0 c
      LREM l 1 a
      LREM l -1 b
      LREM l 0 nothere
      LREM l x a
      LREM nokey 0 a
      LRANGE l 0 -1
      RPUSH r a b a c a d a
      LREM r -2 a
      LRANGE r 0 -1
      LREM r 0 a
      LREM r 0 b
      LREM r 0 c
      LREM r 0 d
      EXISTS r
      RPUSH t 1 2 3 4 5 6 7 8 9
      LTRIM t 1 -2
      LRANGE t 0 -1
      LTRIM t -3 100
      LRANGE t 0 -1
      LTRIM t 0 0
      LRANGE t 0 -1
      LTRIM t 5 1
      EXISTS t
      LTRIM nokey 0 1
      LTRIM t a 1
      LTRIM t 0 b
    `);
  });

  it('LPOS with RANK, COUNT and MAXLEN', async () => {
    await d.script(`
      RPUSH l a b c 1 2 3 c c
      LPOS l c
      LPOS l c RANK 2
      LPOS l c RANK -1
      LPOS l c RANK -3
      LPOS l c RANK 4
      LPOS l c COUNT 0
      LPOS l c COUNT 2
      LPOS l c COUNT 2 RANK 2
      LPOS l c COUNT 0 RANK -1
      LPOS l c COUNT 0 RANK -2 MAXLEN 2
      LPOS l c MAXLEN 3
      LPOS l c MAXLEN 2
      LPOS l c RANK -1 MAXLEN 1
      LPOS l c COUNT 1 MAXLEN 1
      LPOS l c MAXLEN 0 COUNT 0
      LPOS l x
      LPOS l x COUNT 5
      LPOS l 1
      LPOS l c RANK 0
      LPOS l c RANK x
      LPOS l c RANK 9223372036854775807
      LPOS l c RANK -9223372036854775807
      LPOS l c COUNT -1
      LPOS l c COUNT x
      LPOS l c MAXLEN -1
      LPOS l c MAXLEN x
      LPOS l c RANK
      LPOS l c COUNT
      LPOS l c FOO 1
      LPOS nokey c RANK 0
      LPOS nokey c COUNT 1
      LPOS nokey c
    `);
  });

  it('LMOVE, RPOPLPUSH and LMPOP', async () => {
    await d.script(`
      RPUSH src a b c d
      LMOVE src dst LEFT RIGHT
      LMOVE src dst RIGHT LEFT
      LMOVE src dst left left
      LMOVE src dst RIGHT right
      EXISTS src
      LRANGE dst 0 -1
      LMOVE dst dst LEFT RIGHT
      LRANGE dst 0 -1
      RPOPLPUSH dst dst
      LRANGE dst 0 -1
      RPOPLPUSH dst other
      LRANGE other 0 -1
      RPOPLPUSH nokey dst
      LMOVE nokey dst LEFT LEFT
      LMOVE dst other UP LEFT
      LMOVE dst other LEFT DOWN
      LMOVE nokey other UP LEFT
      SET str x
      LMOVE dst str LEFT LEFT
      LMOVE str dst LEFT LEFT
      RPOPLPUSH dst str
      RPOPLPUSH str dst
      LRANGE dst 0 -1
      RPUSH one x
      RPOPLPUSH one one
      LRANGE one 0 -1
      RPUSH m1 a b c
      RPUSH m2 d e f
      LMPOP 2 nokey m1 LEFT
      LMPOP 2 m1 m2 RIGHT COUNT 10
      LMPOP 2 m1 m2 LEFT COUNT 2
      LMPOP 2 m1 m2 RIGHT
      LMPOP 2 m1 m2 RIGHT
      LMPOP 1 nokey LEFT
      LMPOP 0 m1 LEFT
      LMPOP -1 m1 LEFT
      LMPOP x m1 LEFT
      LMPOP 3 m1 LEFT
      LMPOP 9223372036854775807 m1 LEFT
      LMPOP 1 m1 MIDDLE
      LMPOP 1 m1 LEFT COUNT 0
      LMPOP 1 m1 LEFT COUNT -1
      LMPOP 1 m1 LEFT COUNT x
      LMPOP 1 m1 LEFT COUNT
      LMPOP 1 m1 LEFT COUNT 1 COUNT 1
      LMPOP 1 m1 LEFT FOO
      LMPOP 2 str m1 LEFT
      RPUSH m3 z
      LMPOP 2 m3 str LEFT
      LMPOP
      LMPOP 1
      LMPOP 1 m1
    `);
  });

  it('wrong types and wrong arity', async () => {
    await d.do('SET', 's', 'v');
    for (const cmd of [
      ['LPUSH', 's', 'a'], ['RPUSH', 's', 'a'], ['LPUSHX', 's', 'a'], ['RPUSHX', 's', 'a'],
      ['LPOP', 's'], ['RPOP', 's', '2'], ['LPOP', 's', '0'], ['LLEN', 's'], ['LRANGE', 's', '0', '-1'],
      ['LINDEX', 's', '0'], ['LINDEX', 's', 'x'], ['LSET', 's', '0', 'a'], ['LSET', 's', 'x', 'a'],
      ['LINSERT', 's', 'BEFORE', 'a', 'b'], ['LREM', 's', '0', 'a'], ['LTRIM', 's', '0', '1'],
      ['LPOS', 's', 'a'], ['LPOS', 's', 'a', 'RANK', '0'], ['LMOVE', 's', 'd', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 's', 'd'], ['LMPOP', '1', 's', 'LEFT'], ['BLPOP', 's', '0'], ['BRPOP', 'nokey', 's', '0'],
      ['BLMOVE', 's', 'd', 'LEFT', 'LEFT', '0'], ['BRPOPLPUSH', 's', 'd', '0'], ['BLMPOP', '0', '1', 's', 'LEFT'],
      ['BLPOP', 's', '-1'],
    ]) {
      await d.do(...cmd);
    }
    for (const cmd of [
      ['LPUSH', 'k'], ['RPUSH'], ['LPUSHX', 'k'], ['RPUSHX', 'k'], ['LPOP'], ['RPOP'], ['LLEN'], ['LLEN', 'a', 'b'],
      ['LRANGE', 'k', '0'], ['LINDEX', 'k'], ['LSET', 'k', '0'], ['LINSERT', 'k', 'BEFORE', 'a'], ['LREM', 'k', '0'],
      ['LTRIM', 'k', '0'], ['LPOS', 'k'], ['LMOVE', 'a', 'b', 'LEFT'], ['RPOPLPUSH', 'a'], ['LMPOP', '1', 'k'],
      ['BLPOP', 'k'], ['BRPOP', 'k'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT'], ['BRPOPLPUSH', 'a', 'b'], ['BLMPOP', '0', '1', 'k'],
    ]) {
      await d.error(...cmd);
    }
  });

  it('blocking commands: immediate paths, argument errors and timeouts', async () => {
    await d.script(`
      RPUSH a 1 2 3
      RPUSH b x y
      BLPOP nokey a b 0
      BRPOP nokey a b 0
      BRPOP b 0.01
      BRPOP b a 0
      BLPOP a 1
      EXISTS a
      BLPOP nokey 0.01
      BRPOP nokey other 0.01
      BLPOP nokey -1
      BLPOP nokey abc
      BLPOP nokey nan
      BLPOP nokey 1e-1000000
      BLPOP nokey 1e-400
      BRPOP nokey 0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001
      BLPOP nokey ""
      RPUSH c 1 2 3 4 5
      BLMPOP 0 2 nokey c LEFT COUNT 2
      BLMPOP 0 1 c RIGHT COUNT 10
      EXISTS c
      BLMPOP 0.01 1 c LEFT
      BLMPOP 0.01 2 x y RIGHT COUNT 3
      BLMPOP -1 1 c LEFT
      BLMPOP x 1 c LEFT
      BLMPOP 0 0 c LEFT
      BLMPOP -1 0 c LEFT
      BLMPOP -1 1 c MIDDLE
      BLMPOP 0 1 c LEFT COUNT 0
      BLMPOP 0 3 c LEFT
      RPUSH s a b c
      BLMOVE s d LEFT RIGHT 0
      BLMOVE s d right LEFT 0.5
      BRPOPLPUSH s d 0
      EXISTS s
      LRANGE d 0 -1
      BLMOVE s d LEFT RIGHT 0.01
      BRPOPLPUSH s d 0.01
      BLMOVE s d LEFT UP 0
      BLMOVE s d LEFT RIGHT -1
      BLMOVE s d UP RIGHT -1
      BRPOPLPUSH s d -1
      BRPOPLPUSH s d abc
    `);
  });

  it('blocking commands inside MULTI answer at once', async () => {
    await d.script(`
      MULTI
      BLPOP nokey 0
      BRPOP nokey 0
      BLMOVE nokey d LEFT LEFT 0
      BRPOPLPUSH nokey d 0
      BLMPOP 0 1 nokey LEFT
      RPUSH nokey a
      BLPOP nokey 0
      EXEC
    `);
  });

  it('a key holding an expired list is gone for every command', async () => {
    await d.script(`
      RPUSH l a b
      PEXPIRE l 1
    `);
    await new Promise((r) => setTimeout(r, 10));
    await d.script(`
      LLEN l
      LPUSHX l x
      LRANGE l 0 -1
      LPOP l
    `);
  });

  it('binary-safe elements', async () => {
    const bin = Buffer.from([0, 1, 255, 13, 10, 200]);
    await d.do('RPUSH', 'b', bin, 'x', bin);
    await d.do('LRANGE', 'b', '0', '-1');
    await d.do('LPOS', 'b', bin, 'COUNT', '0');
    await d.do('LREM', 'b', '1', bin);
    await d.do('LINSERT', 'b', 'AFTER', 'x', bin);
    await d.do('LRANGE', 'b', '0', '-1');
  });
});

describe('blocking between two sessions of one engine', () => {
  function setup(): { engine: Engine; a: Session; b: Session; c: Session } {
    const engine = new Engine({ timers: false });
    return { engine, a: engine.createSession(), b: engine.createSession(), c: engine.createSession() };
  }

  it('BLPOP waits, is served by a push and propagates as LPOP', async () => {
    const { engine, a, b } = setup();
    const log = propagated(engine);
    const pending = a.execute(['BLPOP', 'k1', 'k2', '0']);
    expect(pending).toBeInstanceOf(Promise);
    expect(b.execute(['RPUSH', 'k2', 'x', 'y'])).toBe(2);
    expect(await pending).toEqual(['k2', 'x']);
    expect(b.execute(['LRANGE', 'k2', '0', '-1'])).toEqual(['y']);
    expect(log.filter((x) => x[0] !== 'MULTI' && x[0] !== 'EXEC')).toEqual([['RPUSH', 'k2', 'x', 'y'], ['LPOP', 'k2']]);
    engine.close();
  });

  it('serves blocked clients first come first served', async () => {
    const { engine, a, b, c } = setup();
    const first = a.execute(['BRPOP', 'k', '0']);
    const second = c.execute(['BLPOP', 'k', '0']);
    b.execute(['RPUSH', 'k', '1', '2', '3']);
    expect(await first).toEqual(['k', '3']);
    expect(await second).toEqual(['k', '1']);
    expect(b.execute(['LRANGE', 'k', '0', '-1'])).toEqual(['2']);
    engine.close();
  });

  it('one element wakes only the first client; the second keeps waiting', async () => {
    const { engine, a, b, c } = setup();
    const first = a.execute(['BLPOP', 'k', '0']);
    const second = c.execute(['BLPOP', 'k', '0']);
    let secondDone = false;
    void Promise.resolve(second).then(() => (secondDone = true));
    b.execute(['LPUSH', 'k', 'only']);
    expect(await first).toEqual(['k', 'only']);
    await new Promise((r) => setTimeout(r, 10));
    expect(secondDone).toBe(false);
    expect(b.execute(['EXISTS', 'k'])).toBe(0);
    b.execute(['LPUSH', 'k', 'next']);
    expect(await second).toEqual(['k', 'next']);
    engine.close();
  });

  it('times out with the null reply of each command', async () => {
    const { engine, a, b, c } = setup();
    expect(await a.execute(['BLPOP', 'k', '0.01'])).toBe(NULL_ARRAY);
    expect(await b.execute(['BRPOP', 'k', 'j', '0.01'])).toBe(NULL_ARRAY);
    expect(await c.execute(['BLMPOP', '0.01', '1', 'k', 'LEFT'])).toBe(NULL_ARRAY);
    // replyToBlockedClientTimedOut answers every list block with a null array, BLMOVE too
    // (inside MULTI BLMOVE answers a null bulk instead: see the MULTI test).
    expect(await a.execute(['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0.01'])).toBe(NULL_ARRAY);
    expect(await b.execute(['BRPOPLPUSH', 'k', 'd', '0.01'])).toBe(NULL_ARRAY);
    engine.close();
  });

  it('BLMOVE and BRPOPLPUSH are served and propagate as LMOVE / RPOPLPUSH', async () => {
    const { engine, a, b, c } = setup();
    const log = propagated(engine);
    const m = a.execute(['BLMOVE', 'src', 'dst', 'right', 'LEFT', '0']);
    const r = c.execute(['BRPOPLPUSH', 'src', 'dst2', '0']);
    b.execute(['RPUSH', 'src', 'a', 'b']);
    expect(await m).toBe('b');
    expect(await r).toBe('a');
    expect(b.execute(['LRANGE', 'dst', '0', '-1'])).toEqual(['b']);
    expect(b.execute(['LRANGE', 'dst2', '0', '-1'])).toEqual(['a']);
    expect(b.execute(['EXISTS', 'src'])).toBe(0);
    expect(log.filter((x) => x[0] !== 'MULTI' && x[0] !== 'EXEC')).toEqual([
      ['RPUSH', 'src', 'a', 'b'],
      ['LMOVE', 'src', 'dst', 'right', 'LEFT'],
      ['RPOPLPUSH', 'src', 'dst2'],
    ]);
    engine.close();
  });

  it('BLMPOP is served with a count and propagates as LPOP/RPOP key count', async () => {
    const { engine, a, b } = setup();
    const log = propagated(engine);
    const p = a.execute(['BLMPOP', '0', '2', 'x', 'y', 'RIGHT', 'COUNT', '5']);
    b.execute(['RPUSH', 'y', '1', '2', '3']);
    expect(await p).toEqual(['y', ['3', '2', '1']]);
    expect(log.filter((x) => x[0] !== 'MULTI' && x[0] !== 'EXEC')).toEqual([
      ['RPUSH', 'y', '1', '2', '3'],
      ['RPOP', 'y', '3'],
    ]);
    engine.close();
  });

  it('a blocked pop ignores a key created with another type, then WRONGTYPE on re-execution', async () => {
    const { engine, a, b } = setup();
    const p = a.execute(['BLPOP', 'k1', 'k2', '0']);
    let done = false;
    void Promise.resolve(p).then(() => (done = true));
    b.execute(['SET', 'k1', 'str']);
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    b.execute(['RPUSH', 'k2', 'v']);
    const reply = await p;
    expect(reply).toBeInstanceOf(ErrorReply);
    expect((reply as ErrorReply).message).toMatch(/^WRONGTYPE/);
    engine.close();
  });

  it('BLMOVE served into a wrong-type destination replies WRONGTYPE and leaves the source', async () => {
    const { engine, a, b } = setup();
    b.execute(['SET', 'dst', 'x']);
    const p = a.execute(['BLMOVE', 'src', 'dst', 'LEFT', 'LEFT', '0']);
    b.execute(['RPUSH', 'src', 'v']);
    const reply = await p;
    expect((reply as ErrorReply).message).toMatch(/^WRONGTYPE/);
    expect(b.execute(['LRANGE', 'src', '0', '-1'])).toEqual(['v']);
    engine.close();
  });

  it('LMOVE into a key a client waits on serves it', async () => {
    const { engine, a, b } = setup();
    const p = a.execute(['BLPOP', 'dst', '0']);
    b.execute(['RPUSH', 'src', 'v']);
    expect(b.execute(['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'])).toBe('v');
    expect(await p).toEqual(['dst', 'v']);
    engine.close();
  });
});

describe('propagation and watch', () => {
  it('non-blocking forms propagate as Redis rewrites them', () => {
    const log = propagated();
    const s = d.session;
    s.execute(['RPUSH', 'l', 'a', 'b', 'c']);
    s.execute(['BLPOP', 'l', '0']);
    s.execute(['BRPOP', 'l', '0']);
    s.execute(['RPUSH', 'l', 'x', 'y']);
    s.execute(['LMPOP', '2', 'none', 'l', 'LEFT', 'COUNT', '10']);
    s.execute(['RPUSH', 'l', 'x']);
    s.execute(['BLMOVE', 'l', 'm', 'LEFT', 'right', '0']);
    s.execute(['BRPOPLPUSH', 'm', 'n', '0']);
    s.execute(['LTRIM', 'n', '0', '-1']);
    s.execute(['LREM', 'n', '0', 'nothere']);
    s.execute(['LINSERT', 'n', 'BEFORE', 'nothere', 'x']);
    s.execute(['LPOP', 'none']);
    expect(log).toEqual([
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['RPUSH', 'l', 'x', 'y'],
      ['LPOP', 'l', '3'],
      ['RPUSH', 'l', 'x'],
      ['LMOVE', 'l', 'm', 'LEFT', 'right'],
      ['RPOPLPUSH', 'm', 'n'],
    ]);
  });

  it('LTRIM that removes nothing still invalidates WATCH', async () => {
    await d.script(`
      RPUSH l a b
      WATCH l
      LTRIM l 0 -1
      MULTI
      PING
      EXEC
    `);
  });
});

describe('encodings (Redis 7.2 t_list.c transition points)', () => {
  function pushN(s: Session, key: string, n: number, elem: (i: number) => string, cmd = 'RPUSH'): void {
    for (let i = 0; i < n; i++) s.execute([cmd, key, elem(i)]);
  }
  const e64 = (i: number) => String.fromCharCode(97 + (i % 26)).repeat(64);

  it('default -2: 64-byte elements stay a listpack up to 122, the 123rd makes a quicklist', () => {
    const s = d.session;
    // entry = 2 + 64 + 1 = 67 bytes; the check is lpBytes + 64 > 8192 before each push.
    pushN(s, 'l', 122, e64);
    expect(enc('l')).toBe('listpack');
    expect(listOf('l').listpack!.bytes).toBe(7 + 67 * 122);
    s.execute(['RPUSH', 'l', e64(122)]);
    expect(enc('l')).toBe('quicklist');
    expect(listOf('l').quicklist!.nodeStats()).toEqual([{ sz: 7 + 67 * 122, count: 122 }, { sz: 7 + 67, count: 1 }]);
    expect(s.execute(['OBJECT', 'ENCODING', 'l'])).toBe('quicklist');
  });

  it('shrinks back only with one node of at most half the size limit', () => {
    const s = d.session;
    pushN(s, 'l', 123, e64);
    expect(enc('l')).toBe('quicklist');
    // RPOP empties the second node: one node of 8181 bytes > 4096 → still quicklist.
    s.execute(['RPOP', 'l']);
    expect(listOf('l').quicklist!.len).toBe(1);
    expect(enc('l')).toBe('quicklist');
    // 7 + 67n ≤ 4096 ⇔ n ≤ 61.
    s.execute(['RPOP', 'l', String(122 - 62)]);
    expect(s.execute(['LLEN', 'l'])).toBe(62);
    expect(enc('l')).toBe('quicklist');
    s.execute(['LPOP', 'l']);
    expect(enc('l')).toBe('listpack');
    expect(listOf('l').listpack!.bytes).toBe(7 + 67 * 61);
    // Growing again converts at the same point as before.
    pushN(s, 'l', 61, e64);
    expect(enc('l')).toBe('listpack');
    s.execute(['LPUSH', 'l', e64(0)]);
    expect(enc('l')).toBe('quicklist');
  });

  it('a count limit (list-max-listpack-size 5): the 6th element converts, 2 left converts back', async () => {
    await d.do('CONFIG', 'SET', 'list-max-listpack-size', '5');
    const s = d.session;
    await d.do('RPUSH', 'l', '1', '2', '3', '4', '5');
    expect(enc('l')).toBe('listpack');
    await d.do('OBJECT', 'ENCODING', 'l');
    await d.do('RPUSH', 'l', '6');
    expect(enc('l')).toBe('quicklist');
    await d.do('OBJECT', 'ENCODING', 'l');
    expect(listOf('l').quicklist!.nodeStats().map((n) => n.count)).toEqual([5, 1]);
    await d.do('RPOP', 'l');
    expect(enc('l')).toBe('quicklist'); // one node of 5 > 5/2
    await d.do('RPOP', 'l', '2');
    expect(enc('l')).toBe('quicklist'); // 3 > 2
    await d.do('LPOP', 'l');
    expect(enc('l')).toBe('listpack'); // 2 ≤ 2
    await d.do('OBJECT', 'ENCODING', 'l');
    // Several elements in one push are checked together, before pushing.
    await d.do('RPUSH', 'm', '1', '2', '3', '4', '5', '6');
    expect(enc('m')).toBe('quicklist');
    expect(listOf('m').quicklist!.nodeStats().map((n) => n.count)).toEqual([5, 1]);
    expect(s.execute(['LRANGE', 'm', '0', '-1'])).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('the old list-max-ziplist-size alias and size classes -1..-5', async () => {
    await d.do('CONFIG', 'SET', 'list-max-ziplist-size', '-1');
    await d.do('CONFIG', 'GET', 'list-max-listpack-size');
    const s = d.session;
    // 4096: 7 + 67n + 64 > 4096 ⇔ n ≥ 61: 61 elements fit, the 62nd converts.
    pushN(s, 'a', 61, e64);
    expect(enc('a')).toBe('listpack');
    s.execute(['RPUSH', 'a', 'x'.repeat(64)]);
    expect(enc('a')).toBe('quicklist');
    for (const [fill, limit] of [[-3, 16384], [-4, 32768], [-5, 65536], [-9, 65536]] as const) {
      s.execute(['CONFIG', 'SET', 'list-max-listpack-size', String(fill)]);
      const key = `k${fill}`;
      const n = Math.floor((limit - 7 - 64) / 67) + 1; // first n with 7 + 67n + 64 > limit
      pushN(s, key, n, e64);
      expect([fill, enc(key)]).toEqual([fill, 'listpack']);
      s.execute(['RPUSH', key, e64(0)]);
      expect([fill, enc(key)]).toEqual([fill, 'quicklist']);
    }
  });

  it('list-max-listpack-size 0 means one element per listpack, and never shrinks back', async () => {
    await d.do('CONFIG', 'SET', 'list-max-listpack-size', '0');
    const s = d.session;
    await d.do('RPUSH', 'l', 'a');
    expect(enc('l')).toBe('listpack');
    await d.do('RPUSH', 'l', 'b', 'c');
    expect(enc('l')).toBe('quicklist');
    expect(listOf('l').quicklist!.nodeStats().map((n) => n.count)).toEqual([1, 1, 1]);
    await d.do('RPOP', 'l', '2');
    expect(enc('l')).toBe('quicklist'); // count limit 1 halves to 0
    await d.do('LRANGE', 'l', '0', '-1');
    expect(s.execute(['LLEN', 'l'])).toBe(1);
  });

  it('a count limit still obeys the 8 KB safety limit', () => {
    const s = d.session;
    s.execute(['CONFIG', 'SET', 'list-max-listpack-size', '1000']);
    pushN(s, 'l', 122, e64);
    expect(enc('l')).toBe('listpack');
    s.execute(['RPUSH', 'l', e64(0)]);
    expect(enc('l')).toBe('quicklist');
  });

  it('the check adds raw lengths of new elements to lpBytes, not their encoded size', () => {
    const s = d.session;
    s.execute(['CONFIG', 'SET', 'list-max-listpack-size', '-1']); // 4096
    // 4096..32767 are 16-bit integers: 3 + 1 bytes per entry, 4 chars each.
    const ints = Array.from({ length: 1020 }, (_, i) => String(5000 + i));
    s.execute(['RPUSH', 'l', ...ints.slice(0, 1000)]); // 7 + 4000 chars ≤ 4096
    expect(listOf('l').listpack!.bytes).toBe(7 + 4 * 1000);
    s.execute(['RPUSH', 'l', ...ints.slice(1000), '12', '3']); // 4007 + 83 ≤ 4096
    expect(listOf('l').listpack!.bytes).toBe(4007 + 80 + 2 + 2);
    s.execute(['RPUSH', 'l', '12']); // 4091 + 2 ≤ 4096
    expect(listOf('l').listpack!.bytes).toBe(4093);
    // 'abc' takes 5 bytes but counts 3: 4093 + 3 ≤ 4096, so the listpack grows past 4096.
    s.execute(['RPUSH', 'l', 'abc']);
    expect(enc('l')).toBe('listpack');
    expect(listOf('l').listpack!.bytes).toBe(4098);
    s.execute(['RPUSH', 'l', 'a']);
    expect(enc('l')).toBe('quicklist');
  });

  it('LINSERT and LSET check growth even when nothing changes; LSET checks shrinking after', () => {
    const s = d.session;
    s.execute(['CONFIG', 'SET', 'list-max-listpack-size', '3']);
    s.execute(['RPUSH', 'l', 'a', 'b', 'c']);
    expect(enc('l')).toBe('listpack');
    expect(s.execute(['LINSERT', 'l', 'BEFORE', 'nothere', 'x'])).toBe(-1);
    expect(enc('l')).toBe('quicklist');
    s.execute(['RPUSH', 'm', 'a', 'b', 'c']);
    expect(s.execute(['LSET', 'm', '10', 'x'])).toEqual(new ErrorReply('ERR index out of range'));
    expect(enc('m')).toBe('quicklist');
    // One node of 3 > 3/2: LSET's shrink check keeps it a quicklist.
    expect(s.execute(['LSET', 'm', '0', 'x'])).toBe(OK);
    expect(enc('m')).toBe('quicklist');
  });

  it('LREM and LTRIM try the shrinking conversion; LMOVE converts the destination', () => {
    const s = d.session;
    pushN(s, 'l', 123, e64);
    s.execute(['RPUSH', 'l', 'x']);
    expect(enc('l')).toBe('quicklist');
    s.execute(['LTRIM', 'l', '0', '60']);
    expect(s.execute(['LLEN', 'l'])).toBe(61);
    expect(enc('l')).toBe('listpack');
    pushN(s, 'r', 130, e64);
    expect(enc('r')).toBe('quicklist');
    for (let i = 0; i < 26; i++) s.execute(['LREM', 'r', '0', e64(i)]);
    expect(s.execute(['EXISTS', 'r'])).toBe(0);
    pushN(s, 'src', 200, e64);
    pushN(s, 'dst', 122, e64);
    s.execute(['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT']);
    expect(enc('dst')).toBe('quicklist');
  });

  it('LPUSH of many big elements onto a new key goes straight to a quicklist', () => {
    const s = d.session;
    s.execute(['LPUSH', 'l', 'x'.repeat(5000), 'y'.repeat(5000)]);
    expect(enc('l')).toBe('quicklist');
    expect(listOf('l').quicklist!.nodeStats().map((n) => n.count)).toEqual([1, 1]);
    expect(s.execute(['LRANGE', 'l', '0', '-1'])).toEqual(['y'.repeat(5000), 'x'.repeat(5000)]);
    // One element bigger than the limit: a one-node quicklist that never shrinks back.
    s.execute(['RPUSH', 'big', 'z'.repeat(9000)]);
    expect(enc('big')).toBe('quicklist');
    s.execute(['RPUSH', 'big', 'a']);
    s.execute(['RPOP', 'big']);
    expect(enc('big')).toBe('quicklist');
  });

  it('OBJECT ENCODING against real redis (7.0 always says quicklist, see differences)', async () => {
    await d.do('RPUSH', 'l', 'a', 'b');
    await d.do('OBJECT', 'ENCODING', 'l');
    for (let i = 0; i < 130; i++) await d.do('RPUSH', 'l', e64(i));
    await d.do('OBJECT', 'ENCODING', 'l');
  });

  it('COPY-style clone keeps encoding and contents; fromItems picks the loader encoding', () => {
    const s = d.session;
    pushN(s, 'l', 130, e64);
    const c = listOf('l').clone();
    expect(c.encoding).toBe('quicklist');
    expect([...c.items()]).toEqual([...listOf('l').items()]);
    c.pop(true);
    expect(c.length).toBe(129);
    expect(listOf('l').length).toBe(130);
    expect(ListObject.fromItems(['a', 'b'], -2).encoding).toBe('listpack');
    const big = ListObject.fromItems(Array.from({ length: 123 }, (_, i) => e64(i)), -2);
    expect(big.encoding).toBe('quicklist');
    expect(big.length).toBe(123);
    expect(ListObject.fromItems(Array.from({ length: 122 }, (_, i) => e64(i)), -2).encoding).toBe('listpack');
  });
});

describe('large lists stay correct in quicklist encoding (against real redis)', () => {
  it('random operations on a multi-node list give the same replies', async () => {
    await d.do('CONFIG', 'SET', 'list-max-listpack-size', '4');
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const val = () => ['a', 'b', 'c', '1', '22', 'x'.repeat(rnd(3) * 40)][rnd(6)]!;
    for (let i = 0; i < 400; i++) {
      const op = rnd(12);
      const idx = String(rnd(40) - 20);
      const cmds: Reply[][] = [
        ['RPUSH', 'l', val(), val()],
        ['LPUSH', 'l', val()],
        ['LPOP', 'l'],
        ['RPOP', 'l', String(rnd(3))],
        ['LINSERT', 'l', rnd(2) ? 'BEFORE' : 'AFTER', val(), val()],
        ['LSET', 'l', idx, val()],
        ['LREM', 'l', String(rnd(5) - 2), val()],
        ['LINDEX', 'l', idx],
        ['LRANGE', 'l', idx, String(rnd(40) - 20)],
        ['LPOS', 'l', val(), 'RANK', String(rnd(2) ? 1 : -1), 'COUNT', String(rnd(3))],
        ['LTRIM', 'l', String(rnd(3)), String(-1 - rnd(3))],
        ['LMOVE', 'l', 'l', rnd(2) ? 'LEFT' : 'RIGHT', rnd(2) ? 'LEFT' : 'RIGHT'],
      ];
      await d.do(...(cmds[op] as string[]));
      if (i % 50 === 0) await d.do('LRANGE', 'l', '0', '-1');
      await sameNodeLayout('l');
    }
    await d.do('LRANGE', 'l', '0', '-1');
  });

  /**
   * With a count limit, 7.0's all-quicklist lists and 7.2's listpack-then-quicklist lists
   * have the same node layout (a 7.2 listpack is exactly 7.0's single node), so DEBUG OBJECT's
   * ql_nodes and ql_uncompressed_size check our splits, merges and byte sizes.
   */
  async function sameNodeLayout(key: string): Promise<void> {
    const o = d.session.db.dict.get(key) as ListObject | undefined;
    const reply = await d.client.call('DEBUG', 'OBJECT', key);
    if (o === undefined) {
      expect(reply).toBeInstanceOf(ErrorReply);
      return;
    }
    const info = (reply as { text: string }).text;
    const nodes = Number(/ql_nodes:(\d+)/.exec(info)![1]);
    const bytes = Number(/ql_uncompressed_size:(\d+)/.exec(info)![1]);
    const ours = o.quicklist ? o.quicklist.nodeStats() : [{ sz: o.listpack!.bytes, count: o.length }];
    expect([nodes, bytes]).toEqual([ours.length, ours.reduce((a, n) => a + n.sz, 0)]);
    maxNodes = Math.max(maxNodes, nodes);
  }
  let maxNodes = 0;

  it('size-limited nodes split and merge like Redis (-1, 1000-byte elements, DEBUG OBJECT)', async () => {
    // With equal 1000-byte elements a 7.2 listpack holds exactly what 7.0's first node holds
    // (4: 7 + 3·1004 + 1000 ≤ 4096 < 7 + 4·1004 + 1000), so both layouts must agree.
    await d.do('CONFIG', 'SET', 'list-max-listpack-size', '-1');
    maxNodes = 0;
    let seed = 11;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const val = () => String.fromCharCode(97 + rnd(6)).repeat(1000);
    for (let i = 0; i < 300; i++) {
      const idx = String(rnd(30) - 15);
      const cmds: string[][] = [
        ['RPUSH', 'l', val()],
        ['LPUSH', 'l', val(), val()],
        ['LINSERT', 'l', rnd(2) ? 'BEFORE' : 'AFTER', val(), val()],
        ['LINSERT', 'l', rnd(2) ? 'BEFORE' : 'AFTER', val(), val()],
        ['LSET', 'l', idx, val()],
        ['LREM', 'l', String(rnd(3) - 1), val()],
        ['RPOP', 'l'],
        ['LPOP', 'l', String(rnd(3))],
        ['LTRIM', 'l', String(rnd(2)), String(-1 - rnd(2))],
        ['LMOVE', 'l', 'l', rnd(2) ? 'LEFT' : 'RIGHT', rnd(2) ? 'LEFT' : 'RIGHT'],
      ];
      await d.do(...cmds[rnd(cmds.length)]!);
      await sameNodeLayout('l');
    }
    await d.do('LRANGE', 'l', '0', '-1');
    expect(maxNodes).toBeGreaterThanOrEqual(4);
  });

  it('LINSERT splits and merges nodes like Redis (count limit 3, checked with DEBUG OBJECT)', async () => {
    await d.do('CONFIG', 'SET', 'list-max-listpack-size', '3');
    await d.do('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i');
    await sameNodeLayout('l');
    for (const [where, pivot] of [
      ['AFTER', 'b'], ['BEFORE', 'e'], ['AFTER', 'c'], ['BEFORE', 'a'], ['AFTER', 'i'], ['AFTER', 'f'],
      ['BEFORE', 'h'], ['AFTER', 'a'], ['BEFORE', 'd'], ['AFTER', 'g'],
    ] as const) {
      await d.do('LINSERT', 'l', where, pivot, `${where}-${pivot}`);
      await sameNodeLayout('l');
      await d.do('LREM', 'l', '1', 'c');
      await sameNodeLayout('l');
    }
    await d.do('LRANGE', 'l', '0', '-1');
    for (let i = 0; i < 12; i++) {
      await d.do(i % 2 ? 'LPOP' : 'RPOP', 'l');
      await sameNodeLayout('l');
    }
  });
});

describe('keyspace events', () => {
  it('fires the events real redis fires, in the same order', () => {
    // Sequence captured from redis-server 7.0.15 with notify-keyspace-events KEA.
    const engine = new Engine({ timers: false });
    const sub = engine.createSession();
    const s = engine.createSession();
    const events: string[] = [];
    sub.onPush = (r) => {
      const items = r as Reply[];
      if (items[0] === 'pmessage') events.push(String(items[2]).replace('__keyevent@0__:', ''));
    };
    s.execute(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']);
    sub.execute(['PSUBSCRIBE', '__keyevent@0__:*']);
    for (const cmd of [
      'RPUSH l a b c', 'LPOP l', 'RPOP l 5', 'RPUSH l a b', 'LMOVE l m left right', 'LINSERT m before a x',
      'LSET m 0 y', 'LREM m 0 zz', 'LREM m 0 y', 'LTRIM l 0 -1', 'LTRIM l 1 0', 'BLPOP m 0', 'RPUSH x 1 2',
      'LMPOP 1 x right count 5',
    ]) {
      s.execute(cmd.split(' '));
    }
    expect(events).toEqual([
      'rpush', 'lpop', 'rpop', 'del', 'rpush', 'rpush', 'lpop', 'linsert', 'lset', 'lrem', 'ltrim', 'ltrim',
      'del', 'lpop', 'del', 'rpush', 'rpop', 'del',
    ]);
    engine.close();
  });

  it('LPOS RANK refuses LONG_MIN as Redis 7.2 does (-LONG_MAX..LONG_MAX)', () => {
    // 7.0.15 accepted it (and overflowed negating it); 7.2's lposCommand parses the range
    // -LONG_MAX..LONG_MAX.
    const engine = new Engine({ timers: false });
    const s = engine.createSession();
    expect(s.execute(['LPOS', 'k', 'a', 'RANK', '-9223372036854775808'])).toEqual(
      new ErrorReply('ERR value is out of range, must be between -9223372036854775807 and 9223372036854775807'),
    );
    expect(s.execute(['LPOS', 'k', 'a', 'RANK', '-9223372036854775807'])).toBe(null);
    engine.close();
  });

  it('timeouts too large for milliseconds are out of range (7.2 getTimeoutFromObjectOrReply)', () => {
    const engine = new Engine({ timers: false });
    const s = engine.createSession();
    for (const t of ['inf', '1e20', '9223372036854776']) {
      expect(s.execute(['BLPOP', 'k', t])).toEqual(new ErrorReply('ERR timeout is out of range'));
    }
    expect(s.execute(['BLPOP', 'k', '-inf'])).toEqual(new ErrorReply('ERR timeout is negative'));
    // Beyond a double but within a long double (strtold).
    expect(s.execute(['BLPOP', 'k', '1e400'])).toEqual(new ErrorReply('ERR timeout is out of range'));
    expect(s.execute(['BLPOP', 'k', '1' + '0'.repeat(400)])).toEqual(new ErrorReply('ERR timeout is out of range'));
    expect(s.execute(['BLPOP', 'k', '-1e400'])).toEqual(new ErrorReply('ERR timeout is negative'));
    expect(s.execute(['BLPOP', 'k', '1e5000'])).toEqual(new ErrorReply('ERR timeout is not a float or out of range'));
    expect(s.execute(['BLPOP', 'k', '1'.repeat(5120)])).toEqual(new ErrorReply('ERR timeout is not a float or out of range'));
    engine.close();
  });
});

describe('building lists whole', () => {
  it('fromItems is tail pushes then the AUTO conversion; fromNodes keeps saved nodes', () => {
    const e64 = (i: number) => String.fromCharCode(97 + (i % 26)).repeat(64);
    // One node holds 122 such elements (7 + 67·121 + 64 + 8 ≤ 8192), so 122 load as a listpack.
    expect(ListObject.fromItems(Array.from({ length: 122 }, (_, i) => e64(i)), -2).encoding).toBe('listpack');
    expect(ListObject.fromItems(Array.from({ length: 123 }, (_, i) => e64(i)), -2).encoding).toBe('quicklist');
    // The AUTO conversion does not halve the limit: 5 elements with a count limit of 5.
    expect(ListObject.fromItems(['1', '2', '3', '4', '5'], 5).encoding).toBe('listpack');
    expect(ListObject.fromItems(['1', '2', '3', '4', '5', '6'], 5).encoding).toBe('quicklist');
    const two = ListObject.fromNodes([['a', 'b'], [], ['c']], -2);
    expect(two.encoding).toBe('quicklist');
    expect(two.nodes()).toEqual([['a', 'b'], ['c']]);
    const one = ListObject.fromNodes([['a', 'b', 'c']], -2);
    expect(one.encoding).toBe('listpack');
    expect([...one.items()]).toEqual(['a', 'b', 'c']);
    expect(one.nodes()).toEqual([['a', 'b', 'c']]);
  });
});

describe('server.dirty', () => {
  it('counts one change per element pushed, popped or removed, as real redis does', async () => {
    const realDirty = async (): Promise<number> => {
      const info = String(await d.client.call('INFO', 'persistence'));
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)![1]);
    };
    const cmds = [
      'RPUSH l a b c d e f g', 'LPUSH l x y', 'LPOP l', 'RPOP l 3', 'LPOP l 0', 'LMOVE l m LEFT RIGHT',
      'RPOPLPUSH l l', 'LINSERT l BEFORE c z', 'LSET l 0 q', 'LREM l 0 c', 'LREM l 0 nothing', 'LTRIM l 0 -1',
      'RPUSH l 1 2 3 4', 'LTRIM l 1 -2', 'LMPOP 1 l RIGHT COUNT 2', 'BLPOP l 0', 'BLMPOP 0 1 m LEFT COUNT 5',
      'LPUSHX nokey a', 'LPOP nokey',
    ];
    for (const c of cmds) {
      const before = [await realDirty(), d.engine.dirty];
      await d.do(...c.split(' '));
      const after = [await realDirty(), d.engine.dirty];
      expect([c, after[1]! - before[1]!]).toEqual([c, after[0]! - before[0]!]);
    }
  });
});
