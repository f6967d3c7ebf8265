import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpRdb, fileOut, keyToJsonLine, type DumpFilter, type TextOut } from '../../src/cli/dump.js';
import { FormatError } from '../../src/persistence/io/errors.js';
import { bytesToJson } from '../../src/persistence/rdb/json.js';
import { readRdbFile } from '../../src/persistence/rdb/reader.js';
import { collectKeys, type RdbValue } from '../../src/persistence/rdb/value.js';
import { RdbWriter } from '../../src/persistence/rdb/writer.js';
import { rng } from '../helpers/rng.js';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-dump-json-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A random byte string: plain text, NUL padding, escapes, UTF-8, or binary. */
function randomBytes(r: () => number): string {
  const len = Math.floor(r() * (r() < 0.1 ? 200 : 30));
  const kind = r();
  if (kind < 0.3) return Array.from({ length: len }, () => String.fromCharCode(0x20 + Math.floor(r() * 0x5f))).join('');
  if (kind < 0.45) return `value:${Math.floor(r() * 1e6)}`.padEnd(len, '\0');
  if (kind < 0.6) return Buffer.from(Array.from({ length: len }, () => String.fromCodePoint(Math.floor(r() * 0x2000))).join(''), 'utf8').toString('latin1');
  // Integer-encoded in the file (INT8/16/32) when small, a plain string otherwise.
  if (kind < 0.7) return String(r() < 0.6 ? Math.floor(r() * 2 ** 33) - 2 ** 32 : Math.floor(r() * 2 ** 40) - 2 ** 39);
  if (kind < 0.75) return '\xef\xbb\xbf' + 'bom';
  return Array.from({ length: len }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
}

/** An RDB 12 file with every plain type, TTLs, LRU/LFU, a stream and a function; large and small encodings. */
function randomRdb(file: string, seed: number): void {
  const r = rng(seed);
  const parts: Buffer[] = [];
  const w = new RdbWriter((b) => parts.push(b), { version: 12 });
  w.header();
  w.func('#!lua name=lib\nredis.register_function("f", function() return "\xc3\xa9" end)');
  for (const db of [0, 3]) {
    w.selectDb(db);
    for (let i = 0; i < 300; i++) {
      const key = r() < 0.8 ? `k:${db}:${i}` : randomBytes(r) + `#${i}`;
      const n = Math.floor(r() * (r() < 0.1 ? 300 : 6)) + 1;
      const distinct = (prefix: string) => Array.from({ length: n }, (_, j) => randomBytes(r) + prefix + j);
      const t = Math.floor(r() * 6);
      let value: RdbValue;
      if (t === 0) value = { type: 'string', value: randomBytes(r) };
      else if (t === 1) value = { type: 'list', items: Array.from({ length: n }, () => randomBytes(r)) };
      else if (t === 2) value = { type: 'set', members: r() < 0.3 ? Array.from({ length: n }, (_, j) => String(j * 7)) : distinct('s') };
      else if (t === 3) value = { type: 'zset', entries: distinct('z').map((m, j) => [m, j % 5 === 0 ? Infinity : j % 7 === 0 ? -Infinity : (j - 3) * 1.25] as [string, number]) };
      else if (t === 4) value = { type: 'hash', entries: distinct('f').map((f, j) => [f, randomBytes(r), j % 4 === 0 ? 1893456000000 + j : null] as [string, string, number | null]) };
      else
        value = {
          type: 'stream',
          entries: [{ id: { ms: 1n, seq: BigInt(i) }, fields: [randomBytes(r), randomBytes(r)] }],
          meta: { length: 1n, lastId: { ms: 1n, seq: BigInt(i) }, firstId: { ms: 1n, seq: BigInt(i) }, maxDeletedId: { ms: 0n, seq: 0n }, entriesAdded: 1n, groups: [] },
        };
      const meta = { expireAt: r() < 0.3 ? 1893456000000 + i : null, idle: r() < 0.2 ? i : null, freq: null as number | null };
      if (meta.idle === null && r() < 0.2) meta.freq = i % 256;
      w.key(key, value, meta);
    }
  }
  w.end();
  fs.writeFileSync(file, Buffer.concat(parts));
}

/** The reference dump: whole values through collectKeys and the string encoder (keyToJsonLine). */
async function referenceDump(file: string, format: 'jsonl' | 'json', filter: DumpFilter = {}): Promise<string> {
  const lines: string[] = [];
  const functions: string[] = [];
  await readRdbFile(
    file,
    collectKeys(
      ({ info, value }) => {
        if (filter.db !== undefined && info.db !== filter.db) return;
        if (filter.type !== undefined && info.type !== filter.type) return;
        if (filter.match !== undefined && !info.key.startsWith(filter.match.replace(/\*$/, ''))) return;
        lines.push(keyToJsonLine(info, value));
      },
      { onFunction: (code) => functions.push(JSON.stringify({ function: bytesToJson(code) })) },
    ),
  );
  if (format === 'json') return lines.length ? '[\n' + lines.join(',\n') + '\n]\n' : '[]\n';
  const filtered = filter.db !== undefined || filter.type !== undefined || filter.match !== undefined;
  return [...(filtered ? [] : functions), ...lines].map((l) => l + '\n').join('');
}

/** A TextOut that keeps what it gets; with or without the byte path. */
function memoryOut(bytes: boolean): TextOut & { text(): string } {
  const parts: Buffer[] = [];
  const out: TextOut & { text(): string } = {
    write: (s) => void parts.push(Buffer.from(s, 'utf8')),
    flush: () => {},
    text: () => Buffer.concat(parts).toString('latin1'),
  };
  if (bytes) {
    out.writeBytes = (chunk, release) => {
      parts.push(Buffer.from(chunk));
      release();
    };
  }
  return out;
}

describe('dump --format jsonl/json writes what the string encoder wrote', () => {
  it('random datasets: every type, binary and UTF-8 bytes, TTLs, LRU/LFU, functions', async () => {
    for (const seed of [1, 2, 3]) {
      const file = path.join(tmp, `r${seed}.rdb`);
      randomRdb(file, seed);
      for (const format of ['jsonl', 'json'] as const) {
        const want = Buffer.from(await referenceDump(file, format), 'utf8').toString('latin1');
        for (const bytes of [true, false]) {
          const out = memoryOut(bytes);
          const res = await dumpRdb(file, format, {}, out);
          expect(out.text(), `seed ${seed} ${format} bytes=${bytes}`).toBe(want);
          expect(res.keys).toBe(600);
        }
      }
    }
  });

  it('filters (the glob needs the key name the reader left as bytes)', async () => {
    const file = path.join(tmp, 'f.rdb');
    randomRdb(file, 9);
    for (const filter of [{ match: 'k:3:1*' }, { db: 3 }, { type: 'hash' }, { db: 0, type: 'zset', match: 'k:*' }] as DumpFilter[]) {
      for (const format of ['jsonl', 'json'] as const) {
        const out = memoryOut(true);
        await dumpRdb(file, format, filter, out);
        const want = Buffer.from(await referenceDump(file, format, filter), 'utf8').toString('latin1');
        expect(out.text(), JSON.stringify(filter)).toBe(want);
      }
    }
  });

  it('-o writes the same bytes through the atomic file writer', async () => {
    const file = path.join(tmp, 'o.rdb');
    randomRdb(file, 4);
    const target = path.join(tmp, 'o.jsonl');
    const out = fileOut(target, 'utf8');
    await dumpRdb(file, 'jsonl', {}, out);
    out.commit();
    expect(fs.readFileSync(target).toString('latin1')).toBe(Buffer.from(await referenceDump(file, 'jsonl'), 'utf8').toString('latin1'));
  });

  it('a corrupt file: the complete lines before the failure come out, no partial line', async () => {
    const file = path.join(tmp, 'c.rdb');
    const parts: Buffer[] = [];
    const w = new RdbWriter((b) => parts.push(b), { version: 10, compression: false });
    w.header();
    w.selectDb(0);
    w.key('a', { type: 'string', value: 'one' });
    w.key('b', { type: 'list', items: ['x', 'y'] });
    w.key('c', { type: 'string', value: 'MARKER'.repeat(10) });
    w.end();
    const buf = Buffer.concat(parts);
    // A string length that runs far past the end of the file, in the middle of key "c".
    const at = buf.indexOf('MARKER');
    buf[at - 1] = 0x80; // 32-bit length follows
    buf.writeUInt32BE(0x7fffffff, at);
    fs.writeFileSync(file, buf);
    const out = memoryOut(true);
    await expect(dumpRdb(file, 'jsonl', {}, out)).rejects.toBeInstanceOf(FormatError);
    expect(out.text()).toBe(
      '{"db":0,"key":"a","type":"string","expireAt":null,"value":"one"}\n{"db":0,"key":"b","type":"list","expireAt":null,"value":["x","y"]}\n',
    );
  });
});

describe("the reader's bytes element events", () => {
  /** Hashtable hashes, plain sets, skiplist zsets and quicklists, with LZF-compressed fields and values. */
  function plainEncodingsRdb(file: string): void {
    const parts: Buffer[] = [];
    const w = new RdbWriter((b) => parts.push(b), { version: 11 });
    w.header();
    w.selectDb(0);
    const long = (s: string, j: number) => `${s}:${j}:`.padEnd(60, s[0]!); // compressible: LZF
    const n = 600; // past every listpack limit
    w.key('hash', { type: 'hash', entries: Array.from({ length: n }, (_, j) => [j % 3 ? long('field', j) : `f${j}`, j % 2 ? long('value', j) : String(j), null] as [string, string, null]) });
    w.key('set', { type: 'set', members: Array.from({ length: n }, (_, j) => (j % 2 ? long('member', j) : `m${j}\u00e9\u0000`)) });
    w.key('zset', { type: 'zset', entries: Array.from({ length: n }, (_, j) => [j % 2 ? long('zmember', j) : String(j * 11), j === 0 ? Infinity : j / 4] as [string, number]) });
    w.key('list', { type: 'list', items: Array.from({ length: n }, (_, j) => (j % 3 ? long('item', j) : String(j - 300))) });
    w.end();
    fs.writeFileSync(file, Buffer.concat(parts));
  }

  it('give the same elements as the string events, whatever the read window splits', async () => {
    const file = path.join(tmp, 'plain.rdb');
    plainEncodingsRdb(file);
    const text = (buf: Buffer, start: number, end: number, t: string | null) => t ?? buf.toString('latin1', start, end);
    const viaStrings: string[] = [];
    await readRdbFile(file, {
      onKey: (info) => viaStrings.push(`key ${info.key} ${info.rdbType}`),
      onListItem: (v) => viaStrings.push(`l ${v}`),
      onSetMember: (m) => viaStrings.push(`s ${m}`),
      onZsetMember: (m, sc) => viaStrings.push(`z ${m} ${sc}`),
      onHashField: (f, v, ttl) => viaStrings.push(`h ${f} ${v} ${ttl}`),
    });
    expect(viaStrings).toHaveLength(4 + 4 * 600);
    for (const chunkSize of [1, 7, 64, 1 << 20]) {
      const viaBytes: string[] = [];
      await readRdbFile(
        file,
        {
          onKey: (info) => viaBytes.push(`key ${info.key} ${info.rdbType}`),
          onListItem: (v) => viaBytes.push(`l ${v}`),
          onSetMember: (m) => viaBytes.push(`s ${m}`),
          onZsetMember: (m, sc) => viaBytes.push(`z ${m} ${sc}`),
          onHashField: (f, v, ttl) => viaBytes.push(`h ${f} ${v} ${ttl}`),
          onListItemBytes: (b, s, e, t) => viaBytes.push(`l ${text(b, s, e, t)}`),
          onSetMemberBytes: (b, s, e, t) => viaBytes.push(`s ${text(b, s, e, t)}`),
          onZsetMemberBytes: (b, s, e, t, sc) => viaBytes.push(`z ${text(b, s, e, t)} ${sc}`),
          onHashFieldBytes: (fb, fs, fe, ft, vb, vs, ve, vt, ttl) => viaBytes.push(`h ${text(fb, fs, fe, ft)} ${text(vb, vs, ve, vt)} ${ttl}`),
        },
        { chunkSize },
      );
      expect(viaBytes, `chunk ${chunkSize}`).toEqual(viaStrings);
    }
    // And the dump of it is what the string encoder writes.
    const out = memoryOut(true);
    await dumpRdb(file, 'jsonl', {}, out);
    expect(out.text()).toBe(Buffer.from(await referenceDump(file, 'jsonl'), 'utf8').toString('latin1'));
  });
});
