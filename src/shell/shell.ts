import { bytesFromUtf8, bytesToUtf8, type Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import { ErrorReply, NULL_ARRAY, NullArrayReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { splitArgs } from '../cli/quoting.js';
import { DEFAULT_FORMAT, formatReply, type FormatOptions, type OutputMode } from '../cli/reply-format.js';
import { commonPrefix, complete, KeySampler, tokenize } from './complete.js';
import { helpText } from './help.js';
import { hintForLine } from './hints.js';
import { historyPath, isSensitive, loadHistory, saveHistory } from './history.js';
import type { KeyPress } from './keys.js';
import { findMeta, META_COMMANDS } from './meta.js';
import { initialState, reduce, type Action, type OutputItem, type ShellState } from './state.js';

/**
 * The shell's controller: owns the engine clients, runs lines, and changes the UI state
 * only by dispatching reducer actions to its store. The Ink components render the store.
 */

export interface ShellOptions {
  engine: Engine;
  /** The first client (a new session of `engine` when absent). */
  session?: Session;
  mode?: OutputMode;
  format?: FormatOptions;
  /** Shown by HELP. */
  version?: string;
  /** Replaces "redscope" in the prompt (a loaded file's name). */
  name?: string;
  /** History file; undefined: REDSCOPE_HISTFILE or ~/.redscope_history; null: none. */
  historyFile?: string | null;
  /**
   * The terminal's height in rows, asked before each reply: a longer reply is paged.
   * Absent: never page.
   */
  rows?: () => number | undefined;
}

/** A tiny external store: state changes only through reduce(). */
export class Store {
  private listeners = new Set<() => void>();
  constructor(public state: ShellState) {}
  dispatch = (a: Action): void => {
    const next = reduce(this.state, a);
    if (next === this.state) return;
    this.state = next;
    for (const l of this.listeners) l();
  };
  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getState = (): ShellState => this.state;
}

export interface Pending {
  name: string;
  cancelled: boolean;
  startedAt: number;
  /** A meta-command running asynchronously (:load): Ctrl-C cannot cancel it. */
  meta?: boolean;
}

/** The rest of a reply longer than the screen, shown a page at a time. */
interface Pager {
  lines: string[];
  pos: number;
  kind: OutputItem['kind'];
}

export const MORE_PROMPT = '-- more -- (space: next page, q: stop)';

/** One engine session as the shell tracks it (redis-cli's view of db and MULTI). */
export class ShellClient {
  dbnum: number;
  inMulti = false;
  preMultiDb = 0;
  pending: Pending | null = null;
  /** Swallow this client's pushes (the silent UNSUBSCRIBE of Ctrl-C). */
  mute = false;
  constructor(
    readonly id: number,
    readonly session: Session,
  ) {
    this.dbnum = session.dbIndex;
  }
}

const INVALID_ARGS = 'Invalid argument(s)';
const INVALID_REPEAT = 'Invalid redis-cli repeat command option value.';
const LONG_MAX = 9223372036854775807n;

/** strtol + redis-cli's checks on a leading repeat count: undefined if argv[0] is not a number. */
function parseRepeat(s: string): number | undefined {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d+)$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[2]!);
  if (m[1] === '-' || v === 0n || v > LONG_MAX) return 0;
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
    case 'debug': return s === 'htstats' || s === 'htstats-key';
    case 'memory': return s === 'malloc-stats' || s === 'doctor';
    case 'cluster': return argc === 2 && (s === 'nodes' || s === 'info');
    case 'client': return s === 'list' || (argc === 2 && s === 'info');
    case 'latency': return (argc === 3 && s === 'graph') || (argc === 2 && s === 'doctor');
    default: return false;
  }
}

function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) | 0 : 0;
}

/** Engine bytes → terminal text, without the final newline. */
function display(out: Bytes): string {
  const t = bytesToUtf8(out);
  return t.endsWith('\n') ? t.slice(0, -1) : t;
}

