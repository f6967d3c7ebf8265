import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { encodeReply } from '../../src/resp/encoder.js';
import { ErrorReply, MapReply, OK, type Reply } from '../../src/engine/reply.js';
import { installScripting } from './setup.js';

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
  // The real server keeps its libraries across tests (FLUSHALL does not remove them).
  await d.do('FUNCTION', 'FLUSH');
});

/**
 * FUNCTION LIST with each library's functions sorted by name: Redis keeps them in a dict, so
 * their order is its hash order.
 */
async function listSorted(...args: string[]): Promise<void> {
  const [ours, theirs] = await d.both('FUNCTION', 'LIST', ...args);
  const norm = (r: Reply): string => {
    const libs = (Array.isArray(r) ? r : []).map((lib) => {
      const flat = lib instanceof MapReply ? lib.entries.flat() : (lib as Reply[]);
      return flat.map((x, i) => {
        if (flat[i - 1] !== 'functions' || !Array.isArray(x)) return encodeReply(x, 2);
        return x.map((f) => encodeReply(f, 2)).sort().join('|');
      }).join(',');
    });
    return libs.sort().join('\n');
  };
  expect(norm(ours)).toBe(norm(theirs));
}

const MYLIB = `#!lua name=mylib
redis.register_function('myfunc', function(keys, args) return {keys[1], args[1]} end)
redis.register_function{function_name='ro', callback=function(keys, args) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}
redis.register_function('w', function(keys, args) return redis.call('set', keys[1], args[1]) end)`;

