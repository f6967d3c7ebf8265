import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/engine/bytes.js';
import { datasetDigest, digestHex } from '../../src/engine/digest.js';
import { Engine } from '../../src/engine/engine.js';
import { ErrorReply, MapReply, NullArrayReply, StatusReply, type Reply } from '../../src/engine/reply.js';
import type { Session } from '../../src/engine/session.js';
import { HashObject } from '../../src/engine/types/hash.js';
import { keyToCommands } from '../../src/persistence/aof/rewrite-commands.js';
import { loadRdbIntoEngine, objectToValue } from '../../src/persistence/rdb/engine-bridge.js';
import { saveEngineRdb } from '../../src/persistence/rdb/save.js';

/**
 * Redis 7.4 hash field TTLs. The oracle CI can install (7.0.15) has none, so these tests pin
 * the semantics of t_hash.c (hexpireGenericCommand, httlGenericCommand, hpersistCommand,
 * hashTypeSetEx) on a clock we control; the 7.4.1 corpus (AOF replay and RDB digests, in
 * test/persistence/aof/replay.test.ts and test/cli/rdb-commands.test.ts) checks the data side
 * against real 7.4.1.
 */
const T0 = 1_800_000_000_000;
let now = T0;
let engine: Engine;
let s: Session;
let propagated: string[];

beforeEach(() => {
  now = T0;
  engine = new Engine({ timers: false, clock: () => now });
  s = engine.createSession();
  propagated = [];
  engine.onPropagate((_db, argv) => propagated.push(argv.join(' ')));
});

function run(...argv: Bytes[]): Reply {
  const r = s.execute(argv);
  engine.flushPropagation();
  return r as Reply;
}
const err = (r: Reply) => (r as ErrorReply).message;
const hash = (key: Bytes) => engine.dbs[0]!.dict.get(key) as HashObject;

