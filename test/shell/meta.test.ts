import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { loadRdbIntoEngine } from '../../src/persistence/rdb/engine-bridge.js';
import { progressLine } from '../../src/shell/meta.js';
import { KEY, startShell, tick, type TestShell } from './helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const RDB = path.join(root, 'fixtures/rdb/redis-7.0.15.rdb');
const AOF_DIR = path.join(root, 'fixtures/aof/plain/appendonlydir');
const AOF_FILE = path.join(root, 'fixtures/aof/single.aof');

let t: TestShell | null = null;
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-shell-meta-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  t?.unmount();
  t = null;
});

async function shell(...args: Parameters<typeof startShell>): Promise<TestShell> {
  t = await startShell(...args);
  return t;
}

/** Waits until the shell is free again (an asynchronous meta-command finished). */
async function settle(s: TestShell, ms = 10000): Promise<void> {
  const end = Date.now() + ms;
  while (s.shell.current.pending && Date.now() < end) await tick(10);
  await tick();
}

function keyCount(e: Engine): number {
  return e.dbs.reduce((n, db) => n + db.dict.size, 0);
}

describe(':load', () => {
  it('loads an RDB file into the engine, shows the keys loaded and names the prompt after it', async () => {
    const s = await shell();
    await s.run('SET before 1');
    await s.run(`:load ${RDB}`);
    await settle(s);
    const ref = new Engine({ timers: false });
    const r = await loadRdbIntoEngine(RDB, ref);
    expect(r.keys).toBeGreaterThan(0);
    expect(s.output()).toMatch(new RegExp(`redis-7\\.0\\.15\\.rdb: ${r.keys} keys loaded \\(RDB\\); ${r.keys + 1} keys in the engine`));
    expect(s.live()).toBe('redis-7.0.15.rdb>');
    expect(keyCount(s.engine)).toBe(r.keys + 1);
    await s.run('TYPE db0:zset:small');
    expect(s.output().split('\n').pop()).toBe('zset');
    await s.run('SELECT 15');
    expect(s.live()).toBe('redis-7.0.15.rdb[15]>');
    await s.run('EXISTS db15:zset:big');
    expect(s.output().split('\n').pop()).toBe('(integer) 1');
    ref.close();
  });

  it('shows a progress line while loading', async () => {
    expect(progressLine('dump.rdb', 0, 100)).toBe('loading dump.rdb [..............................] 0%');
    expect(progressLine('dump.rdb', 50, 100)).toBe('loading dump.rdb [###############...............] 50%');
    expect(progressLine('dump.rdb', 100, 100)).toBe('loading dump.rdb [##############################] 100%');
    const s = await shell();
    const seen: Array<string | null> = [];
    const unsub = s.shell.store.subscribe(() => seen.push(s.shell.store.state.status));
    await s.run(`:load ${RDB}`);
    await settle(s);
    unsub();
    expect(seen.some((x) => x !== null && x.startsWith('loading redis-7.0.15.rdb'))).toBe(true);
    // Gone once loaded.
    expect(s.shell.store.state.status).toBeNull();
  });

  it('lines typed while loading run after it', async () => {
    const s = await shell();
    await s.press(`:load ${RDB}\rDBSIZE\r`);
    await settle(s);
    await tick(50);
    const out = s.output();
    const loaded = out.indexOf('keys loaded');
    const dbsize = out.indexOf('DBSIZE');
    expect(loaded).toBeGreaterThan(0);
    expect(dbsize).toBeGreaterThan(loaded);
    expect(out.split('\n').pop()).toBe(`(integer) ${s.engine.dbs[0]!.dict.size}`);
  });

  it('replays an appendonlydir, a data dir holding one, and a single AOF file', async () => {
    const s = await shell();
    await s.run(`:load ${AOF_DIR}`);
    await settle(s);
    expect(s.output()).toMatch(/appendonlydir: \d+ commands replayed \(AOF\), \d+ new keys; \d+ keys in the engine/);
    expect(keyCount(s.engine)).toBeGreaterThan(0);
    expect(s.live()).toBe('appendonlydir>');
    await s.run('FLUSHALL');
    await s.run(`:load ${path.dirname(AOF_DIR)}`);
    await settle(s);
    expect(s.output().split('\n').pop()).toMatch(/^plain: \d+ commands replayed/);
    await s.run('FLUSHALL');
    await s.run(`:load ${AOF_FILE}`);
    await settle(s);
    expect(s.output().split('\n').pop()).toMatch(/^single\.aof: \d+ commands replayed/);
    expect(keyCount(s.engine)).toBeGreaterThan(0);
  });

  it('a data dir with dump.rdb loads it; errors are reported and the shell goes on', async () => {
    fs.copyFileSync(RDB, path.join(tmp, 'dump.rdb'));
    const s = await shell();
    await s.run(`:load ${tmp}`);
    await settle(s);
    expect(s.output().split('\n').pop()).toMatch(/keys loaded \(RDB\)/);
    await s.run(':load /nonexistent/file.rdb');
    await settle(s);
    expect(s.output().split('\n').pop()).toBe('/nonexistent/file.rdb: no such file');
    const bad = path.join(tmp, 'bad.rdb');
    fs.writeFileSync(bad, 'REDIS0011garbage');
    await s.run(`:load ${bad}`);
    await settle(s);
    expect(s.shell.store.state.output.at(-1)!.kind).toBe('error');
    await s.run(':load');
    expect(s.output().split('\n').pop()).toBe('usage: :load PATH');
    await s.run('PING');
    expect(s.output().split('\n').pop()).toBe('PONG');
  });

  it('Tab completes paths after :load', async () => {
    const s = await shell();
    const rel = path.relative(process.cwd(), path.join(root, 'fixtures/rdb/redis-7.0.15.r'));
    await s.press(`:load ${rel}`, KEY.tab);
    expect(s.live()).toBe(`redscope> :load ${rel}db`);
  });
});

