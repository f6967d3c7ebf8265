import type { Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import { NOT_INTEGER, SYNTAX_ERROR } from '../engine/errors.js';
import { parseStrictInt } from '../engine/object.js';
import { DoubleReply, MapReply, OK, StatusReply, VerbatimReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { DICT_BUCKET_SIZE, DICT_ENTRY_SIZE, SizeModel, type MemoryTarget } from '../memory/model.js';
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

/**
 * MEMORY STATS from the model: the keyspace dicts' overhead (dictEntry + buckets per db, as
 * getMemoryOverheadData counts them) and the dataset (keys' sds and values). Nothing else is
 * modelled: startup, client, replication and script memory are 0 and the allocator figures
 * equal the total (no fragmentation). Field order and names as Redis 7.0.
 */
function stats(ctx: Session): Reply {
  const engine = ctx.engine;
  const m = memoryModel(engine);
  const dbEntries: Array<[Reply, Reply]> = [];
  let overhead = 0;
  let dataset = 0;
  let keys = 0;
  // redis-server 7.0.15 counts 40 bytes per keyspace entry here (dictEntry + 16 bytes of
  // entry metadata), 24 per expires entry.
  const keyspaceEntry = m.rules.target === '7.0' ? DICT_ENTRY_SIZE + 16 : DICT_ENTRY_SIZE;
  for (const db of engine.dbs) {
    const n = db.dict.size;
    if (n === 0) continue;
    keys += n;
    const main = n * keyspaceEntry + SizeModel.dictSlots(n) * DICT_BUCKET_SIZE;
    const ex = db.expires.size;
    const expires = ex * DICT_ENTRY_SIZE + SizeModel.dictSlots(ex) * DICT_BUCKET_SIZE;
    overhead += main + expires;
    for (const [key, o] of db.dict) dataset += keyUsage(m, key, o, { samples: 0, limits: engine.config }) - DICT_ENTRY_SIZE;
    dbEntries.push([
      `db.${db.id}`,
      new MapReply([
        ['overhead.hashtable.main', main],
        ['overhead.hashtable.expires', expires],
        ['overhead.hashtable.slot-to-keys', 0],
      ]),
    ]);
  }
  const total = overhead + dataset;
  return new MapReply([
    ['peak.allocated', total],
    ['total.allocated', total],
    ['startup.allocated', 0],
    ['replication.backlog', 0],
    ['clients.slaves', 0],
    ['clients.normal', 0],
    ['cluster.links', 0],
    ['aof.buffer', 0],
    ['lua.caches', 0],
    ['functions.caches', 0],
    ...dbEntries,
    ['overhead.total', overhead],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys ? Math.floor(total / keys) : 0],
    ['dataset.bytes', dataset],
    ['dataset.percentage', new DoubleReply(total ? (dataset * 100) / total : 0)],
    ['peak.percentage', new DoubleReply(100)],
    ['allocator.allocated', total],
    ['allocator.active', total],
    ['allocator.resident', total],
    ['allocator-fragmentation.ratio', new DoubleReply(1)],
    ['allocator-fragmentation.bytes', 0],
    ['allocator-rss.ratio', new DoubleReply(1)],
    ['allocator-rss.bytes', 0],
    ['rss-overhead.ratio', new DoubleReply(1)],
    ['rss-overhead.bytes', 0],
    ['fragmentation', new DoubleReply(1)],
    ['fragmentation.bytes', 0],
  ]);
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

  'memory|stats': stats,

  'memory|purge'() {
    return OK;
  },

  'memory|malloc-stats'() {
    return MALLOC_STATS;
  },
};
