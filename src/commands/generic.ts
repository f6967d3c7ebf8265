import type { HandlerMap } from './table.js';

export const genericCommands: HandlerMap = {};
