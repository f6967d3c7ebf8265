import { ErrorReply, OK, StatusReply } from '../engine/reply.js';
import { backgroundSave, markSaved, saveEngineRdb } from '../persistence/rdb/save.js';
import { attachAof } from '../persistence/aof/writer.js';
import type { HandlerMap } from './table.js';

/** SAVE / BGSAVE (rdb.c), in the oldest RDB version that holds the data (save.ts versionFor). */

const BGSAVE_IN_PROGRESS = new ErrorReply('ERR Background save already in progress');
const BGSAVE_STARTED = new StatusReply('Background saving started');
const AOFRW_IN_PROGRESS = new ErrorReply('ERR Background append only file rewriting already in progress');
const AOFRW_SCHEDULED = new StatusReply('Background append only file rewriting scheduled');
const AOFRW_STARTED = new StatusReply('Background append only file rewriting started');
const AOFRW_FAILED = new ErrorReply("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");

export const persistenceCommands: HandlerMap = {
  save(ctx) {
    // Saving changes no data: nothing to propagate (it lowers the change counter).
    ctx.preventPropagation();
    if (ctx.engine.rdb.bgsaveInProgress) return BGSAVE_IN_PROGRESS;
    const dirty = ctx.engine.dirty;
    try {
      saveEngineRdb(ctx.engine);
    } catch (e) {
      return new ErrorReply(`ERR ${(e as Error).message}`);
    }
    markSaved(ctx.engine, dirty);
    return OK;
  },

  bgsave(ctx, argv) {
    if (argv.length > 2 && argv[1]!.toLowerCase() !== 'schedule') return new ErrorReply('ERR syntax error');
    return backgroundSave(ctx.engine) === null ? BGSAVE_IN_PROGRESS : BGSAVE_STARTED;
  },

  /** bgrewriteaofCommand (aof.c): works with the AOF off too (a new base in appenddirname). */
  bgrewriteaof(ctx) {
    const w = attachAof(ctx.engine);
    switch (w.bgrewrite(ctx.inExec)) {
      case 'in-progress':
        return AOFRW_IN_PROGRESS;
      case 'scheduled':
        return AOFRW_SCHEDULED;
      case 'started':
        return AOFRW_STARTED;
      default:
        return AOFRW_FAILED;
    }
  },
};
