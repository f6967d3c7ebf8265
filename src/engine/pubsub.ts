import type { Bytes } from './bytes.js';
import { globMatch } from './glob.js';
import { PushReply } from './reply.js';
import type { Session } from './session.js';

/**
 * Channel and pattern subscriptions across sessions (pubsub.c). The maps hold, per channel
 * (or pattern), the subscribed sessions in subscription order; each Session mirrors its own
 * subscriptions in session.channels / patterns / shardChannels.
 */
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
    if (this.patterns.size !== 0) {
      for (const [pattern, sessions] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const s of sessions) {
          s.push(new PushReply(['pmessage', pattern, channel, message]));
          receivers++;
        }
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

  /** True when anybody would receive a message on a channel (cheap test before formatting events). */
  get hasSubscribers(): boolean {
    return this.channels.size !== 0 || this.patterns.size !== 0;
  }

  /** Adds `s` to `map[name]`; false when it was already there. */
  static add(map: Map<Bytes, Set<Session>>, name: Bytes, s: Session): boolean {
    let set = map.get(name);
    if (!set) map.set(name, (set = new Set()));
    if (set.has(s)) return false;
    set.add(s);
    return true;
  }

  /** Removes `s` from `map[name]`, dropping empty entries; false when it was not there. */
  static remove(map: Map<Bytes, Set<Session>>, name: Bytes, s: Session): boolean {
    const set = map.get(name);
    if (!set || !set.delete(s)) return false;
    if (set.size === 0) map.delete(name);
    return true;
  }
}
