import type { HandlerMap } from './table.js';

export const geoCommands: HandlerMap = {};
