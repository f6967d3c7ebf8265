import type { Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import { NOT_INTEGER, SYNTAX_ERROR } from '../engine/errors.js';
import { parseStrictInt } from '../engine/object.js';
import { OK, StatusReply, VerbatimReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { SizeModel, type MemoryTarget } from '../memory/model.js';
import { DEFAULT_SAMPLES, keyUsage } from '../memory/object.js';
import type { HandlerMap } from './table.js';

/**
 * MEMORY (object.c memoryCommand). USAGE reports the size model of src/memory for the
 * engine's values: what `MEMORY USAGE` would say on a Redis of the engine's memory target
 * (7.2 unless setMemoryTarget says otherwise) holding the same data.
 */

const MEMORY_HELP: Reply = [
  'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DOCTOR',
  '    Return memory problems reports.',
  'MALLOC-STATS',
  '    Return internal statistics report from the memory allocator.',
  'PURGE',
  '    Attempt to purge dirty pages for reclamation by the allocator.',
  'STATS',
  '    Return information about the memory usage of the server.',
  'USAGE <key> [SAMPLES <count>]',
  '    Return memory in bytes used by <key> and its value. Nested values are',
  '    sampled up to <count> times (default: 5, 0 means sample all).',
  'HELP',
  '    Prints this help.',
].map((line) => new StatusReply(line));

const DOCTOR_EMPTY =
  "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
  'Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming ' +
  'as soon as I finished rebooting.\n';
const DOCTOR_FINE = "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n";
/** What zmalloc's malloc-stats says without jemalloc statistics. */
const MALLOC_STATS = 'Stats not supported for the current allocator';
/** memoryDoctor calls an instance below 5 MB empty. */
const DOCTOR_EMPTY_BELOW = 5 * 1024 * 1024;

const targets = new WeakMap<Engine, SizeModel>();

/** Which Redis version's MEMORY USAGE figures the engine reports (default 7.2). */
export function setMemoryTarget(engine: Engine, target: MemoryTarget): void {
  targets.set(engine, new SizeModel(target));
}

export function memoryModel(engine: Engine): SizeModel {
  let m = targets.get(engine);
  if (!m) targets.set(engine, (m = new SizeModel('7.2')));
  return m;
}

/** Sum of MEMORY USAGE over every key of every database (the dataset part of used_memory). */
export function datasetBytes(engine: Engine): number {
  const m = memoryModel(engine);
  let total = 0;
  for (const db of engine.dbs) {
    for (const [key, o] of db.dict) total += keyUsage(m, key, o, { samples: 0, limits: engine.config });
  }
  return total;
}

function usage(ctx: Session, argv: Bytes[]): Reply {
  let samples = DEFAULT_SAMPLES;
  for (let j = 3; j < argv.length; j++) {
    if (argv[j]!.toLowerCase() === 'samples' && j + 1 < argv.length) {
      const v = parseStrictInt(argv[j + 1]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0n) return SYNTAX_ERROR;
      samples = v === 0n || v > 0x7fffffffn ? 0 : Number(v);
      j++;
    } else {
      return SYNTAX_ERROR;
    }
  }
  // dictFind on the keyspace: no expiry check, no access-time update.
  const o = ctx.db.dict.get(argv[2]!);
  if (o === undefined) return null;
  return keyUsage(memoryModel(ctx.engine), argv[2]!, o, { samples, limits: ctx.engine.config });
}

export const memoryCommands: HandlerMap = {
  'memory|usage': usage,

  'memory|help'() {
    return MEMORY_HELP;
  },

  'memory|doctor'(ctx) {
    return new VerbatimReply('txt', datasetBytes(ctx.engine) < DOCTOR_EMPTY_BELOW ? DOCTOR_EMPTY : DOCTOR_FINE);
  },

  'memory|purge'() {
    return OK;
  },

  'memory|malloc-stats'() {
    return MALLOC_STATS;
  },
};
