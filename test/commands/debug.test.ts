import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { datasetDigest, digestHex, keyValueDigest } from '../../src/engine/digest.js';
import { type Reply, StatusReply } from '../../src/engine/reply.js';
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

const has = (name: string) => !!d.engine.commands.get(name)?.handler;

/** Compares DEBUG DIGEST and DIGEST-VALUE of `keys` (our 7.2 digest must equal 7.0's here). */
async function sameDigests(...keys: string[]): Promise<void> {
  await d.do('DEBUG', 'DIGEST');
  if (keys.length) await d.do('DEBUG', 'DIGEST-VALUE', ...keys);
}

/** For data whose zset scores print differently in 7.0 and 7.2: compare our 7.0-compat digest. */
async function same70Digest(...keys: string[]): Promise<void> {
  const theirs = (await d.client.call('DEBUG', 'DIGEST')) as StatusReply;
  expect(digestHex(datasetDigest(d.engine, '7.0'))).toBe(theirs.text);
  const values = (await d.client.call('DEBUG', 'DIGEST-VALUE', ...keys)) as StatusReply[];
  keys.forEach((k, i) => expect(digestHex(keyValueDigest(d.session.db, k, '7.0')), k).toBe(values[i]!.text));
}

describe('DEBUG DIGEST against real redis', () => {
  it('empty dataset, strings, integers, binary, expires, several dbs', async () => {
    await sameDigests('nokey');
    await d.do('SET', 'a', '1');
    await d.do('SET', 'b', 'hello');
    await d.do('SET', 'big', 'x'.repeat(100));
    await d.do('SET', 'neg', '-123456789012');
    await d.do('SET', Buffer.from([0, 255, 13, 10]), Buffer.from([1, 2, 3, 0]));
    await sameDigests('a', 'b', 'big', 'neg', 'nokey');
    await d.do('EXPIRE', 'b', '1000');
    await sameDigests('a', 'b');
    await d.do('SELECT', '5');
    await d.do('SET', 'a', '1');
    await sameDigests('a');
    await d.do('SELECT', '15');
    await d.do('INCRBY', 'counter', '42');
    await sameDigests('counter');
  });

  it('hashes, sets (intset, listpack, hashtable) and zsets', async () => {
    await d.do('HSET', 'h', 'f1', 'v1', 'f2', '2', 'f3', 'x'.repeat(100));
    await d.do('SADD', 'si', '1', '2', '3', '-7');
    await d.do('SADD', 'ss', 'a', 'b', 'c');
    await d.do('SADD', 'sh', ...Array.from({ length: 200 }, (_, i) => `m${i}`));
    await d.do('ZADD', 'z', '1', 'a', '2', 'b', '-3', 'c', 'inf', 'd');
    await d.do('ZADD', 'zbig', ...Array.from({ length: 300 }, (_, i) => [String(i), `m${i}`]).flat());
    await sameDigests('h', 'si', 'ss', 'sh', 'z', 'zbig');
  });

  it('zset scores that 7.0 and 7.2 print differently (compared in the 7.0 form)', async () => {
    await d.do('ZADD', 'z', '1.1', 'a', '0.3', 'b', '1e100', 'c', '-2.5', 'd');
    await d.do('ZADD', 'zbig', ...Array.from({ length: 200 }, (_, i) => [String(i / 10), `m${i}`]).flat());
    await same70Digest('z', 'zbig');
    // And 7.2's own digest differs from 7.0's for these.
    expect(digestHex(datasetDigest(d.engine, '7.2'))).not.toBe(digestHex(datasetDigest(d.engine, '7.0')));
  });

  it('streams: entries count, consumer groups do not', async () => {
    await d.do('XADD', 's', '1-1', 'f', 'v', 'g', 'w');
    await d.do('XADD', 's', '2-0', 'f', 'v2');
    await d.do('XADD', 's', '3-5', 'a', '1');
    await d.do('XDEL', 's', '2-0');
    await sameDigests('s');
    await d.do('XGROUP', 'CREATE', 's', 'g1', '0');
    await d.do('XREADGROUP', 'GROUP', 'g1', 'c1', 'COUNT', '1', 'STREAMS', 's', '>');
    await sameDigests('s');
  });

  it('lists keep their order', async () => {
    if (!has('rpush')) return; // lists land separately
    await d.do('RPUSH', 'l', 'a', 'b', 'c', '1', '2');
    await d.do('RPUSH', 'l2', 'c', 'b', 'a');
    await sameDigests('l', 'l2');
  });

  it('DIGEST-VALUE with no keys, errors', async () => {
    await d.script(`
      DEBUG DIGEST-VALUE
      DEBUG DIGEST x
      DEBUG NOSUCH
      DEBUG
      DEBUG OBJECT
      DEBUG OBJECT nokey
      DEBUG SLEEP
      DEBUG SET-ACTIVE-EXPIRE
    `);
  });
});

