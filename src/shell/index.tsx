import fs from 'node:fs';
import { scriptHost } from '../scripting/host.js';
import { render } from 'ink';
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
  const instance = render(<App shell={shell} output="direct" />, {
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
