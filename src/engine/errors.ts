import { ErrorReply } from './reply.js';

/**
 * Error replies shared across command groups, byte for byte as Redis 7.2 sends them
 * (server.c createSharedObjects and friends). Errors used by one group only live in that
 * group's file; each text is defined once.
 */
export const WRONGTYPE = new ErrorReply('WRONGTYPE Operation against a key holding the wrong kind of value');
export const SYNTAX_ERROR = new ErrorReply('ERR syntax error');
export const NO_SUCH_KEY = new ErrorReply('ERR no such key');
export const NOT_INTEGER = new ErrorReply('ERR value is not an integer or out of range');
export const NOT_FLOAT = new ErrorReply('ERR value is not a valid float');
export const INDEX_OUT_OF_RANGE = new ErrorReply('ERR index out of range');
export const OVERFLOW = new ErrorReply('ERR increment or decrement would overflow');
export const BUSYKEY = new ErrorReply('BUSYKEY Target key name already exists.');
export const EXECABORT = new ErrorReply('EXECABORT Transaction discarded because of previous errors.');
export const OOM = new ErrorReply("OOM command not allowed when used memory > 'maxmemory'.");
export const DB_INDEX_OUT_OF_RANGE = new ErrorReply('ERR DB index is out of range');
export const NOT_POSITIVE = (what: string) => new ErrorReply(`ERR ${what} is out of range, must be positive`);
export const TIMEOUT_NOT_FLOAT = new ErrorReply('ERR timeout is not a float or out of range');
export const TIMEOUT_NEGATIVE = new ErrorReply('ERR timeout is negative');
export const TIMEOUT_OUT_OF_RANGE = new ErrorReply('ERR timeout is out of range');

export function wrongArity(fullName: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${fullName}' command`);
}

export function invalidExpireTime(cmd: string): ErrorReply {
  return new ErrorReply(`ERR invalid expire time in '${cmd}' command`);
}

/** C's "%.Ns": at most n bytes, stopping at a NUL (what Redis's format strings print). */
export function cstr(s: string, n: number): string {
  const z = s.indexOf('\0');
  return z >= 0 && z < n ? s.slice(0, z) : s.slice(0, n);
}

/** processCommand's reply for a name it does not know: up to 128 bytes of each part. */
export function unknownCommand(name: string, args: readonly string[]): ErrorReply {
  let shown = '';
  for (const a of args) {
    if (shown.length >= 128) break;
    shown += `'${cstr(a, 128 - shown.length)}' `;
  }
  return new ErrorReply(`ERR unknown command '${cstr(name, 128)}', with args beginning with: ${shown}`);
}

export function unknownSubcommand(sub: string, container: string): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand '${cstr(sub, 128)}'. Try ${container.toUpperCase()} HELP.`);
}
