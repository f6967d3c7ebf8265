import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable, Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCommand } from '../../src/cli/memory.js';
import { buildProgram, type CliIO } from '../../src/cli/main.js';
import { RdbWriter } from '../../src/persistence/rdb/writer.js';
import type { RdbValue } from '../../src/persistence/rdb/value.js';
import { BIN, redscope } from './helpers.js';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURE = path.join(ROOT, 'fixtures/rdb/redis-7.0.15.rdb');
const FIXTURE_KEYS = 90;

class Collect extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    cb();
  }
  get buf(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

interface Ran {
  code: number;
  stdout: Buffer;
  out: string;
  err: string;
}

/** `redscope memory ARGS` in process (the subcommand on its own program, as main wires it). */
async function memory(...args: string[]): Promise<Ran> {
  const stdout = new Collect();
  const stderr = new Collect();
  const io: CliIO = {
    stdin: Readable.from([]) as CliIO['stdin'],
    stdout,
    stderr,
    stdinIsTTY: false,
    stdoutIsTTY: false,
  };
  const result = { code: 0 };
  const program = new Command('redscope').exitOverride();
  const cmd = memoryCommand(io, result).exitOverride();
  const output = { writeOut: (s: string) => stdout.write(s), writeErr: (s: string) => stderr.write(s) };
  program.configureOutput(output);
  cmd.configureOutput(output);
  program.addCommand(cmd);
  let code: number;
  try {
    await program.parseAsync(['node', 'redscope', 'memory', ...args]);
    code = result.code;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode === 0 ? 0 : 2;
  }
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout.buf, out: stdout.buf.toString('utf8'), err: stderr.buf.toString('utf8') };
}

let dir: string;
let small: string;

