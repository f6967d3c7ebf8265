import type { HandlerMap } from './table.js';

export const serverCommands: HandlerMap = {};
