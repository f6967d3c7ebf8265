import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkAof, formatAofReport, isAofPath, verifyAofPath, type AofVerifyReport } from '../../../src/persistence/aof/check.js';
import { caseDirs, CHECK_AOF, MANIFEST, MULTI_DIR, PLAIN_DIR, PREAMBLE_DIR, realCheckAof, rng, ROOT, SINGLE, SINGLE_PREAMBLE } from './oracle.js';

const { caseDir } = caseDirs('redscope-aof-check-');

function ourAnalyzed(r: AofVerifyReport) {
  return r.files.filter((f) => f.ok_up_to !== null && f.status !== 'timestamp-cut').map((f) => ({ size: f.size, ok_up_to: f.ok_up_to, ok_up_to_line: f.ok_up_to_line, diff: f.diff }));
}

/**
 * Runs redis-check-aof on a copy of `target` (file or manifest path inside `dir`) and our
 * checker on the original; asserts the same per-file analysis, verdict and error message.
 */
function compareWithReal(dir: string, rel: string, label = rel): AofVerifyReport {
  const copy = caseDir();
  fs.cpSync(dir, copy, { recursive: true });
  const realTarget = path.join(copy, rel);
  const ourTarget = path.join(dir, rel);
  const real = realCheckAof([realTarget]);
  const ours = checkAof(ourTarget);
  const ctx = `${label}\n--- redis-check-aof:\n${real.stdout.split('\n').filter((l) => !l.startsWith('[')).join('\n')}`;
  expect(ourAnalyzed(ours), ctx).toEqual(real.analyzed.map(({ filename: _f, ...a }) => a));
  expect(ours.valid, ctx).toBe(real.code === 0);
  const ourError = ours.files.map((f) => f.error).find((e) => e && (/^0x/.test(e) || / format error$/.test(e))) ?? null;
  // A length line cut by EOF ends in a NUL; the byte after it that redis-check-aof prints is
  // whatever its stack buffer held (after an RDB preamble: redis-check-rdb's leftovers).
  const norm = (s: string | null, p: string) =>
    s === null ? null : s.split(p).join('<dir>').replace(/(got: 00)(ffffff[0-9a-f]{2}|[0-9a-f]{2})$/, '$1??');
  expect(norm(ourError, dir), ctx).toBe(norm(real.error, copy));
  return ours;
}

function writeCase(name: string, data: Buffer): string {
  const d = caseDir();
  fs.writeFileSync(path.join(d, name), data);
  return d;
}

