import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAof } from '../../../src/persistence/aof/check.js';
import { formatManifest, ManifestError, parseManifest, reprName, splitArgs } from '../../../src/persistence/aof/manifest.js';
import { CHECK_AOF, realCheckAof } from './oracle.js';

let tmp: string;
let n = 0;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aof-manifest-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('manifest parsing', () => {
  it('reads what Redis writes, and writes it back identically', () => {
    const text = 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n';
    const am = parseManifest(text);
    expect(am.base).toEqual({ name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'b' });
    expect(am.history.map((e) => e.name)).toEqual(['appendonly.aof.1.incr.aof']);
    expect(am.incr.map((e) => e.seq)).toEqual([2, 3]);
    expect(formatManifest(am)).toBe(text);
  });

  it('keys in any order and case, comments, quoted names, newer keys', () => {
    const am = parseManifest('# comment\nSEQ 5 Type i FILE "my file\\x41.aof" startoffset 10 endoffset 20\n');
    expect(am.incr[0]).toEqual({ name: 'my fileA.aof', seq: 5, type: 'i', startOffset: 10, endOffset: 20 });
    expect(formatManifest(am)).toBe('file "my fileA.aof" seq 5 type i startoffset 10 endoffset 20\n');
    expect(reprName('a"b\n\xff')).toBe('"a\\"b\\n\\xff"');
    expect(splitArgs(`a 'b c' "d\\te" f"g"`)).toEqual(['a', 'b c', 'd\te', 'fg']);
    expect(splitArgs('"unterminated')).toBeNull();
    expect(splitArgs('"closed"x')).toBeNull();
  });

  it('errors', () => {
    const err = (t: string) => {
      try {
        parseManifest(t);
      } catch (e) {
        expect(e).toBeInstanceOf(ManifestError);
        return (e as ManifestError).reason;
      }
      return 'ok';
    };
    expect(err('')).toBe('Found an empty AOF manifest');
    expect(err('file a seq 1 type b')).toBe('The AOF manifest file contains too long line');
    expect(err(`file ${'a'.repeat(1020)} seq 1 type b\n`)).toBe('The AOF manifest file contains too long line');
    expect(err('file a seq 1 type b\n\n')).toBe('Invalid AOF manifest file format');
    expect(err('file a/b seq 1 type b\n')).toBe("File can't be a path, just a filename");
    expect(err('file a seq 1 type b\nfile c seq 2 type b\n')).toBe('Found duplicate base file information');
    expect(err('file a seq 2 type i\nfile c seq 2 type i\n')).toBe('Found a non-monotonic sequence number');
    expect(err('file a seq 1 type x\n')).toBe('Unknown AOF file type');
    expect(err('file a seq 0 type b\n')).toBe('Invalid AOF manifest file format');
  });
});

describe.skipIf(!CHECK_AOF)('manifest judgement against redis-check-aof', () => {
  const cases: string[] = [
    'file a seq 1 type b\nfile b seq 1 type i\n',
    'FILE a SEQ 1 TYPE b\n',
    'seq 1 file a type b\n',
    'file a seq 1 type b\n# a comment\nfile b seq 2 type i\n',
    'file a seq 1 type b unknown key\n',
    'file a seq 1 type b startoffset 5 endoffset 9\n',
    'file "sp ace" seq 1 type b\n',
    "file 'q' seq 1 type i\nfile b seq 2 type i\n",
    'file a seq 1 type h\nfile b seq 1 type i\n',
    'file a seq 1 type b',
    'file a seq 1 type b\n\n',
    'file a seq 1 type b\n   \n',
    'file a seq 1 type\n',
    'file a seq 1 type b extra\n',
    'file a/b seq 1 type b\n',
    'file a\\b seq 1 type b\n',
    'file a seq 1 type b\nfile b seq 1 type b\n',
    'file a seq 3 type i\nfile b seq 2 type i\n',
    'file a seq -1 type i\n',
    'file a seq x type i\n',
    'file a seq 1 type z\n',
    'file a seq 1 type ""\n',
    'file "a seq 1 type b\n',
    `file ${'a'.repeat(1010)} seq 1 type b\n`,
    `#${'c'.repeat(1500)}\nfile a seq 1 type b\n`,
    'file a seq 1 type bogus\n',
    'file  a   seq\t1 type b  \r\n',
  ];

  it('accepts and refuses the same manifests, with the same reason and line', () => {
    for (const text of cases) {
      const d = path.join(tmp, `m${n++}`);
      fs.mkdirSync(d);
      for (const name of ['a', 'b', 'sp ace', 'q']) fs.writeFileSync(path.join(d, name), '');
      const m = path.join(d, 'x.manifest');
      fs.writeFileSync(m, text);
      const real = realCheckAof([m]);
      const ours = checkAof(m);
      const ctx = `${JSON.stringify(text.slice(0, 80))}\n${real.stdout}`;
      expect(ours.valid, ctx).toBe(real.code === 0);
      expect(ours.layout === 'multi-part', ctx).toBe(real.stdout.startsWith('Start checking Multi Part AOF'));
      if (real.stdout.includes('FATAL AOF MANIFEST FILE ERROR')) {
        expect(ours.error?.kind, ctx).toBe('manifest');
        const logged = [...real.stdout.matchAll(/\d+:C .*? # (.+)/g)].map((x) => x[1]!.trim()).filter((l) => l && !l.startsWith('***'));
        const reason = logged.at(-1);
        const at = /Reading the manifest file, at line (\d+)/.exec(real.stdout);
        const e = (() => {
          try {
            parseManifest(fs.readFileSync(m));
          } catch (x) {
            return x as ManifestError;
          }
          return null;
        })()!;
        expect(e.reason, ctx).toBe(reason);
        expect(e.line, ctx).toBe(at ? Number(at[1]) : null);
      }
    }
  });

  it('documented difference: a RESP AOF holding a line that starts with "file" is an AOF to us', () => {
    // redis-check-aof 7.0 calls any file with a line starting with "file" a manifest (it scans
    // every line), so an AOF with a key or value "file…" on its own line is misjudged.
    const d = path.join(tmp, `m${n++}`);
    fs.mkdirSync(d);
    const f = path.join(d, 'k.aof');
    fs.writeFileSync(f, '*2\r\n$3\r\nGET\r\n$4\r\nfile\r\n');
    expect(realCheckAof([f]).stdout).toContain('Invalid AOF manifest file format');
    expect(checkAof(f)).toMatchObject({ valid: true, layout: 'single' });
  });
});
