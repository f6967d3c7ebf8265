import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The built shell in a real pseudo-terminal (tmux): what a person sees after typing.
 * Runs `node bin/redscope.js` once the CLI opens the Ink shell on a TTY, and the small
 * launcher next to this file until then. Needs `tmux` and a build (npm test builds first).
 */

const root = path.resolve(import.meta.dirname, '../..');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const built = fs.existsSync(path.join(root, 'dist/shell/index.js'));

function command(): string[] {
  const main = path.join(root, 'dist/cli/main.js');
  if (fs.existsSync(main) && fs.readFileSync(main, 'utf8').includes('runShell')) {
    return ['node', path.join(root, 'bin/redscope.js')];
  }
  return ['node', path.join(root, 'test/shell/launcher.mjs')];
}

const server = `redscope-e2e-${process.pid}`;
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

const lastLine = (s: string) => s.split('\n').filter((l) => l.trim() !== '').pop() ?? '';
/** The last line holding the prompt (a long hint may wrap below it). */
const promptLine = (s: string) => (s.split('\n').filter((l) => l.startsWith('redscope')).pop() ?? '').trimEnd();

describe.skipIf(!hasTmux || !built)('shell in a real terminal (tmux)', () => {
  let dir: string;
  let hist: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-e2e-'));
    hist = path.join(dir, 'history');
    const cmd = command().map((a) => `'${a}'`).join(' ');
    const t0 = Date.now();
    tmux('new-session', '-d', '-s', 'shell', '-x', '100', '-y', '30', `env REDSCOPE_HISTFILE='${hist}' NO_COLOR=1 ${cmd}; sleep 30`);
    // Generous: on a loaded 2-core CI machine other test files start servers at the same time.
    await waitFor((s) => s.includes('redscope>'), 45000);
    // Start-up to a usable prompt (informative; the budget is checked by npm run bench).
    console.log(`shell prompt after ${Date.now() - t0} ms`);
  }, 60000);

  afterAll(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SET then GET shows redis-cli replies', async () => {
    keys('SET greeting hello', 'Enter');
    await waitFor((s) => s.includes('OK'));
    keys('GET greeting', 'Enter');
    const s = await waitFor((x) => x.includes('"hello"'));
    expect(s).toContain('redscope> SET greeting hello\nOK\nredscope> GET greeting\n"hello"');
    expect(lastLine(s)).toBe('redscope>');
  });

  it('Tab completes HGETA to HGETALL and the hint shows its argument', async () => {
    keys('HGETA', 'Tab');
    const s = await waitFor((x) => lastLine(x).includes('HGETALL'));
    expect(lastLine(s)).toBe('redscope> HGETALL key');
    keys('C-u');
    await waitFor((x) => lastLine(x) === 'redscope>');
  });

  it('Up recalls history, which lands in the history file', async () => {
    keys('Up');
    let s = await waitFor((x) => promptLine(x).startsWith('redscope> GET greeting'));
    keys('Up');
    s = await waitFor((x) => promptLine(x).startsWith('redscope> SET greeting hello value'));
    // The recalled line, followed by the dim hint of what SET still takes.
    expect(promptLine(s)).toBe('redscope> SET greeting hello value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT');
    keys('C-u');
    expect(fs.readFileSync(hist, 'utf8')).toBe('SET greeting hello\nGET greeting\n');
    expect(fs.statSync(hist).mode & 0o777).toBe(0o600);
  });

  it('a BLPOP waits until another client pushes; Ctrl-C cancels a wait', async () => {
    keys('BLPOP jobs 0', 'Enter');
    await waitFor((x) => x.includes('client 1 is waiting on BLPOP'));
    keys(':client new', 'Enter');
    await waitFor((x) => promptLine(x) === 'redscope@2>');
    keys('LPUSH jobs j1', 'Enter');
    let s = await waitFor((x) => x.includes('[client 1] 2) "j1"'));
    expect(s).toContain('redscope@2> LPUSH jobs j1\n(integer) 1\n[client 1] 1) "jobs"\n[client 1] 2) "j1"');
    keys('BLPOP jobs 0', 'Enter');
    await waitFor((x) => x.includes('client 2 is waiting on BLPOP'));
    keys('C-c');
    // The status line goes away on the next render after the interruption is printed.
    s = await waitFor((x) => x.includes('(interrupted)') && !x.includes('client 2 is waiting'));
    expect(s).toContain('(interrupted)');
    keys('PING', 'Enter');
    await waitFor((x) => x.includes('PONG'));
  });

  it('Ctrl-C stops a runaway script, as SCRIPT KILL does', async () => {
    keys('CONFIG SET busy-reply-threshold 100', 'Enter');
    await waitFor((x) => x.includes('busy-reply-threshold 100\nOK'));
    keys('EVAL "while true do end" 0', 'Enter');
    await new Promise((r) => setTimeout(r, 600));
    keys('C-c');
    await waitFor((x) => x.includes('ERR Script killed by user with SCRIPT KILL'));
    keys('ECHO alive', 'Enter');
    await waitFor((x) => x.includes('"alive"'));
  });

  it('Ctrl-D leaves', async () => {
    keys('C-u', 'C-d');
    await waitFor((x) => !lastLine(x).startsWith('redscope>'));
  });
});
