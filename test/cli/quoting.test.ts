import { describe, expect, it } from 'vitest';
import { repr, splitArgs } from '../../src/cli/quoting.js';

describe('splitArgs (sds.c sdssplitargs)', () => {
  it('splits on blanks, keeps quoted blanks', () => {
    expect(splitArgs('  SET  k "a b"  ')).toEqual(['SET', 'k', 'a b']);
    expect(splitArgs('')).toEqual([]);
    expect(splitArgs(' \t\x0b\x0c ')).toEqual([]);
  });
  it('double quotes: escapes and \\xHH', () => {
    expect(splitArgs('"\\n\\r\\t\\b\\a\\\\\\"\\q"')).toEqual(['\n\r\t\b\x07\\"q']);
    expect(splitArgs('"\\x00\\xfF\\x4g\\x4"')).toEqual(['\x00\xff' + 'x4g' + 'x4']);
  });
  it("single quotes: only \\' is an escape", () => {
    expect(splitArgs("'it\\'s \\n \"x\"'")).toEqual(['it\'s \\n "x"']);
  });
  it('quotes may start inside a token; a closing quote must end it', () => {
    expect(splitArgs('ab"c d"')).toEqual(['abc d']);
    expect(splitArgs('"a"b')).toBeNull();
    expect(splitArgs("'a'b")).toBeNull();
    expect(splitArgs('"open')).toBeNull();
    expect(splitArgs("'open")).toBeNull();
    expect(splitArgs('"ends with backslash\\')).toBeNull();
  });
  it('the line ends at a NUL byte, as a C string', () => {
    expect(splitArgs('ECHO a\x00b c')).toEqual(['ECHO', 'a']);
  });
});

describe('repr (sds.c sdscatrepr)', () => {
  it('quotes and escapes like redis-cli', () => {
    expect(repr('plain text')).toBe('"plain text"');
    expect(repr('\x00\x7f\x80\xff"\\\n\r\t\x07\x08')).toBe('"\\x00\\x7f\\x80\\xff\\"\\\\\\n\\r\\t\\a\\b"');
    expect(repr('')).toBe('""');
  });
});
