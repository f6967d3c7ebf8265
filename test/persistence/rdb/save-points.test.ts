import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetDigest, digestHex } from '../../../src/engine/digest.js';
import { Engine } from '../../../src/engine/engine.js';
import { loadRdbIntoEngine } from '../../../src/persistence/rdb/engine-bridge.js';
import { backgroundSave } from '../../../src/persistence/rdb/save.js';
import { checkSavePoints, parseSavePoints, shutdownSave } from '../../../src/persistence/rdb/save-points.js';
import { redscope } from '../../cli/helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-savepoints-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => fs.mkdtempSync(path.join(tmp, `d${n++}-`));

const T0 = 1_800_000_000_000;

function engineAt(dir: string, save: string): { e: Engine; at: (ms: number) => void } {
  let now = T0;
  const e = new Engine({ timers: false, clock: () => now, config: { dir, save } });
  return { e, at: (ms) => (now = T0 + ms) };
}

async function digestOfFile(file: string): Promise<string> {
  const e = new Engine({ timers: false });
  await loadRdbIntoEngine(file, e);
  return digestHex(datasetDigest(e));
}

describe('save points (serverCron)', () => {
  it('parses pairs of seconds and changes', () => {
    expect(parseSavePoints('3600 1 300 100 60 10000')).toEqual([
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 100 },
      { seconds: 60, changes: 10000 },
    ]);
    expect(parseSavePoints('')).toEqual([]);
  });

  it('BGSAVE once a point has its changes and strictly more than its seconds', async () => {
    const dir = fresh();
    const { e, at } = engineAt(dir, '10 2 100 1');
    const s = e.createSession();
    s.execute(['SET', 'a', '1']);
    at(11_000);
    expect(checkSavePoints(e)).toBe(null); // 1 change: the 10-second point needs 2
    s.execute(['SET', 'b', '2']);
    at(10_999);
    expect(checkSavePoints(e)).toBe(null); // 10 s since the last save is not more than 10
    at(11_000);
    const write = checkSavePoints(e);
    expect(write).not.toBe(null);
    expect(checkSavePoints(e)).toBe(null); // one at a time
    await write;
    expect(e.dirty).toBe(0);
    expect(e.lastSave).toBe(T0 / 1000 + 11);
    expect(e.rdb.saves).toBe(1);
    expect(await digestOfFile(path.join(dir, 'dump.rdb'))).toBe(digestHex(datasetDigest(e)));
    // The 100-second point with its single change waits for 100 s after that save.
    s.execute(['SET', 'c', '3']);
    at(111_000);
    expect(checkSavePoints(e)).toBe(null);
    at(111_001 + 1000);
    await checkSavePoints(e);
    expect(e.rdb.saves).toBe(2);
    e.close();
  });

  it('a failed BGSAVE is retried after 5 seconds, not before', async () => {
    const dir = path.join(fresh(), 'missing');
    const { e, at } = engineAt(dir, '1 1');
    e.createSession().execute(['SET', 'a', '1']);
    at(2_000);
    await checkSavePoints(e);
    expect(e.rdb.lastBgsaveOk).toBe(false);
    at(7_000);
    expect(checkSavePoints(e)).toBe(null);
    fs.mkdirSync(dir);
    at(7_001 + 1000);
    await checkSavePoints(e);
    expect(e.rdb.lastBgsaveOk).toBe(true);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    e.close();
  });

  it('at shutdown a save replaces a BGSAVE still running, whose older snapshot never lands', async () => {
    const dir = fresh();
    const { e } = engineAt(dir, '3600 1');
    const s = e.createSession();
    s.execute(['SET', 'a', 'old']);
    const running = backgroundSave(e)!;
    s.execute(['SET', 'a', 'new']);
    expect(shutdownSave(e)).toBe(true);
    await running;
    expect(await digestOfFile(path.join(dir, 'dump.rdb'))).toBe(digestHex(datasetDigest(e)));
    expect(fs.readdirSync(dir)).toEqual(['dump.rdb']);
    e.config.save = '';
    expect(shutdownSave(e)).toBe(false);
    e.close();
  });

  it('redscope --dir saves dump.rdb at exit, and the next run loads it', async () => {
    const dir = fresh();
    const r = await redscope(['exec', '--dir', dir, 'HSET', 'h', 'f', 'v']);
    expect(r.code, r.stderr.toString()).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    const back = await redscope(['exec', '--dir', dir, 'HGET', 'h', 'f']);
    expect(back.stdout.toString()).toBe('v\n');
  });
});
