import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../engine/engine.js';

/**
 * `redscope shell` start-up options that do not need the terminal UI: loading a file given
 * with --rdb / --aof, and --eval's argument list. Kept apart from index.tsx so the CLI can
 * use them without loading Ink and React.
 */

export interface ShellStartFlags {
  /** An RDB file to load before the prompt. */
  rdb?: string;
  /** An AOF file, an appendonlydir, or a data dir holding one. */
  aof?: string;
  /** A Lua script run like `redis-cli --eval`, then exit. */
  eval?: string;
  /** `key … , arg …` after --eval. */
  evalArgs?: string[];
  /** Replaces "redscope" in the prompt (--dir's directory name). */
  name?: string;
}

/** Loads --rdb / --aof into the engine; returns the name for the prompt, or undefined. */
export async function loadStartFile(engine: Engine, flags: ShellStartFlags): Promise<string | undefined> {
  const p = flags.rdb ?? flags.aof;
  if (p === undefined) return flags.name;
  const { loadInto } = await import('./files.js');
  await loadInto(engine, p, undefined, flags.rdb !== undefined ? 'rdb' : 'aof');
  return path.basename(path.resolve(p));
}

/**
 * redis-cli's evalMode: `EVAL <script> <numkeys> key … arg …`, where the words before a lone
 * "," are keys and the ones after it are arguments.
 */
export function evalArgv(file: string, words: readonly string[]): string[] {
  let script: string;
  try {
    script = fs.readFileSync(file, 'utf8');
  } catch {
    // redis-cli: "Can't open file '%s': %s"
    throw new Error(`Can't open file '${file}': ${fs.existsSync(file) ? 'Permission denied' : 'No such file or directory'}`);
  }
  const keys: string[] = [];
  const args: string[] = [];
  let comma = false;
  for (const w of words) {
    if (!comma && w === ',') {
      comma = true;
      continue;
    }
    (comma ? args : keys).push(w);
  }
  return ['EVAL', script, String(keys.length), ...keys, ...args];
}
