import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDigest, digestHex } from '../../../src/engine/digest.js';
import { Engine } from '../../../src/engine/engine.js';
import { StatusReply } from '../../../src/engine/reply.js';
import { ModuleValuesError, replayAof } from '../../../src/persistence/aof/load.js';
import { parseManifest } from '../../../src/persistence/aof/manifest.js';
import { IN_PLACE_STEPS, rewriteAof, SimulatedCrash } from '../../../src/persistence/aof/rewrite.js';
import { startRealRedis } from '../../../src/testing/real-redis.js';
import { redscope } from '../../cli/helpers.js';
import { moduleRdb } from '../../helpers/module-rdb.js';

const ROOT = path.resolve(__dirname, '../../..');
const FIX = path.join(ROOT, 'fixtures/aof');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);
let tmp: string;
let n = 0;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-rewrite-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function fresh(): string {
  const d = path.join(tmp, `c${n++}`);
  fs.mkdirSync(d);
  return d;
}

async function ourDigest(p: string): Promise<string> {
  const engine = new Engine({ timers: false });
  try {
    await replayAof(p, engine);
    return digestHex(datasetDigest(engine, '7.0'));
  } finally {
    engine.close();
  }
}

/** Function libraries the last realDigest() server had loaded. */
let lastLibraries = 0;

/** Starts redis-server 7.0.15 on an AOF (a single file, or an appendonlydir) and returns its DEBUG DIGEST. */
async function realDigest(aof: string): Promise<string> {
  const dir = fresh();
  if (fs.statSync(aof).isDirectory()) fs.cpSync(aof, path.join(dir, 'appendonlydir'), { recursive: true });
  else fs.copyFileSync(aof, path.join(dir, 'appendonly.aof'));
  const server = await startRealRedis(['--dir', dir, '--appendonly', 'yes']);
  try {
    const c = await server.client();
    const d = ((await c.call('DEBUG', 'DIGEST')) as StatusReply).text;
    lastLibraries = ((await c.call('FUNCTION', 'LIST')) as unknown[]).length;
    c.close();
    return d;
  } finally {
    await server.stop();
  }
}

function copyDir(src: string): string {
  const d = path.join(fresh(), 'appendonlydir');
  fs.cpSync(src, d, { recursive: true });
  return d;
}

