import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sortScore } from '../../src/commands/sort.js';
import { Differential } from '../helpers/differential.js';

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

describe('SORT on lists', () => {
  it('numeric, ALPHA, DESC, LIMIT', async () => {
    await d.script(`
      RPUSH l 3 1 2 10 -5 1.5 0x10 inf -inf 1e3
      SORT l
      SORT l DESC
      SORT l ASC
      SORT l LIMIT 0 3
      SORT l LIMIT 2 3
      SORT l LIMIT -5 3
      SORT l LIMIT 2 -1
      SORT l LIMIT 2 0
      SORT l LIMIT 9 5
      SORT l LIMIT 10 5
      SORT l LIMIT 100 5
      SORT l DESC LIMIT 1 2
      SORT l ALPHA
      SORT l ALPHA DESC
      SORT l ALPHA LIMIT 1 1
      SORT_RO l
      SORT_RO l DESC LIMIT 0 2 ALPHA
      SORT l desc asc
      SORT nokey
      SORT nokey LIMIT 0 1
      SORT nokey ALPHA DESC
    `);
  });

  it('ties on score are broken by the element bytes', async () => {
    await d.script(`
      RPUSH l 1 01 1.0 +1 " 1" 1e0 b a
      SORT l BY nosort
      RPUSH m 2 02 2.0 +2
      SORT m
      SORT m DESC
    `);
  });

  it('refuses elements that are not numbers', async () => {
    await d.script(`
      RPUSH l 1 a 2
      SORT l
      SORT l ALPHA
      SORT l STORE dst
      EXISTS dst
      RPUSH n 1 nan
      SORT n
      RPUSH o "1 " 2
      SORT o
      RPUSH e "" 1
      SORT e
    `);
  });

  it('BY constant (nosort) keeps the native order, with LIMIT and DESC', async () => {
    await d.script(`
      RPUSH l c a b d e
      SORT l BY nosort
      SORT l BY nosort DESC
      SORT l BY nosort LIMIT 1 2
      SORT l BY nosort DESC LIMIT 1 2
      SORT l BY nosort LIMIT 4 10
      SORT l BY nosort LIMIT 5 10
      SORT l BY nosort DESC LIMIT 0 0
      SORT l BY nosort ALPHA DESC
      SORT l BY nosort GET #
      SORT l BY nosort LIMIT -1 -1
    `);
  });
});

describe('SORT BY and GET patterns', () => {
  it('weights from string keys and hash fields', async () => {
    await d.script(`
      RPUSH l a b c d
      SET w_a 3
      SET w_b 1
      SET w_c 2
      HSET h_a f 30 name alice
      HSET h_b f 10 name bob
      HSET h_c f 20
      SET obj_a oa
      SET obj_b ob
      SORT l BY w_*
      SORT l BY w_* DESC
      SORT l BY h_*->f
      SORT l BY h_*->f DESC
      SORT l BY h_*->missing
      SORT l BY nokey_*
      SORT l BY nokey_* ALPHA
      SORT l BY nokey_* ALPHA DESC
      SORT l BY w_* GET obj_*
      SORT l BY w_* GET # GET obj_* GET h_*->name
      SORT l BY w_* GET nostar
      SORT l BY w_* GET h_*->
      SORT l BY h_*->
      SORT l GET #
      SORT l BY w_* ALPHA
      SORT l BY h_*->name ALPHA
      SORT l BY h_*->name ALPHA DESC
      SORT l BY w_* LIMIT 1 2
      SORT l BY *_w
      SORT_RO l BY w_* GET obj_*
    `);
  });

  it('a weight that is not a number fails the whole SORT', async () => {
    await d.script(`
      RPUSH l a b
      SET w_a 1
      SET w_b x
      SORT l BY w_*
      SORT l BY w_* ALPHA
      SET w_b " 7"
      SORT l BY w_*
      SET w_b ""
      SORT l BY w_*
      # Last: after an ERANGE, Redis's stale errno fails later SORTs on the same connection.
      SET w_b 1e400
      SORT l BY w_*
      SET w_b 1e-310
      SORT l BY w_*
    `);
  });

  it('patterns pointing at the wrong type give nil', async () => {
    await d.script(`
      RPUSH l a b
      RPUSH x_a 1
      SET h_a str
      SORT l BY nosort GET x_*
      SORT l BY nosort GET h_*->f
      SORT l BY x_*
    `);
  });
});

