import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { runPrompt } from '../../src/cli/prompt.js';

/** Types lines into the prompt (a terminal-like stream pair) and returns everything shown. */
async function session(lines: string[]): Promise<{ code: number; shown: string }> {
  const engine = new Engine({ timers: false });
  const s = engine.createSession();
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => (shown += c.toString('latin1')));
  const done = runPrompt(engine, s, input, output, { mode: 'tty' });
  for (const l of lines) {
    input.write(l + '\r');
    await new Promise((r) => setTimeout(r, 5));
  }
  const code = await done;
  engine.close();
  // Drop the terminal's cursor movement codes to compare the text.
  return { code, shown: shown.replace(/\x1b\[\d*[A-Za-z]/g, '') };
}

describe('line prompt (until the Ink shell lands)', () => {
  it('shows redscope> / redscope[3]> / (TX), typed replies, quit leaves with 0', async () => {
    const { code, shown } = await session(['ECHO "h\u00e9"', 'SELECT 3', 'MULTI', 'PING', 'EXEC', 'SELECT 0', 'quit']);
    expect(code).toBe(0);
    expect(shown).toContain('redscope> ECHO');
    expect(shown).toContain('"h\\xc3\\xa9"\n');
    expect(shown).toContain('redscope[3]> MULTI');
    expect(shown).toContain('redscope[3](TX)> PING');
    expect(shown).toContain('QUEUED\n');
    expect(shown).toContain('1) PONG\n');
    expect(shown).toContain('redscope[3]> SELECT 0');
    expect(shown).toMatch(/redscope> quit\s*$/);
  });

  it('DISCARD returns the prompt to the db before MULTI; exit also leaves', async () => {
    const { code, shown } = await session(['MULTI', 'SELECT 5', 'DISCARD', 'exit']);
    expect(code).toBe(0);
    expect(shown).toContain('redscope(TX)> SELECT 5');
    expect(shown).toContain('redscope[5](TX)> DISCARD');
    expect(shown).toMatch(/redscope> exit\s*$/);
  });
});

describe('completion (redis-cli completionCallback)', () => {
  it('completes command names case-insensitively, help topics and groups after "help "', async () => {
    const { completions } = await import('../../src/cli/help.js');
    const engine = new Engine({ timers: false });
    expect(completions(engine.commands, 'client li')).toEqual(['CLIENT LIST']);
    expect(completions(engine.commands, 'zrangeb')).toEqual(['ZRANGEBYLEX', 'ZRANGEBYSCORE']);
    expect(completions(engine.commands, 'help @so')).toEqual(['help @sorted-set']);
    expect(completions(engine.commands, 'help  getd')).toEqual(['help  GETDEL']);
    expect(completions(engine.commands, 'nosuch')).toEqual([]);
    engine.close();
  });
});
