import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `redscope shell --rdb fixtures/rdb/redis-7.0.15.rdb` in a real pseudo-terminal (tmux): the
 * prompt is named after the file, its keys are there, :peek shows a zset's encoding and
 * members, a long reply is paged. Needs `tmux` and a build (npm test builds first).
 */

const root = path.resolve(import.meta.dirname, '../..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const main = path.join(root, 'dist/cli/main.js');
const built = fs.existsSync(main) && fs.readFileSync(main, 'utf8').includes("new Command('shell')");

const server = `redscope-e2e-rdb-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, ...args]).toString();
const screen = () => tmux('capture-pane', '-p', '-t', 'shell').replace(/\s+$/, '');
const keys = (...k: string[]) => tmux('send-keys', '-t', 'shell', ...k);

async function waitFor(pred: (s: string) => boolean, ms = 15000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen();
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`screen never matched; last screen:\n${s}`);
}

const PROMPT = 'redis-7.0.15.rdb>';
const lastLine = (s: string) => s.split('\n').filter((l) => l.trim() !== '').pop() ?? '';

describe.skipIf(!hasTmux || !built)('redscope shell --rdb in a real terminal (tmux)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-e2e-rdb-'));
    const hist = path.join(dir, 'history');
    const cmd = ['node', path.join(root, 'bin/redscope.js'), 'shell', '--rdb', 'fixtures/rdb/redis-7.0.15.rdb']
      .map((a) => `'${a}'`)
      .join(' ');
    tmux(
      'new-session', '-d', '-s', 'shell', '-x', '100', '-y', '40', '-c', root,
      `env REDSCOPE_HISTFILE='${hist}' NO_COLOR=1 ${cmd}; sleep 30`,
    );
    await waitFor((s) => s.includes(PROMPT), 45000);
  }, 60000);

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the prompt is the file name and the file keys are there', async () => {
    keys('KEYS db0:zset*', 'Enter');
    const s = await waitFor((x) => x.includes('db0:zset:small"') && lastLine(x) === PROMPT);
    expect(s).toContain(`${PROMPT} KEYS db0:zset*`);
    for (const k of ['db0:zset:small', 'db0:zset:big', 'db0:zset:longmember']) expect(s).toMatch(new RegExp(`\\d\\) "${k}"`));
    keys('DBSIZE', 'Enter');
    await waitFor((x) => x.includes('(integer) 30'));
    keys('SELECT 15', 'Enter');
    await waitFor((x) => lastLine(x) === 'redis-7.0.15.rdb[15]>');
    keys('SELECT 0', 'Enter');
    await waitFor((x) => lastLine(x) === PROMPT);
  });

  it(':peek on a zset shows its encoding and members', async () => {
    keys('clear', 'Enter');
    await waitFor((x) => !x.includes('KEYS'));
    keys(':peek db0:zset:small', 'Enter');
    // The whole frame, not a capture taken while the terminal was still being written.
    const s = await waitFor(
      (x) => x.includes('(reverse') === false && /│ type\s+│ zset/.test(x) && x.includes('"d"') && lastLine(x) === PROMPT,
    );
    expect(s).toMatch(/│ type\s+│ zset\s+│/);
    expect(s).toMatch(/│ encoding\s+│ listpack\s+│/);
    expect(s).toMatch(/│ length\s+│ 5\s+│/);
    // Members in score order, with their scores (7.2's shortest doubles).
    const rows = [...s.matchAll(/│ "(\w)"\s+│ (\S+)\s+│/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(['c -inf', 'e 0.1', 'a 1', 'b 2.5', 'd inf']);
    keys(':peek db0:zset:big', 'Enter');
    const big = await waitFor((x) => /encoding\s+│ skiplist/.test(x) && /\(\d+ more\)/.test(x) && lastLine(x) === PROMPT);
    expect(big).toMatch(/\(\d+ more\)/);
  });

  it('a reply taller than the terminal is paged; q stops it', async () => {
    keys('clear', 'Enter');
    await waitFor((x) => !x.includes(':peek'));
    keys('ZRANGE db0:zset:big 0 49', 'Enter');
    const s = await waitFor((x) => x.includes('-- more -- (space: next page, q: stop)'));
    // 40 rows: the echoed command, 36 lines of the page, the pager line, the prompt, the cursor's row.
    const lines = s.split('\n');
    expect(lines[0]).toBe(`${PROMPT} ZRANGE db0:zset:big 0 49`);
    expect(lines[1]).toBe(' 1) "m0"');
    expect(lines[36]).toBe('36) "m35"');
    expect(lines[37]).toBe('-- more -- (space: next page, q: stop)');
    keys('Space');
    await waitFor((x) => x.includes('50) "m49"'));
    await waitFor((x) => !x.includes('-- more --') && lastLine(x) === PROMPT);
    keys('ZRANGE db0:zset:big 0 49', 'Enter');
    await waitFor((x) => x.includes('-- more --'));
    keys('q');
    await waitFor((x) => !x.includes('-- more --') && lastLine(x) === PROMPT);
    keys('ECHO done', 'Enter');
    await waitFor((x) => x.includes('"done"'));
  });

  it(':memory lists the biggest keys', async () => {
    keys('clear', 'Enter');
    await waitFor((x) => !x.includes('KEYS'));
    keys(':memory 3', 'Enter');
    const s = await waitFor((x) => x.includes('(3 of 30 keys, db 0)'));
    expect(s).toMatch(/│ 1 │ "db0:[^"]+"\s+│ \w+\s+│ \w+\s+│ \d+/);
  });

  it('Ctrl-D leaves', async () => {
    keys('C-d');
    await waitFor((x) => !lastLine(x).startsWith(PROMPT));
  });
});
