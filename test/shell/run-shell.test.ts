import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { runShell } from '../../src/shell/index.js';
import { tick } from './helpers.js';

/** A terminal as Ink sees it: a raw-mode stdin and a 100-column stdout. */
class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(s: string): void {
    this.data = s;
    this.emit('readable');
  }
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 30;
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('runShell', () => {
  it('drives the given engine and session, and resolves 0 on :quit', async () => {
    const engine = new Engine({ timers: false });
    const session = engine.createSession();
    session.execute(['SELECT', '2']);
    const stdin = new FakeStdin();
    const stdout = new FakeStdout();
    const done = runShell({
      engine,
      session,
      historyFile: null,
      stdin: stdin as unknown as NodeJS.ReadStream,
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: new FakeStdout() as unknown as NodeJS.WriteStream,
    });
    await tick(50);
    stdin.write('SET k v\r');
    await tick(50);
    stdin.write(':quit\r');
    expect(await done).toBe(0);
    const screen = stripVTControlCharacters(stdout.text);
    expect(screen).toContain('redscope[2]> SET k v');
    expect(screen).toContain('OK');
    // The caller's engine is left open, with the write in db 2.
    expect(engine.dbs[2]!.dict.has('k')).toBe(true);
    engine.close();
  });
});
