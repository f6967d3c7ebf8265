import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import type { Bytes } from '../../src/engine/bytes.js';
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

async function encoding(key: string, expected: string): Promise<void> {
  expect(d.session.db.dict.get(key)?.encoding).toBe(expected);
  expect(await d.do('OBJECT', 'ENCODING', key)).toBe(expected);
}

function propagated(): Bytes[][] {
  const out: Bytes[][] = [];
  d.engine.onPropagate((_db, argv) => out.push(argv));
  return out;
}

describe('SETBIT / GETBIT', () => {
  it('sets, grows, reads and refuses bad arguments', async () => {
    await d.script(`
      SETBIT k 7 1
      GET k
      SETBIT k 7 1
      SETBIT k 7 0
      SETBIT k 100 1
      STRLEN k
      GETBIT k 100
      GETBIT k 99
      GETBIT k 100000
      GETBIT missing 5
      SETBIT k -1 1
      SETBIT k abc 1
      CONFIG SET proto-max-bulk-len 1mb
      SETBIT k 8388607 0
      STRLEN k
      SETBIT k 8388608 1
      GETBIT k 8388608
      BITFIELD k SET u8 8388600 1
      BITFIELD k SET u8 8388601 1
      BITFIELD k GET u8 8388601
      CONFIG SET proto-max-bulk-len 512mb
      SETBIT k 4294967296 1
      SETBIT k 1 2
      SETBIT k 1 -1
      SETBIT k 1 abc
      SETBIT k 1 ""
      GETBIT k -1
      GETBIT k 4294967296
      GETBIT k x
      SET n 42
      GETBIT n 2
      GETBIT n 3
      GETBIT n 100
      SETBIT n 0 1
      GET n
      SADD aset a
      SETBIT aset 0 1
      GETBIT aset 0
      SETBIT aset x 1
    `);
  });

  it('SETBIT makes the value raw and propagates only real changes', async () => {
    await d.do('SET', 'k', 'abc');
    await encoding('k', 'embstr');
    await d.do('SETBIT', 'k', '1', '1');
    await encoding('k', 'raw');
    await d.do('SET', 'n', '7');
    await d.do('SETBIT', 'n', '0', '0');
    await encoding('n', 'raw');
    const out = propagated();
    await d.session.execute(['SETBIT', 'x', '3', '0']); // created: propagated
    await d.session.execute(['SETBIT', 'x', '3', '0']); // no change
    await d.session.execute(['SETBIT', 'x', '3', '1']); // change
    await d.session.execute(['SETBIT', 'x', '20', '0']); // grows
    expect(out.map((a) => a.join(' '))).toEqual(['SETBIT x 3 0', 'SETBIT x 3 1', 'SETBIT x 20 0']);
  });
});

describe('BITCOUNT', () => {
  it('byte and bit ranges', async () => {
    await d.do('SET', 'b', Buffer.from([0xff, 0xf0, 0x00, 0x0f, 0xaa, 0x55]));
    await d.script(`
      BITCOUNT b
      BITCOUNT b 0 0
      BITCOUNT b 1 1
      BITCOUNT b 0 -1
      BITCOUNT b -2 -1
      BITCOUNT b -1 -2
      BITCOUNT b 2 1
      BITCOUNT b -100 100
      BITCOUNT b 0 -100
      BITCOUNT b 0 0 BYTE
      BITCOUNT b 0 0 BIT
      BITCOUNT b 5 30 BIT
      BITCOUNT b 1 1 bit
      BITCOUNT b 7 8 BIT
      BITCOUNT b -5 -1 BIT
      BITCOUNT b -1 -5 BIT
      BITCOUNT b 0 1000 BIT
      BITCOUNT b 40 47 BIT
      BITCOUNT b 3 4 FOO
      BITCOUNT b 0
      BITCOUNT b 0 1 BIT x
      BITCOUNT b a 1
      BITCOUNT b 0 b
      BITCOUNT b -9223372036854775808 9223372036854775807
      BITCOUNT b -9223372036854775807 -9223372036854775808
      BITCOUNT missing
      BITCOUNT missing 0 -1
      BITCOUNT missing 0 -1 BIT
      SET n 1234
      BITCOUNT n
      BITCOUNT n 1 2
      SET e ""
      BITCOUNT e
      BITCOUNT e 0 -1
      SADD aset a
      BITCOUNT aset
      BITCOUNT aset 0 1
    `);
  });

  it('7.2: arguments are validated before the key is looked up', async () => {
    // 7.0 answers 0 for a missing key before parsing (see VERSION_DIFFERENCES).
    await d.do('BITCOUNT', 'missing', 'a', '1');
    await d.do('BITCOUNT', 'missing', '0', '1', 'FOO');
    await d.do('BITCOUNT', 'missing', '0');
    expect(await d.session.execute(['BITCOUNT', 'missing', '0'])).toEqual(expect.objectContaining({ message: 'ERR syntax error' }));
  });
});

