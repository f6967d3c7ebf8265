import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { installScripting } from '../scripting/setup.js';
import { ErrorReply } from '../../src/engine/reply.js';

let d: Differential;
beforeAll(async () => {
  installScripting();
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
});

/** Runs each [script, numkeys, ...rest] through EVAL on both sides. */
async function evals(lines: Array<[string, ...string[]]>): Promise<void> {
  for (const [body, ...rest] of lines) await d.do('EVAL', body, ...(rest.length ? rest : ['0']));
}

describe('EVAL against real redis: types and conversions', () => {
  it('converts Lua values to replies as Redis does', async () => {
    await evals([
      ['return 1'],
      ['return -1'],
      ['return 0'],
      ['return 3.99'],
      ['return -3.99'],
      ['return 1e15'],
      ['return 2^53'],
      ['return 2^62'],
      ['return 0.5'],
      ["return 'hello'"],
      ["return ''"],
      ['return nil'],
      ['return true'],
      ['return false'],
      ['return {}'],
      ['return {1,2,3}'],
      ["return {1,2,3,'ciao',{1,2}}"],
      ['return {1,2,nil,4}'],
      ["return {true,false,'x'}"],
      ["return {ok='FINE'}"],
      ["return {err='My Error'}"],
      ["return {err='-X y'}"],
      ["return {err='ERR custom'}"],
      ["return {ok='a\\r\\nb'}"],
      ["return {1, {ok='x'}, {err='E y'}}"],
      ["return {a=1, b=2}"],
      ["return {1, 2, a=3}"],
      ["return redis.status_reply('FINE')"],
      ["return redis.error_reply('My err')"],
      ["return redis.error_reply('-X y')"],
      ["return redis.error_reply('oneword')"],
      ["return {double=3.5}"],
      ['return 10/2'],
      ['return 7/2'],
      ["return {10/2, '10'/2}"],
      ["return '\\0binary\\255'"],
    ]);
  });

  it('formats numbers as Lua 5.1', async () => {
    await evals([
      ['return tostring(10/2)'],
      ['return tostring(2^53)'],
      ['return tostring(7/3)'],
      ['return tostring(1/0)'],
      ['return tostring(-1/0)'],
      ['return tostring(0.1)'],
      ['return tostring(1e100)'],
      ['return tostring(2^31 * 4)'],
      ['return tostring(2147483647 + 1)'],
      ['return tostring(-2147483648 - 1)'],
      ["return 'x' .. 10/2"],
      ["return string.format('%d', 3.7)"],
      ["return string.format('%5.2f', 3.14159)"],
      ["return string.format('%s %q', 12, 'a\\nb')"],
      ["return string.format('%x', 255)"],
      ['return tostring(math.floor(7/2))'],
      ['return tostring(7 % 3)'],
      ['return tostring(-7 % 3)'],
      ['return tostring(2^63)'],
      ["return tonumber('0x10')"],
      ["return tonumber('  12  ')"],
      ["return tostring(tonumber('1e3'))"],
      ['return math.huge == 1/0'],
      ['return #ARGV', 'a', 'b'],
    ]);
  });

  it('Lua 5.1 library functions', async () => {
    await evals([
      ['return unpack({1,2,3})'],
      ['return select(2, unpack({1,2,3}))'],
      ['return table.getn({1,2,3})'],
      ['return loadstring("return 41 + 1")()'],
      ["return table.concat({'a','b','c'}, ',')"],
      ["local t = {3,1,2} table.sort(t) return t"],
      ["return string.rep('ab', 3)"],
      ["return ('abc'):upper()"],
      ["return string.sub('hello', 2, -2)"],
      ["return {string.find('hello world', 'o w')}"],
      ["return (string.gsub('hello', 'l', 'L'))"],
      ["return string.byte('A')"],
      ["return string.char(72, 105)"],
      ["return math.max(3, 7, 5)"],
      ["return type(coroutine.create(function() end))"],
      ["local co = coroutine.wrap(function() coroutine.yield(1) return 2 end) return {co(), co()}"],
      ["return _VERSION"],
      ["return type(math.random)"],
      ['local ok, e = pcall(function() error("x") end) return {tostring(ok), e}'],
      ['local ok, e = pcall(function() error({err="T"}) end) return {tostring(ok), e}'],
      ["local ok, e = xpcall(function() error('x') end, function(m) return 'handled: ' .. m end) return e"],
      ['return tostring(next({}))'],
    ]);
  });
});