describe('SORT on sets and sorted sets', () => {
  it('sorts set members', async () => {
    await d.script(`
      SADD s 5 3 10 -1
      SORT s
      SORT s DESC LIMIT 0 2
      SADD t b a c
      SORT t ALPHA
      SORT t
      SORT t BY nosort STORE dst
      LRANGE dst 0 -1
    `);
    // No order of its own: compare as sets.
    await d.doSorted('SORT', 't', 'BY', 'nosort');
    await d.doSorted('SORT', 't', 'BY', 'nosort', 'ALPHA');
  });

  it('inside a script, BY nosort on a set is sorted ALPHA (deterministic for replication)', () => {
    const s = d.session;
    s.execute(['SADD', 'big', ...Array.from({ length: 300 }, (_, i) => `m${i}`)]);
    s.inScript = true;
    try {
      const r = s.execute(['SORT', 'big', 'BY', 'nosort']) as string[];
      expect(r).toEqual([...r].sort());
      expect(r.length).toBe(300);
    } finally {
      s.inScript = false;
    }
  });

  it('from EVAL, BY nosort on a set is sorted ALPHA', async () => {
    await d.do('SADD', 's', 'b', 'a', 'c', '10', '9');
    await d.do('EVAL', "return redis.call('sort', KEYS[1], 'by', 'nosort')", '1', 's');
    await d.do('EVAL', "return redis.call('sort_ro', KEYS[1], 'by', 'nosort', 'desc')", '1', 's');
    await d.do('EVAL', "return redis.call('sort', KEYS[1], 'by', 'nosort', 'store', 'dst')", '1', 's');
    await d.do('LRANGE', 'dst', '0', '-1');
  });

  it('sorts zset members; BY nosort follows the scores', async () => {
    await d.script(`
      ZADD z 3 a 1 b 2 c
      SORT z BY nosort
      SORT z BY nosort DESC
      SORT z BY nosort LIMIT 1 5
      SORT z BY nosort DESC LIMIT 1 1
      SORT z ALPHA
      SORT z ALPHA DESC
      SORT z
      ZADD n 1 10 2 9 3 8
      SORT n
      SORT n BY nosort
    `);
  });

  it('converts a listpack zset to a skiplist for good', async () => {
    await d.script(`
      ZADD z 1 a 2 b
      OBJECT ENCODING z
      SORT_RO z ALPHA
      OBJECT ENCODING z
    `);
  });

  it('refuses other types', async () => {
    await d.script(`
      SET s x
      SORT s
      HSET h f v
      SORT h
      SORT_RO h
    `);
  });
});

