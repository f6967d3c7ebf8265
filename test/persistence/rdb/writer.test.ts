import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatusReply } from '../../../src/engine/reply.js';
import { convertRdbFile } from '../../../src/persistence/rdb/convert.js';
import { moduleRdb } from '../../helpers/module-rdb.js';
import { lzfCompress, lzfDecompress } from '../../../src/persistence/rdb/lzf.js';
import { decodeListpack, decodeZiplist } from '../../../src/persistence/rdb/packed.js';
import { encodeListpack, encodeZiplist } from '../../../src/persistence/rdb/packed-writer.js';
import { readRdbFile } from '../../../src/persistence/rdb/reader.js';
import { collectKeys, type CollectedKey } from '../../../src/persistence/rdb/value.js';
import { startRealRedis } from '../../../src/testing/real-redis.js';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/rdb');
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-writer-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Loads an RDB into a real redis-server and returns its DEBUG DIGEST. */
async function realDigest(file: string): Promise<string> {
  const server = await startRealRedis();
  try {
    // Restart on the file: copy it in, then DEBUG RELOAD NOSAVE loads it.
    fs.copyFileSync(file, path.join(server.dir, 'dump.rdb'));
    const c = await server.client();
    const r = await c.call('DEBUG', 'RELOAD', 'NOSAVE');
    if (!(r instanceof StatusReply)) throw new Error(`redis refused the file: ${JSON.stringify(r)}`);
    const d = (await c.call('DEBUG', 'DIGEST')) as StatusReply;
    c.close();
    return d.text;
  } finally {
    await server.stop();
  }
}

async function readAll(file: string): Promise<CollectedKey[]> {
  const keys: CollectedKey[] = [];
  await readRdbFile(file, collectKeys((k) => keys.push(k)));
  return keys;
}

/** A value with its element order normalised (hashtable encodings have no order). */
function canonical(k: CollectedKey): string {
  const v = k.value;
  const sortPairs = <T extends unknown[]>(a: T[]) => [...a].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));
  if (v.type === 'stream') {
    // Upgrading to RDB 11 gives consumers an active-time; older files had none (seen-time stands in).
    for (const g of v.meta.groups) for (const c of g.consumers) c.activeTime ??= c.seenTime;
    // Node layout is how, not what: the writer repacks nodes (deleted entries are gone).
    delete v.streamNodes;
  }
  if (v.type === 'list') delete v.nodes;
  const body =
    v.type === 'set' ? [...v.members].sort() : v.type === 'hash' ? sortPairs(v.entries) : v.type === 'zset' ? sortPairs(v.entries) : v;
  return JSON.stringify([k.info.db, k.info.key, k.info.expireAt, body], (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

describe('packed encoders', () => {
  const samples = ['', 'a', '0', '-1', '127', '128', '-4096', '4095', '4096', '32767', '-32769', '8388607', '8388608',
    '2147483647', '2147483648', '-9223372036854775808', '9223372036854775807', '01', '+1', 'x'.repeat(63), 'y'.repeat(64),
    'z'.repeat(4095), 'w'.repeat(4096), 'v'.repeat(20000), '\x00\xff'];
  it('listpack round-trips every entry encoding', () => {
    expect(decodeListpack(encodeListpack(samples), 0)).toEqual(samples);
  });
  it('ziplist round-trips every entry encoding', () => {
    expect(decodeZiplist(encodeZiplist(samples), 0)).toEqual(samples);
  });
  it('LZF compresses to something that decompresses back', () => {
    for (const s of ['abcabcabcabcabcabcabcabc', 'a'.repeat(10000), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)).toString('latin1')]) {
      const input = Buffer.from(s, 'latin1');
      const c = lzfCompress(input);
      if (c) expect(lzfDecompress(c, input.length)?.toString('latin1')).toBe(s);
    }
    expect(lzfCompress(Buffer.from('a'.repeat(10000)))!.length).toBeLessThan(200);
  });
});

describe('RDB writer', () => {
  const fixture = () => path.join(FIXTURES, fs.readdirSync(FIXTURES).find((f) => f.endsWith('.rdb'))!);
  const expectedDigest = () =>
    JSON.parse(fs.readFileSync(fixture().replace('.rdb', '.expected.json'), 'utf8')).digest as string;

  it('writes RDB 10 that real redis 7.0 loads to the same DEBUG DIGEST', async () => {
    const out = path.join(tmp, 'v10.rdb');
    const r = await convertRdbFile(fixture(), out, { version: 10 });
    expect(r.keys).toBe(90);
    expect(await realDigest(out)).toBe(expectedDigest());
  });

  it('writes RDB 9 (ziplists) that real redis loads to the same digest, dropping functions only with lossy', async () => {
    const out = path.join(tmp, 'v9.rdb');
    await expect(convertRdbFile(fixture(), out, { version: 9 })).rejects.toThrow(/function library .*cannot be written to RDB version 9/);
    expect(fs.existsSync(out)).toBe(false);
    const r = await convertRdbFile(fixture(), out, { version: 9, lossy: true });
    expect(r.losses).toHaveLength(1);
    expect(await realDigest(out)).toBe(expectedDigest());
  });

  it('round-trips through RDB 11 and 12 with the same content', async () => {
    const original = (await readAll(fixture())).map(canonical).sort();
    for (const version of [11, 12] as const) {
      const out = path.join(tmp, `v${version}.rdb`);
      await convertRdbFile(fixture(), out, { version });
      expect((await readAll(out)).map(canonical).sort()).toEqual(original);
    }
  });

  it.skipIf(!hasCorpus)('converts every corpus RDB to RDB 10 that real redis 7.0 loads with the 7.0.15 digest', async () => {
    const digests = fs
      .readFileSync(path.join(CORPUS, 'digests.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    let checked = 0;
    for (const d of digests) {
      const want = d['7.0.15'] ?? d.digest70 ?? d['digest_7_0_15'];
      const file = path.join(CORPUS, d.file ?? d.path);
      if (typeof want !== 'string' || !/^[0-9a-f]{40}$/.test(want) || !fs.existsSync(file)) continue;
      const out = path.join(tmp, `corpus-${checked}.rdb`);
      await convertRdbFile(file, out, { version: 10, lossy: true });
      expect(await realDigest(out), d.file ?? d.path).toBe(want);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('module values', () => {
  it('keeps a module value as an opaque blob that survives conversion byte for byte', async () => {
    const src = path.join(tmp, 'module.rdb');
    fs.writeFileSync(src, moduleRdb());
    const before = await readAll(src);
    expect(before).toHaveLength(1);
    expect(before[0]!.value).toMatchObject({ type: 'module', moduleName: 'myModule1' });
    for (const version of [10, 11, 12] as const) {
      const out = path.join(tmp, `module-v${version}.rdb`);
      await convertRdbFile(src, out, { version });
      const after = await readAll(out);
      expect(after[0]!.value).toEqual(before[0]!.value);
    }
  });
});
