import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import type { Bytes } from '../../src/engine/bytes.js';
import { runPipe } from '../../src/cli/pipe.js';
import { runExec } from '../../src/cli/exec.js';
import { InternalError } from '../../src/cli/runner.js';

/** A session whose ECHO throws, as a handler bug would. */
function brokenSession(engine: Engine) {
  const s = engine.createSession();
  const execute = s.execute.bind(s);
  s.execute = (argv: Bytes[]) => {
    if (argv[0]!.toLowerCase() === 'echo') throw new TypeError('boom');
    return execute(argv);
  };
  return s;
}

function collect(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const parts: Buffer[] = [];
  stream.on('data', (c: Buffer) => parts.push(c));
  return { stream, text: () => Buffer.concat(parts).toString('latin1') };
}

describe('an engine exception is reported, not swallowed', () => {
  it('pipe mode: output so far is written, then an InternalError naming the command', async () => {
    const engine = new Engine({ timers: false });
    const out = collect();
    const run = runPipe(engine, brokenSession(engine), Readable.from([Buffer.from('PING\nECHO x\nPING\n')]), out.stream, {
      mode: 'raw',
    });
    await expect(run).rejects.toThrow(InternalError);
    await expect(run).rejects.toThrow('internal error running "ECHO": boom');
    expect(out.text()).toBe('PONG\n');
    engine.close();
  });

  it('exec: the same error', async () => {
    const engine = new Engine({ timers: false });
    const out = collect();
    const err = collect();
    await expect(runExec(engine, brokenSession(engine), ['ECHO', 'x'], out.stream, err.stream, { mode: 'raw' })).rejects.toThrow(
      InternalError,
    );
    engine.close();
  });
});
