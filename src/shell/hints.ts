import type { ArgSpec, CommandSpec } from '../commands/spec.js';
import type { CommandEntry, CommandTable } from '../commands/table.js';

/**
 * Argument hints from the command table's argument trees, computed the way redis-cli 7.2
 * does from COMMAND DOCS (redis-cli.c matchArgs / addHintForArguments): the words typed so
 * far are matched against the argument tree (optional arguments in any order, repeated
 * arguments as often as they come, tokens case-insensitively, integers and doubles by
 * their look) and the hint lists what is left. The same matcher tells completion what the
 * next word can be.
 */

interface MatchState {
  matched: number;
  token: boolean;
  name: boolean;
  all: boolean;
}

/** What consumed an input word. */
export interface Consumer {
  arg: ArgSpec;
  how: 'token' | 'value';
}

const INT_RE = /^[\t\n\v\f\r ]*[+-]?\d/;
const DOUBLE_RE = /^[\t\n\v\f\r ]*[+-]?(\d|\.\d|inf|nan)/i;

function has(a: ArgSpec, f: 'optional' | 'multiple' | 'multiple_token'): boolean {
  return a.flags !== undefined && a.flags.includes(f);
}

export class ArgMatcher {
  private readonly st = new Map<ArgSpec, MatchState>();
  /** consumers[i]: the argument that took input word i (last successful match). */
  readonly consumers: Array<Consumer | undefined> = [];

  private s(a: ArgSpec): MatchState {
    let m = this.st.get(a);
    if (!m) this.st.set(a, (m = { matched: 0, token: false, name: false, all: false }));
    return m;
  }

  private clear(a: ArgSpec): void {
    const m = this.st.get(a);
    if (m) {
      m.matched = 0;
      m.token = false;
      m.name = false;
      m.all = false;
    }
    if (a.arguments) for (const c of a.arguments) this.clear(c);
  }

  private noToken(w: readonly string[], i: number, a: ArgSpec): number {
    const m = this.s(a);
    switch (a.type) {
      case 'block': {
        const subs = a.arguments ?? [];
        m.matched += this.args(w, i, subs, 0, subs.length);
        m.all = subs.every((c) => this.s(c).all);
        break;
      }
      case 'oneof':
        for (const c of a.arguments ?? []) {
          if (this.arg(w, i, c)) {
            m.matched += this.s(c).matched;
            m.all = this.s(c).all;
            break;
          }
        }
        break;
      case 'integer':
      case 'unix-time':
      case 'double':
        if ((a.type === 'double' ? DOUBLE_RE : INT_RE).test(w[i]!)) {
          m.matched += 1;
          m.name = true;
          m.all = true;
          this.consumers[i] = { arg: a, how: 'value' };
        } else {
          m.matched = 0;
          m.name = false;
        }
        break;
      default:
        m.matched += 1;
        m.name = true;
        m.all = true;
        this.consumers[i] = { arg: a, how: 'value' };
    }
    return m.matched;
  }

  private once(w: readonly string[], i: number, a: ArgSpec): number {
    const m = this.s(a);
    if (a.token !== undefined) {
      if (a.token.toLowerCase() !== w[i]!.toLowerCase()) return 0;
      m.token = true;
      m.matched = 1;
      this.consumers[i] = { arg: a, how: 'token' };
      if (a.type === 'pure-token') {
        m.all = true;
        return 1;
      }
      if (w.length - i === 1) return 1;
      i++;
    }
    if (!this.noToken(w, i, a)) return 0;
    return m.matched;
  }

  private arg(w: readonly string[], i: number, a: ArgSpec): number {
    let once = this.once(w, i, a);
    if (!has(a, 'multiple')) return once;
    const m = this.s(a);
    let words = once;
    while (m.all && words < w.length - i) {
      this.clear(a);
      if (a.token !== undefined && !has(a, 'multiple_token')) {
        // The token comes once; later repetitions are the value alone.
        once = this.noToken(w, i + words, a);
        if (m.matched) m.token = true;
      } else {
        once = this.once(w, i + words, a);
      }
      words += once;
    }
    m.all = false;
    return words;
  }