describe('BITPOS', () => {
  it('byte and bit ranges, set and clear bits', async () => {
    await d.do('SET', 'b', Buffer.from([0x00, 0xff, 0xf0, 0x00, 0x0f]));
    await d.do('SET', 'ones', Buffer.from([0xff, 0xff, 0xff]));
    await d.do('SET', 'zeros', Buffer.from([0x00, 0x00, 0x00]));
    await d.script(`
      BITPOS b 1
      BITPOS b 0
      BITPOS b 1 1
      BITPOS b 0 1
      BITPOS b 0 1 1
      BITPOS b 1 2 -1
      BITPOS b 1 -1
      BITPOS b 1 3 3
      BITPOS b 1 10 100
      BITPOS b 1 2 1
      BITPOS ones 0
      BITPOS ones 0 0 -1
      BITPOS ones 0 1
      BITPOS ones 1
      BITPOS zeros 1
      BITPOS zeros 0
      BITPOS zeros 1 0 -1
      BITPOS b 1 0 -1 BIT
      BITPOS b 1 3 12 BIT
      BITPOS b 0 8 15 BIT
      BITPOS b 0 8 13 bit
      BITPOS b 1 17 22 BIT
      BITPOS b 1 20 22 BIT
      BITPOS b 0 9 9 BIT
      BITPOS b 1 5 BIT
      BITPOS b 1 1 2 BYTE
      BITPOS ones 0 0 -1 BIT
      BITPOS ones 0 3 BIT
      BITPOS ones 0 5 10 BIT
      BITPOS zeros 1 5 10 BIT
      BITPOS zeros 0 5 10 BIT
      BITPOS b 1 -5 -1 BIT
      BITPOS b 1 -1 -5 BIT
      BITPOS b 2
      BITPOS b -1
      BITPOS b x
      BITPOS b 1 x
      BITPOS b 1 0 x
      BITPOS b 1 0 1 FOO
      BITPOS b 1 0 1 BIT x
      BITPOS missing 1
      BITPOS missing 0
      BITPOS missing 0 5 10
      BITPOS missing 1 0 -1 BIT
      SET e ""
      BITPOS e 0
      BITPOS e 1
      BITPOS e 0 0 -1
      SET n 10
      BITPOS n 1
      BITPOS n 0 1
      SADD aset a
      BITPOS aset 1
      BITPOS aset 1 0 1
    `);
  });
});