export class Shell {
  readonly store: Store;
  readonly engine: Engine;
  readonly clients: ShellClient[] = [];
  current: ShellClient;
  timing = false;
  readonly mode: OutputMode;
  private readonly format: FormatOptions;
  private readonly version: string;
  private name: string;
  /** A progress line for the status area (":load" while it reads). */
  private progress: string | null = null;
  private pager: Pager | null = null;
  private readonly rows: (() => number | undefined) | undefined;
  private readonly historyFile: string | null;
  /** History entries that go to the file (sensitive lines stay in memory only). */
  private persistent: string[];
  private nextClientId = 1;
  /** The client whose command is running synchronously right now. */
  private running: ShellClient | null = null;
  /** Messages for other clients that arrived during a command: printed after its reply. */
  private deferred: Array<[ShellClient, Reply]> = [];
  /** Lines pasted after one that blocked, waiting their turn. */
  private queue: Array<{ line: string; echoed: boolean }> = [];
  private readonly sampler = new KeySampler();
  private batch: { texts: string[]; kind: OutputItem['kind'] | null } | null = null;
  private exitListeners: Array<() => void> = [];

  constructor(opts: ShellOptions) {
    this.engine = opts.engine;
    this.mode = opts.mode ?? 'tty';
    this.format = opts.format ?? DEFAULT_FORMAT;
    this.version = opts.version ?? 'redscope';
    this.name = opts.name ?? 'redscope';
    this.rows = opts.rows;
    this.historyFile = opts.historyFile === undefined ? historyPath() : opts.historyFile;
    this.persistent = loadHistory(this.historyFile);
    this.current = this.addClient(opts.session ?? this.engine.createSession());
    this.store = new Store(initialState(this.prompt(), this.persistent));
  }

  // --- clients ---------------------------------------------------------------------------

  private addClient(session: Session): ShellClient {
    const c = new ShellClient(this.nextClientId++, session);
    session.onPush = (r) => this.onPush(c, r);
    this.clients.push(c);
    return c;
  }

  newClient(): ShellClient {
    return this.addClient(this.engine.createSession());
  }

  switchTo(id: number): boolean {
    const c = this.clients.find((x) => x.id === id);
    if (!c) return false;
    this.current = c;
    this.refresh();
    return true;
  }

  /** "redscope> ", "redscope[3]> ", "redscope(TX)> "; with several clients "redscope@2[3]> ". */
  prompt(): string {
    const c = this.current;
    return (
      this.name +
      (this.clients.length > 1 ? `@${c.id}` : '') +
      (c.dbnum !== 0 ? `[${c.dbnum}]` : '') +
      (c.inMulti ? '(TX)' : '') +
      '> '
    );
  }

  /** Replaces the prompt's "redscope" (a file was loaded). */
  setName(name: string): void {
    this.name = name;
    this.refresh();
  }

  /** The status line's progress text (null: none). */
  setProgress(text: string | null): void {
    this.progress = text;
    this.refresh();
  }

  private refresh(): void {
    if (!this.store) return;
    this.store.dispatch({ type: 'prompt', prompt: this.prompt() });
    const c = this.current;
    let status: string | null = null;
    if (this.pager) {
      status = MORE_PROMPT;
    } else if (this.progress !== null) {
      status = this.progress;
    } else if (c.pending) {
      status = `client ${c.id} is waiting on ${c.pending.name} — Ctrl-C cancels it` +
        (this.clients.length > 1 ? ', :client N switches' : ', :client new opens another client');
    } else if (c.session.subscriptionCount + c.session.shardChannels.size > 0) {
      status = `client ${c.id} is subscribed — messages appear as they arrive; Ctrl-C on an empty line unsubscribes`;
    } else if (c.session.monitor) {
      status = `client ${c.id} is monitoring — commands appear as they run; Ctrl-C on an empty line stops`;
    }
    this.store.dispatch({ type: 'status', status });
  }

  // --- output ----------------------------------------------------------------------------

  print(text: string, kind: OutputItem['kind'] = 'reply'): void {
    if (this.pager) {
      // Output that follows a paged reply waits behind it.
      for (const l of text.split('\n')) this.pager.lines.push(l);
      return;
    }
    if (this.batch) {
      this.batch.texts.push(text);
      if (this.batch.kind === null) this.batch.kind = kind;
      else if (kind !== this.batch.kind) this.batch.kind = 'reply';
      return;
    }
    this.store.dispatch({ type: 'print', text, kind });
  }