describe('SORT STORE', () => {
  it('stores a list, replacing any type and TTL; an empty result deletes', async () => {
    await d.script(`
      RPUSH l 3 1 2
      SET dst x
      EXPIRE dst 100
      SORT l STORE dst
      TYPE dst
      TTL dst
      LRANGE dst 0 -1
      OBJECT ENCODING dst
      SORT l STORE dst GET # GET nokey_*
      LRANGE dst 0 -1
      SORT l DESC LIMIT 0 1 STORE dst
      LRANGE dst 0 -1
      SORT nokey STORE dst
      EXISTS dst
      SORT nokey STORE dst
      SORT l LIMIT 5 5 STORE dst
      SORT l STORE
      SORT_RO l STORE dst
    `);
  });

  it('encoding of the stored list follows list-max-listpack-size', async () => {
    const items = Array.from({ length: 200 }, (_, i) => String(i));
    await d.do('RPUSH', 'l', ...items);
    await d.do('SORT', 'l', 'STORE', 'dst');
    await d.do('OBJECT', 'ENCODING', 'dst');
    await d.do('SORT', 'l', 'LIMIT', '0', '10', 'STORE', 'dst');
    await d.do('OBJECT', 'ENCODING', 'dst');
  });

  it('propagates itself only when it stored something', async () => {
    const seen: string[] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv.join(' ')));
    const s = d.session;
    s.execute(['RPUSH', 'l', '2', '1']);
    seen.length = 0;
    s.execute(['SORT', 'l']);
    s.execute(['SORT', 'l', 'STORE', 'dst']);
    s.execute(['SORT', 'nokey', 'STORE', 'nothere']);
    s.execute(['SORT', 'nokey', 'STORE', 'dst']);
    expect(seen).toEqual(['SORT l STORE dst', 'SORT nokey STORE dst']);
  });
});

describe('SORT on large values', () => {
  it('hashtable sets, skiplist zsets, quicklists', async () => {
    const n = (k: number) => Array.from({ length: k }, (_, i) => String((i * 7919) % 1000));
    await d.do('SADD', 's', ...n(600));
    await d.do('RPUSH', 'l', ...n(1000));
    await d.do('ZADD', 'z', ...n(200).flatMap((v, i) => [String(i), v]));
    await d.do('SORT', 's', 'LIMIT', '0', '10');
    await d.do('SORT', 's', 'DESC', 'LIMIT', '5', '5');
    await d.do('SORT', 'l', 'LIMIT', '500', '10');
    await d.do('SORT', 'l', 'BY', 'nosort', 'DESC', 'LIMIT', '10', '5');
    await d.do('SORT', 'z', 'BY', 'nosort', 'LIMIT', '190', '20');
    await d.do('SORT', 'z', 'ALPHA', 'LIMIT', '0', '5');
    await d.do('SORT', 'l', 'STORE', 'dst');
    await d.do('OBJECT', 'ENCODING', 'dst');
    await d.do('LRANGE', 'dst', '0', '4');
    await d.do('SORT', 's', 'BY', 'nosort', 'STORE', 'dst2');
    await d.do('LRANGE', 'dst2', '0', '9');
  });
});

describe('SORT in MULTI', () => {
  it('queues and runs like Redis', async () => {
    await d.script(`
      RPUSH l 3 1 2
      MULTI
      SORT l
      SORT l STORE dst
      SORT l FOO
      LRANGE dst 0 -1
      EXEC
      HELLO 3
      SORT l DESC
      SORT l STORE dst
      SORT l GET nokey_*
    `);
  });
});

describe('SORT syntax', () => {
  it('parses like sortCommandGeneric', async () => {
    await d.script(`
      RPUSH l 1 2
      SORT l LIMIT
      SORT l LIMIT 0
      SORT l LIMIT a 1
      SORT l LIMIT 0 b
      SORT l LIMIT 1.5 1
      SORT l BY
      SORT l GET
      SORT l STORE
      SORT l FOO
      SORT nokey FOO
      SORT nokey LIMIT x y
      SORT
      SORT_RO
      SORT_RO l STORE x
    `);
  });
});

describe('sortScore = strtod with eptr/ERANGE/NaN checks', () => {
  it.each([
    [' 1', 1], ['\t7', 7], ['', 0], ['0x10', 16], ['inf', Infinity], ['-infinity', -Infinity], ['+5', 5], ['.5', 0.5], ['5.', 5],
    ['1 ', null], ['   ', null], ['1e-310', null], ['1e-400', null], ['1e400', null], ['nan', null], ['1e', null], ['0x', null],
    ['0e-400', 0],
  ] as Array<[string, number | null]>)('%j', (s, v) => {
    expect(sortScore(s)).toBe(v);
  });
});
