import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
export { rng } from '../../helpers/rng.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const FIXTURES = path.join(ROOT, 'fixtures/aof');
/** The fixture layouts (made by fixtures/aof's script with Debian's redis-server). */
export const SINGLE = path.join(FIXTURES, 'single.aof');
export const SINGLE_PREAMBLE = path.join(FIXTURES, 'single-preamble.aof');
export const PLAIN_DIR = path.join(FIXTURES, 'plain/appendonlydir');
export const PREAMBLE_DIR = path.join(FIXTURES, 'preamble/appendonlydir');
export const MULTI_DIR = path.join(FIXTURES, 'multi-incr/appendonlydir');
export const MANIFEST = 'appendonly.aof.manifest';

/**
 * A temporary directory for a test file, removed after it: `root()` is the directory,
 * `caseDir()` a fresh subdirectory for one case (tests work on copies, never on fixtures).
 */
export function caseDirs(prefix: string): { root(): string; caseDir(): string } {
  let tmp = '';
  let n = 0;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  return {
    root: () => tmp,
    caseDir: () => {
      const d = path.join(tmp, `c${n++}`);
      fs.mkdirSync(d);
      return d;
    },
  };
}

export const CHECK_AOF = ['/usr/bin/redis-check-aof', '/usr/local/bin/redis-check-aof'].find((p) => fs.existsSync(p)) ?? null;

export interface Analyzed {
  filename: string;
  size: number;
  ok_up_to: number;
  ok_up_to_line: number;
  diff: number;
}

export interface RealResult {
  code: number | null;
  stdout: string;
  analyzed: Analyzed[];
  /** The "0x…: …" line, or "AOF x format error". */
  error: string | null;
}

/** Runs the real redis-check-aof (on whatever path it is given: pass a copy) with `input` on stdin. */
export function realCheckAof(args: string[], input = '', cwd?: string): RealResult {
  const r = spawnSync(CHECK_AOF!, args, { input: Buffer.from(input), cwd, maxBuffer: 64 << 20 });
  const stdout = r.stdout.toString('latin1');
  const analyzed: Analyzed[] = [];
  let error: string | null = null;
  for (const line of stdout.split('\n')) {
    const m = /^AOF analyzed: filename=(.*), size=(\d+), ok_up_to=(\d+), ok_up_to_line=(\d+), diff=(\d+)$/.exec(line);
    if (m) analyzed.push({ filename: m[1]!, size: +m[2]!, ok_up_to: +m[3]!, ok_up_to_line: +m[4]!, diff: +m[5]! });
    else if (/^0x[ 0-9a-f]{16}: /.test(line) || / format error$/.test(line)) error = line;
  }
  return { code: r.status, stdout, analyzed, error };
}

/** Copies a file or directory tree to `dest`. */
export function copyTree(src: string, dest: string): void {
  fs.cpSync(src, dest, { recursive: true });
}
