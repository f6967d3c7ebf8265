/**
 * Redis keys and values are byte strings. Inside the engine a byte string is a JS string
 * whose every char code is one byte (0–255), i.e. Node's 'latin1' ("binary") encoding.
 * This keeps Map lookups, comparisons and slicing at native string speed while staying
 * binary-safe. Convert only at the edges (RESP, files, terminal).
 */
export type Bytes = string;

/** Raw bytes → engine byte string. */
export function bytesFromBuffer(buf: Uint8Array): Bytes {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
}

/** Engine byte string → raw bytes. */
export function bytesToBuffer(b: Bytes): Buffer {
  return Buffer.from(b, 'latin1');
}

/** Text typed by a person (UTF-16 JS string) → its UTF-8 bytes as an engine byte string. */
export function bytesFromUtf8(text: string): Bytes {
  // Fast path: pure ASCII needs no re-encoding.
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return Buffer.from(text, 'utf8').toString('latin1');
  }
  return text;
}

/** Engine byte string → text, decoding UTF-8 (invalid sequences become U+FFFD). */
export function bytesToUtf8(b: Bytes): string {
  for (let i = 0; i < b.length; i++) {
    if (b.charCodeAt(i) > 0x7f) return Buffer.from(b, 'latin1').toString('utf8');
  }
  return b;
}

/** Byte-wise comparison (memcmp order), which is what Redis uses for lex ordering. */
export function compareBytes(a: Bytes, b: Bytes): number {
  // Latin1 strings compare by char code, which is byte order.
  return a < b ? -1 : a > b ? 1 : 0;
}