describe('EVAL against real redis: calling commands', () => {
  it('redis.call / redis.pcall and their errors', async () => {
    await evals([
      ["return redis.call('set', KEYS[1], ARGV[1])", '1', 'k', 'v'],
      ["return redis.call('get', KEYS[1])", '1', 'k'],
      ["return redis.call('get', 'missing')"],
      ["return redis.call('incr', 'n')"],
      ["return redis.call('incrbyfloat', 'f', '1.5')"],
      ["redis.call('set', 'x', 10) return redis.call('get', 'x')"],
      ["redis.call('set', 'x', 3.5) return redis.call('get', 'x')"],
      ["redis.call('set', 'x', -0.0) return redis.call('get', 'x')"],
      ["redis.call('set', 'x', 1e20) return redis.call('get', 'x')"],
      ["return redis.call('incr', 'k')"],
      ["return redis.pcall('incr', 'k')"],
      ["return redis.call('nosuch')"],
      ["return redis.pcall('nosuch')"],
      ["return redis.call('get')"],
      ["return redis.call('get', 'a', 'b')"],
      ['return redis.call()'],
      ['return redis.pcall()'],
      ["return redis.call('set', 'a', {})"],
      ["return redis.pcall('set', 'a', {})"],
      ["return redis.call('set', 'a', nil)"],
      ["return redis.call('eval', 'return 1', 0)"],
      ["return redis.call('multi')"],
      ["return redis.call('script', 'load', 'return 1')"],
      ["return redis.call('blpop', 'l', 0)"],
      ["redis.call('rpush', 'l', 'a', 'b') return redis.call('lrange', 'l', 0, -1)"],
      ["redis.call('hset', 'h', 'f', 'v') return redis.call('hgetall', 'h')"],
      ["redis.call('zadd', 'z', 1.5, 'a') return redis.call('zscore', 'z', 'a')"],
      ["redis.call('zadd', 'z', 1, 'a', 2, 'b') return redis.call('zrange', 'z', 0, -1, 'withscores')"],
      ["return redis.call('type', 'k')"],
      ["redis.call('set', 'k', 'v') return redis.call('type', 'k')"],
      ["return redis.call('ping')"],
      ["return type(redis.call('ping'))"],
      ["return redis.call('ping').ok"],
      ["return type(redis.call('get', 'nokey'))"],
      ["local ok, e = pcall(function() redis.call('incr', 'k') end) return type(e)"],
      ["redis.call('set', 'k', 'v') local ok, e = pcall(function() redis.call('incr', 'k') end) return e"],
      ["redis.call('set', 'k', 'v') return redis.pcall('lpush', 'k', 'x')"],
      ["redis.call('set', 'k', 'v') return redis.call('lpush', 'k', 'x')"],
      ["redis.call('select', 1) redis.call('set', 'in1', 'x') return redis.call('dbsize')"],
      ['return redis.call("dbsize")'],
      ["return redis.sha1hex('')"],
      ["return redis.sha1hex('hello')"],
      ["return redis.call('exists', unpack(KEYS))", '2', 'a', 'b'],
      ["return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}", '2', 'a', 'b', 'c', 'd'],
      ['return redis.setresp(4)'],
      ["redis.setresp(3) return redis.call('hgetall', 'nokey')"],
      ["redis.setresp(3) redis.call('hset', 'h', 'a', '1') local r = redis.call('hgetall', 'h') return r.map.a"],
      ["redis.setresp(3) redis.call('zadd', 'z', 1.5, 'a') return redis.call('zscore', 'z', 'a').double"],
      ["redis.setresp(3) return type(redis.call('get', 'nokey'))"],
      ["redis.setresp(3) return true"],
      ["redis.setresp(3) return false"],
      ['return redis.log(redis.LOG_WARNING, "hi")'],
      ['return redis.replicate_commands()'],
      ['return redis.set_repl(redis.REPL_ALL)'],
    ]);
  });

  it('binary-safe and large arguments and replies', async () => {
    const bin = Buffer.from([0, 255, 13, 10, 128, 1, 0]);
    await d.do('EVAL', "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", '1', bin, bin);
    await d.do('GET', bin);
    await d.do('EVAL', 'return {KEYS[1], ARGV[1], #ARGV[1]}', '1', bin, bin);
    const big = 'x'.repeat(300000) + 'end';
    await d.do('EVAL', "redis.call('set', 'big', ARGV[1]) return #redis.call('get', 'big')", '0', big);
    await d.do('EVAL', "return redis.call('get', 'big')", '0');
    await d.do('EVAL', "return string.rep('ab', 100000)", '0');
    await d.do('EVAL', "local t = {} for i = 1, 5000 do t[i] = i end return t", '0');
    await d.do('EVAL', "for i = 1, 3000 do redis.call('rpush', 'l', i) end return redis.call('llen', 'l')", '0');
    await d.do('EVAL', "return redis.call('lrange', 'l', 0, -1)", '0');
    await d.do('EVAL', "return redis.call('set', 'k', '\\0\\1\\2')", '0');
    await d.do('GET', 'k');
  });

  it('errors and globals protection', async () => {
    await evals([
      ['return x'],
      ['x = 1'],
      ['local x = 1 return x'],
      ["error('boom')"],
      ["error({err='X y'})"],
      ['error()'],
      ['syntax error here'],
      ['return'],
      ['return 1 +'],
      ["redis = nil"],
      ["redis.call = nil"],
      ["string.x = 1"],
      ["return rawset(_G, 'x', 1)"],
      ['return setmetatable(_G, nil)'],
      ['return _G.x'],
      ["_G.x = 1"],
      ["getmetatable('').__index.upper = 1"],
      ["return getmetatable('').__index.upper('a')"],
      ['return type(_G)'],
      ["local t = {} t.x = 1 return t.x"],
      ["local f = function() return y end return f()"],
      ["return loadstring('z = 1')()"],
      ['return io'],
      ["return os.execute('ls')"],
      ["return require('x')"],
      ["return loadfile('/etc/passwd')"],
      ["return dofile('/etc/passwd')"],
      ['return debug'],
      ['return package'],
      ['return print'],
      ['return module'],
    ]);
  });

  it('numkeys, NOSCRIPT, EVALSHA and SCRIPT', async () => {
    // The real server keeps its script cache across tests (FLUSHALL does not clear it).
    await d.do('SCRIPT', 'FLUSH');
    await d.do('EVAL', 'return 1', 'abc');
    await d.do('EVAL', 'return 1', '2', 'a');
    await d.do('EVAL', 'return 1', '-1');
    await d.do('EVAL', 'return 1', '01');
    await d.do('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0');
    await d.do('EVALSHA', '123', '0');
    await d.do('SCRIPT', 'LOAD', 'return 1');
    await d.do('SCRIPT', 'LOAD', 'return 1 +');
    await d.do('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0');
    await d.do('EVALSHA', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB', '0');
    await d.do('EVALSHA_RO', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0');
    await d.do('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', 'ffff', 'E0E1F9FABFC9D4800C877A703B823AC0578FF8DB');
    await d.do('EVAL', 'return 2', '0');
    await d.do('SCRIPT', 'EXISTS', '7f923f79fe76194c868d7e1d0820de36700eb649');
    await d.do('SCRIPT', 'FLUSH', 'bad');
    await d.do('SCRIPT', 'FLUSH', 'ASYNC');
    await d.do('SCRIPT', 'EXISTS', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db');
    await d.do('SCRIPT', 'FLUSH');
    await d.do('SCRIPT', 'FLUSH', 'SYNC');
    await d.do('EVALSHA', 'e0e1f9fabfc9d4800c877a703b823ac0578ff8db', '0');
    await d.do('SCRIPT', 'KILL');
    await d.do('SCRIPT', 'HELP');
    await d.do('SCRIPT', 'DEBUG', 'NO');
    await d.do('SCRIPT', 'DEBUG', 'maybe');
    await d.do('SCRIPT');
    await d.do('EVAL');
    await d.do('EVAL', 'return 1');
  });

  it('RESP3 clients and redis.setresp(3) conversions', async () => {
    await d.do('HELLO', '3');
    await evals([
      ['return nil'],
      ['return true'],
      ['return false'],
      ['return {1, 2, {3}}'],
      ["return {double=3.25}"],
      ["return {map={a=1}}"],
      ["return {set={x=true}}"],
      ["return {big_number='123456789012345678901234567890'}"],
      ["return {verbatim_string={format='txt', string='hello'}}"],
      ["redis.setresp(3) return true"],
      ["redis.setresp(3) return false"],
      ["redis.setresp(3) return redis.call('get', 'nokey')"],
      ["redis.setresp(3) redis.call('hset', 'h', 'a', '1') return redis.call('hgetall', 'h')"],
      ["redis.setresp(3) redis.call('sadd', 's', 'm') return redis.call('smembers', 's')"],
      ["redis.setresp(3) redis.call('zadd', 'z', 2.5, 'a') return redis.call('zscore', 'z', 'a')"],
      ["redis.setresp(3) redis.call('zadd', 'z', 2.5, 'a') return redis.call('zrange', 'z', 0, -1, 'withscores')"],
      ["redis.setresp(3) return redis.call('exists', 'nokey')"],
      ["redis.call('hset', 'h2', 'a', '1') return redis.call('hgetall', 'h2')"],
    ]);
    await d.do('HELLO', '2');
    await evals([
      ["return {double=3.25}"],
      ["return {map={a=1}}"],
      ["return {set={x=true}}"],
      ["return {big_number='1234'}"],
      ["redis.setresp(3) return true"],
      ["redis.setresp(3) return false"],
      ["redis.setresp(3) return {double=0.5}"],
    ]);
  });

  it('read-only scripts', async () => {
    await d.do('SET', 'k', 'v');
    await d.do('EVAL_RO', "return redis.call('get', KEYS[1])", '1', 'k');
    await d.do('EVAL_RO', "return redis.call('set', KEYS[1], 'x')", '1', 'k');
    await d.do('EVAL_RO', "return redis.pcall('set', KEYS[1], 'x')", '1', 'k');
    await d.do('EVAL_RO', "return redis.pcall('del', KEYS[1])", '1', 'k');
    await d.do('EVAL', "#!lua flags=no-writes\nreturn redis.call('set','a','b')", '0');
    await d.do('EVAL', "#!lua flags=no-writes\nreturn redis.call('get','k')", '0');
    await d.do('EVAL', "#!lua\nreturn redis.call('get','k')", '0');
    await d.do('EVAL', "#!lua flags=bogus\nreturn 1", '0');
    await d.do('GET', 'k');
  });

  it('scripts inside MULTI', async () => {
    await d.script(`
      MULTI
      SET a 1
      EXEC
    `);
    await d.do('MULTI');
    await d.do('EVAL', "return redis.call('incr', KEYS[1])", '1', 'a');
    await d.do('EVAL', "return redis.call('incr', 'nope', 'x')", '0');
    await d.do('EVAL', 'return x', '0');
    await d.do('EXEC');
    await d.do('GET', 'a');
  });

  it('os.clock is the only os function (7.2)', async () => {
    const r = await d.do('EVAL', "return type(os.clock())", '0');
    expect(r).toBe('number');
    await d.do('EVAL', "return os.time()", '0');
    await d.do('EVAL', "return os.execute('true')", '0');
  });
});

describe('patterns', () => {
  const LOCK = "return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])";
  const UNLOCK = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
  const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";
  const FIXED = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return 0 end
return n`;
  const SLIDING = `local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, count + 1}
end
return {0, count}`;
  const BUCKET = `local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local requested = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
local delta = math.max(0, now - ts)
tokens = math.min(capacity, tokens + delta * rate)
local allowed = tokens >= requested
if allowed then tokens = tokens - requested end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
return {allowed and 1 or 0, tostring(tokens)}`;
  const LEADER = `local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not cur) or tonumber(ARGV[2]) > tonumber(cur) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
  return 1
end
return 0`;

  it('lock, compare-and-delete unlock, owner-only renewal', async () => {
    await d.do('EVAL', LOCK, '1', 'lock', 'owner1', '10000');
    await d.do('EVAL', LOCK, '1', 'lock', 'owner2', '10000');
    await d.do('EVAL', RENEW, '1', 'lock', 'owner2', '20000');
    await d.do('EVAL', RENEW, '1', 'lock', 'owner1', '20000');
    await d.do('EVAL', UNLOCK, '1', 'lock', 'owner2');
    await d.do('GET', 'lock');
    await d.do('EVAL', UNLOCK, '1', 'lock', 'owner1');
    await d.do('EXISTS', 'lock');
    await d.do('EVAL', RENEW, '1', 'lock', 'owner1', '20000');
    await d.do('EVAL', LOCK, '1', 'lock', 'owner2', '10000');
  });

  it('fixed window, sliding window and token bucket rate limiters', async () => {
    for (let i = 0; i < 5; i++) await d.do('EVAL', FIXED, '1', 'rl', '60', '3');
    await d.do('TTL', 'rl');
    for (let i = 0; i < 5; i++) await d.do('EVAL', SLIDING, '1', 'sw', String(1000 + i * 100), '1000', '3', `req${i}`);
    await d.do('EVAL', SLIDING, '1', 'sw', '2150', '1000', '3', 'late');
    await d.do('ZRANGE', 'sw', '0', '-1', 'WITHSCORES');
    const steps: Array<[string, string]> = [['1000', '1'], ['1000', '1'], ['1000.5', '1'], ['1001.25', '2'], ['1010', '5'], ['1010', '5']];
    for (const [now, req] of steps) await d.do('EVAL', BUCKET, '1', 'tb', '0.5', '4', now, req);
    await d.do('HGETALL', 'tb');
  });

  it('leaderboard update', async () => {
    await d.do('EVAL', LEADER, '1', 'lb', 'alice', '100');
    await d.do('EVAL', LEADER, '1', 'lb', 'alice', '90');
    await d.do('EVAL', LEADER, '1', 'lb', 'alice', '120.5');
    await d.do('EVAL', LEADER, '1', 'lb', 'bob', '110');
    await d.do('ZREVRANGE', 'lb', '0', '-1', 'WITHSCORES');
    const sha = await d.do('SCRIPT', 'LOAD', LEADER);
    await d.do('EVALSHA', sha as string, '1', 'lb', 'carol', '130');
    await d.do('ZRANGE', 'lb', '0', '-1', 'WITHSCORES');
  });

  it('counted enough lines', () => {
    expect(d.compared).toBeGreaterThan(10);
  });
});

describe('effects replication', () => {
  it('propagates the commands a script ran, wrapped in MULTI/EXEC, never the script', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    await d.session.execute(['EVAL', "redis.call('set', 'a', '1') redis.call('incr', 'a') return 1", '0']);
    expect(seen).toEqual([['MULTI'], ['set', 'a', '1'], ['incr', 'a'], ['EXEC']]);
    seen.length = 0;
    await d.session.execute(['EVAL', "redis.call('set', 'b', '1') return 1", '0']);
    expect(seen).toEqual([['set', 'b', '1']]);
    seen.length = 0;
    await d.session.execute(['EVAL', "return redis.call('get', 'b')", '0']);
    expect(seen).toEqual([]);
  });

  it('SELECT inside a script does not change the caller database', async () => {
    await d.session.execute(['EVAL', "redis.call('select', 3) redis.call('set', 'x', 'y') return 1", '0']);
    expect(d.session.dbIndex).toBe(0);
    expect(await d.session.execute(['SELECT', '3'])).not.toBeInstanceOf(ErrorReply);
    expect(await d.session.execute(['GET', 'x'])).toBe('y');
  });
});
