import { lpBacklenSize } from '../../datastruct/listpack.js';
import { CorruptError } from '../io/errors.js';
import { latin1Slice } from '../io/latin1.js';

/**
 * Decoders for the packed blobs stored inside RDB values: ziplist, listpack, intset, zipmap.
 * Each validates the blob as Redis's integrity checks do (header lengths, entry boundaries,
 * terminators, counts) and returns the entries as engine byte strings (integers as decimal
 * text). `base` is the blob's absolute file offset, so errors point into the file.
 */

function fail(reason: string, base: number, pos: number, what: string): never {
  throw new CorruptError(reason, base + pos, what);
}

/**
 * Checks the backlen after a listpack entry that spans [start, p): the entry's encoded size
 * (encoding + data), 7 bits per byte, stored reversed. Returns the offset past it.
 */
export function checkLpBacklen(blob: Buffer, start: number, p: number, end: number, base: number, what: string): number {
  const entryLen = p - start;
  const backlenSize = lpBacklenSize(entryLen);
  if (p + backlenSize > end) fail('listpack entry backlen runs past the end', base, p, what);
  let decoded = 0;
  let shift = 0;
  for (let i = backlenSize - 1; i >= 0; i--) {
    const byte = blob[p + i]!;
    decoded |= (byte & 0x7f) * 2 ** shift;
    shift += 7;
    const cont = (byte & 0x80) !== 0;
    if (cont !== (i > 0)) fail('listpack entry backlen is malformed', base, p, what);
  }
  if (decoded !== entryLen) fail(`listpack entry backlen ${decoded} does not match its size ${entryLen}`, base, p, what);
  return p + backlenSize;
}

const ZIP_END = 0xff;
const ZIP_BIG_PREVLEN = 0xfe;

/** ziplist.c: <zlbytes u32><zltail u32><zllen u16> entries... <0xff> */
export function decodeZiplist(blob: Buffer, base: number, what = 'ziplist'): string[] {
  const n = blob.length;
  if (n < 11) fail(`ziplist too short (${n} bytes)`, base, 0, what);
  const zlbytes = blob.readUInt32LE(0);
  if (zlbytes !== n) fail(`ziplist header says ${zlbytes} bytes but the blob has ${n}`, base, 0, what);
  const zltail = blob.readUInt32LE(4);
  const zllen = blob.readUInt16LE(8);
  if (blob[n - 1] !== ZIP_END) fail('ziplist does not end with 0xff', base, n - 1, what);
  const out: string[] = [];
  let p = 10;
  let prevLen = 0;
  let lastEntry = -1;
  while (p < n - 1) {
    const start = p;
    // prevlen: 1 byte, or 0xfe + 4-byte little-endian length.
    let plen: number;
    if (blob[p]! < ZIP_BIG_PREVLEN) {
      plen = blob[p]!;
      p += 1;
    } else if (blob[p] === ZIP_BIG_PREVLEN) {
      if (p + 5 > n - 1) fail('ziplist entry prevlen runs past the end', base, p, what);
      plen = blob.readUInt32LE(p + 1);
      p += 5;
    } else {
      fail('ziplist entry has an invalid prevlen byte 0xff', base, p, what);
    }
    if (plen !== prevLen) fail(`ziplist entry prevlen ${plen} does not match the previous entry (${prevLen})`, base, start, what);
    if (p >= n - 1) fail('ziplist entry header runs past the end', base, p, what);
    const enc = blob[p]!;
    let value: string;
    if (enc >> 6 === 0) {
      const len = enc & 0x3f;
      p += 1;
      value = strAt(blob, p, len, base, what);
      p += len;
    } else if (enc >> 6 === 1) {
      if (p + 2 > n - 1) fail('ziplist entry header runs past the end', base, p, what);
      const len = ((enc & 0x3f) << 8) | blob[p + 1]!;
      p += 2;
      value = strAt(blob, p, len, base, what);
      p += len;
    } else if (enc === 0x80) {
      if (p + 5 > n - 1) fail('ziplist entry header runs past the end', base, p, what);
      const len = blob.readUInt32BE(p + 1);
      p += 5;
      value = strAt(blob, p, len, base, what);
      p += len;
    } else {
      p += 1;
      let size: number;
      switch (enc) {
        case 0xc0: size = 2; break;
        case 0xd0: size = 4; break;
        case 0xe0: size = 8; break;
        case 0xf0: size = 3; break;
        case 0xfe: size = 1; break;
        default:
          if (enc >= 0xf1 && enc <= 0xfd) size = 0;
          else fail(`ziplist entry has an invalid encoding byte 0x${enc.toString(16)}`, base, p - 1, what);
      }
      if (p + size > n - 1) fail('ziplist integer runs past the end', base, p, what);
      switch (enc) {
        case 0xc0: value = String(blob.readInt16LE(p)); break;
        case 0xd0: value = String(blob.readInt32LE(p)); break;
        case 0xe0: value = blob.readBigInt64LE(p).toString(); break;
        case 0xf0: value = String(blob.readIntLE(p, 3)); break;
        case 0xfe: value = String(blob.readInt8(p)); break;
        default: value = String((enc & 0x0f) - 1);
      }
      p += size;
    }
    out.push(value);
    prevLen = p - start;
    lastEntry = start;
  }
  if (p !== n - 1) fail('ziplist entries do not end at the terminator', base, p, what);
  if (zllen !== 0xffff && zllen !== out.length) fail(`ziplist header count ${zllen} but ${out.length} entries`, base, 8, what);
  const expectedTail = lastEntry < 0 ? 10 : lastEntry;
  if (zltail !== expectedTail) fail(`ziplist tail offset ${zltail} should be ${expectedTail}`, base, 4, what);
  return out;
}