describe('aof rewrite of the fixtures', () => {
  for (const layout of ['single.aof', 'single-preamble.aof', 'plain', 'preamble', 'multi-incr']) {
    for (const preamble of [true, false]) {
      it(`${layout}, ${preamble ? 'RDB preamble' : 'commands'}: real redis 7.0 loads it with the same digest`, async () => {
        const src = layout.endsWith('.aof') ? path.join(FIX, layout) : path.join(FIX, layout, 'appendonlydir');
        const expected = await ourDigest(src);
        expect(expected).not.toBe('0'.repeat(40));
        const out = layout.endsWith('.aof') ? path.join(fresh(), 'out.aof') : path.join(fresh(), 'out');
        const r = await rewriteAof(src, { output: out, preamble });
        // An RDB base is smaller than the commands that built it (not so for an RDB turned into commands).
        if (preamble || !layout.includes('preamble')) expect(r.after).toBeLessThan(r.before);
        if (layout.endsWith('.aof')) {
          expect(r.layout).toBe('single');
          const head = fs.readFileSync(out).subarray(0, 9).toString('latin1');
          expect(head).toBe(preamble ? 'REDIS0010' : '*2\r\n$6\r\nS');
        } else {
          // seq numbers continue: base seq + 1, incr seq + 1; nothing else in the directory.
          const am = parseManifest(fs.readFileSync(path.join(out, 'appendonly.aof.manifest')));
          const old = parseManifest(fs.readFileSync(path.join(src, 'appendonly.aof.manifest')));
          expect(am.base).toEqual({ name: `appendonly.aof.${old.base!.seq + 1}.base.${preamble ? 'rdb' : 'aof'}`, seq: old.base!.seq + 1, type: 'b' });
          const lastIncr = old.incr.at(-1)!.seq;
          expect(am.incr).toEqual([{ name: `appendonly.aof.${lastIncr + 1}.incr.aof`, seq: lastIncr + 1, type: 'i' }]);
          expect(am.history).toEqual([]);
          expect(fs.readdirSync(out).sort()).toEqual([am.base!.name, am.incr[0]!.name, 'appendonly.aof.manifest'].sort());
          expect(fs.statSync(path.join(out, am.incr[0]!.name)).size).toBe(0);
        }
        expect(await ourDigest(out)).toBe(expected);
        expect(await realDigest(out)).toBe(expected);
      });
    }
  }

  it('a command base: one SELECT per database, PEXPIREAT, variadic commands of at most 64 items', async () => {
    const src = path.join(fresh(), 'in.aof');
    let text = '';
    const cmd = (...a: string[]) => (text += `*${a.length}\r\n` + a.map((x) => `$${x.length}\r\n${x}\r\n`).join(''));
    for (let i = 0; i < 130; i++) cmd('RPUSH', 'l', `v${i}`);
    cmd('SET', 's', 'x');
    cmd('PEXPIREAT', 's', '4102444800000');
    cmd('SELECT', '3');
    cmd('SADD', 'set', 'a', 'b');
    cmd('SELECT', '0');
    cmd('SET', 's2', 'y');
    fs.writeFileSync(src, text);
    const out = path.join(fresh(), 'out.aof');
    await rewriteAof(src, { output: out, preamble: false });
    const body = fs.readFileSync(out, 'latin1');
    expect(body.match(/SELECT/g)?.length).toBe(2);
    expect(body).toContain('*3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n4102444800000\r\n');
    const pushes = [...body.matchAll(/\*(\d+)\r\n\$5\r\nRPUSH/g)].map((m) => Number(m[1]) - 2);
    expect(pushes).toEqual([64, 64, 2]);
    expect(await realDigest(out)).toBe(await ourDigest(src));
  });

  it('an AOF of 1M INCRs on 1k keys shrinks at least 100x', async () => {
    const src = path.join(fresh(), 'incrs.aof');
    const fd = fs.openSync(src, 'w');
    let chunk: string[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      const k = `counter:${i % 1000}`;
      chunk.push(`*2\r\n$4\r\nINCR\r\n$${k.length}\r\n${k}\r\n`);
      if (chunk.length === 50_000) {
        fs.writeSync(fd, chunk.join(''), null, 'latin1');
        chunk = [];
      }
    }
    fs.writeSync(fd, chunk.join(''), null, 'latin1');
    fs.closeSync(fd);
    for (const preamble of [true, false]) {
      const out = path.join(fresh(), 'out.aof');
      const r = await rewriteAof(src, { output: out, preamble });
      expect(r.commandsReplayed).toBe(1_000_000);
      expect(r.keys).toBe(1000);
      expect(r.before / r.after).toBeGreaterThanOrEqual(100);
    }
    const out = path.join(fresh(), 'final.aof');
    await rewriteAof(src, { output: out });
    const server = fresh();
    fs.copyFileSync(out, path.join(server, 'appendonly.aof'));
    const real = await startRealRedis(['--dir', server, '--appendonly', 'yes']);
    try {
      const c = await real.client();
      expect(await c.call('DBSIZE')).toBe(1000);
      expect(await c.call('GET', 'counter:7')).toBe('1000');
      c.close();
    } finally {
      await real.stop();
    }
  }, 60000);
});

