/**
 * Server configuration: every parameter the engine honours, under Redis 7.2's names and the
 * old aliases (hash-max-ziplist-entries …). CONFIG GET/SET read this table.
 */

export type MaxmemoryPolicy =
  | 'volatile-lru' | 'allkeys-lru' | 'volatile-lfu' | 'allkeys-lfu'
  | 'volatile-random' | 'allkeys-random' | 'volatile-ttl' | 'noeviction';

export class Config {
  hashMaxListpackEntries = 512;
  hashMaxListpackValue = 64;
  listMaxListpackSize = -2;
  listCompressDepth = 0;
  setMaxIntsetEntries = 512;
  setMaxListpackEntries = 128;
  setMaxListpackValue = 64;
  zsetMaxListpackEntries = 128;
  zsetMaxListpackValue = 64;
  streamNodeMaxBytes = 4096;
  streamNodeMaxEntries = 100;
  hllSparseMaxBytes = 3000;
  maxmemory = 0;
  maxmemoryPolicy: MaxmemoryPolicy = 'noeviction';
  maxmemorySamples = 5;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  hz = 10;
  activeExpireEffort = 1;
  databases = 16;
  busyReplyThreshold = 5000;
  notifyKeyspaceEvents = '';
  dir = process.cwd();
  dbfilename = 'dump.rdb';
  appendonly = false;
  appendfilename = 'appendonly.aof';
  appenddirname = 'appendonlydir';
  appendfsync: 'always' | 'everysec' | 'no' = 'everysec';
  aofUseRdbPreamble = true;
  aofTimestampEnabled = false;
  save = '3600 1 300 100 60 10000';
  requirepass = '';
  rdbcompression = true;
  rdbchecksum = true;
  sanitizeDumpPayload: 'no' | 'yes' | 'clients' = 'no';
  lazyfreeLazyUserDel = false;
  lazyfreeLazyUserFlush = false;
  luaReplicateCommands = true;
  protoMaxBulkLen = 512 * 1024 * 1024;
  timeout = 0;
  port = 6379;
  bind = '* -::*';
}

export type ConfigKind = 'int' | 'memory' | 'bool' | 'string' | 'enum';

export interface ConfigParam {
  name: string;
  aliases: string[];
  kind: ConfigKind;
  field: keyof Config;
  enumValues?: readonly string[];
  min?: number;
  max?: number;
  /** Cannot be changed with CONFIG SET. */
  immutable?: boolean;
}

const POLICIES = [
  'volatile-lru', 'allkeys-lru', 'volatile-lfu', 'allkeys-lfu',
  'volatile-random', 'allkeys-random', 'volatile-ttl', 'noeviction',
] as const;

