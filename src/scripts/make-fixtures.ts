/**
 * Builds fixtures/ from Debian's redis-server: a deterministic dataset touching every
 * encoding 7.0 can produce, saved as RDB, with what the server reports about it (DEBUG
 * DIGEST, and per key type, encoding, DEBUG DIGEST-VALUE and PTTL).
 * Run: npm run build && node dist/scripts/make-fixtures.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reply } from '../engine/reply.js';
import { ErrorReply, StatusReply } from '../engine/reply.js';
import type { RespClient } from '../resp/client.js';
import { startRealRedis } from '../testing/real-redis.js';

/** Expiry times in the year 2100 so fixtures never expire. */
const EXPIRE_2100_MS = 4102444800000;

async function populate(c: RespClient): Promise<void> {
  const call = async (...argv: string[]): Promise<Reply> => {
    const r = await c.call(...argv);
    if (r instanceof ErrorReply) throw new Error(`${argv.join(' ')}: ${r.message}`);
    return r;
  };
  for (const db of ['0', '3', '15']) {
    await call('SELECT', db);
    const p = `db${db}:`;
    await call('SET', p + 'int', '12345');
    await call('SET', p + 'negint', '-9223372036854775808');
    await call('SET', p + 'embstr', 'hello world');
    await call('SET', p + 'raw', 'x'.repeat(100) + 'y');
    await call('SET', p + 'lzf', 'abcdefgh'.repeat(200));
    await call('SET', p + 'bin', '\x00\x01\xff\xfe\r\n');
    await call('SET', p + 'empty', '');
    await call('SET', p + 'float', '3.14159');
    await call('SET', p + 'ttl', 'expiring', 'PXAT', String(EXPIRE_2100_MS + Number(db)));
    await call('RPUSH', p + 'list:small', 'a', 'b', '1', '-2', '300000', '\xff');
    for (let i = 0; i < 300; i++) await call('RPUSH', p + 'list:big', `element-${i}-${'z'.repeat(i % 50)}`);
    await call('RPUSH', p + 'list:plain', 'p'.repeat(10000));
    await call('SADD', p + 'set:int16', '1', '2', '3', '-100');
    await call('SADD', p + 'set:int32', '1', '70000', '-70000');
    await call('SADD', p + 'set:int64', '1', '5000000000', '-9223372036854775808');
    await call('SADD', p + 'set:small', 'a', 'b', 'c');
    for (let i = 0; i < 600; i++) await call('SADD', p + 'set:bigint', String(i * 7));
    for (let i = 0; i < 200; i++) await call('SADD', p + 'set:big', `member-${i}`);
    await call('HSET', p + 'hash:small', 'f1', 'v1', 'f2', '2', 'f3', '');
    for (let i = 0; i < 600; i++) await call('HSET', p + 'hash:big', `field-${i}`, `value-${i}`);
    await call('HSET', p + 'hash:longval', 'f', 'v'.repeat(100));
    await call('ZADD', p + 'zset:small', '1', 'a', '2.5', 'b', '-inf', 'c', '+inf', 'd', '0.1', 'e');
    for (let i = 0; i < 200; i++) await call('ZADD', p + 'zset:big', String(i / 3), `m${i}`);
    await call('ZADD', p + 'zset:longmember', '1', 'm'.repeat(100));
    await call('PFADD', p + 'hll:sparse', 'a', 'b', 'c');
    for (let i = 0; i < 50; i++) {
      const batch = [];
      for (let j = 0; j < 100; j++) batch.push(`e${i * 100 + j}`);
      await call('PFADD', p + 'hll:dense', ...batch);
    }
    await call('SETBIT', p + 'bitmap', '1000', '1');
    await call('GEOADD', p + 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    for (let i = 1; i <= 150; i++) await call('XADD', p + 'stream', `${1000 + i}-${i % 3}`, 'field', `v${i}`, 'n', String(i));
    await call('XDEL', p + 'stream', '1005-2');
    await call('XGROUP', 'CREATE', p + 'stream', 'g1', '0');
    await call('XGROUP', 'CREATE', p + 'stream', 'g2', '$');
    await call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '3', 'STREAMS', p + 'stream', '>');
    await call('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '2', 'STREAMS', p + 'stream', '>');
    await call('XACK', p + 'stream', 'g1', '1001-1');
    await call('XADD', p + 'stream:empty', '1-1', 'a', 'b');
    await call('XDEL', p + 'stream:empty', '1-1');
  }
  await call('SELECT', '0');
  await call(
    'FUNCTION', 'LOAD',
    "#!lua name=fixturelib\nredis.register_function('fixture_echo', function(keys, args) return args[1] end)",
  );
}

/** Status and bulk replies as text. */
function text(r: Reply): string {
  return r instanceof StatusReply ? r.text : String(r);
}

function hex(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

async function describe(c: RespClient) {
  const keys: Array<Record<string, unknown>> = [];
  for (const db of [0, 3, 15]) {
    await c.call('SELECT', String(db));
    const names = ((await c.call('KEYS', '*')) as string[]).sort();
    for (const key of names) {
      keys.push({
        db,
        key: hex(key),
        type: text(await c.call('TYPE', key)),
        encoding: await c.call('OBJECT', 'ENCODING', key),
        digestValue: text(((await c.call('DEBUG', 'DIGEST-VALUE', key)) as Reply[])[0]!),
        ttl: await c.call('PTTL', key),
      });
    }
  }
  return keys;
}

/** A small dataset (about 1 KB saved) for every-offset truncation and split tests. */
async function populateSmall(c: RespClient): Promise<void> {
  await c.call('SET', 'int', '42');
  await c.call('SET', 'str', 'hello');
  await c.call('SET', 'lzf', 'abcabcabcabcabcabcabcabcabcabc');
  await c.call('SET', 'exp', 'v', 'PXAT', String(EXPIRE_2100_MS));
  await c.call('RPUSH', 'list', 'a', '1', '300000');
  await c.call('SADD', 'intset', '1', '2', '70000');
  await c.call('SADD', 'set', 'x', 'y');
  await c.call('HSET', 'hash', 'f', 'v', 'n', '7');
  await c.call('ZADD', 'zset', '1.5', 'a', '-inf', 'b');
  await c.call('XADD', 'stream', '1-1', 'f', 'v');
  await c.call('XADD', 'stream', '2-1', 'f', 'w');
  await c.call('XGROUP', 'CREATE', 'stream', 'g', '0');
  await c.call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'STREAMS', 'stream', '>');
  await c.call('SELECT', '2');
  await c.call('SET', 'db2key', 'x');
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const outDir = path.resolve(here, '../../fixtures/rdb');
  fs.mkdirSync(outDir, { recursive: true });
  const server = await startRealRedis();
  try {
    const c = await server.client();
    await populate(c);
    await c.call('SAVE');
    const digest = await c.call('DEBUG', 'DIGEST');
    const keys = await describe(c);
    c.close();
    const name = `redis-${server.version}`;
    fs.copyFileSync(path.join(server.dir, 'dump.rdb'), path.join(outDir, `${name}.rdb`));
    fs.writeFileSync(
      path.join(outDir, `${name}.expected.json`),
      JSON.stringify({ version: server.version, digest: text(digest), count: keys.length, keys }, null, 1) + '\n',
    );
    console.log(`wrote ${name}.rdb with ${keys.length} keys, digest ${text(digest)}`);
  } finally {
    await server.stop();
  }
  const smallServer = await startRealRedis();
  try {
    const c = await smallServer.client();
    await populateSmall(c);
    await c.call('SAVE');
    c.close();
    fs.mkdirSync(path.join(outDir, 'small'), { recursive: true });
    fs.copyFileSync(path.join(smallServer.dir, 'dump.rdb'), path.join(outDir, 'small', `redis-${smallServer.version}-small.rdb`));
  } finally {
    await smallServer.stop();
  }
}

void main();
