import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option, type OutputConfiguration } from 'commander';
import { Engine } from '../engine/engine.js';
import type { Bytes } from '../engine/bytes.js';
import { ErrorReply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { aofCommand } from './aof.js';
import { convertCommand } from './convert.js';
import { digestCommand } from './digest.js';
import { dumpCommand } from './dump.js';
import { runExec } from './exec.js';
import { describeFormatError } from './file-input.js';
import { FormatError } from '../persistence/io/errors.js';
import type { OpenedPersistence } from '../persistence/aof/open.js';
import { verifyCommand } from './verify.js';
import { runPipe } from './pipe.js';
import { memoryCommand } from './memory.js';
import { runPrompt } from './prompt.js';
import { replayCommand } from './replay.js';
import type { FormatOptions, OutputMode } from './reply-format.js';
import type { ShellStartFlags } from '../shell/startup.js';

/**
 * The redscope command line. `redscope` reads commands from stdin (pipe mode) or shows a
 * prompt on a terminal; `redscope exec CMD [ARG...]` runs one command. Output follows
 * redis-cli: typed on a terminal, raw otherwise, --raw / --no-raw to force.
 *
 * Exit status: 0 success (error replies included, as redis-cli); 1 an error reply with -e,
 * or a failure of redscope itself; 2 a usage error.
 */

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Thrown for bad option values; reported as one line with exit status 2. */
export class UsageError extends Error {}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Streams and terminal facts the CLI runs against (tests substitute them). */
export interface CliIO {
  stdin: NodeJS.ReadableStream & AsyncIterable<Buffer | string>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
}

/** Options shared by every mode, after parsing. */
export interface OutputFlags {
  raw?: boolean;
  db?: number;
  resp3?: boolean;
  delim?: string;
  cmdDelim?: string;
  /** Persistence directory: load dump.rdb or the AOF from it at start, write there. */
  dir?: string;
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec' | 'no';
  /** false with --no-color. */
  color?: boolean;
}

/** Colour in the shell unless --no-color or a non-empty NO_COLOR (no-color.org). */
export function colorWanted(flags: OutputFlags, env: NodeJS.ProcessEnv = process.env): boolean {
  return flags.color !== false && !env['NO_COLOR'];
}

export interface ExecFlags extends OutputFlags {
  errorExit?: boolean;
  repeat?: number;
  stdinArg?: boolean;
}

/** What an action does; tests replace these to check parsing alone. */
export interface CliActions {
  /** `redscope` and `redscope shell` (whose start-up options come in ShellStartFlags). */
  shell(flags: OutputFlags & ShellStartFlags, io: CliIO): Promise<number>;
  exec(args: string[], flags: ExecFlags, io: CliIO): Promise<number>;
}

function parseDb(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('not a database number.');
  return Number(v);
}

function parseRepeat(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('not a positive count.');
  return Number(v);
}

function addOutputOptions(cmd: Command): Command {
  return cmd
    .option('--raw', 'raw replies (the default when stdout is not a terminal)')
    .option('--no-raw', 'typed replies like redis-cli on a terminal, even when stdout is not one')
    .option('-n, --db <db>', 'select this database first (0-15)', parseDb)
    .addOption(new Option('-3, --resp3', 'start in RESP3 (HELLO 3)'))
    .option('-d, --delim <string>', 'raw mode: delimiter between the elements of an array reply', '\n')
    .option('-D, --cmd-delim <string>', 'raw mode: delimiter after each reply', '\n')
    .option('--dir <dir>', 'persist in this directory: load its AOF (appendonly yes) or dump.rdb at start, save there')
    .option('--appendonly <yes|no>', 'keep an append-only file in --dir (default no)', parseYesNo)
    .addOption(new Option('--appendfsync <policy>', 'when the AOF is fsynced').choices(['always', 'everysec', 'no']))
    .option('--no-color', 'no colour in the shell (also when NO_COLOR is set)');
}

function parseYesNo(v: string): boolean {
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new InvalidArgumentError('yes or no.');
}

function defaultIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
  };
}

function outputMode(flags: OutputFlags, io: CliIO): OutputMode {
  if (flags.raw === true) return 'raw';
  if (flags.raw === false) return 'tty';
  return io.stdoutIsTTY ? 'tty' : 'raw';
}

function formatOf(flags: OutputFlags): FormatOptions {
  return { mbDelim: flags.delim ?? '\n', cmdDelim: flags.cmdDelim ?? '\n' };
}

/**
 * A fresh engine and session, with -n and -3 applied; with --dir, the dataset loads from the
 * directory first (the AOF when appendonly is on, dump.rdb otherwise) as redis-server starts.
 */
