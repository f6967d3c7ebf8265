/**
 * The command table's schema: Redis's own vocabulary (the same fields COMMAND INFO and
 * COMMAND DOCS report). The data lives in table.generated.ts; dispatch, COMMAND, the
 * shell's hints and completion and the man pages all read it.
 */

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'sentinel' | 'only_sentinel' | 'no_mandatory_keys' | 'protected'
  | 'module_getkeys' | 'module_no_cluster' | 'no_async_loading' | 'no_multi' | 'movablekeys'
  | 'allow_busy' | 'module_getchannels' | 'touches_arbitrary_keys';

/** A key spec exactly as COMMAND INFO reports it (Redis 7 "key_specs"). */
export interface KeySpec {
  notes?: string;
  flags: string[];
  begin_search:
    | { type: 'index'; spec: { index: number } }
    | { type: 'keyword'; spec: { keyword: string; startfrom: number } }
    | { type: 'unknown'; spec: Record<string, never> };
  find_keys:
    | { type: 'range'; spec: { lastkey: number; keystep: number; limit: number } }
    | { type: 'keynum'; spec: { keynumidx: number; firstkey: number; keystep: number } }
    | { type: 'unknown'; spec: Record<string, never> };
}

export type ArgType =
  | 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token'
  | 'oneof' | 'block';

/** One node of a command's argument tree (COMMAND DOCS "arguments"). */
export interface ArgSpec {
  name: string;
  type: ArgType;
  display_text?: string;
  key_spec_index?: number;
  token?: string;
  summary?: string;
  since?: string;
  flags?: Array<'optional' | 'multiple' | 'multiple_token'>;
  deprecated_since?: string;
  arguments?: ArgSpec[];
  value?: string;
}

export interface CommandDocs {
  summary: string;
  since: string;
  group: string;
  complexity?: string;
  doc_flags?: Array<'deprecated' | 'syscmd'>;
  deprecated_since?: string;
  replaced_by?: string;
  history?: Array<[string, string]>;
  arguments?: ArgSpec[];
}

export interface CommandSpec {
  /** Lower-case name; subcommands are "container|sub" as Redis's fullname. */
  name: string;
  /** Redis's convention: N means exactly N words including the name, -N at least N. */
  arity: number;
  flags: CommandFlag[];
  firstKey: number;
  lastKey: number;
  step: number;
  aclCategories: string[];
  tips: string[];
  keySpecs: KeySpec[];
  docs: CommandDocs;
  subcommands?: CommandSpec[];
}
