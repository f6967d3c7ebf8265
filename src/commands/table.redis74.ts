import type { ArgSpec, CommandSpec } from './spec.js';

/**
 * Redis 7.4's hash field TTL commands (HEXPIRE family, HTTL family, HPERSIST), as 7.4's
 * COMMAND INFO / COMMAND DOCS describe them. Not in the generated table: that one comes from
 * the 7.0.15 server CI installs, and these are newer than the 7.2 target. redscope carries
 * them because AOFs and RDBs written by 7.4 hold them (see the differences table,
 * test/helpers/differences.ts, row 'hash-field-ttl').
 */
const key: ArgSpec = { name: 'key', type: 'key', key_spec_index: 0 };
const condition: ArgSpec = {
  name: 'condition',
  type: 'oneof',
  flags: ['optional'],
  arguments: ['nx', 'xx', 'gt', 'lt'].map((t) => ({ name: t, type: 'pure-token' as const, token: t.toUpperCase() })),
};
const fields: ArgSpec = {
  name: 'fields',
  type: 'block',
  token: 'FIELDS',
  arguments: [
    { name: 'numfields', type: 'integer' },
    { name: 'field', type: 'string', flags: ['multiple'] },
  ],
};
const COMPLEXITY = 'O(N) where N is the number of specified fields';

function spec(name: string, arity: number, kind: 'write' | 'read', summary: string, args: ArgSpec[]): CommandSpec {
  const write = kind === 'write';
  return {
    name,
    arity,
    flags: write ? (name === 'hpersist' ? ['write', 'fast'] : ['write', 'denyoom', 'fast']) : ['readonly', 'fast'],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    aclCategories: [write ? '@write' : '@read', '@hash', '@fast'],
    tips: [],
    keySpecs: [
      {
        flags: write ? ['RW', 'update'] : ['RO', 'access'],
        begin_search: { type: 'index', spec: { index: 1 } },
        find_keys: { type: 'range', spec: { lastkey: 0, keystep: 1, limit: 0 } },
      },
    ],
    docs: { summary, since: '7.4.0', group: 'hash', complexity: COMPLEXITY, arguments: args },
  };
}

const expireSpec = (name: string, what: string, type: 'integer' | 'unix-time', summary: string) =>
  spec(name, -6, 'write', summary, [key, { name: what, type }, condition, fields]);
const readSpec = (name: string, summary: string) => spec(name, -5, 'read', summary, [key, fields]);

export const REDIS_74_HASH_FIELD_TTL_SPECS: CommandSpec[] = [
  expireSpec('hexpire', 'seconds', 'integer', 'Set expiry for hash field using relative time to expire (seconds)'),
  expireSpec('hexpireat', 'unix-time-seconds', 'unix-time', 'Set expiry for hash field using an absolute Unix timestamp (seconds)'),
  readSpec('hexpiretime', 'Returns the expiration time of a hash field as a Unix timestamp, in seconds.'),
  spec('hpersist', -5, 'write', 'Removes the expiration time for each specified field', [key, fields]),
  expireSpec('hpexpire', 'milliseconds', 'integer', 'Set expiry for hash field using relative time to expire (milliseconds)'),
  expireSpec('hpexpireat', 'unix-time-milliseconds', 'unix-time', 'Set expiry for hash field using an absolute Unix timestamp (milliseconds)'),
  readSpec('hpexpiretime', 'Returns the expiration time of a hash field as a Unix timestamp, in msec.'),
  readSpec('hpttl', 'Returns the TTL in milliseconds of a hash field.'),
  readSpec('httl', 'Returns the TTL in seconds of a hash field.'),
];
