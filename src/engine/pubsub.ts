import type { Bytes } from './bytes.js';
import { globMatch } from './glob.js';
import { PushReply } from './reply.js';
import type { Session } from './session.js';

/** Channel and pattern subscriptions across sessions (pubsub.c). */
export class PubSub {
  readonly channels = new Map<Bytes, Set<Session>>();
  readonly patterns = new Map<Bytes, Set<Session>>();
  readonly shardChannels = new Map<Bytes, Set<Session>>();

  /** PUBLISH: delivers to channel then pattern subscribers; returns the number of receivers. */
  publish(channel: Bytes, message: Bytes): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs) {
      for (const s of subs) {
        s.push(new PushReply(['message', channel, message]));
        receivers++;
      }
    }
    for (const [pattern, sessions] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const s of sessions) {
        s.push(new PushReply(['pmessage', pattern, channel, message]));
        receivers++;
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channel subscribers only. */
  spublish(channel: Bytes, message: Bytes): number {
    const subs = this.shardChannels.get(channel);
    if (!subs) return 0;
    for (const s of subs) s.push(new PushReply(['smessage', channel, message]));
    return subs.size;
  }
}
