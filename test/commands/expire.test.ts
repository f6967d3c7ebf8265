import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
  // Only lazy expiry on both sides, so what is still in the keyspace is deterministic.
  await d.do('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  expect(d.engine.activeExpire.enabled).toBe(false);
});
afterAll(async () => {
  await d.client.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lazy expiry against real Redis (short TTLs)', () => {
  it('an expired key is invisible but counted by DBSIZE until touched', async () => {
    await d.script(`
      SET a 1 PX 50
      SET b 2 PX 50
      SET c 3 PX 50
      SET live 4
      TTL a
      DBSIZE
    `);
    await sleep(100);
    await d.script(`
      DBSIZE
      sorted KEYS *
      DBSIZE
      EXISTS a
      DBSIZE
      GET b
      DBSIZE
      TTL c
      PTTL c
      DBSIZE
      TYPE a
      EXISTS a b c live
    `);
  });

  it('SCAN and RANDOMKEY reclaim what they meet', async () => {
    await d.script(`
      SET a 1 PX 50
      SET b 2 PX 50
      SET live 4
    `);
    await sleep(100);
    const [ours, theirs] = await d.both('SCAN', '0');
    expect(ours).toEqual(theirs);
    await d.do('DBSIZE');
    await d.script(`
      SET c 1 PX 50
    `);
    await sleep(100);
    await d.do('RANDOMKEY');
    await d.do('RANDOMKEY');
    await d.do('RANDOMKEY');
    await d.do('SCAN', '0', 'TYPE', 'string');
    await d.do('DBSIZE');
  });

  it('keyspace commands treat an expired key as missing', async () => {
    await d.script(`
      SET a 1 PX 50
      SET b 1 PX 50
      SET c 1 PX 50
      SET d 1 PX 50
      SET e 1 PX 50
      SET f 1 PX 50
      SET g 1 PX 50
      SET h 1 PX 50
      SET dst x
    `);
    await sleep(100);
    await d.script(`
      EXPIRE a 100
      PERSIST b
      RENAME c z
      RENAMENX c z
      COPY d z
      MOVE e 1
      OBJECT ENCODING f
      OBJECT REFCOUNT f
      TOUCH g
      EXPIRETIME h
      RENAME dst h
      GET h
      TTL h
      DEL a b c d e f g
      DBSIZE
    `);
  });

  it('a watched key that expires aborts EXEC', async () => {
    await d.script(`
      SET k v PX 50
      WATCH k
    `);
    await sleep(100);
    await d.script(`
      MULTI
      PING
      EXEC
    `);
  });

  it('a TTL rewritten to the past deletes at once', async () => {
    await d.script(`
      SET k v PX 100000
      PEXPIRE k 0
      DBSIZE
      SET k v
      EXPIREAT k 0
      DBSIZE
    `);
  });
});

describe('active expiry on the engine clock', () => {
  it('cron reclaims keys without access', async () => {
    await d.script(`
      SET a 1 PX 20
      SET b 1 PX 20
      SET c 1
    `);
    await sleep(40);
    d.engine.activeExpire.enabled = true;
    d.engine.cron();
    expect(d.engine.dbs[0]!.size).toBe(1);
    expect(d.engine.stats.expiredKeys).toBe(2);
  });
});
