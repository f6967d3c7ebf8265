import type { Bytes } from '../engine/bytes.js';
import { parseStrictInt } from '../engine/object.js';
import type { CommandSpec, KeySpec } from './spec.js';

/**
 * Key extraction from a command's key specs (db.c getKeysUsingKeySpecs), with the few
 * getkeys procs Redis falls back to when a spec is incomplete, unknown or has variable
 * flags (SET, BITFIELD, SORT, SORT_RO, MIGRATE). Used by COMMAND GETKEYS/GETKEYSANDFLAGS
 * and anything else that needs "which arguments are keys".
 */
export interface KeyRef {
  /** Index into argv. */
  pos: number;
  /** The key spec flags as COMMAND INFO spells them (RO, RW, OW, RM, access, update, …). */
  flags: string[];
}

/** doesCommandHaveKeys: a getkeys proc, or at least one key spec not marked not_key. */
export function commandHasKeys(spec: CommandSpec): boolean {
  if (PROCS[spec.name]) return true;
  return spec.keySpecs.some((k) => !k.flags.includes('not_key'));
}

/** getKeysUsingKeySpecs: null when a spec is invalid for this argv (Redis's -1). */
function keysFromSpecs(specs: KeySpec[], argv: readonly Bytes[], arity: number): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (spec.flags.includes('not_key')) continue;
    let first = 0;
    const bs = spec.begin_search;
    if (bs.type === 'index') {
      first = bs.spec.index;
    } else if (bs.type === 'keyword') {
      const { keyword, startfrom } = bs.spec;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 0;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i]!.toLowerCase() === keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (!first) continue;
    } else {
      return null;
    }
    let last: number;
    let step: number;
    const fk = spec.find_keys;
    if (fk.type === 'range') {
      step = fk.spec.keystep;
      if (fk.spec.lastkey >= 0) last = first + fk.spec.lastkey;
      else if (!fk.spec.limit) last = argc + fk.spec.lastkey;
      else last = first + (Math.floor((argc - first) / fk.spec.limit) + fk.spec.lastkey);
    } else if (fk.type === 'keynum') {
      step = fk.spec.keystep;
      if (fk.spec.keynumidx >= argc - first) return null;
      const n = parseStrictInt(argv[first + fk.spec.keynumidx]!);
      if (n === null || n < 0n || n > 2147483647n) return null;
      first += fk.spec.firstkey;
      last = first + Number(n) - 1;
    } else {
      return null;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc || i < first) {
        if (arity < 0) continue;
        return null;
      }
      out.push({ pos: i, flags: spec.flags });
    }
    if (spec.flags.includes('incomplete')) return null;
  }
  return out;
}

type Proc = (argv: readonly Bytes[]) => KeyRef[];

const RO_ACCESS = ['RO', 'access'];
const RW_ACCESS_UPDATE = ['RW', 'access', 'update'];

const PROCS: Record<string, Proc> = {
  set(argv) {
    // setGetKeys: with GET the old value is read.
    for (let i = 3; i < argv.length; i++) {
      if (argv[i]!.toLowerCase() === 'get') return [{ pos: 1, flags: RW_ACCESS_UPDATE }];
    }
    return [{ pos: 1, flags: ['OW', 'update'] }];
  },
  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const a = argv[i]!.toLowerCase();
      if (a === 'get' && rem >= 2) i += 2;
      else if ((a === 'set' || a === 'incrby') && rem >= 3) {
        readonly = false;
        break;
      } else if (a === 'overflow' && rem >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, flags: readonly ? RO_ACCESS : RW_ACCESS_UPDATE }];
  },
  sort(argv) {
    const keys: KeyRef[] = [{ pos: 1, flags: RO_ACCESS }];
    let store: KeyRef | null = null;
    const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
    for (let i = 2; i < argv.length; i++) {
      const a = argv[i]!.toLowerCase();
      if (skip[a] !== undefined) i += skip[a]!;
      else if (a === 'store' && i + 1 < argv.length) store = { pos: i + 1, flags: ['OW', 'update'] };
    }
    if (store) keys.push(store);
    return keys;
  },
  sort_ro: () => [{ pos: 1, flags: RO_ACCESS }],
  migrate(argv) {
    let first = 3;
    let num = 1;
    const skip: Record<string, number> = { copy: 0, replace: 0, auth: 1, auth2: 2 };
    if (argv.length > 6) {
      for (let i = 6; i < argv.length; i++) {
        const a = argv[i]!.toLowerCase();
        if (a === 'keys') {
          if (argv[3]!.length > 0) return [];
          first = i + 1;
          num = argv.length - first;
          break;
        }
        if (skip[a] !== undefined) i += skip[a]!;
      }
    }
    const keys: KeyRef[] = [];
    for (let i = 0; i < num; i++) keys.push({ pos: first + i, flags: ['RW', 'access', 'delete'] });
    return keys;
  },
};

/**
 * getKeysFromCommandWithSpecs: the key positions of argv (argv[0] is the command name, a
 * container's subcommand at argv[1]). null when the arguments do not fit the specs.
 */
export function getCommandKeys(spec: CommandSpec, argv: readonly Bytes[]): KeyRef[] | null {
  const hasKeySpec = spec.keySpecs.some((k) => !k.flags.includes('not_key'));
  const varFlags = spec.keySpecs.some((k) => k.flags.includes('variable_flags'));
  if (hasKeySpec && !varFlags) {
    const keys = keysFromSpecs(spec.keySpecs, argv, spec.arity);
    if (keys) return keys;
  }
  const proc = PROCS[spec.name];
  if (proc) {
    const keys = proc(argv);
    return keys.length ? keys : null;
  }
  return null;
}
