import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { ErrorReply, MapReply, type Reply } from '../../src/engine/reply.js';
import { StreamObject } from '../../src/engine/types/stream.js';

let d: Differential;
beforeAll(async () => {
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
  // CONFIG is not reset by d.reset() on the real server.
  await d.client.call('CONFIG', 'SET', 'stream-node-max-entries', '100', 'stream-node-max-bytes', '4096');
});

/** Runs the same commands on both sides without comparing (setup). */
async function both(...args: string[]): Promise<void> {
  await d.both(...args);
}

/** Fills `key` with n entries with explicit IDs 1-1 … n-1 (field f, value i) on both sides. */
async function fill(key: string, n: number, fieldsFor?: (i: number) => string[]): Promise<void> {
  for (let i = 1; i <= n; i++) {
    const [ours, theirs] = await d.both('XADD', key, `${i}-1`, ...(fieldsFor ? fieldsFor(i) : ['f', String(i)]));
    expect(ours).toEqual(theirs);
  }
}

/** Both replies have the same structure, numbers ignored (timing-dependent fields). */
function sameShape(a: Reply, b: Reply): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameShape(x, b[i]!));
  if (a instanceof MapReply && b instanceof MapReply) {
    return a.entries.length === b.entries.length && a.entries.every(([k, v], i) => k === b.entries[i]![0] && sameShape(v, b.entries[i]![1]));
  }
  if (typeof a === 'number' && typeof b === 'number') return true;
  if (Array.isArray(a) && b instanceof MapReply) {
    // the real client decodes RESP2 maps as arrays
    return sameShape(a, b.entries.flat() as Reply[]);
  }
  if (a instanceof MapReply && Array.isArray(b)) return sameShape(a.entries.flat() as Reply[], b);
  if (a instanceof ErrorReply && b instanceof ErrorReply) return a.message === b.message;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Drops the fields 7.2 added (VERSION_DIFFERENCES xinfo-consumers-inactive / xinfo-full-active-time). */
function without72Fields(r: Reply): Reply {
  if (r instanceof MapReply) {
    return new MapReply(
      r.entries.filter(([k]) => k !== 'inactive' && k !== 'active-time').map(([k, v]) => [k, without72Fields(v)]),
    );
  }
  if (Array.isArray(r)) return r.map(without72Fields);
  return r;
}

async function doStructure(...args: string[]): Promise<Reply> {
  const [ours, theirs] = await d.both(...args);
  if (!sameShape(without72Fields(ours), theirs)) {
    throw new Error(`structure differs for ${args.join(' ')}\n ours: ${JSON.stringify(ours)}\n redis: ${JSON.stringify(theirs)}`);
  }
  return ours;
}

