import { OK } from '../engine/reply.js';
import type { HandlerMap } from './table.js';

export const transactionCommands: HandlerMap = {
  multi: (ctx) => ctx.startMulti(),
  // EXEC is not propagated itself: its commands are, wrapped in MULTI/EXEC when more than one.
  exec: (ctx) => {
    ctx.preventPropagation();
    return ctx.exec();
  },
  discard: (ctx) => ctx.discard(),
  watch(ctx, argv) {
    ctx.watch(argv.slice(1));
    return OK;
  },
  unwatch(ctx) {
    ctx.unwatchAll();
    return OK;
  },
};
