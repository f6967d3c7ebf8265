// RDB tooling benchmark: one ~100 MB RDB made by Debian's redis-server (DEBUG POPULATE plus
// many small and large collections), timed with redis-check-rdb, `redscope verify`,
// `redscope dump --format jsonl` and `redscope memory`-free digest, in the same run, with ratios
// and peak RSS. Run by `npm run bench` (after tsc), or alone: node bench/rdb.js [--json] [--mb N].
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './measure.js';
import { startRealRedis } from '../dist/testing/real-redis.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cacheDir = path.join(here, '.cache');
const args = process.argv.slice(2);
const json = args.includes('--json');
const targetMb = Number(args[args.indexOf('--mb') + 1]) || 100;

function log(s) {
  if (!json) process.stderr.write(s + '\n');
}

/** Pipelines commands in batches so population is fast. */
async function pipeline(client, commands) {
  const batch = 2000;
  for (let i = 0; i < commands.length; i += batch) {
    await Promise.all(commands.slice(i, i + batch).map((c) => client.call(...c)));
  }
}

async function makeRdb(file) {
  log(`building a ~${targetMb} MB RDB with redis-server (cached in ${path.relative(root, file)}) …`);
  const server = await startRealRedis();
  try {
    const c = await server.client();
    // ~55% of the bytes in plain strings, the rest in collections of every encoding.
    const strings = Math.round(targetMb * 9400);
    await c.call('DEBUG', 'POPULATE', String(strings), 'str', '64');
    const units = Math.round(targetMb * 17);
    for (let u = 0; u < units; u++) {
      const cmds = [];
      for (let i = 0; i < 40; i++) {
        cmds.push(['RPUSH', `list:small:${u}:${i}`, 'a', 'b', String(i), 'some longer element value here']);
        cmds.push(['HSET', `hash:small:${u}:${i}`, 'name', `user${i}`, 'age', String(20 + i), 'city', 'somewhere']);
        cmds.push(['ZADD', `zset:small:${u}:${i}`, '1', 'a', '2.5', 'b', String(i), 'c']);
        cmds.push(['SADD', `set:int:${u}:${i}`, '1', '2', String(1000 + i)]);
        cmds.push(['SADD', `set:str:${u}:${i}`, 'x', 'y', `z${i}`]);
      }
      const big = [];
      for (let i = 0; i < 600; i++) big.push(`member-${u}-${i}-${'p'.repeat(i % 30)}`);
      cmds.push(['RPUSH', `list:big:${u}`, ...big]);
      const fields = [];
      for (let i = 0; i < 600; i++) fields.push(`field${i}`, `value-${u}-${i}`);
      cmds.push(['HSET', `hash:big:${u}`, ...fields]);
      const zs = [];
      for (let i = 0; i < 300; i++) zs.push(String(i * 1.5), `zm-${u}-${i}`);
      cmds.push(['ZADD', `zset:big:${u}`, ...zs]);
      cmds.push(['SADD', `set:big:${u}`, ...big.slice(0, 300)]);
      for (let i = 0; i < 20; i++) cmds.push(['XADD', `stream:${u % 50}`, '*', 'f', `v${i}`, 'n', String(i)]);
      await pipeline(c, cmds);
    }
    await c.call('SAVE');
    c.close();
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.copyFileSync(path.join(server.dir, 'dump.rdb'), file);
  } finally {
    await server.stop();
  }
}


async function main() {
  const file = path.join(cacheDir, `bench-${targetMb}mb.rdb`);
  if (!fs.existsSync(file)) await makeRdb(file);
  const size = fs.statSync(file).size;
  log(`RDB: ${(size / 1048576).toFixed(1)} MB`);
  const bin = path.join(root, 'bin', 'redscope.js');
  const runs = [
    ['redis-check-rdb', '/usr/bin/redis-check-rdb', [file]],
    ['redscope verify', process.execPath, [bin, 'verify', file]],
    ['redscope dump --format jsonl', process.execPath, [bin, 'dump', '--format', 'jsonl', file]],
    ['redscope digest', process.execPath, [bin, 'digest', file]],
  ];
  const results = [];
  for (const [name, cmd, argv] of runs) {
    if (!fs.existsSync(cmd)) {
      results.push({ name, ms: null });
      continue;
    }
    const r = await measure(cmd, argv, { discard: true });
    if (r.code !== 0) log(`${name} exited ${r.code}: ${r.stderr.trim().split('\n').pop()}`);
    results.push({ name, ms: r.ms, peakMb: r.peakMb, mbPerSec: size / 1048576 / (r.ms / 1000) });
  }
  const base = results[0].ms;
  for (const r of results) r.speedVsCheckRdb = base && r.ms ? base / r.ms : null;
  if (json) {
    process.stdout.write(JSON.stringify({ rdbBytes: size, results }) + '\n');
    return;
  }
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`\nRDB tools on a ${(size / 1048576).toFixed(1)} MB RDB written by redis-server ${execFileSync('redis-server', ['--version']).toString().match(/v=(\S+)/)?.[1]}`);
  console.log(pad('tool', 32) + pad('time', 12) + pad('MB/s', 10) + pad('peak RSS', 12) + 'speed vs redis-check-rdb');
  for (const r of results) {
    if (r.ms === null) {
      console.log(pad(r.name, 32) + 'n/a');
      continue;
    }
    console.log(
      pad(r.name, 32) + pad(`${(r.ms / 1000).toFixed(2)} s`, 12) + pad(r.mbPerSec.toFixed(0), 10) +
        pad(`${r.peakMb.toFixed(0)} MB`, 12) + `${r.speedVsCheckRdb.toFixed(2)}×`,
    );
  }
  console.log('targets: verify ≥ 1.00× redis-check-rdb, dump ≥ 0.50×, peak RSS < 200 MB');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
