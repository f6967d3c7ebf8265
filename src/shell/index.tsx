import fs from 'node:fs';
import { scriptHost } from '../scripting/host.js';
import { render } from 'ink';
import chalk from 'chalk';
import { Engine } from '../engine/engine.js';
import { App } from './App.js';
import { Shell, type ShellOptions } from './shell.js';

export { App } from './App.js';
export { Shell, ShellClient, Store, type ShellOptions } from './shell.js';
export { reduce, initialState, type Action, type ShellState } from './state.js';
export { META_COMMANDS, type MetaCommand } from './meta.js';

export interface RunShellOptions extends Omit<ShellOptions, 'engine'> {
  /** The engine to drive; a fresh one (closed on exit) when absent. */
  engine?: Engine;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Colour in replies (errors in red); false for NO_COLOR / --no-color. Default true. */
  color?: boolean;
}

/**
 * The interactive shell on a terminal. Resolves with the exit status (0) when the user
 * leaves with Ctrl-D, :quit, quit or exit. The caller owns `engine` when it passes one.
 */
export async function runShell(options: RunShellOptions = {}): Promise<number> {
  const ownEngine = options.engine === undefined;
  const engine = options.engine ?? new Engine();
  const stdin = options.stdin ?? process.stdin;
  const stdout = options.stdout ?? process.stdout;
  // Replies taller than the terminal are paged (asked each time: the window may be resized).
  const shell = new Shell({ rows: () => (stdout.isTTY ? stdout.rows : undefined), ...options, engine });
  // A runaway script holds the event loop, so Ink cannot see keys meanwhile. Once the script
  // is past busy-reply-threshold, the script host calls onBusy between Lua instructions: read
  // the terminal directly there, and Ctrl-C acts like SCRIPT KILL (redis-cli would just exit).
  if ((stdin as NodeJS.ReadStream).isTTY) {
    const fd = (stdin as unknown as { fd?: number }).fd ?? 0;
    const buf = Buffer.alloc(64);
    scriptHost(engine).onBusy = (host) => {
      try {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (buf.subarray(0, n).includes(3)) host.kill();
      } catch {
        // EAGAIN: nothing typed.
      }
    };
  }
  const color = options.color ?? true;
  // chalk reads --no-color from argv and then drops every style, the inverse cursor and the
  // dim hints with the colour; the shell decides about colour itself, so keep the styles.
  if (!color && stdout.isTTY && process.env.TERM !== 'dumb' && chalk.level === 0) chalk.level = 1;
  const instance = render(<App shell={shell} output="direct" color={color} />, {
    stdin,
    stdout,
    stderr: options.stderr ?? process.stderr,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  try {
    await instance.waitUntilExit();
  } finally {
    // Cancel anything still blocked so no promise keeps the process waiting.
    for (const c of shell.clients) {
      if (c.pending) {
        c.pending.cancelled = true;
        c.session.unblock(null);
      }
    }
    if (ownEngine) engine.close();
  }
  return 0;
}
