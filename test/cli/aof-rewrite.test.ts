import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAof } from './helpers.js';
import { datasetDigest, digestHex } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { replayAof } from '../../src/persistence/aof/load.js';

const ROOT = path.resolve(__dirname, '../..');
const FIX = path.join(ROOT, 'fixtures/aof');
let tmp: string;
let n = 0;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-cli-rewrite-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function fresh(): string {
  const d = path.join(tmp, `c${n++}`);
  fs.mkdirSync(d);
  return d;
}

/** Runs `redscope aof ARGS` in process with the given stdin and terminal flag. */
const aof = runAof;

async function digest(p: string): Promise<string> {
  const e = new Engine({ timers: false });
  try {
    await replayAof(p, e);
    return digestHex(datasetDigest(e, '7.0'));
  } finally {
    e.close();
  }
}

describe('redscope aof rewrite', () => {
  it('a single file to -o: sizes before/after and the time', async () => {
    const out = path.join(fresh(), 'small.aof');
    const src = path.join(FIX, 'single.aof');
    const r = await aof(['rewrite', src, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const before = fs.statSync(src).size;
    const after = fs.statSync(out).size;
    expect(r.stdout).toContain(`single AOF rewritten: ${out}`);
    expect(r.stdout).toContain(`before: ${before} bytes`);
    expect(r.stdout).toContain(`after: ${after} bytes`);
    expect(r.stdout).toMatch(/time: \d+\.\d{3} s/);
    expect(r.stdout).toContain('RDB 10 base');
    expect(await digest(out)).toBe(await digest(src));
  });

  it('--json summary; --no-preamble writes commands', async () => {
    const out = path.join(fresh(), 'cmds.aof');
    const r = await aof(['rewrite', path.join(FIX, 'single-preamble.aof'), '-o', out, '--no-preamble', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ layout: 'single', output: out, preamble: false, rdbVersion: null, inPlace: false });
    expect(j.after).toBe(fs.statSync(out).size);
    expect(typeof j.ms).toBe('number');
    expect(fs.readFileSync(out, 'latin1').startsWith('*2\r\n$6\r\nSELECT\r\n')).toBe(true);
  });

  it('a Redis data dir (dir/appendonlydir) gives the same shape out', async () => {
    const out = path.join(fresh(), 'data');
    const r = await aof(['rewrite', path.join(FIX, 'multi-incr'), '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).output).toBe(path.join(out, 'appendonlydir'));
    expect(fs.readdirSync(path.join(out, 'appendonlydir')).sort()).toEqual([
      'appendonly.aof.3.base.rdb', 'appendonly.aof.4.incr.aof', 'appendonly.aof.manifest',
    ]);
    expect(await digest(out)).toBe(await digest(path.join(FIX, 'multi-incr')));
  });

  it('--rdb-version picks the base RDB version', async () => {
    const out = path.join(fresh(), 'v11.aof');
    expect((await aof(['rewrite', path.join(FIX, 'single.aof'), '-o', out, '--rdb-version', '11'])).code).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 9).toString()).toBe('REDIS0011');
    const bad = await aof(['rewrite', path.join(FIX, 'single.aof'), '-o', out, '--rdb-version', '8']).catch((e: Error) => ({ code: -1, stdout: '', stderr: e.message }));
    expect(bad.code).not.toBe(0);
  });

  it('no prompt without a terminal: an existing -o is refused unless --yes', async () => {
    const out = path.join(fresh(), 'exists.aof');
    fs.writeFileSync(out, 'keep');
    const r = await aof(['rewrite', path.join(FIX, 'single.aof'), '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to overwrite it without --yes');
    expect(r.stdout).toBe('');
    expect(fs.readFileSync(out, 'latin1')).toBe('keep');
    expect((await aof(['rewrite', path.join(FIX, 'single.aof'), '-o', out, '--yes'])).code).toBe(0);
    expect(fs.readFileSync(out).subarray(0, 5).toString()).toBe('REDIS');
  });

  it('on a terminal it asks; "n" leaves everything alone', async () => {
    const out = path.join(fresh(), 'exists.aof');
    fs.writeFileSync(out, 'keep');
    const r = await aof(['rewrite', path.join(FIX, 'single.aof'), '-o', out], { tty: true, stdin: 'n\n' });
    expect(r.stdout).toContain('Overwrite? [y/N]: ');
    expect(r.stdout).toContain('Aborting...');
    expect(r.code).toBe(1);
    expect(fs.readFileSync(out, 'latin1')).toBe('keep');
    const dir = path.join(fresh(), 'appendonlydir');
    fs.cpSync(path.join(FIX, 'plain/appendonlydir'), dir, { recursive: true });
    const before = fs.readdirSync(dir).sort();
    const q = await aof(['rewrite', dir, '--in-place'], { tty: true, stdin: 'no\n' });
    expect(q.stdout).toContain('in place');
    expect(q.code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('--in-place without a terminal just does it (a directory and a file)', async () => {
    const dir = path.join(fresh(), 'appendonlydir');
    fs.cpSync(path.join(FIX, 'plain/appendonlydir'), dir, { recursive: true });
    const d0 = await digest(dir);
    const r = await aof(['rewrite', dir, '--in-place']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('rewritten in place');
    expect(fs.readFileSync(path.join(dir, 'appendonly.aof.manifest'), 'latin1')).toBe(
      'file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n',
    );
    expect(await digest(dir)).toBe(d0);
  });

  it('usage and input errors', async () => {
    const src = path.join(FIX, 'single.aof');
    let r = await aof(['rewrite', src]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give -o OUT or --in-place');
    r = await aof(['rewrite', src, '--in-place', '-o', path.join(tmp, 'x.aof')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('exclusive');
    r = await aof(['rewrite', path.join(tmp, 'nope.aof'), '-o', path.join(tmp, 'y.aof')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot rewrite');
    const bad = path.join(fresh(), 'bad.aof');
    fs.writeFileSync(bad, '*1\r\n$4\r\nPING\r\nxyz\r\n*1\r\n$4\r\nPING\r\n');
    r = await aof(['rewrite', bad, '-o', path.join(tmp, 'z.aof')]);
    expect(r.code).toBe(1);
    expect(fs.existsSync(path.join(tmp, 'z.aof'))).toBe(false);
  });
});
