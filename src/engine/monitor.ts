import type { Bytes } from './bytes.js';
import { StatusReply } from './reply.js';
import type { Session } from './session.js';
import { extrasOf } from '../commands/connection.js';

/**
 * MONITOR (replicationFeedMonitors): every command a session runs, as one status line
 * `<sec>.<usec> [<db> <addr>] "cmd" "arg" …`, sent to each session in MONITOR mode.
 */

/** Commands that feed monitors themselves before running, so script calls follow them (eval.c). */
export const FEEDS_BEFORE_RUN = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'fcall', 'fcall_ro']);

/** sdscatrepr: the argument in double quotes with C escapes; other non-printables as \xHH. */
export function catRepr(b: Bytes): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i);
    switch (c) {
      case 0x5c: s += '\\\\'; break;
      case 0x22: s += '\\"'; break;
      case 0x0a: s += '\\n'; break;
      case 0x0d: s += '\\r'; break;
      case 0x09: s += '\\t'; break;
      case 0x07: s += '\\a'; break;
      case 0x08: s += '\\b'; break;
      default:
        s += c >= 0x20 && c < 0x7f ? b[i] : '\\x' + c.toString(16).padStart(2, '0');
    }
  }
  return s + '"';
}

/** redactClientCommandArgument: AUTH's and HELLO … AUTH's credentials, MIGRATE's AUTH/AUTH2. */
function redacted(argv: Bytes[]): Bytes[] {
  const name = argv[0]!.toLowerCase();
  const out = argv.slice();
  if (name === 'auth') {
    for (let i = 1; i < out.length; i++) out[i] = '(redacted)';
  } else if (name === 'hello') {
    for (let i = 2; i < out.length; i++) {
      if (out[i]!.toLowerCase() === 'auth' && i + 2 < out.length) {
        out[i + 1] = '(redacted)';
        out[i + 2] = '(redacted)';
        i += 2;
      }
    }
  } else if (name === 'migrate') {
    for (let i = 6; i < out.length; i++) {
      const opt = out[i]!.toLowerCase();
      if (opt === 'auth' && i + 1 < out.length) out[++i] = '(redacted)';
      else if (opt === 'auth2' && i + 2 < out.length) {
        out[i + 1] = '(redacted)';
        out[i + 2] = '(redacted)';
        i += 2;
      } else if (opt === 'keys') break;
    }
  }
  return out;
}

/**
 * The address a monitor line names: `lua` inside a script, else CLIENT LIST's addr=. In-process
 * sessions have no socket address, so they are named by id (`id:3`).
 */
function peerOf(s: Session): string {
  if (s.inScript) return 'lua';
  return extrasOf(s).addr || `id:${s.id}`;
}

export function feedMonitors(s: Session, argv: Bytes[]): void {
  const monitors = s.engine.monitors;
  if (monitors.size === 0 || s.engine.loading) return;
  const ms = s.engine.mstime();
  const sec = Math.floor(ms / 1000);
  const usec = String((ms - sec * 1000) * 1000).padStart(6, '0');
  let line = `${sec}.${usec} [${s.dbIndex} ${peerOf(s)}]`;
  for (const a of redacted(argv)) line += ' ' + catRepr(a);
  const reply = new StatusReply(line);
  for (const m of monitors) m.onPush?.(reply);
}
