import type { HandlerMap } from './table.js';

export const zsetCommands: HandlerMap = {};
