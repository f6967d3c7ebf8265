/**
 * Line editing as pure functions over { text, cursor } (readline / linenoise keys).
 * `cursor` is an index into `text` (UTF-16 units; the shell never splits a surrogate pair
 * because it only moves by whole code points).
 */

export interface LineBuffer {
  readonly text: string;
  readonly cursor: number;
}

export const EMPTY_LINE: LineBuffer = { text: '', cursor: 0 };

export type Motion = 'left' | 'right' | 'home' | 'end' | 'wordLeft' | 'wordRight';
export type Deletion = 'back' | 'forward' | 'wordBack' | 'toStart' | 'toEnd';

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && !/\s/.test(c);
}

function prevIndex(text: string, i: number): number {
  if (i <= 0) return 0;
  const c = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
}

function nextIndex(text: string, i: number): number {
  if (i >= text.length) return text.length;
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? i + 2 : i + 1;
}

/** Start of the word before the cursor (Alt-b, Ctrl-W): skip blanks, then the word. */
export function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && !isWordChar(text[i - 1])) i--;
  while (i > 0 && isWordChar(text[i - 1])) i--;
  return i;
}

/** End of the word after the cursor (Alt-f). */
export function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && !isWordChar(text[i])) i++;
  while (i < text.length && isWordChar(text[i])) i++;
  return i;
}

export function insert(b: LineBuffer, s: string): LineBuffer {
  return { text: b.text.slice(0, b.cursor) + s + b.text.slice(b.cursor), cursor: b.cursor + s.length };
}

export function move(b: LineBuffer, m: Motion): LineBuffer {
  let cursor: number;
  switch (m) {
    case 'left': cursor = prevIndex(b.text, b.cursor); break;
    case 'right': cursor = nextIndex(b.text, b.cursor); break;
    case 'home': cursor = 0; break;
    case 'end': cursor = b.text.length; break;
    case 'wordLeft': cursor = wordStartBefore(b.text, b.cursor); break;
    case 'wordRight': cursor = wordEndAfter(b.text, b.cursor); break;
  }
  return cursor === b.cursor ? b : { text: b.text, cursor };
}

export function remove(b: LineBuffer, d: Deletion): LineBuffer {
  const { text, cursor } = b;
  switch (d) {
    case 'back': {
      const p = prevIndex(text, cursor);
      return { text: text.slice(0, p) + text.slice(cursor), cursor: p };
    }
    case 'forward':
      return { text: text.slice(0, cursor) + text.slice(nextIndex(text, cursor)), cursor };
    case 'wordBack': {
      const p = wordStartBefore(text, cursor);
      return { text: text.slice(0, p) + text.slice(cursor), cursor: p };
    }
    case 'toStart':
      return { text: text.slice(cursor), cursor: 0 };
    case 'toEnd':
      return { text: text.slice(0, cursor), cursor };
  }
}
