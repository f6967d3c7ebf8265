import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestHex, keyValueDigest, datasetDigest } from '../../../src/engine/digest.js';
import { Engine } from '../../../src/engine/engine.js';
import { loadRdbIntoEngine } from '../../../src/persistence/rdb/engine-bridge.js';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'fixtures/rdb');
const CORPUS = path.resolve(ROOT, '../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);

interface ExpectedKey {
  db: number;
  key: string;
  type: string;
  encoding: string;
  digestValue: string;
  ttl: number;
}

async function loadAndCompare(file: string, expectedFile: string, compat: '7.0' | '7.2', checkEncoding: boolean, digest?: string) {
  const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { digest: string; keys: ExpectedKey[] };
  const engine = new Engine({ timers: false });
  try {
    const r = await loadRdbIntoEngine(file, engine);
    expect(r.keys).toBe(expected.keys.length);
    const s = engine.createSession();
    const mismatches: string[] = [];
    for (const k of expected.keys) {
      const key = Buffer.from(k.key, 'hex').toString('latin1');
      const db = engine.dbs[k.db]!;
      s.select(k.db);
      const type = s.execute(['TYPE', key]) as { text: string };
      if (type.text !== k.type) mismatches.push(`${k.db}/${key}: type ${type.text} != ${k.type}`);
      if (checkEncoding) {
        const enc = s.execute(['OBJECT', 'ENCODING', key]);
        if (enc !== k.encoding) mismatches.push(`${k.db}/${key}: encoding ${String(enc)} != ${k.encoding}`);
      }
      // Servers before 5.0 had no DEBUG DIGEST-VALUE.
      const dv = digestHex(keyValueDigest(db, key, compat));
      if (k.digestValue && dv !== k.digestValue) mismatches.push(`${k.db}/${key}: digest-value differs`);
    }
    expect(mismatches).toEqual([]);
    expect(digestHex(datasetDigest(engine, compat))).toBe(digest ?? expected.digest);
  } finally {
    engine.close();
  }
}

describe('loading an RDB into the engine', () => {
  it('the project fixture: every key, its value digest and the dataset digest as real redis', async () => {
    const file = path.join(FIXTURES, fs.readdirSync(FIXTURES).find((f) => f.endsWith('.rdb'))!);
    await loadAndCompare(file, file.replace('.rdb', '.expected.json'), '7.0', false);
  });

  it.skipIf(!hasCorpus)('Redis 7.2.6 files: OBJECT ENCODING of every key equals what 7.2 reported after loading', async () => {
    await loadAndCompare(path.join(CORPUS, '7.2.6/dump.rdb'), path.join(CORPUS, '7.2.6/dump.expected.json'), '7.2', true);
  });

  it.skipIf(!hasCorpus)('every older corpus file loads to the value digests its server reported', async () => {
    // The dataset digest Redis 7.0.15 computes after loading each file (digests.jsonl).
    const digests = new Map<string, string>(
      fs.readFileSync(path.join(CORPUS, 'digests.jsonl'), 'utf8').trim().split('\n').map((l) => {
        const d = JSON.parse(l) as Record<string, string>;
        return [d['file']!, d['7.0.15']!];
      }),
    );
    for (const v of ['2.8.24', '3.2.13', '4.0.14', '5.0.14', '6.2.16', '7.0.15']) {
      const file = path.join(CORPUS, v, 'dump.rdb');
      await loadAndCompare(file, path.join(CORPUS, v, 'dump.expected.json'), '7.0', false, digests.get(`${v}/dump.rdb`));
    }
  });
});
