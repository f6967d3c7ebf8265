import type { Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import type { Reply } from '../engine/reply.js';
import { ErrorReply, NullArrayReply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { helpText } from './help.js';
import { splitArgs } from './quoting.js';
import { DEFAULT_FORMAT, formatReply, type FormatOptions, type OutputMode } from './reply-format.js';

/**
 * redis-cli's read-eval-print step (redis-cli.c repl / issueCommandRepeat / cliSendCommand),
 * against an in-process session instead of a socket. Pipe mode and the line prompt both
 * feed it lines; it writes what redis-cli would print through `write`.
 */

/** Where output goes: engine byte strings (latin1). */
export interface Sink {
  write(s: string): void;
  /** Called before the runner waits on a blocking command, so earlier output is visible. */
  flush(): void | Promise<void>;
}

export interface RunnerOptions {
  mode: OutputMode;
  format?: FormatOptions;
  /** The version shown by the "help" command. */
  version?: string;
  /**
   * redis-cli -e (non-interactive only): the first error reply is not printed but kept in
   * `failed`, and the remaining repetitions are not run.
   */
  errorExit?: boolean;
}

/** Returned by line() when the input asked to leave (quit / exit). */
export const QUIT = Symbol('quit');
/** Returned by line() after SUBSCRIBE & co: redis-cli stops reading input and only prints messages. */
export const PUBSUB = Symbol('pubsub');
export type LineResult = undefined | typeof QUIT | typeof PUBSUB;

/** The engine threw instead of replying: a redscope bug, reported with the command's name. */
export class InternalError extends Error {
  constructor(command: string, cause: unknown) {
    super(`internal error running ${JSON.stringify(command)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'InternalError';
  }
}

const INVALID_ARGS = 'Invalid argument(s)\n';
const INVALID_REPEAT = 'Invalid redis-cli repeat command option value.\n';
const LONG_MAX = 9223372036854775807n;

/**
 * strtol(s, &end, 10) followed by redis-cli's checks: the repeat count of "3 PING", or
 * undefined when argv[0] is not entirely a number (then it is the command), or 0 when
 * it is a number but not a valid count.
 */
function parseRepeat(s: string): number | undefined {
  let i = 0;
  const n = s.length;
  while (i < n && (s.charCodeAt(i) === 0x20 || (s.charCodeAt(i) >= 0x09 && s.charCodeAt(i) <= 0x0d))) i++;
  let neg = false;
  if (i < n && (s[i] === '+' || s[i] === '-')) {
    neg = s[i] === '-';
    i++;
  }
  const digitsStart = i;
  while (i < n && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === digitsStart) {
    // No conversion: endptr is the start of the string.
    return n === 0 ? 0 : undefined;
  }
  if (i !== n) return undefined;
  const v = BigInt(s.slice(digitsStart, i));
  if (neg || v === 0n || v > LONG_MAX) return 0;
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Commands redis-cli prints raw even in the typed form (cliSendCommand's output_raw). */
function printsVerbatim(argv: Bytes[]): boolean {
  const c = argv[0]!.toLowerCase();
  const argc = argv.length;
  if (c === 'info' || c === 'lolwut') return true;
  if (argc < 2) return false;
  const s = argv[1]!.toLowerCase();
  switch (c) {
    case 'debug':
      return s === 'htstats' || s === 'htstats-key';
    case 'memory':
      return s === 'malloc-stats' || s === 'doctor';
    case 'cluster':
      return argc === 2 && (s === 'nodes' || s === 'info');
    case 'client':
      return s === 'list' || (argc === 2 && s === 'info');
    case 'latency':
      return (argc === 3 && s === 'graph') || (argc === 2 && s === 'doctor');
    default:
      return false;
  }
}

export class CommandRunner {
  readonly mode: OutputMode;
  readonly format: FormatOptions;
  /** What the prompt shows: the selected db and whether a MULTI is open (redis-cli's view). */
  dbnum = 0;
  inMulti = false;
  private preMultiDb = 0;
  private readonly version: string;
  private readonly errorExit: boolean;
  /** With errorExit: the error reply that ended the run. */
  failed: string | null = null;

  constructor(
    readonly engine: Engine,
    readonly session: Session,
    private readonly sink: Sink,
    options: RunnerOptions,
  ) {
    this.mode = options.mode;
    this.format = options.format ?? DEFAULT_FORMAT;
    this.version = options.version ?? 'redscope';
    this.errorExit = options.errorExit ?? false;
    this.dbnum = session.dbIndex;
    // Pub/sub confirmations beyond the first and messages arrive out of band; redis-cli
    // reads them as ordinary replies and prints them the same way.
    session.onPush = (r) => this.print(r, false);
  }

  /** The prompt redis-cli would show: "redscope> ", "redscope[3]> ", "redscope(TX)> ". */
  prompt(name = 'redscope'): string {
    return name + (this.dbnum !== 0 ? `[${this.dbnum}]` : '') + (this.inMulti ? '(TX)' : '') + '> ';
  }

  private print(r: Reply, verbatim: boolean): void {
    this.sink.write(formatReply(r, this.session.protocol, this.mode, verbatim, this.format));
  }

  /**
   * One input line (an engine byte string without its newline). Returns synchronously
   * unless a command blocks.
   */
  line(line: Bytes): LineResult | Promise<LineResult> {
    if (line.length === 0) return undefined;
    const argv = splitArgs(line);
    if (argv === null) {
      this.sink.write(INVALID_ARGS);
      return undefined;
    }
    if (argv.length === 0) return undefined;
    let repeat = 1;
    let skip = 0;
    if (argv.length > 1) {
      const r = parseRepeat(argv[0]!);
      if (r !== undefined) {
        if (r <= 0) {
          this.sink.write(INVALID_REPEAT);
          return undefined;
        }
        repeat = r;
        skip = 1;
      }
    }
    const first = argv[0]!.toLowerCase();
    if (first === 'quit' || first === 'exit') return QUIT;
    if (argv[0]!.charCodeAt(0) === 0x3a /* : */) {
      if (first === ':set' && argv.length >= 2) {
        const pref = argv[1]!.toLowerCase();
        if (pref !== 'hints' && pref !== 'nohints') this.sink.write(`unknown redis-cli preference '${argv[1]!}'\n`);
      } else {
        this.sink.write(`unknown redis-cli internal command '${argv[0]!}'\n`);
      }
      return undefined;
    }
    if (first === 'restart') {
      this.sink.write("Use 'restart' only in Lua debugging mode.\n");
      return undefined;
    }
    if (argv.length === 1 && first === 'clear') {
      this.sink.write('\x1b[H\x1b[2J');
      return undefined;
    }
    const cmd = skip ? argv.slice(skip) : argv;
    const start = this.mode === 'tty' ? Date.now() : 0;
    const done = (res: LineResult): LineResult => {
      if (this.mode === 'tty') {
        const elapsed = Date.now() - start;
        if (elapsed >= 500) this.sink.write(`(${(elapsed / 1000).toFixed(2)}s)\n`);
      }
      return res;
    };
    const r = this.command(cmd, repeat);
    if (r instanceof Promise) return r.then(done);
    return this.mode === 'tty' ? done(r) : r;
  }

  /** cliSendCommand: runs argv `repeat` times and prints each reply. */
  command(argv: Bytes[], repeat = 1): LineResult | Promise<LineResult> {
    const name = argv[0]!.toLowerCase();
    if (name === 'help' || name === '?') {
      this.sink.write(helpText(this.engine.commands, argv.slice(1), this.version));
      return undefined;
    }
    const verbatim = printsVerbatim(argv);
    const subscribes = name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe';
    for (let i = 0; i < repeat; i++) {
      if (subscribes && this.mode !== 'raw') this.sink.write('Reading messages... (press Ctrl-C to quit)\n');
      const reply = this.run(argv);
      if (reply instanceof Promise) {
        return Promise.resolve(this.sink.flush()).then(async () => {
          this.after(name, argv, await reply, verbatim);
          if (subscribes) return PUBSUB;
          // The rest of the repetitions, awaiting any that block again.
          for (let j = i + 1; j < repeat && this.failed === null; j++) {
            const again = this.run(argv);
            if (again instanceof Promise) await this.sink.flush();
            this.after(name, argv, again instanceof Promise ? await again : again, verbatim);
          }
          return undefined;
        });
      }
      this.after(name, argv, reply, verbatim);
      if (subscribes) return PUBSUB;
      if (this.failed !== null) break;
    }
    return undefined;
  }

  private run(argv: Bytes[]): Reply | Promise<Reply> {
    try {
      return this.session.execute(argv);
    } catch (e) {
      throw new InternalError(argv[0]!, e);
    }
  }

  /** Prints one reply and tracks what the prompt shows (SELECT, MULTI, EXEC, DISCARD, RESET). */
  private after(name: string, argv: Bytes[], reply: Reply, verbatim: boolean): void {
    const isErr = reply instanceof ErrorReply;
    if (isErr && this.errorExit) {
      this.failed ??= reply.message;
      return;
    }
    this.print(reply, verbatim);
    const argc = argv.length;
    if (argc === 2 && name === 'select' && !isErr) {
      this.dbnum = atoi(argv[1]!);
    } else if (argc === 1 && name === 'multi' && !isErr) {
      this.inMulti = true;
      this.preMultiDb = this.dbnum;
    } else if (argc === 1 && name === 'exec' && this.inMulti) {
      this.inMulti = false;
      if (isErr || reply === null || reply instanceof NullArrayReply) {
        this.dbnum = this.preMultiDb;
      }
    } else if (argc === 1 && name === 'discard' && !isErr) {
      this.inMulti = false;
      this.dbnum = this.preMultiDb;
    } else if (argc === 1 && name === 'reset' && !isErr) {
      this.inMulti = false;
      this.dbnum = 0;
    }
  }
}

/** C atoi(): leading blanks, sign, digits; 0 if none. */
function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0;
}
