import fs from 'node:fs';
import type { ArgSpec } from '../commands/spec.js';
import type { CommandTable } from '../commands/table.js';
import { bytesFromUtf8, bytesToUtf8, type Bytes } from '../engine/bytes.js';
import { CONFIG_PARAMS } from '../engine/config.js';
import type { Db } from '../engine/db.js';
import { repr } from '../cli/quoting.js';
import { ArgMatcher, findEntry } from './hints.js';

/**
 * Tab completion: command names, subcommands, keyword tokens valid at the cursor's
 * position, config parameter names, and key names sampled from the current database.
 */

/** A word of the typed line, with where it sits in the text. */
export interface Word {
  start: number;
  end: number;
  /** The argument after unquoting (typed text, not yet UTF-8 bytes). */
  value: string;
  /** An opening quote is not closed yet. */
  open: boolean;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Splits a line the way sdssplitargs does, remembering positions and tolerating an
 * unfinished last word (the one being typed).
 */
export function tokenize(line: string): Word[] {
  const out: Word[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    const start = p;
    let cur = '';
    let q: '"' | "'" | null = null;
    let open = false;
    for (;;) {
      if (p >= n) {
        open = q !== null;
        break;
      }
      const ch = line[p]!;
      if (q === '"') {
        if (ch === '\\' && p + 1 < n) {
          const e = line[p + 1]!;
          if (e === 'x' && p + 3 < n && /^[0-9a-fA-F]{2}$/.test(line.slice(p + 2, p + 4))) {
            cur += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
            p += 4;
            continue;
          }
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
          p += 2;
          continue;
        }
        if (ch === '"') {
          q = null;
          p++;
          continue;
        }
        cur += ch;
        p++;
      } else if (q === "'") {
        if (ch === '\\' && line[p + 1] === "'") {
          cur += "'";
          p += 2;
          continue;
        }
        if (ch === "'") {
          q = null;
          p++;
          continue;
        }
        cur += ch;
        p++;
      } else {
        if (isSpace(line.charCodeAt(p))) break;
        if (ch === '"' || ch === "'") q = ch;
        else cur += ch;
        p++;
      }
    }
    out.push({ start, end: p, value: cur, open });
  }
}

/** The words of a line as plain strings (for hints). */
export function words(line: string): string[] {
  return tokenize(line).map((w) => w.value);
}

/** How a key (bytes) is written on the command line so that splitArgs gives it back. */
export function keyAsTyped(key: Bytes): string {
  const text = bytesToUtf8(key);
  // Round-trips as UTF-8 and needs no quoting: write it as is.
  if (bytesFromUtf8(text) === key && !/[\s"'\\\x00-\x1f\x7f]/.test(text) && text !== '') return text;
  return repr(key);
}

/**
 * Samples keys of a database that start with a prefix, SCAN-style: each call visits at
 * most `budget` keys, continuing where the previous call stopped, so a huge keyspace
 * costs the same as a small one.
 */
export class KeySampler {
  private iter: Iterator<Bytes> | null = null;
  private db: Db | null = null;
  private seen = new Set<Bytes>();

  constructor(
    private readonly budget = 20000,
    private readonly limit = 200,
  ) {}

  sample(db: Db, prefix: Bytes, now: number): Bytes[] {
    const out: Bytes[] = [];
    const dict = db.dict;
    if (dict.size <= this.budget) {
      for (const k of dict.keys()) {
        if (k.startsWith(prefix) && !expired(db, k, now)) out.push(k);
        if (out.length >= this.limit) break;
      }
      return out.sort();
    }
    if (this.db !== db) {
      this.db = db;
      this.iter = null;
      this.seen = new Set();
    }
    // Keys found by earlier calls that still exist and match.
    for (const k of this.seen) {
      if (k.startsWith(prefix) && dict.has(k) && !expired(db, k, now)) out.push(k);
    }
    let visited = 0;
    while (visited < this.budget && out.length < this.limit) {
      if (!this.iter) this.iter = dict.keys();
      const r = this.iter.next();
      if (r.done) {
        this.iter = null;
        break;
      }
      visited++;
      const k = r.value;
      if (k.startsWith(prefix) && !expired(db, k, now) && !this.seen.has(k)) {
        out.push(k);
        if (this.seen.size < 10000) this.seen.add(k);
      }
    }
    return out.sort();
  }
}

function expired(db: Db, key: Bytes, now: number): boolean {
  if (db.expires.size === 0) return false;
  const when = db.expires.get(key);
  return when !== undefined && when <= now;
}

export interface CompletionContext {
  table: CommandTable;
  /** Keys of the current database starting with the prefix (bytes). */
  keys(prefix: Bytes): Bytes[];
  /** Meta-commands (":help" …) and, by name, the words they take. */
  meta: ReadonlyArray<{ name: string; completeArg?: 'key' | 'file' | readonly string[] }>;
}

/** Paths starting with `typed` (directories end with '/'), for :load and :save. */
export function fileCandidates(typed: string): string[] {
  const slash = typed.lastIndexOf('/');
  const dir = slash < 0 ? '.' : typed.slice(0, slash + 1) || '/';
  const base = slash < 0 ? typed : typed.slice(slash + 1);
  const prefix = slash < 0 ? '' : typed.slice(0, slash + 1);
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const d of names) {
    if (!d.name.startsWith(base) || (base === '' && d.name.startsWith('.'))) continue;
    out.push(prefix + d.name + (d.isDirectory() ? '/' : ''));
    if (out.length >= 200) break;
  }
  return out;
}

export interface Completion {
  /** The part of the line the candidates replace. */
  start: number;
  end: number;
  candidates: string[];
}

const GROUPS = [
  'bitmap', 'cluster', 'connection', 'generic', 'geo', 'hash', 'hyperloglog', 'list', 'pubsub',
  'scripting', 'server', 'set', 'sorted-set', 'stream', 'string', 'transactions',
];

/** Spell a keyword as the user spells the word: lower case if they type in lower case. */
function inCase(word: string, typed: string): string {
  return typed !== '' && typed === typed.toLowerCase() && typed !== typed.toUpperCase() ? word.toLowerCase() : word;
}

function byPrefix(names: Iterable<string>, typed: string): string[] {
  const t = typed.toUpperCase();
  const out: string[] = [];
  for (const n of names) if (n.toUpperCase().startsWith(t)) out.push(inCase(n, typed));
  return out;
}

function collectTokens(args: readonly ArgSpec[], out: Set<string>): void {
  for (const a of args) {
    if (a.token !== undefined && a.token !== '') out.add(a.token.toUpperCase());
    if (a.arguments) collectTokens(a.arguments, out);
  }
}

const SENTINEL = '\u0000sentinel';

/** Completion for the text before the cursor. */
export function complete(ctx: CompletionContext, text: string): Completion {
  const all = tokenize(text);
  const last = all[all.length - 1];
  const endSpace = text.length === 0 || (isSpace(text.charCodeAt(text.length - 1)) && !(last && last.open));
  let cur: Word;
  let done: Word[];
  if (endSpace || !last) {
    cur = { start: text.length, end: text.length, value: '', open: false };
    done = all;
  } else {
    cur = last;
    done = all.slice(0, -1);
  }
  const typed = cur.value;
  const result = (candidates: string[]): Completion => ({
    start: cur.start,
    end: cur.end,
    candidates: [...new Set(candidates)].sort((a, b) => a.localeCompare(b)),
  });
  const idx = done.length;
  const first = done[0]?.value.toLowerCase();
  if (idx === 0) {
    if (typed.startsWith(':')) return result(byPrefix(ctx.meta.map((m) => m.name), typed));
    return result(byPrefix(keysOf(ctx.table), typed));
  }
  if (first !== undefined && first.startsWith(':')) {
    const m = ctx.meta.find((x) => x.name === first);
    if (!m || !m.completeArg || idx !== 1) return result([]);
    if (m.completeArg === 'key') return result(keyCandidates(ctx, typed));
    if (m.completeArg === 'file') return result(fileCandidates(typed));
    return result(byPrefix(m.completeArg, typed));
  }
  if (first === 'help' || first === '?') {
    if (idx === 1) {
      return result([...byPrefix(GROUPS.map((g) => '@' + g), typed), ...byPrefix(keysOf(ctx.table), typed)]);
    }
    if (idx === 2) {
      const top = ctx.table.get(done[1]!.value.toLowerCase());
      if (top?.subcommands) return result(byPrefix([...top.subcommands.keys()].map((s) => s.toUpperCase()), typed));
    }
    return result([]);
  }
  const top = ctx.table.get(first!);
  if (!top) return result([]);
  if (top.subcommands && idx === 1) {
    return result(byPrefix([...top.subcommands.keys()].map((s) => s.toUpperCase()), typed));
  }
  const h = findEntry(ctx.table, done.map((w) => w.value));
  if (!h) return result([]);
  const args = h.spec.docs.arguments ?? [];
  const rest = done.slice(h.words.length).map((w) => w.value);
  const out: string[] = [];
  // Keywords that the argument tree accepts right here, as a token.
  const tokens = new Set<string>();
  collectTokens(args, tokens);
  for (const t of tokens) {
    if (!t.startsWith(typed.toUpperCase())) continue;
    const m = new ArgMatcher();
    const w = [...rest, t];
    if (m.args(w, 0, args) !== w.length) continue;
    const c = m.consumers[w.length - 1];
    if (c && c.how === 'token') out.push(inCase(t, typed));
  }
  // What a free word here would be: a key, or a config parameter.
  const m = new ArgMatcher();
  const w = [...rest, SENTINEL];
  if (m.args(w, 0, args) === w.length) {
    const c = m.consumers[w.length - 1];
    if (c && c.how === 'value') {
      if (c.arg.type === 'key') out.push(...keyCandidates(ctx, typed));
      else if ((h.entry.fullName === 'config|get' || h.entry.fullName === 'config|set') && c.arg.name === 'parameter') {
        const names: string[] = [];
        for (const p of CONFIG_PARAMS) names.push(p.name, ...p.aliases);
        out.push(...names.filter((n) => n.startsWith(typed.toLowerCase())));
      }
    }
  }
  return result(out);
}

function keysOf(table: CommandTable): string[] {
  const out: string[] = [];
  for (const e of table.entries.values()) out.push(e.spec.name.toUpperCase());
  return out;
}

function keyCandidates(ctx: CompletionContext, typed: string): string[] {
  return ctx.keys(bytesFromUtf8(typed)).map(keyAsTyped);
}

/** The longest common prefix of the candidates, compared case-insensitively for keywords. */
export function commonPrefix(list: readonly string[]): string {
  if (list.length === 0) return '';
  let p = list[0]!;
  for (const s of list) {
    let i = 0;
    while (i < p.length && i < s.length && p[i] === s[i]) i++;
    p = p.slice(0, i);
  }
  return p;
}
