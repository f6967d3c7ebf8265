import type { HandlerMap } from './table.js';

export const streamCommands: HandlerMap = {};