async function openSession(flags: OutputFlags): Promise<{ engine: Engine; session: Session; persistence: OpenedPersistence | null }> {
  const engine = new Engine({
    config: {
      ...(flags.appendonly !== undefined ? { appendonly: flags.appendonly } : {}),
      ...(flags.appendfsync ? { appendfsync: flags.appendfsync } : {}),
    },
  });
  let persistence: OpenedPersistence | null = null;
  if (flags.dir !== undefined) {
    try {
      const { openPersistence } = await import('../persistence/aof/open.js');
      persistence = await openPersistence(engine, flags.dir);
    } catch (e) {
      engine.close();
      if (e instanceof FormatError) throw new Error(describeFormatError(flags.dir, e));
      throw e;
    }
  }
  const session = engine.createSession();
  const fail = (what: string, r: ErrorReply) => {
    persistence?.close();
    engine.close();
    throw new UsageError(`${what} failed: ${r.message}`);
  };
  if (flags.db !== undefined && flags.db !== 0) {
    const r = session.execute(['SELECT', String(flags.db)]);
    if (r instanceof ErrorReply) fail(`SELECT ${flags.db}`, r);
  }
  if (flags.resp3) {
    const r = session.execute(['HELLO', '3']);
    if (r instanceof ErrorReply) fail('HELLO 3', r);
  }
  return { engine, session, persistence };
}

async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Bytes> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return Buffer.concat(parts).toString('latin1');
}

export const defaultActions: CliActions = {
  async shell(flags, io) {
    const mode = outputMode(flags, io);
    const { engine, session, persistence } = await openSession(flags);
    const version = `redscope ${packageVersion()}`;
    try {
      // `redscope shell --rdb/--aof/--eval` (the startup helpers load no UI code).
      let name: string | undefined;
      if (flags.rdb !== undefined || flags.aof !== undefined || flags.eval !== undefined || flags.name !== undefined) {
        const startup = await import('../shell/startup.js');
        try {
          name = await startup.loadStartFile(engine, flags);
        } catch (e) {
          if (e instanceof FormatError) throw new Error(describeFormatError((flags.rdb ?? flags.aof)!, e));
          throw e;
        }
        if (flags.eval !== undefined) {
          const argv = startup.evalArgv(flags.eval, flags.evalArgs ?? []);
          return await runExec(engine, session, argv, io.stdout, io.stderr, { mode, format: formatOf(flags), version });
        }
      }
      if (io.stdinIsTTY && io.stdoutIsTTY) {
        // Ink renders only a final frame when it believes it runs in CI (CI or
        // CONTINUOUS_INTEGRATION set); a person at a terminal needs the live shell.
        for (const v of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[v] !== undefined) process.env[v] = '0';
        // Ink and React load only for the interactive shell (they cost a few hundred ms).
        const { runShell } = await import('../shell/index.js');
        return await runShell({
          engine,
          session,
          mode,
          format: formatOf(flags),
          version,
          name,
          color: colorWanted(flags),
          stdin: io.stdin as NodeJS.ReadStream,
          stdout: io.stdout as NodeJS.WriteStream,
          stderr: io.stderr as NodeJS.WriteStream,
        });
      }
      if (io.stdinIsTTY) {
        return await runPrompt(engine, session, io.stdin, io.stdout, { mode, format: formatOf(flags), version });
      }
      return await runPipe(engine, session, io.stdin, io.stdout, { mode, format: formatOf(flags), version });
    } finally {
      persistence?.close();
      engine.close();
    }
  },
  async exec(args, flags, io) {
    const mode = outputMode(flags, io);
    const lastArg = flags.stdinArg ? await readAll(io.stdin) : undefined;
    const { engine, session, persistence } = await openSession(flags);
    try {
      return await runExec(engine, session, args, io.stdout, io.stderr, {
        mode,
        format: formatOf(flags),
        version: `redscope ${packageVersion()}`,
        errorExit: flags.errorExit,
        repeat: flags.repeat,
        lastArg,
      });
    } finally {
      persistence?.close();
      engine.close();
    }
  },
};

/**
 * The commander program. `result.code` holds the exit status once parseAsync() resolves.
 * Call .exitOverride() on it (main does) to get CommanderErrors instead of process.exit().
 */
