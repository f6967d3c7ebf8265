import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorReply, StatusReply } from '../../src/engine/reply.js';
import { objectToValue } from '../../src/persistence/rdb/engine-bridge.js';
import { RdbWriter } from '../../src/persistence/rdb/writer.js';
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

/** One key of every type and encoding, built the same way on both sides. */
const SETUP = `
  SET s:int 12345
  SET s:str hello
  SET s:raw xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
  RPUSH l a b c 1 2 3
  SADD set:int 1 2 3 -5
  SADD set:str a b c
  HSET h f1 v1 f2 v2
  ZADD z 1 a 2.5 b -3 c
  XADD x 1-1 f v
  XADD x 2-1 f w g z
  XGROUP CREATE x grp 0
  XREADGROUP GROUP grp alice COUNT 1 STREAMS x >
  PFADD hll a b c
`;
const KEYS = ['s:int', 's:str', 's:raw', 'l', 'set:int', 'set:str', 'h', 'z', 'x', 'hll'];

async function digestValue(side: 'ours' | 'theirs', key: string): Promise<string> {
  const r = side === 'ours' ? await d.session.execute(['DEBUG', 'DIGEST-VALUE', key]) : await d.client.call('DEBUG', 'DIGEST-VALUE', key);
  return ((r as unknown[])[0] as StatusReply).text;
}

describe('DUMP / RESTORE', () => {
  it('errors as Redis, in the same order', async () => {
    await d.script(`
      SET k v
      RESTORE k 0 x
      RESTORE k -1 x
      RESTORE k2 0 x
      RESTORE k2 abc x
      RESTORE k2 -1 x
      RESTORE k2 0 x IDLETIME 5 FREQ 3
      RESTORE k2 0 x IDLETIME -1
      RESTORE k2 0 x IDLETIME abc
      RESTORE k2 0 x FREQ 300
      RESTORE k2 0 x badopt
      RESTORE k2 0 x REPLACE ABSTTL
      DUMP nosuchkey
    `);
  });

  it('restores payloads real redis 7.0 dumped, to the same value', async () => {
    for (const line of SETUP.trim().split('\n')) await d.do(...line.trim().split(/\s+/));
    for (const key of KEYS) {
      const payload = (await d.client.call('DUMP', key)) as string;
      expect(await d.session.execute(['RESTORE', `copy:${key}`, '0', payload])).toEqual(new StatusReply('OK'));
      await d.client.call('RESTORE', `copy:${key}`, '0', payload);
      expect(await digestValue('ours', `copy:${key}`), key).toBe(await digestValue('theirs', `copy:${key}`));
      await d.do('TYPE', `copy:${key}`);
    }
  });

  it('our payloads round-trip, and real redis 7.0 restores them written as RDB 10', async () => {
    for (const line of SETUP.trim().split('\n')) await d.do(...line.trim().split(/\s+/));
    for (const key of KEYS) {
      const ours = (await d.session.execute(['DUMP', key])) as string;
      expect(await d.session.execute(['RESTORE', `rt:${key}`, '0', ours])).toEqual(new StatusReply('OK'));
      expect(await digestValue('ours', `rt:${key}`), key).toBe(await digestValue('ours', key));
      // The same value as a 7.0 payload (RDB 10 encodings) must be accepted by the real server.
      const o = d.session.db.dict.get(key)!;
      const v10 = RdbWriter.dumpPayload(objectToValue(o), { version: 10 }).toString('latin1');
      const r = await d.client.call('RESTORE', `ours:${key}`, '0', v10);
      expect(r, key).toEqual(new StatusReply('OK'));
      expect(await digestValue('theirs', `ours:${key}`), key).toBe(await digestValue('ours', key));
    }
  });

  it('a corrupted payload is refused; a TTL in the past does not create the key', async () => {
    await d.do('SET', 'k', 'v');
    const payload = Buffer.from((await d.session.execute(['DUMP', 'k'])) as string, 'latin1');
    payload[1]! ^= 0xff;
    expect(await d.session.execute(['RESTORE', 'k2', '0', payload.toString('latin1')])).toEqual(
      new ErrorReply('ERR DUMP payload version or checksum are wrong'),
    );
    const good = (await d.session.execute(['DUMP', 'k'])) as string;
    expect(await d.session.execute(['RESTORE', 'k3', '1', good, 'ABSTTL'])).toEqual(new StatusReply('OK'));
    expect(await d.session.execute(['EXISTS', 'k3'])).toBe(0);
    expect(await d.session.execute(['RESTORE', 'k4', '100000', good])).toEqual(new StatusReply('OK'));
    const pttl = (await d.session.execute(['PTTL', 'k4'])) as number;
    expect(pttl).toBeGreaterThan(99000);
  });
});
