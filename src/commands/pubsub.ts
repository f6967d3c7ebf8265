import type { Bytes } from '../engine/bytes.js';
import { globMatch } from '../engine/glob.js';
import { PubSub } from '../engine/pubsub.js';
import { ErrorReply, PushReply, StatusReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import type { HandlerMap } from './table.js';

/**
 * Pub/Sub (pubsub.c). (UN)SUBSCRIBE and friends answer one push per channel: every one but the
 * last goes out through ctx.push() (in order, before the command's own reply), the last is the
 * command's reply. In RESP2 each is an array, in RESP3 a push, as Redis sends them.
 */

type Kind = 'channel' | 'pattern' | 'shard';

function mapOf(ctx: Session, kind: Kind): Map<Bytes, Set<Session>> {
  const ps = ctx.engine.pubsub;
  return kind === 'channel' ? ps.channels : kind === 'pattern' ? ps.patterns : ps.shardChannels;
}

function ownOf(ctx: Session, kind: Kind): Set<Bytes> {
  return kind === 'channel' ? ctx.channels : kind === 'pattern' ? ctx.patterns : ctx.shardChannels;
}

/** The count a confirmation carries: channels + patterns, or shard channels alone. */
function countOf(ctx: Session, kind: Kind): number {
  return kind === 'shard' ? ctx.shardChannels.size : ctx.subscriptionCount;
}

/** Emits replies[0..n-2] as pushes and returns the last as the command's reply. */
function emit(ctx: Session, replies: PushReply[]): Reply {
  for (let i = 0; i < replies.length - 1; i++) ctx.push(replies[i]!);
  return replies[replies.length - 1]!;
}

function subscribe(ctx: Session, argv: Bytes[], kind: Kind, word: string): Reply {
  const map = mapOf(ctx, kind);
  const own = ownOf(ctx, kind);
  const replies: PushReply[] = [];
  for (let i = 1; i < argv.length; i++) {
    const name = argv[i]!;
    if (!own.has(name)) {
      own.add(name);
      PubSub.add(map, name, ctx);
    }
    replies.push(new PushReply([word, name, countOf(ctx, kind)]));
  }
  return emit(ctx, replies);
}

function unsubscribeOne(ctx: Session, kind: Kind, name: Bytes, word: string): PushReply {
  if (ownOf(ctx, kind).delete(name)) PubSub.remove(mapOf(ctx, kind), name, ctx);
  return new PushReply([word, name, countOf(ctx, kind)]);
}

function unsubscribe(ctx: Session, argv: Bytes[], kind: Kind, word: string): Reply {
  const replies: PushReply[] = [];
  if (argv.length === 1) {
    for (const name of [...ownOf(ctx, kind)]) replies.push(unsubscribeOne(ctx, kind, name, word));
    // Subscribed to nothing: one confirmation with a null channel.
    if (replies.length === 0) replies.push(new PushReply([word, null, countOf(ctx, kind)]));
  } else {
    for (let i = 1; i < argv.length; i++) replies.push(unsubscribeOne(ctx, kind, argv[i]!, word));
  }
  return emit(ctx, replies);
}

/** Drops every subscription of the session silently (RESET). */
export function unsubscribeAll(ctx: Session): void {
  for (const kind of ['channel', 'pattern', 'shard'] as const) {
    const own = ownOf(ctx, kind);
    const map = mapOf(ctx, kind);
    for (const name of own) PubSub.remove(map, name, ctx);
    own.clear();
  }
}

function help(lines: string[], name: string): Reply {
  return [
    new StatusReply(`${name} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`),
    ...lines.map((l) => new StatusReply(l)),
    new StatusReply('HELP'),
    new StatusReply('    Prints this help.'),
  ];
}

const PUBSUB_HELP = [
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
];

/** addReplySubcommandSyntaxError: the table's arity (-2) lets extra arguments through. */
function pubsubSyntaxError(sub: Bytes): ErrorReply {
  return new ErrorReply(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try PUBSUB HELP.`);
}

function channelList(map: Map<Bytes, Set<Session>>, pattern: Bytes | undefined): Reply {
  const out: Reply[] = [];
  for (const name of map.keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
  return out;
}

function numsub(map: Map<Bytes, Set<Session>>, argv: Bytes[]): Reply {
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(argv[i]!, map.get(argv[i]!)?.size ?? 0);
  return out;
}

export const pubsubCommands: HandlerMap = {
  subscribe: (ctx, argv) => subscribe(ctx, argv, 'channel', 'subscribe'),
  psubscribe: (ctx, argv) => subscribe(ctx, argv, 'pattern', 'psubscribe'),
  ssubscribe: (ctx, argv) => subscribe(ctx, argv, 'shard', 'ssubscribe'),
  unsubscribe: (ctx, argv) => unsubscribe(ctx, argv, 'channel', 'unsubscribe'),
  punsubscribe: (ctx, argv) => unsubscribe(ctx, argv, 'pattern', 'punsubscribe'),
  sunsubscribe: (ctx, argv) => unsubscribe(ctx, argv, 'shard', 'sunsubscribe'),

  publish: (ctx, argv) => ctx.engine.pubsub.publish(argv[1]!, argv[2]!),
  spublish: (ctx, argv) => ctx.engine.pubsub.spublish(argv[1]!, argv[2]!),

  'pubsub|channels': (ctx, argv) =>
    argv.length > 3 ? pubsubSyntaxError(argv[1]!) : channelList(ctx.engine.pubsub.channels, argv[2]),
  'pubsub|shardchannels': (ctx, argv) =>
    argv.length > 3 ? pubsubSyntaxError(argv[1]!) : channelList(ctx.engine.pubsub.shardChannels, argv[2]),
  'pubsub|numsub': (ctx, argv) => numsub(ctx.engine.pubsub.channels, argv),
  'pubsub|shardnumsub': (ctx, argv) => numsub(ctx.engine.pubsub.shardChannels, argv),
  'pubsub|numpat': (ctx) => ctx.engine.pubsub.patterns.size,
  'pubsub|help': () => help(PUBSUB_HELP, 'PUBSUB'),
};

export { help as helpReply };
