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

function propagated(): Bytes[][] {
  const out: Bytes[][] = [];
  d.engine.onPropagate((_db, argv) => out.push(argv));
  return out;
}

/** PFADDs `n` elements named prefix0..prefix(n-1) in batches, comparing every reply. */
async function addMany(key: string, prefix: string, n: number, batch = 50): Promise<void> {
  for (let i = 0; i < n; i += batch) {
    const els: string[] = [];
    for (let j = i; j < Math.min(n, i + batch); j++) els.push(prefix + j);
    await d.do('PFADD', key, ...els);
  }
}

describe('PFADD / PFCOUNT byte layout', () => {
  it('an empty HLL, then the sparse bytes and cached cardinality after each step', async () => {
    await d.script(`
      PFADD h
      GET h
      PFCOUNT h
      GET h
      PFADD h
      PFADD h a
      GET h
      PFADD h a
      PFADD h b c d e f g
      GET h
      PFCOUNT h
      GET h
      PFCOUNT h
      PFADD h a b
      GET h
      STRLEN h
    `);
  });

  it('binary elements and long elements hash like Redis (MurmurHash64A)', async () => {
    await d.do('PFADD', 'h', Buffer.from([0]), Buffer.from([0xff, 0xfe]), '', 'x'.repeat(1000));
    for (let len = 0; len < 20; len++) await d.do('PFADD', 'h', 'abcdefghijklmnopqrstuvwxyz'.slice(0, len) + '\x7f');
    await d.do('GET', 'h');
    await d.do('PFCOUNT', 'h');
  });

  it('grows sparse, then promotes to dense past hll-sparse-max-bytes, same bytes all along', async () => {
    for (let i = 0; i < 60; i++) {
      await addMany('h', `el${i}-`, 50);
      await d.do('GET', 'h');
    }
    await d.do('PFCOUNT', 'h');
    await d.do('GET', 'h');
    await d.do('STRLEN', 'h');
    await d.do('PFDEBUG', 'ENCODING', 'h');
  });

  it('promotion threshold follows CONFIG SET hll-sparse-max-bytes', async () => {
    await d.do('CONFIG', 'SET', 'hll-sparse-max-bytes', '200');
    for (let i = 0; i < 40; i++) {
      await d.do('PFADD', 'h', `a${i}`, `b${i}`, `c${i}`);
      await d.do('PFDEBUG', 'ENCODING', 'h');
      await d.do('STRLEN', 'h');
    }
    await d.do('GET', 'h');
    await d.do('PFCOUNT', 'h');
    await d.do('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
  });

  it('a register value above 32 forces a dense HLL', async () => {
    // Find, on our side, an element whose run length exceeds the sparse VAL maximum.
    const { hllPatLen } = await import('../../src/engine/hyperloglog.js');
    let el = '';
    for (let i = 0; ; i++) {
      if (hllPatLen(`x${i}`).count > 20) {
        el = `x${i}`;
        break;
      }
    }
    await d.do('PFADD', 'h', el);
    await d.do('PFDEBUG', 'ENCODING', 'h');
    await d.do('STRLEN', 'h');
    await d.do('PFCOUNT', 'h');
  });

  it('large cardinalities estimate exactly as Redis', async () => {
    await addMany('big', 'e', 20000, 500);
    await d.do('PFCOUNT', 'big');
    await d.do('GET', 'big');
    await addMany('big2', 'e', 5000, 500);
    await addMany('big2', 'f', 5000, 500);
    await d.do('PFCOUNT', 'big', 'big2');
    await d.do('PFCOUNT', 'big2', 'missing');
  });
});

describe('PFMERGE', () => {
  it('merges sparse and dense inputs into new and existing keys', async () => {
    await d.script(`
      PFADD a 1 2 3 4 5
      PFADD b 4 5 6 7
      PFMERGE dst a b
      GET dst
      PFCOUNT dst
      PFMERGE a b
      GET a
      PFMERGE empty
      GET empty
      PFMERGE empty2 missing1 missing2
      GET empty2
      PFCOUNT a b missing
    `);
    await addMany('dense', 'd', 3000, 500);
    await d.do('PFMERGE', 'dst', 'dense');
    await d.do('GET', 'dst');
    await d.do('PFMERGE', 'fresh', 'a', 'dense');
    await d.do('GET', 'fresh');
    await d.do('PFMERGE', 'a', 'b');
    await d.do('GET', 'a');
    await d.do('PFCOUNT', 'a', 'dense', 'b');
  });

  it('merging many sparse inputs can promote the destination', async () => {
    for (let i = 0; i < 8; i++) await addMany(`s${i}`, `k${i}-`, 150, 150);
    await d.do('PFMERGE', 'm', 's0', 's1', 's2', 's3', 's4', 's5', 's6', 's7');
    await d.do('PFDEBUG', 'ENCODING', 'm');
    await d.do('GET', 'm');
    await d.do('PFCOUNT', 'm');
  });
});

describe('invalid and wrong-type values', () => {
  it('WRONGTYPE for non-HLL strings and other types, INVALIDOBJ for corrupt ones', async () => {
    await d.script(`
      SET s hello
      PFADD s a
      PFCOUNT s
      PFMERGE s
      PFMERGE d s
      PFCOUNT s missing
      SET n 12345
      PFADD n a
      SET short HYLL
      PFCOUNT short
      SADD aset a
      PFADD aset a
      PFCOUNT aset
      PFCOUNT aset s
      PFMERGE aset
      PFMERGE d aset
      PFDEBUG ENCODING aset
    `);
    // A header claiming dense with the wrong length.
    await d.do('SET', 'baddense', Buffer.concat([Buffer.from('HYLL'), Buffer.from([0, 0, 0, 0]), Buffer.alloc(8), Buffer.alloc(10)]));
    await d.do('PFCOUNT', 'baddense');
    // Unknown encoding byte.
    await d.do('SET', 'badenc', Buffer.concat([Buffer.from('HYLL'), Buffer.from([2, 0, 0, 0]), Buffer.alloc(8), Buffer.from([0x7f, 0xff])]));
    await d.do('PFCOUNT', 'badenc');
    // A sparse HLL whose opcodes do not cover 16384 registers.
    const corrupt = Buffer.concat([Buffer.from('HYLL'), Buffer.from([1, 0, 0, 0]), Buffer.alloc(7), Buffer.from([0x80]), Buffer.from([0x40, 0x10])]);
    await d.do('SET', 'corrupt', corrupt);
    await d.do('PFCOUNT', 'corrupt');
    await d.do('PFCOUNT', 'corrupt', 'missing');
    await d.do('PFMERGE', 'x', 'corrupt');
    await d.do('EXISTS', 'x');
    await d.do('PFADD', 'corrupt', 'a', 'b', 'c');
    await d.do('PFDEBUG', 'GETREG', 'corrupt');
    // A sparse HLL restored by value from its bytes keeps working.
    await d.do('PFADD', 'orig', 'a', 'b');
    const bytes = (await d.do('GET', 'orig')) as string;
    await d.do('SET', 'copy', Buffer.from(bytes, 'latin1'));
    await d.do('PFADD', 'copy', 'c');
    await d.do('GET', 'copy');
    await d.do('PFCOUNT', 'copy');
  });
});

describe('PFDEBUG', () => {
  it('ENCODING, DECODE, GETREG, TODENSE and errors', async () => {
    await d.script(`
      PFADD h a b c
      PFDEBUG ENCODING h
      PFDEBUG DECODE h
      PFDEBUG TODENSE h
      PFDEBUG ENCODING h
      PFDEBUG TODENSE h
      PFDEBUG DECODE h
      GET h
      PFDEBUG ENCODING missing
      PFDEBUG FOO h
      PFDEBUG GETREG
      PFDEBUG GETREG h extra
    `);
  });

  it('GETREG converts to dense and lists the registers of the real server\'s bytes', async () => {
    // (The test client cannot read a 16384-element reply, so the registers are checked
    // against the dense bytes real Redis holds after the same conversion.)
    await d.do('PFADD', 'h2', 'x', 'y', 'zzz');
    const regs = (await d.session.execute(['PFDEBUG', 'GETREG', 'h2'])) as number[];
    await d.client.call('PFDEBUG', 'TODENSE', 'h2');
    await d.do('PFDEBUG', 'ENCODING', 'h2');
    const bytes = Buffer.from((await d.do('GET', 'h2')) as string, 'latin1');
    expect(regs.length).toBe(16384);
    const expected: number[] = [];
    for (let i = 0; i < 16384; i++) {
      const pos = i * 6;
      const b0 = bytes[16 + (pos >> 3)]!;
      const b1 = bytes[16 + (pos >> 3) + 1] ?? 0;
      expected.push(((b0 >> (pos & 7)) | (b1 << (8 - (pos & 7)))) & 63);
    }
    expect(regs).toEqual(expected);
    expect(regs.filter((r) => r > 0).length).toBe(3);
  });
});

describe('cached cardinality and propagation', () => {
  it('PFCOUNT writes the cache once (propagated), later counts are read-only', async () => {
    await d.do('PFADD', 'h', 'a', 'b', 'c');
    const out = propagated();
    expect(await d.session.execute(['PFCOUNT', 'h'])).toBe(3);
    expect(await d.session.execute(['PFCOUNT', 'h'])).toBe(3);
    await d.session.execute(['PFADD', 'h', 'a']);
    await d.session.execute(['PFADD', 'h', 'zz']);
    await d.session.execute(['PFMERGE', 'h']);
    expect(out.map((a) => a.join(' '))).toEqual(['PFCOUNT h', 'PFADD h zz', 'PFMERGE h']);
    const v = d.session.db.dict.get('h')!;
    expect(v.encoding).toBe('raw');
  });

  it('encoding is raw after PFADD / PFCOUNT even for short HLL bytes set by value', async () => {
    await d.do('PFADD', 'h');
    const bytes = (await d.do('GET', 'h')) as string;
    await d.do('SET', 'c', Buffer.from(bytes, 'latin1'));
    expect(d.session.db.dict.get('c')!.encoding).toBe('embstr');
    await d.do('PFCOUNT', 'c');
    expect(d.session.db.dict.get('c')!.encoding).toBe('raw');
    expect(await d.do('OBJECT', 'ENCODING', 'c')).toBe('raw');
    await d.do('PFADD', 'h', 'x');
    expect(await d.do('OBJECT', 'ENCODING', 'h')).toBe('raw');
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
      w('PFADD h a b c'),
      w('PFADD h a'),
      w('PFADD h2'),
      w('PFCOUNT h'),
      w('PFCOUNT h'),
      w('PFCOUNT h h2'),
      w('PFMERGE m h h2'),
      w('PFMERGE m'),
      w('PFDEBUG TODENSE h'),
    ]);
  });
});


