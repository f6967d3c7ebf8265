import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HISTORY_MAX } from './state.js';

/**
 * The history file: ~/.redscope_history (REDSCOPE_HISTFILE overrides; /dev/null or an
 * empty value disables it), one line per entry as linenoise writes it, mode 0600.
 * Lines that carry a password (redis-cli's isSensitiveCommand list) are never written.
 */

export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const v = env.REDSCOPE_HISTFILE;
  if (v !== undefined) {
    if (v === '' || v === '/dev/null') return null;
    return v.startsWith('~/') ? path.join(os.homedir(), v.slice(2)) : v;
  }
  const home = env.HOME ?? os.homedir();
  if (!home) return null;
  return path.join(home, '.redscope_history');
}

export function loadHistory(file: string | null): string[] {
  if (file === null) return [];
  try {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    return lines.length > HISTORY_MAX ? lines.slice(lines.length - HISTORY_MAX) : lines;
  } catch {
    return [];
  }
}

/** Rewrites the file with `entries` (the persistent ones), creating it 0600. */
export function saveHistory(file: string | null, entries: readonly string[]): void {
  if (file === null) return;
  try {
    const body = entries.length ? entries.join('\n') + '\n' : '';
    fs.writeFileSync(file, body, { mode: 0o600 });
    fs.chmodSync(file, 0o600);
  } catch {
    // A history file that cannot be written is not worth interrupting the session for.
  }
}

function eq(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b;
}

/**
 * redis-cli's isSensitiveCommand: AUTH, ACL SETUSER, CONFIG SET masterauth/masteruser/
 * requirepass, HELLO … AUTH user pass, MIGRATE … AUTH pass / AUTH2 user pass.
 */
export function isSensitive(argv: readonly string[]): boolean {
  const argc = argv.length;
  if (argc === 0) return false;
  if (eq(argv[0], 'auth')) return true;
  if (argc > 1 && eq(argv[0], 'acl') && eq(argv[1], 'setuser')) return true;
  if (argc > 2 && eq(argv[0], 'config') && eq(argv[1], 'set')) {
    const p = argv[2]!.toLowerCase();
    // CONFIG SET takes several pairs since 7.0: any of them may be the password.
    for (let j = 2; j < argc; j += 2) {
      const q = argv[j]!.toLowerCase();
      if (q === 'masterauth' || q === 'masteruser' || q === 'requirepass') return true;
    }
    return p === 'masterauth' || p === 'masteruser' || p === 'requirepass';
  }
  if (argc > 4 && eq(argv[0], 'hello')) {
    for (let j = 2; j < argc; j++) {
      const more = argc - 1 - j;
      if (eq(argv[j], 'auth') && more >= 2) return true;
      if (eq(argv[j], 'setname') && more) j++;
      else return false;
    }
  }
  if (argc > 7 && eq(argv[0], 'migrate')) {
    for (let j = 6; j < argc; j++) {
      const more = argc - 1 - j;
      if (eq(argv[j], 'auth') && more) return true;
      if (eq(argv[j], 'auth2') && more >= 2) return true;
      if (eq(argv[j], 'keys') && more) return false;
    }
  }
  return false;
}
