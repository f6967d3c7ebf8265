import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { StatusReply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';
import { readRdbFile } from '../../src/persistence/rdb/reader.js';
import { startRealRedis } from '../../src/testing/real-redis.js';

let dir: string;
let engine: Engine;
let s: Session;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-save-'));
  engine = new Engine({ timers: false, config: { dir } });
  s = engine.createSession();
});
afterEach(() => {
  engine.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function populate() {
  const cmds = [
    ['SET', 'str', 'hello'], ['SET', 'int', '42'], ['SET', 'ttl', 'v', 'PX', '100000'],
    ['RPUSH', 'list', 'a', 'b', '1'], ['SADD', 'intset', '1', '2', '3'], ['SADD', 'set', 'a', 'b'],
    ['HSET', 'hash', 'f', 'v'], ['ZADD', 'zset', '1.5', 'a', '2', 'b'],
    ['XADD', 'stream', '1-1', 'f', 'v'], ['XGROUP', 'CREATE', 'stream', 'g', '0'],
    ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'stream', '>'],
    ['SELECT', '5'], ['SET', 'other', 'db'], ['SELECT', '0'],
  ];
  for (const c of cmds) await s.execute(c);
  for (let i = 0; i < 300; i++) await s.execute(['HSET', 'bighash', `f${i}`, 'x'.repeat(i % 70)]);
}

const digest = async () => ((await s.execute(['DEBUG', 'DIGEST'])) as StatusReply).text;

describe('SAVE, BGSAVE, DEBUG RELOAD', () => {
  it('DEBUG RELOAD keeps the dataset: same digest, same encodings, TTLs kept', async () => {
    await populate();
    const before = await digest();
    const encodings = await Promise.all(['list', 'intset', 'set', 'hash', 'zset', 'bighash'].map((k) => s.execute(['OBJECT', 'ENCODING', k])));
    expect(await s.execute(['DEBUG', 'RELOAD'])).toEqual(new StatusReply('OK'));
    expect(await digest()).toBe(before);
    expect(await Promise.all(['list', 'intset', 'set', 'hash', 'zset', 'bighash'].map((k) => s.execute(['OBJECT', 'ENCODING', k])))).toEqual(encodings);
    expect(await s.execute(['PTTL', 'ttl'])).toBeGreaterThan(90000);
    expect(await s.execute(['XPENDING', 'stream', 'g'])).toEqual([1, '1-1', '1-1', [['c', '1']]]);
  });

  it('SAVE writes dir/dbfilename in the oldest RDB version that holds the data, resets the change counter', async () => {
    await populate();
    expect(((await s.execute(['INFO', 'persistence'])) as string)).toMatch(/rdb_changes_since_last_save:[1-9]/);
    expect(await s.execute(['SAVE'])).toEqual(new StatusReply('OK'));
    const file = path.join(dir, 'dump.rdb');
    let keys = 0;
    const version = async () => (await readRdbFile(file, { onKey: () => keys++ })).version;
    expect(await version()).toBe(10); // Redis 7.0 loads it too (below)
    expect(keys).toBe(11);
    expect(((await s.execute(['INFO', 'persistence'])) as string)).toMatch(/rdb_changes_since_last_save:0\r\n/);
    const server = await startRealRedis(['--dir', dir]);
    try {
      const c = await server.client();
      expect(await c.call('DEBUG', 'DIGEST')).toEqual(await s.execute(['DEBUG', 'DIGEST']));
      c.close();
    } finally {
      await server.stop();
    }
    // A consumer never active keeps active-time -1, which only RDB 11 can say.
    await s.execute(['XGROUP', 'CREATECONSUMER', 'stream', 'g', 'idle']);
    await s.execute(['SAVE']);
    expect(await version()).toBe(11);
    await s.execute(['HEXPIRE', 'hash', '1000', 'FIELDS', '1', 'f']);
    await s.execute(['SAVE']);
    expect(await version()).toBe(12);
  });

  it('BGSAVE answers at once and the file appears; a second BGSAVE meanwhile is refused', async () => {
    await populate();
    expect(await s.execute(['BGSAVE'])).toEqual(new StatusReply('Background saving started'));
    const again = await s.execute(['BGSAVE']);
    expect(String((again as { message?: string }).message)).toMatch(/already in progress/);
    for (let i = 0; i < 100 && engine.rdb.bgsaveInProgress; i++) await new Promise((r) => setTimeout(r, 10));
    expect(engine.rdb.bgsaveInProgress).toBe(false);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    expect(engine.rdb.saves).toBe(1);
  });
});
