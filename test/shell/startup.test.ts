import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram, type CliActions, type CliIO } from '../../src/cli/main.js';
import { PassThrough } from 'node:stream';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import { evalArgv } from '../../src/shell/startup.js';
import { redisCli, redscope, ROOT } from '../cli/helpers.js';

/** `redscope shell` start-up options: --rdb, --aof, --dir, -n, --eval. */

const RDB = 'fixtures/rdb/redis-7.0.15.rdb';

function io(): CliIO {
  const stdin = new PassThrough();
  stdin.end();
  return { stdin, stdout: new PassThrough(), stderr: new PassThrough(), stdinIsTTY: false, stdoutIsTTY: false };
}

async function parse(args: string[]): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | null = null;
  const actions: CliActions = {
    shell: async (flags) => ((seen = { ...flags }), 0),
    exec: async () => 0,
  };
  const program = buildProgram(io(), actions).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'redscope', ...args]);
  if (!seen) throw new Error('no action ran');
  return seen;
}

let tmp: string;
let real: RealRedis;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-shell-start-'));
  real = await startRealRedis();
}, 30000);
afterAll(async () => {
  await real?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('redscope shell: parsing', () => {
  it('takes --rdb, --aof, --dir, -n and --eval with keys and args', async () => {
    expect(await parse(['shell', '--rdb', 'x.rdb', '-n', '3'])).toMatchObject({ rdb: 'x.rdb', db: 3, evalArgs: [] });
    expect(await parse(['shell', '--aof', 'appendonlydir'])).toMatchObject({ aof: 'appendonlydir' });
    expect(await parse(['shell', '--dir', '/data/redis'])).toMatchObject({ dir: '/data/redis', name: 'redis' });
    expect(await parse(['shell', '--eval', 's.lua', 'k1', 'k2', ',', 'a1'])).toMatchObject({
      eval: 's.lua',
      evalArgs: ['k1', 'k2', ',', 'a1'],
    });
    // Options before `shell` apply too.
    expect(await parse(['--raw', 'shell'])).toMatchObject({ raw: true });
  });

  it('rejects --rdb with --aof, --dir with either, and words without --eval', async () => {
    await expect(parse(['shell', '--rdb', 'a', '--aof', 'b'])).rejects.toThrow(/cannot be used with/);
    await expect(parse(['shell', '--dir', 'd', '--rdb', 'a'])).rejects.toThrow('--dir cannot be combined with --rdb or --aof');
    await expect(parse(['shell', 'k1'])).rejects.toThrow("unexpected argument 'k1'");
  });

  it('evalArgv splits keys from args at a lone ","', () => {
    const f = path.join(tmp, 'x.lua');
    fs.writeFileSync(f, 'return 1');
    expect(evalArgv(f, ['a', 'b', ',', 'c', ','])).toEqual(['EVAL', 'return 1', '2', 'a', 'b', 'c', ',']);
    expect(evalArgv(f, ['a,b'])).toEqual(['EVAL', 'return 1', '1', 'a,b']);
    expect(evalArgv(f, [])).toEqual(['EVAL', 'return 1', '0']);
  });
});

describe('redscope shell: the built binary on pipes (no terminal)', () => {
  it('--eval prints what redis-cli --eval prints against a real server', async () => {
    const script = path.join(tmp, 's.lua');
    fs.writeFileSync(script, "redis.call('SET', KEYS[1], ARGV[1])\nreturn {KEYS[1], KEYS[2], ARGV[1], ARGV[2], redis.call('GET', KEYS[1]), 7}\n");
    for (const words of [['k1', 'k2', ',', 'a1', 'a2'], ['k1', ',', 'only'], ['k1,k2']]) {
      const mine = await redscope(['shell', '--eval', script, ...words]);
      const theirs = await redisCli(real.port, ['--eval', script, ...words]);
      expect(mine.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
      expect(mine.code).toBe(theirs.code);
    }
    // An error reply: printed, exit status 0, as redis-cli.
    const bad = path.join(tmp, 'bad.lua');
    fs.writeFileSync(bad, "redis.call('SET', KEYS[1], 'x')\nreturn redis.call('INCR', KEYS[1])");
    const mine = await redscope(['shell', '--eval', bad, 'notnum']);
    const theirs = await redisCli(real.port, ['--eval', bad, 'notnum']);
    expect(mine.stdout.toString()).toMatch(/^ERR value is not an integer or out of range script: /);
    expect(mine.stdout.toString('latin1')).toBe(theirs.stdout.toString('latin1'));
    expect(mine.code).toBe(0);
    expect(theirs.code).toBe(0);
  }, 30000);

  it('--eval on a missing file fails as redis-cli does (exit 1, the same message)', async () => {
    const mine = await redscope(['shell', '--eval', '/nonexistent.lua']);
    const theirs = await redisCli(real.port, ['--eval', '/nonexistent.lua']);
    expect(mine.code).toBe(1);
    expect(theirs.code).toBe(1);
    expect(mine.stderr.toString()).toBe(`redscope: ${theirs.stderr.toString().trim()}\n`);
  }, 30000);

  it('--rdb loads the file, -n selects a db; without a terminal it reads commands like plain redscope', async () => {
    const r = await redscope(['shell', '--rdb', RDB, '-n', '15'], 'DBSIZE\nTYPE db15:zset:small\nOBJECT ENCODING db15:zset:small\n');
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe('30\nzset\nlistpack\n');
  }, 30000);

  it('--aof replays an appendonlydir (or its data dir), --eval sees the loaded data', async () => {
    const plain = path.join(ROOT, 'fixtures/aof/plain');
    const a = await redscope(['shell', '--aof', plain], 'DBSIZE\n');
    const b = await redscope(['shell', '--aof', path.join(plain, 'appendonlydir')], 'DBSIZE\n');
    expect(a.stdout.toString()).toMatch(/^[1-9]\d*\n$/);
    expect(b.stdout.toString()).toBe(a.stdout.toString());
    const count = path.join(tmp, 'count.lua');
    fs.writeFileSync(count, "return redis.call('DBSIZE')");
    const e = await redscope(['shell', '--rdb', RDB, '--eval', count]);
    expect(e.stdout.toString()).toBe('30\n');
  }, 30000);

  it('a file that is not an RDB is reported', async () => {
    const bad = path.join(tmp, 'bad.rdb');
    fs.writeFileSync(bad, 'not an rdb at all');
    const r = await redscope(['shell', '--rdb', bad], 'PING\n');
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toMatch(/^redscope: .*bad\.rdb/);
  }, 30000);
});
