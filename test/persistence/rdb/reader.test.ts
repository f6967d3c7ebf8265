import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptError, FormatError, TruncatedError } from '../../../src/persistence/io/errors.js';
import { parseRdbBuffer, RdbParser, readRdbFile } from '../../../src/persistence/rdb/reader.js';
import type { RdbVisitor } from '../../../src/persistence/rdb/types.js';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/rdb');
const CORPUS = path.resolve(__dirname, '../../../../shared/corpus');
const hasCorpus = fs.existsSync(CORPUS);

/** A visitor that records every event as text, to compare runs. */
function recorder(): { log: string[]; visitor: RdbVisitor } {
  const log: string[] = [];
  const j = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const visitor: RdbVisitor = {
    onHeader: (m, v) => log.push(`header ${m} ${v}`),
    onAux: (k, v) => log.push(`aux ${j(k)} ${j(v)}`),
    onSelectDb: (db) => log.push(`select ${db}`),
    onResizeDb: (a, b) => log.push(`resize ${a} ${b}`),
    onKey: (i) => log.push(`key ${j(i)}`),
    onString: (v) => log.push(`string ${j(v)}`),
    onListItem: (v) => log.push(`item ${j(v)}`),
    onSetMember: (v) => log.push(`member ${j(v)}`),
    onZsetMember: (m, s) => log.push(`zmember ${j(m)} ${s}`),
    onHashField: (f, v, t) => log.push(`field ${j(f)} ${j(v)} ${t}`),
    onStreamEntry: (id, f) => log.push(`entry ${id.ms}-${id.seq} ${j(f)}`),
    onStreamMeta: (m) => log.push(`meta ${j(m)}`),
    onKeyEnd: (i) => log.push(`end ${j(i.key)}`),
    onEmptyKey: (i) => log.push(`empty ${j(i.key)}`),
    onFunction: (c) => log.push(`function ${j(c)}`),
    onEnd: (c) => log.push(`eof ${j(c)}`),
  };
  return { log, visitor };
}

function fixtureRdb(): { file: string; expected: { count: number; keys: Array<{ db: number; key: string; type: string }> } } {
  const file = fs.readdirSync(FIXTURES).find((f) => f.endsWith('.rdb'))!;
  return {
    file: path.join(FIXTURES, file),
    expected: JSON.parse(fs.readFileSync(path.join(FIXTURES, file.replace('.rdb', '.expected.json')), 'utf8')),
  };
}

describe('RDB reader on files written by real Redis', () => {
  it('reads the project fixture: every key with its db and type', async () => {
    const { file, expected } = fixtureRdb();
    const seen: Array<{ db: number; key: string; type: string }> = [];
    let functions = 0;
    const p = await readRdbFile(file, {
      onKey: (i) => seen.push({ db: i.db, key: Buffer.from(i.key, 'latin1').toString('hex'), type: i.type }),
      onFunction: () => functions++,
    });
    expect(p.version).toBe(10);
    expect(functions).toBe(1);
    const sort = (a: { db: number; key: string }, b: { db: number; key: string }) => a.db - b.db || (a.key < b.key ? -1 : 1);
    expect(seen.sort(sort)).toEqual(expected.keys.map(({ db, key, type }) => ({ db, key, type })).sort(sort));
  });

  it.skipIf(!hasCorpus)('reads every corpus RDB with the key count Redis reported', async () => {
    for (const version of fs.readdirSync(CORPUS).filter((d) => /^\d/.test(d))) {
      const expected = JSON.parse(fs.readFileSync(path.join(CORPUS, version, 'dump.expected.json'), 'utf8'));
      for (const name of ['dump.rdb', 'lfu.rdb', 'lru.rdb']) {
        const file = path.join(CORPUS, version, name);
        if (!fs.existsSync(file)) continue;
        let keys = 0;
        let freqs = 0;
        let idles = 0;
        const parser = await readRdbFile(file, {
          onKey: (i) => {
            keys++;
            if (i.freq !== null) freqs++;
            if (i.idle !== null) idles++;
          },
        });
        expect(keys, `${version}/${name}`).toBe(expected.count);
        // FREQ and IDLE opcodes exist from RDB 9 (Redis 5.0).
        if (name === 'lfu.rdb' && parser.version >= 9) expect(freqs, `${version}/${name}`).toBe(keys);
        if (name === 'lru.rdb' && parser.version >= 9) expect(idles, `${version}/${name}`).toBe(keys);
      }
    }
  });

  it.skipIf(!hasCorpus)('reports the 9 empty keys of corrupt_empty_keys.rdb as skipped, as Redis 7.0 loads it', async () => {
    const p = await readRdbFile(path.join(CORPUS, 'redis-assets/corrupt_empty_keys.rdb'), {});
    expect(p.emptyKeysSkipped).toBe(9);
    expect(p.keysRead).toBe(0);
  });

  it.skipIf(!hasCorpus)('refuses corrupt_ziplist.rdb with the offset and the key', async () => {
    await expect(readRdbFile(path.join(CORPUS, 'redis-assets/corrupt_ziplist.rdb'), {})).rejects.toThrow(
      /offset \d+ .*key:000000000091/,
    );
  });
});

