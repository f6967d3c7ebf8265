import type { Bytes } from './bytes.js';

/**
 * A command's reply as a value. Handlers return these; encoders (RESP2/RESP3, redis-cli
 * style text) turn them into bytes at the edge.
 *
 * Cheap forms for the common cases:
 *   string  → bulk string (engine byte string)
 *   number  → integer (must be an integer; use DoubleReply for scores)
 *   bigint  → integer outside the safe range
 *   null    → null bulk string ($-1 in RESP2, _ in RESP3)
 *   Reply[] → array
 */
export type Reply =
  | Bytes
  | number
  | bigint
  | null
  | Reply[]
  | StatusReply
  | ErrorReply
  | NullArrayReply
  | DoubleReply
  | MapReply
  | SetReply
  | BoolReply
  | VerbatimReply
  | BigNumberReply
  | PushReply;

/** +OK style simple string. */
export class StatusReply {
  constructor(readonly text: string) {}
}

/** -ERR style error. `message` is the full line without the leading '-', e.g. "ERR syntax error". */
export class ErrorReply {
  readonly message: string;
  constructor(message: string) {
    // An error is one protocol line: Redis turns CR/LF that came from user input into spaces.
    this.message = /[\r\n]/.test(message) ? message.replace(/[\r\n]/g, ' ') : message;
  }
  /** The first word: ERR, WRONGTYPE, NOSCRIPT, ... */
  get code(): string {
    const sp = this.message.indexOf(' ');
    return sp < 0 ? this.message : this.message.slice(0, sp);
  }
}

/** *-1 in RESP2 (e.g. BLPOP timeout, EXEC aborted by WATCH); _ in RESP3. */
export class NullArrayReply {
  private constructor() {}
  static readonly instance = new NullArrayReply();
}

/** A double: RESP3 ',' type; in RESP2 a bulk string with Redis's number formatting. */
export class DoubleReply {
  /** `text`: the exact reply text where Redis does not format with d2string (GEO coordinates). */
  constructor(
    readonly value: number,
    readonly text?: string,
  ) {}
}

/** RESP3 map; flattened to an array of key, value, ... in RESP2. */
export class MapReply {
  constructor(readonly entries: Array<[Reply, Reply]>) {}
}

/** RESP3 set; an array in RESP2. */
export class SetReply {
  constructor(readonly items: Reply[]) {}
}

/** RESP3 boolean; integer 1/0 in RESP2. */
export class BoolReply {
  constructor(readonly value: boolean) {}
}

/** RESP3 verbatim string ("txt"/"mkd"); a bulk string in RESP2. */
export class VerbatimReply {
  constructor(
    readonly format: string,
    readonly text: Bytes,
  ) {}
}

/** RESP3 big number; a bulk string in RESP2. */
export class BigNumberReply {
  constructor(readonly digits: string) {}
}

/** RESP3 push (pub/sub messages); an array in RESP2. */
export class PushReply {
  constructor(readonly items: Reply[]) {}
}

export const OK = new StatusReply('OK');
export const QUEUED = new StatusReply('QUEUED');
export const PONG = new StatusReply('PONG');
export const NULL_ARRAY = NullArrayReply.instance;
export const EMPTY_ARRAY: Reply[] = Object.freeze([]) as unknown as Reply[];

export function isError(r: Reply): r is ErrorReply {
  return r instanceof ErrorReply;
}

export function err(message: string): ErrorReply {
  return new ErrorReply(message);
}
