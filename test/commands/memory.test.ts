import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential, type Arg } from '../helpers/differential.js';
import { CommandTable } from '../../src/commands/table.js';
import { COMMAND_SPECS } from '../../src/commands/table.generated.js';
import { ALL_HANDLERS } from '../../src/commands/index.js';
import { memoryCommands, setMemoryTarget } from '../../src/commands/memory.js';
import { ErrorReply, MapReply, OK } from '../../src/engine/reply.js';

/**
 * MEMORY against a real redis-server 7.0.15: the engine's MEMORY USAGE (with the 7.0 size
 * rules, since that is the server) must equal the server's for every type and encoding,
 * including keys just past each conversion threshold. Collections are compared after the
 * server reloads its data (DEBUG RELOAD), which sizes hash tables as the model does (the
 * element count rounded up to a power of two, no rehash in progress); streams are compared
 * as XADD leaves them.
 */

// memoryCommands is not wired into src/commands/index.ts yet: give each engine a table with it.
const TABLE = new CommandTable(COMMAND_SPECS, { ...ALL_HANDLERS, ...memoryCommands });

let d: Differential;

function wire(): void {
  (d.engine as unknown as { commands: CommandTable }).commands = TABLE;
  setMemoryTarget(d.engine, '7.0');
}

beforeAll(async () => {
  d = await Differential.start();
  wire();
});
afterAll(async () => {
  await d?.stop();
});
beforeEach(async () => {
  await d.reset();
  wire();
});

const range = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

/** Runs a building command on both sides (replies must match). */
async function run(...args: Arg[]): Promise<void> {
  await d.do(...args);
}

async function usage(key: string, ...extra: string[]): Promise<[number, number]> {
  const ours = await d.session.execute(['MEMORY', 'USAGE', key, ...extra]);
  const theirs = await d.client.call('MEMORY', 'USAGE', key, ...extra);
  if (typeof ours !== 'number' || typeof theirs !== 'number') {
    throw new Error(`MEMORY USAGE ${key}: ours ${String(ours)} theirs ${String(theirs)}`);
  }
  return [ours, theirs];
}

/**
 * Compares MEMORY USAGE key SAMPLES 0 for each key; `tolerance` (relative) is for skiplists,
 * whose nodes have random levels (the model uses the expected node size).
 */
async function expectSame(keys: string[], tolerance = 0, extra: string[] = ['SAMPLES', '0']): Promise<void> {
  const bad: string[] = [];
  for (const key of keys) {
    const [ours, theirs] = await usage(key, ...extra);
    const err = Math.abs(ours - theirs) / theirs;
    if (tolerance === 0 ? ours !== theirs : err > tolerance) bad.push(`${key}: ours ${ours} theirs ${theirs}`);
  }
  expect(bad).toEqual([]);
}

async function reloadServer(): Promise<void> {
  expect(await d.client.call('DEBUG', 'RELOAD')).toEqual(OK);
}

async function encodingOnServer(key: string): Promise<string> {
  return String(await d.client.call('OBJECT', 'ENCODING', key));
}