describe('RDB reader streaming and damage', () => {
  /** A small RDB 10 file with every common encoding, made by real Redis (fixtures/). */
  const small = () => fs.readFileSync(path.join(FIXTURES, 'small', fs.readdirSync(path.join(FIXTURES, 'small')).find((f) => f.endsWith('.rdb'))!));

  it('gives the same events whatever the chunk boundaries', () => {
    const buf = small();
    const whole = recorder();
    let wholeError = '';
    try {
      parseRdbBuffer(buf, whole.visitor);
    } catch (e) {
      wholeError = (e as Error).message;
    }
    for (let split = 1; split < buf.length; split++) {
      const r = recorder();
      let error = '';
      try {
        const p = new RdbParser(r.visitor);
        p.feed(buf.subarray(0, split));
        p.feed(buf.subarray(split));
        p.end();
      } catch (e) {
        error = (e as Error).message;
      }
      expect(error, `split at ${split}`).toBe(wholeError);
      expect(r.log, `split at ${split}`).toEqual(whole.log);
    }
  });

  it('reports truncation at every offset as truncated, never as corrupt', () => {
    const buf = small();
    for (let cut = 0; cut < buf.length; cut++) {
      let err: unknown = null;
      try {
        parseRdbBuffer(buf.subarray(0, cut), {});
      } catch (e) {
        err = e;
      }
      if (cut < 9) {
        // Too short to hold the magic: still a truncation.
        expect(err, `cut at ${cut}`).toBeInstanceOf(TruncatedError);
        continue;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(TruncatedError);
    }
  });

  it('survives thousands of random byte flips with a clear error or a clean read', () => {
    const buf = small();
    let seed = 0x9e3779b9;
    const rand = () => {
      // xorshift32: good enough spread for positions and values.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    let failures = 0;
    for (let i = 0; i < 3000; i++) {
      const copy = Buffer.from(buf);
      const flips = 1 + (rand() % 3);
      // XOR with a non-zero byte so every flip really changes the file.
      for (let f = 0; f < flips; f++) copy[rand() % copy.length] ^= 1 + (rand() % 255);
      try {
        parseRdbBuffer(copy, {});
      } catch (e) {
        expect(e, `flip round ${i}`).toBeInstanceOf(FormatError);
        failures++;
      }
    }
    // Every change is caught: by the structure checks or, failing those, by the CRC.
    expect(failures).toBe(3000);
  });

  it('detects a checksum mismatch as corruption', () => {
    const buf = Buffer.from(small());
    buf[buf.length - 1] ^= 0xff;
    expect(() => parseRdbBuffer(buf, {})).toThrow(CorruptError);
    expect(() => parseRdbBuffer(buf, {})).toThrow(/CRC error/);
  });
});

describe('checksum of a large file (computed in parallel with the parse)', () => {
  it('is verified, and a flipped byte in a value is caught', async () => {
    const os = await import('node:os');
    const { RdbWriter } = await import('../../../src/persistence/rdb/writer.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-bigcrc-'));
    try {
      const parts: Buffer[] = [];
      const w = new RdbWriter((b) => parts.push(b), { version: 11, compression: false });
      w.header();
      w.selectDb(0);
      // 20 MB of incompressible bytes: above the size where the worker computes the CRC.
      let seed = 1;
      const big = Buffer.alloc(20 << 20);
      for (let i = 0; i < big.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        big[i] = seed >>> 24;
      }
      w.key('big', { type: 'string', value: big.toString('latin1') });
      w.end();
      const good = Buffer.concat(parts);
      const file = path.join(dir, 'big.rdb');
      fs.writeFileSync(file, good);
      let checksum: unknown = null;
      await readRdbFile(file, { onEnd: (c) => (checksum = c) });
      expect(checksum).toMatchObject({ stored: expect.any(BigInt) });
      good[10 << 20]! ^= 0x01;
      fs.writeFileSync(file, good);
      await expect(readRdbFile(file, {})).rejects.toThrow(/CRC error/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
