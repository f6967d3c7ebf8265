import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { installScripting } from './setup.js';
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

/** Each escape must fail on both sides with the same error. */
async function mustFail(body: string): Promise<void> {
  const r = await d.error('EVAL', body, '0');
  expect(r).toBeInstanceOf(ErrorReply);
}

describe('sandbox escapes fail with Redis errors', () => {
  it('no io, os (beyond clock), require, loadfile, dofile, debug, package', async () => {
    for (const body of [
      "return io.open('/etc/passwd'):read('*a')",
      "io.write('x')",
      "return io.popen('id'):read('*a')",
      "return os.execute('id')",
      "return os.getenv('HOME')",
      "return os.remove('/tmp/x')",
      "return os.exit(1)",
      "return require('os')",
      "return require",
      "return loadfile('/etc/passwd')",
      "return dofile('/etc/passwd')",
      'return debug.getinfo(1)',
      'return debug.getregistry()',
      "return package.loadlib('libc.so.6', 'system')",
      "return package.loaded.io",
      "return module('x')",
      'return print',
      'return getfenv(0)',
      'return setfenv(1, {})',
      'return newproxy(true)',
      'return _G.io',
      "return _G['os'].execute('id')",
      "return rawget(_G, 'io')",
    ]) {
      if (body.includes('os.') || body.includes("'os'")) {
        // 7.0 has no os at all; 7.2 has os.clock only: both must refuse the rest.
        const r = await d.session.execute(['EVAL', body, '0']);
        expect(r).toBeInstanceOf(ErrorReply);
        continue;
      }
      if (body.startsWith("return rawget(_G")) {
        await d.do('EVAL', body, '0');
        continue;
      }
      await mustFail(body);
    }
  });

  it('library tables, metatables and the globals table are readonly', async () => {
    for (const body of [
      "string.rep = function() return 'pwned' end",
      "getmetatable('').__index = {}",
      "getmetatable('').__index.rep = nil",
      "getmetatable('').__index.upper = 1",
      "table.insert = nil",
      "math.floor = nil",
      "redis.call = function() end",
      "cjson_fake = 1",
      "_G.redis = nil",
      "rawset(_G, 'x', 1)",
      "rawset(string, 'x', 1)",
      "setmetatable(_G, {})",
      "getmetatable(_G).__index = nil",
      "getmetatable(_G).__newindex = nil",
      "local mt = getmetatable(_G) rawset(mt, '__index', nil)",
    ]) {
      await mustFail(body);
    }
    // Nothing leaked into the next script.
    await d.do('EVAL', "return string.rep('a', 3)", '0');
    await d.do('EVAL', "return ('abc'):upper()", '0');
  });

  it('chunks compiled by the script stay inside the sandbox', async () => {
    for (const body of [
      "return loadstring('return io')()",
      "return loadstring('x = 1')()",
      "return load(function() return nil end)",
      "local f = loadstring('return os.execute') return f()('id')",
      "return coroutine.wrap(function() return io end)()",
      "local co = coroutine.create(function() y = 2 end) local ok, e = coroutine.resume(co) error(e)",
    ]) {
      const [ours, theirs] = await d.both('EVAL', body, '0');
      if (theirs instanceof ErrorReply) expect(ours).toBeInstanceOf(ErrorReply);
      else expect(ours).toEqual(theirs);
    }
    await d.do('EVAL', "return type(load)", '0');
    await d.do('EVAL', "return type(string.dump)", '0');
    await d.do('EVAL', "return type(getmetatable(_G))", '0');
    await d.do('EVAL', "return type(getmetatable(_G).__index)", '0');
    await d.do('EVAL', "return getmetatable('').__metatable", '0');
  });

  it('KEYS and ARGV are per script and writable like Redis', async () => {
    await d.do('EVAL', "KEYS[1] = 'changed' return KEYS[1]", '1', 'k');
    await d.do('EVAL', 'return KEYS[1]', '0');
    await d.do('EVAL', 'return {#KEYS, #ARGV}', '2', 'a', 'b', 'c');
    await d.do('EVAL', 'KEYS = {} return 1', '0');
  });
});

describe('math.random is redisLrand48', () => {
  it('matches a fresh server call for call', async () => {
    // A fresh server: the PRNG state lives as long as the server does.
    const fresh = await Differential.start();
    try {
      await fresh.do('EVAL', 'return {math.random(1000), math.random(1000), tostring(math.random())}', '0');
      await fresh.do('EVAL', 'return math.random(1000)', '0');
      await fresh.do('EVAL', 'return math.random(5, 7)', '0');
      await fresh.do('EVAL', 'math.randomseed(42) return math.random(100)', '0');
      await fresh.do('EVAL', 'math.randomseed(-5) return tostring(math.random())', '0');
      await fresh.do('EVAL', 'return math.random(0)', '0');
      await fresh.do('EVAL', 'return math.random(3, 1)', '0');
      await fresh.do('EVAL', 'return math.random(1, 2, 3)', '0');
      await fresh.do('EVAL', 'return math.random(3.9)', '0');
    } finally {
      await fresh.stop();
    }
  });
});
