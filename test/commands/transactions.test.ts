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
