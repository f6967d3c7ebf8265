import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bytes } from '../../../src/engine/bytes.js';
import { datasetDigest, digestHex } from '../../../src/engine/digest.js';
import { Engine } from '../../../src/engine/engine.js';
import { StatusReply, type Reply } from '../../../src/engine/reply.js';
import { replayAof } from '../../../src/persistence/aof/load.js';
import { parseManifest } from '../../../src/persistence/aof/manifest.js';
import { openPersistence } from '../../../src/persistence/aof/open.js';
import { aofInfoFields, getAofWriter } from '../../../src/persistence/aof/writer.js';
import { scriptHost } from '../../../src/scripting/host.js';
import { startRealRedis } from '../../../src/testing/real-redis.js';

const ROOT = path.resolve(__dirname, '../../..');
let tmp: string;
let n = 0;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aofw-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function fresh(): string {
  const d = path.join(tmp, `c${n++}`);
  fs.mkdirSync(d);
  return d;
}

function engineWith(config: Partial<Engine['config']> = {}): Engine {
  return new Engine({ timers: false, config: { appendonly: true, appendfsync: 'always', ...config } });
}

function run(e: Engine, cmds: Bytes[][]): Reply[] {
  const s = e.createSession();
  const out = cmds.map((c) => s.execute(c) as Reply);
  s.close();
  return out;
}

const manifestOf = (dir: string) => fs.readFileSync(path.join(dir, 'appendonlydir/appendonly.aof.manifest'), 'latin1');

async function digestOfDir(dir: string): Promise<string> {
  const e = new Engine({ timers: false });
  try {
    await replayAof(path.join(dir, 'appendonlydir'), e);
    return digestHex(datasetDigest(e, '7.0'));
  } finally {
    e.close();
  }
}

async function realDigestOfDir(dir: string): Promise<string> {
  const d = fresh();
  fs.cpSync(path.join(dir, 'appendonlydir'), path.join(d, 'appendonlydir'), { recursive: true });
  const server = await startRealRedis(['--dir', d, '--appendonly', 'yes']);
  try {
    const c = await server.client();
    const r = ((await c.call('DEBUG', 'DIGEST')) as StatusReply).text;
    c.close();
    return r;
  } finally {
    await server.stop();
  }
}

const SCRIPT: Bytes[][] = [
  ['set', 'a', '1'],
  ['SELECT', '3'],
  ['SET', 'b', '2'],
  ['MULTI'],
  ['SET', 'c', '3'],
  ['INCR', 'c'],
  ['EXEC'],
  ['RPUSH', 'list', 'x', 'y', 'z'],
  ['HSET', 'h', 'f', 'v', 'g', 'w'],
  ['SADD', 's', '1', '2', 'three'],
  ['ZADD', 'z', '1.5', 'm', '2', 'n'],
  ['INCRBYFLOAT', 'fl', '1.25'],
  ['SELECT', '0'],
  ['DEL', 'a', 'nosuch'],
  ['GET', 'a'],
  ['SET', 'bin', '\x00\xff\r\n'],
  ['APPEND', 'bin', 'tail'],
  ['LPOP', 'nosuch'],
  ['SELECT', '5'],
  ['MULTI'],
  ['SET', 'm', '1'],
  ['INCR', 'm'],
  ['GET', 'm'],
  ['EXEC'],
  ['MULTI'],
  ['SET', 'one', '1'],
  ['EXEC'],
  ['MULTI'],
  ['GET', 'one'],
  ['EXEC'],
];

