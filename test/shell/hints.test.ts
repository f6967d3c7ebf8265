import { describe, expect, it } from 'vitest';
import { CommandTable } from '../../src/commands/table.js';
import { Engine } from '../../src/engine/engine.js';
import { commonPrefix, complete, KeySampler, keyAsTyped, tokenize, words, type CompletionContext } from '../../src/shell/complete.js';
import { helpText } from '../../src/shell/help.js';
import { hintForLine, synopsis } from '../../src/shell/hints.js';
import { META_COMMANDS } from '../../src/shell/meta.js';
import { StringObject } from '../../src/engine/types/string.js';

const table = CommandTable.standard();
const hint = (l: string) => hintForLine(table, l, words(l));

describe('hints (redis-cli 7.2 matchArgs / addHintForArguments)', () => {
  it('appear after the command name and shrink as arguments are typed', () => {
    expect(hint('GET')).toBeNull();
    expect(hint('GET ')).toBe('key');
    // The word being typed does not count until a space follows it.
    expect(hint('GET k')).toBe(' key');
    expect(hint('GET k ')).toBeNull();
    expect(hint('SET ')).toBe(
      'key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]',
    );
    expect(hint('set k v ')).toBe('[NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]');
    expect(hint('SET k v NX ')).toBe('[GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]');
    // A started option is completed first.
    expect(hint('SET k v EX ')).toBe('seconds [NX|XX] [GET]');
    expect(hint('SET k v EX 10 ')).toBe('[NX|XX] [GET]');
  });

  it('follow repeated arguments, tokens, subcommands and types', () => {
    expect(hint('ZADD z ')).toBe('[NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]');
    expect(hint('ZADD z NX ')).toBe('[GT|LT] [CH] [INCR] score member [score member ...]');
    expect(hint('ZADD z 1 a ')).toBe('[score member ...]');
    expect(hint('MSET a 1 ')).toBe('[key value ...]');
    expect(hint('CONFIG GET ')).toBe('parameter [parameter ...]');
    expect(hint('OBJECT ENCODING ')).toBe('key');
    expect(hint('ZRANGE z 0 -1 ')).toBe('[BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]');
    expect(hint('ZRANGE z 0 -1 LIMIT ')).toBe('offset count [BYSCORE|BYLEX] [REV] [WITHSCORES]');
    // A word that cannot be an integer where one is required: no hint.
    expect(hint('EXPIRE k soon ')).toBeNull();
    expect(hint('NOSUCHCMD ')).toBeNull();
  });

  it('synopsis as HELP shows it', () => {
    expect(synopsis(table.lookup(['GETEX'])!.spec)).toBe('key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|PERSIST]');
  });
});

describe('HELP', () => {
  it('prints syntax, summary, since, complexity and group', () => {
    expect(helpText(table, ['get'], 'v')).toBe(
      '\n  GET key\n  summary: Get the value of a key\n  since: 1.0.0\n  complexity: O(1)\n  group: string\n\n',
    );
    const obj = helpText(table, ['OBJECT'], 'v');
    expect(obj).toContain('  OBJECT ENCODING key\n  summary: Inspect the internal encoding of a Redis object\n');
    const grp = helpText(table, ['@hyperloglog'], 'v');
    expect(grp).toContain('  PFADD key [element [element ...]]\n');
    expect(grp).not.toContain('group:');
    expect(helpText(table, [], 'redscope 1.0')).toMatch(/^redscope 1\.0\nTo get help about Redis commands type:/);
  });
});

