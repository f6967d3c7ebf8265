import {
  BigNumberReply,
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  PushReply,
  type Reply,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../engine/reply.js';

/** The input ended inside a value: wait for more bytes. Internal signal, not a user error. */
class NeedMoreData extends Error {}

export class RespProtocolError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'RespProtocolError';
  }
}

/**
 * Streaming RESP2/RESP3 decoder. Feed chunks; complete values come out in order.
 * Buffers until a whole value is present, then parses it plainly (pg-protocol style).
 * Bulk strings decode to engine byte strings (latin1).
 */
export class RespDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Bytes consumed before the current buffer, for error offsets. */
  private base = 0;

  push(chunk: Uint8Array): Reply[] {
    this.buf = this.buf.length === this.pos ? Buffer.from(chunk) : Buffer.concat([this.buf.subarray(this.pos), chunk]);
    this.base += this.pos;
    this.pos = 0;
    const out: Reply[] = [];
    for (;;) {
      const start = this.pos;
      if (start >= this.buf.length) break;
      try {
        out.push(this.value());
      } catch (e) {
        if (e instanceof NeedMoreData) {
          this.pos = start;
          break;
        }
        throw e;
      }
    }
    return out;
  }

  /** Bytes held that do not yet form a complete value. */
  get pending(): number {
    return this.buf.length - this.pos;
  }

  private line(): string {
    const end = this.buf.indexOf('\r\n', this.pos, 'latin1');
    if (end < 0) throw new NeedMoreData();
    const s = this.buf.toString('latin1', this.pos, end);
    this.pos = end + 2;
    return s;
  }

  private int(s: string, what: string): number {
    if (!/^-?\d+$/.test(s)) throw new RespProtocolError(`invalid ${what} '${s}'`, this.base + this.pos);
    return Number(s);
  }

  private blob(len: number): string {
    if (this.pos + len + 2 > this.buf.length) throw new NeedMoreData();
    const s = this.buf.toString('latin1', this.pos, this.pos + len);
    this.pos += len + 2;
    return s;
  }

  private value(): Reply {
    // A chunk may end exactly between two elements of an array.
    if (this.pos >= this.buf.length) throw new NeedMoreData();
    const type = String.fromCharCode(this.buf[this.pos]!);
    const at = this.base + this.pos;
    this.pos++;
    switch (type) {
      case '+':
        return new StatusReply(this.line());
      case '-':
        return new ErrorReply(this.line());
      case ':': {
        const s = this.line();
        const n = Number(s);
        return Number.isSafeInteger(n) ? n : BigInt(s);
      }
      case '$': {
        const len = this.int(this.line(), 'bulk length');
        return len < 0 ? null : this.blob(len);
      }
      case '*': {
        const len = this.int(this.line(), 'multibulk length');
        if (len < 0) return NULL_ARRAY;
        const items: Reply[] = new Array(len);
        for (let i = 0; i < len; i++) items[i] = this.value();
        return items;
      }
      case '_':
        this.line();
        return null;
      case ',': {
        const s = this.line();
        // Keep the text as sent: it is what a client prints and what must compare equal.
        return new DoubleReply(s === 'inf' ? Infinity : s === '-inf' ? -Infinity : Number(s), s);
      }
      case '#':
        return new BoolReply(this.line() === 't');
      case '(':
        return new BigNumberReply(this.line());
      case '=': {
        const body = this.blob(this.int(this.line(), 'verbatim length'));
        return new VerbatimReply(body.slice(0, 3), body.slice(4));
      }
      case '!':
        return new ErrorReply(this.blob(this.int(this.line(), 'blob error length')));
      case '%': {
        const len = this.int(this.line(), 'map length');
        const entries: Array<[Reply, Reply]> = [];
        for (let i = 0; i < len; i++) entries.push([this.value(), this.value()]);
        return new MapReply(entries);
      }
      case '~': {
        const len = this.int(this.line(), 'set length');
        const items: Reply[] = [];
        for (let i = 0; i < len; i++) items.push(this.value());
        return new SetReply(items);
      }
      case '>': {
        const len = this.int(this.line(), 'push length');
        const items: Reply[] = [];
        for (let i = 0; i < len; i++) items.push(this.value());
        return new PushReply(items);
      }
      case '|': {
        // Attribute: read and drop it, then return the value it annotates.
        const len = this.int(this.line(), 'attribute length');
        for (let i = 0; i < len * 2; i++) this.value();
        return this.value();
      }
      default:
        throw new RespProtocolError(`unexpected RESP type byte 0x${type.charCodeAt(0).toString(16).padStart(2, '0')}`, at);
    }
  }
}
