import type { CommandTable } from '../commands/table.js';
import { helpEntries, synopsis, type HelpEntry } from './hints.js';

/**
 * The HELP line command (redis-cli's cliOutputHelp): "HELP cmd", "HELP container sub",
 * "HELP @group". Each entry shows the syntax, summary, since and, beyond redis-cli,
 * the complexity from the command docs.
 */

export const HELP_GROUPS = new Set([
  'generic', 'string', 'list', 'set', 'sorted-set', 'hash', 'pubsub', 'transactions', 'connection',
  'server', 'scripting', 'hyperloglog', 'cluster', 'geo', 'stream', 'bitmap',
]);

function entryText(h: HelpEntry, withGroup: boolean): string {
  const d = h.spec.docs;
  let out = `\n  ${h.full} ${synopsis(h.spec)}`.trimEnd() + '\n';
  out += `  summary: ${d.summary}\n`;
  out += `  since: ${d.since}\n`;
  if (d.complexity) out += `  complexity: ${d.complexity}\n`;
  if (withGroup) out += `  group: ${d.group}\n`;
  return out;
}

export function genericHelp(version: string): string {
  return (
    `${version}\n` +
    'To get help about Redis commands type:\n' +
    '      "help @<group>" to get a list of commands in <group>\n' +
    '      "help <command>" for help on <command>\n' +
    '      "help <tab>" to get a list of possible help topics\n' +
    '      ":help" for the shell\'s own commands (:client, :peek, :time …)\n' +
    '      ":quit" (or Ctrl-D) to exit\n'
  );
}

/** `args`: the words after HELP. */
export function helpText(table: CommandTable, args: readonly string[], version: string): string {
  if (args.length === 0) return genericHelp(version);
  let group: string | null = null;
  if (args[0]!.startsWith('@')) group = args[0]!.slice(1).toLowerCase();
  let out = '';
  for (const h of helpEntries(table)) {
    if (group === null) {
      if (args.length > h.words.length) continue;
      let j = 0;
      while (j < args.length && args[j]!.toUpperCase() === h.words[j]) j++;
      if (j === args.length) out += entryText(h, true);
    } else if (h.spec.docs.group === group) {
      out += entryText(h, false);
    }
  }
  return out + '\n';
}
