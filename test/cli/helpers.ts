import type { CliIO } from '../../src/cli/main.js';
import { aofCommand } from '../../src/cli/aof.js';
import { Command } from 'commander';
import { PassThrough, Writable } from 'node:stream';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bytes } from '../../src/engine/bytes.js';
import { ErrorReply, type Reply } from '../../src/engine/reply.js';
import { Engine } from '../../src/engine/engine.js';
import type { Session } from '../../src/engine/session.js';
import type { RespClient } from '../../src/resp/client.js';
import { CommandRunner, type LineResult } from '../../src/cli/runner.js';
import type { OutputMode } from '../../src/cli/reply-format.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/redscope.js');

export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs a program with `input` on stdin; stdout and stderr are pipes (not terminals). */
export function run(cmd: string, args: string[], input: Buffer | string = '', timeoutMs = 20000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(typeof input === 'string' ? Buffer.from(input, 'latin1') : input);
  });
}

export function redisCli(port: number, args: string[], input: Buffer | string = ''): Promise<RunResult> {
  return run('redis-cli', ['-p', String(port), ...args], input);
}

export function redscope(args: string[], input: Buffer | string = ''): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], input);
}

/** Shows bytes readably in assertion failures. */
export function visible(b: Buffer | string): string {
  return JSON.stringify(typeof b === 'string' ? b : b.toString('latin1'));
}

/**
 * Drives the CLI's CommandRunner with a real redis-server behind it instead of the engine:
 * separates "does redscope print what redis-cli prints" from "does the engine answer what
 * Redis answers".
 */
export async function runScriptOnRealServer(
  client: RespClient,
  script: string,
  mode: OutputMode,
  protocol: 2 | 3 = 2,
): Promise<string> {
  let out = '';
  const session = {
    protocol,
    dbIndex: 0,
    onPush: null as ((r: Reply) => void) | null,
    async execute(argv: Bytes[]): Promise<Reply> {
      const r = await client.call(...argv);
      if (argv[0]!.toLowerCase() === 'hello' && argv[1] !== undefined && !(r instanceof ErrorReply)) {
        this.protocol = argv[1] === '3' ? 3 : 2;
      }
      return r;
    },
  };
  const sink = { write: (s: string) => void (out += s), flush: () => {} };
  // The engine only lends its command table (for "help"); commands go to the real server.
  const engine = new Engine({ timers: false });
  const runner = new CommandRunner(engine, session as unknown as Session, sink, { mode, version: 'redis-cli 7.0.15' });
  try {
    for (const line of script.split('\n')) {
      let r: LineResult | Promise<LineResult> = runner.line(line);
      if (r instanceof Promise) r = await r;
      if (r !== undefined) break;
    }
  } finally {
    engine.close();
  }
  return out;
}

export interface AofRan {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `redscope aof ARGS` in process with the given stdin and terminal flag. */
export async function runAof(args: string[], opts: { stdin?: string; tty?: boolean } = {}): Promise<AofRan> {
  const stdin = new PassThrough();
  stdin.end(opts.stdin ?? '');
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        f(chunk.toString('latin1'));
        cb();
      },
    });
  const io: CliIO = {
    stdin: stdin as unknown as CliIO['stdin'],
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    stdinIsTTY: opts.tty ?? false,
    stdoutIsTTY: false,
  };
  const result = { code: 0 };
  const prog = new Command('redscope');
  prog.exitOverride();
  prog.addCommand(aofCommand(io, result));
  await prog.parseAsync(['aof', ...args], { from: 'user' });
  return { code: result.code, stdout: out, stderr: err };
}
