import { describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/engine/bytes.js';
import { Engine } from '../../src/engine/engine.js';
import { OOM } from '../../src/engine/errors.js';
import { EVPOOL_SIZE, EvictionPool, LFU_INIT_VAL, lfuLogIncr } from '../../src/engine/evict.js';
import {
  EXECABORT_OOM,
  performEvictions,
  rejectIfOom,
  USED_MEMORY_BASELINE,
  usedMemory,
  usedMemoryFull,
  usedMemoryPeak,
} from '../../src/engine/maxmemory.js';
import type { Config } from '../../src/engine/config.js';
import { ErrorReply, NULL_ARRAY, type Reply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';
import { datasetBytes } from '../../src/commands/memory.js';
import { loadKey } from '../../src/persistence/rdb/engine-bridge.js';
import { DICT_BUCKET_SIZE, DICT_ENTRY_SIZE, SizeModel } from '../../src/memory/model.js';

const T0 = 1_700_000_000_000;

/**
 * processCommand as the lead's dispatcher will run it: the time is set, arity errors come
 * first, then the maxmemory check (rejectIfOom), then the command. Test-only stand-in for the
 * one-line change in session.ts.
 */
function run(s: Session, ...argv: Bytes[]): Reply {
  const engine = s.engine;
  const entry = engine.commands.lookup(argv);
  if (entry) {
    const a = entry.spec.arity;
    if (!((a > 0 && a !== argv.length) || argv.length < -a)) {
      engine.commandTime = engine.mstime();
      const refused = rejectIfOom(s, entry);
      if (refused) return refused;
    }
  }
  return s.execute(argv) as Reply;
}

function setup(config: Partial<Config> = {}) {
  const clock = { now: T0 };
  const engine = new Engine({ timers: false, clock: () => clock.now, config });
  const s = engine.createSession();
  const r = (...argv: Bytes[]) => run(s, ...argv);
  /** Moves time and the command time the eviction sees. */
  const advance = (ms: number) => {
    clock.now += ms;
    engine.commandTime = clock.now;
  };
  const keys = () => new Set(engine.dbs[0]!.dict.keys());
  return { engine, s, r, clock, advance, keys };
}

const VALUE = 'x'.repeat(100);

/** Sets maxmemory so that roughly `n` keys of the `k:*` kind must go. */
function limitToEvict(engine: Engine, n: number, perKey: number): void {
  engine.config.maxmemory = usedMemory(engine) - n * perKey + Math.floor(perKey / 2);
}

/** Average bytes per key of db 0 (all the tests' keys look alike). */
function perKeyBytes(engine: Engine): number {
  let n = 0;
  for (const db of engine.dbs) n += db.size;
  return Math.round((usedMemory(engine) - USED_MEMORY_BASELINE) / n);
}

describe('eviction pool (evictionPoolPopulate insertion rule)', () => {
  it('keeps candidates in ascending idle order, best on the right', () => {
    const p = new EvictionPool();
    for (const idle of [5, 1, 9, 3]) p.insert(`k${idle}`, idle, 0);
    expect(p.slots.slice(0, 4).map((e) => e!.idle)).toEqual([1, 3, 5, 9]);
    expect(p.slots[4]).toBeNull();
    const best = p.popBest(() => true);
    expect(best!.key).toBe('k9');
  });

  it('when full, drops the smallest to insert a better one and ignores worse ones', () => {
    const p = new EvictionPool();
    for (let i = 1; i <= EVPOOL_SIZE; i++) p.insert(`k${i * 10}`, i * 10, 0);
    p.insert('worse', 5, 0); // below every entry: not inserted
    expect(p.slots.some((e) => e?.key === 'worse')).toBe(false);
    p.insert('mid', 55, 0); // inserted at k-1, the leftmost (10) falls off
    const idles = p.slots.map((e) => e!.idle);
    expect(idles[0]).toBe(20);
    expect(idles).toContain(55);
    expect([...idles].sort((a, b) => a - b)).toEqual(idles);
    expect(idles.length).toBe(EVPOOL_SIZE);
  });

  it('ghosts (keys gone since sampling) are skipped and removed', () => {
    const p = new EvictionPool();
    p.insert('a', 1, 0);
    p.insert('gone', 2, 0);
    const got = p.popBest((e) => e.key !== 'gone');
    expect(got!.key).toBe('a');
    expect(p.slots.every((e) => e === null)).toBe(true);
  });
});

describe('used_memory from the size model', () => {
  it('an empty engine reports the measured baseline', () => {
    const { engine } = setup();
    expect(usedMemory(engine)).toBe(USED_MEMORY_BASELINE);
  });

  it('equals the dataset bytes of MEMORY USAGE plus the hash tables', () => {
    const { engine, r } = setup();
    r('SET', 'a', VALUE);
    r('RPUSH', 'l', 'a', 'b', 'c');
    r('HSET', 'h', 'f', 'v');
    r('ZADD', 'z', '1', 'm');
    r('SADD', 's', '1', '2');
    r('SET', 'e', 'v', 'EX', '100');
    const tables =
      SizeModel.dictSlots(6) * DICT_BUCKET_SIZE + DICT_ENTRY_SIZE + SizeModel.dictSlots(1) * DICT_BUCKET_SIZE;
    expect(usedMemory(engine)).toBe(USED_MEMORY_BASELINE + datasetBytes(engine) + tables);
  });

  it('stays equal to a full recomputation through every kind of write', () => {
    const { engine, r, advance } = setup();
    const check = () => expect(usedMemory(engine)).toBe(usedMemoryFull(engine));
    check();
    r('SET', 'a', '1');
    check();
    r('APPEND', 'a', VALUE);
    check();
    for (let i = 0; i < 300; i++) r('RPUSH', 'list', `item:${i}`);
    check();
    for (let i = 0; i < 200; i++) r('HSET', 'hash', `f${i}`, `v${i}`);
    check();
    r('ZADD', 'z', '1', 'a', '2', 'b');
    r('SADD', 'set', 'x', 'y', 'z');
    r('XADD', 'st', '*', 'f', 'v');
    check();
    r('PEXPIRE', 'a', '50');
    check();
    r('RENAME', 'z', 'z2');
    check();
    r('MOVE', 'set', '3');
    check();
    r('SWAPDB', '0', '3');
    check();
    r('SWAPDB', '0', '3');
    r('LPOP', 'list', '250');
    check();
    r('DEL', 'hash');
    check();
    advance(100);
    expect(r('GET', 'a')).toBeNull(); // lazy expiry deletes it
    check();
    r('SET', 'b', 'v', 'PX', '10');
    usedMemory(engine);
    advance(20);
    engine.cron(); // active expiry
    check();
    r('SELECT', '3');
    r('FLUSHDB');
    r('SELECT', '0');
    check();
    r('FLUSHALL');
    check();
    expect(usedMemory(engine)).toBe(USED_MEMORY_BASELINE);
    expect(usedMemoryPeak(engine)).toBeGreaterThan(USED_MEMORY_BASELINE + 300 * 8);
    r('SET', 'after', 'flush');
    check();
  });

  it('notices keys added behind the hooks (a loader filling the dict)', () => {
    const { engine, r } = setup();
    r('SET', 'a', 'b');
    usedMemory(engine);
    loadKey(engine.dbs[0]!, 'direct', engine.dbs[0]!.dict.get('a')!, null);
    expect(usedMemory(engine)).toBe(usedMemoryFull(engine));
  });
});

describe('allkeys-lru', () => {
  function lruSetup(samples: number, n: number) {
    const env = setup({ maxmemoryPolicy: 'allkeys-lru', maxmemorySamples: samples });
    for (let i = 0; i < n; i++) env.r('SET', `k:${i}`, VALUE);
    env.advance(10_000);
    // Touch the upper half: those have been idle 10 s less than the rest.
    for (let i = n / 2; i < n; i++) env.r('GET', `k:${i}`);
    env.advance(10_000);
    return env;
  }

  it('evicts only untouched keys when sampling sees enough of them (samples 64)', () => {
    const { engine, keys } = lruSetup(64, 100);
    const per = perKeyBytes(engine);
    limitToEvict(engine, 20, per);
    expect(performEvictions(engine)).toBe(true);
    const left = keys();
    const evicted = [...Array(100).keys()].filter((i) => !left.has(`k:${i}`));
    expect(evicted.length).toBeGreaterThanOrEqual(19);
    expect(evicted.length).toBeLessThanOrEqual(21);
    expect(evicted.every((i) => i < 50)).toBe(true);
    expect(engine.stats.evictedKeys).toBe(evicted.length);
    expect(usedMemory(engine)).toBeLessThanOrEqual(engine.config.maxmemory);
  });

  it('with the default 5 samples the pool still prefers untouched keys', () => {
    const { engine, keys } = lruSetup(5, 1000);
    const per = perKeyBytes(engine);
    limitToEvict(engine, 200, per);
    expect(performEvictions(engine)).toBe(true);
    const left = keys();
    const evicted = [...Array(1000).keys()].filter((i) => !left.has(`k:${i}`));
    expect(evicted.length).toBeGreaterThanOrEqual(195);
    const untouched = evicted.filter((i) => i < 500).length;
    expect(untouched / evicted.length).toBeGreaterThan(0.9);
  });

  it('a write over the limit evicts first and then succeeds', () => {
    const { engine, r, keys } = lruSetup(64, 20);
    engine.config.maxmemory = usedMemory(engine);
    expect(r('SET', 'new', VALUE)).toEqual(expect.anything());
    // The SET fitted before it ran; the next command makes room for it by evicting the oldest.
    expect(r('SET', 'new2', VALUE)).not.toBeInstanceOf(ErrorReply);
    expect(engine.stats.evictedKeys).toBeGreaterThanOrEqual(1);
    const gone = [...Array(20).keys()].filter((i) => !keys().has(`k:${i}`));
    expect(gone.every((i) => i < 10)).toBe(true);
  });
});

describe('volatile policies', () => {
  function mixed(policy: Config['maxmemoryPolicy'], samples = 64) {
    const env = setup({ maxmemoryPolicy: policy, maxmemorySamples: samples });
    for (let i = 0; i < 100; i++) {
      if (i % 2) env.r('SET', `k:${i}`, VALUE, 'EX', String(1000 + i));
      else env.r('SET', `k:${i}`, VALUE);
    }
    return env;
  }

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'] as const) {
    it(`${policy} never evicts keys without a TTL, and fails with OOM when none are left`, () => {
      const { engine, r, keys } = mixed(policy);
      const per = perKeyBytes(engine);
      limitToEvict(engine, 10, per);
      expect(performEvictions(engine)).toBe(true);
      let left = keys();
      const evicted = [...Array(100).keys()].filter((i) => !left.has(`k:${i}`));
      expect(evicted.length).toBeGreaterThanOrEqual(9);
      expect(evicted.every((i) => i % 2 === 1)).toBe(true);
      engine.config.maxmemory = USED_MEMORY_BASELINE + 1000;
      expect(performEvictions(engine)).toBe(false);
      left = keys();
      expect(left.size).toBe(50);
      expect([...left].every((k) => Number(k.slice(2)) % 2 === 0)).toBe(true);
      expect(r('SET', 'more', 'v')).toBe(OOM);
      expect(r('GET', 'k:0')).toBe(VALUE);
      expect(r('DEL', 'k:0')).toBe(1);
    });
  }

  it('volatile-ttl evicts the soonest-expiring keys first', () => {
    const { engine, r, keys } = setup({ maxmemoryPolicy: 'volatile-ttl', maxmemorySamples: 64 });
    const order = [...Array(50).keys()].sort(() => Math.random() - 0.5);
    for (const i of order) r('SET', `t:${i}`, VALUE, 'EX', String(100 + i * 10));
    for (let i = 0; i < 20; i++) r('SET', `p:${i}`, VALUE);
    const per = perKeyBytes(engine);
    limitToEvict(engine, 10, per);
    expect(performEvictions(engine)).toBe(true);
    const left = keys();
    const evicted = [...Array(50).keys()].filter((i) => !left.has(`t:${i}`));
    expect(evicted).toEqual([...Array(evicted.length).keys()]);
    expect(evicted.length).toBeGreaterThanOrEqual(7);
  });

  it('volatile-ttl with the default samples still picks keys from the soonest part', () => {
    const { engine, r, keys } = setup({ maxmemoryPolicy: 'volatile-ttl' });
    for (let i = 0; i < 500; i++) r('SET', `t:${i}`, VALUE, 'EX', String(100 + i));
    const per = perKeyBytes(engine);
    limitToEvict(engine, 50, per);
    performEvictions(engine);
    const left = keys();
    const evicted = [...Array(500).keys()].filter((i) => !left.has(`t:${i}`));
    const mean = evicted.reduce((a, b) => a + b, 0) / evicted.length;
    expect(mean).toBeLessThan(125); // uniform choice would average ~250
  });
});

describe('LFU', () => {
  it('allkeys-lfu keeps frequently read keys', () => {
    const { engine, r, keys } = setup({ maxmemoryPolicy: 'allkeys-lfu', maxmemorySamples: 64 });
    for (let i = 0; i < 100; i++) r('SET', `k:${i}`, VALUE);
    for (let j = 0; j < 30; j++) for (let i = 0; i < 50; i++) r('GET', `k:${i}`);
    const per = perKeyBytes(engine);
    limitToEvict(engine, 30, per);
    expect(performEvictions(engine)).toBe(true);
    const left = keys();
    const evicted = [...Array(100).keys()].filter((i) => !left.has(`k:${i}`));
    expect(evicted.length).toBeGreaterThanOrEqual(29);
    expect(evicted.every((i) => i >= 50)).toBe(true);
  });

  it('OBJECT FREQ starts at 5, the first hit always counts, then grows logarithmically', () => {
    const { r } = setup({ maxmemoryPolicy: 'allkeys-lfu' });
    r('SET', 'k', 'v');
    expect(r('OBJECT', 'FREQ', 'k')).toBe(LFU_INIT_VAL);
    r('GET', 'k');
    expect(r('OBJECT', 'FREQ', 'k')).toBe(6);
    for (let i = 1; i < 100; i++) r('GET', 'k');
    const f = r('OBJECT', 'FREQ', 'k') as number;
    expect(f).toBeGreaterThanOrEqual(8);
    expect(f).toBeLessThanOrEqual(13);
  });

  it('the counter decays by one per lfu-decay-time minutes', () => {
    const { r, advance } = setup({ maxmemoryPolicy: 'allkeys-lfu', lfuDecayTime: 1 });
    r('SET', 'k', 'v');
    for (let i = 0; i < 100; i++) r('GET', 'k');
    const f = r('OBJECT', 'FREQ', 'k') as number;
    advance(3 * 60_000);
    expect(r('OBJECT', 'FREQ', 'k')).toBe(f - 3);
  });

  it("matches redis.conf's table of counter values by lfu-log-factor (roughly)", () => {
    const engine = new Engine({ timers: false });
    const median = (factor: number, hits: number) => {
      engine.config.lfuLogFactor = factor;
      const runs: number[] = [];
      for (let t = 0; t < 5; t++) {
        let c = LFU_INIT_VAL;
        for (let h = 0; h < hits; h++) c = lfuLogIncr(engine, c);
        runs.push(c);
      }
      return runs.sort((a, b) => a - b)[2]!;
    };
    // Medians of 5 runs; 300 simulated medians per cell stayed within ±5 (±15% when larger) of the table.
    // factor | 100 hits | 1000 hits | 100K hits | 1M hits (redis.conf)
    //   0    |   104    |    255    |    255    |   255
    //   1    |    18    |     49    |    255    |   255
    //  10    |    10    |     18    |    142    |   255
    // 100    |     8    |     11    |     49    |   143
    const near = (got: number, want: number) => {
      if (want === 255) expect(got).toBe(255);
      else expect(Math.abs(got - want)).toBeLessThanOrEqual(Math.max(5, want * 0.15));
    };
    near(median(0, 100), 104);
    near(median(0, 1000), 255);
    near(median(1, 100), 18);
    near(median(1, 1000), 49);
    near(median(10, 100), 10);
    near(median(10, 1000), 18);
    near(median(10, 100_000), 142);
    near(median(10, 1_000_000), 255);
    near(median(100, 100), 8);
    near(median(100, 1000), 11);
    near(median(100, 100_000), 49);
    engine.close();
  });
});

describe('random policies', () => {
  it('allkeys-random evicts until under the limit, from any db', () => {
    const { engine, r } = setup({ maxmemoryPolicy: 'allkeys-random' });
    for (let i = 0; i < 50; i++) r('SET', `a:${i}`, VALUE);
    r('SELECT', '1');
    for (let i = 0; i < 50; i++) r('SET', `b:${i}`, VALUE);
    const per = perKeyBytes(engine);
    limitToEvict(engine, 40, per);
    expect(performEvictions(engine)).toBe(true);
    const n0 = engine.dbs[0]!.size;
    const n1 = engine.dbs[1]!.size;
    expect(100 - n0 - n1).toBe(engine.stats.evictedKeys);
    // next_db alternates between the dbs that hold keys.
    expect(Math.abs(n0 - n1)).toBeLessThanOrEqual(1);
    expect(usedMemory(engine)).toBeLessThanOrEqual(engine.config.maxmemory);
  });
});

describe('noeviction and the OOM check (processCommand)', () => {
  function full() {
    const env = setup();
    for (let i = 0; i < 10; i++) env.r('SET', `k:${i}`, VALUE);
    env.engine.config.maxmemory = usedMemory(env.engine) - 1;
    return env;
  }

  it('refuses denyoom commands, serves reads and DEL, evicts nothing', () => {
    const { engine, r } = full();
    expect(r('SET', 'x', 'y')).toBe(OOM);
    expect(r('LPUSH', 'l', 'a')).toBe(OOM);
    expect(r('APPEND', 'k:1', 'a')).toBe(OOM);
    expect(r('GET', 'k:1')).toBe(VALUE);
    expect(r('EXISTS', 'k:1')).toBe(1);
    expect(r('EXPIRE', 'k:1', '100')).toBe(1); // write but not denyoom
    expect(engine.stats.evictedKeys).toBe(0);
    expect(r('DEL', 'k:2')).toBe(1);
    // Back under the limit: writes are accepted again.
    expect(r('SET', 'x', 'y')).not.toBeInstanceOf(ErrorReply);
    expect(engine.commandStats.get('set')!.rejectedCalls).toBe(1);
    expect(engine.errorStats.get('OOM')).toBe(3);
    expect(OOM.message).toBe("OOM command not allowed when used memory > 'maxmemory'.");
  });

  it('inside MULTI every queued command is refused and EXEC aborts', () => {
    const { r } = full();
    expect(r('MULTI')).toEqual(expect.anything());
    expect(r('GET', 'k:1')).toBe(OOM);
    expect((r('EXEC') as ErrorReply).message).toBe('EXECABORT Transaction discarded because of previous errors.');
  });

  it('EXEC of a queue with a denyoom command is aborted when memory went over the limit', () => {
    const { engine, r } = full();
    const limit = engine.config.maxmemory;
    engine.config.maxmemory = 0;
    r('MULTI');
    r('SET', 'x', '1');
    r('GET', 'x');
    engine.config.maxmemory = limit;
    expect(r('EXEC')).toBe(EXECABORT_OOM);
    expect(EXECABORT_OOM.message).toBe(
      "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.",
    );
    expect((r('DISCARD') as ErrorReply).message).toBe('ERR DISCARD without MULTI');
    expect(r('GET', 'x')).toBeNull();
  });

  it('EXEC of reads only still runs', () => {
    const { engine, r } = full();
    const limit = engine.config.maxmemory;
    engine.config.maxmemory = 0;
    r('MULTI');
    r('GET', 'k:1');
    engine.config.maxmemory = limit;
    expect(r('EXEC')).toEqual([VALUE]);
  });
});

describe('what an eviction does', () => {
  it('propagates DEL (one unit per key), notifies evicted, dirties WATCH, counts evicted_keys', () => {
    const { engine, r, s } = setup({ maxmemoryPolicy: 'allkeys-lru', notifyKeyspaceEvents: 'Ee' });
    r('SET', 'victim', VALUE);
    const propagated: Bytes[][] = [];
    engine.onPropagate((_db, argv) => propagated.push(argv));
    const sub = engine.createSession();
    const pushed: Reply[] = [];
    sub.onPush = (m) => pushed.push(m);
    sub.execute(['SUBSCRIBE', '__keyevent@0__:evicted']);
    const watcher = engine.createSession();
    watcher.execute(['WATCH', 'victim']);
    engine.config.maxmemory = USED_MEMORY_BASELINE + 1;
    expect(performEvictions(engine)).toBe(true);
    expect(engine.dbs[0]!.size).toBe(0);
    expect(propagated).toEqual([['DEL', 'victim']]);
    expect(pushed).toContainEqual(['message', '__keyevent@0__:evicted', 'victim']);
    watcher.execute(['MULTI']);
    watcher.execute(['PING']);
    expect(watcher.execute(['EXEC'])).toBe(NULL_ARRAY);
    expect(engine.stats.evictedKeys).toBe(1);
    const info = r('INFO', 'stats') as string;
    expect(info).toContain('evicted_keys:1\r\n');
    void s;
  });

  it('several evictions before one command are propagated as separate DELs, then the command', () => {
    const { engine, r } = setup({ maxmemoryPolicy: 'allkeys-lru', maxmemorySamples: 64 });
    for (let i = 0; i < 5; i++) r('SET', `k:${i}`, VALUE);
    const propagated: Bytes[][] = [];
    engine.onPropagate((_db, argv) => propagated.push(argv));
    engine.config.maxmemory = USED_MEMORY_BASELINE + 1;
    r('SET', 'x', 'y');
    expect(propagated.length).toBe(6);
    expect(propagated.slice(0, 5).every((a) => a[0] === 'DEL')).toBe(true);
    expect(propagated).not.toContainEqual(['MULTI']);
    expect(propagated[5]).toEqual(['SET', 'x', 'y']);
  });
});