describe.skipIf(!CHECK_AOF)('AOF checker against redis-check-aof 7.0', () => {
  it('accepts every fixture with the same offsets and line counts', () => {
    for (const f of [SINGLE, SINGLE_PREAMBLE]) {
      const r = compareWithReal(path.dirname(f), path.basename(f));
      expect(r.valid).toBe(true);
    }
    for (const d of [PLAIN_DIR, PREAMBLE_DIR, MULTI_DIR]) {
      const r = compareWithReal(d, MANIFEST);
      expect(r.valid).toBe(true);
      expect(r.layout).toBe('multi-part');
    }
    const pre = checkAof(SINGLE_PREAMBLE);
    expect(pre.layout).toBe('single-preamble');
    expect(pre.files[0]!.preamble).toMatchObject({ ok: true });
    expect(pre.files[0]!.annotations).toBeGreaterThan(1);
    expect(pre.files[0]!.firstTimestamp).toBeGreaterThan(1.7e9);
  });

  it('verifyAofPath and isAofPath (for redscope verify routing)', async () => {
    const r = await verifyAofPath(PREAMBLE_DIR);
    expect(r).toMatchObject({ valid: true, type: 'aof' });
    expect(r.files[0]!.preamble).toMatchObject({ ok: true, version: 10 });
    const text = formatAofReport(r);
    expect(text).toMatch(/rdb preamble: version 10, \d+ keys, ends at \d+: ok/);
    expect(text).toContain('result: valid');
    expect(isAofPath(PLAIN_DIR)).toBe(true);
    expect(isAofPath(SINGLE)).toBe(true);
    expect(isAofPath(path.join(PLAIN_DIR, MANIFEST))).toBe(true);
    const rdb = path.join(ROOT, 'fixtures/rdb', fs.readdirSync(path.join(ROOT, 'fixtures/rdb')).find((f) => f.endsWith('.rdb'))!);
    expect(isAofPath(rdb)).toBe(false);
    expect(isAofPath(path.join(ROOT, 'fixtures'))).toBe(false);
  });

  it('a directory means its manifest', () => {
    const r = checkAof(PLAIN_DIR);
    expect(r.valid).toBe(true);
    expect(r.files.map((f) => f.role)).toEqual(['base', 'incr']);
  });

  it('truncated at many offsets: same ok_up_to, line and message', () => {
    const data = fs.readFileSync(SINGLE);
    const offsets = new Set<number>();
    for (let i = 1; i < 400; i++) offsets.add(data.length - i);
    for (let i = 1; i < data.length; i += 211) offsets.add(i);
    for (let i = 1; i < 40; i++) offsets.add(i);
    for (const off of offsets) compareWithReal(writeCase('t.aof', data.subarray(0, off)), 't.aof', `truncated at ${off}`);
  });

  it('RDB-preamble single file truncated in its AOF tail and inside the RDB', () => {
    const data = fs.readFileSync(SINGLE_PREAMBLE);
    const rdbEnd = checkAof(SINGLE_PREAMBLE).files[0]!.preamble!.endOffset!;
    for (let off = rdbEnd; off < data.length; off += 7) {
      compareWithReal(writeCase('p.aof', data.subarray(0, off)), 'p.aof', `preamble truncated at ${off}`);
    }
    for (const off of [10, 100, rdbEnd - 9, rdbEnd - 1]) {
      const d = writeCase('p.aof', data.subarray(0, off));
      const real = realCheckAof([path.join(d, 'p.aof')]);
      const ours = checkAof(path.join(d, 'p.aof'));
      expect(real.stdout).toContain('RDB preamble of AOF file is not sane');
      expect(ours.valid).toBe(false);
      expect(ours.error!.kind).toBe('preamble');
    }
  });

  it('random byte flips', () => {
    const data = fs.readFileSync(SINGLE);
    const r = rng(7);
    const interesting = [0x00, 0x0a, 0x0d, 0x2a, 0x24, 0x23, 0x30, 0x39, 0x2d, 0x20, 0xff, 0x80];
    for (let i = 0; i < 250; i++) {
      const copy = Buffer.from(data);
      const flips = 1 + Math.floor(r() * 3);
      const at: number[] = [];
      for (let k = 0; k < flips; k++) {
        const p = Math.floor(r() * copy.length);
        copy[p] = r() < 0.5 ? interesting[Math.floor(r() * interesting.length)]! : Math.floor(r() * 256);
        at.push(p);
      }
      compareWithReal(writeCase('f.aof', copy), 'f.aof', `flips at ${at.join(',')}`);
    }
  });

  it('random byte flips in multi-part directories and in an RDB-preamble tail', () => {
    const r = rng(21);
    for (let i = 0; i < 80; i++) {
      const src = i % 2 ? MULTI_DIR : PREAMBLE_DIR;
      const d = caseDir();
      fs.cpSync(src, d, { recursive: true });
      const files = fs.readdirSync(d).filter((f) => f.endsWith('.aof'));
      const f = path.join(d, files[Math.floor(r() * files.length)]!);
      const b = fs.readFileSync(f);
      const p = Math.floor(r() * b.length);
      b[p] = Math.floor(r() * 256);
      fs.writeFileSync(f, b);
      compareWithReal(d, MANIFEST, `flip ${path.basename(f)} at ${p}`);
    }
    const data = fs.readFileSync(SINGLE_PREAMBLE);
    const rdbEnd = checkAof(SINGLE_PREAMBLE).files[0]!.preamble!.endOffset!;
    for (let i = 0; i < 60; i++) {
      const b = Buffer.from(data);
      const p = rdbEnd + Math.floor(r() * (b.length - rdbEnd));
      b[p] = Math.floor(r() * 256);
      compareWithReal(writeCase('p.aof', b), 'p.aof', `preamble tail flip at ${p}`);
    }
  });

  it('hand-made damage: MULTI without EXEC, nested MULTI, EXEC alone, garbage, bad lengths, NULs, long lines', () => {
    const data = fs.readFileSync(SINGLE);
    const mid = data.indexOf('*2\r\n$4\r\nINCR', 22000);
    const cases: Array<[string, Buffer]> = [
      ['multi at end', Buffer.concat([data, Buffer.from('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n')])],
      ['multi only', Buffer.concat([data, Buffer.from('*1\r\n$5\r\nmulti\r\n')])],
      ['nested multi', Buffer.concat([data, Buffer.from('*1\r\n$5\r\nMULTI\r\n*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nEXEC\r\n')])],
      ['exec alone', Buffer.concat([data, Buffer.from('*1\r\n$4\r\nExec\r\n')])],
      ['garbage in the middle', Buffer.concat([data.subarray(0, mid), Buffer.from('garbage\r\n'), data.subarray(mid)])],
      ['text in the middle', Buffer.concat([data.subarray(0, mid), Buffer.from('+OK\r\n'), data.subarray(mid)])],
      ['negative bulk', Buffer.concat([data, Buffer.from('*1\r\n$-1\r\n')])],
      ['huge bulk', Buffer.concat([data, Buffer.from('*1\r\n$99999999999\r\nabc\r\n')])],
      ['overflowing bulk', Buffer.concat([data, Buffer.from('*1\r\n$99999999999999999999999\r\nabc\r\n')])],
      ['negative argc', Buffer.concat([data, Buffer.from('*-3\r\n*0\r\n')])],
      ['argc then EOF', Buffer.concat([data, Buffer.from('*2\r\n')])],
      ['bare LF', Buffer.concat([data, Buffer.from('*1\n$4\nPING\n')])],
      ['NUL in argc', Buffer.concat([data, Buffer.from('*1\x00\r\n')])],
      ['NUL prefix', Buffer.concat([data, Buffer.from('*1\r\n\x00\r\n')])],
      ['high byte prefix', Buffer.concat([data, Buffer.from('*1\r\n\xe9\r\n', 'latin1')])],
      ['long length line', Buffer.concat([data, Buffer.from('*1\r\n$' + '0'.repeat(200) + '4\r\nPING\r\n')])],
      ['spaces in length', Buffer.concat([data, Buffer.from('*1\r\n$ 4\r\nPING\r\n* 1\r\n$+4\r\nPING\r\n')])],
      ['multi with NUL', Buffer.concat([data, Buffer.from('*1\r\n$7\r\nMULTI\x00x\r\n')])],
      ['annotation only', Buffer.concat([data, Buffer.from('#whatever\r\n')])],
      ['annotation without newline', Buffer.concat([data, Buffer.from('#whatever')])],
      ['long annotation', Buffer.concat([data, Buffer.from('#' + 'a'.repeat(1500) + '\r\n')])],
      ['multi then annotation then EOF', Buffer.concat([data, Buffer.from('*1\r\n$5\r\nMULTI\r\n#TS:1\r\n')])],
      ['multi then garbage', Buffer.concat([data, Buffer.from('*1\r\n$5\r\nMULTI\r\nxyz')])],
      ['bad CRLF after data', Buffer.concat([data, Buffer.from('*1\r\n$4\r\nPINGxy*1\r\n')])],
      ['empty', Buffer.alloc(0)],
      ['short non-RDB', Buffer.from('REDIS')],
      ['one star', Buffer.from('*')],
    ];
    for (const [label, buf] of cases) compareWithReal(writeCase('h.aof', buf), 'h.aof', label);
  });

  it('multi-part: a truncated non-last file, a truncated last file, a missing file, an empty incr', () => {
    const names = fs.readdirSync(MULTI_DIR).filter((f) => f.includes('.incr.'));
    // truncated first incr (not the last file)
    for (const cut of [1, 7, 100, 500]) {
      const d = caseDir();
      fs.cpSync(MULTI_DIR, d, { recursive: true });
      const f = path.join(d, names[0]!);
      fs.truncateSync(f, fs.statSync(f).size - cut);
      const r = compareWithReal(d, MANIFEST, `non-last cut ${cut}`);
      expect(r.valid).toBe(false);
      expect(r.fix).toBeNull();
      expect(r.files.at(-1)!.status).toBe('unchecked');
    }
    // truncated last file
    {
      const d = caseDir();
      fs.cpSync(MULTI_DIR, d, { recursive: true });
      const f = path.join(d, names[1]!);
      fs.truncateSync(f, fs.statSync(f).size - 5);
      const r = compareWithReal(d, MANIFEST, 'last cut');
      expect(r.fix).toMatchObject({ file: names[1], reason: 'corrupt' });
      expect(r.error!.kind).toBe('truncated');
    }
    // truncated base (RESP) in the plain dir
    {
      const d = caseDir();
      fs.cpSync(PLAIN_DIR, d, { recursive: true });
      const base = fs.readdirSync(d).find((x) => x.includes('.base.'))!;
      fs.truncateSync(path.join(d, base), 10000);
      compareWithReal(d, MANIFEST, 'base cut');
    }
    // empty incr
    {
      const d = caseDir();
      fs.cpSync(MULTI_DIR, d, { recursive: true });
      fs.writeFileSync(path.join(d, names[1]!), '');
      const r = compareWithReal(d, MANIFEST, 'empty last incr');
      expect(r.files.at(-1)!.status).toBe('empty');
    }
    // missing file
    {
      const d = caseDir();
      fs.cpSync(MULTI_DIR, d, { recursive: true });
      fs.rmSync(path.join(d, names[0]!));
      const real = realCheckAof([path.join(d, MANIFEST)]);
      expect(real.code).toBe(1);
      expect(real.stdout).toContain(`Cannot open file ${path.join(d, names[0]!)}: No such file or directory, aborting...`);
      const r = checkAof(path.join(d, MANIFEST));
      expect(r.valid).toBe(false);
      expect(r.error).toMatchObject({ kind: 'missing', message: `Cannot open file ${d}/${names[0]}: No such file or directory, aborting...` });
    }
  });

  it('damaged RDB base in a directory', () => {
    const d = caseDir();
    fs.cpSync(PREAMBLE_DIR, d, { recursive: true });
    const base = path.join(d, fs.readdirSync(d).find((x) => x.endsWith('.base.rdb'))!);
    const b = fs.readFileSync(base);
    b[b.length - 3] ^= 0xff; // the checksum
    fs.writeFileSync(base, b);
    expect(realCheckAof([path.join(d, MANIFEST)]).stdout).toContain('RDB preamble of AOF file is not sane, aborting.');
    const r = checkAof(d);
    expect(r.valid).toBe(false);
    expect(r.error!.kind).toBe('preamble');
    expect(r.files[0]!.preamble!.error!.message).toMatch(/CRC/);
  });

  it('streams: a large file is checked without reading it into memory', () => {
    const d = caseDir();
    const f = path.join(d, 'big.aof');
    const cmd = Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$1000\r\n' + 'v'.repeat(1000) + '\r\n');
    const block = Buffer.concat(Array.from({ length: 1000 }, () => cmd));
    const fd = fs.openSync(f, 'w');
    for (let i = 0; i < 100; i++) fs.writeSync(fd, block); // ~100 MB
    fs.closeSync(fd);
    const before = process.memoryUsage().rss;
    const r = checkAof(f);
    const grown = process.memoryUsage().rss - before;
    expect(r.valid).toBe(true);
    expect(r.files[0]!.commands).toBe(100000);
    expect(grown).toBeLessThan(40 << 20);
    fs.rmSync(f);
  });
});

