import { expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';

it('redis.set_repl(REPL_NONE) runs writes without propagating them; REPL_ALL turns it back on', () => {
  const e = new Engine({ timers: false });
  const got: string[][] = [];
  e.onPropagate((_db, argv) => got.push(argv));
  const s = e.createSession();
  s.execute([
    'EVAL',
    "redis.call('SET','a','1') redis.set_repl(redis.REPL_NONE) redis.call('SET','b','2') redis.set_repl(redis.REPL_ALL) redis.call('SET','c','3')",
    '0',
  ]);
  expect(got).toEqual([['MULTI'], ['SET', 'a', '1'], ['SET', 'c', '3'], ['EXEC']]);
  expect(s.execute(['GET', 'b'])).toBe('2');
  // The setting ends with the script.
  s.execute(['SET', 'd', '4']);
  expect(got.at(-1)).toEqual(['SET', 'd', '4']);
  e.close();
});
