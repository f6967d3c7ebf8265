/**
 * buf.toString('latin1', start, end) for the readers' hot paths. Node's Buffer has long had
 * latin1Slice (what toString('latin1') calls after checking its arguments); calling it
 * directly skips the encoding lookup and the argument checks, which measured 8-10% of an RDB
 * read. Callers have checked the bounds. Without it (another runtime), plain toString.
 */
type Slicer = (buf: Buffer, start: number, end: number) => string;

const native = (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string }).latin1Slice;

export const latin1Slice: Slicer =
  typeof native === 'function'
    ? (buf, start, end) => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(start, end)
    : (buf, start, end) => buf.toString('latin1', start, end);