function strAt(blob: Buffer, p: number, len: number, base: number, what: string): string {
  if (p + len > blob.length - 1) fail('entry runs past the end of its blob', base, p, what);
  return latin1Slice(blob, p, p + len);
}

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;

/** listpack.c: <total u32><count u16> entries (encoding, data, backlen)... <0xff> */
export function decodeListpack(blob: Buffer, base: number, what = 'listpack'): string[] {
  const n = blob.length;
  if (n < LP_HDR_SIZE + 1) fail(`listpack too short (${n} bytes)`, base, 0, what);
  const total = blob.readUInt32LE(0);
  if (total !== n) fail(`listpack header says ${total} bytes but the blob has ${n}`, base, 0, what);
  const count = blob.readUInt16LE(4);
  if (blob[n - 1] !== LP_EOF) fail('listpack does not end with 0xff', base, n - 1, what);
  const out: string[] = [];
  let p = LP_HDR_SIZE;
  const end = n - 1;
  while (p < end) {
    const start = p;
    const b = blob[p]!;
    let value: string;
    if ((b & 0x80) === 0) {
      value = String(b & 0x7f);
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const len = b & 0x3f;
      p += 1;
      value = strAt(blob, p, len, base, what);
      p += len;
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) fail('listpack entry runs past the end', base, p, what);
      let v = ((b & 0x1f) << 8) | blob[p + 1]!;
      if (v >= 1 << 12) v -= 1 << 13;
      value = String(v);
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) fail('listpack entry runs past the end', base, p, what);
      const len = ((b & 0x0f) << 8) | blob[p + 1]!;
      p += 2;
      value = strAt(blob, p, len, base, what);
      p += len;
    } else {
      switch (b) {
        case 0xf0: {
          if (p + 5 > end) fail('listpack entry runs past the end', base, p, what);
          const len = blob.readUInt32LE(p + 1);
          p += 5;
          value = strAt(blob, p, len, base, what);
          p += len;
          break;
        }
        case 0xf1:
          if (p + 3 > end) fail('listpack entry runs past the end', base, p, what);
          value = String(blob.readInt16LE(p + 1));
          p += 3;
          break;
        case 0xf2:
          if (p + 4 > end) fail('listpack entry runs past the end', base, p, what);
          value = String(blob.readIntLE(p + 1, 3));
          p += 4;
          break;
        case 0xf3:
          if (p + 5 > end) fail('listpack entry runs past the end', base, p, what);
          value = String(blob.readInt32LE(p + 1));
          p += 5;
          break;
        case 0xf4:
          if (p + 9 > end) fail('listpack entry runs past the end', base, p, what);
          value = blob.readBigInt64LE(p + 1).toString();
          p += 9;
          break;
        default:
          fail(`listpack entry has an invalid encoding byte 0x${b.toString(16)}`, base, p, what);
      }
    }
    p = checkLpBacklen(blob, start, p, end, base, what);
    out.push(value);
  }
  if (p !== end) fail('listpack entries do not end at the terminator', base, p, what);
  if (count !== 0xffff && count !== out.length) fail(`listpack header count ${count} but ${out.length} entries`, base, 4, what);
  return out;
}

/** intset.h: <encoding u32 (2|4|8)><length u32> sorted little-endian integers. */
export function decodeIntset(blob: Buffer, base: number, what = 'intset'): string[] {
  if (blob.length < 8) fail(`intset too short (${blob.length} bytes)`, base, 0, what);
  const enc = blob.readUInt32LE(0);
  const len = blob.readUInt32LE(4);
  if (enc !== 2 && enc !== 4 && enc !== 8) fail(`intset has an invalid encoding ${enc}`, base, 0, what);
  if (8 + enc * len !== blob.length) fail(`intset of ${len} ${enc}-byte integers does not fill ${blob.length} bytes`, base, 4, what);
  const out: string[] = [];
  let prev: bigint | null = null;
  for (let i = 0; i < len; i++) {
    const p = 8 + i * enc;
    const v = enc === 2 ? BigInt(blob.readInt16LE(p)) : enc === 4 ? BigInt(blob.readInt32LE(p)) : blob.readBigInt64LE(p);
    if (prev !== null && v <= prev) fail('intset is not sorted or has duplicates', base, p, what);
    prev = v;
    out.push(v.toString());
  }
  return out;
}

/** zipmap.c: <zmlen u8> (<len>key<len><free u8>value<free bytes>)... <0xff> */
export function decodeZipmap(blob: Buffer, base: number, what = 'zipmap'): string[] {
  const n = blob.length;
  if (n < 2) fail('zipmap too short', base, 0, what);
  let p = 1;
  const out: string[] = [];
  const readLen = (): number => {
    if (p >= n) fail('zipmap runs past the end', base, p, what);
    const b = blob[p]!;
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254) {
      if (p + 5 > n) fail('zipmap length runs past the end', base, p, what);
      const v = blob.readUInt32LE(p + 1);
      p += 5;
      return v;
    }
    fail('zipmap length byte 0xff where an entry was expected', base, p, what);
  };
  while (p < n && blob[p] !== 0xff) {
    const klen = readLen();
    if (p + klen > n) fail('zipmap key runs past the end', base, p, what);
    out.push(blob.toString('latin1', p, p + klen));
    p += klen;
    const vlen = readLen();
    if (p >= n) fail('zipmap runs past the end', base, p, what);
    const free = blob[p++]!;
    if (p + vlen + free > n) fail('zipmap value runs past the end', base, p, what);
    out.push(blob.toString('latin1', p, p + vlen));
    p += vlen + free;
  }
  if (p !== n - 1) fail('zipmap does not end with 0xff at its last byte', base, p, what);
  return out;
}