describe('completion', () => {
  const keys = ['foo', 'foobar', 'k 1', 'caf\xc3\xa9'];
  const ctx: CompletionContext = { table, keys: (p) => keys.filter((k) => k.startsWith(p)), meta: META_COMMANDS };
  const c = (l: string) => complete(ctx, l).candidates;

  it('command names in the case typed', () => {
    expect(complete(ctx, 'HGETA')).toEqual({ start: 0, end: 5, candidates: ['HGETALL'] });
    expect(c('hgeta')).toEqual(['hgetall']);
    expect(c('ZRANGEB')).toEqual(['ZRANGEBYLEX', 'ZRANGEBYSCORE']);
  });

  it('subcommands', () => {
    expect(c('CONFIG G')).toEqual(['GET']);
    expect(c('OBJECT ENC')).toEqual(['ENCODING']);
    expect(c('XINFO S')).toEqual(['STREAM']);
    expect(c('xinfo s')).toEqual(['stream']);
  });

  it('keywords valid at the position', () => {
    expect(c('SET k v ')).toEqual(['EX', 'EXAT', 'GET', 'KEEPTTL', 'NX', 'PX', 'PXAT', 'XX']);
    expect(c('SET k v e')).toEqual(['ex', 'exat']);
    // After NX, XX is no longer possible (same oneof).
    expect(c('SET k v NX ')).toEqual(['EX', 'EXAT', 'GET', 'KEEPTTL', 'PX', 'PXAT']);
    expect(c('ZRANGE z 0 1 W')).toEqual(['WITHSCORES']);
    expect(c('ZADD z ')).toEqual(['CH', 'GT', 'INCR', 'LT', 'NX', 'XX']);
    // Where a value is due no keyword is offered.
    expect(c('SET k ')).toEqual([]);
  });

  it('config parameter names after CONFIG GET / SET', () => {
    expect(c('config get maxm')).toEqual(['maxmemory', 'maxmemory-policy', 'maxmemory-samples']);
    expect(c('CONFIG SET hash-max-l')).toEqual(['hash-max-listpack-entries', 'hash-max-listpack-value']);
    expect(c('CONFIG SET hash-max-z')).toEqual(['hash-max-ziplist-entries', 'hash-max-ziplist-value']);
  });

  it('key names where the argument is a key, quoted when needed', () => {
    expect(c('GET f')).toEqual(['foo', 'foobar']);
    expect(c('MGET a ')).toEqual(['"k 1"', 'café', 'foo', 'foobar']);
    expect(c('GET "k')).toEqual(['"k 1"']);
    expect(c('SET k v EX ')).toEqual([]);
  });

  it('help topics and meta-commands', () => {
    expect(c('help @so')).toEqual(['@sorted-set']);
    expect(c(':cl')).toEqual([':client']);
    expect(c(':client ')).toEqual(['list', 'new']);
    expect(c(':peek fo')).toEqual(['foo', 'foobar']);
  });

  it('common prefix and tokenizer', () => {
    expect(commonPrefix(['ZRANGEBYLEX', 'ZRANGEBYSCORE'])).toBe('ZRANGEBY');
    expect(tokenize('SET "a b" \'c')).toEqual([
      { start: 0, end: 3, value: 'SET', open: false },
      { start: 4, end: 9, value: 'a b', open: false },
      { start: 10, end: 12, value: 'c', open: true },
    ]);
    expect(keyAsTyped('plain')).toBe('plain');
    expect(keyAsTyped('a"b')).toBe('"a\\"b"');
    expect(keyAsTyped('\xff\x00')).toBe('"\\xff\\x00"');
  });
});

describe('key sampling', () => {
  it('visits a bounded number of keys per call and moves on like SCAN', () => {
    const engine = new Engine({ timers: false });
    const db = engine.dbs[0]!;
    for (let i = 0; i < 50000; i++) db.dict.set(`k:${i}`, new StringObject('v', 'embstr'));
    db.dict.set('zz-target', new StringObject('v', 'embstr'));
    const s = new KeySampler(10000, 50);
    const t0 = performance.now();
    const first = s.sample(db, 'zz', engine.mstime());
    expect(performance.now() - t0).toBeLessThan(200);
    expect(first).toEqual([]);
    let found: string[] = [];
    for (let i = 0; i < 6 && found.length === 0; i++) found = s.sample(db, 'zz', engine.mstime());
    expect(found).toEqual(['zz-target']);
    // Found once, it stays known.
    expect(s.sample(db, 'zz', engine.mstime())).toEqual(['zz-target']);
    // Expired keys are left out.
    db.expires.set('zz-target', engine.mstime() - 1);
    expect(s.sample(db, 'zz', engine.mstime())).toEqual([]);
    engine.close();
  });
});