describe('FUNCTION / FCALL against real redis', () => {
  it('loads, lists, calls and deletes libraries', async () => {
    await d.do('FUNCTION', 'LOAD', MYLIB);
    await d.do('FCALL', 'myfunc', '1', 'k', 'a');
    await d.do('FCALL', 'MYFUNC', '0');
    await d.do('FCALL', 'w', '1', 'k', 'v');
    await d.do('FCALL_RO', 'ro', '1', 'k');
    await d.do('FCALL_RO', 'w', '1', 'k', 'x');
    await d.do('FCALL_RO', 'myfunc', '1', 'k', 'a');
    await d.do('FCALL', 'nosuch', '0');
    await d.do('FCALL', 'myfunc', 'abc');
    await d.do('FCALL', 'myfunc', '3', 'a');
    await d.do('FCALL', 'myfunc', '-1');
    await listSorted();
    await listSorted('WITHCODE');
    await listSorted('LIBRARYNAME', 'my*');
    await d.do('FUNCTION', 'LOAD', "#!lua name=one\nredis.register_function{function_name='f1', callback=function() return 1 end, flags={'no-writes', 'allow-stale'}}");
    await d.do('FUNCTION', 'LIST', 'LIBRARYNAME', 'on*', 'WITHCODE');
    await d.do('FUNCTION', 'DELETE', 'one');
    await d.do('FUNCTION', 'LIST', 'LIBRARYNAME', 'zz*');
    await d.do('FUNCTION', 'LIST', 'LIBRARYNAME');
    await d.do('FUNCTION', 'LIST', 'WITHCODE', 'WITHCODE');
    await d.do('FUNCTION', 'LIST', 'bad');
    await d.do('FUNCTION', 'STATS');
    await d.do('FUNCTION', 'LOAD', MYLIB);
    await d.do('FUNCTION', 'LOAD', 'REPLACE', MYLIB.replace('args[1]}', 'args[1], 2}'));
    await d.do('FCALL', 'myfunc', '1', 'k', 'a');
    await d.do('FUNCTION', 'DELETE', 'nolib');
    await d.do('FUNCTION', 'DELETE', 'mylib');
    await d.do('FCALL', 'myfunc', '0');
    await d.do('FUNCTION', 'LIST');
    await d.do('FUNCTION', 'KILL');
    await d.do('FUNCTION', 'FLUSH', 'bad');
    await d.do('FUNCTION', 'FLUSH', 'SYNC');
    await d.do('FUNCTION', 'HELP');
    await d.do('FUNCTION', 'RESTORE', 'x');
    await d.do('FUNCTION', 'bogus');
    await d.do('FUNCTION', 'LOAD', 'x', 'y', 'z');
  });

  it('refuses bad libraries with Redis errors', async () => {
    for (const code of [
      "redis.register_function('x', function() end)",
      "#!lua name=c1\nredis.register_function('f', function() return 1 end",
      "#!lua name=my-lib\nredis.register_function('f', function() return 1 end)",
      "#!lua name=c3\nredis.register_function{function_name='z', callback=function() return 1 end, flags={'bogus'}}",
      "#!lua name=c4\nredis.register_function('z z', function() return 1 end)",
      "#!lua name=c5\nredis.register_function('z', 5)",
      "#!lua name=c6 foo=bar\nredis.register_function('z', function() return 1 end)",
      "#!lua\nredis.register_function('z', function() return 1 end)",
      "#!js name=x\nredis.register_function('z', function() return 1 end)",
      "#!lua name=a name=b\nredis.register_function('z', function() return 1 end)",
      '#!lua name=bad\nreturn 1',
      "#!lua name=bad2\nredis.call('ping')",
      "#!lua name=c9\nlocal x = redis.setresp",
      "#!lua name=c10\nredis.register_function('a', function() end) redis.register_function('a', function() end)",
      "#!lua name=c11\nredis.register_function{function_name='a'}",
      "#!lua name=c12\nredis.register_function{callback=function() end}",
      "#!lua name=c13\nredis.register_function{function_name='a', callback=function() end, other=1}",
      "#!lua name=c14\nredis.register_function()",
      "#!lua name=c15\nredis.register_function(1, function() end)",
      "#!LUA name=c16\nredis.register_function('upper', function() return 'ok' end)",
    ]) {
      await d.do('FUNCTION', 'LOAD', code);
    }
    await d.do('FCALL', 'upper', '0');
    await d.do('FUNCTION', 'LOAD', "#!lua name=other\nredis.register_function('UPPER', function() return 1 end)");
  });

  it('function errors, globals and read-only functions', async () => {
    await d.do('FUNCTION', 'LOAD', `#!lua name=e
redis.register_function('boom', function() error('boom') end)
redis.register_function('glob', function() return x end)
redis.register_function('keys', function() return KEYS end)
redis.register_function('err', function(k) return redis.call('incr', k[1]) end)
redis.register_function{function_name='rw', callback=function(k) return redis.call('set', k[1], 'v') end, flags={'no-writes'}}
redis.register_function('ver', function() return type(redis.REDIS_VERSION) end)
redis.register_function('setresp', function() redis.setresp(3) return true end)`);
    await d.do('SET', 's', 'str');
    await d.do('FCALL', 'boom', '0');
    await d.do('FCALL', 'glob', '0');
    await d.do('FCALL', 'keys', '0');
    await d.do('FCALL', 'err', '1', 's');
    await d.do('FCALL', 'rw', '1', 'k');
    await d.do('FCALL', 'ver', '0');
    await d.do('FCALL', 'setresp', '0');
    expect(d.compared).toBeGreaterThan(5);
  });

  it('DUMP and RESTORE payloads', async () => {
    await d.do('FUNCTION', 'LOAD', "#!lua name=l1\nredis.register_function('f', function() return 1 end)");
    await d.do('FUNCTION', 'DUMP');
    // A payload from the real server restores on both sides.
    const payload = (await d.client.call('FUNCTION', 'DUMP')) as string;
    const asArg = Buffer.from(payload, 'latin1');
    await d.do('FUNCTION', 'RESTORE', asArg);
    await d.do('FUNCTION', 'RESTORE', asArg, 'REPLACE');
    await d.do('FUNCTION', 'RESTORE', asArg, 'bogus');
    await d.do('FUNCTION', 'FLUSH');
    await d.do('FUNCTION', 'RESTORE', asArg);
    await d.do('FCALL', 'f', '0');
    await d.do('FUNCTION', 'RESTORE', asArg, 'FLUSH');
    await d.do('FUNCTION', 'RESTORE', Buffer.concat([Buffer.from([0]), asArg.subarray(1)]));
    await d.do('FUNCTION', 'RESTORE', 'short');
    // A longer library is LZF-compressed in the payload.
    const long = `#!lua name=big\n${Array.from({ length: 20 }, (_, i) => `redis.register_function('fn${i}', function() return ${i} end)`).join('\n')}`;
    await d.do('FUNCTION', 'FLUSH');
    await d.do('FUNCTION', 'LOAD', long);
    await d.do('FUNCTION', 'DUMP');
    const big = Buffer.from((await d.client.call('FUNCTION', 'DUMP')) as string, 'latin1');
    await d.do('FUNCTION', 'RESTORE', big, 'FLUSH');
    await d.do('FCALL', 'fn7', '0');
    // Our own payload restores in our engine (7.2's RDB version is newer than 7.0.15 accepts).
    const ours = (await d.session.execute(['FUNCTION', 'DUMP'])) as string;
    expect(ours.charCodeAt(ours.length - 10)).toBe(11);
    expect(await d.session.execute(['FUNCTION', 'RESTORE', ours, 'FLUSH'])).toEqual(OK);
    expect(await d.session.execute(['FCALL', 'fn19', '0'])).toBe(19);
    expect(await d.session.execute(['FUNCTION', 'RESTORE', ours])).toEqual(new ErrorReply('ERR Library big already exists'));
  });

  it('propagates FUNCTION LOAD and the effects of FCALL', async () => {
    const seen: string[][] = [];
    d.engine.onPropagate((_db, argv) => seen.push(argv));
    await d.session.execute(['FUNCTION', 'LOAD', MYLIB]);
    expect(seen).toEqual([['FUNCTION', 'LOAD', MYLIB]]);
    seen.length = 0;
    await d.session.execute(['FCALL', 'w', '1', 'k', 'v']);
    expect(seen).toEqual([['set', 'k', 'v']]);
  });
});
