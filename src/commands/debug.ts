import type { HandlerMap } from './table.js';

export const debugCommands: HandlerMap = {};
