import { describe, expect, it } from 'vitest';
import { insert, move, remove, type LineBuffer } from '../../src/shell/editor.js';
import { initialState, reduce, searchHistory, type Action, type ShellState } from '../../src/shell/state.js';
import { decodeKey, splitText } from '../../src/shell/keys.js';

const at = (text: string, cursor = text.length): LineBuffer => ({ text, cursor });

describe('line editing', () => {
  it('inserts at the cursor and moves by characters, words and ends', () => {
    let b = insert(at('SET  v', 4), 'k');
    expect(b).toEqual({ text: 'SET k v', cursor: 5 });
    b = move(b, 'home');
    expect(b.cursor).toBe(0);
    b = move(b, 'wordRight');
    expect(b.cursor).toBe(3);
    b = move(b, 'wordRight');
    expect(b.cursor).toBe(5);
    b = move(b, 'end');
    expect(b.cursor).toBe(7);
    b = move(b, 'wordLeft');
    expect(b.cursor).toBe(6);
    b = move(b, 'wordLeft');
    expect(b.cursor).toBe(4);
    b = move(move(b, 'left'), 'right');
    expect(b.cursor).toBe(4);
    expect(move(at('x', 0), 'left').cursor).toBe(0);
  });

  it('never splits a surrogate pair', () => {
    const b = at('a😀b', 3);
    expect(move(b, 'left').cursor).toBe(1);
    expect(remove(b, 'back')).toEqual({ text: 'ab', cursor: 1 });
    expect(move(at('a😀b', 1), 'right').cursor).toBe(3);
  });

  it('deletes back, forward, a word (Ctrl-W), to the start (Ctrl-U) and to the end (Ctrl-K)', () => {
    expect(remove(at('GET key'), 'back')).toEqual(at('GET ke'));
    expect(remove(at('GET key', 0), 'forward')).toEqual(at('ET key', 0));
    expect(remove(at('SET k value  '), 'wordBack')).toEqual(at('SET k '));
    expect(remove(at('SET k value', 5), 'toStart')).toEqual(at(' value', 0));
    expect(remove(at('SET k value', 5), 'toEnd')).toEqual(at('SET k', 5));
  });
});

function run(s: ShellState, ...actions: Action[]): ShellState {
  for (const a of actions) s = reduce(s, a);
  return s;
}

describe('reducer', () => {
  it('submit echoes the line, clears it and appends to history once', () => {
    let s = run(initialState('redscope> '), { type: 'insert', text: 'PING' });
    s = run(s, { type: 'submit', echo: 'redscope> PING', historyEntry: 'PING' });
    expect(s.line.text).toBe('');
    expect(s.output.map((o) => o.text)).toEqual(['redscope> PING']);
    s = run(s, { type: 'submit', echo: 'redscope> PING', historyEntry: 'PING' });
    expect(s.history).toEqual(['PING']);
    s = run(s, { type: 'submit', echo: 'redscope> AUTH x', historyEntry: null });
    expect(s.history).toEqual(['PING']);
  });

  it('browses history with up/down and keeps the draft', () => {
    let s = initialState('> ', ['GET a', 'GET b']);
    s = run(s, { type: 'insert', text: 'dra' }, { type: 'history', direction: -1 });
    expect(s.line).toEqual(at('GET b'));
    s = run(s, { type: 'history', direction: -1 }, { type: 'history', direction: -1 });
    expect(s.line.text).toBe('GET a');
    s = run(s, { type: 'history', direction: 1 }, { type: 'history', direction: 1 });
    expect(s.line.text).toBe('dra');
    expect(run(s, { type: 'history', direction: 1 })).toBe(s);
  });

  it('reverse search finds older matches, accepts and cancels', () => {
    const h = ['SET a 1', 'GET a', 'SET b 2', 'GET b'];
    expect(searchHistory(h, 'SET', 3)).toBe(2);
    let s = run(initialState('> ', h), { type: 'insert', text: 'typed' }, { type: 'searchStart' });
    s = run(s, { type: 'searchInput', text: 'SE' }, { type: 'searchInput', text: 'T' });
    expect(s.search!.match).toBe(2);
    s = run(s, { type: 'searchNext' });
    expect(s.search!.match).toBe(0);
    // Nothing older: stays.
    expect(run(s, { type: 'searchNext' }).search!.match).toBe(0);
    expect(run(s, { type: 'searchAccept' }).line.text).toBe('SET a 1');
    expect(run(s, { type: 'searchCancel' }).line.text).toBe('typed');
    const failed = run(s, { type: 'searchInput', text: 'zzz' });
    expect(failed.search!.match).toBe(-1);
    expect(run(failed, { type: 'searchBackspace' }, { type: 'searchBackspace' }, { type: 'searchBackspace' }).search!.match).toBe(2);
  });
});

describe('key decoding', () => {
  const key = (over: Record<string, boolean> = {}) =>
    ({
      upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
      home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
      backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
      ...over,
    }) as Parameters<typeof decodeKey>[1];

  it('splits a paste into text and Enter presses', () => {
    expect(splitText('SET a 1\rGET a\r\n')).toEqual([
      { kind: 'text', text: 'SET a 1' }, { kind: 'enter' }, { kind: 'text', text: 'GET a' }, { kind: 'enter' },
    ]);
    expect(splitText('a\tb\x7f\x01')).toEqual([
      { kind: 'text', text: 'a' }, { kind: 'tab' }, { kind: 'text', text: 'b' }, { kind: 'backspace' }, { kind: 'ctrl', letter: 'a' },
    ]);
  });

  it('maps Ink keys', () => {
    expect(decodeKey('', key({ return: true }))).toEqual([{ kind: 'enter' }]);
    expect(decodeKey('', key({ leftArrow: true, meta: true }))).toEqual([{ kind: 'wordLeft' }]);
    expect(decodeKey('b', key({ meta: true }))).toEqual([{ kind: 'wordLeft' }]);
    expect(decodeKey('f', key({ meta: true }))).toEqual([{ kind: 'wordRight' }]);
    expect(decodeKey('w', key({ ctrl: true }))).toEqual([{ kind: 'ctrl', letter: 'w' }]);
    expect(decodeKey('', key({ delete: true }))).toEqual([{ kind: 'backspace' }]);
  });
});