describe('BITOP', () => {
  it('AND OR XOR NOT over different lengths, missing keys, result encoding', async () => {
    await d.do('SET', 'a', Buffer.from([0xff, 0x0f, 0xaa]));
    await d.do('SET', 'b', Buffer.from([0xf0, 0xff]));
    await d.do('SET', 'c', 'x');
    await d.script(`
      BITOP AND r a b
      GET r
      BITOP OR r a b
      GET r
      BITOP XOR r a b c
      GET r
      BITOP NOT r a
      GET r
      BITOP and r a missing
      GET r
      BITOP or r missing a
      GET r
      BITOP xor r a
      GET r
      BITOP NOT r a b
      BITOP NOT r
      BITOP FOO r a
      BITOP DIFF r a b
      BITOP AND r missing missing2
      EXISTS r
      SET r x
      BITOP OR r missing
      EXISTS r
      SET n 123
      BITOP NOT r n
      GET r
      SADD aset a
      BITOP AND r a aset
      BITOP AND aset a
      TYPE aset
      BITOP AND
      BITOP AND r
    `);
    await d.do('BITOP', 'AND', 'small', 'c', 'c');
    await encoding('small', 'raw');
  });

  it('a 1000-byte random bitmap matches', async () => {
    const x = Buffer.alloc(1000);
    const y = Buffer.alloc(777);
    for (let i = 0; i < x.length; i++) x[i] = (i * 37 + 11) & 0xff;
    for (let i = 0; i < y.length; i++) y[i] = (i * 91 + 3) & 0xff;
    await d.do('SET', 'x', x);
    await d.do('SET', 'y', y);
    for (const op of ['AND', 'OR', 'XOR']) {
      await d.do('BITOP', op, 'r', 'x', 'y');
      await d.do('GET', 'r');
    }
    await d.do('BITCOUNT', 'x');
    await d.do('BITCOUNT', 'x', '13', '-17', 'BIT');
    await d.do('BITPOS', 'y', '0', '3', '-3', 'BIT');
  });
});

