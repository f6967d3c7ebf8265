import type { HandlerMap } from './table.js';

export const hyperloglogCommands: HandlerMap = {};
