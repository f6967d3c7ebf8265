import { EMPTY_LINE, insert, move, remove, type Deletion, type LineBuffer, type Motion } from './editor.js';

/**
 * Everything the shell shows, changed only through `reduce` with a typed action. The
 * Shell controller (shell.ts) dispatches; the Ink components only read.
 */

export interface OutputItem {
  readonly id: number;
  /** Display text (already decoded for the terminal), without the final newline. */
  readonly text: string;
  /** 'clear' is redis-cli's `clear` / Ctrl-L: the screen is wiped before what follows. */
  readonly kind: 'echo' | 'reply' | 'info' | 'error' | 'clear';
}

export interface SearchState {
  readonly query: string;
  /** Index in history of the entry shown, or -1 when nothing matches. */
  readonly match: number;
  /** The line to restore when the search is cancelled. */
  readonly saved: LineBuffer;
}

export interface ShellState {
  readonly output: readonly OutputItem[];
  readonly nextId: number;
  readonly line: LineBuffer;
  readonly prompt: string;
  /** Oldest first. */
  readonly history: readonly string[];
  /** Position while browsing with ↑/↓; history.length means "the line being edited". */
  readonly historyPos: number;
  /** The edited line, kept while browsing history. */
  readonly draft: string;
  readonly search: SearchState | null;
  /** Candidates listed under the prompt after an ambiguous Tab. */
  readonly completions: readonly string[] | null;
  /** A status line under the output (e.g. "client 1 is waiting on BLPOP"). */
  readonly status: string | null;
  readonly exited: boolean;
}

export type Action =
  | { type: 'insert'; text: string }
  | { type: 'move'; motion: Motion }
  | { type: 'delete'; what: Deletion }
  | { type: 'setLine'; text: string; cursor?: number }
  | { type: 'history'; direction: -1 | 1 }
  | { type: 'searchStart' }
  | { type: 'searchInput'; text: string }
  | { type: 'searchBackspace' }
  | { type: 'searchNext' }
  | { type: 'searchAccept' }
  | { type: 'searchCancel' }
  /** Enter: echo the prompt + line, clear it, remember `historyEntry` (null: not kept). */
  | { type: 'submit'; echo: string; historyEntry: string | null }
  /** Ctrl-C on a line: echo it with ^C and start over. */
  | { type: 'cancelLine'; echo: string }
  | { type: 'print'; text: string; kind?: OutputItem['kind'] }
  | { type: 'prompt'; prompt: string }
  | { type: 'status'; status: string | null }
  | { type: 'completions'; list: readonly string[] | null }
  | { type: 'loadHistory'; entries: readonly string[] }
  | { type: 'exit' };

export const HISTORY_MAX = 1000;

export function initialState(prompt: string, history: readonly string[] = []): ShellState {
  return {
    output: [],
    nextId: 0,
    line: EMPTY_LINE,
    prompt,
    history,
    historyPos: history.length,
    draft: '',
    search: null,
    completions: null,
    status: null,
    exited: false,
  };
}

/** The most recent history index <= from whose entry contains `query`, or -1. */
export function searchHistory(history: readonly string[], query: string, from: number): number {
  for (let i = Math.min(from, history.length - 1); i >= 0; i--) {
    if (history[i]!.includes(query)) return i;
  }
  return -1;
}

function withLine(s: ShellState, line: LineBuffer): ShellState {
  if (line === s.line) return s;
  return { ...s, line, completions: null };
}

function print(s: ShellState, text: string, kind: OutputItem['kind']): ShellState {
  return { ...s, output: [...s.output, { id: s.nextId, text, kind }], nextId: s.nextId + 1 };
}

export function reduce(s: ShellState, a: Action): ShellState {
  switch (a.type) {
    case 'insert':
      return withLine(s, insert(s.line, a.text));
    case 'move':
      return withLine(s, move(s.line, a.motion));
    case 'delete':
      return withLine(s, remove(s.line, a.what));
    case 'setLine':
      return withLine(s, { text: a.text, cursor: a.cursor ?? a.text.length });
    case 'history': {
      const pos = s.historyPos + a.direction;
      if (pos < 0 || pos > s.history.length) return s;
      const draft = s.historyPos === s.history.length ? s.line.text : s.draft;
      const text = pos === s.history.length ? draft : s.history[pos]!;
      return { ...s, historyPos: pos, draft, line: { text, cursor: text.length }, completions: null };
    }
    case 'searchStart':
      return { ...s, search: { query: '', match: -1, saved: s.line }, completions: null };
    case 'searchInput': {
      if (!s.search) return s;
      const query = s.search.query + a.text;
      const from = s.search.match >= 0 ? s.search.match : s.history.length - 1;
      return { ...s, search: { ...s.search, query, match: searchHistory(s.history, query, from) } };
    }
    case 'searchBackspace': {
      if (!s.search) return s;
      const query = s.search.query.slice(0, -1);
      const match = query === '' ? -1 : searchHistory(s.history, query, s.history.length - 1);
      return { ...s, search: { ...s.search, query, match } };
    }
    case 'searchNext': {
      if (!s.search || s.search.query === '') return s;
      const from = s.search.match >= 0 ? s.search.match - 1 : s.history.length - 1;
      const match = searchHistory(s.history, s.search.query, from);
      // No older match: stay on the current one, as readline does.
      return match < 0 ? s : { ...s, search: { ...s.search, match } };
    }
    case 'searchAccept': {
      if (!s.search) return s;
      const text = s.search.match >= 0 ? s.history[s.search.match]! : s.search.saved.text;
      return { ...s, search: null, line: { text, cursor: text.length }, historyPos: s.history.length };
    }
    case 'searchCancel':
      return s.search ? { ...s, search: null, line: s.search.saved } : s;
    case 'submit': {
      let history = s.history;
      if (a.historyEntry !== null && a.historyEntry !== '' && history[history.length - 1] !== a.historyEntry) {
        history = [...history, a.historyEntry];
        if (history.length > HISTORY_MAX) history = history.slice(history.length - HISTORY_MAX);
      }
      const next = print(s, a.echo, 'echo');
      return {
        ...next,
        line: EMPTY_LINE,
        history,
        historyPos: history.length,
        draft: '',
        search: null,
        completions: null,
      };
    }
    case 'cancelLine':
      return { ...print(s, a.echo, 'echo'), line: EMPTY_LINE, historyPos: s.history.length, draft: '', completions: null };
    case 'print':
      return print(s, a.text, a.kind ?? 'reply');
    case 'prompt':
      return a.prompt === s.prompt ? s : { ...s, prompt: a.prompt };
    case 'status':
      return a.status === s.status ? s : { ...s, status: a.status };
    case 'completions':
      return { ...s, completions: a.list };
    case 'loadHistory':
      return { ...s, history: a.entries, historyPos: a.entries.length };
    case 'exit':
      return { ...s, exited: true, completions: null, status: null };
  }
}