describe('BITFIELD', () => {
  it('GET SET INCRBY with signed and unsigned types, # offsets', async () => {
    await d.script(`
      BITFIELD k SET i8 0 100 GET i8 0
      BITFIELD k INCRBY i8 0 27 GET u4 0 GET i4 0
      BITFIELD k SET u8 #1 255 GET u8 8 GET i8 #1
      BITFIELD k GET u16 0 GET i16 0 GET u63 0 GET i64 0
      GET k
      BITFIELD k SET i64 0 -1 GET u63 0 GET i64 0 GET u1 63
      BITFIELD k SET u63 1 9223372036854775807 GET i64 0
      BITFIELD k INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1 INCRBY u2 100 1
      BITFIELD k GET i3 5 GET u5 3 GET i7 #3
      BITFIELD missing GET u8 0 GET i8 100
      EXISTS missing
      BITFIELD k
      BITFIELD new
      EXISTS new
    `);
  });

  it('OVERFLOW WRAP / SAT / FAIL', async () => {
    await d.script(`
      BITFIELD k OVERFLOW WRAP INCRBY i8 0 127 INCRBY i8 0 1 INCRBY i8 0 -200
      BITFIELD k OVERFLOW SAT INCRBY i8 0 500 INCRBY i8 0 -1000 INCRBY u8 8 300 INCRBY u8 8 -300
      BITFIELD k OVERFLOW FAIL INCRBY i8 0 500 INCRBY u8 8 1 INCRBY u8 8 -1
      BITFIELD k OVERFLOW SAT SET i8 0 1000 SET u8 8 -5 GET i8 0 GET u8 8
      BITFIELD k OVERFLOW WRAP SET i8 0 1000 SET u8 8 -5 GET i8 0 GET u8 8
      BITFIELD k OVERFLOW FAIL SET i8 0 1000 SET u8 8 -5 SET u8 8 255 GET i8 0 GET u8 8
      BITFIELD k OVERFLOW WRAP INCRBY i64 0 9223372036854775807 INCRBY i64 0 9223372036854775807
      BITFIELD k OVERFLOW SAT INCRBY i64 0 9223372036854775807 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -9223372036854775808
      BITFIELD k OVERFLOW FAIL INCRBY i64 0 -9223372036854775808 GET i64 0
      BITFIELD k OVERFLOW WRAP INCRBY u63 0 9223372036854775807 INCRBY u63 0 5
      BITFIELD k OVERFLOW SAT INCRBY u63 0 9223372036854775807 INCRBY u63 0 -9223372036854775808
      BITFIELD k OVERFLOW wrap INCRBY u1 0 1 OVERFLOW sat INCRBY u1 0 1 OVERFLOW fail INCRBY u1 0 1
      BITFIELD k SET i1 3 1 GET i1 3 SET i1 3 -1 INCRBY i1 3 1
      BITFIELD fresh OVERFLOW FAIL INCRBY u2 0 100
      EXISTS fresh
      GET fresh
    `);
  });

  it('errors in the order Redis reports them', async () => {
    await d.script(`
      BITFIELD k GET
      BITFIELD k GET u8
      BITFIELD k SET u8 0
      BITFIELD k FOO u8 0
      BITFIELD k OVERFLOW
      BITFIELD k OVERFLOW BAD GET u8 0
      BITFIELD k GET u64 0
      BITFIELD k GET i65 0
      BITFIELD k GET i0 0
      BITFIELD k GET U8 0
      BITFIELD k GET x8 0
      BITFIELD k GET u 0
      BITFIELD k GET u08 0
      BITFIELD k GET u8 -1
      BITFIELD k GET u8 x
      BITFIELD k GET u8 #x
      BITFIELD k GET u8 #-1
      BITFIELD k GET u8 4294967296
      BITFIELD k GET u8 4294967295
      BITFIELD k GET u8 #536870912
      BITFIELD k SET u8 0 x
      BITFIELD k SET u8 0 1.5
      BITFIELD k INCRBY u8 0 99999999999999999999
      BITFIELD k GET u8 0 SET i8 x 1
      EXISTS k
      SADD aset a
      BITFIELD aset GET u8 0
      BITFIELD aset SET u8 0 1
      BITFIELD aset FOO
      BITFIELD_RO aset GET u8 0
    `);
  });

  it('BITFIELD_RO', async () => {
    await d.script(`
      SET k abc
      BITFIELD_RO k GET u8 0 GET i4 #3
      BITFIELD_RO k SET u8 0 1
      BITFIELD_RO k INCRBY u8 0 1
      BITFIELD_RO k GET u8 0 OVERFLOW SAT
      BITFIELD_RO missing GET u8 0
      BITFIELD_RO k
      BITFIELD_RO k FOO
      BITFIELD_RO k SET u8 x 1
      GET k
    `);
  });

  it('propagates only when something changed and leaves the value raw', async () => {
    await d.do('SET', 'k', 'ab');
    await encoding('k', 'embstr');
    await d.do('BITFIELD', 'k', 'GET', 'u8', '0');
    await encoding('k', 'embstr');
    await d.do('BITFIELD', 'k', 'SET', 'u8', '0', '97');
    await encoding('k', 'raw');
    const out = propagated();
    await d.session.execute(['BITFIELD', 'k', 'SET', 'u8', '0', '97']);
    await d.session.execute(['BITFIELD', 'k', 'SET', 'u8', '0', '98']);
    await d.session.execute(['BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', '0', '1000']);
    await d.session.execute(['BITFIELD', 'k', 'GET', 'u8', '0']);
    await d.session.execute(['BITFIELD', 'k', 'SET', 'u8', '100', '0']);
    expect(out.map((a) => a.slice(1).join(' '))).toEqual(['k SET u8 0 98', 'k SET u8 100 0']);
  });
});