describe('MEMORY subcommands', () => {
  it('HELP, PURGE, DOCTOR on an empty instance, errors', async () => {
    await d.do('MEMORY', 'HELP');
    await d.do('memory', 'help');
    await d.do('MEMORY', 'PURGE');
    await d.do('MEMORY', 'DOCTOR');
    await d.do('HELLO', '3');
    await d.do('MEMORY', 'DOCTOR');
    await d.do('MEMORY', 'HELP');
    await d.error('MEMORY', 'HELP', 'x');
    await d.error('MEMORY', 'FOO');
    await d.error('MEMORY');
    await d.error('MEMORY', 'USAGE');
    await d.error('MEMORY', 'PURGE', 'x');
    await d.error('MEMORY', 'DOCTOR', 'x');
    await d.error('MEMORY', 'STATS', 'x');
  });

  it('USAGE: missing key, SAMPLES parsing and error precedence', async () => {
    await d.do('MEMORY', 'USAGE', 'nokey');
    await d.do('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0');
    // Options are parsed before the key is looked up.
    await d.error('MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x');
    await d.error('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1');
    await d.error('MEMORY', 'USAGE', 'nokey', 'SAMPLES');
    await d.error('MEMORY', 'USAGE', 'nokey', 'FOO');
    await d.error('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '1.5');
    await d.error('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '99999999999999999999');
    await run('SET', 'k', 'v');
    await d.do('MEMORY', 'USAGE', 'k');
    await d.do('MEMORY', 'USAGE', 'k', 'samples', '3', 'SAMPLES', '0');
    await d.do('MEMORY', 'USAGE', 'k', 'SAMPLES', '9223372036854775807');
    await d.error('MEMORY', 'USAGE', 'k', 'SAMPLES', '1', 'x');
    await d.do('HELLO', '3');
    await d.do('MEMORY', 'USAGE', 'nokey');
    await d.do('MEMORY', 'USAGE', 'k');
  });

  it('USAGE does not touch the key (OBJECT IDLETIME stays)', async () => {
    await run('SET', 'k', 'v');
    d.engine.commandTime += 0;
    const before = await d.session.execute(['OBJECT', 'IDLETIME', 'k']);
    await d.session.execute(['MEMORY', 'USAGE', 'k']);
    expect(await d.session.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual(before);
  });

  it('STATS: same fields as Redis 7.0, keyspace overhead and dataset from the model', async () => {
    await run('SET', 'a', '1');
    await run('SET', 'b', 'x'.repeat(100), 'EX', '1000');
    await run('SELECT', '3');
    await run('RPUSH', 'l', 'a', 'b');
    const [ours, theirs] = await d.both('MEMORY', 'STATS');
    const flat = (r: unknown): unknown[] => (r instanceof MapReply ? r.entries.flat() : (r as unknown[]));
    const names = (r: unknown) => flat(r).filter((_, i) => i % 2 === 0).map(String);
    expect(names(ours)).toEqual(names(theirs));
    const get = (r: unknown, name: string) => {
      const f = flat(r);
      return f[f.indexOf(name) + 1];
    };
    const db0 = (r: unknown) => flat(get(r, 'db.0')).map((x) => (typeof x === 'number' ? x : String(x)));
    expect(db0(ours)).toEqual(db0(theirs));
    expect(get(ours, 'keys.count')).toBe(3);
    expect(get(theirs, 'keys.count')).toBe(3);
    // The dataset: every key's MEMORY USAGE minus its dictEntry.
    const sum = (await usage('l'))[0] + 0;
    await run('SELECT', '0');
    const total = sum + (await usage('a'))[0] + (await usage('b'))[0] - 3 * 24;
    expect(get(ours, 'dataset.bytes')).toBe(total);
  });

  it('MALLOC-STATS replies with a bulk string', async () => {
    const [ours, theirs] = await d.both('MEMORY', 'MALLOC-STATS');
    expect(typeof ours).toBe('string');
    expect(typeof theirs).toBe('string');
  });
});

describe('MEMORY USAGE with the 7.2 rules (the engine default)', () => {
  it('the documented 7.2 figures', async () => {
    setMemoryTarget(d.engine, '7.2');
    for (const [k, v] of [['', ''], ['foo', 'bar'], ['foo2', 'mybar'], ['foo3', '0123456789'.repeat(10)]]) {
      await d.session.execute(['SET', k!, v!]);
    }
    const u = async (k: string) => d.session.execute(['MEMORY', 'USAGE', k]);
    expect([await u(''), await u('foo'), await u('foo2'), await u('foo3')]).toEqual([56, 56, 64, 160]);
    // A small list is one listpack in 7.2: robj + listpack allocation (7 + 3 + 3 = 13 → 16) + key.
    await d.session.execute(['RPUSH', 'l', 'a', 'b']);
    expect(await u('l')).toBe(16 + 16 + 8 + 24);
  });
});

describe('MEMORY USAGE vs redis-server 7.0.15', () => {
  it('strings: int, embstr up to 44 bytes, raw from 45, keys of every sds header type', async () => {
    const keys: string[] = [];
    const put = async (key: string, value: string) => {
      await run('SET', key, value);
      keys.push(key);
    };
    await put('', '');
    await put('i0', '0');
    await put('i1', '9999');
    await put('i2', '10000');
    await put('i3', '-9223372036854775808');
    await put('i4', '9223372036854775807');
    await put('i5', '9223372036854775808'); // not an int64: embstr
    await put('i6', '012'); // leading zero: embstr
    for (const n of [1, 12, 13, 43, 44, 45, 46, 60, 100, 200, 252, 253, 255, 256, 1000, 5000, 65535, 65536, 70000]) {
      await put(`s${n}`, 'x'.repeat(n));
    }
    for (const n of [31, 32, 254, 255, 256, 300, 65534]) await put('k'.repeat(n), 'v');
    await expectSame(keys);
    await reloadServer();
    await expectSame(keys);
  });

  it('strings written in place (APPEND, SETRANGE, SETBIT)', async () => {
    await run('SET', 'a', 'abc');
    await run('APPEND', 'a', 'def');
    await run('SETRANGE', 'r', '100', 'x');
    await run('SETBIT', 'b', '1000', '1');
    await run('APPEND', 'n', '12');
    await run('SET', 'c', 'x'.repeat(30));
    await run('APPEND', 'c', 'y');
    // A short raw string only comes from an in-place write: sdsMakeRoomFor doubled it.
    await expectSame(['a', 'r', 'b', 'n', 'c']);
  });

  it('lists: single node, several nodes, big elements, count-limited fill (always quicklist in 7.0)', async () => {
    await run('RPUSH', 'l1', 'a', 'b', '1', '-1', '1000', '70000', '-70000', '2147483648', '');
    await run('RPUSH', 'l2', ...range(1000, (i) => `element:${i}`));
    await run('RPUSH', 'l3', ...range(5, (i) => 'x'.repeat(3000 + i)));
    await run('RPUSH', 'l4', 'x'.repeat(9000), 'small');
    await run('LPUSH', 'l5', ...range(2000, (i) => String(i * 7919)));
    await run('CONFIG', 'SET', 'list-max-listpack-size', '5');
    await run('RPUSH', 'l6', ...range(23, (i) => `v${i}`));
    await run('CONFIG', 'SET', 'list-max-ziplist-size', '-1');
    await run('RPUSH', 'l7', ...range(600, (i) => `value-${i}`));
    const keys = ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'];
    await expectSame(keys);
    // Sampled: the first 5 nodes measured, the rest extrapolated.
    await expectSame(keys, 0, []);
    await expectSame(keys, 0, ['SAMPLES', '2']);
  });

  it('sets: intset widths, 512 → 513 integers, strings (hash table in 7.0)', async () => {
    await run('SADD', 'i16', ...range(10, (i) => String(i * 1000)));
    await run('SADD', 'i32', ...range(10, (i) => String(i * 100000)));
    await run('SADD', 'i64', ...range(10, (i) => String(i * 10000000000)));
    await run('SADD', 'i512', ...range(512, (i) => String(i)));
    await run('SADD', 'i513', ...range(513, (i) => String(i)));
    await run('SADD', 's3', 'a', 'b', 'c');
    await run('SADD', 's128', ...range(128, (i) => `m${i}`));
    await run('SADD', 's129', ...range(129, (i) => `m${i}`));
    await run('SADD', 'long', 'x'.repeat(65), 'y');
    await run('SADD', 'mixed', '1', '2', '3', 'z');
    await run('SADD', 'big', ...range(3000, (i) => `member:${i}:${'p'.repeat(i % 50)}`));
    const keys = ['i16', 'i32', 'i64', 'i512', 'i513', 's3', 's128', 's129', 'long', 'mixed', 'big'];
    await reloadServer();
    expect(await encodingOnServer('i512')).toBe('intset');
    expect(await encodingOnServer('i513')).toBe('hashtable');
    await expectSame(keys);
    // A lowered threshold (the table is created presized for the whole set: no rehash).
    await run('CONFIG', 'SET', 'set-max-intset-entries', '4');
    await run('SADD', 'i4', '1', '2', '3', '4');
    await run('SADD', 'i5', '1', '2', '3', '4', '5');
    await expectSame(['i4', 'i5']);
  });

  it('hashes: listpack up to 512 fields and 64-byte values, hash table past either', async () => {
    await run('HSET', 'h1', 'f', 'v', 'n', '12345');
    await run('HSET', 'h512', ...range(512, (i) => [`f${i}`, `v${i}`]).flat());
    await run('HSET', 'h513', ...range(513, (i) => [`f${i}`, `v${i}`]).flat());
    await run('HSET', 'v64', 'f', 'x'.repeat(64));
    await run('HSET', 'v65', 'f', 'x'.repeat(65), 'g', '1');
    await run('HSET', 'f65', 'y'.repeat(65), 'v');
    await run('HSET', 'big', ...range(2000, (i) => [`field:${i}`, 'v'.repeat(i % 100)]).flat());
    const keys = ['h1', 'h512', 'h513', 'v64', 'v65', 'f65', 'big'];
    await reloadServer();
    expect(await encodingOnServer('h512')).toBe('listpack');
    expect(await encodingOnServer('h513')).toBe('hashtable');
    expect(await encodingOnServer('v65')).toBe('hashtable');
    await expectSame(keys);
    await run('CONFIG', 'SET', 'hash-max-ziplist-entries', '2');
    await run('HSET', 'h2', 'a', '1', 'b', '2');
    await run('HSET', 'h3', 'a', '1', 'b', '2', 'c', '3');
    await expectSame(['h2', 'h3']);
  });

  it('sorted sets: listpack up to 128 members of 64 bytes, skiplist past either', async () => {
    await run('ZADD', 'z1', '1', 'a', '2.5', 'b', '-3', 'c', '1e300', 'd', 'inf', 'e', '0.1', 'f');
    await run('ZADD', 'z128', ...range(128, (i) => [String(i / 3), `m${i}`]).flat());
    await run('ZADD', 'z129', ...range(129, (i) => [String(i), `m${i}`]).flat());
    await run('ZADD', 'm64', '1', 'x'.repeat(64));
    await run('ZADD', 'm65', '1', 'x'.repeat(65), '2', 'y');
    await run('ZADD', 'big', ...range(3000, (i) => [String(i * 1.5), `member:${i}`]).flat());
    await run('GEOADD', 'geo', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    await reloadServer();
    expect(await encodingOnServer('z128')).toBe('listpack');
    expect(await encodingOnServer('z129')).toBe('skiplist');
    await expectSame(['z1', 'z128', 'm64', 'geo']);
    // Skiplist nodes get random levels: the model counts the expected node size. With 129
    // nodes one standard deviation of the real figure is ~1.2% (jemalloc classes widen it), so
    // 3% failed about once in a hundred runs; 5% is four deviations. 3000 nodes stay at 3%.
    await expectSame(['z129'], 0.05);
    await expectSame(['big'], 0.03);
    // Two nodes: one tall node moves the figure by tens of bytes.
    await expectSame(['m65'], 0.15);
  });

  it('streams as XADD leaves them: preallocated last node, nodes closed by count or bytes, groups', async () => {
    await run('XADD', 's1', '1-1', 'f', 'v');
    await run('XADD', 's2', ...['1-1', 'a', '1', 'b', '2']);
    for (let i = 2; i <= 250; i++) await run('XADD', 's2', `1-${i}`, 'a', String(i), 'b', 'x'.repeat(i % 7));
    for (let i = 1; i <= 40; i++) await run('XADD', 's3', `${i}-0`, 'payload', 'p'.repeat(300));
    for (let i = 1; i <= 30; i++) await run('XADD', 's4', `${i * 1000}-0`, `f${i % 3}`, 'v');
    await run('XDEL', 's4', '2000-0', '3000-0');
    await run('XGROUP', 'CREATE', 's2', 'g1', '0');
    await run('XGROUP', 'CREATE', 's2', 'g2', '$');
    await run('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '30', 'STREAMS', 's2', '>');
    await run('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', 's2', '>');
    await run('XGROUP', 'CREATECONSUMER', 's2', 'g2', 'carol');
    await run('XADD', 's5', 'MAXLEN', '10', '1-1', 'f', 'v');
    await expectSame(['s1', 's2', 's3', 's4', 's5']);
    await expectSame(['s2', 's3'], 0, []);
    await expectSame(['s2', 's3'], 0, ['SAMPLES', '1']);
  });

  it('stream nodes limited by stream-node-max-bytes smaller than the preallocation', async () => {
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '500');
    for (let i = 1; i <= 30; i++) await run('XADD', 's', `${i}-0`, 'field', 'value'.repeat(5));
    // Nodes are preallocated with the limit in force when they were created.
    await expectSame(['s']);
    await run('CONFIG', 'SET', 'stream-node-max-entries', '7');
    await run('CONFIG', 'SET', 'stream-node-max-bytes', '0');
    for (let i = 1; i <= 30; i++) await run('XADD', 't', `${i}-0`, 'field', String(i));
    await expectSame(['t']);
  });

  it('default SAMPLES (5) extrapolates from the first elements', async () => {
    // Elements of one size: whichever five the server's dict order samples, the figure is exact.
    await run('SADD', 'set', ...range(300, (i) => `member-${String(i).padStart(5, '0')}`));
    await run('HSET', 'hash', ...range(700, (i) => [`f${String(i).padStart(4, '0')}`, `v${String(i).padStart(4, '0')}`]).flat());
    await run('ZADD', 'zset', ...range(500, (i) => [String(i), `m${String(i).padStart(4, '0')}`]).flat());
    await reloadServer();
    await expectSame(['set', 'hash'], 0, []);
    await expectSame(['set', 'hash'], 0, ['SAMPLES', '1']);
    // Five sampled skiplist nodes of random levels, extrapolated ×100: a wide spread.
    await expectSame(['zset'], 0.3, []);
    await expectSame(['zset'], 0.03);
  });

  it('expired keys still count until reclaimed, as dictFind', async () => {
    await run('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await run('SET', 'k', 'value', 'PX', '1');
    await new Promise((r) => setTimeout(r, 20));
    d.engine.commandTime = Date.now();
    const [ours, theirs] = await usage('k');
    expect(ours).toBe(theirs);
    await run('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  });

  it('a WRONGTYPE-free command: works on every type', async () => {
    await run('SET', 'a', '1');
    const r = await d.session.execute(['MEMORY', 'USAGE', 'a', 'SAMPLES', '0']);
    expect(r).not.toBeInstanceOf(ErrorReply);
  });
});
