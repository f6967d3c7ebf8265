import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { buildProgram, colorWanted, main, type CliActions, type CliIO, type ExecFlags, type OutputFlags } from '../../src/cli/main.js';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import { redisCli, redscope, visible } from './helpers.js';

function fakeIO(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on('data', (c: Buffer) => o.push(c));
  stderr.on('data', (c: Buffer) => e.push(c));
  const stdin = new PassThrough();
  stdin.end();
  return {
    stdin,
    stdout,
    stderr,
    stdinIsTTY: false,
    stdoutIsTTY: false,
    out: () => Buffer.concat(o).toString('latin1'),
    err: () => Buffer.concat(e).toString('latin1'),
  };
}

/** Parses argv with recording actions: what would run, with which flags. */
async function parse(args: string[]): Promise<{ kind: string; args?: string[]; flags: OutputFlags | ExecFlags }> {
  let seen: { kind: string; args?: string[]; flags: OutputFlags | ExecFlags } | null = null;
  const actions: CliActions = {
    shell: async (flags) => ((seen = { kind: 'shell', flags }), 0),
    exec: async (a, flags) => ((seen = { kind: 'exec', args: a, flags }), 0),
  };
  const program = buildProgram(fakeIO(), actions).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'redscope', ...args]);
  if (!seen) throw new Error('no action ran');
  return seen;
}

async function parseError(args: string[]): Promise<CommanderError> {
  try {
    await parse(args);
  } catch (e) {
    if (e instanceof CommanderError) return e;
    throw e;
  }
  throw new Error('parsed without error');
}