describe('DEBUG subcommands against real redis', () => {
  it('PROTOCOL in RESP2 and RESP3', async () => {
    for (const t of ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'true', 'false', 'verbatim', 'push', 'attrib', 'nosuch']) {
      await d.do('DEBUG', 'PROTOCOL', t);
    }
    await d.do('HELLO', '3');
    for (const t of ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'true', 'false', 'verbatim']) {
      await d.do('DEBUG', 'PROTOCOL', t);
    }
    // PUSH in RESP3: a push, then the reply.
    const pushes: Reply[] = [];
    d.session.onPush = (r) => pushes.push(r);
    expect(d.session.execute(['DEBUG', 'PROTOCOL', 'push'])).toBe('Some real reply following the push reply');
    expect(pushes).toHaveLength(1);
  });

  it('SLEEP blocks for the time asked; SET-ACTIVE-EXPIRE toggles the cycle', async () => {
    await d.do('DEBUG', 'SLEEP', '0');
    await d.do('DEBUG', 'SLEEP', 'abc');
    const t0 = performance.now();
    await d.do('DEBUG', 'SLEEP', '0.05');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(50);
    await d.do('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    expect(d.engine.activeExpire.enabled).toBe(false);
    await d.do('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    expect(d.engine.activeExpire.enabled).toBe(true);
    await d.do('DEBUG', 'set-active-expire', 'x');
    expect(d.engine.activeExpire.enabled).toBe(false);
    await d.do('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  });

  it('OBJECT reports the same fields as Redis', async () => {
    await d.do('SET', 'n', '123456');
    await d.do('SET', 'small', '12');
    await d.do('SET', 's', 'hello');
    await d.do('HSET', 'h', 'f', 'v');
    const re = /^Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\S+) serializedlength:(\d+) lru:(\d+) lru_seconds_idle:(\d+)$/;
    for (const k of ['n', 'small', 's', 'h']) {
      const [ours, theirs] = await d.both('DEBUG', 'OBJECT', k);
      const a = re.exec((ours as StatusReply).text);
      const b = re.exec((theirs as StatusReply).text);
      expect(a, (ours as StatusReply).text).not.toBeNull();
      expect(b).not.toBeNull();
      expect(a![1], `${k} refcount`).toBe(b![1]);
      expect(a![2], `${k} encoding`).toBe(b![2]);
      if (k !== 'h') expect(a![3], `${k} serializedlength`).toBe(b![3]);
      expect(Number(a![5])).toBeLessThan(5);
    }
    if (has('rpush')) {
      await d.do('CONFIG', 'SET', 'list-max-listpack-size', '2');
      await d.do('RPUSH', 'l', 'a', 'b', 'c');
      const [ours, theirs] = await d.both('DEBUG', 'OBJECT', 'l');
      const tail = (r: Reply) => (r as StatusReply).text.replace(/^.* lru_seconds_idle:\d+/, '').replace(/:[\d.]+/g, ':N');
      expect(tail(ours)).toBe(tail(theirs));
    }
  });

  it('POPULATE, ERROR, LOG, HELP', async () => {
    await d.script(`
      DEBUG POPULATE 3
      MGET key:0 key:1 key:2 key:3
      DEBUG POPULATE 2 p 10
      MGET p:0 p:1
      DEBUG POPULATE 2 q 3
      MGET q:0 q:1
      DEBUG POPULATE -1
      DEBUG POPULATE x
      DEBUG POPULATE 1 p -1
      DEBUG POPULATE 1 a b c
      DBSIZE
      DEBUG ERROR "foo bar"
      DEBUG LOG hello
      DEBUG CHANGE-REPL-ID
      SET s x
      HSET h f v
      DEBUG LISTPACK s
      DEBUG LISTPACK h
      DEBUG LISTPACK nokey
      DEBUG QUICKLIST h
      DEBUG QUICKLIST nokey
      DEBUG QUICKLIST h 1 2
    `);
    await sameDigests();
    const help = d.session.execute(['DEBUG', 'HELP']) as StatusReply[];
    const theirs = (await d.client.call('DEBUG', 'HELP')) as StatusReply[];
    expect(help.map((s) => s.text)).toEqual(theirs.map((s) => s.text));
  });
});