describe('XADD / XLEN / XRANGE / XREVRANGE', () => {
  it('adds with explicit, partial and invalid IDs', async () => {
    await d.script(`
      XADD s 1-1 a 1
      XADD s 1-1 a 1
      XADD s 1-0 a 1
      XADD s 1-* a 2
      XADD s 1-* a 3
      XADD s 2-* b 1
      XADD s 5 c 1
      XADD s 0-0 a 1
      XADD z 0-0 a 1
      XADD z 0-* a 1
      XADD z 0-* a 1
      XADD s abc a 1
      XADD s 1-x a 1
      XADD s -1 a 1
      XADD s 1--0 a 1
      XADD s + a 1
      XADD s - a 1
      XADD s 10-1 a
      XADD s 10-1 a 1 b
      XADD s 10-1
      XADD s NOMKSTREAM 10-1
      XLEN s
      XLEN nokey
      XRANGE s - +
      XREVRANGE s + -
      XRANGE s 1 1
      XRANGE s (1-1 +
      XRANGE s - (5
      XRANGE s (1-2 (5-0
      XRANGE s - + COUNT 2
      XRANGE s - + COUNT 0
      XRANGE s - + COUNT -1
      XRANGE s - + COUNT x
      XRANGE s - + COUNT
      XRANGE s - + LIMIT 1
      XREVRANGE s + - COUNT 3
      XREVRANGE s (5 - COUNT 1
      XRANGE s (18446744073709551615-18446744073709551615 +
      XRANGE s - (0-0
      XRANGE s ( +
      XRANGE s (- +
      XRANGE s x +
      XRANGE s - y
      XRANGE nokey - +
      XRANGE s 5 1
      XREVRANGE s 1 5
      XADD z2 NOMKSTREAM * a 1
      EXISTS z2
      SET str x
      XADD str 1-1 a 1
      XLEN str
      XRANGE str - +
      XADD s 18446744073709551615-18446744073709551615 a 1
      XADD s 18446744073709551615-* a 1
      XADD s * a 1
      XADD s2 18446744073709551615-18446744073709551614 a 1
      XADD s2 18446744073709551615-* a 1
      XADD s2 18446744073709551615-* a 1
      XADD s3 18446744073709551616-1 a 1
      XADD s3 " 7-1" a 1
      XADD s3 "+8-1" a 1
      XADD s3 0009-1 a 1
      XADD s3 10-0001 a 1
      XRANGE s3 - +
      TYPE s
    `);
  });

  it('auto IDs are monotonic and propagate as the concrete ID', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    await d.doShape('XADD', 's', '*', 'a', '1');
    const r = await d.session.execute(['XADD', 's', 'MAXLEN', '~', '10', '*', 'a', '2']);
    expect(typeof r).toBe('string');
    expect(seen[0]![2]).toMatch(/^\d+-\d+$/);
    expect(seen[1]).toEqual(['XADD', 's', 'MAXLEN', '=', '2', r, 'a', '2']);
    expect(await d.session.execute(['XADD', 's', '5-*', 'a', '2'])).toBeInstanceOf(ErrorReply);
    await d.session.execute(['XADD', 't', '5-*', 'a', '2']);
    expect(seen[2]).toEqual(['XADD', 't', '5-0', 'a', '2']);
  });

  it('options: MAXLEN/MINID/LIMIT/NOMKSTREAM parsing and errors', async () => {
    await d.script(`
      XADD s MAXLEN 2 1-1 a 1
      XADD s MAXLEN 2 2-1 a 1
      XADD s MAXLEN 2 3-1 a 1
      XRANGE s - +
      XADD s MAXLEN = 1 4-1 a 1
      XRANGE s - +
      XADD s MAXLEN ~ 1 5-1 a 1
      XLEN s
      XADD s MINID 5 6-1 a 1
      XRANGE s - +
      XADD s MINID = 6-1 7-1 a 1
      XADD s MINID ~ 7 8-1 a 1
      XADD s MAXLEN 1 MINID 1 9-1 a 1
      XADD s MINID 1 MAXLEN 1 9-1 a 1
      XADD s MAXLEN -1 9-1 a 1
      XADD s MAXLEN x 9-1 a 1
      XADD s MINID x 9-1 a 1
      XADD s MINID + 9-1 a 1
      XADD s LIMIT 10 9-1 a 1
      XADD s LIMIT 0 9-1 a 1
      XADD s LIMIT -1 9-1 a 1
      XADD s LIMIT x 9-1 a 1
      XADD s MAXLEN 5 LIMIT 10 9-1 a 1
      XADD s MAXLEN ~ 5 LIMIT 10 9-1 a 1
      XADD s MAXLEN ~ 5 LIMIT 0 10-1 a 1
      XADD s NOMKSTREAM 11-1 a 1
      XADD s nomkstream maxlen 100 12-1 a 1
      XADD s MAXLEN 13-1 a 1
      XADD s MAXLEN 100 13-1 a 1 b
      XADD nokey NOMKSTREAM 1-1 a 1
      XADD nokey NOMKSTREAM MAXLEN 0 1-1 a 1
      XADD s2 MAXLEN 0 1-1 a 1
      XLEN s2
      EXISTS s2
      XRANGE s - +
      XADD s FOO 14-1 a 1
    `);
  });

  it('XTRIM exact and approximate, with LIMIT, matches Redis node boundaries', async () => {
    await fill('s', 1000);
    await d.script(`
      XTRIM s MAXLEN ~ 550
      XLEN s
      XTRIM s MAXLEN ~ 550
      XTRIM s MAXLEN 550
      XLEN s
      XTRIM s MAXLEN ~ 100 LIMIT 150
      XLEN s
      XTRIM s MAXLEN ~ 100 LIMIT 0
      XLEN s
      XTRIM s MINID ~ 950
      XLEN s
      XTRIM s MINID 960
      XRANGE s - + COUNT 2
      XTRIM s MINID = 970-1
      XTRIM s MAXLEN = 20
      XTRIM s MAXLEN 0
      XLEN s
      EXISTS s
      XTRIM s
      XTRIM s FOO
      XTRIM s MAXLEN 1 LIMIT 10
      XTRIM s LIMIT 10
      XTRIM s MAXLEN 1 MINID 1
      XTRIM s MAXLEN -1
      XTRIM nokey MAXLEN 0
      SET str x
      XTRIM str MAXLEN 0
      XTRIM s MINID -
    `);
  });

  it('XADD MAXLEN ~ and node boundaries with big values and configs', async () => {
    const big = 'x'.repeat(300);
    for (let i = 1; i <= 200; i++) {
      await d.do('XADD', 's', 'MAXLEN', '~', '50', `${i}-1`, 'field', i % 7 === 0 ? big : String(i * 1000));
    }
    await d.do('XLEN', 's');
    await d.do('XINFO', 'STREAM', 's');
    await d.do('CONFIG', 'SET', 'stream-node-max-entries', '7');
    for (let i = 201; i <= 300; i++) {
      await d.do('XADD', 's', 'MAXLEN', '~', '30', `${i}-1`, i % 2 ? 'a' : 'b', String(i), 'c', '-12345678901');
    }
    await d.do('XLEN', 's');
    await d.do('XINFO', 'STREAM', 's');
    await d.do('CONFIG', 'SET', 'stream-node-max-bytes', '0');
    await d.do('CONFIG', 'SET', 'stream-node-max-entries', '0');
    for (let i = 301; i <= 400; i++) await d.do('XADD', 's', `${i}-${i * 3}`, 'a', 'v'.repeat(i % 90));
    await d.do('XTRIM', 's', 'MAXLEN', '~', '10');
    await d.do('XINFO', 'STREAM', 's');
    await d.do('CONFIG', 'SET', 'stream-node-max-bytes', '200');
    await d.do('CONFIG', 'SET', 'stream-node-max-entries', '100');
    for (let i = 401; i <= 500; i++) await d.do('XADD', 's', `${i * 100000}-0`, 'a', String(i), 'bb', 'x'.repeat(i % 70));
    await d.do('XINFO', 'STREAM', 's');
    await d.do('XTRIM', 's', 'MINID', '~', '45000000');
    await d.do('XINFO', 'STREAM', 's');
  });

  it('XDEL marks deleted, frees nodes, updates first/max-deleted IDs', async () => {
    await fill('s', 250);
    await d.script(`
      XDEL s 1-1 2-1 2-1 1000-1
      XDEL s 1-1
      XDEL s x
      XDEL s 3-1 x
      XLEN s
      XINFO STREAM s
      XDEL s 250-1
      XINFO STREAM s
      XDEL nokey 1-1
      XDEL nokey x
      SET str x
      XDEL str 1-1
      XDEL s 5 6 7-1
      XRANGE s - + COUNT 3
      XREVRANGE s + - COUNT 3
    `);
    // delete a whole node (entries 101..200 live in the second node)
    const ids = [];
    for (let i = 101; i <= 200; i++) ids.push(`${i}-1`);
    await d.do('XDEL', 's', ...ids);
    await d.do('XINFO', 'STREAM', 's');
    await d.do('XADD', 's', '300-1', 'f', 'v');
    await d.do('XINFO', 'STREAM', 's');
    for (let i = 4; i <= 100; i++) await d.do('XDEL', 's', `${i}-1`);
    await d.do('XINFO', 'STREAM', 's');
    await d.do('XINFO', 'STREAM', 's', 'FULL');
  });

  it('radix tree node counts match across many shapes', async () => {
    await d.do('CONFIG', 'SET', 'stream-node-max-entries', '2');
    const ids = [1, 2, 3, 255, 256, 257, 65535, 65536, 65537, 16777216, 4294967296, 1099511627776, 281474976710656];
    let seq = 0;
    for (const ms of ids) {
      for (let k = 0; k < 3; k++) {
        await d.do('XADD', 's', `${ms}-${seq++}`, 'a', '1');
        await d.do('XINFO', 'STREAM', 's');
      }
    }
    for (const ms of [2, 65536, 4294967296]) {
      await d.do('XTRIM', 's', 'MINID', `${ms}`);
      await d.do('XINFO', 'STREAM', 's');
    }
    await d.do('XADD', 't', '1-1', 'a', '1');
    await d.do('XINFO', 'STREAM', 't');
    await d.do('XDEL', 't', '1-1');
    await d.do('XINFO', 'STREAM', 't');
    await d.do('XINFO', 'STREAM', 't', 'FULL');
  });

  it('XINFO STREAM forms, errors and RESP3', async () => {
    await fill('s', 15);
    await d.script(`
      XINFO STREAM s
      XINFO STREAM s FULL
      XINFO STREAM s FULL COUNT 3
      XINFO STREAM s FULL COUNT 0
      XINFO STREAM s FULL COUNT -1
      XINFO STREAM s FULL COUNT x
      XINFO STREAM s FULL COUNT
      XINFO STREAM s FOO
      XINFO STREAM s FULL FOO 1
      XINFO STREAM nokey
      XINFO GROUPS nokey
      XINFO CONSUMERS nokey g
      XINFO CONSUMERS s g
      XINFO GROUPS s
      XINFO FOO s
      XINFO HELP
      XINFO
      XINFO STREAM
      XGROUP HELP
      XGROUP
      XGROUP FOO
      SET str x
      XINFO STREAM str
      XINFO GROUPS str
      XGROUP CREATE str g $
    `);
    await both('HELLO', '3');
    await d.script(`
      XINFO STREAM s
      XINFO STREAM s FULL COUNT 2
      XRANGE s - + COUNT 2
      XREAD STREAMS s 13
      XREAD STREAMS s 100
      XRANGE s - + COUNT 0
      XADD z 1-1 a 1
      XDEL z 1-1
      XINFO STREAM z
      OBJECT ENCODING s
      TYPE s
    `);
  });

  it('XSETID', async () => {
    await fill('s', 3);
    await d.script(`
      XSETID s 2-1
      XSETID s 3-1
      XSETID s 10-1
      XINFO STREAM s
      XSETID s 10-1 ENTRIESADDED 2
      XSETID s 10-1 ENTRIESADDED 100 MAXDELETEDID 5-0
      XINFO STREAM s
      XSETID s 4-0
      XSETID s 10-1
      XSETID s 6-0 MAXDELETEDID 7-0
      XSETID s 6-0 ENTRIESADDED -1
      XSETID s 6-0 ENTRIESADDED x
      XSETID s 6-0 MAXDELETEDID x
      XSETID s 6-0 FOO
      XSETID s 6-0 ENTRIESADDED
      XSETID s x
      XSETID s +
      XSETID nokey 1-1
      SET str x
      XSETID str 1-1
      XADD s 10-1 a 1
      XADD s 10-2 a 1
      XDEL s 1-1 2-1 3-1 10-2
      XLEN s
      XSETID s 0-1
      XSETID s 10-2
      XINFO STREAM s
    `);
  });
});

