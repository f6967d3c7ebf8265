import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.js';

describe('bench/run.js --json', () => {
  it('reports every row, redscope beside ioredis-mock, n/a as null', async () => {
    const r = await run(process.execPath, [path.join(ROOT, 'bench/run.js'), '--json', '--time', '30'], '', 120000);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.toString()) as {
      results: Array<{ name: string; redscope: number | null; ioredisMock: number | null; ratio: number | null }>;
    };
    const names = out.results.map((x) => x.name);
    expect(names).toEqual([
      'SET', 'GET', 'INCR', 'LPUSH', 'HSET', 'ZADD (10k-member zset)', 'ZRANGE z 0 9 (10k)', 'mixed pipeline',
      'EVALSHA 2-call script',
    ]);
    for (const row of out.results) {
      // ioredis-mock has no scripting: that row has no figure to compare with.
      if (row.name.startsWith('EVALSHA')) {
        expect(row.ioredisMock).toBeNull();
        expect(row.redscope).toBeGreaterThan(0);
        continue;
      }
      expect(row.ioredisMock).toBeGreaterThan(0);
      if (row.redscope !== null) {
        const exact = row.redscope / row.ioredisMock!;
        expect(Math.abs(row.ratio! - exact) / exact).toBeLessThan(0.01);
      } else {
        expect(row.ratio).toBeNull();
      }
    }
    const set = out.results.find((x) => x.name === 'SET')!;
    expect(set.redscope).toBeGreaterThan(0);
  }, 120000);
});
