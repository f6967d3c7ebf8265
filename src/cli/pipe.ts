import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import { StreamSink } from './output.js';
import { CommandRunner, PUBSUB, type LineResult } from './runner.js';
import type { FormatOptions, OutputMode } from './reply-format.js';

/**
 * Pipe mode: `redscope < script` reads commands line by line (redis-cli's repl with stdin
 * not a terminal) and prints what redis-cli prints. Lines are bytes: nothing is decoded.
 * Exit status is 0 whatever the replies were, as redis-cli's.
 */
export interface PipeOptions {
  mode: OutputMode;
  format?: FormatOptions;
  version?: string;
}

export async function runPipe(
  engine: Engine,
  session: Session,
  input: AsyncIterable<Buffer | string>,
  output: NodeJS.WritableStream,
  options: PipeOptions,
): Promise<number> {
  const sink = new StreamSink(output);
  const runner = new CommandRunner(engine, session, sink, options);
  let rest = '';
  let stop: LineResult = undefined;
  try {
    outer: for await (const chunk of input) {
      const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
      let data = rest.length ? rest + text : text;
      let pos = 0;
      for (;;) {
        const nl = data.indexOf('\n', pos);
        if (nl < 0) break;
        let r = runner.line(data.slice(pos, nl));
        pos = nl + 1;
        if (r instanceof Promise) r = await r;
        if (r !== undefined) {
          stop = r;
          break outer;
        }
      }
      rest = pos === 0 ? data : data.slice(pos);
      data = '';
      // Show progress per chunk when the input trickles in (an interactive pipe).
      await sink.flush();
    }
    if (stop === undefined && rest.length > 0) {
      // The last line has no newline: redis-cli still runs it.
      let r = runner.line(rest);
      if (r instanceof Promise) r = await r;
      stop = r;
    }
  } finally {
    // What was printed before a failure still reaches stdout.
    await sink.end();
  }
  if (stop === PUBSUB) await waitForever();
  return 0;
}

/** redis-cli in pub/sub mode prints messages until it is interrupted. */
export function waitForever(): Promise<never> {
  return new Promise<never>(() => {
    setInterval(() => {}, 1 << 30);
  });
}
