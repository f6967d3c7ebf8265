import type { Bytes } from '../engine/bytes.js';
import { ErrorReply } from '../engine/reply.js';
import { crc64 } from '../persistence/rdb/crc64.js';
import { lzfCompress, lzfDecompress } from '../persistence/rdb/lzf.js';

/**
 * FUNCTION DUMP / RESTORE payloads: each library as RDB_OPCODE_FUNCTION2 + its code as an RDB
 * string (LZF-compressed past 20 bytes when that saves 4, as rdbSaveRawString does), then the
 * RDB version (2 bytes LE) and a CRC64 of everything before it (8 bytes LE) — like DUMP.
 */
const RDB_OPCODE_FUNCTION_PRE_GA = 246;
const RDB_OPCODE_FUNCTION2 = 245;
/** Redis 7.2's RDB_VERSION (7.0 wrote 10). */
export const DUMP_RDB_VERSION = 11;

const BAD_PAYLOAD = new ErrorReply('ERR DUMP payload version or checksum are wrong');

function rdbLen(n: number): Buffer {
  if (n < 64) return Buffer.from([n]);
  if (n < 16384) return Buffer.from([0x40 | (n >> 8), n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = 0x80;
  b.writeUInt32BE(n, 1);
  return b;
}

function rdbString(buf: Buffer): Buffer {
  if (buf.length > 20) {
    const out = lzfCompress(buf, buf.length - 4);
    if (out) return Buffer.concat([Buffer.from([0xc3]), rdbLen(out.length), rdbLen(buf.length), out]);
  }
  return Buffer.concat([rdbLen(buf.length), buf]);
}

export function dumpFunctions(codes: Bytes[]): Bytes {
  const parts: Buffer[] = [];
  for (const code of codes) parts.push(Buffer.from([RDB_OPCODE_FUNCTION2]), rdbString(Buffer.from(code, 'latin1')));
  const version = Buffer.alloc(2);
  version.writeUInt16LE(DUMP_RDB_VERSION);
  parts.push(version);
  const body = Buffer.concat(parts);
  const crc = Buffer.alloc(8);
  crc.writeBigUInt64LE(crc64(body));
  return Buffer.concat([body, crc]).toString('latin1');
}

/** verifyDumpPayload + the restore loop's parsing: the libraries' code, or the error reply. */
export function parseFunctionDump(payload: Bytes): Bytes[] | ErrorReply {
  const buf = Buffer.from(payload, 'latin1');
  if (buf.length < 10) return BAD_PAYLOAD;
  const version = buf.readUInt16LE(buf.length - 10);
  if (version > DUMP_RDB_VERSION) return BAD_PAYLOAD;
  if (crc64(buf.subarray(0, buf.length - 8)) !== buf.readBigUInt64LE(buf.length - 8)) return BAD_PAYLOAD;
  const end = buf.length - 10;
  const codes: Bytes[] = [];
  let p = 0;
  const len = (): number => {
    const b = buf[p++]!;
    const kind = b >> 6;
    if (kind === 0) return b & 0x3f;
    if (kind === 1) return ((b & 0x3f) << 8) | buf[p++]!;
    if (b === 0x80) {
      const v = buf.readUInt32BE(p);
      p += 4;
      return v;
    }
    throw new Error('bad length');
  };
  try {
    while (p < end) {
      const type = buf[p++]!;
      if (type === RDB_OPCODE_FUNCTION_PRE_GA) return new ErrorReply('ERR Pre-GA function format not supported');
      if (type !== RDB_OPCODE_FUNCTION2) return new ErrorReply('ERR given type is not a function');
      const first = buf[p]!;
      if (first === 0xc3) {
        p++;
        const clen = len();
        const ulen = len();
        const out = lzfDecompress(buf.subarray(p, p + clen), ulen);
        if (!out) throw new Error('lzf');
        p += clen;
        codes.push(out.toString('latin1'));
      } else if (first >> 6 === 3) {
        throw new Error('integer-encoded code');
      } else {
        const n = len();
        codes.push(buf.subarray(p, p + n).toString('latin1'));
        p += n;
      }
      if (p > end) throw new Error('overrun');
    }
  } catch {
    return new ErrorReply('ERR failed loading the given functions payload');
  }
  return codes;
}

/** The name= of a library's shebang, or null. */
export function libraryName(code: Bytes): string | null {
  const nl = code.indexOf('\n');
  const m = /(?:^|\s)name=(\S+)/.exec(nl < 0 ? code : code.slice(0, nl));
  return m ? m[1]! : null;
}