export function buildProgram(
  io: CliIO = defaultIO(),
  actions: CliActions = defaultActions,
): Command & { result: { code: number } } {
  const result = { code: EXIT_OK };
  const program = new Command('redscope') as Command & { result: { code: number } };
  program.result = result;
  program
    .description(
      'An embedded Redis 7.2-compatible engine.\n' +
        'With stdin not a terminal, runs one command per line and prints what redis-cli prints;\n' +
        'on a terminal, opens an interactive prompt.',
    )
    .version(packageVersion(), '-v, --version', 'print the version')
    .enablePositionalOptions()
    .showSuggestionAfterError(false)
    .allowExcessArguments(false);
  addOutputOptions(program);
  program.action(async (flags: OutputFlags) => {
    result.code = await actions.shell(flags, io);
  });

  const exec = new Command('exec')
    .description('run one command on a fresh in-process engine and print its reply like `redis-cli CMD ARG...`')
    .argument('<command>', 'the command name, e.g. GET')
    .argument('[args...]', 'its arguments (UTF-8 text, passed as bytes)')
    .passThroughOptions()
    .option('-e, --error-exit', 'exit 1 and print the error on stderr when the reply is an error (redis-cli -e)')
    .option('-r, --repeat <n>', 'run the command n times', parseRepeat)
    .option('-x, --stdin-arg', 'read the last argument from stdin (raw bytes)');
  addOutputOptions(exec);
  exec.action(async (command: string, args: string[], flags: ExecFlags) => {
    // Options given before `exec` apply too; the ones after it win.
    const merged: ExecFlags = { ...program.opts<OutputFlags>(), ...pickDefined(flags, exec) };
    result.code = await actions.exec([command, ...args], merged, io);
  });
  program.addCommand(exec);
  program.addCommand(shellCommand(program, io, actions, result));
  program.addCommand(verifyCommand(io, result));
  program.addCommand(dumpCommand(io, result));
  program.addCommand(convertCommand(io, result));
  program.addCommand(digestCommand(io, result));
  program.addCommand(replayCommand(io, result));
  program.addCommand(memoryCommand(io, result));
  program.addCommand(aofCommand(io, result));
  // Subcommands copy exit and output settings when created; make the ones set on the
  // program afterwards (exitOverride(), configureOutput()) reach them too.
  const descendants = (c: Command): Command[] => c.commands.flatMap((sub) => [sub, ...descendants(sub)]);
  const exitOverride = program.exitOverride.bind(program);
  program.exitOverride = ((fn?: (err: CommanderError) => never | void) => {
    exitOverride(fn as never);
    for (const c of descendants(program)) c.exitOverride(fn as never);
    return program;
  }) as typeof program.exitOverride;
  const configureOutput = program.configureOutput.bind(program);
  program.configureOutput = ((cfg?: OutputConfiguration) => {
    if (cfg === undefined) return configureOutput();
    configureOutput(cfg);
    for (const c of descendants(program)) c.configureOutput(cfg);
    return program;
  }) as typeof program.configureOutput;
  return program;
}

/**
 * `redscope shell [--rdb FILE | --aof PATH | --dir DIR] [-n DB] [--eval script.lua key … , arg …]`:
 * the interactive shell, opened on a loaded file; on a non-terminal, what plain `redscope` does.
 */
function shellCommand(program: Command, io: CliIO, actions: CliActions, result: { code: number }): Command {
  const cmd = new Command('shell')
    .description('the interactive shell (on a terminal), optionally on a loaded RDB or AOF; --eval runs a Lua script like redis-cli --eval')
    .argument('[keys-and-args...]', 'with --eval: keys, then "," then arguments')
    .addOption(new Option('--rdb <file>', 'load this RDB file first').conflicts(['aof']))
    .addOption(new Option('--aof <path>', 'load this AOF file, appendonlydir or data dir first').conflicts(['rdb']))
    .option('--eval <script>', 'run this Lua script (EVAL) with the keys and arguments given, print its reply and exit');
  addOutputOptions(cmd);
  cmd.action(async (words: string[], flags: OutputFlags & ShellStartFlags) => {
    if (words.length && flags.eval === undefined) throw new UsageError(`unexpected argument '${words[0]}' (keys and arguments go with --eval)`);
    if (flags.dir !== undefined && (flags.rdb !== undefined || flags.aof !== undefined)) {
      throw new UsageError('--dir cannot be combined with --rdb or --aof');
    }
    const merged: OutputFlags & ShellStartFlags = {
      ...program.opts<OutputFlags>(),
      ...pickDefined(flags, cmd),
      evalArgs: words,
    };
    if (flags.dir !== undefined && flags.rdb === undefined && flags.aof === undefined) {
      merged.name = path.basename(path.resolve(flags.dir));
    }
    result.code = await actions.shell(merged, io);
  });
  return cmd;
}

/** The options the user set on a subcommand (not its defaults), so the parent's can show through. */
function pickDefined(flags: ExecFlags, cmd: Command): ExecFlags {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(flags)) {
    if (v !== undefined && cmd.getOptionValueSource(k) !== 'default') out[k] = v;
  }
  return out as ExecFlags;
}

/** The first line of an error's message: no stack traces, no multi-line dumps. */
function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const nl = msg.indexOf('\n');
  return nl < 0 ? msg : msg.slice(0, nl);
}

/** Entry point of bin/redscope.js: parses argv, runs, sets process.exitCode. */
export async function main(argv: string[] = process.argv, io: CliIO = defaultIO()): Promise<number> {
  const program = buildProgram(io);
  program.exitOverride();
  program.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  let code: number;
  try {
    await program.parseAsync(argv);
    code = program.result.code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version end with code 0; everything else commander rejects is usage.
      code = e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    } else if (e instanceof UsageError) {
      io.stderr.write(`redscope: ${e.message}\n`);
      code = EXIT_USAGE;
    } else {
      io.stderr.write(`redscope: ${oneLine(e)}\n`);
      code = EXIT_FAILURE;
    }
  }
  process.exitCode = code;
  return code;
}