describe('randomised comparisons', () => {
  it('BITCOUNT / BITPOS over random ranges and units', async () => {
    const r = rng(3);
    const bytes = Buffer.alloc(23);
    for (let i = 0; i < bytes.length; i++) bytes[i] = r() < 0.3 ? 0 : r() < 0.3 ? 0xff : Math.floor(r() * 256);
    await d.do('SET', 'b', bytes);
    for (let i = 0; i < 400; i++) {
      const s = String(Math.floor(r() * 400) - 200);
      const e = String(Math.floor(r() * 400) - 200);
      const unit = r() < 0.5 ? 'BIT' : 'BYTE';
      const k = Math.floor(r() * 5);
      if (k === 0) await d.do('BITCOUNT', 'b', s, e, unit);
      else if (k === 1) await d.do('BITPOS', 'b', r() < 0.5 ? '0' : '1', s, e, unit);
      else if (k === 2) await d.do('BITPOS', 'b', r() < 0.5 ? '0' : '1', s);
      else if (k === 3) await d.do('BITPOS', 'b', r() < 0.5 ? '0' : '1', s, e);
      else await d.do('BITCOUNT', 'b', s, e);
    }
  });

  it('BITFIELD with random types, offsets, values and overflow modes', async () => {
    const r = rng(5);
    const big = () => {
      const k = Math.floor(r() * 4);
      if (k === 0) return String(Math.floor(r() * 200) - 100);
      if (k === 1) return String(BigInt(Math.floor(r() * 2 ** 31)) * BigInt(Math.floor(r() * 2 ** 31)) * (r() < 0.5 ? -1n : 1n));
      if (k === 2) return r() < 0.5 ? '9223372036854775807' : '-9223372036854775808';
      return String(Math.floor(r() * 2 ** 20) - 2 ** 19);
    };
    for (let i = 0; i < 300; i++) {
      const args: string[] = ['BITFIELD', 'f'];
      const n = 1 + Math.floor(r() * 4);
      for (let j = 0; j < n; j++) {
        const signed = r() < 0.5;
        const bits = 1 + Math.floor(r() * (signed ? 64 : 63));
        const type = (signed ? 'i' : 'u') + bits;
        const off = r() < 0.3 ? '#' + Math.floor(r() * 4) : String(Math.floor(r() * 100));
        const k = Math.floor(r() * 4);
        if (k === 0) args.push('GET', type, off);
        else if (k === 1) args.push('SET', type, off, big());
        else if (k === 2) args.push('INCRBY', type, off, big());
        else args.push('OVERFLOW', ['WRAP', 'SAT', 'FAIL'][Math.floor(r() * 3)]!);
      }
      await d.do(...args);
    }
    await d.do('GET', 'f');
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
      w('SETBIT b 7 1'),
      w('SETBIT b 7 1'),
      w('SETBIT b 7 0'),
      w('SETBIT b 100 0'),
      w('GETBIT b 1'),
      w('BITFIELD b SET u8 0 5'),
      w('BITFIELD b SET u8 0 5'),
      w('BITFIELD b GET u8 0'),
      w('BITFIELD b OVERFLOW FAIL INCRBY u2 0 100'),
      w('BITFIELD nb OVERFLOW FAIL INCRBY u2 0 100'),
      w('BITOP AND r b b'),
      w('BITOP OR r missing'),
      w('BITOP OR r missing'),
      w('BITCOUNT b'),
      w('BITPOS b 1'),
    ]);
  });
});

describe('WATCH', () => {
  it('is touched only by writes that change something', async () => {
    const other = d.engine.createSession();
    const otherReal = await d.real.client();
    const both = async (...argv: string[]) => {
      const [ours, theirs] = [await other.execute(argv), await otherReal.call(...argv)];
      expect(ours).toEqual(theirs);
    };
    const check = async (...argv: string[]) => {
      await d.do('WATCH', 'k');
      await both(...argv);
      await d.do('MULTI');
      await d.do('PING');
      await d.do('EXEC');
    };
    try {
      await d.do('SET', 'k', 'a');
      await check('SETBIT', 'k', '0', '0');
      await check('SETBIT', 'k', '0', '1');
      await check('SETBIT', 'k', '100', '0');
      await check('BITFIELD', 'k', 'SET', 'u8', '0', '225');
      await check('BITFIELD', 'k', 'SET', 'u8', '0', '97');
      await check('BITFIELD', 'k', 'GET', 'u8', '0');
      await check('BITOP', 'NOT', 'k', 'k');
      await check('SETRANGE', 'k', '0', '');
      await check('APPEND', 'k', '');
      await check('DEL', 'k');
      await check('PFADD', 'k', 'a');
      await check('PFADD', 'k', 'a');
      await check('PFCOUNT', 'k');
      await check('PFCOUNT', 'k');
      await check('PFMERGE', 'k');
      await check('SET', 'k', 'v', 'NX');
      await check('GETEX', 'k', 'PERSIST');
      await check('INCRBYFLOAT', 'n', '1');
    } finally {
      other.close();
      otherReal.close();
    }
  });
});
