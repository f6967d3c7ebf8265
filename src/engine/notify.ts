import type { Bytes } from './bytes.js';
import type { Engine } from './engine.js';

/**
 * Keyspace notifications (notify.c). The letters of notify-keyspace-events:
 * K keyspace, E keyevent, g generic, $ string, l list, s set, h hash, z zset, x expired,
 * e evicted, t stream, m key-miss, d module, n new key; A = g$lshzxetd.
 */
export const NOTIFY_KEYSPACE = 1 << 0;
export const NOTIFY_KEYEVENT = 1 << 1;
export const NOTIFY_GENERIC = 1 << 2;
export const NOTIFY_STRING = 1 << 3;
export const NOTIFY_LIST = 1 << 4;
export const NOTIFY_SET = 1 << 5;
export const NOTIFY_HASH = 1 << 6;
export const NOTIFY_ZSET = 1 << 7;
export const NOTIFY_EXPIRED = 1 << 8;
export const NOTIFY_EVICTED = 1 << 9;
export const NOTIFY_STREAM = 1 << 10;
export const NOTIFY_KEY_MISS = 1 << 11;
export const NOTIFY_MODULE = 1 << 12;
export const NOTIFY_NEW = 1 << 13;
export const NOTIFY_ALL =
  NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET | NOTIFY_HASH | NOTIFY_ZSET |
  NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const CLASS_BITS: Record<string, number> = {
  K: NOTIFY_KEYSPACE, E: NOTIFY_KEYEVENT, g: NOTIFY_GENERIC, $: NOTIFY_STRING, l: NOTIFY_LIST,
  s: NOTIFY_SET, h: NOTIFY_HASH, z: NOTIFY_ZSET, x: NOTIFY_EXPIRED, e: NOTIFY_EVICTED,
  t: NOTIFY_STREAM, m: NOTIFY_KEY_MISS, d: NOTIFY_MODULE, n: NOTIFY_NEW, A: NOTIFY_ALL,
};

export const INVALID_EVENT_CLASS = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

/** keyspaceEventsStringToFlags: null on an unknown character. */
export function parseKeyspaceEvents(s: string): number | null {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const bit = CLASS_BITS[s[i]!];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: the canonical text CONFIG GET shows. */
export function keyspaceEventsToString(flags: number): string {
  let res = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    res += 'A';
  } else {
    if (flags & NOTIFY_GENERIC) res += 'g';
    if (flags & NOTIFY_STRING) res += '$';
    if (flags & NOTIFY_LIST) res += 'l';
    if (flags & NOTIFY_SET) res += 's';
    if (flags & NOTIFY_HASH) res += 'h';
    if (flags & NOTIFY_ZSET) res += 'z';
    if (flags & NOTIFY_EXPIRED) res += 'x';
    if (flags & NOTIFY_EVICTED) res += 'e';
    if (flags & NOTIFY_STREAM) res += 't';
    if (flags & NOTIFY_MODULE) res += 'd';
    if (flags & NOTIFY_NEW) res += 'n';
  }
  if (flags & NOTIFY_KEYSPACE) res += 'K';
  if (flags & NOTIFY_KEYEVENT) res += 'E';
  if (flags & NOTIFY_KEY_MISS) res += 'm';
  return res;
}

// The config holds the text; parse it once per distinct value.
let cachedText = '';
let cachedFlags = 0;

function flagsOf(text: string): number {
  if (text !== cachedText) {
    cachedText = text;
    cachedFlags = parseKeyspaceEvents(text) ?? 0;
  }
  return cachedFlags;
}

export function notifyKeyspaceEvent(engine: Engine, type: string, event: string, key: Bytes, dbIndex: number): void {
  const flags = flagsOf(engine.config.notifyKeyspaceEvents);
  const bit = CLASS_BITS[type];
  if (bit === undefined || (flags & bit) === 0) return;
  if (!engine.pubsub.hasSubscribers) return;
  if (flags & NOTIFY_KEYSPACE) engine.pubsub.publish(`__keyspace@${dbIndex}__:${key}`, event);
  if (flags & NOTIFY_KEYEVENT) engine.pubsub.publish(`__keyevent@${dbIndex}__:${event}`, key);
}
