import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
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
});

async function evals(bodies: string[]): Promise<void> {
  for (const body of bodies) await d.do('EVAL', body, '0');
}

describe('cjson against real redis', () => {
  it('encodes like lua-cjson', async () => {
    await evals([
      'return cjson.encode({1,2,3,nil,5})',
      'return cjson.encode({})',
      `return cjson.encode({a={b={}}, c='x/y"z\\\\', d=1.5, e=true})`,
      "return cjson.encode('\\127\\1\\n\\t\\b\\f\\r')",
      'return cjson.encode(1/3)',
      'return cjson.encode(1e20)',
      'return cjson.encode(-0.5)',
      'return cjson.encode(123456789012345)',
      'return cjson.encode({[1]=1,[20]=2})',
      'return cjson.encode({[1]=1,[3]=2})',
      'return cjson.encode({[1]=1,[10]=2})',
      'return cjson.encode(0/0)',
      'return cjson.encode(1/0)',
      'return cjson.encode(function() end)',
      'return cjson.encode({[true]=1})',
      'return cjson.encode(cjson.null)',
      'return cjson.encode({1,2,a=3})',
      'return cjson.encode({[1.5]=1})',
      "return cjson.encode('\\200\\201')",
      'return cjson.encode(nil)',
      'return cjson.encode({x={y={z={1,{a=false}}}}})',
      "return cjson.encode({name='redis', tags={'a','b'}, n=7, ok=true})",
      'return cjson.encode()',
    ]);
  });

  it('decodes like lua-cjson, errors included', async () => {
    await evals([
      "return type(cjson.decode('null'))",
      "return tostring(cjson.decode('null'))",
      "return cjson.decode('[1,2,3]')",
      `return cjson.decode('{"a":[1,{"b":"c"}]}').a[2].b`,
      `return cjson.decode('"\\\\u00e9"')`,
      `return cjson.decode('"\\\\ud83d\\\\ude00"')`,
      `return cjson.decode('"\\\\ud83d"')`,
      `return cjson.decode('"\\\\q"')`,
      `return cjson.decode('"abc')`,
      "return cjson.decode('[1,2')",
      "return cjson.decode('[1,2,]')",
      "return cjson.decode('{1:2}')",
      `return cjson.decode('{"a" 2}')`,
      `return cjson.decode('{"a":2,}')`,
      "return cjson.decode('1.5e3')",
      "return cjson.decode('  42  ')",
      "return cjson.decode('-0.25') * 4",
      "return cjson.decode('0x10')",
      "return cjson.decode('007')",
      "return tostring(cjson.decode('nan'))",
      "return tostring(cjson.decode('-Infinity'))",
      "return cjson.decode('+5')",
      "return cjson.decode('tru')",
      "return cjson.decode('[1] x')",
      "return cjson.decode('')",
      `return cjson.decode('{"a":null}').a == cjson.null`,
      `return cjson.decode('{"a":true,"b":false}').b`,
      `local t = cjson.decode('{"k":"v","n":[1,2,{"x":"y"}]}') return {t.k, t.n[3].x, #t.n}`,
      `return cjson.encode(cjson.decode('{"b":1,"a":[true,null,"s"]}'))`,
      'return cjson.decode({})',
      'return cjson.decode()',
    ]);
  });
});

describe('bit against real redis', () => {
  it('LuaBitOp semantics', async () => {
    await evals([
      'return bit.band(0xff, 0x0f, 0x3)',
      'return bit.bor(1, 2, 4, 8)',
      'return bit.bxor(5, 3)',
      'return bit.bnot(0)',
      'return bit.lshift(1, 31)',
      'return bit.lshift(1, 32)',
      'return bit.rshift(-1, 28)',
      'return bit.arshift(-256, 4)',
      'return bit.rol(0x12345678, 8)',
      'return bit.ror(0x12345678, 8)',
      'return bit.bswap(0x12345678)',
      'return bit.tobit(2^32 + 5)',
      'return bit.tobit(2.5)',
      'return bit.tobit(3.5)',
      'return bit.tobit(-1.5)',
      'return bit.tobit(0xffffffff)',
      "return bit.tobit('12')",
      'return bit.tohex(255)',
      'return bit.tohex(-1, -4)',
      'return bit.tohex(65535, 2)',
      'return bit.tohex(1, 20)',
      "return bit.band('a')",
      'return bit.bor()',
      'return bit.lshift(1)',
      'return bit.band(1, {})',
    ]);
    expect(d.compared).toBeGreaterThan(20);
  });
});

