import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetDigest, digestHex } from '../../../src/engine/digest.js';
import { Engine } from '../../../src/engine/engine.js';
import { replayAof } from '../../../src/persistence/aof/load.js';
import { CorruptError, FormatError } from '../../../src/persistence/io/errors.js';

const ROOT = path.resolve(__dirname, '../../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-replay-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function replayDigest(p: string, compat: '7.0' | '7.2', until?: number) {
  const engine = new Engine({ timers: false });
  try {
    const r = await replayAof(p, engine, { untilTimestamp: until });
    return { digest: digestHex(datasetDigest(engine, compat)), result: r, engine };
  } finally {
    engine.close();
  }
}

/** The corpus keeps Redis 7 appendonlydir/ as tar files. */
function extract(tar: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'aof-'));
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  return path.join(dir, 'appendonlydir');
}

describe('replaying AOFs into the engine', () => {
  it('the project fixtures: single files, preamble, multi-part dirs all give one dataset', async () => {
    const digests = new Set<string>();
    for (const p of ['single.aof', 'single-preamble.aof', 'plain', 'preamble']) {
      const { digest, result } = await replayDigest(path.join(ROOT, 'fixtures/aof', p), '7.0');
      expect(result.commands + result.rdbKeys, p).toBeGreaterThan(0);
      digests.add(digest);
    }
    expect(digests.size).toBe(1);
  });

  it('a torn last command and an open MULTI at the end are dropped (aof-load-truncated)', async () => {
    const src = fs.readFileSync(path.join(ROOT, 'fixtures/aof/single.aof'));
    const whole = (await replayDigest(path.join(ROOT, 'fixtures/aof/single.aof'), '7.0')).digest;
    const torn = path.join(tmp, 'torn.aof');
    fs.writeFileSync(torn, Buffer.concat([src, Buffer.from('*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$5\r\nhel')]));
    const t = await replayDigest(torn, '7.0');
    expect(t.digest).toBe(whole);
    expect(t.result.truncated?.offset).toBe(src.length);
    const open = path.join(tmp, 'open-multi.aof');
    fs.writeFileSync(open, Buffer.concat([src, Buffer.from('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\ny\r\n$1\r\n1\r\n')]));
    expect((await replayDigest(open, '7.0')).digest).toBe(whole);
  });

  it('garbage in the middle is an error with its offset; an unknown command too', async () => {
    const bad = path.join(tmp, 'bad.aof');
    fs.writeFileSync(bad, '*1\r\n$4\r\nPING\r\nxyz\r\n*1\r\n$4\r\nPING\r\n');
    await expect(replayDigest(bad, '7.0')).rejects.toBeInstanceOf(FormatError);
    const unknown = path.join(tmp, 'unknown.aof');
    fs.writeFileSync(unknown, '*1\r\n$4\r\nPING\r\n*2\r\n$7\r\nNOSUCHC\r\n$1\r\nx\r\n');
    await expect(replayDigest(unknown, '7.0')).rejects.toThrow(CorruptError);
    await expect(replayDigest(unknown, '7.0')).rejects.toThrow(/Unknown command 'NOSUCHC' .*offset 14/);
  });

  it('--until stops at the first timestamp annotation after the given time', async () => {
    const file = path.join(ROOT, 'fixtures/aof/single.aof');
    const text = fs.readFileSync(file, 'latin1');
    const stamps = [...text.matchAll(/#TS:(\d+)\r\n/g)].map((m) => Number(m[1]));
    expect(stamps.length).toBeGreaterThan(1);
    const r = await replayDigest(file, '7.0', stamps[0]! - 1);
    expect(r.result.stoppedAt?.timestamp).toBe(stamps[0]);
  });

  /**
   * Corpus AOFs that need what the engine does not have yet, with the reason. The test asserts
   * they still fail, so whoever adds the feature moves them back into the main check.
   */
  const PENDING: Record<string, string> = {};

  it.skipIf(!hasCorpus)('every corpus AOF replays to the digest its server reported', async () => {
    const failures: string[] = [];
    const stillPending: string[] = [];
    for (const v of fs.readdirSync(CORPUS).filter((d) => /^\d/.test(d))) {
      for (const kind of ['aof-plain', 'aof-preamble']) {
        const expectedFile = path.join(CORPUS, v, `${kind}.expected.json`);
        if (!fs.existsSync(expectedFile)) continue;
        const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')).digest as string;
        const aof = fs.existsSync(path.join(CORPUS, v, `${kind}.aof`)) ? path.join(CORPUS, v, `${kind}.aof`) : extract(path.join(CORPUS, v, `${kind}.tar`));
        const compat = /^7\.[24]/.test(v) ? '7.2' : '7.0';
        let problem: string | null = null;
        try {
          const { digest } = await replayDigest(aof, compat);
          if (digest !== expected) problem = `${digest} != ${expected}`;
        } catch (e) {
          problem = (e as Error).message;
        }
        const id = `${v}/${kind}`;
        if (PENDING[id]) {
          if (problem) stillPending.push(id);
        } else if (problem) {
          failures.push(`${id}: ${problem}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // A pending case that now passes: remove it from PENDING.
    expect(stillPending.sort()).toEqual(Object.keys(PENDING).sort());
  });
});

describe('replay equals what real redis loads at start-up', () => {
  it('every fixture layout: DEBUG DIGEST after redis-server loads it = our replay digest', async () => {
    const { startRealRedis } = await import('../../../src/testing/real-redis.js');
    const { StatusReply } = await import('../../../src/engine/reply.js');
    for (const layout of ['plain', 'preamble', 'multi-incr', 'single.aof', 'single-preamble.aof']) {
      const dir = fs.mkdtempSync(path.join(tmp, 'server-'));
      const src = path.join(ROOT, 'fixtures/aof', layout);
      if (layout.endsWith('.aof')) fs.copyFileSync(src, path.join(dir, 'appendonly.aof'));
      else fs.cpSync(path.join(src, 'appendonlydir'), path.join(dir, 'appendonlydir'), { recursive: true });
      const server = await startRealRedis(['--dir', dir, '--appendonly', 'yes']);
      try {
        const c = await server.client();
        const theirs = ((await c.call('DEBUG', 'DIGEST')) as InstanceType<typeof StatusReply>).text;
        c.close();
        const ours = (await replayDigest(src, '7.0')).digest;
        expect(ours, layout).toBe(theirs);
        expect(theirs).not.toBe('0'.repeat(40));
      } finally {
        await server.stop();
      }
    }
  });
});
