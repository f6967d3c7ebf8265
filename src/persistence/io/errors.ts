/**
 * Errors of the persistence readers. "Truncated" (the input ended too early) and "corrupt"
 * (the bytes present are wrong) are different answers for an operator, so they are
 * different classes. Both carry the absolute byte offset and what was being read.
 */
export class FormatError extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly context: string = '',
  ) {
    super(`${reason} at offset ${offset}${context ? ` (${context})` : ''}`);
    this.name = 'FormatError';
  }
}

export class TruncatedError extends FormatError {
  constructor(offset: number, context = '', readonly expected = '') {
    super(`unexpected end of file${expected ? `, expected ${expected}` : ''}`, offset, context);
    this.name = 'TruncatedError';
  }
}

export class CorruptError extends FormatError {
  constructor(reason: string, offset: number, context = '') {
    super(reason, offset, context);
    this.name = 'CorruptError';
  }
}

/** Internal signal: the buffered window ends inside the unit being parsed. Never escapes a reader. */
export class NeedMoreData extends Error {
  constructor(readonly needed: number) {
    super('need more data');
  }
}
