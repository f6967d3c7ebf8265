import readline from 'node:readline';
import { bytesFromUtf8 } from '../engine/bytes.js';
import type { Engine } from '../engine/engine.js';
import type { Session } from '../engine/session.js';
import { completions } from './help.js';
import { StreamSink } from './output.js';
import type { FormatOptions, OutputMode } from './reply-format.js';
import { CommandRunner, PUBSUB, QUIT } from './runner.js';

/**
 * The plain line prompt used on a terminal until the Ink shell replaces it: `redscope> `
 * (`redscope[3]> ` in db 3, `redscope(TX)> ` inside MULTI), typed replies as redis-cli
 * shows them, in-memory history, Ctrl-D / Ctrl-C / quit / exit to leave.
 */
export interface PromptOptions {
  mode: OutputMode;
  format?: FormatOptions;
  version?: string;
}

export function runPrompt(
  engine: Engine,
  session: Session,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  options: PromptOptions,
): Promise<number> {
  const sink = new StreamSink(output, 0);
  const runner = new CommandRunner(engine, session, sink, options);
  const rl = readline.createInterface({
    input,
    output,
    terminal: true,
    historySize: 1000,
    removeHistoryDuplicates: false,
    // Tab completes command names (and help topics after "help "), as redis-cli does.
    completer: (line: string): [string[], string] => [completions(engine.commands, line), line],
  });
  return new Promise<number>((resolve) => {
    let closed = false;
    let quitting = false;
    rl.on('close', () => {
      if (closed) return;
      closed = true;
      // Ctrl-D / Ctrl-C leave the cursor after the prompt: end the line, as linenoise does.
      if (!quitting) sink.write('\n');
      void Promise.resolve(sink.flush()).then(() => resolve(0));
    });
    rl.on('SIGINT', () => rl.close());
    const ask = () => {
      if (closed) return;
      rl.setPrompt(runner.prompt());
      rl.prompt();
    };
    rl.on('line', (line: string) => {
      // Typed text is UTF-8; the engine sees its bytes.
      let r = runner.line(bytesFromUtf8(line));
      const finish = (res: typeof r extends Promise<infer T> ? T : typeof r) => {
        void sink.flush();
        if (res === QUIT) {
          quitting = true;
          rl.close();
          return;
        }
        if (res === PUBSUB) {
          // redis-cli stays in pub/sub mode until interrupted; keep printing pushes.
          rl.pause();
          return;
        }
        ask();
      };
      if (r instanceof Promise) {
        rl.pause();
        void r.then((res) => {
          rl.resume();
          finish(res);
        });
      } else {
        finish(r);
      }
    });
    ask();
  });
}