  /**
   * Output of one step (a line, a served block) becomes one output item, so `100000 INCR x`
   * renders once instead of growing the screen 100000 times.
   */
  private batched(fn: () => void): void {
    if (this.batch) {
      fn();
      return;
    }
    const b: { texts: string[]; kind: OutputItem['kind'] | null } = { texts: [], kind: null };
    this.batch = b;
    try {
      fn();
    } finally {
      this.batch = null;
      if (b.texts.length) this.store.dispatch({ type: 'print', text: b.texts.join('\n'), kind: b.kind ?? 'reply' });
    }
  }

  /** Shell messages and tables (:peek, :memory, HELP): paged like replies when tall. */
  info(text: string): void {
    this.printPaged(text, 'info');
  }

  error(text: string): void {
    this.print(text, 'error');
  }

  /** Output of a client other than the current one is tagged with it. */
  private label(c: ShellClient, text: string): string {
    const tag = `[client ${c.id}] `;
    return text.split('\n').map((l) => tag + l).join('\n');
  }

  private printReply(c: ShellClient, r: Reply, verbatim: boolean): void {
    const out = display(formatReply(r, c.session.protocol, this.mode, verbatim, this.format));
    this.printPaged(c === this.current ? out : this.label(c, out));
  }

  /** Lines of output per page, or 0 when replies are not paged (raw mode, no terminal). */
  private pageSize(): number {
    if (this.mode !== 'tty' || !this.rows) return 0;
    const rows = this.rows();
    if (rows === undefined || !Number.isFinite(rows) || rows < 3) return 0;
    // The echoed command line, the page, the "-- more --" line, the prompt, and the row
    // Ink leaves the cursor on below its output.
    return rows - 4;
  }

  /** A reply longer than the terminal's height is shown a screen at a time. */
  private printPaged(text: string, kind: OutputItem['kind'] = 'reply'): void {
    const page = this.pageSize();
    if (page === 0 || this.pager) {
      this.print(text, kind);
      return;
    }
    const lines = text.split('\n');
    if (lines.length <= page + 1) {
      this.print(text, kind);
      return;
    }
    this.print(lines.slice(0, page).join('\n'), kind);
    this.pager = { lines, pos: page, kind };
    this.refresh();
  }

  /** Whether a reply is being paged (keys go to the pager). */
  get paging(): boolean {
    return this.pager !== null;
  }

  /** Space: the next page; Enter: one more line; q: stop (the rest is dropped). */
  private pagerKey(k: KeyPress): void {
    const p = this.pager!;
    let n = 0;
    if (k.kind === 'text' && k.text.startsWith(' ')) n = this.pageSize() || 1;
    else if (k.kind === 'enter') n = 1;
    else if ((k.kind === 'text' && (k.text[0] === 'q' || k.text[0] === 'Q')) || k.kind === 'escape' || (k.kind === 'ctrl' && k.letter === 'c')) {
      this.pager = null;
      this.refresh();
      this.drain();
      return;
    } else return;
    const chunk = p.lines.slice(p.pos, p.pos + n);
    p.pos += chunk.length;
    const done = p.pos >= p.lines.length;
    if (done) this.pager = null;
    this.store.dispatch({ type: 'print', text: chunk.join('\n'), kind: p.kind });
    this.refresh();
    if (done) this.drain();
  }

  private onPush(c: ShellClient, r: Reply): void {
    if (c.mute) return;
    if (this.running !== null && this.running !== c) {
      this.deferred.push([c, r]);
      return;
    }
    const out = display(formatReply(r, c.session.protocol, this.mode, false, this.format));
    this.print(c !== this.current ? this.label(c, out) : out);
  }

  private flushDeferred(): void {
    const d = this.deferred;
    this.deferred = [];
    for (const [c, r] of d) this.onPush(c, r);
  }

  // --- input -----------------------------------------------------------------------------

  onExit(l: () => void): void {
    this.exitListeners.push(l);
  }

  exit(): void {
    if (this.store.state.exited) return;
    this.store.dispatch({ type: 'exit' });
    for (const l of this.exitListeners) l();
  }

  /** Handles decoded keys (see keys.ts). */
  keys(presses: readonly KeyPress[]): void {
    for (let i = 0; i < presses.length; i++) {
      if (this.store.state.exited) return;
      const k = presses[i]!;
      if (this.pager) {
        this.pagerKey(k);
        continue;
      }
      this.key(k);
      if (k.kind === 'enter' && (this.current.pending || this.pager) && i + 1 < presses.length) {
        // The rest of a paste waits until the blocked command returns.
        let line = '';
        for (const r of presses.slice(i + 1)) {
          if (r.kind === 'text') line += r.text;
          else if (r.kind === 'enter') {
            this.queue.push({ line, echoed: false });
            line = '';
          }
        }
        if (line) this.store.dispatch({ type: 'insert', text: line });
        return;
      }
    }
  }

