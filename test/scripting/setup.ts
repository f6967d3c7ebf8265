import { CommandTable } from '../../src/commands/table.js';
import { scriptingCommands } from '../../src/commands/scripting.js';

/**
 * Until the lead wires scriptingCommands into src/commands/index.ts, the tests attach the
 * handlers to the shared command table themselves (a no-op once they are wired).
 */
export function installScripting(): void {
  const table = CommandTable.standard();
  for (const [name, handler] of Object.entries(scriptingCommands)) {
    const [top, sub] = name.split('|');
    const e = table.get(top!);
    if (!e) continue;
    const target = sub ? e.subcommands?.get(sub) : e;
    if (target && !target.handler) target.handler = handler;
  }
}