describe('HEXPIRE family', () => {
  it('replies per field: -2 no field, 0 condition not met, 1 set, 2 deleted', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    expect(run('HEXPIRE', 'h', '100', 'FIELDS', '2', 'a', 'zz')).toEqual([1, -2]);
    expect(run('HEXPIRE', 'h', '50', 'GT', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(run('HEXPIRE', 'h', '150', 'GT', 'FIELDS', '1', 'a')).toEqual([1]);
    expect(run('HEXPIRE', 'h', '150', 'LT', 'FIELDS', '1', 'a')).toEqual([0]);
    expect(run('HEXPIRE', 'h', '10', 'lt', 'FIELDS', '1', 'a')).toEqual([1]);
    // A field without a TTL never expires: GT is never met, LT always is.
    expect(run('HEXPIRE', 'h', '10', 'GT', 'FIELDS', '1', 'b')).toEqual([0]);
    expect(run('HEXPIRE', 'h', '10', 'XX', 'FIELDS', '1', 'b')).toEqual([0]);
    expect(run('HEXPIRE', 'h', '10', 'NX', 'FIELDS', '2', 'b', 'a')).toEqual([1, 0]);
    expect(run('HEXPIRE', 'h', '0', 'FIELDS', '1', 'c')).toEqual([2]);
    expect(run('HGETALL', 'h')).toEqual(new MapReply([['a', '1'], ['b', '2']]));
    expect(run('HEXPIRE', 'missing', '10', 'FIELDS', '2', 'a', 'b')).toEqual([-2, -2]);
  });

  it('the four forms agree on the absolute time; HPEXPIRETIME and HEXPIRETIME read it back', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    run('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    run('HPEXPIRE', 'h', '100500', 'FIELDS', '1', 'b');
    run('HEXPIREAT', 'h', String(T0 / 1000 + 100), 'FIELDS', '1', 'c');
    run('HPEXPIREAT', 'h', String(T0 + 100_001), 'FIELDS', '1', 'd');
    expect(run('HPEXPIRETIME', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'd')).toEqual([T0 + 100_000, T0 + 100_500, T0 + 100_000, T0 + 100_001]);
    // Seconds round up: (expire + 999) / 1000.
    expect(run('HEXPIRETIME', 'h', 'FIELDS', '2', 'b', 'd')).toEqual([T0 / 1000 + 101, T0 / 1000 + 101]);
    now += 250;
    expect(run('HPTTL', 'h', 'FIELDS', '3', 'a', 'b', 'nope')).toEqual([99_750, 100_250, -2]);
    expect(run('HTTL', 'h', 'FIELDS', '2', 'a', 'b')).toEqual([100, 101]);
  });

  it('errors are Redis 7.4 strings, checked in its order', () => {
    run('HSET', 'h', 'a', '1');
    run('SET', 's', 'x');
    expect(err(run('HEXPIRE', 's', '10', 'FIELDS', '1', 'a'))).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(err(run('HEXPIRE', 'h', 'x', 'FIELDS', '1', 'a'))).toBe('ERR value is not an integer or out of range');
    expect(err(run('HEXPIRE', 'h', '-1', 'FIELDS', '1', 'a'))).toBe('ERR invalid expire time, must be >= 0');
    expect(err(run('HEXPIRE', 'h', String(2 ** 46), 'FIELDS', '1', 'a'))).toBe("ERR invalid expire time in 'hexpire' command");
    expect(err(run('HPEXPIRE', 'h', String(2 ** 46), 'FIELDS', '1', 'a'))).toBe("ERR invalid expire time in 'hpexpire' command");
    expect(err(run('HEXPIRE', 'h', '10', 'XX', 'FIELD', '1', 'a'))).toBe('ERR Mandatory argument FIELDS is missing or not at the right position');
    expect(err(run('HEXPIRE', 'h', '10', 'FIELDS', '0', 'a'))).toBe('ERR Parameter `numFields` should be greater than 0');
    expect(err(run('HEXPIRE', 'h', '10', 'FIELDS', '2', 'a'))).toBe('ERR The `numfields` parameter must match the number of arguments');
    expect(err(run('HTTL', 'h', 'FIELDS', '-1', 'a'))).toBe('ERR Number of fields must be a positive integer');
    expect(err(run('HPERSIST', 'h', 'FIELDS', '1', 'a', 'b'))).toBe('ERR The `numfields` parameter must match the number of arguments');
    expect(err(run('HTTL', 'h', 'a'))).toBe("ERR wrong number of arguments for 'httl' command");
    expect(err(run('HEXPIRE', 'h', '10', 'FIELDS', '1'))).toBe("ERR wrong number of arguments for 'hexpire' command");
  });

  it('propagates HPEXPIREAT with the absolute time and only the fields it set; a past time as HDEL', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    propagated = [];
    run('HEXPIRE', 'h', '100', 'NX', 'FIELDS', '3', 'a', 'zz', 'b');
    run('HEXPIRE', 'h', '100', 'NX', 'FIELDS', '1', 'a'); // nothing set: nothing propagated
    run('HPEXPIRE', 'h', '0', 'FIELDS', '1', 'c');
    run('HTTL', 'h', 'FIELDS', '1', 'a');
    expect(propagated).toEqual([`HPEXPIREAT h ${T0 + 100_000} NX FIELDS 2 a b`, 'HDEL h c']);
  });
});

