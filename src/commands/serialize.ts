import type { Bytes } from '../engine/bytes.js';
import { BUSYKEY, NOT_INTEGER, SYNTAX_ERROR } from '../engine/errors.js';
import { parseLong } from '../engine/number.js';
import { ErrorReply, OK } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { hasFieldTtls } from '../engine/hash-expire.js';
import { lfuTimeInMinutes, lruClock, LRU_CLOCK_MAX } from '../engine/evict.js';
import { FormatError } from '../persistence/io/errors.js';
import { Crc64 } from '../persistence/rdb/crc64.js';
import { loadKey, objectToValue, valueToObject } from '../persistence/rdb/engine-bridge.js';
import { parseRdbBuffer } from '../persistence/rdb/reader.js';
import { collectKeys, type CollectedKey } from '../persistence/rdb/value.js';
import { RdbWriter } from '../persistence/rdb/writer.js';
import type { HandlerMap } from './table.js';

/** The RDB version a Redis 7.2 DUMP writes. */
export const DUMP_RDB_VERSION = 11;
/**
 * The newest payload RESTORE accepts: 12, Redis 7.4's, the only one that holds hash field
 * TTLs; DUMP writes it for such a hash alone, so every other payload still loads in 7.2.
 */
export const RESTORE_MAX_RDB_VERSION = 12;

const BAD_PAYLOAD = new ErrorReply('ERR DUMP payload version or checksum are wrong');
const BAD_FORMAT = new ErrorReply('ERR Bad data format');
const INVALID_TTL = new ErrorReply('ERR Invalid TTL value, must be >= 0');
const INVALID_IDLETIME = new ErrorReply('ERR Invalid IDLETIME value, must be >= 0');
const INVALID_FREQ = new ErrorReply('ERR Invalid FREQ value, must be >= 0 and <= 255');

/** verifyDumpPayload: a known RDB version and a matching CRC64 footer. */
function verifyPayload(p: Buffer): boolean {
  if (p.length < 10) return false;
  const version = p.readUInt16LE(p.length - 10);
  if (version > RESTORE_MAX_RDB_VERSION) return false;
  const crc = new Crc64().update(p, 0, p.length - 8);
  return crc.bytes().equals(p.subarray(p.length - 8));
}

/** Decodes a payload's value with the RDB reader, framed as a one-key file. */
function decodePayload(p: Buffer): CollectedKey | null {
  const body = p.subarray(0, p.length - 10);
  const version = p.readUInt16LE(p.length - 10);
  const file = Buffer.concat([
    Buffer.from(`REDIS${String(Math.max(version, 1)).padStart(4, '0')}`, 'latin1'),
    body.subarray(0, 1), // type
    Buffer.from([0]), // empty key name
    body.subarray(1),
    Buffer.from([0xff]),
    Buffer.alloc(8), // checksum disabled: the payload's own CRC was checked
  ]);
  let found: CollectedKey | null = null;
  try {
    parseRdbBuffer(file, collectKeys((k) => (found = k)));
  } catch (e) {
    if (e instanceof FormatError) return null;
    throw e;
  }
  return found;
}

function dump(ctx: Session, argv: Bytes[]) {
  const o = ctx.db.lookupRead(argv[1]!);
  if (!o) return null;
  const version = hasFieldTtls(o) ? RESTORE_MAX_RDB_VERSION : DUMP_RDB_VERSION;
  const payload = RdbWriter.dumpPayload(objectToValue(o), { version, compression: true });
  return payload.toString('latin1');
}

function restore(ctx: Session, argv: Bytes[]) {
  const key = argv[1]!;
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j]!.toLowerCase();
    const more = argv.length - j - 1;
    if (opt === 'replace') replace = true;
    else if (opt === 'absttl') absttl = true;
    else if (opt === 'idletime' && more >= 1 && freq === -1) {
      const v = parseLong(argv[++j]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0) return INVALID_IDLETIME;
      idle = v;
    } else if (opt === 'freq' && more >= 1 && idle === -1) {
      const v = parseLong(argv[++j]!);
      if (v === null) return NOT_INTEGER;
      if (v < 0 || v > 255) return INVALID_FREQ;
      freq = v;
    } else {
      return SYNTAX_ERROR;
    }
  }
  const db = ctx.db;
  if (!replace && db.lookupWrite(key) !== undefined) return BUSYKEY;
  let ttl = parseLong(argv[2]!);
  if (ttl === null) return NOT_INTEGER;
  if (ttl < 0) return INVALID_TTL;
  const payload = Buffer.from(argv[3]!, 'latin1');
  if (!verifyPayload(payload)) return BAD_PAYLOAD;
  const decoded = decodePayload(payload);
  if (!decoded) return BAD_FORMAT;
  const obj = valueToObject(decoded.value, decoded.info.rdbType, ctx.engine.config, ctx.engine.commandTime);
  if (!obj) return BAD_FORMAT;
  const existed = db.lookupWrite(key) !== undefined;
  if (ttl && !absttl) ttl += ctx.now;
  if (ttl && ctx.engine.alreadyExpired(ttl)) {
    // Already expired: the key is not created; a replaced key is deleted.
    if (existed) {
      db.delete(key);
      db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('g', 'del', key, ctx.dbIndex);
      ctx.replaceArgv(['DEL', key]);
    }
    return OK;
  }
  if (existed) db.delete(key);
  loadKey(db, key, obj, ttl ? ttl : null);
  // objectSetLRUOrLFU: IDLETIME sets the LRU clock back, FREQ the LFU counter.
  const policy = ctx.engine.config.maxmemoryPolicy;
  const lfu = policy === 'allkeys-lfu' || policy === 'volatile-lfu';
  if (lfu && freq >= 0) obj.lru = (lfuTimeInMinutes(ctx.engine) << 8) | freq;
  else if (!lfu && idle >= 0) {
    const clock = lruClock(ctx.engine);
    const abs = clock - idle;
    obj.lru = abs < 0 ? (clock + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX : abs;
  }
  db.signalModified(key);
  if (ttl) {
    // Propagate the TTL as an absolute time, as Redis rewrites the command.
    if (!absttl) ctx.replaceArgv([...argv.slice(0, 2), String(ttl), ...argv.slice(3), 'ABSTTL']);
  }
  ctx.engine.notifyKeyspaceEvent('g', 'restore', key, ctx.dbIndex);
  return OK;
}

export const serializeCommands: HandlerMap = { dump, restore };
