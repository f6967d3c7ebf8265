import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusReply } from '../../src/engine/reply.js';
import { startRealRedis } from '../../src/testing/real-redis.js';
import { redscope, ROOT, run } from './helpers.js';

const FIXTURE = path.join(ROOT, 'fixtures/rdb', fs.readdirSync(path.join(ROOT, 'fixtures/rdb')).find((f) => f.endsWith('.rdb'))!);
const EXPECTED = JSON.parse(fs.readFileSync(FIXTURE.replace('.rdb', '.expected.json'), 'utf8'));
const SMALL = path.join(ROOT, 'fixtures/rdb/small', fs.readdirSync(path.join(ROOT, 'fixtures/rdb/small'))[0]!);
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-cli-rdb-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** DEBUG DIGEST of a real redis-server after loading `file` (RDB) or replaying RESP commands. */
async function realDigestOf(file: string, kind: 'rdb' | 'resp'): Promise<string> {
  const server = await startRealRedis();
  try {
    const c = await server.client();
    if (kind === 'rdb') {
      fs.copyFileSync(file, path.join(server.dir, 'dump.rdb'));
      const r = await c.call('DEBUG', 'RELOAD', 'NOSAVE');
      if (!(r instanceof StatusReply)) throw new Error(`redis refused ${file}: ${JSON.stringify(r)}`);
    } else {
      const r = await run('redis-cli', ['-p', String(server.port), '--pipe'], fs.readFileSync(file));
      expect(r.stdout.toString()).toMatch(/errors: 0, replies:/);
    }
    const d = (await c.call('DEBUG', 'DIGEST')) as StatusReply;
    c.close();
    return d.text;
  } finally {
    await server.stop();
  }
}

