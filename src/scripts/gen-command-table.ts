/**
 * Regenerates src/commands/table.generated.ts from a real redis-server's COMMAND INFO and
 * COMMAND DOCS (Debian's 7.0.15, BSD-licensed), then applies the Redis 7.2 changes listed in
 * REDIS_72_TABLE_CHANGES. Run: npm run build && node dist/scripts/gen-command-table.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoolReply, MapReply, type Reply, SetReply, StatusReply } from '../engine/reply.js';
import type { CommandDocs, CommandSpec, KeySpec } from '../commands/spec.js';
import { startRealRedis } from '../testing/real-redis.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function toJson(r: Reply): Json {
  if (typeof r === 'string' || typeof r === 'number' || r === null) return r;
  if (typeof r === 'bigint') return Number(r);
  if (Array.isArray(r)) return r.map(toJson);
  if (r instanceof StatusReply) return r.text;
  if (r instanceof SetReply) return r.items.map(toJson);
  if (r instanceof BoolReply) return r.value;
  if (r instanceof MapReply) {
    const o: { [k: string]: Json } = {};
    for (const [k, v] of r.entries) o[String(toJson(k))] = toJson(v);
    return o;
  }
  throw new Error('unexpected reply in command metadata');
}

function infoToSpec(info: Json[], docsByName: Record<string, Json>): CommandSpec {
  const [name, arity, flags, first, last, step, acl, tips, keySpecs, subs] = info as [
    string, number, string[], number, number, number, string[], string[], Json[], Json[][],
  ];
  const docs = (docsByName[name] ?? {}) as unknown as CommandDocs & { subcommands?: Record<string, Json> };
  const subDocs = (docs.subcommands ?? {}) as Record<string, Json>;
  const { subcommands: _ignored, ...ownDocs } = docs;
  const spec: CommandSpec = {
    name,
    arity,
    flags: flags as CommandSpec['flags'],
    firstKey: first,
    lastKey: last,
    step,
    aclCategories: acl,
    tips,
    keySpecs: keySpecs as unknown as KeySpec[],
    docs: ownDocs as CommandDocs,
  };
  if (subs.length) spec.subcommands = subs.map((s) => infoToSpec(s, subDocs));
  return spec;
}

/**
 * Where Redis 7.2's table differs from 7.0.15's for commands we carry. Each entry is also a row
 * of the 7.0/7.2 difference table (test/compat/differences.ts).
 */
const REDIS_72_TABLE_CHANGES: Array<{ name: string; apply: (s: CommandSpec) => void; why: string }> = [
  {
    name: 'zrank',
    why: '7.2 added ZRANK … WITHSCORE (arity -3)',
    apply: (s) => {
      s.arity = -3;
      s.docs.history = [...(s.docs.history ?? []), ['7.2.0', 'Added the optional `WITHSCORE` argument.']];
      s.docs.arguments = [...(s.docs.arguments ?? []), { name: 'withscore', type: 'pure-token', token: 'WITHSCORE', flags: ['optional'] }];
    },
  },
  {
    name: 'zrevrank',
    why: '7.2 added ZREVRANK … WITHSCORE (arity -3)',
    apply: (s) => {
      s.arity = -3;
      s.docs.history = [...(s.docs.history ?? []), ['7.2.0', 'Added the optional `WITHSCORE` argument.']];
      s.docs.arguments = [...(s.docs.arguments ?? []), { name: 'withscore', type: 'pure-token', token: 'WITHSCORE', flags: ['optional'] }];
    },
  },
  {
    name: 'client',
    why: '7.2 added CLIENT NO-TOUCH and CLIENT SETINFO',
    apply: (s) => {
      const subs = s.subcommands ?? [];
      subs.push({
        name: 'client|no-touch', arity: 3, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0,
        aclCategories: ['@slow', '@connection'], tips: [], keySpecs: [],
        docs: {
          summary: 'Controls whether commands sent by the client affect the LRU/LFU of accessed keys', since: '7.2.0',
          group: 'connection', complexity: 'O(1)',
          arguments: [{ name: 'enabled', type: 'oneof', arguments: [
            { name: 'on', type: 'pure-token', token: 'ON' }, { name: 'off', type: 'pure-token', token: 'OFF' }] }],
        },
      });
      subs.push({
        name: 'client|setinfo', arity: 4, flags: ['noscript', 'loading', 'stale'], firstKey: 0, lastKey: 0, step: 0,
        aclCategories: ['@slow', '@connection'], tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], keySpecs: [],
        docs: {
          summary: 'Sets information specific to the client or connection.', since: '7.2.0', group: 'connection',
          complexity: 'O(1)',
          arguments: [{ name: 'attr', type: 'oneof', arguments: [
            { name: 'libname', type: 'string', token: 'LIB-NAME' }, { name: 'libver', type: 'string', token: 'LIB-VER' }] }],
        },
      });
      s.subcommands = subs.sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  },
];

async function main() {
  const server = await startRealRedis();
  try {
    const c = await server.client();
    await c.call('HELLO', '3');
    const infos = toJson(await c.call('COMMAND', 'INFO')) as Json[][];
    const docs = toJson(await c.call('COMMAND', 'DOCS')) as Record<string, Json>;
    c.close();
    const specs = infos.map((i) => infoToSpec(i, docs)).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const s of specs) sortSubs(s);
    const byName = new Map<string, CommandSpec>();
    const walk = (s: CommandSpec) => {
      byName.set(s.name, s);
      s.subcommands?.forEach(walk);
    };
    specs.forEach(walk);
    for (const change of REDIS_72_TABLE_CHANGES) {
      const s = byName.get(change.name);
      if (!s) throw new Error(`7.2 change for unknown command ${change.name}`);
      change.apply(s);
    }
    const here = path.dirname(fileURLToPath(import.meta.url));
    const out = path.resolve(here, '../../src/commands/table.generated.ts');
    const body =
      `// Generated by src/scripts/gen-command-table.ts from redis-server ${server.version}'s\n` +
      `// COMMAND INFO and COMMAND DOCS, plus the Redis 7.2 changes listed there. Do not edit.\n` +
      `import type { CommandSpec } from './spec.js';\n\n` +
      `export const COMMAND_SPECS: CommandSpec[] = [\n${specs.map((s) => JSON.stringify(s)).join(',\n')}\n];\n`;
    fs.writeFileSync(out, body);
    console.log(`wrote ${specs.length} commands to ${out}`);
  } finally {
    await server.stop();
  }
}

function sortSubs(s: CommandSpec) {
  if (s.subcommands) {
    s.subcommands.sort((a, b) => (a.name < b.name ? -1 : 1));
    s.subcommands.forEach(sortSubs);
  }
}

void main();