  private optionalOne(w: readonly string[], i: number, args: readonly ArgSpec[], lo: number, hi: number): [number, number] {
    for (let k = lo; k < hi && i < w.length; k++) {
      if (this.s(args[k]!).matched) continue;
      const n = this.arg(w, i, args[k]!);
      if (n !== 0) return [n, k];
    }
    return [0, -1];
  }

  private optionals(w: readonly string[], i: number, args: readonly ArgSpec[], lo: number, hi: number): number {
    let next = i;
    let last = -1;
    while (next !== w.length) {
      const [n, k] = this.optionalOne(w, next, args, lo, hi);
      if (n === 0) break;
      if (last !== -1) this.s(args[last]!).all = true;
      last = k;
      next += n;
    }
    return next - i;
  }

  /** matchArgs: how many words from i the arguments args[lo, hi) take (0: a required one failed). */
  args(w: readonly string[], i: number, args: readonly ArgSpec[], lo = 0, hi = args.length): number {
    let next = i;
    for (let k = lo; next !== w.length && k < hi; k++) {
      let n: number;
      if (has(args[k]!, 'optional')) {
        let end = k;
        while (end < hi && has(args[end]!, 'optional')) end++;
        n = this.optionals(w, next, args, k, end);
        k = end - 1;
      } else {
        n = this.arg(w, next, args[k]!);
        if (n === 0) return 0;
      }
      next += n;
    }
    return next - i;
  }

  // --- hint text ------------------------------------------------------------------------

  hintFor(args: readonly ArgSpec[], sep: string, start = ''): string {
    let hint = start;
    let len = hint.length;
    const n = args.length;
    const addSep = (isLast: boolean) => {
      if (hint.length > len && !isLast) {
        hint += sep;
        len = hint.length;
      }
    };
    for (let i = 0; i < n; i++) {
      if (!has(args[i]!, 'optional')) {
        hint = this.hintOne(hint, args[i]!);
        addSep(i === n - 1);
        continue;
      }
      // A run of optional arguments: one the user started comes first.
      let j = i;
      let incomplete = -1;
      for (; j < n; j++) {
        if (!has(args[j]!, 'optional')) break;
        const m = this.s(args[j]!);
        if (m.matched !== 0 && !m.all) {
          hint = this.hintOne(hint, args[j]!);
          addSep(i === n - 1);
          incomplete = j;
        }
      }
      if (j === n || this.s(args[j]!).matched === 0) {
        for (; i < j; i++) {
          if (incomplete !== i) {
            hint = this.hintOne(hint, args[i]!);
            addSep(i === n - 1);
          }
        }
      }
      i = j - 1;
    }
    return hint;
  }

  private hintRepeated(hint: string, a: ArgSpec): string {
    if (!has(a, 'multiple')) return hint;
    this.clear(a);
    if (hint !== '') hint += ' ';
    hint += '[';
    if (has(a, 'multiple_token')) {
      hint += orEmpty(a.token ?? '');
      if (a.type !== 'pure-token') hint += ' ';
    }
    switch (a.type) {
      case 'oneof': hint = this.hintFor(a.arguments ?? [], '|', hint); break;
      case 'block': hint = this.hintFor(a.arguments ?? [], ' ', hint); break;
      case 'pure-token': break;
      default: hint += orEmpty(a.display_text ?? a.name);
    }
    return hint + ' ...]';
  }

