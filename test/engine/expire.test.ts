import { describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/engine/bytes.js';
import { Engine } from '../../src/engine/engine.js';
import { activeExpireCycle } from '../../src/engine/expire.js';
import type { Reply } from '../../src/engine/reply.js';

/** An engine whose clock the test moves. */
function setup(options: { effort?: number } = {}) {
  let t = 1_700_000_000_000;
  const engine = new Engine({ timers: false, clock: () => t, config: { activeExpireEffort: options.effort ?? 1 } });
  const s = engine.createSession();
  const exec = (...argv: Bytes[]) => s.execute(argv) as Reply;
  return {
    engine,
    exec,
    advance(ms: number) {
      t += ms;
    },
    /** `n` keys named prefix:i, with a TTL of ttlMs when given. */
    fill(prefix: string, n: number, ttlMs?: number, db = 0) {
      exec('SELECT', String(db));
      for (let i = 0; i < n; i++) {
        exec('SET', `${prefix}:${i}`, 'v');
        if (ttlMs !== undefined) exec('PEXPIRE', `${prefix}:${i}`, String(ttlMs));
      }
      exec('SELECT', '0');
    },
  };
}

describe('active expire cycle (expire.c activeExpireCycle, slow)', () => {
  it('reclaims keys past their TTL without any access', () => {
    const { engine, advance, fill } = setup();
    fill('k', 100, 100);
    fill('p', 10);
    fill('other', 30, 100, 5);
    advance(101);
    expect(engine.dbs[0]!.size).toBe(110);
    engine.cron();
    // Everything sampled was stale, so the cycle kept going until the dbs were clean.
    expect(engine.dbs[0]!.size).toBe(10);
    expect(engine.dbs[0]!.expires.size).toBe(0);
    expect(engine.dbs[5]!.size).toBe(0);
    expect(engine.stats.expiredKeys).toBe(130);
  });

  it('leaves keys whose TTL has not passed', () => {
    const { engine, advance, fill } = setup();
    fill('k', 50, 1000);
    advance(999);
    engine.cron();
    expect(engine.dbs[0]!.size).toBe(50);
    expect(engine.activeExpire.lastExpired).toBe(0);
    expect(engine.activeExpire.lastSampled).toBe(20);
  });

  it('samples keys_per_loop keys and stops when no more than 10% of them were stale', () => {
    const { engine, advance, fill } = setup();
    fill('live', 990, 1_000_000);
    fill('dead', 10, 10); // 1% stale
    advance(20);
    engine.cron();
    // One round of 20 on db 0 (the other dbs have no volatile keys): <= 10% stale, stop.
    expect(engine.activeExpire.lastSampled).toBe(20);
    expect(engine.dbs[0]!.size).toBeGreaterThanOrEqual(990);
    // Repeated cycles continue from the saved cursor and eventually reclaim all of them.
    for (let i = 0; i < 60; i++) engine.cron();
    expect(engine.dbs[0]!.size).toBe(990);
  });

  it('repeats on a db while more than 10% of the sample was stale', () => {
    const { engine, advance, fill } = setup();
    // Interleave: one stale key in four.
    const { exec } = { exec: (...a: Bytes[]) => engine.createSession().execute(a) };
    for (let i = 0; i < 400; i++) {
      exec('SET', `k:${i}`, 'v');
      exec('PEXPIRE', `k:${i}`, i % 4 === 0 ? '10' : '1000000');
    }
    advance(20);
    engine.cron();
    const st = engine.activeExpire;
    expect(st.lastSampled).toBeGreaterThan(20);
    expect(st.lastExpired).toBe(100);
    expect(engine.dbs[0]!.size).toBe(300);
    // 25% stale in every round until the end, where the last rounds find none.
    expect(st.lastSampled % 20).toBe(0);
  });

  it('the boundary is integer percent, as expire.c computes it', () => {
    // 2 stale of 20 sampled = 10% exactly: not > 10, so one round only.
    const { engine, advance } = setup();
    const s = engine.createSession();
    for (let i = 0; i < 40; i++) {
      s.execute(['SET', `k:${i}`, 'v']);
      s.execute(['PEXPIRE', `k:${i}`, i === 3 || i === 7 ? '10' : '1000000']);
    }
    advance(20);
    engine.cron();
    expect(engine.activeExpire.lastSampled).toBe(20);
    expect(engine.activeExpire.lastExpired).toBe(2);
  });

  it('active-expire-effort raises keys_per_loop by 5 per step', () => {
    const { engine, advance, fill } = setup({ effort: 3 });
    fill('k', 100, 1_000_000);
    advance(1);
    engine.cron();
    expect(engine.activeExpire.lastSampled).toBe(30);
  });

  it('stops on its time budget, checked every 16 rounds', () => {
    const { engine, advance, fill } = setup();
    fill('k', 5000, 10);
    advance(20);
    let us = 0;
    // Every clock read moves 30 ms: the 25 ms budget (hz 10) is found exceeded at round 16.
    activeExpireCycle(engine, { now: () => (us += 30000) });
    const st = engine.activeExpire;
    expect(st.timelimitExit).toBe(true);
    expect(st.statTimeCapReached).toBe(1);
    expect(st.lastIterations).toBe(16);
    expect(st.lastExpired).toBe(16 * 20);
    expect(engine.dbs[0]!.size).toBe(5000 - 320);
  });

  it('does nothing while disabled (DEBUG SET-ACTIVE-EXPIRE 0)', () => {
    const { engine, advance, fill } = setup();
    fill('k', 10, 10);
    advance(20);
    engine.activeExpire.enabled = false;
    engine.cron();
    expect(engine.dbs[0]!.size).toBe(10);
    engine.activeExpire.enabled = true;
    engine.cron();
    expect(engine.dbs[0]!.size).toBe(0);
  });

  it('propagates each reclaimed key as its own DEL, in its db', () => {
    const { engine, advance, fill } = setup();
    fill('a', 2, 10);
    fill('b', 1, 10, 3);
    const seen: string[] = [];
    engine.onPropagate((db, argv) => seen.push(`${db} ${argv.join(' ')}`));
    advance(20);
    engine.cron();
    expect(seen.sort()).toEqual(['0 DEL a:0', '0 DEL a:1', '3 DEL b:0']);
  });

  it('fires "expired" keyspace events', () => {
    const { engine, advance, fill } = setup();
    engine.config.notifyKeyspaceEvents = 'Ex';
    const sub = engine.createSession();
    const got: unknown[] = [];
    sub.onPush = (r) => got.push(r);
    sub.execute(['SUBSCRIBE', '__keyevent@0__:expired']);
    fill('a', 1, 10);
    advance(20);
    engine.cron();
    expect(JSON.stringify(got)).toContain('a:0');
  });
});

describe('a key past its TTL is invisible to every command', () => {
  it('GET EXISTS TYPE TTL KEYS SCAN RANDOMKEY agree; DBSIZE counts it until reclaimed', () => {
    const { engine, exec, advance } = setup();
    exec('SET', 'gone', 'v');
    exec('PEXPIRE', 'gone', '100');
    exec('SET', 'kept', 'v');
    advance(100);
    // At exactly the expiry time the key is already gone for lookups.
    advance(1);
    expect(exec('DBSIZE')).toBe(2);
    expect(exec('KEYS', '*')).toEqual(['kept']);
    expect(exec('SCAN', '0', 'MATCH', 'k*')).toEqual(['0', ['kept']]);
    expect(exec('DBSIZE')).toBe(2); // MATCH filtered it before the expiry check
    expect(exec('GET', 'gone')).toBe(null);
    expect(exec('DBSIZE')).toBe(1);
    exec('SET', 'gone2', 'v');
    exec('PEXPIRE', 'gone2', '5');
    advance(6);
    expect(exec('EXISTS', 'gone2')).toBe(0);
    exec('SET', 'gone3', 'v');
    exec('PEXPIRE', 'gone3', '5');
    advance(6);
    expect((exec('TYPE', 'gone3') as { text: string }).text).toBe('none');
    exec('SET', 'gone4', 'v');
    exec('PEXPIRE', 'gone4', '5');
    advance(6);
    expect(exec('TTL', 'gone4')).toBe(-2);
    exec('SET', 'gone5', 'v');
    exec('PEXPIRE', 'gone5', '5');
    advance(6);
    expect(exec('SCAN', '0')).toEqual(['0', ['kept']]);
    expect(exec('DBSIZE')).toBe(1);
    exec('SET', 'gone6', 'v');
    exec('PEXPIRE', 'gone6', '5');
    advance(6);
    for (let i = 0; i < 20; i++) expect(exec('RANDOMKEY')).toBe('kept');
    expect(exec('RENAME', 'gone6', 'x')).toMatchObject({ message: 'ERR no such key' });
    expect(exec('OBJECT', 'ENCODING', 'gone6')).toBe(null);
    expect(exec('DBSIZE')).toBe(1);
    expect(engine.stats.expiredKeys).toBe(6);
  });

  it('TTL counts down with the clock and rounds to the nearest second', () => {
    const { exec, advance } = setup();
    exec('SET', 'k', 'v');
    exec('PEXPIRE', 'k', '10000');
    expect(exec('TTL', 'k')).toBe(10);
    expect(exec('PTTL', 'k')).toBe(10000);
    advance(1499);
    expect(exec('PTTL', 'k')).toBe(8501);
    expect(exec('TTL', 'k')).toBe(9);
    advance(2);
    expect(exec('TTL', 'k')).toBe(8);
    advance(8498);
    expect(exec('PTTL', 'k')).toBe(1);
    expect(exec('TTL', 'k')).toBe(0);
  });
});
