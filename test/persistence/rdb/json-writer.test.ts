import { describe, expect, it } from 'vitest';
import { bytesFromJson, bytesToJson } from '../../../src/persistence/rdb/json.js';
import { isUtf8From, isUtf8Range, JsonWriter } from '../../../src/persistence/rdb/json-writer.js';
import { rng } from '../../helpers/rng.js';

/**
 * The reference: what the dump wrote before it wrote bytes, i.e. the JSON text of a byte
 * string built by the platform (WHATWG fatal UTF-8 decoder, JSON.stringify), as UTF-8.
 */
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
function reference(bytes: Buffer): Buffer {
  let j: unknown;
  try {
    j = decoder.decode(bytes);
  } catch {
    j = { base64: bytes.toString('base64') };
  }
  return Buffer.from(JSON.stringify(j), 'utf8');
}

/** Everything a writer hands out, concatenated, after the last line is flushed. */
function collect(chunkSize?: number) {
  const chunks: Buffer[] = [];
  const w = new JsonWriter((c, release) => {
    chunks.push(Buffer.from(c));
    release();
  }, chunkSize);
  return {
    w,
    out: () => {
      w.flush();
      return Buffer.concat(chunks);
    },
  };
}

/** The bytes as both writer entry points see them: a latin1 string, and a range of a larger buffer. */
function encodeBoth(bytes: Buffer): { fromString: Buffer; fromBytes: Buffer } {
  const a = collect();
  a.w.bytes(bytes.toString('latin1'));
  a.w.endLine();
  const b = collect();
  const padded = Buffer.concat([Buffer.from([0x22, 0x00, 0xff]), bytes, Buffer.from([0x5c, 0x80])]);
  b.w.bytesOf(padded, 3, 3 + bytes.length);
  b.w.endLine();
  return { fromString: a.out(), fromBytes: b.out() };
}

function expectLikeReference(bytes: Buffer): void {
  const want = reference(bytes);
  const { fromString, fromBytes } = encodeBoth(bytes);
  expect(fromString.toString('latin1'), bytes.toString('hex')).toBe(want.toString('latin1'));
  expect(fromBytes.toString('latin1'), bytes.toString('hex')).toBe(want.toString('latin1'));
  // And it is lossless: parsing the JSON gives back exactly these bytes.
  expect(Buffer.from(bytesFromJson(JSON.parse(fromString.toString('utf8')), 't'), 'latin1').equals(bytes)).toBe(true);
}

const hex = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');

describe('JsonWriter byte strings', () => {
  it('every single byte, and all 256 in one string, as JSON.stringify would', () => {
    for (let c = 0; c < 256; c++) expectLikeReference(Buffer.from([c]));
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expectLikeReference(all);
    expectLikeReference(all.subarray(0, 128)); // ASCII only: a string with every escape
  });

  it('UTF-8 edge cases are classified as the fatal decoder does', () => {
    const cases: Array<[string, boolean]> = [
      ['c3a9', true], // é
      ['e282ac', true], // €
      ['f09f9880', true], // U+1F600, 4 bytes
      ['f48fbfbf', true], // U+10FFFF
      ['efbbbf41', true], // a leading BOM is kept, not dropped
      ['41efbbbf', true],
      ['eda080', false], // a UTF-16 surrogate half (U+D800)
      ['edbfbf', false], // U+DFFF
      ['ed9fbf', true], // U+D7FF, just below
      ['c080', false], // overlong NUL
      ['c1bf', false], // overlong
      ['e08080', false], // overlong 3-byte
      ['e09fbf', false], // overlong 3-byte (U+07FF)
      ['e0a080', true], // U+0800, the first 3-byte
      ['f0808080', false], // overlong 4-byte
      ['f08fbfbf', false], // overlong 4-byte (U+FFFF)
      ['f0908080', true], // U+10000
      ['f4908080', false], // U+110000, past the end of Unicode
      ['f5808080', false],
      ['ff', false],
      ['80', false], // a lone continuation byte
      ['c3', false], // truncated
      ['e282', false],
      ['f09f98', false],
      ['c328', false], // a bad continuation
      ['e228a1', false],
      ['f0289f98', false],
      ['41c3a9', true],
      ['4100c3a922', true], // NUL, é and a quote
    ];
    for (const [h, valid] of cases) {
      const b = hex(h);
      expect(isUtf8From(b.toString('latin1'), 0), h).toBe(valid);
      expect(isUtf8Range(b, 0, b.length), h).toBe(valid);
      expect(typeof bytesToJson(b.toString('latin1')) === 'string', h).toBe(valid);
      expectLikeReference(b);
      expectLikeReference(Buffer.concat([Buffer.from('a"\\\n'), b, Buffer.from('\u0000z')]));
    }
  });

  it('a leading BOM is part of the value (bytesToJson keeps it, the dump writes it)', () => {
    expect(bytesToJson('\xef\xbb\xbfA')).toBe('\ufeffA');
    expect(bytesFromJson(bytesToJson('\xef\xbb\xbfA'), 't')).toBe('\xef\xbb\xbfA');
    const { fromString, fromBytes } = encodeBoth(hex('efbbbf41'));
    expect(fromString.equals(Buffer.from('"\ufeffA"', 'utf8'))).toBe(true);
    expect(fromBytes.equals(fromString)).toBe(true);
  });

  it('random byte strings match the reference (mulberry32)', () => {
    const r = rng(20261125);
    const pick = (xs: number[]) => xs[Math.floor(r() * xs.length)]!;
    for (let t = 0; t < 4000; t++) {
      const len = Math.floor(r() * (t % 10 === 0 ? 300 : 24));
      const bytes = Buffer.alloc(len);
      const mode = t % 4;
      for (let i = 0; i < len; i++) {
        if (mode === 0) bytes[i] = Math.floor(r() * 256);
        else if (mode === 1) bytes[i] = pick([0, 0, 0, 0x22, 0x5c, 0x0a, 0x1f, 0x7f, 0x41, 0x20]);
        else bytes[i] = r() < 0.8 ? 0x20 + Math.floor(r() * 0x5f) : Math.floor(r() * 256);
      }
      if (mode === 3) {
        // Valid UTF-8 of random code points, sometimes with one byte broken afterwards.
        let s = '';
        for (let i = 0; i < len; i++) {
          const kind = r();
          const cp = kind < 0.4 ? Math.floor(r() * 0x80) : kind < 0.7 ? 0x80 + Math.floor(r() * 0x780) : kind < 0.9 ? 0x800 + Math.floor(r() * 0xf800) : 0x10000 + Math.floor(r() * 0x100000);
          if (cp >= 0xd800 && cp <= 0xdfff) continue;
          s += String.fromCodePoint(cp);
        }
        const u = Buffer.from(s, 'utf8');
        if (u.length && r() < 0.3) u[Math.floor(r() * u.length)] = Math.floor(r() * 256);
        expectLikeReference(u);
        continue;
      }
      expectLikeReference(bytes);
    }
  });

  it('runs of NUL of every length around the copied-run sizes, and long values', () => {
    for (const n of [0, 1, 2, 3, 4, 5, 52, 255, 256, 257, 511, 512, 513, 1000]) {
      expectLikeReference(Buffer.alloc(n));
      expectLikeReference(Buffer.concat([Buffer.from('value:1'), Buffer.alloc(n), Buffer.from('x\u0001')]));
    }
    // Past 64 KiB the room is measured, not assumed: escapes, plain text, UTF-8, and binary.
    const big = Buffer.alloc(200000);
    for (let i = 0; i < big.length; i++) big[i] = i % 7 === 0 ? 0 : 0x61 + (i % 26);
    expectLikeReference(big);
    expectLikeReference(Buffer.concat([big, hex('c3a9')]));
    expectLikeReference(Buffer.concat([big, hex('ff')]));
    expectLikeReference(Buffer.alloc(100000, 0x22));
  });

  it('a separator byte written before the string, also before {"base64": …}', () => {
    const { w, out } = collect();
    w.bytes('a', 0x5b);
    w.bytes('\xff', 0x2c);
    w.bytes('b', 0);
    w.endLine();
    expect(out().toString()).toBe('["a",{"base64":"/w=="}"b"');
  });
});