describe('cmsgpack against real redis', () => {
  it('packs and unpacks like lua-cmsgpack', async () => {
    await evals([
      'return cmsgpack.pack({1,2,3})',
      'return cmsgpack.pack({a=1})',
      "return cmsgpack.pack(1.5, -1, 300, 'abc', true, nil)",
      'return cmsgpack.pack(0.1)',
      'return cmsgpack.pack({})',
      'return cmsgpack.pack(2^40)',
      'return cmsgpack.pack(-2^40)',
      'return cmsgpack.pack(-33, -129, -32769, 65536, 255, 127, -32)',
      'return cmsgpack.pack({[1]=1,[3]=3})',
      'return cmsgpack.pack(function() end)',
      "return cmsgpack.pack(string.rep('x', 40), string.rep('y', 300))",
      'local t = {} for i = 1, 20 do t[i] = i end return cmsgpack.pack(t)',
      'local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)',
      'return cmsgpack.pack()',
      "return {cmsgpack.unpack(cmsgpack.pack(1,2,'x'))}",
      "return cmsgpack.unpack(cmsgpack.pack({1,{a='b'}}))[2].a",
      "return cmsgpack.unpack('\\205')",
      "return cmsgpack.unpack('\\193')",
      "return cmsgpack.unpack('')",
      'return tostring(cmsgpack.unpack(cmsgpack.pack(0.1)))',
      'return tostring(cmsgpack.unpack(cmsgpack.pack(1.5)))',
      'return cmsgpack.unpack(cmsgpack.pack(-2^40))',
      "local t = cmsgpack.unpack(cmsgpack.pack({x={y='z'}, n={1,2}})) return {t.x.y, t.n[2]}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_one(s)}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_one(s, 1)}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_one(s, 3)}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_limit(s, 2)}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_limit(s, 2, 3)}",
      "local s = cmsgpack.pack(1, 'a', {2}) return {cmsgpack.unpack_one(s, 5)}",
      "return {cmsgpack.unpack_one('')}",
      "return {cmsgpack.unpack_one('abc', 10)}",
      "return {cmsgpack.unpack_limit('abc', -1)}",
    ]);
  });
});

describe('coroutines against real redis', () => {
  it('resume, yield, wrap and their errors', async () => {
    await evals([
      "coroutine.wrap(function() error('x') end)()",
      "local f = coroutine.wrap(function() error('x') end) f()",
      "return coroutine.wrap(function() error({err='T'}) end)()",
      'local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y, coroutine.status(co)}',
      "return {coroutine.resume(coroutine.create(function() error('y') end))}",
      'local f = coroutine.wrap(function() coroutine.yield(1) coroutine.yield(2) end) return {f(), f(), type(f)}',
      'local f = coroutine.wrap(function() return redis.call(\'incr\', \'c\') end) return f()',
      "return type(coroutine.running())",
      "local f = coroutine.wrap(function() end) f() f()",
    ]);
  });
});

describe('struct against real redis', () => {
  it('pack, unpack and size like lua_struct.c', async () => {
    await evals([
      "return struct.pack('>I2', 258)",
      "return struct.pack('<i4 b B', -2, -1, 255)",
      "return {struct.unpack('>I2', '\\1\\2')}",
      "return struct.size('>i4 d')",
      "return struct.pack('s', 'ab')",
      "return {struct.unpack('s', 'ab\\0cd')}",
      "return struct.pack('c3', 'abcdef')",
      "return struct.pack('B c0', 3, 'xyz')",
      "return {struct.unpack('B c0', '\\3xyz')}",
      "return struct.pack('d', 1.5)",
      "return struct.pack('f', 1.5)",
      "return struct.pack('!4 b i4', 1, 2)",
      "return struct.pack('x i2', 1)",
      "return struct.pack('q')",
      "return struct.pack('i3', 1)",
      "return struct.pack('i17', 1)",
      "return struct.pack('i33', 1)",
      "return {struct.unpack('>i2', '\\255\\254')}",
      "return {struct.unpack('i4', 'ab')}",
      "return struct.pack('>l', -1)",
      "return struct.size('s')",
      "return struct.size('c0')",
      "return {struct.unpack('>I2 I2', '\\0\\1\\0\\2', 3)}",
      "return {struct.unpack('>I2', '\\0\\1\\0\\2', 3)}",
      "return struct.pack('h', 70000)",
      "return struct.pack('<I8', 2^53)",
      "return struct.pack('b', 'x')",
      "return struct.pack('b', '12')",
      "return struct.pack('c5', 'ab')",
      "return struct.pack('!3 i4', 1)",
      "return {struct.unpack('<d', struct.pack('<d', 0.1))}",
      "return tostring(struct.unpack('<f', struct.pack('<f', 0.1)))",
      "return {struct.unpack('c0', 'abc')}",
      "return {struct.unpack('s', 'abc')}",
      "return {struct.unpack('>i8', struct.pack('>i8', -5))}",
      "return struct.pack()",
      "return struct.unpack('b')",
    ]);
  });
});
