import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAof } from './helpers.js';
import { parseTimestampArg } from '../../src/cli/aof.js';
import { caseDirs, CHECK_AOF, MANIFEST, MULTI_DIR, PLAIN_DIR, PREAMBLE_DIR, realCheckAof, rng, SINGLE, SINGLE_PREAMBLE } from '../persistence/aof/oracle.js';

const { root, caseDir } = caseDirs('redscope-cli-aof-');

/** Runs `redscope aof ARGS` in process with the given stdin and terminal flag. */
const aof = runAof;

function listFiles(dir: string): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) if (!f.includes('.bak-')) m.set(f, fs.readFileSync(path.join(dir, f)));
  return m;
}

/** Two copies of `src` (a file or directory): one for redis-check-aof, one for us. */
function twoCopies(src: string, mutate?: (root: string) => void): [string, string] {
  const a = caseDir();
  const b = caseDir();
  for (const d of [a, b]) {
    if (fs.statSync(src).isDirectory()) fs.cpSync(src, d, { recursive: true });
    else fs.copyFileSync(src, path.join(d, path.basename(src)));
    mutate?.(d);
  }
  return [a, b];
}

describe('redscope aof verify', () => {
  it('a valid directory: report, exit 0, JSON', async () => {
    const r = await aof(['verify', PLAIN_DIR]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('result: valid');
    expect(r.stdout).toMatch(/AOF analyzed: filename=appendonly\.aof\.2\.incr\.aof, size=\d+, ok_up_to=\d+, ok_up_to_line=\d+, diff=0/);
    expect(r.stderr).toBe('');
    const j = JSON.parse((await aof(['verify', '--json', PREAMBLE_DIR])).stdout);
    expect(j).toMatchObject({ valid: true, type: 'aof', layout: 'multi-part' });
    expect(j.files[0]).toMatchObject({ role: 'base', format: 'rdb', preamble: { ok: true } });
  });

  it('an invalid file: exit 1, the redis-check-aof message on one stderr line', async () => {
    const d = caseDir();
    const f = path.join(d, 'x.aof');
    const data = fs.readFileSync(SINGLE);
    fs.writeFileSync(f, data.subarray(0, data.length - 3));
    const r = await aof(['verify', f]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/truncated: 0x {0,16}[0-9a-f]+: Expected to read \d+ bytes, got \d+ bytes/);
    const j = JSON.parse((await aof(['verify', '--json', f])).stdout);
    if (CHECK_AOF) expect(j.files[0].ok_up_to).toBe(realCheckAof([f]).analyzed[0]!.ok_up_to);
  });

  it('cannot read: exit 2', async () => {
    const r = await aof(['verify', path.join(root(), 'nope.aof')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^redscope: cannot read .*nope\.aof: no such file\n$/);
    const empty = caseDir();
    expect((await aof(['verify', empty])).code).toBe(2);
  });
});

describe.skipIf(!CHECK_AOF)('redscope aof fix against redis-check-aof --fix', () => {
  let fixed = 0;
  afterAll(() => {
    expect(fixed).toBeGreaterThan(20);
  });
  /** Damages with `mutate`, fixes both copies, expects byte-identical trees and matching verdicts. */
  async function compareFix(src: string, target: string, mutate: (root: string) => void, label: string) {
    const [real, ours] = twoCopies(src, mutate);
    const original = listFiles(ours);
    const r = realCheckAof(['--fix', path.join(real, target)], 'y\n');
    const o = await aof(['fix', '--yes', path.join(ours, target)]);
    const ctx = `${label}\n${r.stdout.split('\n').filter((l) => !l.startsWith('[')).join('\n')}\n--- ours:\n${o.stdout}${o.stderr}`;
    expect(o.code === 0, ctx).toBe(r.code === 0);
    expect(listFiles(ours), ctx).toEqual(listFiles(real));
    const backups = fs.readdirSync(ours).filter((f) => f.includes('.bak-'));
    if (/Successfully truncated/.test(r.stdout)) {
      fixed++;
      expect(backups, ctx).toHaveLength(1);
      const orig = backups[0]!.replace(/\.bak-\d+$/, '');
      expect(fs.readFileSync(path.join(ours, backups[0]!)).equals(original.get(orig)!), ctx).toBe(true);
      expect(o.stdout).toContain(`backup: copied`);
    } else {
      expect(backups, ctx).toHaveLength(0);
    }
  }

  it('single files truncated at random offsets and with a trailing MULTI', async () => {
    const size = fs.statSync(SINGLE).size;
    const r = rng(11);
    for (let i = 0; i < 25; i++) {
      const off = Math.floor(r() * size);
      await compareFix(SINGLE, 'single.aof', (d) => fs.truncateSync(path.join(d, 'single.aof'), off), `cut at ${off}`);
    }
    await compareFix(SINGLE, 'single.aof', (d) => fs.appendFileSync(path.join(d, 'single.aof'), '*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nPING\r\n'), 'multi at end');
    await compareFix(SINGLE, 'single.aof', (d) => fs.appendFileSync(path.join(d, 'single.aof'), 'garbage'), 'garbage at end');
    await compareFix(SINGLE, 'single.aof', () => {}, 'nothing to fix');
    const psize = fs.statSync(SINGLE_PREAMBLE).size;
    for (const off of [psize - 1, psize - 30, psize - 200]) {
      await compareFix(SINGLE_PREAMBLE, 'single-preamble.aof', (d) => fs.truncateSync(path.join(d, 'single-preamble.aof'), off), `preamble cut at ${off}`);
    }
  });

  it('garbage in the middle of a single file: cut there', async () => {
    await compareFix(SINGLE, 'single.aof', (d) => {
      const f = path.join(d, 'single.aof');
      const b = fs.readFileSync(f);
      b[b.length - 700] = 0x21;
      fs.writeFileSync(f, b);
    }, 'flip');
  });

  it('multi-part: only the last file is cut; a damaged earlier file is refused', async () => {
    const incrs = fs.readdirSync(MULTI_DIR).filter((f) => f.includes('.incr.')).sort();
    for (const cut of [1, 13, 400]) {
      await compareFix(MULTI_DIR, MANIFEST, (d) => {
        const f = path.join(d, incrs[1]!);
        fs.truncateSync(f, fs.statSync(f).size - cut);
      }, `last cut ${cut}`);
      await compareFix(MULTI_DIR, MANIFEST, (d) => {
        const f = path.join(d, incrs[0]!);
        fs.truncateSync(f, fs.statSync(f).size - cut);
      }, `non-last cut ${cut}`);
    }
    const [, ours] = twoCopies(MULTI_DIR, (d) => fs.truncateSync(path.join(d, incrs[0]!), 50));
    const o = await aof(['fix', '--yes', ours]);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`Failed to truncate AOF ${incrs[0]} because it is not the last file`);
  });

  it('--truncate-to-timestamp cuts at the first #TS: later than TS, as redis-check-aof', async () => {
    const tsOf = (f: string) => [...fs.readFileSync(f, 'latin1').matchAll(/#TS:(\d+)\r\n/g)].map((m) => Number(m[1]));
    const incrs = fs.readdirSync(MULTI_DIR).filter((f) => f.includes('.incr.')).sort();
    const stamps = new Set<number>();
    const seen = { cut: 0, nothingBefore: 0, notLast: 0, nothing: 0 };
    for (const t of [...tsOf(SINGLE), ...tsOf(path.join(MULTI_DIR, incrs[1]!))]) for (const d of [-1, 0, 1]) stamps.add(t + d);
    for (const src of [[SINGLE, 'single.aof'], [SINGLE_PREAMBLE, 'single-preamble.aof'], [MULTI_DIR, MANIFEST], [PREAMBLE_DIR, MANIFEST]] as const) {
      for (const ts of [...stamps, 1, 9999999999]) {
        const [real, ours] = twoCopies(src[0]);
        const r = realCheckAof(['--truncate-to-timestamp', String(ts), path.join(real, src[1])]);
        const o = await aof(['fix', '--yes', '--truncate-to-timestamp', String(ts), path.join(ours, src[1])]);
        const ctx = `${src[1]} ts ${ts}\n${r.stdout.split('\n').filter((l) => !l.startsWith('[')).join('\n')}\n--- ours:\n${o.stdout}${o.stderr}`;
        expect(o.code === 0, ctx).toBe(r.code === 0);
        expect(listFiles(ours), ctx).toEqual(listFiles(real));
        if (/nothing before timestamp/.test(r.stdout)) {
          seen.nothingBefore++;
          expect(o.stderr, ctx).toContain('nothing before timestamp');
        }
        if (/because it is not the last file/.test(r.stdout)) {
          seen.notLast++;
          expect(o.stderr, ctx).toContain('because it is not the last file');
        }
        if (/Successfully truncated AOF .* to timestamp/.test(r.stdout)) {
          seen.cut++;
          expect(o.stdout, ctx).toMatch(/Successfully truncated AOF .* to timestamp/);
        }
        if (/Truncate nothing/.test(r.stdout)) seen.nothing++;
      }
    }
    expect(seen.cut).toBeGreaterThan(5);
    expect(seen.nothingBefore).toBeGreaterThan(0);
    expect(seen.nothing).toBeGreaterThan(0);
    expect(seen.notLast).toBeGreaterThan(0);
  });

  it('an invalid #TS: annotation stops a timestamp cut', async () => {
    const [real, ours] = twoCopies(SINGLE, (d) => fs.appendFileSync(path.join(d, 'single.aof'), '#TS:12x\r\n'));
    const r = realCheckAof(['--truncate-to-timestamp', '2000000000', path.join(real, 'single.aof')]);
    expect(r.stdout).toContain('Invalid timestamp annotation');
    const o = await aof(['fix', '--yes', '--truncate-to-timestamp', '2000000000', path.join(ours, 'single.aof')]);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('Invalid timestamp annotation');
    expect(listFiles(ours)).toEqual(listFiles(real));
  });
});

describe('redscope aof fix: confirmation', () => {
  function damaged(): string {
    const d = caseDir();
    const f = path.join(d, 'd.aof');
    const data = fs.readFileSync(SINGLE);
    fs.writeFileSync(f, data.subarray(0, data.length - 5));
    return f;
  }

  it('without a terminal and without --yes: refuses, exit 2, file untouched', async () => {
    const f = damaged();
    const before = fs.readFileSync(f);
    const r = await aof(['fix', f], { stdin: 'y\n' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes/);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(f))).toEqual(['d.aof']);
  });

  it('on a terminal: asks "Continue? [y/N]"; n aborts, y truncates', async () => {
    const f = damaged();
    const before = fs.readFileSync(f);
    const no = await aof(['fix', f], { stdin: 'n\n', tty: true });
    expect(no.stdout).toMatch(/This will shrink the AOF .* from \d+ bytes, with \d+ bytes, to \d+ bytes\nContinue\? \[y\/N\]: Aborting\.\.\.\n$/);
    expect(no.code).toBe(1);
    expect(fs.readFileSync(f).equals(before)).toBe(true);
    const yes = await aof(['fix', f], { stdin: 'Y\n', tty: true });
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('Successfully truncated AOF');
    expect(fs.statSync(f).size).toBeLessThan(before.length);
    const bak = fs.readdirSync(path.dirname(f)).find((x) => x.startsWith('d.aof.bak-'))!;
    expect(fs.readFileSync(path.join(path.dirname(f), bak)).equals(before)).toBe(true);
    expect((await aof(['verify', f])).code).toBe(0);
  });

  it('a bad --truncate-to-timestamp is a usage error', async () => {
    expect(parseTimestampArg('12x')).toBeNull();
    expect(parseTimestampArg('99999999999999999999')).toBeNull();
    expect(parseTimestampArg(' 12')).toBe(12n);
    const r = await aof(['fix', '--yes', '--truncate-to-timestamp', 'abc', SINGLE]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Invalid timestamp');
  });
});
