import type { HandlerMap } from './table.js';

export const listCommands: HandlerMap = {};
