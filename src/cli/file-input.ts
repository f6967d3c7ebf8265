import fs from 'node:fs';
import { FormatError, TruncatedError } from '../persistence/io/errors.js';

/** Exit statuses shared by the file subcommands (documented in man/redscope.1). */
export const EXIT_VALID = 0;
export const EXIT_INVALID = 1;
export const EXIT_CANNOT_READ = 2;

/** An input path that cannot be opened: one line, exit 2. */
export class CannotReadError extends Error {}

export function checkReadable(path: string): void {
  try {
    const st = fs.statSync(path);
    if (!st.isFile()) throw new CannotReadError(`${path}: not a regular file`);
    fs.accessSync(path, fs.constants.R_OK);
  } catch (e) {
    if (e instanceof CannotReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new CannotReadError(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
}

/** What kind of persistence file a path holds, from its first bytes. */
export function sniffFormat(path: string): 'rdb' | 'jsonl' | 'aof' | 'unknown' {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    const s = head.toString('latin1', 0, n);
    if (s.startsWith('REDIS') || s.startsWith('VALKEY')) return 'rdb';
    if (s.startsWith('{') || s.startsWith('[')) return 'jsonl';
    if (s.startsWith('*') || s.startsWith('#')) return 'aof';
    return 'unknown';
  } finally {
    fs.closeSync(fd);
  }
}

/** One line for a format error: the file, offset, what was expected and found. */
export function describeFormatError(path: string, e: FormatError): string {
  const kind = e instanceof TruncatedError ? 'truncated' : 'corrupt';
  return `${path}: ${kind}: ${e.message}`;
}

/**
 * The file subcommands' first step: an unreadable input gets one line on stderr and exit
 * status 2. Returns false when the command should stop there.
 */
export function ensureReadable(file: string, stderr: NodeJS.WritableStream, result: { code: number }): boolean {
  try {
    checkReadable(file);
    return true;
  } catch (e) {
    if (!(e instanceof CannotReadError)) throw e;
    stderr.write(`redscope: cannot read ${e.message}\n`);
    result.code = EXIT_CANNOT_READ;
    return false;
  }
}
