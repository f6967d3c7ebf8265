import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bytesFromUtf8 } from '../../src/engine/bytes.js';
import type { Engine } from '../../src/engine/engine.js';
import { type Reply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';
import type { RespClient } from '../../src/resp/client.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { Differential, splitWords } from '../helpers/differential.js';

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

/**
 * One client on each side: our Session (pushes collected through onPush) and a connection to
 * the real server. `cmd` compares every reply a command produces — for SUBSCRIBE a b c that
 * is three — and `messages` compares the out-of-band messages received since.
 */
class Peer {
  proto: 2 | 3 = 2;
  readonly pushes: Reply[] = [];
  constructor(
    readonly ours: Session,
    readonly theirs: RespClient,
  ) {
    ours.onPush = (r) => this.pushes.push(r);
  }

  static async open(engine: Engine, real: Differential): Promise<Peer> {
    return new Peer(engine.createSession(), await real.real.client());
  }

  /** Runs a command on both sides; compares all its replies in order. Returns our replies. */
  async cmd(line: string): Promise<Reply[]> {
    const argv = splitWords(line).map(bytesFromUtf8);
    const before = this.pushes.length;
    const last = await this.ours.execute(argv);
    const ours = [...this.pushes.splice(before), last];
    const theirs: Reply[] = [await this.theirs.call(...argv)];
    for (let i = 1; i < ours.length; i++) theirs.push(await this.theirs.nextPush());
    const enc = (rs: Reply[]) => rs.map((r) => encodeReply(r, this.proto));
    // HELLO differs in version and id (see the hello-version difference); server.test.ts covers it.
    if (argv[0]!.toLowerCase() !== 'hello') expect(enc(ours), line).toEqual(enc(theirs));
    if (argv[0]!.toLowerCase() === 'hello' && argv[1]) this.proto = argv[1] === '3' ? 3 : 2;
    return ours;
  }

  /** Compares the pending out-of-band messages (exactly `n` of them on both sides). */
  async messages(n: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 20));
    const theirs: Reply[] = [];
    for (let i = 0; i < n; i++) theirs.push(await this.theirs.nextPush());
    expect(this.theirs.unsolicited).toHaveLength(0);
    const ours = this.pushes.splice(0);
    const enc = (rs: Reply[]) => rs.map((r) => encodeReply(r, this.proto));
    expect(enc(ours)).toEqual(enc(theirs));
  }

  close(): void {
    this.theirs.close();
    this.ours.close();
  }
}

describe('pub/sub between sessions, against real redis', () => {
  for (const proto of [2, 3] as const) {
    it(`SUBSCRIBE / PUBLISH / UNSUBSCRIBE in RESP${proto}`, async () => {
      const sub = await Peer.open(d.engine, d);
      const pub = await Peer.open(d.engine, d);
      try {
        await sub.cmd(`HELLO ${proto}`);
        await sub.cmd('UNSUBSCRIBE');
        await sub.cmd('PUNSUBSCRIBE');
        await sub.cmd('SUNSUBSCRIBE');
        await sub.cmd('SUBSCRIBE news sport news');
        await sub.cmd('PSUBSCRIBE n*');
        await sub.cmd('PSUBSCRIBE n*');
        await sub.cmd('SSUBSCRIBE shard1');
        await pub.cmd('PUBLISH news hello');
        await sub.messages(2);
        await pub.cmd('PUBLISH nothing x');
        await sub.messages(1);
        await pub.cmd('PUBLISH other x');
        await sub.messages(0);
        await pub.cmd('SPUBLISH shard1 s');
        await sub.messages(1);
        await pub.cmd('SPUBLISH news s');
        await sub.messages(0);
        await pub.cmd('PUBSUB NUMSUB news sport none');
        await pub.cmd('PUBSUB NUMSUB');
        await pub.cmd('PUBSUB NUMPAT');
        await pub.cmd('PUBSUB SHARDNUMSUB shard1 x');
        await pub.cmd('PUBSUB SHARDCHANNELS');
        await pub.cmd('PUBSUB SHARDCHANNELS sh*');
        await pub.cmd('PUBSUB CHANNELS s*');
        await pub.cmd('PUBSUB CHANNELS zzz');
        const channels = (await pub.ours.execute(['PUBSUB', 'CHANNELS'])) as string[];
        expect(channels.sort()).toEqual(['news', 'sport']);
        await sub.cmd('PING');
        await sub.cmd('PING hi');
        if (proto === 2) {
          await sub.cmd('GET k');
          await sub.cmd('SET k v');
        } else {
          await sub.cmd('GET k');
        }
        await sub.cmd('UNSUBSCRIBE sport nonsub');
        await sub.cmd('UNSUBSCRIBE news');
        await sub.cmd('UNSUBSCRIBE');
        await sub.cmd('PUNSUBSCRIBE n* x*');
        await sub.cmd('SUNSUBSCRIBE shard1');
        await sub.cmd('SUNSUBSCRIBE');
        await pub.cmd('PUBLISH news gone');
        await sub.messages(0);
        await sub.cmd('GET k');
        await pub.cmd('PUBSUB NUMPAT');
        await pub.cmd('PUBSUB HELP');
        await pub.cmd('PUBSUB NOSUCH');
        expect(d.engine.pubsub.channels.size + d.engine.pubsub.patterns.size + d.engine.pubsub.shardChannels.size).toBe(0);
      } finally {
        sub.close();
        pub.close();
      }
    });
  }

  it('UNSUBSCRIBE with no argument drops every channel; closing a session drops its subscriptions', async () => {
    const sub = await Peer.open(d.engine, d);
    const pub = await Peer.open(d.engine, d);
    try {
      await sub.cmd('SUBSCRIBE a b c');
      const ours = await sub.ours.execute(['UNSUBSCRIBE']);
      void ours;
      const replies = [...sub.pushes.splice(0)];
      expect(replies).toHaveLength(2); // two pushes + the reply
      expect(sub.ours.channels.size).toBe(0);
      // Keep the real side in step.
      await sub.theirs.call('UNSUBSCRIBE');
      await sub.theirs.nextPush();
      await sub.theirs.nextPush();
      await sub.cmd('SUBSCRIBE a');
      await sub.cmd('PSUBSCRIBE *');
      sub.ours.close();
      expect(d.engine.pubsub.channels.size).toBe(0);
      expect(d.engine.pubsub.patterns.size).toBe(0);
      expect(pub.ours.execute(['PUBLISH', 'a', 'x'])).toBe(0);
    } finally {
      sub.close();
      pub.close();
    }
  });

  it('shard subscriptions count on their own but still put a RESP2 client in subscribed mode', async () => {
    const sub = await Peer.open(d.engine, d);
    try {
      for (const line of [
        'SSUBSCRIBE s', 'PING', 'GET x', 'SUNSUBSCRIBE', 'PING', 'PSUBSCRIBE p', 'SSUBSCRIBE q',
        'SUBSCRIBE c', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE q', 'UNSUBSCRIBE c', 'GET x',
      ]) {
        await sub.cmd(line);
      }
    } finally {
      sub.close();
    }
  });

  it('pattern subscribers get pmessage with the pattern; binary channels pass through', async () => {
    const sub = await Peer.open(d.engine, d);
    const pub = await Peer.open(d.engine, d);
    try {
      await sub.cmd('PSUBSCRIBE h[ae]llo');
      await pub.cmd('PUBLISH hello 1');
      await pub.cmd('PUBLISH hallo 2');
      await pub.cmd('PUBLISH hillo 3');
      await sub.messages(2);
      const bin = '\x00\xff\r\n';
      expect(await pub.ours.execute(['PUBLISH', bin, bin])).toBe(0);
    } finally {
      sub.close();
      pub.close();
    }
  });
});

