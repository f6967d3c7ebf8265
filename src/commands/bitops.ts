import type { HandlerMap } from './table.js';

export const bitopsCommands: HandlerMap = {};