export const CONFIG_PARAMS: ConfigParam[] = [
  { name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], kind: 'memory', field: 'hashMaxListpackEntries', min: 0 },
  { name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], kind: 'memory', field: 'hashMaxListpackValue', min: 0 },
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], kind: 'int', field: 'listMaxListpackSize', min: -5 },
  { name: 'list-compress-depth', aliases: [], kind: 'int', field: 'listCompressDepth', min: 0 },
  { name: 'set-max-intset-entries', aliases: [], kind: 'memory', field: 'setMaxIntsetEntries', min: 0 },
  { name: 'set-max-listpack-entries', aliases: [], kind: 'memory', field: 'setMaxListpackEntries', min: 0 },
  { name: 'set-max-listpack-value', aliases: [], kind: 'memory', field: 'setMaxListpackValue', min: 0 },
  { name: 'zset-max-listpack-entries', aliases: ['zset-max-ziplist-entries'], kind: 'memory', field: 'zsetMaxListpackEntries', min: 0 },
  { name: 'zset-max-listpack-value', aliases: ['zset-max-ziplist-value'], kind: 'memory', field: 'zsetMaxListpackValue', min: 0 },
  { name: 'stream-node-max-bytes', aliases: [], kind: 'memory', field: 'streamNodeMaxBytes', min: 0 },
  { name: 'stream-node-max-entries', aliases: [], kind: 'int', field: 'streamNodeMaxEntries', min: 0 },
  { name: 'hll-sparse-max-bytes', aliases: [], kind: 'memory', field: 'hllSparseMaxBytes', min: 0 },
  { name: 'maxmemory', aliases: [], kind: 'memory', field: 'maxmemory', min: 0 },
  { name: 'maxmemory-policy', aliases: [], kind: 'enum', field: 'maxmemoryPolicy', enumValues: POLICIES },
  { name: 'maxmemory-samples', aliases: [], kind: 'int', field: 'maxmemorySamples', min: 1, max: 64 },
  { name: 'lfu-log-factor', aliases: [], kind: 'int', field: 'lfuLogFactor', min: 0 },
  { name: 'lfu-decay-time', aliases: [], kind: 'int', field: 'lfuDecayTime', min: 0 },
  { name: 'hz', aliases: [], kind: 'int', field: 'hz', min: 0 },
  { name: 'active-expire-effort', aliases: [], kind: 'int', field: 'activeExpireEffort', min: 1, max: 10 },
  { name: 'databases', aliases: [], kind: 'int', field: 'databases', min: 1, immutable: true },
  { name: 'busy-reply-threshold', aliases: ['lua-time-limit'], kind: 'int', field: 'busyReplyThreshold', min: 0 },
  { name: 'notify-keyspace-events', aliases: [], kind: 'string', field: 'notifyKeyspaceEvents' },
  { name: 'dir', aliases: [], kind: 'string', field: 'dir' },
  { name: 'dbfilename', aliases: [], kind: 'string', field: 'dbfilename' },
  { name: 'appendonly', aliases: [], kind: 'bool', field: 'appendonly' },
  { name: 'appendfilename', aliases: [], kind: 'string', field: 'appendfilename', immutable: true },
  { name: 'appenddirname', aliases: [], kind: 'string', field: 'appenddirname', immutable: true },
  { name: 'appendfsync', aliases: [], kind: 'enum', field: 'appendfsync', enumValues: ['always', 'everysec', 'no'] },
  { name: 'aof-use-rdb-preamble', aliases: [], kind: 'bool', field: 'aofUseRdbPreamble' },
  { name: 'aof-timestamp-enabled', aliases: [], kind: 'bool', field: 'aofTimestampEnabled' },
  { name: 'save', aliases: [], kind: 'string', field: 'save' },
  { name: 'requirepass', aliases: [], kind: 'string', field: 'requirepass' },
  { name: 'rdbcompression', aliases: [], kind: 'bool', field: 'rdbcompression' },
  { name: 'rdbchecksum', aliases: [], kind: 'bool', field: 'rdbchecksum', immutable: true },
  { name: 'sanitize-dump-payload', aliases: [], kind: 'enum', field: 'sanitizeDumpPayload', enumValues: ['no', 'yes', 'clients'] },
  { name: 'lazyfree-lazy-user-del', aliases: [], kind: 'bool', field: 'lazyfreeLazyUserDel' },
  { name: 'lazyfree-lazy-user-flush', aliases: [], kind: 'bool', field: 'lazyfreeLazyUserFlush' },
  { name: 'proto-max-bulk-len', aliases: [], kind: 'memory', field: 'protoMaxBulkLen', min: 1024 * 1024 },
  { name: 'timeout', aliases: [], kind: 'int', field: 'timeout', min: 0 },
  { name: 'port', aliases: [], kind: 'int', field: 'port', min: 0, max: 65535, immutable: true },
  { name: 'bind', aliases: [], kind: 'string', field: 'bind', immutable: true },
];

const byName = new Map<string, ConfigParam>();
for (const p of CONFIG_PARAMS) {
  byName.set(p.name, p);
  for (const a of p.aliases) byName.set(a, p);
}

export function findConfigParam(name: string): ConfigParam | undefined {
  return byName.get(name.toLowerCase());
}
