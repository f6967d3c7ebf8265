import type { HandlerMap } from './table.js';

export const hashCommands: HandlerMap = {};
