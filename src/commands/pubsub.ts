import type { HandlerMap } from './table.js';

export const pubsubCommands: HandlerMap = {};
