import type { Bytes } from '../../engine/bytes.js';

/** Where and what a key is, as the reader found it. */
export interface RdbKeyInfo {
  db: number;
  key: Bytes;
  /** RDB object type byte (constants.ts RDB_TYPE_*). */
  rdbType: number;
  /** Redis type name: string, list, set, zset, hash, stream, module. */
  type: string;
  /** Absolute expiry in ms, or null. */
  expireAt: number | null;
  /** LRU idle seconds from an IDLE opcode, or null. */
  idle: number | null;
  /** LFU counter from a FREQ opcode, or null. */
  freq: number | null;
  /** File offset of the type byte. */
  offset: number;
  /**
   * Only with the reader's lazyKeys option: the key's length, and where its bytes are until
   * keyName() (reader.ts) builds `key` (which is '' until then).
   */
  keyLength?: number;
  keySource?: Buffer | null;
  keyStart?: number;
}

export interface StreamId {
  ms: bigint;
  seq: bigint;
}

export interface StreamPendingEntry {
  id: StreamId;
  deliveryTime: number;
  deliveryCount: number;
}

export interface StreamConsumer {
  name: Bytes;
  seenTime: number;
  /** RDB 11+ (stream v3); null when the file predates it. */
  activeTime: number | null;
  pending: StreamId[];
}

export interface StreamGroup {
  name: Bytes;
  lastId: StreamId;
  /** Stream v2+; null for v1. */
  entriesRead: bigint | null;
  pending: StreamPendingEntry[];
  consumers: StreamConsumer[];
}

export interface StreamMeta {
  length: bigint;
  lastId: StreamId;
  /** Stream v2+ fields; null for v1. */
  firstId: StreamId | null;
  maxDeletedId: StreamId | null;
  entriesAdded: bigint | null;
  groups: StreamGroup[];
}

/**
 * Callbacks of the streaming RDB reader. A key arrives as onKey, then its elements one by
 * one, then onKeyEnd — so neither the file nor one huge key has to fit in memory.
 */
export interface RdbVisitor {
  onHeader?(magic: 'REDIS' | 'VALKEY', version: number): void;
  onAux?(key: Bytes, value: Bytes): void;
  onSelectDb?(db: number): void;
  onResizeDb?(dbSize: number, expiresSize: number): void;
  onKey?(info: RdbKeyInfo): void;
  onString?(value: Bytes): void;
  /**
   * Instead of onString, for consumers that only copy the bytes out (the JSON dump): the
   * value is buf[start, end), valid during the call only. No JS string is built for it.
   */
  onStringBytes?(buf: Buffer, start: number, end: number): void;
  /**
   * Instead of onString, for consumers that only size values: the string's length and
   * whether Redis would store it as an integer. LZF values are not decompressed for it.
   */
  onStringLength?(length: number, isInt: boolean): void;
  onListItem?(value: Bytes): void;
  /** After the items of one quicklist node (RDB 7+ lists): how many it held. */
  onListNode?(count: number): void;
  onSetMember?(member: Bytes): void;
  onZsetMember?(member: Bytes, score: number): void;
  /** expireAt: a hash field's absolute TTL in ms (RDB 12), or null. */
  onHashField?(field: Bytes, value: Bytes, expireAt: number | null): void;
  /**
   * Length-only element events, for consumers that only size values: each is used instead of
   * onListItem / onSetMember / onZsetMember / onHashField when the visitor lacks that one. An
   * element arrives as its byte length plus, only when it could be an integer (1 to 20 bytes
   * starting with a digit or '-'), its text; otherwise null and no string is built for it.
   * Validation is the same as with the full events.
   */
  onListItemLength?(length: number, text: Bytes | null): void;
  onSetMemberLength?(length: number, text: Bytes | null): void;
  onZsetMemberLength?(length: number, text: Bytes | null, score: number): void;
  onHashFieldLength?(fieldLength: number, fieldText: Bytes | null, valueLength: number, valueText: Bytes | null, expireAt: number | null): void;
  /**
   * Bytes element events, for consumers that only copy elements out (the JSON dump): where the
   * reader has them (quicklist 2 lists, and the plain-string encodings of sets, zsets and
   * hashes) they are used instead of the string events, which still come for the other
   * encodings. An element is buf[start, end), valid during the call only, or, when `text` is
   * not null, that text (an integer entry). Validation is the same as with the string events.
   */
  onListItemBytes?(buf: Buffer, start: number, end: number, text: Bytes | null): void;
  onSetMemberBytes?(buf: Buffer, start: number, end: number, text: Bytes | null): void;
  onZsetMemberBytes?(buf: Buffer, start: number, end: number, text: Bytes | null, score: number): void;
  onHashFieldBytes?(
    fieldBuf: Buffer, fieldStart: number, fieldEnd: number, fieldText: Bytes | null,
    valueBuf: Buffer, valueStart: number, valueEnd: number, valueText: Bytes | null,
    expireAt: number | null,
  ): void;
  onStreamEntry?(id: StreamId, fields: Bytes[]): void;
  /** After a stream node's entries: its master ID and listpack size (deleted entries included). */
  onStreamNode?(master: StreamId, listpackBytes: number): void;
  onStreamMeta?(meta: StreamMeta): void;
  /** A module value kept opaque: the module id name and the raw value bytes after the type byte. */
  onModuleValue?(moduleName: string, raw: Buffer): void;
  onKeyEnd?(info: RdbKeyInfo): void;
  /** A container key with no elements: Redis 7 skips these on load ("empty keys skipped"). */
  onEmptyKey?(info: RdbKeyInfo): void;
  onFunction?(code: Bytes): void;
  onModuleAux?(moduleName: string, raw: Buffer): void;
  onSlotInfo?(slot: number, size: number, expiresSize: number): void;
  /** End of file. checksum null when the version has none or it was saved as 0 (disabled). */
  onEnd?(checksum: { stored: bigint; computed: bigint } | null, offset: number): void;
}
