import fs from 'node:fs';
import path from 'node:path';
import { ErrorReply, OK, StatusReply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { saveEngineRdb, serializeEngine } from '../persistence/rdb/save.js';
import { attachAof } from '../persistence/aof/writer.js';
import type { HandlerMap } from './table.js';

/** SAVE / BGSAVE (rdb.c). The engine writes RDB 11, as Redis 7.2 does. */

const BGSAVE_IN_PROGRESS = new ErrorReply('ERR Background save already in progress');
const BGSAVE_STARTED = new StatusReply('Background saving started');
const AOFRW_IN_PROGRESS = new ErrorReply('ERR Background append only file rewriting already in progress');
const AOFRW_SCHEDULED = new StatusReply('Background append only file rewriting scheduled');
const AOFRW_STARTED = new StatusReply('Background append only file rewriting started');
const AOFRW_FAILED = new ErrorReply("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.");

function saved(ctx: Session, dirtyAtStart: number): void {
  const e = ctx.engine;
  e.dirty -= dirtyAtStart;
  e.lastSave = Math.floor(e.mstime() / 1000);
  e.rdb.saves++;
}

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
    saved(ctx, dirty);
    return OK;
  },

  bgsave(ctx, argv) {
    const e = ctx.engine;
    if (argv.length > 2 && argv[1]!.toLowerCase() !== 'schedule') return new ErrorReply('ERR syntax error');
    if (e.rdb.bgsaveInProgress) return BGSAVE_IN_PROGRESS;
    // The snapshot is taken now (as fork() would); the file is written while the engine goes on.
    const dirty = e.dirty;
    const started = Date.now();
    const parts = serializeEngine(e);
    const target = path.join(e.config.dir, e.config.dbfilename);
    const tmp = path.join(e.config.dir, `temp-${process.pid}-${started}.rdb`);
    e.rdb.bgsaveInProgress = true;
    void (async () => {
      try {
        const fh = await fs.promises.open(tmp, 'w', 0o644);
        try {
          for (const p of parts) await fh.write(p);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await fs.promises.rename(tmp, target);
        e.rdb.lastBgsaveOk = true;
        saved(ctx, dirty);
      } catch {
        e.rdb.lastBgsaveOk = false;
        await fs.promises.rm(tmp, { force: true });
      } finally {
        e.rdb.bgsaveInProgress = false;
        e.rdb.lastBgsaveTimeSec = Math.round((Date.now() - started) / 1000);
      }
    })();
    return BGSAVE_STARTED;
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
