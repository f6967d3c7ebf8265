import { bytesFromUtf8, type Bytes } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import { StreamSink } from './output.js';
import { waitForever } from './pipe.js';
import { CommandRunner, PUBSUB } from './runner.js';
import type { FormatOptions, OutputMode } from './reply-format.js';

/**
 * `redscope exec CMD [ARG...]`: one command on a fresh engine, printed as `redis-cli CMD
 * ARG...` prints it. Arguments are UTF-8 text → bytes. Exit status as redis-cli's: 0 even
 * for an error reply, unless -e (then the error goes to stderr and the status is 1).
 */
export interface ExecOptions {
  mode: OutputMode;
  format?: FormatOptions;
  version?: string;
  /** -e: an error reply exits 1, printed on stderr. */
  errorExit?: boolean;
  /** -r: run the command this many times. */
  repeat?: number;
  /** -x: the last argument, read from stdin (raw bytes). */
  lastArg?: Bytes;
}

export async function runExec(
  engine: Engine,
  session: Session,
  args: string[],
  output: NodeJS.WritableStream,
  errors: NodeJS.WritableStream,
  options: ExecOptions,
): Promise<number> {
  const argv: Bytes[] = args.map(bytesFromUtf8);
  if (options.lastArg !== undefined) argv.push(options.lastArg);
  const out = new StreamSink(output);
  const runner = new CommandRunner(engine, session, out, options);
  let result;
  try {
    result = runner.command(argv, options.repeat ?? 1);
    if (result instanceof Promise) result = await result;
  } finally {
    await out.end();
  }
  if (runner.failed !== null) {
    // cliReadReply with -e: fprintf(stderr, "%s\n", reply->str); exit(1).
    const nul = runner.failed.indexOf('\0');
    errors.write(Buffer.from((nul < 0 ? runner.failed : runner.failed.slice(0, nul)) + '\n', 'latin1'));
    return 1;
  }
  if (result === PUBSUB) await waitForever();
  return 0;
}
