import type { Bytes } from '../engine/bytes.js';
import type { Reply } from '../engine/reply.js';
import type { BlockRequest, Session } from '../engine/session.js';
import type { CommandSpec } from './spec.js';
import { COMMAND_SPECS } from './table.generated.js';
import { REDIS_74_HASH_FIELD_TTL_SPECS } from './table.redis74.js';
import { ALL_HANDLERS } from './index.js';

/**
 * A handler: parse, validate, execute, return a reply. Arity and flags were checked by
 * dispatch before it runs. A blocking command returns a BlockRequest when it must wait.
 */
export type Handler = (ctx: Session, argv: Bytes[]) => Reply | BlockRequest;

/** Handlers of one group keyed by lower-case fullname ("get", "config|get"). */
export type HandlerMap = Record<string, Handler>;

export interface CommandEntry {
  spec: CommandSpec;
  fullName: string;
  handler: Handler | null;
  subcommands: Map<string, CommandEntry> | null;
  parent: CommandEntry | null;
  isWrite: boolean;
  isReadonly: boolean;
  denyOom: boolean;
  noMulti: boolean;
  isBlocking: boolean;
  /** Allowed while a RESP2 client is subscribed. */
  allowedInPubSub: boolean;
  /** admin or skip_monitor: not shown to MONITOR clients. */
  skipMonitor: boolean;
  /** readonly, write or may_replicate: refused to a replica (and so a monitor). */
  touchesKeyspace: boolean;
}

/** Redis 7.2's table (generated from 7.0.15 plus the 7.2 changes) and 7.4's hash field TTL commands. */
export const STANDARD_SPECS: CommandSpec[] = [...COMMAND_SPECS, ...REDIS_74_HASH_FIELD_TTL_SPECS].sort((a, b) =>
  a.name < b.name ? -1 : 1,
);

/** The command table: spec data joined with handlers. Dispatch, COMMAND and the shell read it. */
export class CommandTable {
  readonly entries = new Map<string, CommandEntry>();

  constructor(specs: CommandSpec[], handlers: HandlerMap) {
    for (const spec of specs) this.entries.set(spec.name, makeEntry(spec, handlers, null));
  }

  private static cached: CommandTable | null = null;
  static standard(): CommandTable {
    return (CommandTable.cached ??= new CommandTable(STANDARD_SPECS, ALL_HANDLERS));
  }

  /** A top-level command by lower-case name. */
  get(name: string): CommandEntry | undefined {
    return this.entries.get(name);
  }

  /** Names as clients spell them ("SET", "Set") → entry, so dispatch skips toLowerCase. */
  private readonly spelled = new Map<string, CommandEntry | undefined>();

  /** A top-level command by the name as sent, in any letter case. */
  find(name: string): CommandEntry | undefined {
    const hit = this.spelled.get(name);
    if (hit !== undefined) return hit;
    const e = this.entries.get(name.toLowerCase());
    if (e && this.spelled.size < 4096) this.spelled.set(name, e);
    return e;
  }

  /** Resolves argv to the entry that will run (the subcommand for containers), or undefined. */
  lookup(argv: readonly Bytes[]): CommandEntry | undefined {
    const e = this.entries.get(argv[0]!.toLowerCase());
    if (!e || !e.subcommands || argv.length < 2) return e;
    return e.subcommands.get(argv[1]!.toLowerCase());
  }

  /** Every entry that has a handler, subcommands included. */
  *implemented(): Generator<CommandEntry> {
    for (const e of this.entries.values()) {
      if (e.handler || (e.subcommands && [...e.subcommands.values()].some((s) => s.handler))) yield e;
    }
  }
}

const PUBSUB_CONTEXT = new Set([
  'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset',
]);

function makeEntry(spec: CommandSpec, handlers: HandlerMap, parent: CommandEntry | null): CommandEntry {
  const flags = new Set(spec.flags);
  const entry: CommandEntry = {
    spec,
    fullName: spec.name,
    handler: handlers[spec.name] ?? null,
    subcommands: null,
    parent,
    isWrite: flags.has('write'),
    isReadonly: flags.has('readonly'),
    denyOom: flags.has('denyoom'),
    noMulti: flags.has('no_multi'),
    isBlocking: flags.has('blocking'),
    allowedInPubSub: PUBSUB_CONTEXT.has(spec.name),
    skipMonitor: flags.has('admin') || flags.has('skip_monitor'),
    touchesKeyspace: flags.has('readonly') || flags.has('write') || flags.has('may_replicate'),
  };
  if (spec.subcommands) {
    entry.subcommands = new Map();
    for (const sub of spec.subcommands) {
      entry.subcommands.set(sub.name.slice(sub.name.indexOf('|') + 1), makeEntry(sub, handlers, entry));
    }
  }
  return entry;
}
