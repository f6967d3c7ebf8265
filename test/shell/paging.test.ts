import { afterEach, describe, expect, it } from 'vitest';
import { MORE_PROMPT } from '../../src/shell/shell.js';
import { KEY, startShell, type TestShell } from './helpers.js';

/** A reply taller than the terminal is shown a screen at a time. */

let t: TestShell | null = null;
afterEach(() => {
  t?.unmount();
  t = null;
});

const ROWS = 10;
/** The page: the terminal's height minus the echoed command, the "-- more --" line, the prompt and the cursor's row. */
const PAGE = ROWS - 4;

async function shell(opts: Parameters<typeof startShell>[0] = {}): Promise<TestShell> {
  t = await startShell({ rows: () => ROWS, ...opts });
  return t;
}

const items = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${String(from + i).padStart(2)}) "${from + i}"`);

async function fill(s: TestShell, n = 30): Promise<void> {
  // Short enough not to wrap on the test terminal (100 columns).
  await s.run('RPUSH l ' + Array.from({ length: n }, (_, i) => `${i + 1}`).join(' '));
}

/** Output lines after the echo of `line`. */
function after(s: TestShell, line: string): string[] {
  const out = s.output().split('\n');
  return out.slice(out.lastIndexOf(line) + 1);
}

describe('paging', () => {
  it('tall shell output (:peek, HELP tables) is paged too', async () => {
    const s = await shell();
    await s.run('ZADD z 1 a 2 b 3 c');
    await s.run(':peek z');
    expect(s.shell.paging).toBe(true);
    await s.press('q');
    await s.run(':time on');
    expect(s.shell.paging).toBe(false);
    expect(s.output().split('\n').pop()).toBe('timing on');
  });

  it('shows the first page and waits; space shows the next; the last page ends it', async () => {
    const s = await shell();
    await fill(s);
    await s.run('LRANGE l 0 -1');
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, PAGE));
    expect(s.live()).toBe(`${MORE_PROMPT}\nredscope>`);
    expect(s.shell.paging).toBe(true);
    await s.press(' ');
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, 2 * PAGE));
    await s.press(' ');
    await s.press(' ');
    await s.press(' ');
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, 30));
    expect(s.shell.paging).toBe(false);
    expect(s.live()).toBe('redscope>');
    // Back to normal typing.
    await s.run('LLEN l');
    expect(s.output().split('\n').pop()).toBe('(integer) 30');
  });

  it('Enter shows one more line; q stops and drops the rest', async () => {
    const s = await shell();
    await fill(s);
    await s.run('LRANGE l 0 -1');
    await s.press(KEY.enter);
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, PAGE + 1));
    await s.press('q');
    expect(s.shell.paging).toBe(false);
    expect(s.live()).toBe('redscope>');
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, PAGE + 1));
    // Other keys while paging do nothing to the line.
    await s.run('LRANGE l 0 -1');
    await s.press('x');
    expect(s.shell.store.state.line.text).toBe('');
    expect(s.shell.paging).toBe(true);
    await s.press(KEY.ctrl('c'));
    expect(s.shell.paging).toBe(false);
    await s.run('PING');
    expect(s.output().split('\n').pop()).toBe('PONG');
  });

  it('a reply that fits is not paged; the page follows the terminal height', async () => {
    let rows = 40;
    const s = await shell({ rows: () => rows });
    await fill(s);
    await s.run('LRANGE l 0 -1');
    expect(s.shell.paging).toBe(false);
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, 30));
    rows = 12;
    await s.run('LRANGE l 0 -1');
    expect(s.shell.paging).toBe(true);
    expect(after(s, 'redscope> LRANGE l 0 -1')).toEqual(items(1, 8));
  });

  it('--raw never pages, nor does a shell without a terminal height', async () => {
    const raw = await shell({ mode: 'raw' });
    await fill(raw);
    await raw.run('LRANGE l 0 -1');
    expect(raw.shell.paging).toBe(false);
    expect(after(raw, 'redscope> LRANGE l 0 -1')).toHaveLength(30);
    raw.unmount();
    t = null;
    const none = await shell({ rows: undefined });
    await fill(none);
    await none.run('LRANGE l 0 -1');
    expect(none.shell.paging).toBe(false);
  });

  it('pasted lines after a paged reply wait until the pager is done', async () => {
    const s = await shell();
    await fill(s);
    await s.press('LRANGE l 0 -1\rLLEN l\r');
    expect(s.shell.paging).toBe(true);
    expect(s.output()).not.toContain('LLEN');
    await s.press('q');
    expect(s.output().split('\n').slice(-2)).toEqual(['redscope> LLEN l', '(integer) 30']);
  });
});
