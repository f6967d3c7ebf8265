import { stripVTControlCharacters } from 'node:util';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { Engine } from '../../src/engine/engine.js';
import { App, type AppProps } from '../../src/shell/App.js';
import { Shell, type ShellOptions } from '../../src/shell/shell.js';

/** Keys as a terminal sends them. */
export const KEY = {
  enter: '\r',
  tab: '\t',
  backspace: '\x7f',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  home: '\x1b[H',
  end: '\x1b[F',
  altLeft: '\x1b[1;3D',
  altRight: '\x1b[1;3C',
  altB: '\x1bb',
  altF: '\x1bf',
  ctrl: (c: string) => String.fromCharCode(c.toLowerCase().charCodeAt(0) - 0x60),
} as const;

export const tick = (ms = 15) => new Promise<void>((r) => setTimeout(r, ms));

export interface TestShell {
  engine: Engine;
  shell: Shell;
  /** Sends keys (one chunk: a paste when it holds several lines). */
  press(...chunks: string[]): Promise<void>;
  /** Types a line and presses Enter. */
  run(line: string): Promise<void>;
  /** The whole screen so far (output + live area), unstyled, trailing blanks trimmed. */
  frame(): string;
  /** The live area only: what follows the last output line. */
  live(): string;
  /** Output lines printed since the shell started (no live area). */
  output(): string;
  /** Every frame written so far, styles (escape sequences) kept. */
  styledFrames(): string;
  unmount(): void;
}

function clean(s: string): string {
  return stripVTControlCharacters(s)
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

/** Renders the shell on a fresh engine (no timers, no history file) with ink-testing-library. */
export async function startShell(opts: Partial<ShellOptions> = {}, app: Omit<AppProps, 'shell'> = {}): Promise<TestShell> {
  const engine = opts.engine ?? new Engine({ timers: false });
  const shell = new Shell({ historyFile: null, version: 'redscope test', ...opts, engine });
  const r = render(createElement(App, { shell, ...app }));
  await tick();
  const press = async (...chunks: string[]) => {
    for (const c of chunks) {
      r.stdin.write(c);
      await tick(5);
    }
    await tick();
  };
  return {
    engine,
    shell,
    press,
    run: (line) => press(line, KEY.enter),
    frame: () => clean(r.lastFrame() ?? ''),
    live: () => {
      const s = shell.store.state;
      const all = clean(r.lastFrame() ?? '');
      const out = clean(s.output.map((o) => (o.text === '' ? ' ' : o.text)).join('\n'));
      return all.startsWith(out) ? all.slice(out.length).replace(/^\n/, '') : all;
    },
    output: () => clean(shell.store.state.output.map((o) => o.text).join('\n')),
    styledFrames: () => r.frames.join('\n'),
    unmount: () => {
      r.unmount();
      r.cleanup();
      engine.close();
    },
  };
}
