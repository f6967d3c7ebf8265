import type { HandlerMap } from './table.js';

export const setCommands: HandlerMap = {};