describe('the engine AOF writer', () => {
  it('a fresh start writes the layout redis 7.0 writes: base 1, incr 1, manifest', async () => {
    const dir = fresh();
    const e = engineWith();
    const p = await openPersistence(e, dir);
    try {
      expect(p.from).toBe('none');
      expect(fs.readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual([
        'appendonly.aof.1.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.manifest',
      ]);
      expect(manifestOf(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
      expect(fs.readFileSync(path.join(dir, 'appendonlydir/appendonly.aof.1.base.rdb')).subarray(0, 9).toString()).toBe('REDIS0010');
    } finally {
      p.close();
      e.close();
    }
  });

  it('the incr file has the bytes redis 7.0 writes for the same commands (SELECT, MULTI/EXEC, rewritten argv)', async () => {
    const server = await startRealRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    let theirs: Buffer;
    try {
      const c = await server.client();
      for (const cmd of SCRIPT) await c.call(...cmd);
      c.close();
      theirs = fs.readFileSync(path.join(server.dir, 'appendonlydir/appendonly.aof.1.incr.aof'));
    } finally {
      await server.stop();
    }
    const dir = fresh();
    const e = engineWith();
    const p = await openPersistence(e, dir);
    run(e, SCRIPT);
    const ours = fs.readFileSync(path.join(dir, 'appendonlydir/appendonly.aof.1.incr.aof'));
    expect(ours.toString('latin1')).toBe(theirs.toString('latin1'));
    const expected = digestHex(datasetDigest(e, '7.0'));
    p.close();
    e.close();
    expect(await realDigestOfDir(dir)).toBe(expected);
  });

  it('aof-timestamp-enabled: a #TS: annotation before the SELECT when the second changes', async () => {
    let now = 1_700_000_000_000;
    const dir = fresh();
    const e = new Engine({ timers: false, clock: () => now, config: { appendonly: true, appendfsync: 'always', aofTimestampEnabled: true } });
    const p = await openPersistence(e, dir);
    run(e, [['SET', 'a', '1'], ['SET', 'b', '2']]);
    now += 1500;
    run(e, [['SET', 'c', '3']]);
    p.close();
    e.close();
    const text = fs.readFileSync(path.join(dir, 'appendonlydir/appendonly.aof.1.incr.aof'), 'latin1');
    expect(text).toBe(
      '#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n' +
        '*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n' +
        '#TS:1700000001\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n',
    );
  });

  it('restart: the AOF is loaded (not the RDB), a torn tail is cut, appending goes on', async () => {
    const dir = fresh();
    // save "": no save at shutdown, so dump.rdb stays the one SAVE wrote (older than the AOF).
    let e = engineWith({ save: '' });
    let p = await openPersistence(e, dir);
    run(e, [['SET', 'k', 'v'], ['RPUSH', 'l', 'a', 'b']]);
    run(e, [['SAVE']]);
    run(e, [['SET', 'after-save', '1']]);
    p.close();
    e.close();
    const incr = path.join(dir, 'appendonlydir/appendonly.aof.1.incr.aof');
    const good = fs.statSync(incr).size;
    fs.appendFileSync(incr, '*3\r\n$3\r\nSET\r\n$4\r\ntorn');
    e = engineWith({ save: '' });
    p = await openPersistence(e, dir);
    expect(p.from).toBe('aof');
    expect(fs.statSync(incr).size).toBe(good);
    expect(run(e, [['GET', 'after-save'], ['LRANGE', 'l', '0', '-1']])).toEqual(['1', ['a', 'b']]);
    run(e, [['SET', 'more', 'x']]);
    const digest = digestHex(datasetDigest(e, '7.0'));
    p.close();
    e.close();
    expect(await digestOfDir(dir)).toBe(digest);
    expect(await realDigestOfDir(dir)).toBe(digest);
    // appendonly no: the RDB (from SAVE) is what loads.
    const e2 = new Engine({ timers: false });
    const p2 = await openPersistence(e2, dir);
    expect(p2.from).toBe('rdb');
    expect(run(e2, [['GET', 'after-save'], ['GET', 'k']])).toEqual([null, 'v']);
    p2.close();
    e2.close();
  });

  it('history files a crash left in the manifest are removed at start (aofDelHistoryFiles)', async () => {
    const dir = fresh();
    const aofDir = path.join(dir, 'appendonlydir');
    fs.cpSync(path.join(ROOT, 'fixtures/aof/multi-incr/appendonlydir'), aofDir, { recursive: true });
    fs.writeFileSync(path.join(aofDir, 'appendonly.aof.1.base.rdb'), 'stale');
    fs.appendFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type h\n');
    const e = engineWith();
    const p = await openPersistence(e, dir);
    expect(fs.existsSync(path.join(aofDir, 'appendonly.aof.1.base.rdb'))).toBe(false);
    expect(manifestOf(dir)).toBe(
      'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n',
    );
    p.close();
    e.close();
  });

  it('an old single appendonly.aof in dir is moved into appendonlydir (aofUpgradePrepare)', async () => {
    const dir = fresh();
    fs.copyFileSync(path.join(ROOT, 'fixtures/aof/single.aof'), path.join(dir, 'appendonly.aof'));
    const e = engineWith();
    const p = await openPersistence(e, dir);
    expect(p.from).toBe('aof');
    expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(false);
    expect(manifestOf(dir)).toBe('file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    const d = digestHex(datasetDigest(e, '7.0'));
    p.close();
    e.close();
    expect(await realDigestOfDir(dir)).toBe(d);
  });

  it('BGREWRITEAOF: started, new base and incr (seq+1), old files removed; INFO fields', async () => {
    const dir = fresh();
    const e = engineWith({ appendfsync: 'everysec' });
    const p = await openPersistence(e, dir);
    const s = e.createSession();
    for (let i = 0; i < 200; i++) s.execute(['INCR', `n${i % 10}`]);
    s.execute(['SELECT', '5']);
    s.execute(['SET', 'five', '5']);
    expect(s.execute(['BGREWRITEAOF'])).toEqual(new StatusReply('Background append only file rewriting started'));
    expect(String((s.execute(['BGREWRITEAOF']) as { message?: string }).message)).toBe(
      'ERR Background append only file rewriting already in progress',
    );
    // Writes during the rewrite land in the new incr file.
    s.execute(['SET', 'during', 'rewrite']);
    expect(aofInfoFields(e).main.find(([k]) => k === 'aof_rewrite_in_progress')?.[1]).toBe(1);
    await getAofWriter(e)!.waitRewrite();
    s.execute(['SET', 'after', 'rewrite']);
    expect(manifestOf(dir)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    expect(fs.readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual([
      'appendonly.aof.2.base.rdb', 'appendonly.aof.2.incr.aof', 'appendonly.aof.manifest',
    ]);
    const info = Object.fromEntries([...aofInfoFields(e).main, ...aofInfoFields(e).enabled]);
    expect(info).toMatchObject({ aof_enabled: 1, aof_rewrite_in_progress: 0, aof_rewrites: 1, aof_last_bgrewrite_status: 'ok' });
    expect(Object.keys(info)).toEqual([
      'aof_enabled', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled', 'aof_last_rewrite_time_sec',
      'aof_current_rewrite_time_sec', 'aof_last_bgrewrite_status', 'aof_rewrites', 'aof_rewrites_consecutive_failures',
      'aof_last_write_status', 'aof_last_cow_size', 'aof_current_size', 'aof_base_size', 'aof_pending_rewrite',
      'aof_buffer_length', 'aof_pending_bio_fsync', 'aof_delayed_fsync',
    ]);
    const digest = digestHex(datasetDigest(e, '7.0'));
    s.close();
    p.close();
    e.close();
    expect(await digestOfDir(dir)).toBe(digest);
    expect(await realDigestOfDir(dir)).toBe(digest);
  });

  it('CONFIG SET appendonly yes at runtime starts with a rewrite; no stops appending', async () => {
    const dir = fresh();
    const e = new Engine({ timers: false });
    const p = await openPersistence(e, dir);
    const s = e.createSession();
    s.execute(['SET', 'before', '1']);
    expect(fs.existsSync(path.join(dir, 'appendonlydir'))).toBe(false);
    expect(s.execute(['CONFIG', 'SET', 'appendonly', 'yes'])).toEqual(new StatusReply('OK'));
    s.execute(['SET', 'while', 'rewriting']);
    await getAofWriter(e)!.waitRewrite();
    expect(getAofWriter(e)!.state).toBe('on');
    s.execute(['SET', 'after', '1']);
    expect(manifestOf(dir)).toBe('file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    const digest = digestHex(datasetDigest(e, '7.0'));
    expect(await digestOfDir(dir)).toBe(digest);
    s.execute(['CONFIG', 'SET', 'appendonly', 'no']);
    expect(getAofWriter(e)!.state).toBe('off');
    s.execute(['SET', 'not', 'logged']);
    expect(await digestOfDir(dir)).toBe(digest);
    s.close();
    p.close();
    e.close();
    expect(await realDigestOfDir(dir)).toBe(digest);
  });
});

describe('files real redis 7.0 wrote', () => {
  it('its appendonlydir (base, rewrite, incr) loads digest-equal; our appends on top load back in redis', async () => {
    const server = await startRealRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    const dir = fresh();
    let theirs: string;
    try {
      const c = await server.client();
      for (const cmd of SCRIPT) await c.call(...cmd);
      await c.call('BGREWRITEAOF');
      for (let i = 0; i < 100; i++) {
        if (String(await c.call('INFO', 'persistence')).includes('aof_rewrite_in_progress:0')) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await c.call('HSET', 'after', 'rewrite', '1');
      await c.call('SAVE');
      theirs = ((await c.call('DEBUG', 'DIGEST')) as StatusReply).text;
      c.close();
      fs.cpSync(path.join(server.dir, 'appendonlydir'), path.join(dir, 'appendonlydir'), { recursive: true });
      fs.copyFileSync(path.join(server.dir, 'dump.rdb'), path.join(dir, 'dump.rdb'));
    } finally {
      await server.stop();
    }
    const e = engineWith({ save: '' }); // no save at shutdown: dump.rdb stays theirs
    const p = await openPersistence(e, dir);
    expect(p.from).toBe('aof');
    expect(digestHex(datasetDigest(e, '7.0'))).toBe(theirs);
    run(e, [['SET', 'ours', '1'], ['SELECT', '9'], ['LPUSH', 'l9', 'a']]);
    const ours = digestHex(datasetDigest(e, '7.0'));
    p.close();
    e.close();
    expect(await realDigestOfDir(dir)).toBe(ours);
    // appendonly no: its dump.rdb.
    const e2 = new Engine({ timers: false });
    const p2 = await openPersistence(e2, dir);
    expect(p2.from).toBe('rdb');
    expect(digestHex(datasetDigest(e2, '7.0'))).toBe(theirs);
    p2.close();
    e2.close();
  });
});

describe('BGREWRITEAOF against redis 7.0', () => {
  it('with the AOF off: a base-only directory, as redis writes it; in MULTI: scheduled', async () => {
    const server = await startRealRedis();
    let theirs: { files: string[]; manifest: string; multi: unknown; reply: unknown };
    try {
      const c = await server.client();
      await c.call('SET', 'k', 'v');
      const reply = await c.call('BGREWRITEAOF');
      for (let i = 0; i < 100; i++) {
        const info = String(await c.call('INFO', 'persistence'));
        if (info.includes('aof_rewrite_in_progress:0') && fs.existsSync(path.join(server.dir, 'appendonlydir/appendonly.aof.manifest'))) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await c.call('MULTI');
      await c.call('BGREWRITEAOF');
      const multi = await c.call('EXEC');
      c.close();
      const d = path.join(server.dir, 'appendonlydir');
      theirs = { files: fs.readdirSync(d).sort(), manifest: fs.readFileSync(path.join(d, 'appendonly.aof.manifest'), 'latin1'), multi, reply };
    } finally {
      await server.stop();
    }
    const dir = fresh();
    const e = new Engine({ timers: false });
    const p = await openPersistence(e, dir);
    const s = e.createSession();
    s.execute(['SET', 'k', 'v']);
    expect(s.execute(['BGREWRITEAOF'])).toEqual(theirs.reply);
    await getAofWriter(e)!.waitRewrite();
    expect(fs.readdirSync(path.join(dir, 'appendonlydir')).sort()).toEqual(theirs.files);
    expect(manifestOf(dir)).toBe(theirs.manifest);
    s.execute(['MULTI']);
    s.execute(['BGREWRITEAOF']);
    expect(s.execute(['EXEC'])).toEqual(theirs.multi);
    expect(aofInfoFields(e).main.find(([k]) => k === 'aof_rewrite_scheduled')?.[1]).toBe(1);
    expect(aofInfoFields(e).enabled).toEqual([]);
    s.close();
    p.close();
    e.close();
  });

  it('during a BGSAVE it is scheduled, and runs when the BGSAVE is over', async () => {
    const dir = fresh();
    const e = engineWith();
    const p = await openPersistence(e, dir);
    const s = e.createSession();
    s.execute(['SET', 'k', 'v']);
    s.execute(['BGSAVE']);
    expect(s.execute(['BGREWRITEAOF'])).toEqual(new StatusReply('Background append only file rewriting scheduled'));
    const w = getAofWriter(e)!;
    for (let i = 0; i < 100 && (w.rewriteScheduled || w.rewriteInProgress); i++) await new Promise((r) => setTimeout(r, 50));
    expect(w.rewriteScheduled).toBe(false);
    await w.waitRewrite();
    expect(manifestOf(dir)).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
    s.close();
    p.close();
    e.close();
  });
});

describe('functions in a rewritten base', () => {
  for (const preamble of [true, false]) {
    it(`BGREWRITEAOF carries the engine's function libraries (${preamble ? 'RDB' : 'FUNCTION LOAD'}); redis loads them`, async () => {
      const dir = fresh();
      const e = engineWith({ aofUseRdbPreamble: preamble });
      const p = await openPersistence(e, dir);
      const code = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 42 end)";
      expect(scriptHost(e).loadLibrary(code, false)).toBe('mylib');
      run(e, [['SET', 'k', 'v'], ['BGREWRITEAOF']]);
      await getAofWriter(e)!.waitRewrite();
      p.close();
      e.close();
      const base = fs.readdirSync(path.join(dir, 'appendonlydir')).find((f) => f.includes('.base.'))!;
      expect(base).toBe(`appendonly.aof.2.base.${preamble ? 'rdb' : 'aof'}`);
      const d = fresh();
      fs.cpSync(path.join(dir, 'appendonlydir'), path.join(d, 'appendonlydir'), { recursive: true });
      const server = await startRealRedis(['--dir', d, '--appendonly', 'yes']);
      try {
        const c = await server.client();
        expect(await c.call('FCALL', 'myfunc', '0')).toBe(42);
        expect(await c.call('GET', 'k')).toBe('v');
        c.close();
      } finally {
        await server.stop();
      }
    });
  }
});

describe('appendfsync everysec and no', () => {
  it('everysec: written before the event loop goes on; no: the same, never fsynced by us', async () => {
    for (const policy of ['everysec', 'no'] as const) {
      const dir = fresh();
      const e = engineWith({ appendfsync: policy });
      const p = await openPersistence(e, dir);
      const incr = path.join(dir, 'appendonlydir/appendonly.aof.1.incr.aof');
      run(e, [['SET', 'a', '1']]);
      expect(fs.statSync(incr).size).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(fs.readFileSync(incr, 'latin1')).toBe('*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n');
      p.close();
      e.close();
    }
  });
});

describe('durability: appendfsync always survives kill -9', () => {
  it('every acknowledged write is found after each of 50 SIGKILLs', async () => {
    const child = path.join(__dirname, 'durability-child.mjs');
    expect(fs.existsSync(path.join(ROOT, 'dist/persistence/aof/open.js')), 'build dist/ first (npm run build)').toBe(true);
    const dir = fresh();
    let next = 0;
    let rng = 12345;
    const rand = (k: number) => {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff;
      return rng % k;
    };
    const acked = new Set<number>();
    for (let round = 0; round < 50; round++) {
      const rewriteAt = round % 6 === 3 ? next + 5 + rand(30) : -1;
      const proc = spawn(process.execPath, [child, dir, String(next), String(rewriteAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
      await new Promise<void>((resolve) => {
        let killed = false;
        proc.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (!killed && out.startsWith('ready')) {
            killed = true;
            setTimeout(() => {
              proc.kill('SIGKILL');
              resolve();
            }, 5 + rand(60));
          }
        });
        proc.on('exit', () => resolve());
      });
      await exited;
      expect(err, `round ${round} child stderr`).toBe('');
      const lines = out.split('\n');
      lines.pop(); // a line cut by the kill is not an acknowledgement
      expect(lines[0]).toMatch(/^ready \d+$/);
      for (const l of lines.slice(1)) acked.add(Number(l));
      // What a restart loads holds every acknowledged write.
      const e = new Engine({ timers: false });
      try {
        await replayAof(path.join(dir, 'appendonlydir'), e);
        const db = e.dbs[0]!;
        const missing = [...acked].filter((i) => !db.dict.has(`k:${i}`));
        expect(missing, `round ${round}`).toEqual([]);
        const counter = Number(run(e, [['GET', 'acked']])[0] ?? 0);
        expect(counter).toBeGreaterThanOrEqual(acked.size);
      } finally {
        e.close();
      }
      next = Math.max(next, ...acked) + 1;
    }
    expect(acked.size).toBeGreaterThan(100);
  }, 60000);
});

describe('DEBUG LOADAOF', () => {
  const script: Bytes[][] = [
    ['SET', 'a', '1'],
    ['MULTI'],
    ['INCR', 'a'],
    ['RPUSH', 'l', 'x', 'y'],
    ['EXEC'],
    ['SELECT', '3'],
    ['HSET', 'h', 'f', 'v'],
    ['PEXPIREAT', 'h', '4102444800000'],
    ['FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)"],
    ['SELECT', '0'],
  ];

  it('reloads the AOF to the same dataset real redis 7.0 reloads, appending nothing', async () => {
    const server = await startRealRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
    let theirs: [string, string];
    try {
      const c = await server.client();
      for (const cmd of script) await c.call(...cmd);
      const before = ((await c.call('DEBUG', 'DIGEST')) as StatusReply).text;
      expect(await c.call('DEBUG', 'LOADAOF')).toEqual(new StatusReply('OK'));
      theirs = [before, ((await c.call('DEBUG', 'DIGEST')) as StatusReply).text];
      c.close();
    } finally {
      await server.stop();
    }
    const dir = fresh();
    const e = engineWith({ save: '' });
    const p = await openPersistence(e, dir);
    const s = e.createSession();
    for (const cmd of script) s.execute(cmd);
    const before = digestHex(datasetDigest(e, '7.0'));
    expect(before).toBe(theirs[0]);
    const incr = path.join(dir, 'appendonlydir/appendonly.aof.1.incr.aof');
    const size = fs.statSync(incr).size;
    scriptHost(e).flushFunctions(); // proves the library comes back from the AOF
    expect(s.execute(['DEBUG', 'LOADAOF'])).toEqual(new StatusReply('OK'));
    expect(digestHex(datasetDigest(e, '7.0'))).toBe(theirs[1]);
    expect(s.execute(['FCALL', 'f', '0'])).toBe(1);
    expect(fs.statSync(incr).size).toBe(size);
    expect(e.dirty).toBe(0);
    s.execute(['SET', 'after', '1']);
    p.close();
    e.close();
    const again = new Engine({ timers: false });
    await replayAof(path.join(dir, 'appendonlydir'), again);
    expect(again.createSession().execute(['MGET', 'a', 'after'])).toEqual(['2', '1']);
    again.close();
  });

  it('with the AOF off: an error, and the dataset is untouched', () => {
    const e = new Engine({ timers: false });
    const s = e.createSession();
    s.execute(['SET', 'a', '1']);
    expect((s.execute(['DEBUG', 'LOADAOF']) as { message: string }).message).toBe('ERR DEBUG LOADAOF needs appendonly yes: there is no AOF to load');
    expect(s.execute(['GET', 'a'])).toBe('1');
    e.close();
  });
});
