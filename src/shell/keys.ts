import type { Key } from 'ink';

/**
 * Keys as the shell understands them, decoded from what Ink's useInput reports. A pasted
 * chunk arrives as one string: it is split into text runs and Enter presses so several
 * pasted lines run in order.
 */
export type KeyPress =
  | { kind: 'text'; text: string }
  | { kind: 'enter' }
  | { kind: 'tab' }
  | { kind: 'backspace' }
  | { kind: 'delete' }
  | { kind: 'left' }
  | { kind: 'right' }
  | { kind: 'up' }
  | { kind: 'down' }
  | { kind: 'home' }
  | { kind: 'end' }
  | { kind: 'wordLeft' }
  | { kind: 'wordRight' }
  | { kind: 'escape' }
  /** Ctrl + a letter: 'a', 'e', 'w', 'u', 'k', 'r', 'c', 'd', 'g', 'l', 'p', 'n', 'b', 'f', 'h'. */
  | { kind: 'ctrl'; letter: string };

/** Splits typed or pasted text: CR/LF are Enter, TAB is Tab, DEL/BS erase, other C0 bytes are Ctrl keys. */
export function splitText(s: string): KeyPress[] {
  const out: KeyPress[] = [];
  let run = '';
  const flush = () => {
    if (run) out.push({ kind: 'text', text: run });
    run = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) {
      flush();
      // CRLF is one Enter.
      if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) i++;
      out.push({ kind: 'enter' });
    } else if (c === 0x09) {
      flush();
      out.push({ kind: 'tab' });
    } else if (c === 0x7f || c === 0x08) {
      flush();
      out.push({ kind: 'backspace' });
    } else if (c < 0x20) {
      flush();
      if (c === 0x1b) out.push({ kind: 'escape' });
      else out.push({ kind: 'ctrl', letter: String.fromCharCode(c + 0x60) });
    } else {
      run += s[i];
    }
  }
  flush();
  return out;
}

export function decodeKey(input: string, key: Key): KeyPress[] {
  if (key.return) return [{ kind: 'enter' }];
  if (key.tab && !key.shift) return [{ kind: 'tab' }];
  // Ink reports the DEL byte (what Backspace sends on most terminals) as "delete".
  if (key.backspace) return [{ kind: 'backspace' }];
  // …and the real Delete key the same way: both erase backwards (Ctrl-D deletes forward).
  if (key.delete) return [{ kind: 'backspace' }];
  if (key.escape) return [{ kind: 'escape' }];
  if (key.leftArrow) return [{ kind: key.meta || key.ctrl ? 'wordLeft' : 'left' }];
  if (key.rightArrow) return [{ kind: key.meta || key.ctrl ? 'wordRight' : 'right' }];
  if (key.upArrow) return [{ kind: 'up' }];
  if (key.downArrow) return [{ kind: 'down' }];
  if (key.home) return [{ kind: 'home' }];
  if (key.end) return [{ kind: 'end' }];
  if (key.ctrl && input.length === 1) return [{ kind: 'ctrl', letter: input.toLowerCase() }];
  if (key.meta) {
    if (input === 'b') return [{ kind: 'wordLeft' }];
    if (input === 'f') return [{ kind: 'wordRight' }];
    return [];
  }
  if (input === '') return [];
  return splitText(input);
}
