import { ADDED_IN_74, CHANGED_IN_72 } from '../helpers/differences.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { startRealRedis, type RealRedis } from '../../src/testing/real-redis.js';
import type { RespClient } from '../../src/resp/client.js';
import {
  BigNumberReply,
  BoolReply,
  DoubleReply,
  ErrorReply,
  MapReply,
  NULL_ARRAY,
  SetReply,
  StatusReply,
  VerbatimReply,
} from '../../src/engine/reply.js';
import { formatRaw, formatReply, formatTTY } from '../../src/cli/reply-format.js';
import { redisCli, runScriptOnRealServer, visible } from './helpers.js';
import { DATA, DEBUG_PROTOCOL, QUOTING, RESP3 } from './scripts.js';

/**
 * The CLI's line handling and reply printing against redis-cli 7.0.15, with a real
 * redis-server answering both: the same stdin must produce the same stdout bytes.
 */
describe('CommandRunner vs redis-cli (real server behind both)', () => {
  let real: RealRedis;
  let client: RespClient;

  beforeAll(async () => {
    real = await startRealRedis();
  });
  afterAll(async () => {
    client?.close();
    await real?.stop();
  });
  beforeEach(async () => {
    client?.close();
    client = await real.client();
    await client.call('FLUSHALL');
  });

  async function compare(script: string, cliArgs: string[], mode: 'raw' | 'tty', proto: 2 | 3 = 2): Promise<void> {
    await client.call('FLUSHALL');
    if (proto === 3) await client.call('HELLO', '3');
    const ours = await runScriptOnRealServer(client, script, mode, proto);
    await client.call('FLUSHALL');
    const theirs = await redisCli(real.port, cliArgs, script);
    expect(theirs.code).toBe(0);
    expect(visible(ours)).toBe(visible(theirs.stdout));
  }

  for (const [name, script] of [['quoting', QUOTING], ['data', DATA]] as const) {
    it(`${name}: raw (stdout not a terminal)`, async () => {
      await compare(script, [], 'raw');
    });
    it(`${name}: --no-raw`, async () => {
      await compare(script, ['--no-raw'], 'tty');
    });
  }

  it('RESP3 shapes: raw and --no-raw', async () => {
    await compare(RESP3, ['-3'], 'raw', 3);
    client.close();
    client = await real.client();
    await client.call('FLUSHALL');
    await compare(RESP3, ['-3', '--no-raw'], 'tty', 3);
  });

  it('every reply type (DEBUG PROTOCOL), RESP2 and RESP3, raw and --no-raw', async () => {
    await compare(DEBUG_PROTOCOL, [], 'raw');
    await compare(DEBUG_PROTOCOL, ['--no-raw'], 'tty');
    for (const mode of ['raw', 'tty'] as const) {
      client.close();
      client = await real.client();
      await compare(DEBUG_PROTOCOL, mode === 'raw' ? ['-3'] : ['-3', '--no-raw'], mode, 3);
    }
  });

  it('quit and exit stop reading input', async () => {
    for (const word of ['quit', 'EXIT']) {
      const script = `PING\n${word}\nECHO after\n`;
      await compare(script, ['--no-raw'], 'tty');
    }
  });

  it('help: every command, container, subcommand and group, as redis-cli 7.0.15 prints it', async () => {
    const table = new Engine({ timers: false });
    // Entries Redis 7.2 changed (ZRANK WITHSCORE, CLIENT NO-TOUCH/SETINFO) or 7.4 added (hash
    // field TTLs) and the groups that list them cannot match 7.0.15's redis-cli; the
    // differences table says why.
    const lines = ['help', '?', 'HELP nosuch', 'help get extra', 'help @nosuch', 'help Object Encoding'];
    for (const e of table.commands.entries.values()) {
      if (CHANGED_IN_72.has(e.spec.name) || ADDED_IN_74.has(e.spec.name)) continue;
      lines.push(`help ${e.spec.name}`);
      for (const sub of e.spec.subcommands ?? []) lines.push(`help ${sub.name.replace('|', ' ')}`);
    }
    for (const g of ['generic', 'string', 'list', 'set', 'pubsub', 'transactions',
      'server', 'scripting', 'hyperloglog', 'cluster', 'geo', 'stream', 'bitmap']) lines.push(`help @${g}`);
    table.close();
    expect(lines.length).toBeGreaterThan(300);
    await compare(lines.join('\n') + '\n', [], 'raw');
  });

  it('big arrays: index width and nested indentation', async () => {
    const members = Array.from({ length: 12 }, (_, i) => `m${i}`).join(' ');
    const script = `RPUSH big ${members}\nLRANGE big 0 -1\nMULTI\nLRANGE big 0 -1\nPING\nLRANGE big 0 1\nEXEC\n`;
    await compare(script, ['--no-raw'], 'tty');
    await compare(script, [], 'raw');
  });
});