describe('aof rewrite --in-place', () => {
  it('replaces a directory the way BGREWRITEAOF does: old files become history, then are removed', async () => {
    const dir = copyDir(path.join(FIX, 'multi-incr/appendonlydir'));
    const expected = await ourDigest(dir);
    const r = await rewriteAof(dir, { inPlace: true });
    expect(r.output).toBe(dir);
    const am = parseManifest(fs.readFileSync(path.join(dir, 'appendonly.aof.manifest')));
    expect(am.base?.name).toBe('appendonly.aof.3.base.rdb');
    expect(am.incr.map((e) => e.name)).toEqual(['appendonly.aof.4.incr.aof']);
    expect(am.history).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(['appendonly.aof.3.base.rdb', 'appendonly.aof.4.incr.aof', 'appendonly.aof.manifest']);
    expect(await ourDigest(dir)).toBe(expected);
    expect(await realDigest(dir)).toBe(expected);
  });

  it('a single file is replaced atomically', async () => {
    const f = path.join(fresh(), 'appendonly.aof');
    fs.copyFileSync(path.join(FIX, 'single.aof'), f);
    const expected = await ourDigest(f);
    const r = await rewriteAof(f, { inPlace: true, preamble: false });
    expect(r.after).toBe(fs.statSync(f).size);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['appendonly.aof']);
    expect(await realDigest(f)).toBe(expected);
  });

  for (const step of IN_PLACE_STEPS) {
    it(`a crash right after "${step}" leaves an AOF that loads to the same dataset`, async () => {
      const dir = copyDir(path.join(FIX, 'multi-incr/appendonlydir'));
      const expected = await ourDigest(dir);
      await expect(rewriteAof(dir, { inPlace: true, crashAfter: step })).rejects.toBeInstanceOf(SimulatedCrash);
      const am = parseManifest(fs.readFileSync(path.join(dir, 'appendonly.aof.manifest')));
      if (step === 'base-written' || step === 'incr-created') expect(am.base?.name).toBe('appendonly.aof.2.base.aof');
      else expect(am.base?.name).toBe('appendonly.aof.3.base.rdb');
      if (step === 'manifest-switched') {
        // History entries as Redis lists them: the rewritten incrs, then the old base.
        expect(am.history.map((e) => e.name)).toEqual(['appendonly.aof.2.incr.aof', 'appendonly.aof.3.incr.aof', 'appendonly.aof.2.base.aof']);
      }
      expect(fs.readdirSync(dir).filter((f) => f.startsWith('temp-'))).toEqual([]);
      expect(await ourDigest(dir)).toBe(expected);
      expect(await realDigest(dir)).toBe(expected);
      // Running the rewrite again from the crashed state completes it.
      await rewriteAof(dir, { inPlace: true });
      expect(await ourDigest(dir)).toBe(expected);
    });
  }
});

describe.skipIf(!hasCorpus)('aof rewrite of the corpus AOFs from Redis <= 7.0', () => {
  /** Replay cannot load these yet (see replay.test.ts PENDING). */
  const PENDING = new Set(['4.0.14/aof-plain', '4.0.14/aof-preamble', '7.0.15/aof-plain']);
  const cases: Array<[string, string]> = [];
  if (hasCorpus) {
    for (const v of fs.readdirSync(CORPUS).filter((d) => /^(4|5|6|7\.0)\./.test(d))) {
      for (const kind of ['aof-plain', 'aof-preamble']) {
        if (fs.existsSync(path.join(CORPUS, v, `${kind}.expected.json`))) cases.push([v, kind]);
      }
    }
  }
  it('found the corpus cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });
  for (const [v, kind] of cases) {
    it(`${v}/${kind}`, async () => {
      let src = path.join(CORPUS, v, `${kind}.aof`);
      if (!fs.existsSync(src)) {
        const d = fresh();
        execFileSync('tar', ['-xf', path.join(CORPUS, v, `${kind}.tar`), '-C', d]);
        src = path.join(d, 'appendonlydir');
      }
      const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, v, `${kind}.expected.json`), 'utf8')).digest as string;
      let ours: string;
      try {
        ours = await ourDigest(src);
      } catch (e) {
        if (PENDING.has(`${v}/${kind}`)) return;
        throw e;
      }
      expect(ours).toBe(expected);
      for (const preamble of [true, false]) {
        const out = src.endsWith('.aof') ? path.join(fresh(), 'out.aof') : path.join(fresh(), 'out');
        await rewriteAof(src, { output: out, preamble });
        expect(await realDigest(out), `${preamble ? 'preamble' : 'commands'}`).toBe(expected);
        // Redis Functions (7.0+) are carried too: as RDB function records or FUNCTION LOAD.
        if (v.startsWith('7.')) expect(lastLibraries, 'function libraries').toBeGreaterThan(0);
      }
    });
  }
});

