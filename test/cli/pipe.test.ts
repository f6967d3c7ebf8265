import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine } from '../../src/engine/engine.js';
import { splitArgs } from '../../src/cli/quoting.js';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import type { RespClient } from '../../src/resp/client.js';
import { ROOT, redisCli, redscope, visible } from './helpers.js';
import { DATA, DEBUG_PROTOCOL, QUOTING, RESP3 } from './scripts.js';

/**
 * End to end: `node bin/redscope.js` (built) and `redis-cli` read the same stdin, redscope
 * against its in-process engine, redis-cli against a real redis-server; stdout must be
 * identical byte for byte. Lines whose command the engine does not implement yet are
 * left out of both inputs (command groups land one by one).
 */

const CLI_WORDS = new Set(['quit', 'exit', 'restart', 'clear', 'help', '?']);

function commandOf(argv: string[]): string[] {
  if (argv.length > 1 && /^[\t\n\v\f\r ]*[+-]?\d*$/.test(argv[0]!)) return argv.slice(1);
  return argv;
}

/** The built engine (dist/), the one bin/redscope.js runs: what it implements decides. */
const dist = (await import(pathToFileURL(path.join(ROOT, 'dist/engine/engine.js')).href)) as {
  Engine: new (o: { timers: boolean }) => Engine;
};

/** Keeps the lines the engine can answer (plus lines the CLI handles itself). */
function supportedLines(script: string): { script: string; dropped: string[] } {
  const engine = new dist.Engine({ timers: false });
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const line of script.split('\n')) {
    const argv = splitArgs(line);
    if (argv === null || argv.length === 0 || argv[0]!.startsWith(':') || CLI_WORDS.has(argv[0]!.toLowerCase())) {
      kept.push(line);
      continue;
    }
    const cmd = commandOf(argv);
    const top = engine.commands.get(cmd[0]!.toLowerCase());
    const entry = engine.commands.lookup(cmd);
    // Unknown to Redis too (an error both print), or implemented: keep.
    if (!top || (entry && entry.handler) || (top.subcommands && !entry)) kept.push(line);
    else dropped.push(line);
  }
  engine.close();
  return { script: kept.join('\n'), dropped };
}

describe('pipe mode: node bin/redscope.js vs redis-cli, same stdin', () => {
  let real: RealRedis;
  let client: RespClient;

  beforeAll(async () => {
    real = await startRealRedis();
    client = await real.client();
  });
  afterAll(async () => {
    client?.close();
    await real?.stop();
  });
  beforeEach(async () => {
    await client.call('FLUSHALL');
  });

  async function same(script: string, args: string[]): Promise<void> {
    await client.call('FLUSHALL');
    const theirs = await redisCli(real.port, args, script);
    const ours = await redscope(args, script);
    expect(visible(ours.stderr)).toBe('""');
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    expect(visible(ours.stdout)).toBe(visible(theirs.stdout));
  }

  for (const [name, full] of [
    ['quoting', QUOTING],
    ['data', DATA],
    ['resp3', RESP3],
    ['debug-protocol', DEBUG_PROTOCOL],
    ['debug-protocol-resp3', DEBUG_PROTOCOL],
  ] as const) {
    const resp3 = name.endsWith('resp3') ? ['-3'] : [];
    it(`${name} script, raw (default when stdout is a pipe)`, async () => {
      const { script } = supportedLines(full);
      expect(script.split('\n').length).toBeGreaterThan(name.startsWith('debug') ? 9 : 4);
      await same(script, [...resp3]);
    });
    it(`${name} script, --no-raw`, async () => {
      const { script } = supportedLines(full);
      await same(script, [...resp3, '--no-raw']);
    });
  }

  it('SET/GET through --no-raw, exactly as the task states it', async () => {
    const input = 'SET a 1\nGET a\n';
    const { dropped } = supportedLines(input);
    if (dropped.length) return; // the string group has not landed yet
    await same(input, ['--no-raw']);
    const ours = await redscope(['--no-raw'], input);
    expect(ours.stdout.toString('latin1')).toBe('OK\n"1"\n');
  });

  it('-d / -D delimiters in raw mode', async () => {
    const input = 'ZADD z 1 a 2 b\nZRANGE z 0 -1 WITHSCORES\nECHO x\nPING\n';
    const { dropped } = supportedLines(input);
    if (dropped.length) return;
    await same(input, ['-d', ',', '-D', ';']);
  });

  it('-n selects the database first; --raw after --no-raw wins', async () => {
    await same('ECHO db\nSELECT 0\nECHO x\n', ['-n', '5', '--no-raw', '--raw']);
  });

  it('a blocking command is awaited and the elapsed time shown as redis-cli shows it', async () => {
    const input = 'BZPOPMIN nozset 0.6\nECHO after\nZADD z 1 m\nBZPOPMIN z 0\n';
    if (supportedLines(input).dropped.length) return; // the sorted-set group has not landed yet
    const ours = await redscope(['--no-raw'], input);
    expect(ours.stdout.toString('latin1')).toMatch(/^\(nil\)\n\((0\.[6-9]|[1-9]\.\d)\ds\)\n"after"\n\(integer\) 1\n1\) "z"\n2\) "m"\n3\) "1"\n$/);
    const raw = await redscope([], input);
    expect(raw.stdout.toString('latin1')).toBe('\nafter\n1\nz\nm\n1\n');
  });

  it('a large input is answered completely and in order', async () => {
    const n = 20000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(`ECHO v${i}`);
    const ours = await redscope([], lines.join('\n') + '\n');
    const out = ours.stdout.toString('latin1').split('\n');
    expect(out.length).toBe(n + 1);
    expect(out[0]).toBe('v0');
    expect(out[n - 1]).toBe(`v${n - 1}`);
  });
});