describe('randomised comparisons', () => {
  it('PFADD / PFMERGE / PFCOUNT sequences keep the same bytes', async () => {
    const r = rng(17);
    await d.do('CONFIG', 'SET', 'hll-sparse-max-bytes', '1200');
    for (let i = 0; i < 250; i++) {
      const key = `h${Math.floor(r() * 4)}`;
      const k = Math.floor(r() * 10);
      if (k < 6) {
        const n = 1 + Math.floor(r() * (r() < 0.2 ? 60 : 6));
        const els: string[] = [];
        for (let j = 0; j < n; j++) els.push(`v${Math.floor(r() * 100000)}`);
        await d.do('PFADD', key, ...els);
      } else if (k < 8) {
        await d.do('PFMERGE', key, `h${Math.floor(r() * 4)}`, `h${Math.floor(r() * 5)}`);
      } else if (k === 8) {
        await d.do('PFCOUNT', key);
      } else {
        await d.do('PFCOUNT', key, `h${Math.floor(r() * 5)}`);
      }
      await d.do('GET', key);
    }
  });
});

describe('PFSELFTEST', () => {
  it('passes, as on the real server (10M adds, dense and sparse agreeing)', async () => {
    expect(await d.do('PFSELFTEST')).toEqual(expect.objectContaining({ text: 'OK' }));
    await d.do('PFSELFTEST', 'extra');
  }, 60000);
});
