import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import type { Bytes } from '../../src/engine/bytes.js';
import { StringObject } from '../../src/engine/types/string.js';
import { rng } from '../helpers/rng.js';

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

/** Encoding of a key as the engine holds it. */
function enc(key: string): string | undefined {
  return d.session.db.dict.get(key)?.encoding;
}

/** Asserts OBJECT ENCODING on both sides (and the engine's own field). */
async function encoding(key: string, expected: string): Promise<void> {
  expect(enc(key)).toBe(expected);
  expect(await d.do('OBJECT', 'ENCODING', key)).toBe(expected);
}

function propagated(): Bytes[][] {
  const out: Bytes[][] = [];
  d.engine.onPropagate((_db, argv) => out.push(argv));
  return out;
}

describe('GET / SET', () => {
  it('basic get/set, overwrite, binary values and wrong type', async () => {
    await d.script(`
      GET nokey
      SET k v
      GET k
      SET k other
      GET k
      SET "" empty
      GET ""
      SET k ""
      GET k
      STRLEN k
      SADD aset a
      GET aset
      SET aset x
      GET aset
      GET
      SET k
    `);
    await d.do('SET', Buffer.from([0, 0xff, 0x80, 0x0a]), Buffer.from([0xff, 0x00, 0x0d, 0x0a]));
    await d.do('GET', Buffer.from([0, 0xff, 0x80, 0x0a]));
    await d.do('STRLEN', Buffer.from([0, 0xff, 0x80, 0x0a]));
  });

  it('NX / XX / GET options and their conflicts', async () => {
    await d.script(`
      SET k v NX
      SET k v2 NX
      GET k
      SET k v3 XX
      GET k
      SET missing v XX
      EXISTS missing
      SET k v4 GET
      SET k v5 NX GET
      GET k
      SET missing2 v XX GET
      EXISTS missing2
      SET missing3 v NX GET
      GET missing3
      SET k v NX XX
      SET k v XX NX
      SET k v nx nx
      SET k v GET GET
      SET k v foo
      SET k v EX
      SET k v KEEPTTL EX 10
      SET k v EX 10 KEEPTTL
      SET k v EX 10 PX 100
      SET k v PX 10 EX 100
      SET k v EXAT 10 PXAT 100
      SET k v EX 10 EX 20
      TTL k
      SADD aset a
      SET aset v GET
      SET aset v NX GET
      SMEMBERS aset
    `);
  });

  it('expire options and invalid expire times', async () => {
    await d.script(`
      SET k v EX 100
      TTL k
      SET k v PX 100000
      TTL k
      SET k v EXAT 99999999999
      TTL k
      SET k v PXAT 99999999999000
      TTL k
      SET k v2 KEEPTTL
      TTL k
      SET k v3
      TTL k
      SET k v EX 0
      SET k v EX -1
      SET k v PX 0
      SET k v EXAT 0
      SET k v PXAT -5
      SET k v EX abc
      SET k v EX 1.5
      SET k v PX 9223372036854775807
      SET k v EX 9223372036854775807
      SET k v EX 9223372036854775
      SET k v EX 9223372036854776
      SET k v EXAT 9223372036854775
      SET k v EXAT 9223372036854776
      SET k v PXAT 9223372036854775807
      SET k v PX 99999999999999999999
      GET k
      SET past v EXAT 1
      GET past
      EXISTS past
    `);
  });

  it('propagates relative expiry as absolute PXAT', async () => {
    const out = propagated();
    const before = Date.now();
    await d.session.execute(['SET', 'k', 'v', 'EX', '100']);
    await d.session.execute(['SET', 'k', 'v', 'PXAT', '99999999999000', 'GET']);
    await d.session.execute(['SETEX', 'k', '10', 'v']);
    await d.session.execute(['PSETEX', 'k', '10000', 'v']);
    await d.session.execute(['SET', 'k', 'v', 'NX']);
    await d.session.execute(['GETSET', 'k', 'w']);
    await d.session.execute(['SET', 'k', 'v', 'GET', 'XX', 'get']);
    await d.session.execute(['SET', 'k', 'v', 'KEEPTTL', 'GET']);
    expect(out.length).toBe(7);
    expect(out[5]).toEqual(['SET', 'k', 'v', 'XX']);
    expect(out[6]).toEqual(['SET', 'k', 'v', 'KEEPTTL']);
    expect(out[0]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    const when = Number(out[0]![4]);
    expect(when).toBeGreaterThanOrEqual(before + 100000);
    expect(when).toBeLessThan(Date.now() + 100001);
    expect(out[1]).toEqual(['SET', 'k', 'v', 'PXAT', '99999999999000', 'GET']);
    expect(out[2]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(out[3]!.slice(0, 4)).toEqual(['SET', 'k', 'v', 'PXAT']);
    expect(out[4]).toEqual(['SET', 'k', 'w']);
  });
});

describe('SETNX SETEX PSETEX GETSET GETDEL GETEX', () => {
  it('SETNX, SETEX, PSETEX', async () => {
    await d.script(`
      SETNX k v
      SETNX k v2
      GET k
      SETEX k 100 v3
      TTL k
      GET k
      SETEX k 0 v
      SETEX k -10 v
      SETEX k abc v
      PSETEX k 100000 v4
      TTL k
      PSETEX k 0 v
      PSETEX k abc v
      SETEX k 9223372036854776 v
      SADD aset a
      SETNX aset v
      SETEX aset 10 v
      TYPE aset
      SETNX
      SETEX k 10
    `);
  });

  it('GETSET and GETDEL', async () => {
    await d.script(`
      GETSET k v
      GETSET k v2
      GET k
      SET t v EX 100
      GETSET t w
      TTL t
      GETDEL k
      GETDEL k
      EXISTS k
      SADD aset a
      GETSET aset v
      GETDEL aset
      TYPE aset
    `);
  });

  it('GETEX options', async () => {
    await d.script(`
      GETEX missing
      GETEX missing EX 0
      GETEX missing FOO
      SET k v
      GETEX k
      TTL k
      GETEX k EX 100
      TTL k
      GETEX k PX 200000
      TTL k
      GETEX k EXAT 99999999999
      TTL k
      GETEX k PXAT 99999999999000
      TTL k
      GETEX k PERSIST
      TTL k
      GETEX k PERSIST
      GETEX k EX 10 PX 10
      GETEX k PERSIST EX 10
      GETEX k EX 10 PERSIST
      GETEX k KEEPTTL
      GETEX k NX
      GETEX k GET
      GETEX k EX
      GETEX k EX 0
      GETEX k EX -1
      GETEX k EX abc
      GETEX k EX 9223372036854776
      GETEX k EXAT 1
      EXISTS k
      SADD aset a
      GETEX aset
      GETEX aset EX 0
    `);
  });

  it('GETEX/GETDEL propagation', async () => {
    const out = propagated();
    await d.session.execute(['SET', 'k', 'v']);
    await d.session.execute(['GETEX', 'k', 'EX', '100']);
    await d.session.execute(['GETEX', 'k', 'PERSIST']);
    await d.session.execute(['GETEX', 'k', 'PERSIST']);
    await d.session.execute(['GETEX', 'k', 'PXAT', '99999999999000']);
    await d.session.execute(['GETEX', 'k', 'EXAT', '1']);
    await d.session.execute(['SET', 'k', 'v']);
    await d.session.execute(['GETDEL', 'k']);
    await d.session.execute(['GETDEL', 'k']);
    expect(out.map((a) => a[0])).toEqual(['SET', 'PEXPIREAT', 'PERSIST', 'PEXPIREAT', 'DEL', 'SET', 'DEL']);
    expect(out[3]).toEqual(['PEXPIREAT', 'k', '99999999999000']);
  });
});

describe('MGET MSET MSETNX', () => {
  it('works like Redis', async () => {
    await d.script(`
      MSET a 1 b 2 c 3
      MGET a b c missing
      SADD aset x
      MGET a aset b
      MSET a
      MSET a 1 b
      MSETNX a 1 x 2
      EXISTS x
      MSETNX x 1 y 2
      MGET x y
      MSETNX z 1 z 2
      GET z
      MSETNX q
      MSETNX q 1 r
      MSET a 10 a 20
      GET a
    `);
  });
});

describe('APPEND STRLEN GETRANGE SETRANGE SUBSTR', () => {
  it('APPEND and STRLEN', async () => {
    await d.script(`
      APPEND k hello
      APPEND k " world"
      GET k
      STRLEN k
      STRLEN missing
      SET n 123
      APPEND n 4
      GET n
      INCR n
      APPEND k ""
      STRLEN k
      SADD aset a
      APPEND aset x
      STRLEN aset
    `);
  });

  it('GETRANGE / SUBSTR ranges', async () => {
    await d.script(`
      SET k "Hello World"
      GETRANGE k 0 4
      GETRANGE k -5 -1
      GETRANGE k 0 -1
      GETRANGE k 0 100
      GETRANGE k 5 3
      GETRANGE k -1 -5
      GETRANGE k -100 -50
      GETRANGE k -100 2
      GETRANGE k 20 30
      GETRANGE k 0 -100
      GETRANGE missing 0 -1
      GETRANGE k a 1
      GETRANGE k 0 b
      GETRANGE k 0 99999999999999999999
      SUBSTR k 0 2
      SET n 12345
      GETRANGE n 1 3
      SET e ""
      GETRANGE e 0 -1
      GETRANGE e 0 0
      SADD aset a
      GETRANGE aset 0 1
    `);
  });

  it('SETRANGE', async () => {
    await d.script(`
      SETRANGE k 0 hello
      GET k
      SETRANGE k 6 world
      GET k
      STRLEN k
      SETRANGE k 1 ""
      SETRANGE missing 5 ""
      EXISTS missing
      SETRANGE missing2 3 x
      GET missing2
      SETRANGE k -1 x
      SETRANGE k abc x
      CONFIG SET proto-max-bulk-len 1mb
      SETRANGE k 1048575 x
      STRLEN k
      SETRANGE k 1048576 x
      SETRANGE k 1048575 xy
      SETRANGE k 9223372036854775807 x
      SETRANGE fresh 1048576 x
      EXISTS fresh
      APPEND k y
      SET small abc
      APPEND small y
      CONFIG SET proto-max-bulk-len 512mb
      SET n 1234
      SETRANGE n 1 9
      GET n
      SADD aset a
      SETRANGE aset 0 x
      SETRANGE aset 0 ""
    `);
    await d.do('SETRANGE', 'b', '2', Buffer.from([0, 0xff]));
    await d.do('GET', 'b');
  });
});

describe('INCR family', () => {
  it('INCR DECR INCRBY DECRBY and their errors', async () => {
    await d.script(`
      INCR c
      INCR c
      DECR c
      DECR d
      INCRBY c 10
      INCRBY c -20
      DECRBY c 5
      DECRBY c -5
      INCRBY c abc
      INCRBY c 1.5
      INCRBY c " 1"
      INCRBY c +1
      INCRBY c 99999999999999999999
      SET big 9223372036854775806
      INCR big
      INCR big
      GET big
      SET small -9223372036854775807
      DECR small
      DECR small
      INCRBY small -1
      DECRBY small 9223372036854775807
      SET x 0
      DECRBY x -9223372036854775808
      DECRBY x 9223372036854775807
      INCRBY x -9223372036854775808
      SET s foo
      INCR s
      SET s " 1"
      INCR s
      SET s "1 "
      INCR s
      SET s 01
      INCR s
      SET s -0
      INCR s
      SET s 1.0
      DECR s
      SET s ""
      INCR s
      SADD aset a
      INCR aset
      DECRBY aset 1
      INCR
      INCRBY c
    `);
  });

  it('INCRBYFLOAT with long double precision and formatting', async () => {
    await d.script(`
      SET f 10.5
      INCRBYFLOAT f 0.1
      INCRBYFLOAT f -5
      INCRBYFLOAT f 5.0e3
      INCRBYFLOAT f 1.5e-3
      INCRBYFLOAT g 3
      INCRBYFLOAT g 0.1
      INCRBYFLOAT g 0.2
      INCRBYFLOAT g -3.3
      INCRBYFLOAT h 1e20
      INCRBYFLOAT h 1
      INCRBYFLOAT i -1.1
      INCRBYFLOAT i 1.1
      INCRBYFLOAT j 0.0000001
      INCRBYFLOAT j 1e-18
      INCRBYFLOAT k 123456789012345678
      INCRBYFLOAT l 1.23456789012345678901
      INCRBYFLOAT m 0x10
      INCRBYFLOAT m 0x1p-2
      INCRBYFLOAT n .5
      INCRBYFLOAT n 5.
      INCRBYFLOAT n -.5e1
      INCRBYFLOAT o 1e308
      INCRBYFLOAT o 1e308
      INCRBYFLOAT p 1e4000
      STRLEN p
      INCRBYFLOAT q 3.0
      INCRBYFLOAT q abc
      INCRBYFLOAT q ""
      INCRBYFLOAT q " 1"
      INCRBYFLOAT q "1 "
      INCRBYFLOAT q inf
      INCRBYFLOAT q -inf
      INCRBYFLOAT q nan
      INCRBYFLOAT q 1e5000
      INCRBYFLOAT q 1e-5000
      INCRBYFLOAT q +1
      INCRBYFLOAT q 1e
      INCRBYFLOAT q 0x
      GET q
      SET s foo
      INCRBYFLOAT s 1
      SET s inf
      INCRBYFLOAT s 1
      SET s 5
      INCRBYFLOAT s 1.5
      SET s -0
      INCRBYFLOAT s 0
      INCRBYFLOAT z -0
      SET t 1.0000000000000000001
      INCRBYFLOAT t 0
      SADD aset a
      INCRBYFLOAT aset 1
      SET ttl 1 EX 100
      INCRBYFLOAT ttl 1
      TTL ttl
    `);
  });

  it('INCRBYFLOAT propagates as SET … KEEPTTL', async () => {
    const out = propagated();
    await d.session.execute(['INCRBYFLOAT', 'f', '10.5']);
    await d.session.execute(['INCRBYFLOAT', 'f', '0.1']);
    await d.session.execute(['INCRBYFLOAT', 'f', 'x']);
    expect(out).toEqual([
      ['SET', 'f', '10.5', 'KEEPTTL'],
      ['SET', 'f', '10.6', 'KEEPTTL'],
    ]);
  });
});

describe('LCS', () => {
  it('string, LEN, IDX, MINMATCHLEN, WITHMATCHLEN', async () => {
    await d.script(`
      MSET a ohmytext b mynewtext
      LCS a b
      LCS a b LEN
      LCS a b IDX
      LCS a b IDX MINMATCHLEN 4
      LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN
      LCS a b IDX WITHMATCHLEN
      LCS a b IDX MINMATCHLEN -5
      LCS a b LEN IDX
      LCS a b IDX LEN
      LCS a b FOO
      LCS a b MINMATCHLEN
      LCS a b MINMATCHLEN x
      LCS a missing
      LCS missing missing2 IDX
      LCS missing a LEN
      SET c ""
      LCS c a
      MSET x ABCBDAB y BDCABA
      LCS x y
      LCS x y IDX WITHMATCHLEN
      LCS y x IDX
      SADD aset a
      LCS a aset
      LCS aset a LEN
    `);
    await d.do('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    await d.do('SET', 'long1', 'ab'.repeat(300));
    await d.do('SET', 'long2', 'ba'.repeat(300));
    await d.do('LCS', 'long1', 'long2', 'LEN');
    await d.do('SET', 'long2', 'ba'.repeat(200));
    await d.do('LCS', 'long1', 'long2', 'LEN');
    await d.do('LCS', 'long1', 'long2', 'IDX', 'MINMATCHLEN', '3');
    await d.do('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    await d.do('HELLO', '3');
    await d.do('LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN');
    await d.do('LCS', 'x', 'y', 'IDX');
  });
});

describe('encodings', () => {
  it('int / embstr / raw on SET and friends, at the 20-digit and 44/45-byte limits', async () => {
    const cases: Array<[string, string]> = [
      ['k1', '12345'],
      ['k2', '-9223372036854775808'],
      ['k3', '9223372036854775807'],
      ['k4', '9223372036854775808'],
      ['k5', '01'],
      ['k6', '-0'],
      ['k7', 'a'.repeat(44)],
      ['k8', 'a'.repeat(45)],
      ['k9', ''],
      ['k10', '1'.repeat(20)],
      ['k11', '1'.repeat(19)],
      ['k12', '+1'],
      ['k13', ' 1'],
    ];
    for (const [k, v] of cases) {
      await d.do('SET', k, v);
      await encoding(k, d.session.db.dict.get(k)!.encoding);
    }
    expect(enc('k1')).toBe('int');
    expect(enc('k4')).toBe('embstr');
    expect(enc('k7')).toBe('embstr');
    expect(enc('k8')).toBe('raw');
    await d.do('SETNX', 'n1', '77');
    await encoding('n1', 'int');
    await d.do('MSET', 'm1', '5', 'm2', 'x'.repeat(45), 'm3', 'abc');
    await encoding('m1', 'int');
    await encoding('m2', 'raw');
    await encoding('m3', 'embstr');
    await d.do('MSETNX', 'q1', '5', 'q2', 'abc');
    await encoding('q1', 'int');
    await encoding('q2', 'embstr');
    await d.do('GETSET', 'm3', '99');
    await encoding('m3', 'int');
    await d.do('SETEX', 'e1', '100', 'abc');
    await encoding('e1', 'embstr');
    await d.do('PSETEX', 'e2', '100000', '42');
    await encoding('e2', 'int');
  });

  it('APPEND, SETRANGE, INCR and INCRBYFLOAT transitions', async () => {
    await d.do('APPEND', 'a', '123');
    await encoding('a', 'int');
    await d.do('APPEND', 'a', '4');
    await encoding('a', 'raw');
    await d.do('INCR', 'a');
    await encoding('a', 'int');
    await d.do('APPEND', 'b', 'hello');
    await encoding('b', 'embstr');
    await d.do('APPEND', 'b', '');
    await encoding('b', 'raw');
    await d.do('SET', 'c', 'hello');
    await d.do('SETRANGE', 'c', '0', '');
    await encoding('c', 'embstr');
    await d.do('SETRANGE', 'c', '0', 'j');
    await encoding('c', 'raw');
    await d.do('SETRANGE', 'new', '0', '5');
    await encoding('new', 'raw');
    await d.do('INCRBYFLOAT', 'f', '1.5');
    await encoding('f', 'embstr');
    await d.do('INCRBYFLOAT', 'f', '1e50');
    await encoding('f', 'raw');
    await d.do('INCRBYFLOAT', 'g', '2');
    await encoding('g', 'embstr');
    await d.do('INCRBY', 'g', '1');
    await encoding('g', 'int');
    await d.do('SET', 'h', '1'.repeat(19));
    await d.do('INCR', 'h');
    await encoding('h', 'int');
    await d.do('DECRBY', 'h', '1');
    await encoding('h', 'int');
  });
});

describe('StringObject', () => {
  it('keeps value correct across buffer writes, appends and growth', () => {
    const o = StringObject.fromValue('abc');
    expect(o.encoding).toBe('embstr');
    const b = o.mutable(6);
    expect(o.encoding).toBe('raw');
    b[4] = 0x41;
    expect(o.value).toBe('abc\0A\0');
    expect(o.length).toBe(6);
    o.append('xyz');
    expect(o.value).toBe('abc\0A\0xyz');
    expect(o.slice(3, 5)).toBe('\0A');
    const big = o.mutable(3 * 1024 * 1024);
    big[3 * 1024 * 1024 - 1] = 0xff;
    expect(o.length).toBe(3 * 1024 * 1024);
    expect(o.byteAt(3 * 1024 * 1024 - 1)).toBe(0xff);
    expect(o.value.charCodeAt(3 * 1024 * 1024 - 1)).toBe(0xff);
    const c = o.clone();
    o.mutable()[0] = 0x7a;
    expect(c.value[0]).toBe('a');
    expect(o.value[0]).toBe('z');
    o.value = 'reset';
    expect(o.length).toBe(5);
    expect(o.bytes().toString('latin1')).toBe('reset');
  });

  it('SETBIT on a multi-MB value does not copy it per call', async () => {
    const s = d.session;
    await s.execute(['SETBIT', 'big', String(8 * 8 * 1024 * 1024 - 1), '1']);
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) await s.execute(['SETBIT', 'big', String((i * 7919) % (64 * 1024 * 1024)), '1']);
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    expect(await s.execute(['STRLEN', 'big'])).toBe(8 * 1024 * 1024);
    expect(await s.execute(['GETBIT', 'big', String(7919)])).toBe(1);
  });
});


describe('randomised comparisons', () => {
  it('INCRBYFLOAT over random decimal, exponent and hex increments', async () => {
    const r = rng(7);
    const pick = (): string => {
      const k = Math.floor(r() * 6);
      const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
      const sign = r() < 0.4 ? '-' : '';
      if (k === 0) return sign + digits(1 + Math.floor(r() * 5)) + '.' + digits(1 + Math.floor(r() * 8));
      if (k === 1) return sign + digits(1 + Math.floor(r() * 3)) + 'e' + (Math.floor(r() * 40) - 20);
      if (k === 2) return sign + '0.' + digits(1 + Math.floor(r() * 20));
      if (k === 3) return sign + digits(1 + Math.floor(r() * 19));
      if (k === 4) return sign + '0x' + Math.floor(r() * 1e6).toString(16) + 'p' + (Math.floor(r() * 20) - 10);
      return sign + digits(1 + Math.floor(r() * 2)) + '.' + digits(1 + Math.floor(r() * 2)) + 'E+' + Math.floor(r() * 25);
    };
    for (let key = 0; key < 10; key++) {
      for (let i = 0; i < 40; i++) await d.do('INCRBYFLOAT', `f${key}`, pick());
    }
  });

  it('SETRANGE / GETRANGE / APPEND sequences', async () => {
    const r = rng(11);
    for (let i = 0; i < 300; i++) {
      const key = `s${Math.floor(r() * 3)}`;
      const k = Math.floor(r() * 4);
      const val = 'abcdefghij'.slice(0, Math.floor(r() * 10)) + (r() < 0.3 ? '\x00\xff' : '');
      if (k === 0) await d.do('SETRANGE', key, String(Math.floor(r() * 40)), Buffer.from(val, 'latin1'));
      else if (k === 1) await d.do('APPEND', key, Buffer.from(val, 'latin1'));
      else if (k === 2) await d.do('GETRANGE', key, String(Math.floor(r() * 60) - 30), String(Math.floor(r() * 60) - 30));
      else await d.do('GET', key);
    }
  });
});

/**
 * Runs commands on both sides with notify-keyspace-events KEA and compares the keyspace and
 * keyevent messages each side published, in order.
 */
function compareEvents(commands: Array<Array<string | Buffer>>): Promise<void> {
  return d.compareEvents(commands);
}

describe('keyspace notifications', () => {
  it('fires the same events as Redis', async () => {
    const w = (s: string) => s.split(' ');
    await compareEvents([
      w('SET k v'),
      w('SET k v EX 100'),
      w('SET k v NX'),
      w('SET k2 v XX'),
      w('SETNX n 1'),
      w('SETEX e 100 v'),
      w('PSETEX e 100000 v'),
      w('GETSET k w'),
      w('GETEX k EX 100'),
      w('GETEX k PERSIST'),
      w('GETEX k PERSIST'),
      w('GETEX k EXAT 1'),
      w('GETDEL n'),
      w('GETDEL n'),
      w('MSET a 1 b 2'),
      w('MSETNX c 1 d 2'),
      w('APPEND a x'),
      w('APPEND new x'),
      w('SETRANGE a 5 y'),
      w('SETRANGE a 0'),
      w('INCR i'),
      w('DECRBY i 5'),
      w('INCRBYFLOAT i 1.5'),
      w('GET missing'),
      w('MGET missing a'),
      w('LCS a missing'),
    ]);
  });
});

describe('RESP3', () => {
  it('nulls and maps in RESP3 shapes', async () => {
    await d.do('HELLO', '3');
    await d.script(`
      GET missing
      SET k v NX
      SET k v2 NX
      SET k v3 XX GET
      SET missing v XX GET
      MGET k missing
      GETEX missing
      GETDEL missing
      SETNX k x
      INCRBYFLOAT f 1.5
      LCS k f IDX
      BITFIELD b OVERFLOW FAIL INCRBY u2 0 100 GET u2 0
      PFADD h a
      PFCOUNT h
      PFDEBUG ENCODING h
    `);
  });
});
