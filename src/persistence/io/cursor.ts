import { NeedMoreData } from './errors.js';
import { latin1Slice } from './latin1.js';

/**
 * A cursor over a window of a larger byte stream. `base` is the absolute offset of buf[0],
 * so positions reported in errors are file offsets. Every read checks the window and throws
 * NeedMoreData (not a user error) when the unit continues past it.
 */
export class ByteCursor {
  buf: Buffer;
  pos: number;
  base: number;
  /** The window ends at end of input: running out is truncation, not a wait. */
  final: boolean;

  constructor(buf: Buffer, base = 0, final = true) {
    this.buf = buf;
    this.pos = 0;
    this.base = base;
    this.final = final;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new NeedMoreData(this.pos + n - this.buf.length);
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new NeedMoreData(1);
    return this.buf[this.pos++]!;
  }

  u16le(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  u32le(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u32be(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i8(): number {
    if (this.pos >= this.buf.length) throw new NeedMoreData(1);
    return this.buf.readInt8(this.pos++);
  }

  i16le(): number {
    this.need(2);
    const v = this.buf.readInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  i32le(): number {
    this.need(4);
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  u64le(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  i64le(): bigint {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  u64be(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  f64le(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** n bytes as an engine byte string (latin1). */
  latin1(n: number): string {
    this.need(n);
    const v = latin1Slice(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
