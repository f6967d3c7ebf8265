import { connectionCommands } from './connection.js';
import type { HandlerMap } from './table.js';
import { transactionCommands } from './transactions.js';

/**
 * Every command group's handlers. One file per group, named as Redis names them
 * (t_string.c → string.ts …); each exports a HandlerMap.
 */
export const ALL_HANDLERS: HandlerMap = Object.assign(
  {},
  connectionCommands,
  transactionCommands,
);
