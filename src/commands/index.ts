import { bitopsCommands } from './bitops.js';
import { connectionCommands } from './connection.js';
import { debugCommands } from './debug.js';
import { genericCommands } from './generic.js';
import { geoCommands } from './geo.js';
import { hashCommands } from './hash.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { listCommands } from './list.js';
import { memoryCommands } from './memory.js';
import { persistenceCommands } from './persistence.js';
import { pubsubCommands } from './pubsub.js';
import { scriptingCommands } from './scripting.js';
import { serializeCommands } from './serialize.js';
import { serverCommands } from './server.js';
import { setCommands } from './set.js';
import { sortCommands } from './sort.js';
import { streamCommands } from './stream.js';
import { stringCommands } from './string.js';
import type { HandlerMap } from './table.js';
import { transactionCommands } from './transactions.js';
import { zsetCommands } from './zset.js';

/**
 * Every command group's handlers. One file per group, named as Redis names them
 * (t_string.c → string.ts, db.c/expire.c → generic.ts …); each exports a HandlerMap keyed by
 * the command's lower-case fullname ("get", "config|get").
 */
export const ALL_HANDLERS: HandlerMap = Object.assign(
  {},
  connectionCommands,
  transactionCommands,
  stringCommands,
  bitopsCommands,
  hyperloglogCommands,
  listCommands,
  hashCommands,
  setCommands,
  zsetCommands,
  geoCommands,
  streamCommands,
  genericCommands,
  sortCommands,
  serverCommands,
  pubsubCommands,
  debugCommands,
  serializeCommands,
  persistenceCommands,
  memoryCommands,
  scriptingCommands,
);