  private key(k: KeyPress): void {
    const d = this.store.dispatch;
    const s = this.store.state;
    if (s.search) {
      switch (k.kind) {
        case 'text': d({ type: 'searchInput', text: k.text }); return;
        case 'backspace': d({ type: 'searchBackspace' }); return;
        case 'enter':
          d({ type: 'searchAccept' });
          this.enter();
          return;
        case 'ctrl':
          if (k.letter === 'r') d({ type: 'searchNext' });
          else if (k.letter === 'c' || k.letter === 'g') d({ type: 'searchCancel' });
          else {
            d({ type: 'searchAccept' });
            this.key(k);
          }
          return;
        default:
          d({ type: 'searchAccept' });
          if (k.kind !== 'escape') this.key(k);
          return;
      }
    }
    switch (k.kind) {
      case 'text': d({ type: 'insert', text: k.text }); return;
      case 'enter': this.enter(); return;
      case 'tab': this.tab(); return;
      case 'backspace': d({ type: 'delete', what: 'back' }); return;
      case 'delete': d({ type: 'delete', what: 'forward' }); return;
      case 'left': d({ type: 'move', motion: 'left' }); return;
      case 'right': d({ type: 'move', motion: 'right' }); return;
      case 'home': d({ type: 'move', motion: 'home' }); return;
      case 'end': d({ type: 'move', motion: 'end' }); return;
      case 'wordLeft': d({ type: 'move', motion: 'wordLeft' }); return;
      case 'wordRight': d({ type: 'move', motion: 'wordRight' }); return;
      case 'up': d({ type: 'history', direction: -1 }); return;
      case 'down': d({ type: 'history', direction: 1 }); return;
      case 'escape': d({ type: 'completions', list: null }); return;
      case 'ctrl':
        switch (k.letter) {
          case 'a': d({ type: 'move', motion: 'home' }); return;
          case 'e': d({ type: 'move', motion: 'end' }); return;
          case 'b': d({ type: 'move', motion: 'left' }); return;
          case 'f': d({ type: 'move', motion: 'right' }); return;
          case 'w': d({ type: 'delete', what: 'wordBack' }); return;
          case 'u': d({ type: 'delete', what: 'toStart' }); return;
          case 'k': d({ type: 'delete', what: 'toEnd' }); return;
          case 'h': d({ type: 'delete', what: 'back' }); return;
          case 'p': d({ type: 'history', direction: -1 }); return;
          case 'n': d({ type: 'history', direction: 1 }); return;
          case 'r': d({ type: 'searchStart' }); return;
          case 'l': this.store.dispatch({ type: 'print', text: '', kind: 'clear' }); return;
          case 'c': this.interrupt(); return;
          case 'd':
            if (s.line.text === '') this.exit();
            else d({ type: 'delete', what: 'forward' });
            return;
          default:
            return;
        }
    }
  }

  /** Ctrl-C: cancel a blocked command, leave subscribed or MONITOR mode, or drop the line. */
  interrupt(): void {
    const s = this.store.state;
    const c = this.current;
    if (this.queue.length) this.queue = [];
    if (c.pending?.meta) {
      this.info(`(${c.pending.name.toLowerCase()} cannot be interrupted; it ends by itself)`);
      return;
    }
    if (c.pending) {
      c.pending.cancelled = true;
      c.session.unblock(NULL_ARRAY);
      this.info('(interrupted)');
      return;
    }
    if (s.line.text !== '') {
      this.store.dispatch({ type: 'cancelLine', echo: s.prompt + s.line.text + '^C' });
      return;
    }
    const sess = c.session;
    if (sess.subscriptionCount + sess.shardChannels.size > 0) {
      c.mute = true;
      try {
        if (sess.channels.size) sess.execute(['UNSUBSCRIBE']);
        if (sess.patterns.size) sess.execute(['PUNSUBSCRIBE']);
        if (sess.shardChannels.size) sess.execute(['SUNSUBSCRIBE']);
      } finally {
        c.mute = false;
      }
      this.info('(unsubscribed)');
      this.refresh();
      return;
    }
    if (sess.monitor) {
      sess.stopMonitor();
      this.info('(monitor stopped)');
      this.refresh();
      return;
    }
    this.info('(To exit, press Ctrl-D or type :quit)');
  }

