import type { HandlerMap } from './table.js';

export const stringCommands: HandlerMap = {};