describe('JsonWriter lines and chunks', () => {
  it('hands out only complete lines; a discarded line never appears', () => {
    const chunks: string[] = [];
    const w = new JsonWriter((c, release) => {
      chunks.push(c.toString());
      release();
    }, 64);
    w.ascii('{"a":1}\n');
    w.endLine();
    w.ascii('{"partial":');
    w.flush();
    expect(chunks).toEqual(['{"a":1}\n']);
    // A line longer than the buffer grows it; the earlier complete line goes out first.
    w.discardLine();
    const long = 'x'.repeat(500);
    w.ascii('{"b":');
    w.bytes(long);
    w.ascii('}\n');
    w.ascii('{"c":');
    w.discardLine();
    w.flush();
    expect(chunks.join('')).toBe('{"a":1}\n');
    w.ascii('{"b":');
    w.bytes(long);
    w.ascii('}\n');
    w.endLine();
    w.flush();
    expect(chunks.join('')).toBe(`{"a":1}\n{"b":"${long}"}\n`);
  });

  it('many lines through a small buffer come out whole and in order, buffers reused', () => {
    const r = rng(7);
    const chunks: Buffer[] = [];
    const held: Array<() => void> = [];
    let allocations = 0;
    const w = new JsonWriter((c, release) => {
      chunks.push(Buffer.from(c));
      allocations++;
      // Release late, as a stream's write callback does.
      held.push(release);
      if (held.length > 2) held.shift()!();
    }, 256);
    const want: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(r() * 80) }, () => Math.floor(r() * 256)));
      w.ascii(`{"i":${i},"v":`);
      w.bytes(bytes.toString('latin1'));
      w.ascii('}\n');
      w.endLine();
      want.push(`{"i":${i},"v":${reference(bytes).toString('latin1')}}\n`);
    }
    w.flush();
    const got = Buffer.concat(chunks);
    expect(got.toString('latin1')).toBe(want.join(''));
    // Each chunk ends at a line end.
    for (const c of chunks) expect(c[c.length - 1]).toBe(0x0a);
    expect(allocations).toBeGreaterThan(10);
  });

  it('number() writes what String() writes', () => {
    const xs = [0, 1, 9, 10, 99, 100, 12345, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 1700000000000, Number.MAX_SAFE_INTEGER, -1, -0, 1.5, -2.25, 1e21, 1e-7, 0.1];
    const { w, out } = collect();
    for (const x of xs) {
      w.number(x);
      w.ascii(' ');
    }
    w.endLine();
    expect(out().toString()).toBe(xs.map((x) => String(x) + ' ').join(''));
  });

  it('text() writes any JS string as UTF-8', () => {
    const { w, out } = collect(16);
    w.text('{"k":"é€😀"}');
    w.endLine();
    expect(out().toString('utf8')).toBe('{"k":"é€😀"}');
  });
});