describe('commander parsing (buildProgram().exitOverride())', () => {
  it('no arguments: the shell (pipe or prompt), output mode from the terminal', async () => {
    const r = await parse([]);
    expect(r.kind).toBe('shell');
    expect(r.flags.raw).toBeUndefined();
  });

  it('--raw / --no-raw: the last one wins, as in redis-cli', async () => {
    expect((await parse(['--raw'])).flags.raw).toBe(true);
    expect((await parse(['--no-raw'])).flags.raw).toBe(false);
    expect((await parse(['--no-raw', '--raw'])).flags.raw).toBe(true);
    expect((await parse(['--raw', '--no-raw'])).flags.raw).toBe(false);
  });

  it('--no-color (before or after "shell") and NO_COLOR turn colour off', async () => {
    expect(colorWanted((await parse([])).flags, {})).toBe(true);
    expect(colorWanted((await parse(['--no-color'])).flags, {})).toBe(false);
    expect(colorWanted((await parse(['--no-color', 'shell'])).flags, {})).toBe(false);
    expect(colorWanted((await parse(['shell', '--no-color'])).flags, {})).toBe(false);
    expect(colorWanted((await parse([])).flags, { NO_COLOR: '1' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not count.
    expect(colorWanted((await parse([])).flags, { NO_COLOR: '' })).toBe(true);
  });

  it('-n takes a database number, -3 asks for RESP3, -d / -D delimiters', async () => {
    const r = await parse(['-n', '4', '-3', '-d', ',', '-D', ';']);
    expect(r.flags).toMatchObject({ db: 4, resp3: true, delim: ',', cmdDelim: ';' });
    const e = await parseError(['-n', 'four']);
    expect(e.code).toBe('commander.invalidArgument');
  });

  it('exec: command and arguments pass through untouched, options only before the command', async () => {
    const r = await parse(['exec', 'SET', 'k', '-1', '--raw', '-n']);
    expect(r.kind).toBe('exec');
    expect(r.args).toEqual(['SET', 'k', '-1', '--raw', '-n']);
    expect(r.flags.raw).toBeUndefined();
    const r2 = await parse(['exec', '--no-raw', '-e', '-r', '3', 'PING']);
    expect(r2.args).toEqual(['PING']);
    expect(r2.flags).toMatchObject({ raw: false, errorExit: true, repeat: 3 });
    const r3 = await parse(['exec', '--', '--weird', 'x']);
    expect(r3.args).toEqual(['--weird', 'x']);
  });

  it('exec: options given before "exec" apply, the ones after it win', async () => {
    const r = await parse(['--no-raw', '-n', '2', 'exec', '--raw', 'GET', 'k']);
    expect(r.flags).toMatchObject({ raw: true, db: 2 });
    const r2 = await parse(['--no-raw', 'exec', 'GET', 'k']);
    expect(r2.flags.raw).toBe(false);
  });

  it('usage errors are CommanderErrors: unknown option, missing command, stray argument', async () => {
    expect((await parseError(['--bogus'])).code).toBe('commander.unknownOption');
    expect((await parseError(['exec'])).code).toBe('commander.missingArgument');
    expect((await parseError(['GET'])).code).toBe('commander.excessArguments');
    expect((await parseError(['exec', '-r', '0', 'PING'])).code).toBe('commander.invalidArgument');
    // Nested subcommands (aof verify) get the override too.
    expect((await parseError(['aof', 'verify'])).code).toBe('commander.missingArgument');
  });

  it('main(): usage errors exit 2 with one line on stderr; help and version exit 0', async () => {
    for (const args of [['--bogus'], ['exec'], ['-n', 'x'], ['stray']]) {
      const io = fakeIO();
      expect(await main(['node', 'redscope', ...args], io)).toBe(2);
      expect(io.err().trimEnd().split('\n')).toHaveLength(1);
      expect(io.err()).not.toMatch(/\bat .*\.js:\d+/);
    }
    const io = fakeIO();
    expect(await main(['node', 'redscope', '--version'], io)).toBe(0);
    expect(io.out()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const io2 = fakeIO();
    expect(await main(['node', 'redscope', 'exec', '--help'], io2)).toBe(0);
    expect(io2.out()).toContain('Usage: redscope exec');
    process.exitCode = 0;
  });

  it('main(): exec runs in process and returns redis-cli exit statuses', async () => {
    const io = fakeIO();
    expect(await main(['node', 'redscope', 'exec', 'ECHO', 'h\u00e9'], io)).toBe(0);
    expect(io.out()).toBe('h\xc3\xa9\n');
    const io2 = fakeIO();
    expect(await main(['node', 'redscope', 'exec', '-e', 'NOSUCH'], io2)).toBe(1);
    expect(io2.out()).toBe('');
    expect(io2.err()).toBe("ERR unknown command 'NOSUCH', with args beginning with: \n");
    const io3 = fakeIO();
    expect(await main(['node', 'redscope', '-n', '99'], io3)).toBe(2);
    expect(io3.err()).toBe('redscope: SELECT 99 failed: ERR DB index is out of range\n');
    process.exitCode = 0;
  });
});

describe('the built binary vs redis-cli (spawned, stdout a pipe)', () => {
  let real: RealRedis;
  beforeAll(async () => {
    real = await startRealRedis();
  });
  afterAll(async () => {
    await real?.stop();
  });

  it("printf 'SET a 1\\nGET a\\n' | redscope --no-raw  ==  | redis-cli --no-raw", async () => {
    const input = 'SET a 1\nGET a\n';
    const theirs = await redisCli(real.port, ['--no-raw'], input);
    const ours = await redscope(['--no-raw'], input);
    expect(theirs.stdout.toString()).toBe('OK\n"1"\n');
    expect(visible(ours.stdout)).toBe(visible(theirs.stdout));
    expect(ours.code).toBe(0);
  });

  it('exec prints like `redis-cli CMD ARG...`: raw, --no-raw, error replies, -e', async () => {
    const cases: string[][] = [
      ['ECHO', 'h\u00e9 "x"'],
      ['--no-raw', 'ECHO', 'h\u00e9 "x"\\'],
      ['PING'],
      ['--no-raw', 'PING', 'a b'],
      ['NOSUCH', 'a'],
      ['--no-raw', 'NOSUCH', 'a'],
      ['--no-raw', 'SELECT', '1'],
      ['-r', '2', 'ECHO', 'twice'],
    ];
    for (const c of cases) {
      const theirs = await redisCli(real.port, c);
      const ours = await redscope(['exec', ...c]);
      expect({ c, out: visible(ours.stdout), code: ours.code }).toEqual({ c, out: visible(theirs.stdout), code: theirs.code });
    }
    const theirs = await redisCli(real.port, ['-e', 'NOSUCH']);
    const ours = await redscope(['exec', '-e', 'NOSUCH']);
    expect(ours.code).toBe(1);
    expect(theirs.code).toBe(1);
    expect(visible(ours.stderr)).toBe(visible(theirs.stderr));
    expect(ours.stdout.length).toBe(0);
  });

  it('exec -x: stdin, unchanged bytes, is the last argument', async () => {
    const input = Buffer.from('abc\x00\xff\n', 'latin1');
    const theirs = await redisCli(real.port, ['-x', 'ECHO'], input);
    const ours = await redscope(['exec', '-x', 'ECHO'], input);
    expect(visible(ours.stdout)).toBe(visible(theirs.stdout));
    expect(ours.stdout.toString('latin1')).toBe('abc\x00\xff\n\n');
  });

  it('usage error: exit 2, one line on stderr, no stack trace', async () => {
    const r = await redscope(['--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.toString()).toBe("error: unknown option '--no-such-option'\n");
  });
});