describe.skipIf(!CHECK_AOF || !fs.existsSync(path.resolve(ROOT, '../shared/corpus')))('shared corpus', () => {
  const corpus = path.resolve(ROOT, '../shared/corpus');
  const versions = fs.existsSync(corpus) ? fs.readdirSync(corpus) : [];
  it('every aof-*.aof and aof-*.tar verifies as valid', () => {
    let seen = 0;
    for (const v of versions) {
      const dir = path.join(corpus, v);
      if (!fs.statSync(dir).isDirectory()) continue;
      for (const f of fs.readdirSync(dir)) {
        if (/^aof-.*\.aof$/.test(f)) {
          const r = checkAof(path.join(dir, f));
          expect(r.valid, `${v}/${f}: ${JSON.stringify(r.error)}`).toBe(true);
          seen++;
        } else if (/^aof-.*\.tar$/.test(f)) {
          const d = caseDir();
          expect(spawnSync('tar', ['-xf', path.join(dir, f), '-C', d]).status).toBe(0);
          const r = checkAof(path.join(d, 'appendonlydir'));
          expect(r.valid, `${v}/${f}: ${JSON.stringify(r.error)}`).toBe(true);
          expect(r.layout).toBe('multi-part');
          seen++;
        }
      }
    }
    expect(seen).toBeGreaterThanOrEqual(12);
  });

  it('the corpus AOFs that redis-check-aof 7.0 can read give the same analysis', () => {
    for (const v of ['4.0.14', '5.0.14', '6.2.16', '7.0.15']) {
      const dir = path.join(corpus, v);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir)) {
        if (/^aof-.*\.aof$/.test(f)) compareWithReal(dir, f, `${v}/${f}`);
        else if (/^aof-.*\.tar$/.test(f)) {
          const d = caseDir();
          spawnSync('tar', ['-xf', path.join(dir, f), '-C', d]);
          compareWithReal(path.join(d, 'appendonlydir'), MANIFEST, `${v}/${f}`);
        }
      }
    }
  });
});
