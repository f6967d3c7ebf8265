import { lpBacklenSize } from '../../datastruct/listpack.js';
import { parseStrictInt } from '../../engine/object.js';

/**
 * Encoders for the packed blobs Redis stores in RDB values (the mirror of packed.ts):
 * listpack (RDB 10+), ziplist (RDB ≤ 9), intset. Integers that Redis would store as
 * integers (string2ll-strict text) are encoded as integers, as lpAppend / ziplistPush do.
 */

/** Encoded size of one listpack entry (encoding + data + backlen): the engine's own model. */
export { lpEntrySize as listpackEntrySize } from '../../datastruct/listpack.js';

export class ListpackBuilder {
  private readonly parts: Buffer[] = [];
  private bytes = 6 + 1;
  count = 0;

  get size(): number {
    return this.bytes;
  }

  add(s: string): this {
    const v = parseStrictInt(s);
    let enc: Buffer;
    if (v !== null) {
      if (v >= 0n && v <= 127n) {
        enc = Buffer.from([Number(v)]);
      } else if (v >= -4096n && v <= 4095n) {
        const u = Number(v) & 0x1fff;
        enc = Buffer.from([0xc0 | (u >> 8), u & 0xff]);
      } else if (v >= -32768n && v <= 32767n) {
        enc = Buffer.alloc(3);
        enc[0] = 0xf1;
        enc.writeInt16LE(Number(v), 1);
      } else if (v >= -8388608n && v <= 8388607n) {
        enc = Buffer.alloc(4);
        enc[0] = 0xf2;
        enc.writeIntLE(Number(v), 1, 3);
      } else if (v >= -2147483648n && v <= 2147483647n) {
        enc = Buffer.alloc(5);
        enc[0] = 0xf3;
        enc.writeInt32LE(Number(v), 1);
      } else {
        enc = Buffer.alloc(9);
        enc[0] = 0xf4;
        enc.writeBigInt64LE(v, 1);
      }
    } else {
      const data = Buffer.from(s, 'latin1');
      const len = data.length;
      let head: Buffer;
      if (len < 64) head = Buffer.from([0x80 | len]);
      else if (len < 4096) head = Buffer.from([0xe0 | (len >> 8), len & 0xff]);
      else {
        head = Buffer.alloc(5);
        head[0] = 0xf0;
        head.writeUInt32LE(len, 1);
      }
      enc = Buffer.concat([head, data]);
    }
    const n = enc.length;
    const bl = lpBacklenSize(n);
    const back = Buffer.alloc(bl);
    // backlen: 7 bits per byte, most significant group first; every byte but the first
    // carries the continuation bit (read right to left).
    let rem = n;
    for (let i = bl - 1; i >= 0; i--) {
      back[i] = (rem & 0x7f) | (i > 0 ? 0x80 : 0);
      rem = Math.floor(rem / 128);
    }
    this.parts.push(enc, back);
    this.bytes += n + bl;
    this.count++;
    return this;
  }

  build(): Buffer {
    const head = Buffer.alloc(6);
    head.writeUInt32LE(this.bytes, 0);
    head.writeUInt16LE(this.count < 65535 ? this.count : 65535, 4);
    return Buffer.concat([head, ...this.parts, Buffer.from([0xff])]);
  }
}

export function encodeListpack(items: Iterable<string>): Buffer {
  const b = new ListpackBuilder();
  for (const s of items) b.add(s);
  return b.build();
}

/** ziplist.c layout; used for RDB 9 (Redis 5/6) targets. */
export function encodeZiplist(items: Iterable<string>): Buffer {
  const entries: Buffer[] = [];
  let prevLen = 0;
  let offset = 10;
  let tail = 10;
  let count = 0;
  for (const s of items) {
    const prev = prevLen < 254 ? Buffer.from([prevLen]) : Buffer.concat([Buffer.from([0xfe]), u32le(prevLen)]);
    const v = parseStrictInt(s);
    let body: Buffer;
    if (v !== null) {
      if (v >= 0n && v <= 12n) body = Buffer.from([0xf1 + Number(v)]);
      else if (v >= -128n && v <= 127n) body = Buffer.from([0xfe, Number(v) & 0xff]);
      else if (v >= -32768n && v <= 32767n) {
        body = Buffer.alloc(3);
        body[0] = 0xc0;
        body.writeInt16LE(Number(v), 1);
      } else if (v >= -8388608n && v <= 8388607n) {
        body = Buffer.alloc(4);
        body[0] = 0xf0;
        body.writeIntLE(Number(v), 1, 3);
      } else if (v >= -2147483648n && v <= 2147483647n) {
        body = Buffer.alloc(5);
        body[0] = 0xd0;
        body.writeInt32LE(Number(v), 1);
      } else {
        body = Buffer.alloc(9);
        body[0] = 0xe0;
        body.writeBigInt64LE(v, 1);
      }
    } else {
      const data = Buffer.from(s, 'latin1');
      const len = data.length;
      let head: Buffer;
      if (len <= 63) head = Buffer.from([len]);
      else if (len <= 16383) head = Buffer.from([0x40 | (len >> 8), len & 0xff]);
      else {
        head = Buffer.alloc(5);
        head[0] = 0x80;
        head.writeUInt32BE(len, 1);
      }
      body = Buffer.concat([head, data]);
    }
    const entry = Buffer.concat([prev, body]);
    tail = offset;
    offset += entry.length;
    prevLen = entry.length;
    entries.push(entry);
    count++;
  }
  const total = offset + 1;
  const head = Buffer.alloc(10);
  head.writeUInt32LE(total, 0);
  head.writeUInt32LE(count ? tail : 10, 4);
  head.writeUInt16LE(count < 65535 ? count : 65535, 8);
  return Buffer.concat([head, ...entries, Buffer.from([0xff])]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

/** intset: width from the widest member, sorted ascending. Members must be integers. */
export function encodeIntset(members: Iterable<string>): Buffer {
  const values = [...members].map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of values) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const buf = Buffer.alloc(8 + width * values.length);
  buf.writeUInt32LE(width, 0);
  buf.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    const p = 8 + i * width;
    if (width === 2) buf.writeInt16LE(Number(v), p);
    else if (width === 4) buf.writeInt32LE(Number(v), p);
    else buf.writeBigInt64LE(v, p);
  });
  return buf;
}