  private enter(): void {
    const s = this.store.state;
    const line = s.line.text;
    // A line typed while pasted lines wait behind a blocked command joins the queue.
    const argv = splitArgs(bytesFromUtf8(line));
    const entry: string | null = line.trim() === '' ? null : line;
    let persist = entry !== null;
    if (argv && argv.length) {
      const r = argv.length > 1 ? parseRepeat(argv[0]!) : undefined;
      if (isSensitive(r !== undefined ? argv.slice(1) : argv)) persist = false;
    }
    this.store.dispatch({ type: 'submit', echo: s.prompt + line, historyEntry: entry });
    if (persist && entry !== null && this.persistent[this.persistent.length - 1] !== entry) {
      this.persistent.push(entry);
      if (this.persistent.length > 1000) this.persistent = this.persistent.slice(-1000);
      saveHistory(this.historyFile, this.persistent);
    }
    if (this.queue.length) {
      this.queue.push({ line, echoed: true });
      return;
    }
    this.runLine(line);
  }

  /** Runs queued pasted lines while the current client is free. */
  private drain(): void {
    while (this.queue.length && !this.current.pending && !this.pager && !this.store.state.exited) {
      const { line, echoed } = this.queue.shift()!;
      if (!echoed) this.store.dispatch({ type: 'print', text: this.store.state.prompt + line, kind: 'echo' });
      this.runLine(line);
    }
  }

  /** Several lines at once (a paste, or a script in tests): each runs after the previous one. */
  submitLines(lines: readonly string[]): void {
    for (const l of lines) {
      if (this.current.pending || this.pager || this.queue.length) this.queue.push({ line: l, echoed: false });
      else {
        this.store.dispatch({ type: 'setLine', text: l });
        this.enter();
      }
    }
  }

  /** One line: a meta-command, HELP, or a Redis command for the current client. */
  runLine(line: string): void {
    this.batched(() => this.runLineNow(line));
  }

  private runLineNow(line: string): void {
    const argv = splitArgs(bytesFromUtf8(line));
    if (argv === null) {
      this.print(INVALID_ARGS);
      return;
    }
    if (argv.length === 0) return;
    const c = this.current;
    if (argv[0]!.startsWith(':')) {
      const m = findMeta(argv[0]!);
      if (!m) this.error(`unknown shell command '${bytesToUtf8(argv[0]!)}' (see :help)`);
      else if (c.pending?.meta) this.error(`${c.pending.name.toLowerCase()} is still running`);
      else {
        const r = m.run(this, argv.slice(1));
        if (r instanceof Promise) {
          // An asynchronous meta-command (:load): the client waits, typed lines queue.
          const pending: Pending = { name: m.name.toUpperCase(), cancelled: false, startedAt: performance.now(), meta: true };
          c.pending = pending;
          void r
            .catch((e: unknown) => this.error(e instanceof Error ? e.message : String(e)))
            .finally(() => {
              if (c.pending === pending) c.pending = null;
              this.progress = null;
              this.refresh();
              this.drain();
            });
        }
      }
      this.refresh();
      return;
    }
    if (c.pending) {
      this.error(`client ${c.id} is waiting on ${c.pending.name}: Ctrl-C cancels it, :client N switches client`);
      return;
    }
    let repeat = 1;
    let cmd = argv;
    if (argv.length > 1) {
      const r = parseRepeat(argv[0]!);
      if (r !== undefined) {
        if (r <= 0) {
          this.print(INVALID_REPEAT);
          return;
        }
        repeat = r;
        cmd = argv.slice(1);
      }
    }
    const first = argv[0]!.toLowerCase();
    if (first === 'quit' || first === 'exit') {
      this.exit();
      return;
    }
    if (argv.length === 1 && first === 'clear') {
      this.print('', 'clear');
      return;
    }
    const name = cmd[0]!.toLowerCase();
    if (name === 'help' || name === '?') {
      this.print(helpText(this.engine.commands, cmd.slice(1).map(bytesToUtf8), this.version).replace(/\n$/, ''), 'info');
      return;
    }
    this.execute(c, cmd, repeat);
  }

