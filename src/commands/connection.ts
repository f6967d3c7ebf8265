import { DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, wrongArity } from '../engine/errors.js';
import { parseSafeInt } from '../engine/object.js';
import { OK, PONG } from '../engine/reply.js';
import type { HandlerMap } from './table.js';

export const connectionCommands: HandlerMap = {
  ping(ctx, argv) {
    // The table says arity -1; PING itself refuses more than one argument.
    if (argv.length > 2) return wrongArity('ping');
    // RESP2 subscribed clients get ["pong", msg] (pubsub.c); otherwise +PONG or the bulk message.
    if (ctx.protocol === 2 && ctx.subscriptionCount + ctx.shardChannels.size > 0) {
      return ['pong', argv.length === 2 ? argv[1]! : ''];
    }
    return argv.length === 2 ? argv[1]! : PONG;
  },

  echo(_ctx, argv) {
    return argv[1]!;
  },

  select(ctx, argv) {
    const index = parseSafeInt(argv[1]!);
    if (index === null) return NOT_INTEGER;
    if (index < 0 || index >= ctx.engine.dbs.length) return DB_INDEX_OUT_OF_RANGE;
    ctx.select(index);
    return OK;
  },
};
