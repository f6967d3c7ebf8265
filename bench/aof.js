// AOF benchmark: one ~100 MB AOF (RESP commands, as redis-server appends them: strings,
// counters bumped many times, lists, hashes, sets, sorted sets, expiries), timed in one run:
// redis-server loading it at start-up, `redscope replay`, and `redscope aof rewrite`.
// Ratios are against redis-server. `npm run bench` (after tsc), or alone:
// node bench/aof.js [--json] [--mb N].
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure } from './measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const bin = path.join(root, 'bin', 'redscope.js');
const cacheDir = path.join(here, '.cache');
const args = process.argv.slice(2);
const json = args.includes('--json');
const targetMb = Number(args[args.indexOf('--mb') + 1]) || 100;
const RUNS = 3;

function log(s) {
  if (!json) process.stderr.write(s + '\n');
}

function resp(argv) {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return s;
}

/** Writes the AOF deterministically (a fixed-seed generator), in chunks. */
function makeAof(file) {
  log(`writing a ~${targetMb} MB AOF (cached in ${path.relative(root, file)}) …`);
  const tmp = file + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  // mulberry32: a small generator whose low bits are as random as its high ones.
  let seed = 12345;
  const rand = (n) => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
  let written = 0;
  let chunk = resp(['SELECT', '0']);
  const target = targetMb * 1048576;
  const expireAt = String(Date.UTC(2100, 0, 1));
  while (written + chunk.length < target) {
    for (let i = 0; i < 2000; i++) {
      const k = rand(200000);
      switch (rand(8)) {
        case 0:
        case 1:
          chunk += resp(['SET', `str:${k}`, `value-${k}-${'x'.repeat(rand(60))}`]);
          break;
        case 2:
          chunk += resp(['INCR', `counter:${k % 1000}`]);
          break;
        case 3:
          chunk += resp(['RPUSH', `list:${k % 5000}`, `item-${k}`, `item-${k + 1}`]);
          break;
        case 4:
          chunk += resp(['HSET', `hash:${k % 8000}`, `field${rand(200)}`, `v${k}`]);
          break;
        case 5:
          chunk += resp(['SADD', `set:${k % 6000}`, String(rand(100000))]);
          break;
        case 6:
          chunk += resp(['ZADD', `zset:${k % 4000}`, String(rand(100000) / 7), `m${rand(500)}`]);
          break;
        default:
          chunk += resp(['PEXPIREAT', `str:${k}`, expireAt]);
      }
    }
    fs.writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
    chunk = '';
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

/**
 * Wall time of redis-server starting on a directory holding the AOF until it accepts
 * connections, and the load time it logs itself.
 */
function redisLoad(file) {
  return new Promise((resolve, reject) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aofbench-'));
    // A lone appendonly.aof is what Redis 7 upgrades from: it loads it as the base.
    fs.copyFileSync(file, path.join(dir, 'appendonly.aof'));
    const logFile = path.join(dir, 'redis.log');
    const port = String(20000 + Math.floor(Math.random() * 20000));
    const start = process.hrtime.bigint();
    const child = spawn('redis-server', ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--logfile', logFile], { stdio: 'ignore' });
    let peakKb = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
        const text = fs.readFileSync(logFile, 'utf8');
        if (text.includes('Ready to accept connections')) {
          const ms = Number(process.hrtime.bigint() - start) / 1e6;
          clearInterval(poll);
          const logged = /DB loaded from append only file: ([\d.]+) seconds/.exec(text);
          child.once('close', () => {
            fs.rmSync(dir, { recursive: true, force: true });
            resolve({ ms, peakMb: peakKb / 1024, loggedMs: logged ? Number(logged[1]) * 1000 : null });
          });
          child.kill('SIGKILL');
        }
      } catch {
        /* not there yet */
      }
    }, 2);
    child.on('error', (e) => {
      clearInterval(poll);
      reject(e);
    });
  });
}

async function best(fn) {
  let top = null;
  for (let i = 0; i < RUNS; i++) {
    const r = await fn();
    if (r.code !== undefined && r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    if (top === null || r.ms < top.ms) top = r;
  }
  return top;
}

async function main() {
  fs.mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `aof-v2-${targetMb}.aof`);
  if (!fs.existsSync(file)) makeAof(file);
  const size = fs.statSync(file).size;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-aofbench-out-'));
  try {
    const redis = await best(() => redisLoad(file));
    const replay = await best(() => measure(process.execPath, [bin, 'replay', file, '--json'], { discard: true }));
    const rewrite = await best(() => measure(process.execPath, [bin, 'aof', 'rewrite', file, '-o', path.join(out, 'rewritten.aof'), '--yes'], { discard: true }));
    const rewrittenSize = fs.statSync(path.join(out, 'rewritten.aof')).size;
    const results = {
      aofBytes: size,
      redisServer: execFileSync('redis-server', ['--version']).toString().match(/v=(\S+)/)?.[1] ?? null,
      redisLoad: { ms: redis.ms, loggedMs: redis.loggedMs, peakMb: redis.peakMb },
      replay: { ms: replay.ms, peakMb: replay.peakMb, speedVsRedis: redis.ms / replay.ms },
      rewrite: { ms: rewrite.ms, peakMb: rewrite.peakMb, mbPerSec: size / 1048576 / (rewrite.ms / 1000), outputBytes: rewrittenSize },
    };
    if (json) {
      console.log(JSON.stringify(results));
      return;
    }
    const mb = size / 1048576;
    const pad = (s, n) => String(s).padEnd(n);
    const row = (name, r) => console.log(pad(name, 34) + pad(`${(r.ms / 1000).toFixed(2)} s`, 12) + pad((mb / (r.ms / 1000)).toFixed(0), 10) + `${r.peakMb.toFixed(0)} MB`);
    console.log(`\nAOF of ${mb.toFixed(1)} MB (best of ${RUNS}), redis-server ${results.redisServer}`);
    console.log(pad('tool', 34) + pad('time', 12) + pad('MB/s', 10) + 'peak RSS');
    row('redis-server start-up load', redis);
    row('redscope replay', replay);
    row('redscope aof rewrite', rewrite);
    console.log(`redis-server's own logged load time: ${redis.loggedMs === null ? 'n/a' : (redis.loggedMs / 1000).toFixed(2) + ' s'}`);
    console.log(`replay speed vs redis-server load: ${results.replay.speedVsRedis.toFixed(2)}× (target ≥ 0.50×)`);
    console.log(`rewrite: ${results.rewrite.mbPerSec.toFixed(0)} MB/s of AOF in, ${(rewrittenSize / 1048576).toFixed(1)} MB out (${(size / rewrittenSize).toFixed(1)}× smaller)`);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}

await main();