  private execute(c: ShellClient, argv: Bytes[], repeat: number): void {
    const name = argv[0]!.toLowerCase();
    const verbatim = printsVerbatim(argv);
    const subscribes = name === 'subscribe' || name === 'psubscribe' || name === 'ssubscribe';
    for (let i = 0; i < repeat; i++) {
      if (subscribes && this.mode !== 'raw') this.info('Reading messages... (press Ctrl-C to unsubscribe)');
      const t0 = performance.now();
      this.running = c;
      let reply: Reply | Promise<Reply>;
      try {
        reply = c.session.execute(argv);
      } finally {
        this.running = null;
      }
      if (reply instanceof Promise) {
        const left = repeat - i - 1;
        const pending: Pending = { name: name.toUpperCase(), cancelled: false, startedAt: t0 };
        c.pending = pending;
        this.flushDeferred();
        this.refresh();
        void reply.then((r) => {
          c.pending = null;
          this.batched(() => {
            if (!pending.cancelled) this.after(c, argv, r, verbatim, t0);
            this.flushDeferred();
            if (!pending.cancelled && left > 0) this.execute(c, argv, left);
          });
          this.refresh();
          this.drain();
        });
        return;
      }
      this.after(c, argv, reply, verbatim, t0);
      this.flushDeferred();
    }
    this.refresh();
  }

  /** Prints a reply and follows SELECT / MULTI / EXEC / DISCARD / RESET as redis-cli does. */
  private after(c: ShellClient, argv: Bytes[], reply: Reply, verbatim: boolean, t0: number): void {
    this.printReply(c, reply, verbatim);
    const name = argv[0]!.toLowerCase();
    const isErr = reply instanceof ErrorReply;
    const argc = argv.length;
    if (argc === 2 && name === 'select' && !isErr) {
      c.dbnum = atoi(argv[1]!);
    } else if (argc === 1 && name === 'multi' && !isErr) {
      c.inMulti = true;
      c.preMultiDb = c.dbnum;
    } else if (argc === 1 && name === 'exec' && c.inMulti) {
      c.inMulti = false;
      if (isErr || reply === null || reply instanceof NullArrayReply) c.dbnum = c.preMultiDb;
    } else if (argc === 1 && name === 'discard' && !isErr) {
      c.inMulti = false;
      c.dbnum = c.preMultiDb;
    } else if (argc === 1 && name === 'reset' && !isErr) {
      c.inMulti = false;
      c.dbnum = 0;
    }
    const ms = performance.now() - t0;
    if (this.timing) this.info(`(${ms.toFixed(3)} ms)`);
    else if (this.mode === 'tty' && ms >= 500) this.info(`(${(ms / 1000).toFixed(2)}s)`);
  }

  // --- completion and hints ------------------------------------------------------------------

  /** The dim hint after the typed line (redis-cli's hintsCallback), or null. */
  hint(line: string): string | null {
    if (line.trimStart().startsWith(':')) return null;
    return hintForLine(this.engine.commands, line, tokenize(line).map((w) => w.value));
  }

  private tab(): void {
    const s = this.store.state;
    const before = s.line.text.slice(0, s.line.cursor);
    const after = s.line.text.slice(s.line.cursor);
    const c = this.current;
    const res = complete(
      {
        table: this.engine.commands,
        keys: (prefix) => this.sampler.sample(c.session.db, prefix, this.engine.mstime()),
        meta: META_COMMANDS,
      },
      before,
    );
    const list = res.candidates;
    if (list.length === 0) return;
    const typed = before.slice(res.start, res.end);
    let replacement: string;
    if (list.length === 1) {
      // A directory (":load fixtures/") keeps going: no space after it.
      replacement = list[0]! + (after.startsWith(' ') || list[0]!.endsWith('/') ? '' : ' ');
    } else {
      const p = commonPrefix(list);
      if (p.length > typed.length) {
        replacement = p;
      } else {
        this.store.dispatch({ type: 'completions', list });
        return;
      }
    }
    const text = before.slice(0, res.start) + replacement + after;
    this.store.dispatch({ type: 'setLine', text, cursor: res.start + replacement.length });
  }
}
