import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StatusReply, type Reply } from '../../src/engine/reply.js';
import { catRepr } from '../../src/engine/monitor.js';
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

/** A monitor line without its timestamp and client address (`lua` is kept). */
function normalise(r: Reply): string {
  const text = r instanceof StatusReply ? r.text : `not a status reply: ${JSON.stringify(r)}`;
  return text.replace(/^\d+\.\d{6} \[(\d+) ([^\]]*)\]/, (_, db: string, addr: string) => `[${db} ${addr === 'lua' ? 'lua' : 'client'}]`);
}

/** Opens a MONITOR on both sides, runs `body`, returns [ours, theirs] normalised. */
async function monitored(body: () => Promise<void>): Promise<[string[], string[]]> {
  const theirMonitor = await d.real.client();
  const ourMonitor = d.engine.createSession();
  const ours: string[] = [];
  ourMonitor.onPush = (r) => ours.push(normalise(r));
  try {
    expect(await theirMonitor.call('MONITOR')).toEqual(new StatusReply('OK'));
    expect(await ourMonitor.execute(['MONITOR'])).toEqual(new StatusReply('OK'));
    await body();
    // A marker command closes the stream on both sides.
    await d.do('ECHO', 'end-of-test');
    const theirs: string[] = [];
    for (;;) {
      const line = normalise(await theirMonitor.nextPush(2000));
      theirs.push(line);
      if (line.endsWith('"ECHO" "end-of-test"')) break;
    }
    return [ours, theirs];
  } finally {
    theirMonitor.close();
    ourMonitor.close();
  }
}

describe('MONITOR', () => {
  it('feeds every executed command, as Redis 7.0 shows it', async () => {
    const [ours, theirs] = await monitored(async () => {
      await d.do('SET', 'key with spaces', Buffer.from([0x01, 0x0a, 0x22, 0x5c, 0x09, 0xff, 0x41]));
      await d.do('MULTI');
      await d.do('SET', 'm', '1');
      await d.do('INCR', 'm');
      await d.do('EXEC');
      await d.do('EVAL', "return redis.call('set', KEYS[1], ARGV[1])", '1', 'k', 'v');
      await d.error('NOSUCHCOMMAND', 'a');
      await d.error('GET');
      await d.do('CONFIG', 'GET', 'maxmemory');
      await d.do('SELECT', '3');
      await d.do('SET', 'in3', 'x');
      await d.do('SELECT', '0');
    });
    expect(ours).toEqual(theirs);
    expect(ours).toContain('[0 lua] "set" "k" "v"');
    expect(ours.some((l) => l.includes('CONFIG'))).toBe(false);
    expect(ours).toContain('[3 client] "SELECT" "3"');
  });

  // AUTH itself is not implemented here (no ACL users), so only HELLO … AUTH is compared.
  it('redacts HELLO AUTH credentials', async () => {
    const [ours, theirs] = await monitored(async () => {
      await d.do('HELLO', '2', 'AUTH', 'default', 'secret');
    });
    expect(ours).toEqual(theirs);
    expect(ours.join('\n')).not.toContain('secret');
  });

  it('a queued command refused at MULTI time is not shown, the aborted EXEC is', async () => {
    const [ours, theirs] = await monitored(async () => {
      await d.do('MULTI');
      await d.error('GET');
      await d.error('EXEC');
    });
    expect(ours).toEqual(theirs);
  });

  it('a monitoring client may not touch the keyspace, but PING is fed back to it', async () => {
    const theirMonitor = await d.real.client();
    const ourMonitor = d.engine.createSession();
    const ours: Reply[] = [];
    ourMonitor.onPush = (r) => ours.push(r);
    try {
      await theirMonitor.call('MONITOR');
      await ourMonitor.execute(['MONITOR']);
      const theirGet = await theirMonitor.call('GET', 'k');
      expect(ourMonitor.execute(['GET', 'k'])).toEqual(theirGet);
      expect(await ourMonitor.execute(['PING'])).toEqual(await theirMonitor.call('PING'));
      const theirLine = normalise(await theirMonitor.nextPush(2000));
      expect(ours.map(normalise)).toEqual([theirLine]);
      expect(d.engine.monitors.has(ourMonitor)).toBe(true);
      await ourMonitor.execute(['RESET']);
      expect(d.engine.monitors.has(ourMonitor)).toBe(false);
    } finally {
      theirMonitor.close();
      ourMonitor.close();
    }
  });

  it('quotes arguments as sdscatrepr does', () => {
    expect(catRepr('a"b\\c\r\n\t\x07\x08\x00\x7f\xe9')).toBe('"a\\"b\\\\c\\r\\n\\t\\a\\b\\x00\\x7f\\xe9"');
  });
});
