import { describe, expect, it } from 'vitest';
import {
  BigNumberReply, BoolReply, DoubleReply, ErrorReply, MapReply, NULL_ARRAY, PushReply, SetReply, StatusReply, VerbatimReply,
  type Reply,
} from '../../src/engine/reply.js';
import { RespDecoder, RespProtocolError } from '../../src/resp/decoder.js';
import { encodeReply } from '../../src/resp/encoder.js';

const SAMPLES: Reply[] = [
  new StatusReply('OK'),
  new ErrorReply('ERR something'),
  42,
  -9223372036854775808n,
  'bulk\r\nwith crlf \x00\xff',
  '',
  null,
  NULL_ARRAY,
  [1, 'a', [null, ['nested', []]]],
  new DoubleReply(1.5),
  new DoubleReply(-Infinity),
  new MapReply([['k', 1], ['m', ['x']]]),
  new SetReply(['a', 'b']),
  new BoolReply(true),
  new VerbatimReply('txt', 'some text'),
  new BigNumberReply('3492890328409238509324850943850943825024385'),
  new PushReply(['message', 'ch', 'hello']),
];

describe('RESP decoder', () => {
  it('round-trips every reply type through the RESP3 encoder', () => {
    const bytes = Buffer.from(SAMPLES.map((r) => encodeReply(r, 3)).join(''), 'latin1');
    const out = new RespDecoder().push(bytes);
    expect(out.map((r) => encodeReply(r, 3))).toEqual(SAMPLES.map((r) => encodeReply(r, 3)));
  });

  it('gives the same values whatever the chunk boundaries', () => {
    const bytes = Buffer.from(SAMPLES.map((r) => encodeReply(r, 3)).join(''), 'latin1');
    const whole = new RespDecoder().push(bytes).map((r) => encodeReply(r, 3));
    for (let split = 1; split < bytes.length; split++) {
      const d = new RespDecoder();
      const got = [...d.push(bytes.subarray(0, split)), ...d.push(bytes.subarray(split))].map((r) => encodeReply(r, 3));
      expect(got, `split at ${split}`).toEqual(whole);
      expect(d.pending).toBe(0);
    }
  });

  it('byte by byte', () => {
    const bytes = Buffer.from(encodeReply([1, [2, 'three'], new MapReply([['a', null]])], 3), 'latin1');
    const d = new RespDecoder();
    const got: Reply[] = [];
    for (const b of bytes) got.push(...d.push(Buffer.from([b])));
    expect(got.map((r) => encodeReply(r, 3))).toEqual([encodeReply([1, [2, 'three'], new MapReply([['a', null]])], 3)]);
  });

  it('reports a bad type byte with its offset', () => {
    const d = new RespDecoder();
    expect(() => d.push(Buffer.from('+OK\r\n?bad\r\n'))).toThrow(RespProtocolError);
    expect(() => new RespDecoder().push(Buffer.from('+OK\r\n?bad\r\n'))).toThrow(/offset 5/);
  });
});