describe('reply formatting units (shapes redis-cli prints, from redis-cli.c)', () => {
  it('scalars, typed', () => {
    expect(formatTTY('a"b\\', 2)).toBe('"a\\"b\\\\"\n');
    expect(formatTTY(5, 2)).toBe('(integer) 5\n');
    expect(formatTTY(-(2n ** 63n), 2)).toBe('(integer) -9223372036854775808\n');
    expect(formatTTY(null, 2)).toBe('(nil)\n');
    expect(formatTTY(NULL_ARRAY, 2)).toBe('(nil)\n');
    expect(formatTTY(new StatusReply('OK'), 2)).toBe('OK\n');
    expect(formatTTY(new ErrorReply('ERR x'), 2)).toBe('(error) ERR x\n');
    expect(formatTTY([], 2)).toBe('(empty array)\n');
  });

  it('RESP3 types, typed and raw', () => {
    expect(formatTTY(new DoubleReply(1.5), 3)).toBe('(double) 1.5\n');
    expect(formatTTY(new DoubleReply(1.5), 2)).toBe('"1.5"\n');
    expect(formatTTY(new BoolReply(true), 3)).toBe('(true)\n');
    expect(formatTTY(new BoolReply(false), 2)).toBe('(integer) 0\n');
    expect(formatRaw(new BoolReply(false), 3)).toBe('(false)');
    expect(formatTTY(new MapReply([]), 3)).toBe('(empty hash)\n');
    expect(formatTTY(new SetReply([]), 3)).toBe('(empty set)\n');
    expect(formatTTY(new MapReply([['k', 'v']]), 3)).toBe('1# "k" => "v"\n');
    expect(formatTTY(new MapReply([['k', 'v']]), 2)).toBe('1) "k"\n2) "v"\n');
    expect(formatRaw(new MapReply([['k', 'v'], ['a', 1]]), 3)).toBe('k v\na 1');
    expect(formatTTY(new SetReply(['x', 'y']), 3)).toBe('1~ "x"\n2~ "y"\n');
    expect(formatTTY(new VerbatimReply('txt', 'line1\nline2'), 3)).toBe('line1\nline2\n');
    expect(formatTTY(new BigNumberReply('123456789012345678901234567890'), 3)).toBe(
      '(big number) 123456789012345678901234567890\n',
    );
  });

  it('a multi-line map value starts on its own line (cliIsMultilineValueTTY)', () => {
    const r = new MapReply([
      ['a', [1, 2]],
      ['b', 3],
      ['c', new MapReply([['x', 1]])],
    ]);
    expect(formatTTY(r, 3)).toBe(
      '1# "a" => \n   1) (integer) 1\n   2) (integer) 2\n2# "b" => (integer) 3\n3# "c" => 1# "x" => (integer) 1\n',
    );
  });

  it('raw mode delimiters (-d, -D) and verbatim commands', () => {
    const opts = { mbDelim: ',', cmdDelim: ';' };
    expect(formatReply(['a', ['b', 'c']], 2, 'raw', false, opts)).toBe('a,b,c;');
    expect(formatReply('info\r\n', 2, 'tty', true, opts)).toBe('info\r\n');
    expect(formatReply(new ErrorReply('ERR e'), 2, 'raw')).toBe('ERR e\n\n');
  });
});
