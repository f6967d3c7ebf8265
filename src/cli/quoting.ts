import type { Bytes } from '../engine/bytes.js';

/**
 * redis-cli's input and output quoting, byte for byte:
 *   splitArgs — sds.c sdssplitargs(), which redis-cli uses for every line it reads;
 *   repr      — sds.c sdscatrepr(), how redis-cli shows a bulk string on a terminal.
 * Lines and results are engine byte strings (latin1: one char per byte).
 */

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c >= 0x61) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

/** C isspace() in the "C" locale: space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * sdssplitargs: splits a line into arguments.
 *   foo bar "newline are supported\n" and "\xff\x00otherstuff" 'it\'s'
 * Double quotes understand \n \r \t \b \a \xHH and \<any> (the char itself); single quotes
 * only \'. A closing quote must be followed by a space or the end of the line. Returns null
 * on unbalanced quotes (redis-cli then prints "Invalid argument(s)"). The line ends at the
 * first NUL byte, as a C string does.
 */
export function splitArgs(line: Bytes): Bytes[] | null {
  const nul = line.indexOf('\0');
  const s = nul >= 0 ? line.slice(0, nul) : line;
  const n = s.length;
  const out: Bytes[] = [];
  let p = 0;
  for (;;) {
    while (p < n && isSpace(s.charCodeAt(p))) p++;
    if (p >= n) return out;
    let inq = false;
    let insq = false;
    let cur = '';
    // Runs of plain characters are copied with one slice instead of char by char.
    let runStart = -1;
    for (;;) {
      const c = p < n ? s.charCodeAt(p) : 0;
      if (inq) {
        if (c === 0x5c /* \ */ && p + 3 < n + 0 && s.charCodeAt(p + 1) === 0x78 /* x */ &&
            isHexDigit(s.charCodeAt(p + 2)) && isHexDigit(s.charCodeAt(p + 3))) {
          cur += String.fromCharCode(hexValue(s.charCodeAt(p + 2)) * 16 + hexValue(s.charCodeAt(p + 3)));
          p += 3;
        } else if (c === 0x5c && p + 1 < n) {
          p++;
          const e = s.charCodeAt(p);
          switch (e) {
            case 0x6e: cur += '\n'; break; // n
            case 0x72: cur += '\r'; break; // r
            case 0x74: cur += '\t'; break; // t
            case 0x62: cur += '\b'; break; // b
            case 0x61: cur += '\x07'; break; // a
            default: cur += s[p]; break;
          }
        } else if (c === 0x22 /* " */) {
          if (p + 1 < n && !isSpace(s.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else if (p >= n) {
          return null; // unterminated quotes
        } else {
          cur += s[p];
        }
        p++;
      } else if (insq) {
        if (c === 0x5c && p + 1 < n && s.charCodeAt(p + 1) === 0x27) {
          p++;
          cur += "'";
        } else if (c === 0x27 /* ' */) {
          if (p + 1 < n && !isSpace(s.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else if (p >= n) {
          return null;
        } else {
          cur += s[p];
        }
        p++;
      } else {
        if (p >= n || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
          if (runStart >= 0) cur += s.slice(runStart, p);
          if (p < n) p++;
          break;
        } else if (c === 0x22 || c === 0x27) {
          if (runStart >= 0) {
            cur += s.slice(runStart, p);
            runStart = -1;
          }
          if (c === 0x22) inq = true;
          else insq = true;
        } else if (runStart < 0) {
          runStart = p;
        }
        p++;
      }
    }
    out.push(cur);
  }
}

const REPR_ESCAPES: string[] = (() => {
  const t: string[] = [];
  for (let c = 0; c < 256; c++) {
    if (c === 0x5c) t.push('\\\\');
    else if (c === 0x22) t.push('\\"');
    else if (c === 0x0a) t.push('\\n');
    else if (c === 0x0d) t.push('\\r');
    else if (c === 0x09) t.push('\\t');
    else if (c === 0x07) t.push('\\a');
    else if (c === 0x08) t.push('\\b');
    else if (c >= 0x20 && c <= 0x7e) t.push(String.fromCharCode(c));
    else t.push('\\x' + c.toString(16).padStart(2, '0'));
  }
  return t;
})();

/** True for the bytes sdscatrepr copies unchanged (printable ASCII except \ and "). */
function plain(c: number): boolean {
  return c >= 0x20 && c <= 0x7e && c !== 0x5c && c !== 0x22;
}

/** sdscatrepr: "quoted" with \n \r \t \a \b \\ \" escapes and \xHH for other non-printables. */
export function repr(b: Bytes): string {
  let i = 0;
  const n = b.length;
  while (i < n && plain(b.charCodeAt(i))) i++;
  if (i === n) return '"' + b + '"';
  let out = '"' + b.slice(0, i);
  for (; i < n; i++) {
    const c = b.charCodeAt(i);
    out += c < 256 ? REPR_ESCAPES[c] : '?';
  }
  return out + '"';
}