describe('consumer groups', () => {
  it('XGROUP CREATE / SETID / DESTROY / CREATECONSUMER / DELCONSUMER', async () => {
    await fill('s', 5);
    await d.script(`
      XGROUP CREATE s g $
      XGROUP CREATE s g $
      XGROUP CREATE s g2 0
      XGROUP CREATE s g3 2-1 ENTRIESREAD 2
      XGROUP CREATE s g4 - 
      XGROUP CREATE s g4 x
      XGROUP CREATE s g4 0 ENTRIESREAD -2
      XGROUP CREATE s g4 0 ENTRIESREAD x
      XGROUP CREATE s g4 0 ENTRIESREAD
      XGROUP CREATE s g4 0 FOO
      XGROUP CREATE s g4 0 MKSTREAM ENTRIESREAD -1
      XGROUP CREATE nokey g $
      XGROUP CREATE nokey g $ MKSTREAM
      XINFO STREAM nokey
      XGROUP CREATE nokey2 g x MKSTREAM
      EXISTS nokey2
      XGROUP SETID s nog 0
      XGROUP SETID s g 3-1
      XGROUP SETID s g2 + 
      XGROUP SETID s g2 $ ENTRIESREAD 5
      XGROUP SETID s g2 - ENTRIESREAD 5
      XGROUP SETID s g2 $ ENTRIESREAD
      XGROUP SETID s g2 $ MKSTREAM
      XGROUP SETID nokey9 g2 $
      XINFO GROUPS s
      XGROUP CREATECONSUMER s g c1
      XGROUP CREATECONSUMER s g c1
      XGROUP CREATECONSUMER s nog c1
      XGROUP CREATECONSUMER nokey9 g c1
      XGROUP DELCONSUMER s g c1
      XGROUP DELCONSUMER s g c1
      XGROUP DELCONSUMER s nog c1
      XGROUP DESTROY s g3
      XGROUP DESTROY s g3
      XGROUP DESTROY nokey9 g3
      XINFO GROUPS s
      SET str x
      XGROUP CREATECONSUMER str g c
      XGROUP DESTROY str g
    `);
  });

  it('XREADGROUP, XACK, XPENDING, lag and entries-read', async () => {
    await fill('s', 10);
    await d.script(`
      XGROUP CREATE s g 0
      XINFO GROUPS s
      XREADGROUP GROUP g alice COUNT 3 STREAMS s >
      XINFO GROUPS s
      XREADGROUP GROUP g bob COUNT 2 STREAMS s >
      XREADGROUP GROUP g alice STREAMS s 0
      XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-1
      XREADGROUP GROUP g alice STREAMS s 999
      XINFO GROUPS s
      XPENDING s g
      XACK s g 1-1 2-1 99-1
      XACK s g 1-1
      XACK s g x
      XACK s nog x
      XACK nokey g x
      XPENDING s g
      XDEL s 3-1
      XREADGROUP GROUP g alice STREAMS s 0
      XINFO GROUPS s
      XREADGROUP GROUP g carol NOACK STREAMS s >
      XINFO GROUPS s
      XPENDING s g
      XREADGROUP GROUP g carol STREAMS s >
      XADD s 11-1 f 11
      XINFO GROUPS s
      XGROUP CREATE s late $
      XINFO GROUPS s
      XADD s 12-1 f 12
      XINFO GROUPS s
      XGROUP SETID s late 0
      XINFO GROUPS s
      XGROUP SETID s late 0 ENTRIESREAD 0
      XINFO GROUPS s
      XREADGROUP GROUP late x COUNT 4 STREAMS s >
      XINFO GROUPS s
      XGROUP CREATE s g9 0
      XTRIM s MAXLEN 3
      XINFO GROUPS s
    `);
  });

  it('XREADGROUP / XREAD errors', async () => {
    await fill('s', 2);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await d.script(`
      XREADGROUP GROUP g c STREAMS s
      XREADGROUP GROUP g c STREAMS s > t
      XREADGROUP GROUP g c STREAMS s $
      XREADGROUP GROUP nog c STREAMS s >
      XREADGROUP GROUP g c STREAMS nokey >
      XREADGROUP GROUP g c STREAMS s x
      XREADGROUP GROUP g c STREAMS s +
      XREADGROUP STREAMS s >
      XREADGROUP GROUP g c s >
      XREADGROUP GROUP g c COUNT x STREAMS s >
      XREADGROUP GROUP g c COUNT -5 STREAMS s >
      XREADGROUP GROUP g c BLOCK x STREAMS s >
      XREADGROUP GROUP g c BLOCK -1 STREAMS s >
      XREADGROUP GROUP g c FOO STREAMS s >
      XREAD STREAMS s
      XREAD STREAMS s 0 0
      XREAD STREAMS s >
      XREAD GROUP g c STREAMS s 0
      XREAD NOACK STREAMS s 0
      XREAD COUNT 1 STREAMS s 0
      XREAD COUNT 1 STREAMS s nokey 0 0
      XREAD STREAMS s nokey $ $
      XREAD STREAMS s +
      XREAD STREAMS s -
      XREAD STREAMS s x
      XREAD BLOCK x STREAMS s 0
      XREAD BLOCK -1 STREAMS s 0
      XREAD BLOCK 9223372036854775807 STREAMS s 0
      XREAD FOO STREAMS s 0
      XREAD COUNT 0 STREAMS s 0
      XREAD STREAMS s 1-1
      XREAD STREAMS s 2-1
      SET str x
      XREAD STREAMS str 0
      XREAD STREAMS s str 0 0
      XREADGROUP GROUP g c STREAMS str >
      MULTI
      XREAD BLOCK 0 STREAMS s $
      XREADGROUP GROUP g c BLOCK 0 STREAMS s >
      EXEC
    `);
    await both('HELLO', '3');
    await d.script(`
      XREAD STREAMS s s 0 1-1
      XREADGROUP GROUP g d STREAMS s >
    `);
  });

  it('XCLAIM and XAUTOCLAIM', async () => {
    await fill('s', 10);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await both('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '>');
    await d.script(`
      XCLAIM s g bob 0 1-1 2-1 JUSTID
      XCLAIM s g bob 0 3-1
      XCLAIM s g bob 0 4-1 RETRYCOUNT 7 JUSTID
      XCLAIM s g bob 0 99-1 FORCE JUSTID
      XCLAIM s g bob 0 5-1 TIME 0 JUSTID
      XCLAIM s g bob 0 6-1 IDLE 100000 JUSTID
      XCLAIM s g bob 3600000 7-1
      XCLAIM s g bob 0 7-1 LASTID 50-1 JUSTID
      XINFO GROUPS s
      XCLAIM s g bob 0 7-1 LASTID 5-1 JUSTID
      XCLAIM s g bob x 7-1
      XCLAIM s g bob 0 7-1 IDLE x
      XCLAIM s g bob 0 7-1 TIME x
      XCLAIM s g bob 0 7-1 RETRYCOUNT x
      XCLAIM s g bob 0 7-1 LASTID x
      XCLAIM s g bob 0 7-1 FOO
      XCLAIM s g bob 0 7-1 IDLE
      XCLAIM s g bob 0 + JUSTID
      XCLAIM s nog bob 0 7-1
      XCLAIM nokey g bob 0 7-1
      XPENDING s g
    `);
    await doStructure('XPENDING', 's', 'g', '-', '+', '10', 'bob');
    await d.script(`
      XDEL s 8-1
      XCLAIM s g bob 0 8-1 JUSTID
      XPENDING s g
      XCLAIM s g bob 0 10-1 FORCE JUSTID
      XADD s 20-1 f 20
      XCLAIM s g carol 0 20-1 FORCE
    `);
    await doStructure('XPENDING', 's', 'g', '-', '+', '100', 'carol');
    await d.script(`
      XDEL s 9-1 2-1
      XAUTOCLAIM s g dave 0 0 COUNT 2
      XAUTOCLAIM s g dave 0 0 COUNT 3 JUSTID
      XAUTOCLAIM s g dave 0 (7-1
      XAUTOCLAIM s g dave 0 - COUNT 100
      XAUTOCLAIM s g dave 3600000 -
      XAUTOCLAIM s g dave 0 -
      XAUTOCLAIM s g dave x -
      XAUTOCLAIM s g dave 0 x
      XAUTOCLAIM s g dave 0 - COUNT 0
      XAUTOCLAIM s g dave 0 - COUNT x
      XAUTOCLAIM s g dave 0 - COUNT 1000000000
      XAUTOCLAIM s g dave 0 - COUNT 576460752303423487
      XAUTOCLAIM s g dave 0 - COUNT 576460752303423488
      XAUTOCLAIM s g dave 0 - COUNT
      XAUTOCLAIM s g dave 0 - FOO
      XAUTOCLAIM s g dave 0 (18446744073709551615-18446744073709551615
      XAUTOCLAIM s nog dave 0 -
      XAUTOCLAIM nokey g dave 0 -
      SET str x
      XAUTOCLAIM str g dave 0 -
      XCLAIM str g dave 0 1-1
      XPENDING str g
    `);
  });

  it('XAUTOCLAIM deleted entries count toward COUNT', async () => {
    await fill('s', 6);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await both('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
    await both('XDEL', 's', '1-1', '2-1', '4-1');
    await d.script(`
      XAUTOCLAIM s g b 0 - COUNT 1
      XAUTOCLAIM s g b 0 - COUNT 2 JUSTID
      XAUTOCLAIM s g b 0 - COUNT 2 JUSTID
      XPENDING s g
    `);
  });

  it('XPENDING extended forms', async () => {
    await fill('s', 6);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await both('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '3', 'STREAMS', 's', '>');
    await both('XREADGROUP', 'GROUP', 'g', 'b', 'STREAMS', 's', '>');
    await doStructure('XPENDING', 's', 'g', '-', '+', '10');
    await doStructure('XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10');
    await doStructure('XPENDING', 's', 'g', '-', '+', '10', 'b');
    await doStructure('XPENDING', 's', 'g', '(2-1', '(5-1', '10');
    await d.script(`
      XPENDING s g
      XPENDING s g - + 0
      XPENDING s g - + -1
      XPENDING s g - + 10 nobody
      XPENDING s g IDLE 3600000 - + 10
      XPENDING s g IDLE 3600000 - + 10 a
      XPENDING s g - +
      XPENDING s g -
      XPENDING s g - + x
      XPENDING s g IDLE x - + 10
      XPENDING s g IDLE 1 - +
      XPENDING s g x + 10
      XPENDING s g - x 10
      XPENDING s g (- + 10
      XPENDING s g - (0-0 10
      XPENDING s g - + 10 a b c
      XPENDING s nog
      XPENDING nokey g
      XPENDING nokey g - + x
      SET str x
      XPENDING str g
      XGROUP CREATE s empty $
      XPENDING s empty
    `);
    await both('HELLO', '3');
    await d.script(`
      XPENDING s empty
      XPENDING s g
    `);
  });

  it('XINFO CONSUMERS and STREAM FULL with groups (timing fields by structure)', async () => {
    await fill('s', 4);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await both('XGROUP', 'CREATE', 's', 'a-group', '$');
    await both('XREADGROUP', 'GROUP', 'g', 'zed', 'COUNT', '2', 'STREAMS', 's', '>');
    await both('XGROUP', 'CREATECONSUMER', 's', 'g', 'amy');
    await doStructure('XINFO', 'CONSUMERS', 's', 'g');
    await doStructure('XINFO', 'STREAM', 's', 'FULL');
    await d.do('XINFO', 'GROUPS', 's');
    const ours = (await d.session.execute(['XINFO', 'CONSUMERS', 's', 'g'])) as MapReply[];
    expect(ours.map((m) => m.entries.map((e) => e[0]))).toEqual([
      ['name', 'pending', 'idle', 'inactive'],
      ['name', 'pending', 'idle', 'inactive'],
    ]);
    // amy never read: inactive is -1
    expect(ours[0]!.entries[3]![1]).toBe(-1);
    expect(ours[1]!.entries[3]![1]).toBeGreaterThanOrEqual(0);
  });
});

describe('blocking reads', () => {
  it('XREAD BLOCK is woken by XADD and times out with a null array', async () => {
    const e = d.engine;
    const a = e.createSession();
    const b = e.createSession();
    await b.execute(['XADD', 's', '1-1', 'a', '1']);
    const pending = a.execute(['XREAD', 'BLOCK', '0', 'STREAMS', 's', '$']);
    expect(pending).toBeInstanceOf(Promise);
    await b.execute(['XADD', 's', '2-1', 'a', '2']);
    expect(await pending).toEqual([['s', [['2-1', ['a', '2']]]]]);
    const t = await a.execute(['XREAD', 'BLOCK', '10', 'STREAMS', 's', '$']);
    expect(t).toBe((await import('../../src/engine/reply.js')).NULL_ARRAY);
    // a new key created by XADD wakes readers too
    const p2 = a.execute(['XREAD', 'BLOCK', '0', 'STREAMS', 'new', '0']);
    await b.execute(['XADD', 'new', '5-5', 'k', 'v']);
    expect(await p2).toEqual([['new', [['5-5', ['k', 'v']]]]]);
  });

  it('XREADGROUP BLOCK serves new entries and propagates XCLAIM + XGROUP SETID', async () => {
    const e = d.engine;
    const seen: string[][] = [];
    e.onPropagate((_db, argv) => seen.push(argv));
    const a = e.createSession();
    const b = e.createSession();
    await b.execute(['XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM']);
    const pending = a.execute(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    expect(pending).toBeInstanceOf(Promise);
    seen.length = 0;
    await b.execute(['XADD', 's', '1-1', 'a', '1']);
    expect(await pending).toEqual([['s', [['1-1', ['a', '1']]]]]);
    // The XADD goes out first, then the served client's effects as one transaction.
    expect(seen[0]).toEqual(['XADD', 's', '1-1', 'a', '1']);
    expect(seen[1]).toEqual(['MULTI']);
    expect(seen[2]!.slice(0, 6)).toEqual(['XCLAIM', 's', 'g', 'c', '0', '1-1']);
    expect(seen[2]![6]).toBe('TIME');
    expect(seen[2]!.slice(8)).toEqual(['RETRYCOUNT', '1', 'FORCE', 'JUSTID', 'LASTID', '1-1']);
    expect(seen[3]).toEqual(['XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '1']);
    expect(seen[4]).toEqual(['EXEC']);
    // group destroyed while blocked: the client gets NOGROUP
    const p2 = a.execute(['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>']);
    await b.execute(['XGROUP', 'DESTROY', 's', 'g']);
    const r = await p2;
    expect(r).toBeInstanceOf(ErrorReply);
    expect((r as ErrorReply).message).toMatch(/^NOGROUP/);
  });

  it('XREADGROUP NOACK propagates consumer creation and SETID only', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    const s = d.session;
    await s.execute(['XADD', 's', '1-1', 'a', '1']);
    await s.execute(['XGROUP', 'CREATE', 's', 'g', '0']);
    seen.length = 0;
    await s.execute(['XREADGROUP', 'GROUP', 'g', 'c', 'NOACK', 'STREAMS', 's', '>']);
    expect(seen).toEqual([
      ['MULTI'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c'],
      ['XGROUP', 'SETID', 's', 'g', '1-1', 'ENTRIESREAD', '1'],
      ['EXEC'],
    ]);
    seen.length = 0;
    // ~ trimming propagates its exact effect
    await s.execute(['XTRIM', 's', 'MAXLEN', '~', '0']);
    expect(seen).toEqual([['XTRIM', 's', 'MAXLEN', '=', '0']]);
    seen.length = 0;
    await s.execute(['XTRIM', 's', 'MAXLEN', '~', '0']);
    expect(seen).toEqual([]);
  });
});

describe('StreamObject', () => {
  it('clone is deep and entries() yields live entries', () => {
    const cfg = { streamNodeMaxBytes: 4096, streamNodeMaxEntries: 100 };
    const s = StreamObject.fromEntries(
      [1n, 2n, 3n].map((ms) => ({ ms, seq: 0n, fields: ['f', String(ms)] })),
      cfg,
    );
    s.delete({ ms: 2n, seq: 0n });
    const g = s.createGroup('g', { ms: 0n, seq: 0n }, -1n)!;
    g.consumers.set('c', { name: 'c', seenTime: 1, activeTime: -1, pel: new (g.pel.constructor as any)() });
    const c = s.clone();
    expect([...c.entries()]).toEqual([
      { ms: 1n, seq: 0n, fields: ['f', '1'] },
      { ms: 3n, seq: 0n, fields: ['f', '3'] },
    ]);
    c.delete({ ms: 1n, seq: 0n });
    expect(s.length).toBe(2);
    expect(c.length).toBe(1);
    expect(c.group('g')).not.toBe(g);
    expect(c.encoding).toBe('stream');
  });
});

describe('WATCH, keyspace events, multi-key reads', () => {
  it('which stream writes touch WATCHed keys (same client)', async () => {
    await fill('s', 3);
    const cmds = [
      ['XGROUP', 'CREATE', 's', 'g', '0'],
      ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>'],
      ['XACK', 's', 'g', '1-1'],
      ['XGROUP', 'CREATECONSUMER', 's', 'g', 'c2'],
      ['XCLAIM', 's', 'g', 'c2', '0', '1-1', 'FORCE'],
      ['XAUTOCLAIM', 's', 'g', 'c3', '0', '-'],
      ['XGROUP', 'SETID', 's', 'g', '0'],
      ['XGROUP', 'DELCONSUMER', 's', 'g', 'c2'],
      ['XSETID', 's', '100-1'],
      ['XGROUP', 'DESTROY', 's', 'g'],
      ['XDEL', 's', '2-1'],
      ['XDEL', 's', '2-1'],
      ['XTRIM', 's', 'MAXLEN', '5'],
      ['XTRIM', 's', 'MAXLEN', '0'],
      ['XADD', 's', '200-1', 'a', '1'],
      ['XGROUP', 'CREATE', 's2', 'g', '$', 'MKSTREAM'],
    ];
    for (const c of cmds) {
      await d.do('WATCH', c[1] === 'CREATE' || c[1] === 'SETID' || c[1] === 'DESTROY' || c[1] === 'CREATECONSUMER' || c[1] === 'DELCONSUMER' ? c[2]! : c[0] === 'XREADGROUP' ? 's' : c[1]!);
      await d.do(...c);
      await d.do('MULTI');
      await d.do('PING');
      await d.do('EXEC');
    }
  });

  it('XREAD over several keys, COUNT, $ and RESP3 map', async () => {
    await fill('a', 3);
    await fill('b', 2);
    await d.script(`
      XREAD COUNT 2 STREAMS a b 0 0
      XREAD STREAMS a b 2-1 $
      XREAD STREAMS a nokey b 0 0 1-1
      XREAD STREAMS a b 3-1 2-1
      XREAD COUNT 1 STREAMS b a 1-1 1-1
    `);
    await both('HELLO', '3');
    await d.script(`
      XREAD COUNT 2 STREAMS a b 0 0
      XREAD STREAMS a b 3-1 2-1
      XINFO GROUPS a
      XGROUP CREATE a g 0
      XREADGROUP GROUP g c COUNT 1 STREAMS a b >
      XREADGROUP GROUP g c COUNT 1 STREAMS a >
      XREADGROUP GROUP g c STREAMS a 0
      XINFO GROUPS a
    `);
  });

  it('fires xadd/xtrim/xdel/xgroup-*/xsetid keyspace events', async () => {
    const s = d.session;
    await s.execute(['CONFIG', 'SET', 'notify-keyspace-events', 'Et']);
    const sub = d.engine.createSession();
    const got: string[] = [];
    sub.onPush = (r) => {
      const items = r as string[];
      if (items[0] === 'pmessage') got.push(`${items[2]}:${items[3]}`);
    };
    await sub.execute(['PSUBSCRIBE', '__keyevent@0__:*']);
    await s.execute(['XADD', 's', 'MAXLEN', '1', '1-1', 'a', '1']);
    await s.execute(['XADD', 's', 'MAXLEN', '1', '2-1', 'a', '1']);
    await s.execute(['XDEL', 's', '2-1']);
    await s.execute(['XGROUP', 'CREATE', 's', 'g', '$']);
    await s.execute(['XGROUP', 'CREATECONSUMER', 's', 'g', 'c']);
    await s.execute(['XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 's', '>']);
    await s.execute(['XGROUP', 'SETID', 's', 'g', '0']);
    await s.execute(['XGROUP', 'DELCONSUMER', 's', 'g', 'c']);
    await s.execute(['XGROUP', 'DESTROY', 's', 'g']);
    await s.execute(['XSETID', 's', '5-5']);
    await s.execute(['XTRIM', 's', 'MAXLEN', '0']);
    expect(got).toEqual([
      '__keyevent@0__:xadd:s',
      '__keyevent@0__:xadd:s',
      '__keyevent@0__:xtrim:s',
      '__keyevent@0__:xdel:s',
      '__keyevent@0__:xgroup-create:s',
      '__keyevent@0__:xgroup-createconsumer:s',
      '__keyevent@0__:xgroup-createconsumer:s',
      '__keyevent@0__:xgroup-setid:s',
      '__keyevent@0__:xgroup-delconsumer:s',
      '__keyevent@0__:xgroup-destroy:s',
      '__keyevent@0__:xsetid:s',
    ]);
  });
});

describe('node boundaries under random workloads', () => {
  it('matches radix-tree keys/nodes after random XADD/XDEL/XTRIM with small node limits', async () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const values = () => {
      const k = rnd(6);
      if (k === 0) return String(rnd(200) - 100);
      if (k === 1) return String(rnd(2000000000) - 1000000000) + String(rnd(10));
      if (k === 2) return 'x'.repeat(rnd(70));
      if (k === 3) return 'y'.repeat(60 + rnd(10));
      if (k === 4) return '-' + String(rnd(100000));
      return 'z'.repeat(rnd(5000));
    };
    for (const [bytes, entries] of [['300', '10'], ['1000', '0'], ['4096', '100'], ['0', '5']] as const) {
      await d.reset();
      await d.do('CONFIG', 'SET', 'stream-node-max-bytes', bytes);
      await d.do('CONFIG', 'SET', 'stream-node-max-entries', entries);
      let ms = 1;
      for (let i = 0; i < 300; i++) {
        ms += 1 + rnd(3) * rnd(100000);
        const nf = 1 + rnd(3);
        const fields: string[] = [];
        for (let f = 0; f < nf; f++) fields.push(rnd(3) === 0 ? `f${rnd(3)}` : 'f0', values());
        await d.do('XADD', 's', `${ms}-${rnd(3)}`, ...fields);
        if (rnd(10) === 0) await d.do('XDEL', 's', `${ms}-0`, `${ms - 1}-1`);
        if (rnd(40) === 0) await d.do('XTRIM', 's', 'MAXLEN', '~', String(rnd(200)));
        if (rnd(60) === 0) await d.do('XTRIM', 's', 'MAXLEN', String(rnd(200)));
        if (i % 25 === 0) await d.do('XINFO', 'STREAM', 's');
      }
      await d.do('XINFO', 'STREAM', 's');
      await d.do('XRANGE', 's', '-', '+', 'COUNT', '5');
    }
  });
});

describe('StreamObject.fromLoad', () => {
  it('rebuilds groups, PELs and consumers as the RDB loader does', () => {
    const cfg = { streamNodeMaxBytes: 4096, streamNodeMaxEntries: 100 };
    const id = (ms: bigint) => ({ ms, seq: 0n });
    const s = StreamObject.fromLoad(
      [1n, 2n, 3n].map((ms) => ({ id: id(ms), fields: ['f', String(ms)] })),
      {
        lastId: id(9n),
        firstId: null,
        maxDeletedId: null,
        entriesAdded: null,
        groups: [
          {
            name: 'g',
            lastId: id(2n),
            entriesRead: null,
            pending: [{ id: id(2n), deliveryTime: 5, deliveryCount: 3 }],
            consumers: [{ name: 'c', seenTime: 7, activeTime: null, pending: [id(2n)] }],
          },
        ],
      },
      cfg,
    );
    expect(s.lastId).toEqual(id(9n));
    expect(s.entriesAdded).toBe(3n);
    const g = s.group('g')!;
    expect(g.entriesRead).toBe(-1n); // 2-0 is inside the stream: no estimate
    const c = g.consumers.get('c')!;
    expect(c.activeTime).toBe(7);
    expect(g.pel.get(id(2n))!.consumer).toBe(c);
    expect(c.pel.size).toBe(1);
  });
});

describe('blocking reads against real Redis (two clients each side)', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Starts a blocking command on a second client on both sides; returns a function awaiting both replies. */
  async function blockBoth(...argv: string[]): Promise<() => Promise<void>> {
    const rc = await d.real.client();
    const theirsP = rc.call(...argv);
    const ours2 = d.engine.createSession();
    const oursP = Promise.resolve(ours2.execute(argv));
    await sleep(50);
    return async () => {
      const [ours, theirs] = await Promise.all([oursP, theirsP]);
      rc.close();
      const { encodeReply } = await import('../../src/resp/encoder.js');
      const { VERSION_DIFFERENCES } = await import('../helpers/differences.js');
      const a = encodeReply(ours, 2);
      const b = encodeReply(theirs, 2);
      if (a !== b && !VERSION_DIFFERENCES.some((x) => x.explains(argv, ours, theirs))) {
        throw new Error(`blocked reply differs for ${argv.join(' ')}\n ours: ${JSON.stringify(a)}\n redis: ${JSON.stringify(b)}`);
      }
    };
  }

  it('XREAD BLOCK $ is served by the next XADD; timeouts give a null array', async () => {
    await fill('s', 2);
    const done = await blockBoth('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$');
    await d.do('XADD', 's', '10-1', 'k', 'v');
    await done();
    const done2 = await blockBoth('XREAD', 'BLOCK', '100', 'STREAMS', 's', 'nokey', '$', '$');
    await done2();
    const done3 = await blockBoth('XREAD', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'nokey', 's', '0', '10-1');
    await d.do('XADD', 'nokey', '3-3', 'a', 'b');
    await done3();
  });

  it('XREADGROUP BLOCK > is served by XADD and updates the PEL like Redis', async () => {
    await fill('s', 2);
    await both('XGROUP', 'CREATE', 's', 'g', '$');
    const done = await blockBoth('XREADGROUP', 'GROUP', 'g', 'alice', 'BLOCK', '0', 'STREAMS', 's', '>');
    await d.do('XADD', 's', '10-1', 'k', 'v');
    await done();
    await d.do('XPENDING', 's', 'g');
    await d.do('XINFO', 'GROUPS', 's');
    const done2 = await blockBoth('XREADGROUP', 'GROUP', 'g', 'bob', 'NOACK', 'BLOCK', '0', 'STREAMS', 's', '>');
    await d.do('XADD', 's', '11-1', 'k', 'v');
    await done2();
    await d.do('XPENDING', 's', 'g');
    await d.do('XINFO', 'GROUPS', 's');
    // a transaction adding several entries serves them all at once
    const done3 = await blockBoth('XREADGROUP', 'GROUP', 'g', 'carol', 'BLOCK', '0', 'STREAMS', 's', '>');
    await d.script(`
      MULTI
      XADD s 12-1 a 1
      XADD s 13-1 a 2
      EXEC
    `);
    await done3();
    await d.do('XPENDING', 's', 'g');
  });

  it('two readers blocked on one key: the first one is served', async () => {
    await both('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const first = await blockBoth('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
    const second = await blockBoth('XREADGROUP', 'GROUP', 'g', 'c2', 'BLOCK', '500', 'STREAMS', 's', '>');
    await d.do('XADD', 's', '1-1', 'a', '1');
    await first();
    await second();
    await d.do('XPENDING', 's', 'g');
  });
});

describe('blocked XREADGROUP when its group or key goes away', () => {
  it('group destroyed while blocked', async () => {
    await both('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    const rc = await d.real.client();
    const theirsP = rc.call('XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>');
    const ours2 = d.engine.createSession();
    const oursP = Promise.resolve(ours2.execute(['XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>']));
    await new Promise((r) => setTimeout(r, 50));
    await d.do('XGROUP', 'DESTROY', 's', 'g');
    const [ours, theirs] = await Promise.all([oursP, theirsP]);
    rc.close();
    // 7.2 re-runs the blocked command, which finds no group (VERSION_DIFFERENCES
    // xreadgroup-blocked-group-destroyed); 7.0.15 had a dedicated message.
    expect((ours as ErrorReply).message).toBe("NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option");
    expect((theirs as ErrorReply).message).toMatch(/^NOGROUP /);
    const { VERSION_DIFFERENCES } = await import('../helpers/differences.js');
    const argv = ['XREADGROUP', 'GROUP', 'g', 'c1', 'BLOCK', '0', 'STREAMS', 's', '>'];
    expect(VERSION_DIFFERENCES.some((x) => x.explains(argv, ours, theirs))).toBe(true);
  });
});

describe('streams and keyspace commands', () => {
  it('COPY, DEBUG DIGEST-VALUE, OBJECT ENCODING, TYPE, RENAME of a stream with groups', async () => {
    await fill('s', 5);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await both('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '2', 'STREAMS', 's', '>');
    await both('XDEL', 's', '4-1');
    await d.script(`
      COPY s t
      XINFO STREAM t
      XINFO GROUPS t
      XPENDING t g
      XACK t g 1-1
      XPENDING s g
      XPENDING t g
      DEBUG DIGEST-VALUE s
      DEBUG DIGEST-VALUE t
      OBJECT ENCODING s
      TYPE t
      RENAME t u
      XLEN u
      XINFO STREAM u
      XADD empty 1-1 a 1
      XDEL empty 1-1
      DEBUG DIGEST-VALUE empty
      EXISTS empty
      XLEN empty
    `);
  });
});

describe('propagation matches the AOF real Redis writes', () => {
  it('XADD/XTRIM rewrites, XREADGROUP/XCLAIM/XAUTOCLAIM effects, XGROUP and XSETID', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const p = await Differential.start(['--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', 'yes']);
    try {
      const ours: string[][] = [];
      p.engine.onPropagate((_db, argv) => ours.push(argv));
      const script = `
        XADD s 1-1 a 1
        XADD s 2-* a 2
        XADD s MAXLEN ~ 1 3-1 a 3
        XADD s MAXLEN 2 4-1 a 4
        XADD s MINID ~ 1 5-1 a 5
        XADD s NOMKSTREAM 6-1 a 6
        XADD nokey NOMKSTREAM 6-1 a 6
        XADD s 6-1 a 6
        XGROUP CREATE s g 0
        XGROUP CREATE s g 0
        XGROUP CREATECONSUMER s g c0
        XGROUP CREATECONSUMER s g c0
        XREADGROUP GROUP g alice COUNT 2 STREAMS s >
        XREADGROUP GROUP g alice STREAMS s 0
        XREADGROUP GROUP g bob NOACK COUNT 1 STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XREADGROUP GROUP g bob STREAMS s >
        XACK s g 3-1 99-1
        XACK s g 99-1
        XCLAIM s g carol 0 4-1 JUSTID
        XCLAIM s g carol 0 99-1 JUSTID
        XCLAIM s g carol 3600000 4-1
        XCLAIM s g carol 0 4-1 LASTID 100-1 JUSTID
        XCLAIM s g carol 3600000 4-1 LASTID 200-1 JUSTID
        XDEL s 5-1
        XDEL s 5-1
        XAUTOCLAIM s g dave 0 - COUNT 10
        XGROUP SETID s g 0 ENTRIESREAD 0
        XGROUP DELCONSUMER s g dave
        XGROUP DELCONSUMER s g nobody
        XGROUP DESTROY s g
        XGROUP DESTROY s g
        XTRIM s MAXLEN ~ 0
        XTRIM s MAXLEN 1
        XTRIM s MAXLEN 1
        XSETID s 500-1 ENTRIESADDED 100 MAXDELETEDID 3-1
        XGROUP CREATE t g $ MKSTREAM
        XADD s 501-1 a 1
        XADD s 502-1 a 2
        XADD s 503-1 a 3
        XTRIM s MINID ~ 503
        XTRIM s MINID 503
      `;
      for (const raw of script.split('\n')) {
        const line = raw.trim();
        if (line) await p.do(...line.split(/\s+/));
      }
      await p.do('PING');
      await new Promise((r) => setTimeout(r, 100));
      const dir = path.join(p.real.dir, 'appendonlydir');
      const incr = fs.readdirSync(dir).find((f) => f.endsWith('.incr.aof'))!;
      const theirs = parseResp(fs.readFileSync(path.join(dir, incr), 'latin1')).filter((c) => c[0] !== 'SELECT');
      const norm = (cmds: string[][]) =>
        cmds.map((c) => c.map((x, i) => (i > 0 && c[i - 1] === 'TIME' && c[0] === 'XCLAIM' ? '<time>' : x)).join(' '));
      expect(norm(as70(ours))).toEqual(norm(theirs));
    } finally {
      await p.stop();
    }
  });
});

/**
 * Our propagation as Redis 7.0.15 would write it: 7.2.4 propagates XGROUP SETID after the
 * XCLAIMs of every XREADGROUP that advanced the group (redis#12898, so replicas get
 * entries_read); 7.0.15 did so only with NOACK. Drops those SETIDs and unwraps a
 * MULTI/EXEC left with one command.
 */
function as70(cmds: string[][]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < cmds.length; i++) {
    if (cmds[i]![0] !== 'MULTI') {
      out.push(cmds[i]!);
      continue;
    }
    const block: string[][] = [];
    let j = i + 1;
    for (; cmds[j]![0] !== 'EXEC'; j++) block.push(cmds[j]!);
    i = j;
    const hasClaims = block.some((c) => c[0] === 'XCLAIM');
    const last = block[block.length - 1]!;
    if (hasClaims && last[0] === 'XGROUP' && last[1] === 'SETID' && block.length >= 2 && block[block.length - 2]![0] === 'XCLAIM') {
      block.pop();
    }
    if (block.length === 1) out.push(block[0]!);
    else out.push(['MULTI'], ...block, ['EXEC']);
  }
  return out;
}

function parseResp(text: string): string[][] {
  const out: string[][] = [];
  let i = 0;
  const line = () => {
    const e = text.indexOf('\r\n', i);
    const l = text.slice(i, e);
    i = e + 2;
    return l;
  };
  while (i < text.length) {
    const head = line();
    if (!head.startsWith('*')) continue;
    const n = Number(head.slice(1));
    const cmd: string[] = [];
    for (let k = 0; k < n; k++) {
      const len = Number(line().slice(1));
      cmd.push(text.slice(i, i + len));
      i += len + 2;
    }
    out.push(cmd);
  }
  return out;
}

describe('arity and option case', () => {
  it('wrong numbers of arguments and lower-case options', async () => {
    await fill('s', 3);
    await both('XGROUP', 'CREATE', 's', 'g', '0');
    await d.script(`
      XADD
      XADD s
      XADD s *
      XADD s * a
      XLEN
      XLEN s t
      XRANGE s -
      XREVRANGE s +
      XDEL s
      XTRIM s MAXLEN
      XREAD STREAMS
      XREAD COUNT 1
      XREADGROUP GROUP g c
      XREADGROUP GROUP g c STREAMS
      XACK s g
      XPENDING s
      XCLAIM s g c 0
      XAUTOCLAIM s g c 0
      XSETID s
      XGROUP CREATE s g
      XGROUP CREATE s g2 0 MKSTREAM ENTRIESREAD 1 MKSTREAM extra
      XGROUP SETID s g
      XGROUP SETID s g 0 ENTRIESREAD 1 extra
      XGROUP DESTROY s
      XGROUP DESTROY s g extra
      XGROUP CREATECONSUMER s g
      XGROUP DELCONSUMER s g
      XGROUP HELP extra
      XINFO CONSUMERS s
      XINFO CONSUMERS s g extra
      XINFO GROUPS
      XINFO GROUPS s extra
      XINFO STREAM
      XINFO HELP extra
      xadd s maxlen ~ 10 limit 5 nomkstream 10-1 a 1
      xtrim s minid = 0
      xrange s - + count 1
      xrevrange s + - count 1
      xread count 1 streams s 0
      xreadgroup group g c count 1 noack streams s >
      xreadgroup group g c count 1 streams s 0
      xpending s g idle 0 - + 0 c
      xclaim s g c 0 1-1 force justid retrycount 3 lastid 2-1 time 0
      xautoclaim s g c 0 - count 1 justid
      xinfo stream s
      xgroup setid s g 0 entriesread 3
      xgroup create s g5 0 mkstream entriesread 1
      xsetid s 99-1 entriesadded 10 maxdeletedid 1-1
      xinfo groups s
    `);
  });
});
