import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { startRealRedis } from '../../src/testing/real-redis.js';
import { historyPath } from '../../src/shell/history.js';
import { KEY, startShell, tick, type TestShell } from './helpers.js';

let t: TestShell | null = null;
afterEach(() => {
  t?.unmount();
  t = null;
});

async function shell(...args: Parameters<typeof startShell>): Promise<TestShell> {
  t = await startShell(...args);
  return t;
}

describe('shell: typing and replies', () => {
  it('runs commands and prints replies as redis-cli', async () => {
    const s = await shell();
    await s.run('SET greeting hello');
    await s.run('GET greeting');
    await s.run('RPUSH l a b');
    await s.run('LRANGE l 0 -1');
    await s.run('GET nokey');
    await s.run('INCR greeting');
    expect(s.frame()).toMatchInlineSnapshot(`
      "redscope> SET greeting hello
      OK
      redscope> GET greeting
      "hello"
      redscope> RPUSH l a b
      (integer) 2
      redscope> LRANGE l 0 -1
      1) "a"
      2) "b"
      redscope> GET nokey
      (nil)
      redscope> INCR greeting
      (error) ERR value is not an integer or out of range
      redscope>"
    `);
  });

  it('prompt follows SELECT and MULTI', async () => {
    const s = await shell();
    await s.run('SELECT 3');
    expect(s.live()).toBe('redscope[3]>');
    await s.run('MULTI');
    expect(s.live()).toBe('redscope[3](TX)>');
    await s.run('SELECT 5');
    await s.run('DISCARD');
    expect(s.live()).toBe('redscope[3]>');
    await s.run('SELECT 0');
    expect(s.live()).toBe('redscope>');
  });

  it('quoting, repeat counts and invalid input as redis-cli', async () => {
    const s = await shell();
    await s.run('SET "a key" "x\\ny"');
    await s.run('GET "a key"');
    await s.run('3 INCR c');
    await s.run('GET "unterminated');
    await s.run('0 PING');
    expect(s.output()).toBe(
      [
        'redscope> SET "a key" "x\\ny"', 'OK',
        'redscope> GET "a key"', '"x\\ny"',
        'redscope> 3 INCR c', '(integer) 1', '(integer) 2', '(integer) 3',
        'redscope> GET "unterminated', 'Invalid argument(s)',
        'redscope> 0 PING', 'Invalid redis-cli repeat command option value.',
      ].join('\n'),
    );
  });

  it('a long repeat renders as one block', async () => {
    const s = await shell();
    const t0 = performance.now();
    await s.run('20000 INCR n');
    expect(performance.now() - t0).toBeLessThan(5000);
    const items = s.shell.store.state.output;
    expect(items).toHaveLength(2);
    expect(items[1]!.text.split('\n')).toHaveLength(20000);
    expect(items[1]!.text.endsWith('(integer) 20000')).toBe(true);
    await s.run('GET "open');
    expect(s.shell.store.state.output[3]).toMatchObject({ text: 'Invalid argument(s)', kind: 'reply' });
    await s.run(':nope');
    expect(s.shell.store.state.output[5]).toMatchObject({ kind: 'error' });
  });

  it('several pasted lines run in order', async () => {
    const s = await shell();
    await s.press('SET a 1\rINCR a\rGET a\r');
    expect(s.output()).toBe('redscope> SET a 1\nOK\nredscope> INCR a\n(integer) 2\nredscope> GET a\n"2"');
  });

  it('prints the same bytes as redis-cli --no-raw for every reply shape', async () => {
    const real = await startRealRedis();
    try {
      const script = [
        'SET s hello', 'GET s', 'GET missing', 'INCR n', 'RPUSH l a "b c" "\\x00\\xff"', 'LRANGE l 0 -1',
        'HSET h f1 v1 f2 v2', 'HGETALL h', 'ZADD z 1.5 a 2 b', 'ZRANGE z 0 -1 WITHSCORES', 'LPOP nothing',
        'HELLO 3', 'HGETALL h', 'ZSCORE z a', 'ZRANGE z 0 -1 WITHSCORES', 'SMEMBERS nosuch', 'EXISTS s',
        'SADD st x', 'SMEMBERS st', 'GET missing', 'BLPOP nothing 0.01', 'WRONGCMD x', 'LPUSH s x',
      ];
      const expected = execFileSync('redis-cli', ['--no-raw', '-p', String(real.port)], {
        input: script.join('\n') + '\n',
      }).toString('latin1');
      const s = await shell();
      await s.press(script.join('\r') + '\r');
      await tick(100);
      const replies = s.shell.store.state.output.filter((o) => o.kind === 'reply').map((o) => o.text + '\n').join('');
      // HELLO's map carries server fields (version, id, mode…) that differ by design.
      const dropHello = (x: string) => x.replace(/1# "server"[\s\S]*?7# "modules" => \(empty array\)\n/, '');
      expect(dropHello(replies)).toBe(dropHello(expected));
    } finally {
      await real.stop();
    }
  });

  it('--raw prints replies as redis-cli --raw', async () => {
    const s = await shell({ mode: 'raw' });
    await s.run('RPUSH l a b');
    await s.run('LRANGE l 0 -1');
    await s.run('GET nothing');
    expect(s.output()).toBe('redscope> RPUSH l a b\n2\nredscope> LRANGE l 0 -1\na\nb\nredscope> GET nothing');
  });

  it('HELP cmd and HELP @group', async () => {
    const s = await shell();
    await s.run('HELP GET');
    expect(s.output()).toBe(
      'redscope> HELP GET\n\n  GET key\n  summary: Get the value of a key\n  since: 1.0.0\n  complexity: O(1)\n  group: string',
    );
    await s.run('help @hyperloglog');
    expect(s.output()).toContain('  PFCOUNT key [key ...]\n  summary: Return the approximated cardinality');
  });
});

describe('shell: line editing', () => {
  it('arrows, Home/End, Ctrl-A/E/W/U/K and word jumps', async () => {
    const s = await shell();
    await s.press('GET ky', KEY.left, 'e');
    expect(s.shell.store.state.line).toEqual({ text: 'GET key', cursor: 6 });
    await s.press(KEY.ctrl('a'), 'x');
    expect(s.shell.store.state.line.text).toBe('xGET key');
    await s.press(KEY.backspace, KEY.end, ' more');
    expect(s.shell.store.state.line.text).toBe('GET key more');
    await s.press(KEY.ctrl('w'));
    expect(s.shell.store.state.line.text).toBe('GET key ');
    await s.press(KEY.altLeft);
    expect(s.shell.store.state.line.cursor).toBe(4);
    await s.press(KEY.altB);
    expect(s.shell.store.state.line.cursor).toBe(0);
    await s.press(KEY.altF, KEY.ctrl('k'));
    expect(s.shell.store.state.line).toEqual({ text: 'GET', cursor: 3 });
    await s.press(KEY.home, KEY.altRight, KEY.ctrl('u'));
    expect(s.shell.store.state.line).toEqual({ text: '', cursor: 0 });
    await s.press('PING', KEY.ctrl('a'), KEY.ctrl('e'), '!');
    expect(s.shell.store.state.line.text).toBe('PING!');
  });

  it('Ctrl-C drops the line; Ctrl-D on an empty line exits', async () => {
    const s = await shell();
    await s.press('GET half', KEY.ctrl('c'));
    expect(s.output()).toBe('redscope> GET half^C');
    expect(s.shell.store.state.line.text).toBe('');
    await s.press(KEY.ctrl('c'));
    expect(s.output()).toContain('(To exit, press Ctrl-D or type :quit)');
    await s.press('x', KEY.ctrl('a'), KEY.ctrl('d'));
    expect(s.shell.store.state.line.text).toBe('');
    expect(s.shell.store.state.exited).toBe(false);
    await s.press(KEY.ctrl('d'));
    expect(s.shell.store.state.exited).toBe(true);
  });

  it('clear and Ctrl-L wipe the screen', async () => {
    const s = await shell();
    await s.run('clear');
    await s.press(KEY.ctrl('l'));
    expect(s.shell.store.state.output.map((o) => o.kind)).toEqual(['echo', 'clear', 'clear']);
    expect(s.frame()).toBe('redscope> clear\nredscope>');
  });

  it(':quit and quit leave', async () => {
    const s = await shell();
    await s.run(':quit');
    expect(s.shell.store.state.exited).toBe(true);
    const s2 = await startShell();
    await s2.run('quit');
    expect(s2.shell.store.state.exited).toBe(true);
    s2.unmount();
  });
});

describe('shell: hints and completion', () => {
  it('a dim hint follows the command and shrinks as arguments are typed', async () => {
    const s = await shell();
    await s.press('GET');
    expect(s.live()).toBe('redscope> GET');
    await s.press(' ');
    expect(s.live()).toBe('redscope> GET key');
    await s.press('k ');
    expect(s.live()).toBe('redscope> GET k');
    await s.press(KEY.ctrl('u'), 'ZADD z ');
    expect(s.live()).toBe('redscope> ZADD z [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]');
    await s.press('NX 1 a ');
    // Once the required score/member pair is typed, the options before it are no longer offered (as redis-cli).
    expect(s.live()).toBe('redscope> ZADD z NX 1 a [score member ...]');
  });

  it('Tab completes commands, subcommands, keywords, config names and keys', async () => {
    const s = await shell();
    await s.press('HGETA', KEY.tab);
    expect(s.live()).toBe('redscope> HGETALL key');
    await s.press(KEY.ctrl('u'), 'config g', KEY.tab, 'maxmemory-p', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('config get maxmemory-policy ');
    await s.press(KEY.ctrl('u'));
    await s.run('MSET user:1 a user:2 b other c');
    await s.press('GET us', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('GET user:');
    await s.press(KEY.tab);
    expect(s.live()).toBe('redscope> GET user: key\nuser:1  user:2');
    await s.press('2', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('GET user:2 ');
    await s.press(KEY.ctrl('u'), 'SET k v ', KEY.tab);
    expect(s.live()).toContain('EX  EXAT  GET  KEEPTTL  NX  PX  PXAT  XX');
    await s.press('KE', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('SET k v KEEPTTL ');
    await s.press(KEY.ctrl('u'), 'ZRANGE z 0 -1 with', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('ZRANGE z 0 -1 withscores ');
    await s.press(KEY.ctrl('u'), 'xinfo st', KEY.tab);
    expect(s.shell.store.state.line.text).toBe('xinfo stream ');
  });

  it('key completion in a million-key database stays instant', async () => {
    const s = await shell();
    const db = s.engine.dbs[0]!;
    const { StringObject } = await import('../../src/engine/types/string.js');
    const v = new StringObject('v', 'embstr');
    for (let i = 0; i < 1_000_000; i++) db.dict.set('key:' + i, v);
    await s.press('GET key:99999');
    const t0 = performance.now();
    await s.press(KEY.tab);
    expect(performance.now() - t0).toBeLessThan(300);
    expect(s.shell.store.state.line.text.startsWith('GET key:99999')).toBe(true);
  });
});

describe('shell: history', () => {
  it('up/down recall lines; Ctrl-R searches them', async () => {
    const s = await shell();
    await s.run('SET a 1');
    await s.run('GET a');
    await s.run('PING');
    await s.press(KEY.up);
    expect(s.live()).toBe('redscope> PING');
    await s.press(KEY.up, KEY.up);
    expect(s.shell.store.state.line.text).toBe('SET a 1');
    await s.press(KEY.down);
    expect(s.shell.store.state.line.text).toBe('GET a');
    await s.press(KEY.down, KEY.down);
    expect(s.shell.store.state.line.text).toBe('');
    await s.press(KEY.ctrl('r'), 'a');
    expect(s.live()).toBe("(reverse-i-search)`a': GET a");
    await s.press(KEY.ctrl('r'));
    expect(s.live()).toBe("(reverse-i-search)`a': SET a 1");
    await s.press('zz');
    expect(s.live()).toBe("(failed reverse-i-search)`azz':");
    await s.press(KEY.backspace, KEY.backspace, KEY.enter);
    expect(s.output().split('\n').slice(-2)).toEqual(['redscope> GET a', '"1"']);
    await s.press(KEY.ctrl('r'), 'PI', KEY.ctrl('c'));
    expect(s.live()).toBe('redscope>');
  });

  it('saves to REDSCOPE_HISTFILE with mode 0600, never the lines with passwords', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-hist-'));
    const file = path.join(dir, 'hist');
    const s = await shell({ historyFile: file });
    await s.run('SET a 1');
    await s.run('AUTH secret');
    await s.run('CONFIG SET requirepass hunter2');
    await s.run('HELLO 3 AUTH default hunter2');
    await s.run('ACL SETUSER bob on >pw');
    await s.run('MIGRATE h 1 k 0 10 AUTH pw');
    await s.run('2 AUTH secret');
    await s.run('GET a');
    expect(fs.readFileSync(file, 'utf8')).toBe('SET a 1\nGET a\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    // In memory they are still there.
    await s.press(KEY.up, KEY.up);
    expect(s.shell.store.state.line.text).toBe('2 AUTH secret');
    s.unmount();
    t = null;
    const again = await shell({ historyFile: file });
    await again.press(KEY.up);
    expect(again.shell.store.state.line.text).toBe('GET a');
    expect(historyPath({ REDSCOPE_HISTFILE: '/dev/null' })).toBeNull();
    expect(historyPath({ REDSCOPE_HISTFILE: file })).toBe(file);
    expect(historyPath({ HOME: '/home/x' })).toBe('/home/x/.redscope_history');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('shell: blocking commands and several clients', () => {
  it('Ctrl-C cancels a blocked BLPOP and unblocks the session', async () => {
    const s = await shell();
    await s.run('BLPOP q 0');
    expect(s.live()).toBe('client 1 is waiting on BLPOP — Ctrl-C cancels it, :client new opens another client\nredscope>');
    await s.run('PING');
    expect(s.output()).toContain('client 1 is waiting on BLPOP: Ctrl-C cancels it');
    await s.press(KEY.ctrl('c'));
    expect(s.output().endsWith('(interrupted)')).toBe(true);
    expect(s.shell.current.session.blocked).toBeNull();
    expect(s.engine.dbs[0]!.blockingKeys.size).toBe(0);
    await s.run('LPUSH q x');
    expect(s.output().endsWith('(integer) 1')).toBe(true);
  });

  it('a BLPOP waits until another client pushes', async () => {
    const s = await shell();
    await s.run('BLPOP q 0');
    await s.run(':client new');
    expect(s.live()).toBe('redscope@2>');
    await s.run('LPUSH q hello');
    await tick();
    expect(s.output().split('\n').slice(-4)).toEqual([
      'redscope@2> LPUSH q hello',
      '(integer) 1',
      '[client 1] 1) "q"',
      '[client 1] 2) "hello"',
    ]);
    await s.run(':client 1');
    expect(s.live()).toBe('redscope@1>');
    await s.run('LLEN q');
    expect(s.output().endsWith('(integer) 0')).toBe(true);
  });

  it('WATCH race: client 2 writes, client 1 EXEC gets nil', async () => {
    const s = await shell();
    await s.press('SET k 1\rWATCH k\rMULTI\rINCR k\r:client new\rSET k 2\r:client 1\rEXEC\rGET k\r');
    expect(s.output()).toMatchInlineSnapshot(`
      "redscope> SET k 1
      OK
      redscope> WATCH k
      OK
      redscope> MULTI
      OK
      redscope(TX)> INCR k
      QUEUED
      redscope(TX)> :client new
      client 2 opened (now current)
      redscope@2> SET k 2
      OK
      redscope@2> :client 1
      client 1 is current
      redscope@1(TX)> EXEC
      (nil)
      redscope@1> GET k
      "2""
    `);
  });

  it('published messages appear under the subscribing client', async () => {
    const s = await shell();
    await s.run('SUBSCRIBE news sport');
    expect(s.output()).toBe(
      [
        'redscope> SUBSCRIBE news sport', 'Reading messages... (press Ctrl-C to unsubscribe)',
        '1) "subscribe"', '2) "news"', '3) (integer) 1', '1) "subscribe"', '2) "sport"', '3) (integer) 2',
      ].join('\n'),
    );
    await s.run(':client new');
    await s.run('PUBLISH news hi');
    expect(s.output().split('\n').slice(-5)).toEqual([
      'redscope@2> PUBLISH news hi',
      '(integer) 1',
      '[client 1] 1) "message"',
      '[client 1] 2) "news"',
      '[client 1] 3) "hi"',
    ]);
    await s.run(':client list');
    expect(s.output()).toMatch(/│ *│ 1 *│ 0 *│ 2 *│ subscribed/);
    await s.run(':client 1');
    await s.press(KEY.ctrl('c'));
    expect(s.output().endsWith('(unsubscribed)')).toBe(true);
    expect(s.shell.current.session.subscriptionCount).toBe(0);
  });

  it('MONITOR streams other clients\' commands under the monitoring client until Ctrl-C', async () => {
    const s = await shell();
    await s.run('MONITOR');
    expect(s.output()).toBe('redscope> MONITOR\nOK');
    expect(s.live()).toContain('client 1 is monitoring');
    await s.run(':client new');
    await s.run('SET "a b" 1');
    await s.run('EVAL "return redis.call(\'get\', KEYS[1])" 1 "a b"');
    const lines = s.output().split('\n').slice(-7);
    expect(lines[0]).toBe('redscope@2> SET "a b" 1');
    expect(lines[1]).toBe('OK');
    expect(lines[2]).toMatch(/^\[client 1\] \d+\.\d{6} \[0 id:2\] "SET" "a b" "1"$/);
    expect(lines[3]).toBe('redscope@2> EVAL "return redis.call(\'get\', KEYS[1])" 1 "a b"');
    expect(lines.slice(4)).toEqual([
      '"1"',
      expect.stringMatching(/^\[client 1\] \d+\.\d{6} \[0 id:2\] "EVAL" "return redis.call\('get', KEYS\[1\]\)" "1" "a b"$/),
      expect.stringMatching(/^\[client 1\] \d+\.\d{6} \[0 lua\] "get" "a b"$/),
    ]);
    await s.run(':client 1');
    await s.press(KEY.ctrl('c'));
    expect(s.output().endsWith('(monitor stopped)')).toBe(true);
    expect(s.shell.current.session.monitor).toBe(false);
    await s.run(':client 2');
    await s.run('PING');
    expect(s.output().endsWith('redscope@2> PING\nPONG')).toBe(true);
  });

  it('pasted lines after a blocking command wait for it', async () => {
    const s = await shell();
    await s.press('BLPOP q 0.2\rPING\r');
    expect(s.output()).not.toContain('PONG');
    await tick(400);
    expect(s.output()).toBe('redscope> BLPOP q 0.2\n(nil)\nredscope> PING\nPONG');
  });
});

describe('shell: meta-commands', () => {
  it(':peek shows type, encoding, TTL, length, memory and the first elements', async () => {
    const s = await shell();
    await s.run('ZADD z 1 a 2.5 b');
    await s.run('PEXPIRE z 100000');
    await s.run(':peek z');
    const out = s.output();
    expect(out).toMatch(/│ type *│ zset/);
    expect(out).toMatch(/│ encoding *│ listpack/);
    expect(out).toMatch(/│ ttl *│ (99|100)\.\d{3} s/);
    expect(out).toMatch(/│ length *│ 2/);
    expect(out).toMatch(/│ "a" *│ 1 *│/);
    expect(out).toMatch(/│ "b" *│ 2\.5 *│/);
    const usage = await s.shell.current.session.execute(['MEMORY', 'USAGE', 'z']);
    expect(out).toMatch(new RegExp(`│ memory *│ ${String(usage)} bytes`));
    await s.run(':peek nothing');
    expect(s.output().endsWith('(no such key: nothing)')).toBe(true);
    for (let i = 0; i < 20; i++) await s.shell.current.session.execute(['RPUSH', 'l', `e${i}`]);
    await s.run(':peek l');
    expect(s.output()).toMatch(/│ encoding *│ listpack/);
    expect(s.output()).toContain('(10 more)');
    // Hash fields with their own TTL (Redis 7.4) get a ttl column.
    await s.run('HSET h f1 v1 f2 v2');
    await s.run('HPEXPIRE h 50000 FIELDS 1 f1');
    await s.run(':peek h');
    expect(s.output()).toMatch(/│ encoding *│ listpackex/);
    expect(s.output()).toMatch(/│ "f1" *│ "v1" *│ (49|50)\.\d{3} s *│/);
    expect(s.output()).toMatch(/│ "f2" *│ "v2" *│ none *│/);
  });

  it(':time, :help and unknown meta-commands', async () => {
    const s = await shell();
    await s.run(':time on');
    await s.run('PING');
    expect(s.output()).toMatch(/PONG\n\(\d+\.\d{3} ms\)$/);
    await s.run(':time off');
    await s.run('PING');
    expect(s.output()).toMatch(/timing off\nredscope> PING\nPONG$/);
    await s.run(':help');
    expect(s.output()).toContain(':client new|N|list');
    expect(s.output()).toContain(':peek KEY');
    await s.run(':nope');
    expect(s.output().endsWith("unknown shell command ':nope' (see :help)")).toBe(true);
  });
});

describe('shell: colour', () => {
  it("the shell's own errors are red, plain with color off (NO_COLOR / --no-color); the cursor stays", async () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      for (const color of [true, false]) {
        const s = await shell({}, { color });
        await s.run(':nosuch');
        const frames = s.styledFrames();
        expect(s.output()).toContain("unknown shell command ':nosuch' (see :help)");
        expect(frames.includes('\x1b[31m')).toBe(color);
        expect(frames).toContain('\x1b[7m'); // the inverse cursor cell
        s.unmount();
        t = null;
      }
    } finally {
      chalk.level = level;
    }
  });
});
