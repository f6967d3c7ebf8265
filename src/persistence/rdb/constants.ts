/**
 * RDB format constants (rdb.h, Redis 2.x–7.4 and Valkey 7/8).
 *
 * Length encoding, by the two most significant bits of the first byte:
 *   00|XXXXXX            6-bit length
 *   01|XXXXXX XXXXXXXX   14-bit length (big-endian across the two bytes)
 *   10|000000 + 4 bytes  32-bit big-endian length (RDB_32BITLEN = 0x80)
 *   10|000001 + 8 bytes  64-bit big-endian length (RDB_64BITLEN = 0x81)
 *   11|XXXXXX            special string encoding in the low 6 bits (RDB_ENCVAL)
 */
export const RDB_6BITLEN = 0;
export const RDB_14BITLEN = 1;
export const RDB_32BITLEN = 0x80;
export const RDB_64BITLEN = 0x81;
export const RDB_ENCVAL = 3;

/** Special string encodings (the low 6 bits after 11). */
export const RDB_ENC_INT8 = 0;
export const RDB_ENC_INT16 = 1;
export const RDB_ENC_INT32 = 2;
export const RDB_ENC_LZF = 3;

/** Object types. */
export const RDB_TYPE_STRING = 0;
export const RDB_TYPE_LIST = 1;
export const RDB_TYPE_SET = 2;
export const RDB_TYPE_ZSET = 3;
export const RDB_TYPE_HASH = 4;
/** ZSET with binary (8-byte IEEE) scores, RDB 8+. */
export const RDB_TYPE_ZSET_2 = 5;
export const RDB_TYPE_MODULE_PRE_GA = 6;
export const RDB_TYPE_MODULE_2 = 7;
export const RDB_TYPE_HASH_ZIPMAP = 9;
export const RDB_TYPE_LIST_ZIPLIST = 10;
export const RDB_TYPE_SET_INTSET = 11;
export const RDB_TYPE_ZSET_ZIPLIST = 12;
export const RDB_TYPE_HASH_ZIPLIST = 13;
export const RDB_TYPE_LIST_QUICKLIST = 14;
export const RDB_TYPE_STREAM_LISTPACKS = 15;
export const RDB_TYPE_HASH_LISTPACK = 16;
export const RDB_TYPE_ZSET_LISTPACK = 17;
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
export const RDB_TYPE_SET_LISTPACK = 20;
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;
/** Redis 7.4 release candidates only (hash field TTLs before GA). */
export const RDB_TYPE_HASH_METADATA_PRE_GA = 22;
export const RDB_TYPE_HASH_LISTPACK_EX_PRE_GA = 23;
export const RDB_TYPE_HASH_METADATA = 24;
export const RDB_TYPE_HASH_LISTPACK_EX = 25;

/** Opcodes (special "types" that are not keys). */
export const RDB_OPCODE_SLOT_INFO = 244;
export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_FUNCTION_PRE_GA = 246;
export const RDB_OPCODE_MODULE_AUX = 247;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_EXPIRETIME = 253;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;

/** Module value opcodes (module.c). */
export const RDB_MODULE_OPCODE_EOF = 0;
export const RDB_MODULE_OPCODE_SINT = 1;
export const RDB_MODULE_OPCODE_UINT = 2;
export const RDB_MODULE_OPCODE_FLOAT = 3;
export const RDB_MODULE_OPCODE_DOUBLE = 4;
export const RDB_MODULE_OPCODE_STRING = 5;

/** Quicklist 2 node containers. */
export const QUICKLIST_NODE_CONTAINER_PLAIN = 1;
export const QUICKLIST_NODE_CONTAINER_PACKED = 2;

/** Stream listpack entry flags (t_stream.c). */
export const STREAM_ITEM_FLAG_NONE = 0;
export const STREAM_ITEM_FLAG_DELETED = 1;
export const STREAM_ITEM_FLAG_SAMEFIELDS = 2;

/** Newest RDB version written by Redis (7.4) and by Valkey 7/8. */
export const RDB_VERSION_MAX = 12;

export const TYPE_NAMES: Record<number, string> = {
  0: 'string', 1: 'list', 2: 'set', 3: 'zset', 4: 'hash', 5: 'zset', 6: 'module', 7: 'module',
  9: 'hash', 10: 'list', 11: 'set', 12: 'zset', 13: 'hash', 14: 'list', 15: 'stream', 16: 'hash',
  17: 'zset', 18: 'list', 19: 'stream', 20: 'set', 21: 'stream', 22: 'hash', 23: 'hash', 24: 'hash', 25: 'hash',
};

/** The RDB type names Redis's own tools use (rdbTypeString / redis-check-rdb). */
export const RDB_TYPE_LABELS: Record<number, string> = {
  0: 'string', 1: 'list-linked', 2: 'set-hashtable', 3: 'zset-v1', 4: 'hash-hashtable', 5: 'zset-v2',
  6: 'module-pre-release', 7: 'module-value', 9: 'hash-zipmap', 10: 'list-ziplist', 11: 'set-intset',
  12: 'zset-ziplist', 13: 'hash-ziplist', 14: 'quicklist', 15: 'stream', 16: 'hash-listpack',
  17: 'zset-listpack', 18: 'quicklist-v2', 19: 'stream-v2', 20: 'set-listpack', 21: 'stream-v3',
  22: 'hash-hashtable-md-pre-ga', 23: 'hash-listpack-md-pre-ga', 24: 'hash-hashtable-md', 25: 'hash-listpack-md',
};