describe('encodings and the write commands around them', () => {
  it('a listpack becomes listpackex on the first TTL command and stays so; hashtable keeps TTLs', () => {
    run('HSET', 'h', 'a', '1');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('listpack');
    run('HEXPIRE', 'h', '10', 'FIELDS', '1', 'missing');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('listpackex');
    run('HEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
    run('HPERSIST', 'h', 'FIELDS', '1', 'a');
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('listpackex');
    run('HEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
    run('HSET', 'h', 'big', 'x'.repeat(65));
    expect(run('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    expect(run('HTTL', 'h', 'FIELDS', '2', 'a', 'big')).toEqual([10, -1]);
  });

  it('HSET and HMSET drop a field TTL; HINCRBY, HINCRBYFLOAT and HSETNX keep it', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    run('HEXPIRE', 'h', '100', 'FIELDS', '4', 'a', 'b', 'c', 'd');
    run('HSET', 'h', 'a', '5');
    run('HMSET', 'h', 'b', '5');
    run('HINCRBY', 'h', 'c', '1');
    run('HINCRBYFLOAT', 'h', 'd', '1.5');
    run('HSETNX', 'h', 'd', 'x');
    expect(run('HTTL', 'h', 'FIELDS', '4', 'a', 'b', 'c', 'd')).toEqual([-1, -1, 100, 100]);
  });

  it('HINCRBYFLOAT on a field with a TTL propagates HSET then the TTL, so a replay keeps it', () => {
    run('HSET', 'h', 'd', '1');
    run('HEXPIRE', 'h', '100', 'FIELDS', '1', 'd');
    propagated = [];
    run('HINCRBYFLOAT', 'h', 'd', '1.5');
    expect(propagated).toEqual(['MULTI', 'HSET h d 2.5', `HPEXPIREAT h ${T0 + 100_000} FIELDS 1 d`, 'EXEC']);
  });

  it('HPERSIST: -2 no field, -1 no TTL, 1 removed', () => {
    run('HSET', 'plain', 'a', '1');
    expect(run('HPERSIST', 'plain', 'FIELDS', '2', 'a', 'b')).toEqual([-1, -2]);
    expect(run('OBJECT', 'ENCODING', 'plain')).toBe('listpack');
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    expect(run('HPERSIST', 'h', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([1, -1, -2]);
    expect(run('HPERSIST', 'missing', 'FIELDS', '1', 'a')).toEqual([-2]);
    expect(run('HTTL', 'h', 'FIELDS', '1', 'a')).toEqual([-1]);
  });
});

describe('expiry', () => {
  it('lazy: a command never sees an expired field; each goes as HDEL; the last one takes the key', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
    run('HPEXPIRE', 'h', '100', 'FIELDS', '2', 'a', 'b');
    run('HPEXPIRE', 'h', '200', 'FIELDS', '1', 'c');
    propagated = [];
    now += 100;
    expect(run('HLEN', 'h')).toBe(3); // at the deadline, not past it (expire < now)
    now += 1;
    expect(run('HGET', 'h', 'a')).toBe(null);
    expect(run('HLEN', 'h')).toBe(1);
    // Deletions met by one command go out with it, as one unit (propagatePendingCommands).
    expect(propagated).toEqual(['MULTI', 'HDEL h a', 'HDEL h b', 'EXEC']);
    now += 100;
    expect(run('HGETALL', 'h')).toEqual(new MapReply([]));
    expect(run('EXISTS', 'h')).toBe(0);
  });

  it('active: the cron removes expired fields nobody reads, and the emptied key', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HSET', 'g', 'a', '1');
    run('HPEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
    run('HPEXPIRE', 'g', '10', 'FIELDS', '1', 'a');
    propagated = [];
    now += 11;
    engine.cron();
    expect(hash('h').size).toBe(1);
    expect(engine.dbs[0]!.dict.has('g')).toBe(false);
    expect(propagated.sort()).toEqual(['HDEL g a', 'HDEL h a']);
  });

  it('SORT … GET h->field does not read a field past its TTL, reclaimed or not', () => {
    run('RPUSH', 'l', '1', '2');
    run('HSET', 'w1', 'v', 'one');
    run('HSET', 'w2', 'v', 'two', 'x', 'y');
    run('HPEXPIRE', 'w2', '10', 'FIELDS', '1', 'v');
    expect(run('SORT', 'l', 'GET', 'w*->v')).toEqual(['one', 'two']);
    now += 11;
    expect(run('SORT', 'l', 'GET', 'w*->v')).toEqual(['one', null]);
  });

  it('RENAME, COPY and MOVE carry the TTLs, and the cron still finds the hash under its new name', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HPEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    run('RENAME', 'h', 'h2');
    run('COPY', 'h2', 'h3');
    run('MOVE', 'h3', '1');
    expect(run('HPTTL', 'h2', 'FIELDS', '2', 'a', 'b')).toEqual([100, -1]);
    now += 101;
    engine.cron();
    expect(hash('h2').size).toBe(1);
    expect((engine.dbs[1]!.dict.get('h3') as HashObject).size).toBe(1);
  });

  it('WATCH sees a field expiring', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HPEXPIRE', 'h', '10', 'FIELDS', '1', 'a');
    run('WATCH', 'h');
    now += 11;
    const other = engine.createSession();
    other.execute(['HGET', 'h', 'a']);
    run('MULTI');
    run('HSET', 'h', 'x', '1');
    expect(run('EXEC')).toBeInstanceOf(NullArrayReply);
    expect(run('HGET', 'h', 'x')).toBe(null);
  });
});

describe('the dataset side', () => {
  it('DEBUG DIGEST-VALUE marks a field that has a TTL, not its time', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HSET', 'g', 'a', '1', 'b', '2');
    const plain = run('DEBUG', 'DIGEST-VALUE', 'h');
    run('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    const marked = run('DEBUG', 'DIGEST-VALUE', 'h');
    expect(marked).not.toEqual(plain);
    run('HEXPIRE', 'g', '5000', 'FIELDS', '1', 'a');
    expect(run('DEBUG', 'DIGEST-VALUE', 'g')).toEqual(marked);
    run('HPERSIST', 'h', 'FIELDS', '1', 'a');
    expect(run('DEBUG', 'DIGEST-VALUE', 'h')).toEqual(plain);
  });

  it('DUMP writes RDB 12 only for a hash with field TTLs; RESTORE brings the TTLs back', () => {
    run('HSET', 'h', 'a', '1', 'b', '2');
    run('HSET', 'plain', 'a', '1');
    const version = (p: Reply) => Buffer.from(p as string, 'latin1').readUInt16LE((p as string).length - 10);
    expect(version(run('DUMP', 'plain'))).toBe(11);
    run('HEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
    const payload = run('DUMP', 'h') as string;
    expect(version(payload)).toBe(12);
    expect(payload.charCodeAt(0)).toBe(25); // RDB_TYPE_HASH_LISTPACK_EX
    expect(run('RESTORE', 'h2', '0', payload)).toEqual(new StatusReply('OK'));
    expect(run('HPEXPIRETIME', 'h2', 'FIELDS', '2', 'a', 'b')).toEqual([T0 + 100_000, -1]);
    expect(run('OBJECT', 'ENCODING', 'h2')).toBe('listpackex');
  });

  it('AOF rewrite commands rebuild the same TTLs (replayed into a fresh engine: same digest)', () => {
    run('HSET', 'h', 'a', '1', 'b', '2', 'big', 'x'.repeat(100));
    run('HEXPIRE', 'h', '100', 'FIELDS', '2', 'a', 'big');
    const cmds = keyToCommands('h', objectToValue(hash('h')), null)!;
    const other = new Engine({ timers: false, clock: () => now });
    const o = other.createSession();
    for (const c of cmds) o.execute(c);
    expect(digestHex(datasetDigest(other))).toBe(digestHex(datasetDigest(engine)));
    expect(o.execute(['HPEXPIRETIME', 'h', 'FIELDS', '3', 'a', 'b', 'big'])).toEqual([T0 + 100_000, -1, T0 + 100_000]);
  });

  it('SAVE writes RDB 12 when field TTLs exist and loading keeps them; expired fields do not load', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-hfe-'));
    try {
      run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3');
      run('HPEXPIRE', 'h', '100', 'FIELDS', '1', 'a');
      run('HPEXPIRE', 'h', '5000', 'FIELDS', '1', 'b');
      const file = path.join(dir, 'dump.rdb');
      saveEngineRdb(engine, file);
      expect(fs.readFileSync(file).subarray(0, 9).toString('latin1')).toBe('REDIS0012');
      const loaded = new Engine({ timers: false, clock: () => T0 + 1000 });
      await loadRdbIntoEngine(file, loaded);
      const l = loaded.createSession();
      expect(l.execute(['HPEXPIRETIME', 'h', 'FIELDS', '3', 'a', 'b', 'c'])).toEqual([-2, T0 + 5000, -1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

afterAll(() => engine?.close());
