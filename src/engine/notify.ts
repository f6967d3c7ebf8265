import type { Bytes } from './bytes.js';
import type { Engine } from './engine.js';

/**
 * Keyspace notification classes (notify.c): the letters of notify-keyspace-events.
 * K keyspace, E keyevent, g generic, $ string, l list, s set, h hash, z zset, x expired,
 * e evicted, t stream, m key-miss, n new key, d module; A = g$lshzxetd.
 */
const ALL_CLASSES = 'g$lshzxetd';

export function notifyKeyspaceEvent(engine: Engine, type: string, event: string, key: Bytes, dbIndex: number): void {
  const flags = engine.config.notifyKeyspaceEvents;
  const has = (c: string) => flags.includes(c) || (flags.includes('A') && ALL_CLASSES.includes(c));
  if (!has(type)) return;
  if (flags.includes('K')) engine.pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event);
  if (flags.includes('E')) engine.pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key);
}
