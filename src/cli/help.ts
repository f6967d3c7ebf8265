import type { ArgSpec, CommandSpec } from '../commands/spec.js';
import type { CommandTable } from '../commands/table.js';

/**
 * redis-cli's "help" line command (cliOutputHelp): "help <command>", "help <container>
 * <sub>", "help @<group>". The entries are built from the command table the way Redis's
 * utils/generate-command-help.rb builds redis-cli's help.h from the command docs.
 */

interface HelpEntry {
  /** "GET", "CLIENT LIST". */
  full: string;
  words: string[];
  params: string;
  summary: string;
  since: string;
  group: string;
}

/** One argument as the help synopsis writes it. */
function argument(a: ArgSpec): string {
  let name: string | null;
  if (a.type === 'block') name = (a.arguments ?? []).map(argument).join(' ');
  else if (a.type === 'oneof') name = (a.arguments ?? []).map(argument).join('|');
  else if (a.type === 'pure-token') name = null;
  else name = a.display_text ?? a.name;
  const flags = a.flags ?? [];
  if (flags.includes('multiple')) {
    name = flags.includes('multiple_token') ? `${name} [${a.token} ${name} ...]` : `${name} [${name} ...]`;
  }
  // COMMAND DOCS reports MIGRATE's empty-string token as ""; the docs spell it "\"\"".
  const token = a.token === '' ? '""' : a.token;
  if (token !== undefined) name = name === null ? token : `${token} ${name}`;
  if (flags.includes('optional')) name = `[${name}]`;
  return name ?? '';
}

function entryOf(spec: CommandSpec, words: string[]): HelpEntry {
  return {
    full: words.join(' '),
    words,
    params: (spec.docs.arguments ?? []).map(argument).join(' '),
    summary: spec.docs.summary,
    since: spec.docs.since,
    group: spec.docs.group,
  };
}

const cache = new WeakMap<CommandTable, HelpEntry[]>();

function entries(table: CommandTable): HelpEntry[] {
  let list = cache.get(table);
  if (list) return list;
  list = [];
  for (const e of table.entries.values()) {
    const name = e.spec.name.toUpperCase();
    list.push(entryOf(e.spec, [name]));
    for (const sub of e.spec.subcommands ?? []) {
      list.push(entryOf(sub, [name, sub.name.slice(sub.name.indexOf('|') + 1).toUpperCase()]));
    }
  }
  list.sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
  cache.set(table, list);
  return list;
}

function commandHelp(h: HelpEntry, withGroup: boolean): string {
  let out = `\r\n  \x1b[1m${h.full}\x1b[0m \x1b[90m${h.params}\x1b[0m\r\n`;
  out += `  \x1b[33msummary:\x1b[0m ${h.summary}\r\n`;
  out += `  \x1b[33msince:\x1b[0m ${h.since}\r\n`;
  if (withGroup) out += `  \x1b[33mgroup:\x1b[0m ${h.group}\r\n`;
  return out;
}

/** The text of "help" (no arguments), headed by `version`. */
export function genericHelp(version: string): string {
  return (
    `${version}\n` +
    'To get help about Redis commands type:\n' +
    '      "help @<group>" to get a list of commands in <group>\n' +
    '      "help <command>" for help on <command>\n' +
    '      "help <tab>" to get a list of possible help topics\n' +
    '      "quit" to exit\n' +
    '\n' +
    'To set redis-cli preferences:\n' +
    '      ":set hints" enable online hints\n' +
    '      ":set nohints" disable online hints\n' +
    'Set your preferences in ~/.redisclirc\n'
  );
}

const GROUPS = new Set([
  'generic', 'string', 'list', 'set', 'sorted-set', 'hash', 'pubsub', 'transactions', 'connection',
  'server', 'scripting', 'hyperloglog', 'cluster', 'geo', 'stream', 'bitmap',
]);

/**
 * redis-cli's completionCallback: the command names (and after "help ", the help topics
 * and @groups too) that start with what was typed, case-insensitively, spelled as the
 * entries spell them ("CLIENT LIST").
 */
export function completions(table: CommandTable, line: string): string[] {
  let start = 0;
  let withGroups = false;
  if (line.slice(0, 5).toLowerCase() === 'help ') {
    start = 5;
    while (start < line.length && /\s/.test(line[start]!)) start++;
    withGroups = true;
  }
  const typed = line.slice(start).toUpperCase();
  const out: string[] = [];
  if (withGroups) {
    for (const g of GROUPS) if (('@' + g).toUpperCase().startsWith(typed)) out.push(line.slice(0, start) + '@' + g);
  }
  for (const h of entries(table)) if (h.full.startsWith(typed)) out.push(line.slice(0, start) + h.full);
  return out;
}

/** cliOutputHelp: `args` are the words after "help". */
export function helpText(table: CommandTable, args: string[], version: string): string {
  if (args.length === 0) return genericHelp(version);
  let group: string | null = null;
  if (args[0]!.startsWith('@')) {
    const g = args[0]!.slice(1).toLowerCase();
    if (GROUPS.has(g)) group = g;
  }
  let out = '';
  for (const h of entries(table)) {
    if (group === null) {
      if (args.length > h.words.length) continue;
      let j = 0;
      while (j < args.length && args[j]!.toUpperCase() === h.words[j]) j++;
      if (j === args.length) out += commandHelp(h, true);
    } else if (h.group === group) {
      out += commandHelp(h, false);
    }
  }
  return out + '\r\n';
}
