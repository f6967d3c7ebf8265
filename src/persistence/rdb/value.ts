import type { Bytes } from '../../engine/bytes.js';
import type { RdbKeyInfo, RdbVisitor, StreamId, StreamMeta } from './types.js';

/**
 * One key's whole value, independent of how any RDB version encodes it. `encoding` (an
 * OBJECT ENCODING name) asks the writer to keep an engine object's current encoding, as
 * Redis's SAVE and DUMP do; without it the writer picks what a loader would.
 */
export type RdbValue =
  | { type: 'string'; value: Bytes }
  | { type: 'list'; items: Bytes[]; /** Items per saved quicklist node, when the file had nodes. */ nodes?: number[] }
  | { type: 'set'; members: Bytes[]; encoding?: string }
  | { type: 'zset'; entries: Array<[Bytes, number]>; encoding?: string }
  | { type: 'hash'; entries: Array<[Bytes, Bytes, number | null]>; encoding?: string }
  | {
      type: 'stream';
      entries: Array<{ id: StreamId; fields: Bytes[] }>;
      meta: StreamMeta;
      /** The file's node layout (master ID, listpack bytes), for exact memory figures. */
      streamNodes?: Array<{ master: StreamId; bytes: number }>;
    }
  | { type: 'module'; moduleName: string; raw: Buffer };

export interface CollectedKey {
  info: RdbKeyInfo;
  value: RdbValue;
}

/**
 * Turns the reader's element events back into whole values, one key at a time (for
 * convert, loading into the engine, digests). Memory is bounded by the largest key.
 */
export function collectKeys(
  onKeyValue: (key: CollectedKey) => void,
  extra: Omit<RdbVisitor, 'onKey' | 'onString' | 'onListItem' | 'onListNode' | 'onSetMember' | 'onZsetMember' | 'onHashField' | 'onStreamEntry' | 'onStreamNode' | 'onStreamMeta' | 'onModuleValue' | 'onKeyEnd'> = {},
): RdbVisitor {
  let info: RdbKeyInfo | null = null;
  let value: RdbValue | null = null;
  const ensure = <T extends RdbValue['type']>(type: T, make: () => Extract<RdbValue, { type: T }>) => {
    if (!value) value = make();
    return value as Extract<RdbValue, { type: T }>;
  };
  return {
    ...extra,
    onKey(i) {
      info = i;
      value = null;
    },
    onString(v) {
      value = { type: 'string', value: v };
    },
    onListItem(v) {
      ensure('list', () => ({ type: 'list', items: [] })).items.push(v);
    },
    onListNode(count) {
      const v = ensure('list', () => ({ type: 'list', items: [] }));
      (v.nodes ??= []).push(count);
    },
    onSetMember(m) {
      ensure('set', () => ({ type: 'set', members: [] })).members.push(m);
    },
    onZsetMember(m, s) {
      ensure('zset', () => ({ type: 'zset', entries: [] })).entries.push([m, s]);
    },
    onHashField(f, v, ttl) {
      ensure('hash', () => ({ type: 'hash', entries: [] })).entries.push([f, v, ttl]);
    },
    onStreamEntry(id, fields) {
      ensure('stream', () => ({ type: 'stream', entries: [], meta: null as unknown as StreamMeta })).entries.push({ id, fields });
    },
    onStreamNode(master, bytes) {
      const v = ensure('stream', () => ({ type: 'stream', entries: [], meta: null as unknown as StreamMeta }));
      (v.streamNodes ??= []).push({ master, bytes });
    },
    onStreamMeta(meta) {
      ensure('stream', () => ({ type: 'stream', entries: [], meta })).meta = meta;
    },
    onModuleValue(moduleName, raw) {
      value = { type: 'module', moduleName, raw };
    },
    onKeyEnd() {
      if (info && value) onKeyValue({ info, value });
      info = null;
      value = null;
    },
  };
}
