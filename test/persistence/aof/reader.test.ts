import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CorruptError, TruncatedError } from '../../../src/persistence/io/errors.js';
import { checkAof } from '../../../src/persistence/aof/check.js';
import { AofReader, readAofFile, type AofAnnotation, type AofCommand } from '../../../src/persistence/aof/reader.js';
import { rng, SINGLE, SINGLE_PREAMBLE } from './oracle.js';


function parse(chunks: Buffer[], baseOffset = 0) {
  const cmds: AofCommand[] = [];
  const notes: AofAnnotation[] = [];
  const r = new AofReader({ onCommand: (c) => cmds.push(c), onAnnotation: (a) => notes.push(a) }, { baseOffset });
  for (const c of chunks) r.feed(c);
  r.end();
  return { cmds, notes, reader: r };
}

function splitRandom(buf: Buffer, seed: number, max: number): Buffer[] {
  const r = rng(seed);
  const out: Buffer[] = [];
  let p = 0;
  while (p < buf.length) {
    const n = 1 + Math.floor(r() * max);
    out.push(buf.subarray(p, p + n));
    p += n;
  }
  return out;
}

describe('AofReader', () => {
  const data = fs.readFileSync(SINGLE);

  it('reads the fixture: commands with offsets, #TS annotations, MULTI blocks', () => {
    const { cmds, notes } = parse([data]);
    expect(cmds.length).toBe(checkAof(SINGLE).files[0]!.commands);
    expect(notes.length).toBeGreaterThan(2);
    expect(notes.every((n) => n.timestamp !== null && n.timestamp > 1.7e9)).toBe(true);
    for (const c of cmds) {
      expect(data[c.offset]).toBe(0x2a);
      expect(c.end).toBeGreaterThan(c.offset);
    }
    // offsets tile the file together with the annotations
    const spans = [...cmds.map((c) => [c.offset, c.end]), ...notes.map((n) => [n.offset, n.end])].sort((a, b) => a[0]! - b[0]!);
    let p = 0;
    for (const [a, b] of spans) {
      expect(a).toBe(p);
      p = b!;
    }
    expect(p).toBe(data.length);
    const multi = cmds.findIndex((c) => c.argv[0]!.toUpperCase() === 'MULTI');
    expect(multi).toBeGreaterThan(-1);
    expect(cmds[multi + 1]!.inMulti).toBe(true);
    const exec = cmds.findIndex((c, i) => i > multi && c.argv[0]!.toUpperCase() === 'EXEC');
    expect(cmds[exec]!.inMulti).toBe(true);
    expect(cmds[exec + 1]!.inMulti).toBe(false);
    const bin = cmds.find((c) => c.argv[1] === 'binary:0')!;
    expect(bin.argv[2]).toBe('\r\n\x00\xff#TS:1\r\n');
  });

  it('any chunking gives the same commands', () => {
    const whole = parse([data]).cmds;
    for (const [seed, max] of [[1, 1], [2, 3], [3, 17], [4, 1000], [5, 30000]] as const) {
      expect(parse(splitRandom(data, seed, max)).cmds).toEqual(whole);
    }
    for (let cut = 0; cut < 600; cut++) {
      expect(parse([data.subarray(0, cut), data.subarray(cut)]).cmds.length).toBe(whole.length);
    }
  });

  it('the AOF tail of an RDB-preamble file, with absolute offsets', async () => {
    const start = checkAof(SINGLE_PREAMBLE).files[0]!.preamble!.endOffset!;
    const cmds: AofCommand[] = [];
    const r = await readAofFile(SINGLE_PREAMBLE, { onCommand: (c) => cmds.push(c) }, { start, chunkSize: 100 });
    expect(cmds[0]!.offset).toBeGreaterThanOrEqual(start);
    expect(r.validUpTo).toBe(fs.statSync(SINGLE_PREAMBLE).size);
  });

  it('truncated anywhere: TruncatedError at the offset redis-check-aof keeps', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aof-reader-'));
    try {
      for (let i = 1; i < 500; i++) {
        const cut = data.length - i;
        const part = data.subarray(0, cut);
        const f = path.join(tmp, 't.aof');
        fs.writeFileSync(f, part);
        const okUpTo = checkAof(f).files[0]!.ok_up_to!;
        let err: unknown = null;
        try {
          parse(splitRandom(part, i, 50));
        } catch (e) {
          err = e;
        }
        if (okUpTo === cut) {
          expect(err, `cut ${cut}`).toBeNull();
        } else {
          expect(err, `cut ${cut}`).toBeInstanceOf(TruncatedError);
          expect((err as TruncatedError).offset, `cut ${cut}`).toBe(okUpTo);
        }
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('MULTI without EXEC at the end is truncation at the MULTI', () => {
    const tail = Buffer.from('*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n');
    try {
      parse([data, tail]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TruncatedError);
      expect((e as TruncatedError).offset).toBe(data.length);
      expect((e as TruncatedError).message).toMatch(/MULTI without EXEC/);
    }
  });

  it('malformed input is CorruptError with the offset of the bad line', () => {
    const cases: Array<[Buffer, number, RegExp]> = [
      [Buffer.from('*1\r\n$4\r\nPING\r\ngarbage\r\n'), 14, /expected '\*'/],
      [Buffer.from('*1\r\n+OK\r\n'), 4, /expected '\$'/],
      [Buffer.from('*x\r\n'), 0, /invalid multibulk length/],
      [Buffer.from('*0\r\n'), 0, /invalid multibulk length 0/],
      [Buffer.from('*1\r\n$-1\r\n'), 4, /invalid bulk length/],
      [Buffer.from('*1\r\n$4\r\nPINGxx'), 12, /not followed by/],
      [Buffer.from('*1\r\n$4\r\nEXEC\r\n'), 0, /EXEC without MULTI/],
      [Buffer.from('*1\r\n$5\r\nMULTI\r\n*1\r\n$5\r\nmulti\r\n'), 15, /MULTI inside MULTI/],
    ];
    for (const [buf, off, re] of cases) {
      try {
        parse([buf]);
        expect.unreachable(buf.toString('latin1'));
      } catch (e) {
        expect(e, buf.toString('latin1')).toBeInstanceOf(CorruptError);
        expect((e as CorruptError).offset, buf.toString('latin1')).toBe(off);
        expect((e as CorruptError).message).toMatch(re);
      }
    }
  });

  it('a large bulk fed in many small chunks is gathered once', () => {
    const big = 'v'.repeat(5 << 20);
    const buf = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`, 'latin1');
    const { cmds } = parse(splitRandom(buf, 9, 4096));
    expect(cmds[0]!.argv[1]!.length).toBe(big.length);
  });
});
