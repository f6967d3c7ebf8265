import type { HandlerMap } from './table.js';

export const sortCommands: HandlerMap = {};