describe('keyspace notifications, against real redis', () => {
  async function withEvents(flags: string, run: (sub: Peer, pub: Peer) => Promise<void>, pattern = '__key*__:*') {
    const sub = await Peer.open(d.engine, d);
    const pub = await Peer.open(d.engine, d);
    try {
      await pub.cmd(`CONFIG SET notify-keyspace-events ${flags}`);
      await sub.cmd(`PSUBSCRIBE ${pattern}`);
      await run(sub, pub);
    } finally {
      await d.client.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      sub.close();
      pub.close();
    }
  }

  it('K and E channels for generic and string events (KEA)', async () => {
    await withEvents('KEA', async (sub, pub) => {
      await pub.cmd('SET foo bar');
      await sub.messages(2);
      await pub.cmd('APPEND foo x');
      await sub.messages(2);
      await pub.cmd('EXPIRE foo 100');
      await sub.messages(2);
      await pub.cmd('PERSIST foo');
      await sub.messages(2);
      await pub.cmd('DEL foo');
      await sub.messages(2);
      await pub.cmd('DEL foo');
      await sub.messages(0);
      await pub.cmd('GET foo');
      await sub.messages(0);
      await pub.cmd('SELECT 2');
      await pub.cmd('INCR n');
      await sub.messages(2);
    });
  });

  it('only the classes asked for: E with $ only; K with g only; m and n are not in A', async () => {
    await withEvents('E$', async (sub, pub) => {
      await pub.cmd('SET a 1');
      await pub.cmd('DEL a');
      await sub.messages(1);
    });
    await withEvents('Kg', async (sub, pub) => {
      await pub.cmd('SET a 1');
      await pub.cmd('DEL a');
      await sub.messages(1);
    });
    await withEvents('A', async (sub, pub) => {
      // Neither K nor E: nothing is published.
      await pub.cmd('SET a 1');
      await sub.messages(0);
    });
    await withEvents('KEA', async (sub, pub) => {
      await pub.cmd('GET missing');
      await sub.messages(0);
    });
    await withEvents('Em', async (sub, pub) => {
      await pub.cmd('GET missing');
      await sub.messages(1);
      await pub.cmd('SET a 1');
      await sub.messages(0);
    });
  });

  it('hash, set and zset events', async () => {
    await withEvents('KEA', async (sub, pub) => {
      await pub.cmd('HSET h f v');
      await sub.messages(2);
      await pub.cmd('HDEL h f');
      await sub.messages(4);
      await pub.cmd('SADD s a b');
      await sub.messages(2);
      await pub.cmd('ZADD z 1 a');
      await sub.messages(2);
      await pub.cmd('ZINCRBY z 2 a');
      await sub.messages(2);
    });
  });

  // Redis fires "new" (class n) from dbAdd, before the command's own event: SET k v with KEAn
  // publishes new, new, set, set; overwriting an existing key fires no "new".
  it('new-key events (class n) from Db.add', async () => {
    await withEvents('KEAn', async (sub, pub) => {
      await pub.cmd('SET k v');
      await sub.messages(4);
      await pub.cmd('SET k w');
      await sub.messages(2);
      await pub.cmd('RPUSH l a');
      await sub.messages(4);
    });
  });

  it('keyevent channels only, subscribed by exact channel', async () => {
    await withEvents(
      'E$g',
      async (sub, pub) => {
        await pub.cmd('SET k v');
        await pub.cmd('SET k2 v');
        await pub.cmd('DEL k');
        await sub.messages(2);
      },
      '__keyevent@0__:set',
    );
  });
});