describe('module values in an RDB preamble', () => {
  it('replay leaves them out and says so; rewrite and replay -o refuse to drop them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aofmod-'));
    try {
      const aof = path.join(dir, 'appendonly.aof');
      fs.writeFileSync(aof, Buffer.concat([moduleRdb(), Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n', 'latin1')]));
      const engine = new Engine({ timers: false });
      const r = await replayAof(aof, engine);
      expect(r.modules).toBe(1);
      expect(r.commands).toBe(1);
      expect(engine.dbs[0]!.dict.size).toBe(1);
      engine.close();
      const out = path.join(dir, 'out.aof');
      await expect(rewriteAof(aof, { output: out })).rejects.toThrow(ModuleValuesError);
      await expect(rewriteAof(aof, { output: out })).rejects.toThrow(
        '1 module value in the RDB part cannot be loaded without its module; not rewriting (the rewrite would drop them)',
      );
      expect(fs.existsSync(out)).toBe(false);
      const cli = await redscope(['aof', 'rewrite', aof, '-o', out]);
      expect(cli.code).toBe(1);
      expect(cli.stderr.toString()).toBe(`redscope: ${aof}: 1 module value in the RDB part cannot be loaded without its module; not rewriting (the rewrite would drop them)\n`);
      const rep = await redscope(['replay', aof, '-o', path.join(dir, 'out.rdb')]);
      expect(rep.code).toBe(1);
      expect(fs.existsSync(path.join(dir, 'out.rdb'))).toBe(false);
      const summary = await redscope(['replay', '--json', aof]);
      expect(summary.code).toBe(0);
      expect(JSON.parse(summary.stdout.toString()).modulesNotLoaded).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('hash field TTLs (Redis 7.4) through replay and rewrite', () => {
  const resp = (...argv: string[]) => `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');

  it('the base goes to RDB 12 unless a version is asked for, which is then refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aofhfe-'));
    try {
      const aof = path.join(dir, 'appendonly.aof');
      fs.writeFileSync(aof, resp('HSET', 'h', 'a', '1', 'b', '2') + resp('HPEXPIREAT', 'h', '4102444800000', 'FIELDS', '1', 'a'));
      const want = await (async () => {
        const e = new Engine({ timers: false });
        await replayAof(aof, e);
        const d = digestHex(datasetDigest(e));
        e.close();
        return d;
      })();
      const out = path.join(dir, 'out.aof');
      const r = await rewriteAof(aof, { output: out });
      expect(r.rdbVersion).toBe(12);
      expect(fs.readFileSync(out).subarray(0, 9).toString('latin1')).toBe('REDIS0012');
      const back = new Engine({ timers: false });
      await replayAof(out, back);
      expect(digestHex(datasetDigest(back))).toBe(want);
      expect(back.createSession().execute(['HPEXPIRETIME', 'h', 'FIELDS', '2', 'a', 'b'])).toEqual([4102444800000, -1]);
      back.close();
      const refused = await redscope(['aof', 'rewrite', aof, '-o', path.join(dir, 'v10.aof'), '--rdb-version', '10']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.toString()).toBe(
        `redscope: ${aof}: hash field TTLs of key "h" (they need RDB 12) cannot be written to RDB version 10 (a newer --rdb-version holds it)\n`,
      );
      expect(fs.existsSync(path.join(dir, 'v10.aof'))).toBe(false);
      const replayed = await redscope(['replay', aof, '-o', path.join(dir, 'r.rdb')]);
      expect(replayed.code, replayed.stderr.toString()).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'r.rdb')).subarray(0, 9).toString('latin1')).toBe('REDIS0012');
      expect((await redscope(['digest', path.join(dir, 'r.rdb')])).stdout.toString().trim()).toBe(want);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