/** An RDB 11 file written by the project's writer: namespaces, a binary key, a comma, a TTL, a 600-field hash. */
function writeSmall(file: string): void {
  const parts: Buffer[] = [];
  const w = new RdbWriter((b) => parts.push(b), { version: 11 });
  w.header();
  w.selectDb(0);
  const keys: Array<[string, RdbValue, number | null]> = [
    ['user:1:name', { type: 'string', value: 'alice' }, null],
    ['user:1:email', { type: 'string', value: 'alice@example.com' }, null],
    ['user:2:name', { type: 'string', value: 'bob' }, null],
    ['session:abc', { type: 'string', value: 'x'.repeat(100) }, 1714557600250],
    ['a,b"c', { type: 'list', items: ['one', 'two', 'three'] }, null],
    ['\xff\xfebin', { type: 'set', members: ['1', '2', '3'] }, null],
    ['plain', { type: 'zset', entries: [['m', 1.5], ['longer member', 2]] }, null],
    [
      'big:hash',
      { type: 'hash', entries: Array.from({ length: 600 }, (_, i): [string, string, null] => [`field:${i}`, `value:${i}`, null]) },
      null,
    ],
  ];
  for (const [k, v, ttl] of keys) w.key(k, v, { expireAt: ttl });
  w.selectDb(2);
  w.key('user:9:name', { type: 'string', value: '12345' });
  w.end();
  fs.writeFileSync(file, Buffer.concat(parts));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-memory-'));
  small = path.join(dir, 'small.rdb');
  writeSmall(small);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function parseCsv(text: Buffer): string[][] {
  // Enough CSV for these tests: quoted fields with "" escapes, latin1 bytes.
  const rows: string[][] = [];
  const s = text.toString('latin1');
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

interface JsonRecord {
  db: number;
  key: string | { base64: string };
  type: string;
  encoding: string;
  bytes: number;
  elements: number;
  largestElement: number;
  expireAt: number | null;
}

describe('redscope memory: per-key formats', () => {
  it('CSV has exactly rdbtools memory report columns, one row per key, in file order', async () => {
    const r = await memory('--format', 'csv', small);
    expect(r.code).toBe(0);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(['database', 'type', 'key', 'size_in_bytes', 'encoding', 'num_elements', 'len_largest_element', 'expiry']);
    expect(rows).toHaveLength(1 + 9);
    expect(rows.slice(1).map((x) => x[2])).toEqual([
      'user:1:name', 'user:1:email', 'user:2:name', 'session:abc', 'a,b"c', '\xff\xfebin', 'plain', 'big:hash', 'user:9:name',
    ]);
    const byKey = new Map(rows.slice(1).map((x) => [x[2], x]));
    expect(byKey.get('session:abc')).toEqual(['0', 'string', 'session:abc', expect.stringMatching(/^\d+$/), 'raw', '100', '100', '2024-05-01T10:00:00.250000']);
    expect(byKey.get('plain')!.slice(0, 2)).toEqual(['0', 'sortedset']);
    expect(byKey.get('plain')!.slice(4)).toEqual(['listpack', '2', '13', '']);
    expect(byKey.get('big:hash')!.slice(4, 7)).toEqual(['hashtable', '600', '9']);
    expect(byKey.get('user:9:name')!.slice(0, 2)).toEqual(['2', 'string']);
    expect(byKey.get('user:9:name')![4]).toBe('int');
    expect(byKey.get('\xff\xfebin')![4]).toBe('intset');
  });

  it('JSON is an array of {db, key, type, encoding, bytes, elements, largestElement, expireAt}; JSON lines the same objects', async () => {
    const j = await memory('--format', 'json', small);
    expect(j.code).toBe(0);
    const arr = JSON.parse(j.out) as JsonRecord[];
    expect(arr).toHaveLength(9);
    for (const o of arr) expect(Object.keys(o)).toEqual(['db', 'key', 'type', 'encoding', 'bytes', 'elements', 'largestElement', 'expireAt']);
    expect(arr.find((o) => typeof o.key === 'object')!.key).toEqual({ base64: Buffer.from('\xff\xfebin', 'latin1').toString('base64') });
    expect(arr.find((o) => o.key === 'session:abc')!.expireAt).toBe(1714557600250);
    const l = await memory('--format', 'jsonl', small);
    expect(l.out.trim().split('\n').map((x) => JSON.parse(x))).toEqual(arr);
    // CSV and JSON give the same figures.
    const csv = parseCsv((await memory('--format', 'csv', small)).stdout).slice(1);
    expect(csv.map((x) => Number(x[3]))).toEqual(arr.map((o) => o.bytes));
  });

  it('--top N is the N biggest of a full sort (ties in file order), biggest first', async () => {
    const all = JSON.parse((await memory('--format', 'json', FIXTURE)).out) as JsonRecord[];
    expect(all).toHaveLength(FIXTURE_KEYS);
    const sorted = [...all].sort((a, b) => b.bytes - a.bytes);
    for (const n of [1, 7, 25, 90, 200]) {
      const top = JSON.parse((await memory('--format', 'json', '--top', String(n), FIXTURE)).out) as JsonRecord[];
      expect(top).toEqual(sorted.slice(0, n));
    }
    const csvTop = parseCsv((await memory('--format', 'csv', '--top', '5', FIXTURE)).stdout);
    expect(csvTop.slice(1).map((x) => Number(x[3]))).toEqual(sorted.slice(0, 5).map((o) => o.bytes));
  });

  it('--min-bytes leaves out smaller keys', async () => {
    const all = JSON.parse((await memory('--format', 'json', FIXTURE)).out) as JsonRecord[];
    const some = JSON.parse((await memory('--format', 'json', '--min-bytes', '1kb', FIXTURE)).out) as JsonRecord[];
    expect(some).toEqual(all.filter((o) => o.bytes >= 1024));
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(all.length);
  });

  it('table: the biggest keys (50 without --top), summaries by type and encoding, the total', async () => {
    const r = await memory(FIXTURE);
    expect(r.code).toBe(0);
    expect(r.out).toContain('the 50 biggest of 90 keys (--top N for more, --format csv for all)');
    expect(r.out).toMatch(/│ hash\s+│ hashtable\s+│/);
    const all = JSON.parse((await memory('--format', 'json', FIXTURE)).out) as JsonRecord[];
    const total = all.reduce((n, o) => n + o.bytes, 0);
    expect(r.out).toContain(`(${total} bytes) in 90 keys, target Redis 7.2`);
    // --target changes encodings on load: 7.0 has no listpack lists or sets.
    const j70 = JSON.parse((await memory('--format', 'json', '--target', '7.0', FIXTURE)).out) as JsonRecord[];
    expect(j70.some((o) => o.type === 'list' && o.encoding === 'listpack')).toBe(false);
    expect(all.some((o) => o.type === 'list' && o.encoding === 'listpack')).toBe(true);
  });
});

describe('redscope memory: aggregated views', () => {
  it('--by prefix: namespaces by separator, nested to --depth, biggest first', async () => {
    const keys = JSON.parse((await memory('--format', 'json', small)).out) as JsonRecord[];
    const size = (k: string) => keys.find((o) => o.key === k)!.bytes;
    const r = await memory('--format', 'json', '--by', 'prefix', '--depth', '2', small);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out) as Array<{ prefix: string | null; depth: number; keys: number; bytes: number }>;
    const user = rows.find((x) => x.prefix === 'user:' && x.depth === 1)!;
    expect(user.keys).toBe(4);
    expect(user.bytes).toBe(size('user:1:name') + size('user:1:email') + size('user:2:name') + size('user:9:name'));
    expect(rows.find((x) => x.prefix === 'user:1:')).toMatchObject({ depth: 2, keys: 2, bytes: size('user:1:name') + size('user:1:email') });
    // Top level biggest first; children right after their parent.
    const top = rows.filter((x) => x.depth === 1 && x.prefix !== null);
    expect(top.map((x) => x.bytes)).toEqual([...top.map((x) => x.bytes)].sort((a, b) => b - a));
    expect(rows.indexOf(rows.find((x) => x.prefix === 'user:1:')!)).toBeGreaterThan(rows.indexOf(user));
    // Keys without the separator: one row with prefix null.
    const none = rows.find((x) => x.prefix === null)!;
    expect(none.keys).toBe(3); // "a,b\"c", "\xff\xfebin", "plain"
    expect(rows.filter((x) => x.depth === 1).reduce((n, x) => n + x.keys, 0)).toBe(9);
    // Another separator.
    const comma = JSON.parse((await memory('--format', 'json', '--by', 'prefix', '--separator', ',', small)).out) as typeof rows;
    expect(comma.find((x) => x.prefix === 'a,')).toMatchObject({ keys: 1, bytes: size('a,b"c') });
    // A table, with the glob-like label.
    const t = await memory('--by', 'prefix', small);
    expect(t.out).toContain('user:*');
    expect(t.out).toContain('  user:1:*');
  });

  it('--by type / encoding / db: counts and bytes that add up to the total', async () => {
    const keys = JSON.parse((await memory('--format', 'json', FIXTURE)).out) as JsonRecord[];
    const total = keys.reduce((n, o) => n + o.bytes, 0);
    for (const by of ['type', 'encoding', 'db']) {
      const rows = JSON.parse((await memory('--format', 'json', '--by', by, FIXTURE)).out) as Array<{ keys: number; bytes: number }>;
      expect(rows.reduce((n, x) => n + x.keys, 0)).toBe(FIXTURE_KEYS);
      expect(rows.reduce((n, x) => n + x.bytes, 0)).toBe(total);
    }
    const enc = JSON.parse((await memory('--format', 'json', '--by', 'encoding', FIXTURE)).out) as Array<{ type: string; encoding: string; keys: number; bytes: number }>;
    const hashHt = keys.filter((o) => o.type === 'hash' && o.encoding === 'hashtable');
    expect(enc.find((x) => x.type === 'hash' && x.encoding === 'hashtable')).toEqual({
      type: 'hash', encoding: 'hashtable', keys: hashHt.length, bytes: hashHt.reduce((n, o) => n + o.bytes, 0),
    });
    const dbs = parseCsv((await memory('--format', 'csv', '--by', 'db', FIXTURE)).stdout);
    expect(dbs[0]).toEqual(['database', 'keys', 'size_in_bytes']);
    expect(dbs.slice(1).map((x) => x[0])).toEqual(['0', '3', '15']);
  });
});

describe('redscope memory --config (what-if)', () => {
  it('hash-max-listpack-entries=1024 turns the 600-field hashtable into a listpack, lowers its bytes, reports the saving', async () => {
    const before = JSON.parse((await memory('--format', 'json', small)).out) as JsonRecord[];
    const r = await memory('--format', 'json', '--config', 'hash-max-listpack-entries=1024', small);
    expect(r.code).toBe(0);
    const after = JSON.parse(r.out) as Array<JsonRecord & { defaultEncoding: string; defaultBytes: number }>;
    const b = before.find((o) => o.key === 'big:hash')!;
    const a = after.find((o) => o.key === 'big:hash')!;
    expect(b.encoding).toBe('hashtable');
    expect(a).toMatchObject({ encoding: 'listpack', defaultEncoding: 'hashtable', defaultBytes: b.bytes });
    expect(a.bytes).toBeLessThan(b.bytes);
    // Other keys are unchanged.
    for (const o of after) if (o.key !== 'big:hash') expect(o.bytes).toBe(o.defaultBytes);
    const totalBefore = before.reduce((n, o) => n + o.bytes, 0);
    const totalAfter = after.reduce((n, o) => n + o.bytes, 0);
    expect(r.err).toContain(`with the default settings: `);
    expect(r.err).toContain(`(${totalBefore} bytes)`);
    expect(r.err).toContain(`(${totalAfter} bytes)`);
    expect(r.err).toContain(`saving: `);
    expect(r.err).toContain(`(${totalBefore - totalAfter} bytes, `);
    // A table carries both totals and the saving on stdout.
    const t = await memory('--config', 'hash-max-ziplist-entries=1024', small);
    expect(t.out).toContain('hashtable → listpack');
    expect(t.out).toContain(`saving: `);
    expect(t.out).toContain(`(${totalBefore - totalAfter} bytes, `);
  });

  it('the old *-ziplist-* names are the same settings; several settings at once', async () => {
    const a = await memory('--format', 'jsonl', '--config', 'hash-max-ziplist-entries=1024', small);
    const b = await memory('--format', 'jsonl', '--config', 'hash-max-listpack-entries=1024', small);
    expect(a.out).toBe(b.out);
    const c = JSON.parse(
      (await memory('--format', 'json', '--config', 'zset-max-listpack-entries=1', '--config', 'set-max-intset-entries=2', small)).out,
    ) as Array<JsonRecord & { defaultEncoding: string }>;
    expect(c.find((o) => o.key === 'plain')).toMatchObject({ encoding: 'skiplist', defaultEncoding: 'listpack' });
    expect(c.find((o) => o.type === 'set')).toMatchObject({ encoding: 'hashtable', defaultEncoding: 'intset' });
  });

  it('values are validated as CONFIG SET does (exit 2, Redis error text); only encoding settings are accepted', async () => {
    const bad = await memory('--config', 'hash-max-listpack-entries=lots', small);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe(
      "redscope: --config hash-max-listpack-entries=lots: ERR CONFIG SET failed (possibly related to argument 'hash-max-listpack-entries') - argument couldn't be parsed into an integer\n",
    );
    expect(bad.out).toBe('');
    const unknown = await memory('--config', 'no-such-thing=1', small);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown config parameter 'no-such-thing'");
    const other = await memory('--config', 'maxmemory=1gb', small);
    expect(other.code).toBe(2);
    expect(other.err).toContain('does not change encodings');
    const noEq = await memory('--config', 'hash-max-listpack-entries', small);
    expect(noEq.code).toBe(2);
  });
});

describe('redscope memory: bad input and output', () => {
  it('a truncated RDB: exit 1, one line naming the offset', async () => {
    const file = path.join(dir, 'truncated.rdb');
    const whole = fs.readFileSync(FIXTURE);
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    for (const format of ['csv', 'table']) {
      const r = await memory('--format', format, file);
      expect(r.code).toBe(1);
      const lines = r.err.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^redscope: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated: .*`));
      expect(lines[0]).toMatch(/offset|\d{3,}/);
    }
  });

  it('not an RDB: exit 1; a missing file: exit 2; bad options: exit 2', async () => {
    const junk = path.join(dir, 'junk.rdb');
    fs.writeFileSync(junk, 'hello, this is not an RDB file at all');
    const j = await memory(junk);
    expect(j.code).toBe(1);
    expect(j.err).toMatch(/^redscope: .*junk\.rdb: corrupt: /);
    const m = await memory(path.join(dir, 'missing.rdb'));
    expect(m.code).toBe(2);
    expect(m.err).toBe(`redscope: cannot read ${path.join(dir, 'missing.rdb')}: no such file\n`);
    for (const args of [['--format', 'xml'], ['--by', 'size'], ['--top', '0'], ['--target', '5.0'], ['--min-bytes', 'many'], ['--separator', '']]) {
      expect((await memory(...args, small)).code).toBe(2);
    }
  });

  it('-o writes the report to a file (nothing on stdout)', async () => {
    const out = path.join(dir, 'report.csv');
    const r = await memory('--format', 'csv', '-o', out, small);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(fs.readFileSync(out)).toEqual((await memory('--format', 'csv', small)).stdout);
  });
});

const CORPUS = path.resolve(ROOT, '../shared/corpus');
describe.skipIf(!fs.existsSync(CORPUS))('redscope memory on the shared corpus', () => {
  for (const [version, target] of [
    ['6.2.16', '6.2'],
    ['7.0.15', '7.0'],
    ['7.2.6', '7.2'],
    ['7.4.1', '7.4'],
  ]) {
    it(`${version} --target ${target}: the JSON's bytes add up to the servers' MEMORY USAGE figures within 1%, encodings equal`, async () => {
      const dir = path.join(CORPUS, version);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, 'dump.expected.json'), 'utf8')) as {
        keys: Array<{ db: number; key: string; encoding: string; memory: number }>;
      };
      const r = await memory('--format', 'jsonl', '--target', target, path.join(dir, 'dump.rdb'));
      expect(r.code).toBe(0);
      const got = r.out.trim().split('\n').map((l) => JSON.parse(l) as JsonRecord);
      const hex = (k: JsonRecord['key']) => (typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k.base64, 'base64')).toString('hex');
      const byKey = new Map(got.map((o) => [`${o.db}:${hex(o.key)}`, o]));
      let model = 0;
      let real = 0;
      for (const k of expected.keys) {
        const o = byKey.get(`${k.db}:${k.key}`);
        expect(o, k.key).toBeDefined();
        expect([k.key, o!.encoding]).toEqual([k.key, k.encoding]);
        model += o!.bytes;
        real += k.memory;
      }
      expect(Math.abs(model - real) / real).toBeLessThanOrEqual(0.01);
      // The table's total is the same sum over every key of the file.
      const t = await memory('--by', 'type', '--target', target, path.join(dir, 'dump.rdb'));
      expect(t.out).toContain(`(${got.reduce((n, o) => n + o.bytes, 0)} bytes) in ${got.length} keys`);
    });
  }
});

const registered = buildProgram().commands.some((c) => c.name() === 'memory');
describe.skipIf(!registered)('redscope memory through bin/redscope.js', () => {
  it('runs as a subcommand of the real program', async () => {
    expect(fs.existsSync(BIN)).toBe(true);
    const r = await redscope(['memory', '--format', 'csv', '--top', '3', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString().split('\n')).toHaveLength(5);
  });
});