describe('redscope verify', () => {
  it('reports a valid file and exits 0', async () => {
    const r = await redscope(['verify', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('result: valid');
    expect(r.stdout.toString()).toContain('keys: 90');
  });

  it('prints JSON for CI', async () => {
    const r = await redscope(['verify', '--json', FIXTURE]);
    const j = JSON.parse(r.stdout.toString());
    expect(j).toMatchObject({ valid: true, version: 10, keys: 90, functions: 1, checksum: { ok: true } });
    expect(j.dbs.map((d: { db: number }) => d.db)).toEqual([0, 3, 15]);
  });

  it('a truncated file: one line naming the offset, exit 1, no stack trace', async () => {
    const bad = path.join(tmp, 'truncated.rdb');
    const buf = fs.readFileSync(SMALL);
    fs.writeFileSync(bad, buf.subarray(0, 200));
    const r = await redscope(['verify', bad]);
    expect(r.code).toBe(1);
    const err = r.stderr.toString();
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/truncated: unexpected end of file.* at offset 200/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('a flipped byte is corruption, exit 1', async () => {
    const bad = path.join(tmp, 'flipped.rdb');
    const buf = Buffer.from(fs.readFileSync(SMALL));
    buf[150]! ^= 0x5a;
    fs.writeFileSync(bad, buf);
    const r = await redscope(['verify', '--json', bad]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.toString()).error.kind).toMatch(/corrupt|truncated/);
  });

  it('a missing file exits 2', async () => {
    const r = await redscope(['verify', path.join(tmp, 'nope.rdb')]);
    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toMatch(/cannot read .*no such file/);
  });

  it.skipIf(!hasCorpus)('every corpus RDB verifies; corrupt_ziplist.rdb does not', async () => {
    for (const v of fs.readdirSync(CORPUS).filter((d) => /^\d/.test(d))) {
      for (const f of fs.readdirSync(path.join(CORPUS, v)).filter((f) => f.endsWith('.rdb'))) {
        const r = await redscope(['verify', path.join(CORPUS, v, f)]);
        expect(r.code, `${v}/${f}: ${r.stderr}`).toBe(0);
      }
    }
    const empty = await redscope(['verify', '--json', path.join(CORPUS, 'redis-assets/corrupt_empty_keys.rdb')]);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout.toString()).emptyKeysSkipped).toBe(9);
    const bad = await redscope(['verify', path.join(CORPUS, 'redis-assets/corrupt_ziplist.rdb')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.toString()).toMatch(/corrupt: .*offset 489/);
  });
});

describe('redscope digest', () => {
  it('prints the digest real redis computed for the fixture', async () => {
    const r = await redscope(['digest', '--compat', '7.0', FIXTURE]);
    expect(r.stdout.toString().trim()).toBe(EXPECTED.digest);
  });

  it.skipIf(!hasCorpus)('--compat 7.0 equals 7.0.15 for every corpus RDB it could load', async () => {
    const lines = fs.readFileSync(path.join(CORPUS, 'digests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    let n = 0;
    for (const d of lines) {
      if (!/^[0-9a-f]{40}$/.test(d['7.0.15'])) continue;
      const r = await redscope(['digest', '--compat', '7.0', path.join(CORPUS, d.file)]);
      expect(r.stdout.toString().trim(), d.file).toBe(d['7.0.15']);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(14);
  });

  // 7.4.1 formats scores as 7.2 does and marks hash fields that have a TTL ("!!hexpire!!").
  it.skipIf(!hasCorpus)('--compat 7.2 equals 7.4.1 for every corpus RDB, field TTLs included', async () => {
    const lines = fs.readFileSync(path.join(CORPUS, 'digests.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mismatches: string[] = [];
    let n = 0;
    for (const d of lines) {
      if (!/^[0-9a-f]{40}$/.test(d['7.4.1'])) continue;
      const r = await redscope(['digest', path.join(CORPUS, d.file)]);
      if (r.stdout.toString().trim() !== d['7.4.1']) mismatches.push(`${d.file}: ${r.stdout.toString().trim()} != ${d['7.4.1']}`);
      n++;
    }
    expect(mismatches).toEqual([]);
    expect(n).toBeGreaterThanOrEqual(20);
  });
});

describe('redscope dump and convert', () => {
  it('rdb → jsonl → rdb keeps the dataset (real redis digest)', async () => {
    const jsonl = path.join(tmp, 'd.jsonl');
    const back = path.join(tmp, 'back.rdb');
    expect((await redscope(['dump', FIXTURE, '-o', jsonl])).code).toBe(0);
    expect(fs.readFileSync(jsonl, 'utf8').trim().split('\n')).toHaveLength(91); // 90 keys + 1 function
    const r = await redscope(['convert', jsonl, '-o', back, '--rdb-version', '10']);
    expect(r.code, r.stderr.toString()).toBe(0);
    expect(await realDigestOf(back, 'rdb')).toBe(EXPECTED.digest);
  });

  it('--format resp loads with redis-cli --pipe to the same digest', async () => {
    const resp = path.join(tmp, 'd.resp');
    expect((await redscope(['dump', '--format', 'resp', FIXTURE, '-o', resp])).code).toBe(0);
    expect(await realDigestOf(resp, 'resp')).toBe(EXPECTED.digest);
  });

  it('filters by db, type and pattern', async () => {
    const r = await redscope(['dump', '--db', '3', '--type', 'hash', '--match', 'db3:hash:*', FIXTURE]);
    const keys = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l).key);
    expect(keys.sort()).toEqual(['db3:hash:big', 'db3:hash:longval', 'db3:hash:small']);
  });

  it('binary keys and values are {"base64": …} in JSON', async () => {
    const r = await redscope(['dump', '--match', 'db0:bin', FIXTURE]);
    expect(JSON.parse(r.stdout.toString()).value).toEqual({ base64: Buffer.from('\x00\x01\xff\xfe\r\n', 'latin1').toString('base64') });
  });

  it('refuses to drop functions for RDB 9 unless --lossy, and leaves no output behind', async () => {
    const out = path.join(tmp, 'v9.rdb');
    const r = await redscope(['convert', FIXTURE, '-o', out, '--rdb-version', '9']);
    expect(r.code).toBe(1);
    expect(r.stderr.toString()).toMatch(/function library.*--lossy/);
    expect(fs.existsSync(out)).toBe(false);
    const ok = await redscope(['convert', FIXTURE, '-o', out, '--rdb-version', '9', '--lossy']);
    expect(ok.code).toBe(0);
    expect(ok.stderr.toString()).toMatch(/dropped a function library/);
  });
});

describe('redscope verify on AOF paths', () => {
  it('routes a Redis data dir, an appendonlydir and a single AOF file to the AOF checker', async () => {
    for (const p of ['fixtures/aof/plain', 'fixtures/aof/preamble/appendonlydir', 'fixtures/aof/single.aof']) {
      const r = await redscope(['verify', '--json', path.join(ROOT, p)]);
      expect(r.code, `${p}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout.toString())).toMatchObject({ valid: true, type: 'aof' });
    }
  });

  it('a truncated AOF is invalid (exit 1) with the offset redis-check-aof reports', async () => {
    const src = fs.readFileSync(path.join(ROOT, 'fixtures/aof/single.aof'));
    const bad = path.join(tmp, 'cut.aof');
    fs.writeFileSync(bad, src.subarray(0, src.length - 5));
    const r = await redscope(['verify', bad]);
    expect(r.code).toBe(1);
    const ours = /ok_up_to=(\d+)/.exec(r.stdout.toString())?.[1];
    const real = await run('redis-check-aof', [bad]);
    expect(ours).toBe(/ok_up_to=(\d+)/.exec(real.stdout.toString())?.[1]);
  });
});

describe('redscope replay and digest on AOFs', () => {
  it('replay writes the loaded dataset as RDB; digest of the AOF and of that RDB agree', async () => {
    const out = path.join(tmp, 'replayed.rdb');
    const r = await redscope(['replay', '--json', path.join(ROOT, 'fixtures/aof/preamble'), '-o', out]);
    expect(r.code, r.stderr.toString()).toBe(0);
    const s = JSON.parse(r.stdout.toString());
    expect(s.layout).toBe('multi-part');
    expect(s.commands).toBeGreaterThan(10);
    const fromAof = (await redscope(['digest', '--compat', '7.0', path.join(ROOT, 'fixtures/aof/preamble')])).stdout.toString().trim();
    const fromRdb = (await redscope(['digest', '--compat', '7.0', out])).stdout.toString().trim();
    expect(fromAof).toMatch(/^[0-9a-f]{40}$/);
    expect(fromRdb).toBe(fromAof);
  });

  it('a corrupt AOF: exit 1, one line with the offset', async () => {
    const bad = path.join(tmp, 'bad.aof');
    fs.writeFileSync(bad, '*1\r\n$4\r\nPING\r\nxyz\r\n');
    const r = await redscope(['replay', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
    expect(r.stderr.toString()).toMatch(/offset 14/);
  });
});

describe('--dir: the engine loads from and writes to a directory', () => {
  it('SAVE then a new run sees the data; with --appendonly yes the AOF carries it', async () => {
    const dir = path.join(tmp, 'data');
    expect((await redscope(['--dir', dir], 'SET a 1\nRPUSH l x y\nSAVE\n')).stdout.toString()).toBe('OK\n2\nOK\n');
    expect((await redscope(['--dir', dir], 'GET a\nLRANGE l 0 -1\n')).stdout.toString()).toBe('1\nx\ny\n');
    const aofDir = path.join(tmp, 'aofdata');
    await redscope(['--dir', aofDir, '--appendonly', 'yes', '--appendfsync', 'always'], 'SET b 2\nINCR b\n');
    expect(fs.existsSync(path.join(aofDir, 'appendonlydir', 'appendonly.aof.manifest'))).toBe(true);
    expect((await redscope(['--dir', aofDir, '--appendonly', 'yes'], 'GET b\n')).stdout.toString()).toBe('3\n');
    // Real redis loads what we wrote.
    const server = await startRealRedis(['--dir', aofDir, '--appendonly', 'yes']);
    try {
      const c = await server.client();
      expect(await c.call('GET', 'b')).toBe('3');
      c.close();
    } finally {
      await server.stop();
    }
  });

  it('a corrupt AOF in --dir stops the start with one line and exit 1', async () => {
    const dir = path.join(tmp, 'badaof');
    await redscope(['--dir', dir, '--appendonly', 'yes'], 'SET k v\n');
    const incr = fs.readdirSync(path.join(dir, 'appendonlydir')).find((f) => f.includes('.incr.'))!;
    fs.writeFileSync(path.join(dir, 'appendonlydir', incr), 'garbage\r\n*1\r\n$4\r\nPING\r\n');
    const r = await redscope(['--dir', dir, '--appendonly', 'yes'], 'GET k\n');
    expect(r.code).toBe(1);
    expect(r.stderr.toString().trim().split('\n')).toHaveLength(1);
  });
});

describe('dump into a closed pipe', () => {
  it('stops reading when the reader goes away, exit 0, no warnings', async () => {
    const { spawn } = await import('node:child_process');
    const { RdbWriter } = await import('../../src/persistence/rdb/writer.js');
    // Enough output (tens of MB of JSON) that the pipe fills long before the file ends.
    const big = path.join(tmp, 'many.rdb');
    const parts: Buffer[] = [];
    const w = new RdbWriter((b) => parts.push(b), { version: 10 });
    w.header();
    w.selectDb(0);
    for (let i = 0; i < 300000; i++) w.key(`key:${i}`, { type: 'string', value: `value number ${i} `.repeat(8) });
    w.end();
    fs.writeFileSync(big, Buffer.concat(parts));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/redscope.js'), 'dump', big], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Read one chunk, then close our end as `| head -c` would.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/MaxListeners|Error/);
  });
});