  private hintOne(hint: string, a: ArgSpec): string {
    const m = this.s(a);
    if (m.all) return hint;
    const open = has(a, 'optional') && !m.matched;
    if (open) hint += '[';
    if (a.token !== undefined && !m.token) {
      hint += orEmpty(a.token);
      if (a.type !== 'pure-token') hint += ' ';
    }
    switch (a.type) {
      case 'oneof':
        if (m.matched === 0) {
          hint = this.hintFor(a.arguments ?? [], '|', hint);
        } else {
          for (const c of a.arguments ?? []) if (this.s(c).matched !== 0) hint = this.hintOne(hint, c);
        }
        break;
      case 'block':
        hint = this.hintFor(a.arguments ?? [], ' ', hint);
        break;
      case 'pure-token':
        break;
      default:
        if (!m.name) hint += orEmpty(a.display_text ?? a.name);
    }
    hint = this.hintRepeated(hint, a);
    if (open) hint += ']';
    return hint;
  }
}

function orEmpty(s: string): string {
  return s === '' ? '""' : s;
}

/** One command as help and hints know it: "GET", or a container's "CONFIG GET". */
export interface HelpEntry {
  words: string[];
  full: string;
  spec: CommandSpec;
  entry: CommandEntry;
}

const entriesCache = new WeakMap<CommandTable, HelpEntry[]>();

export function helpEntries(table: CommandTable): HelpEntry[] {
  let list = entriesCache.get(table);
  if (list) return list;
  list = [];
  for (const e of table.entries.values()) {
    const name = e.spec.name.toUpperCase();
    list.push({ words: [name], full: name, spec: e.spec, entry: e });
    if (e.subcommands) {
      for (const [sub, se] of e.subcommands) {
        const words = [name, sub.toUpperCase()];
        list.push({ words, full: words.join(' '), spec: se.spec, entry: se });
      }
    }
  }
  list.sort((a, b) => (a.full < b.full ? -1 : a.full > b.full ? 1 : 0));
  entriesCache.set(table, list);
  return list;
}

/** findHelpEntry: the entry matching the longest prefix of `words`. */
export function findEntry(table: CommandTable, words: readonly string[]): HelpEntry | undefined {
  if (words.length === 0) return undefined;
  const top = table.get(words[0]!.toLowerCase());
  if (!top) return undefined;
  const list = helpEntries(table);
  const name = top.spec.name.toUpperCase();
  if (top.subcommands && words.length >= 2) {
    const sub = words[1]!.toUpperCase();
    const hit = list.find((h) => h.words.length === 2 && h.words[0] === name && h.words[1] === sub);
    if (hit) return hit;
  }
  return list.find((h) => h.words.length === 1 && h.full === name);
}

/** The synopsis of a command as help prints it (all arguments, nothing matched). */
export function synopsis(spec: CommandSpec): string {
  return new ArgMatcher().hintFor(spec.docs.arguments ?? [], ' ');
}

function isSpaceChar(c: string | undefined): boolean {
  return c !== undefined && /[\t\n\v\f\r ]/.test(c);
}

/**
 * redis-cli's hintsCallback for the line typed so far (already split into words): the dim
 * text to show after it, with a leading space when the line does not end in one; null
 * when there is none.
 */
export function hintForLine(table: CommandTable, line: string, words: readonly string[]): string | null {
  const endSpace = line.length > 0 && isSpaceChar(line[line.length - 1]);
  const matchCount = endSpace ? words.length : words.length - 1;
  const typed = words.slice(0, Math.max(0, matchCount));
  const h = findEntry(table, typed);
  if (!h || h.words.length > typed.length) return null;
  const args = h.spec.docs.arguments;
  let hint: string;
  if (args && args.length) {
    const m = new ArgMatcher();
    const rest = typed.slice(h.words.length);
    const matched = rest.length ? m.args(rest, 0, args) : 0;
    // The C code can leave a separator after the last argument; it only shows as a blank.
    hint = matched === rest.length ? m.hintFor(args, ' ').trimEnd() : '';
  } else {
    hint = '';
  }
  if (hint === '') return null;
  return endSpace ? hint : ' ' + hint;
}