describe(':save', () => {
  it('writes an RDB that loads back with the same data', async () => {
    const s = await shell();
    await s.run('RPUSH l a b c');
    await s.run('ZADD z 1 one 2 two');
    await s.run('SELECT 2');
    await s.run('SET s hello');
    const file = path.join(tmp, 'saved.rdb');
    await s.run(`:save ${file}`);
    await settle(s);
    expect(s.output().split('\n').pop()).toMatch(new RegExp(`^saved 3 keys to ${file.replace(/[.]/g, '\\.')} \\(\\d+ B\\)$`));
    // Atomic: no temp file left behind.
    expect(fs.readdirSync(tmp).filter((n) => n.startsWith('temp') || n.includes('.tmp'))).toEqual([]);
    const e = new Engine({ timers: false });
    const r = await loadRdbIntoEngine(file, e);
    expect(r.keys).toBe(3);
    const sess = e.createSession();
    expect(sess.execute(['LRANGE', 'l', '0', '-1'])).toEqual(['a', 'b', 'c']);
    sess.execute(['SELECT', '2']);
    expect(sess.execute(['GET', 's'])).toBe('hello');
    e.close();
  });

  it('reports a path it cannot write', async () => {
    const s = await shell();
    await s.run(':save /nonexistent-dir/x.rdb');
    await settle(s);
    const last = s.shell.store.state.output.at(-1)!;
    expect(last.kind).toBe('error');
    expect(last.text).toMatch(/nonexistent-dir/);
  });
});

describe(':memory', () => {
  it('lists the biggest keys of the current db with type, encoding and MEMORY USAGE bytes', async () => {
    const s = await shell();
    await s.run('SET small x');
    await s.run(`SET big ${'v'.repeat(200)}`);
    await s.run('RPUSH list ' + Array.from({ length: 50 }, (_, i) => `element-${i}`).join(' '));
    await s.run('SELECT 1');
    await s.run('SET other y');
    await s.run('SELECT 0');
    const sess = s.engine.createSession();
    const usage = (k: string) => sess.execute(['MEMORY', 'USAGE', k, 'SAMPLES', '0']) as number;
    await s.run(':memory 2');
    const out = s.output().split('\n');
    const table = out.slice(out.lastIndexOf('redscope> :memory 2') + 1);
    const L = usage('list');
    const B = usage('big');
    expect(L).toBeGreaterThan(B);
    expect(table).toEqual([
      '┌───┬────────┬────────┬──────────┬───────┬───────┐',
      '│ # │ key    │ type   │ encoding │ bytes │       │',
      '├───┼────────┼────────┼──────────┼───────┼───────┤',
      `│ 1 │ "list" │ list   │ listpack │ ${String(L).padEnd(5)} │ ${`${L} B`.padEnd(5)} │`,
      '├───┼────────┼────────┼──────────┼───────┼───────┤',
      `│ 2 │ "big"  │ string │ raw      │ ${String(B).padEnd(5)} │ ${`${B} B`.padEnd(5)} │`,
      '└───┴────────┴────────┴──────────┴───────┴───────┘',
      '(2 of 3 keys, db 0)',
    ]);
    sess.close();
  });

  it('defaults to 10, shows an empty db, rejects a bad N', async () => {
    const s = await shell();
    await s.run(':memory');
    expect(s.output().split('\n').pop()).toBe('(empty database)');
    for (let i = 0; i < 12; i++) await s.run(`SET k${i} ${'x'.repeat(i * 10 + 1)}`);
    await s.run(':memory');
    expect(s.output().split('\n').pop()).toBe('(10 of 12 keys, db 0)');
    await s.run(':memory many');
    expect(s.output().split('\n').pop()).toBe('usage: :memory [N]');
  });
});
