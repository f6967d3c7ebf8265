import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';

let d: Differential;
beforeAll(async () => {
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
});

describe('transactions against real redis', () => {
  it('queues, executes and aborts like Redis', async () => {
    await d.script(`
      MULTI
      PING
      ECHO hello
      EXEC
      EXEC
      DISCARD
      MULTI
      MULTI
      NOSUCHCOMMAND a b
      PING
      EXEC
      MULTI
      WATCH x
      EXEC
      MULTI
      ECHO
      DISCARD
      SELECT 1
      SELECT 16
      SELECT -1
      SELECT abc
      PING a b
      UNWATCH
    `);
    expect(d.compared).toBeGreaterThan(20);
  });
});

describe('unknown commands with awkward bytes', () => {
  it('truncate at NUL and turn newlines into spaces, as Redis does', async () => {
    await d.do('FOO', 'a\nb');
    await d.do('FOO', 'a\x00b', 'c');
    await d.do('FOO\r\nBAR', 'x');
    await d.do('CONFIG', 'nosuch\nsub');
    await d.do('x'.repeat(200), 'y'.repeat(200));
  });
});
