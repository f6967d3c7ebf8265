/**
 * Builds fixtures/aof/ from Debian's redis-server (7.0): multi-part AOF directories written by
 * the server itself, with and without RDB preamble, with `#TS:` annotations
 * (aof-timestamp-enabled yes), a BGREWRITEAOF in the middle, MULTI/EXEC, SELECT, expiries.
 * From those, as earlier versions wrote them:
 *   single.aof           base .aof + incr concatenated (a 6.x-style single file)
 *   single-preamble.aof  base .rdb + incr concatenated (6.x single file with RDB preamble)
 *   multi-incr/          the plain directory with its incr file split in two at a command
 *                        boundary (two incr files in the manifest, as after a failed rewrite)
 * Run: npm run build && node dist/scripts/make-aof-fixtures.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorReply, type Reply } from '../engine/reply.js';
import type { RespClient } from '../resp/client.js';
import { startRealRedis } from '../testing/real-redis.js';
import { formatManifest, manifestFiles, parseManifest } from '../persistence/aof/manifest.js';

const EXPIRE_2100_MS = 4102444800000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function call(c: RespClient, ...argv: string[]): Promise<Reply> {
  const r = await c.call(...argv);
  if (r instanceof ErrorReply) throw new Error(`${argv.join(' ')}: ${r.message}`);
  return r;
}

/** Commands written before the rewrite (they end up in the base file). */
async function before(c: RespClient): Promise<void> {
  await call(c, 'SET', 'str', 'hello');
  await call(c, 'SET', 'bin', '\x00\x01\xff\r\n*3\r\n');
  await call(c, 'SET', 'big', 'x'.repeat(20000));
  await call(c, 'RPUSH', 'list', 'a', 'b', 'c', '300000');
  await call(c, 'SADD', 'set', '1', '2', '3');
  await call(c, 'HSET', 'hash', 'f', 'v', 'g', 'w');
  await call(c, 'ZADD', 'zset', '1.5', 'a', '-inf', 'b');
  await call(c, 'SET', 'exp', 'v', 'PXAT', String(EXPIRE_2100_MS));
  await call(c, 'XADD', 'stream', '1-1', 'f', 'v');
  await call(c, 'SELECT', '3');
  await call(c, 'SET', 'db3', 'x');
  await call(c, 'SELECT', '0');
}

/** Commands after the rewrite (the incr file), spread over several seconds for #TS: lines. */
async function after(c: RespClient): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20; i++) await call(c, 'INCR', 'counter');
    await call(c, 'MULTI');
    await call(c, 'SET', `tx:${round}`, 'a');
    await call(c, 'LPUSH', 'list', `r${round}`);
    await call(c, 'EXEC');
    await call(c, 'EXPIRE', 'str', '100000');
    await call(c, 'SELECT', '3');
    await call(c, 'APPEND', 'db3', 'y'.repeat(round * 10));
    await call(c, 'SELECT', '0');
    await call(c, 'SET', `binary:${round}`, '\r\n\x00\xff#TS:1\r\n');
    await call(c, 'DEL', 'nothing', 'set');
    await call(c, 'SADD', 'set', String(round));
    await call(c, 'EVAL', "redis.call('set', KEYS[1], ARGV[1])", '1', `lua:${round}`, 'v');
    await sleep(1100);
  }
}

async function waitRewrite(c: RespClient): Promise<void> {
  for (;;) {
    const info = String(await call(c, 'INFO', 'persistence'));
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await sleep(50);
  }
}

async function makeDir(outDir: string, preamble: boolean): Promise<string> {
  const server = await startRealRedis([
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--aof-use-rdb-preamble', preamble ? 'yes' : 'no',
    '--aof-timestamp-enabled', 'yes',
    '--auto-aof-rewrite-percentage', '0',
  ]);
  try {
    const c = await server.client();
    await waitRewrite(c);
    await before(c);
    await sleep(1100);
    await call(c, 'BGREWRITEAOF');
    await waitRewrite(c);
    await after(c);
    c.close();
    const src = path.join(server.dir, 'appendonlydir');
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(path.join(outDir, 'appendonlydir'), { recursive: true });
    for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(outDir, 'appendonlydir', f));
    return server.version;
  } finally {
    await server.stop();
  }
}

/** Offsets where RESP commands start in an AOF tail (outside MULTI), from `from`. */
function commandStarts(buf: Buffer, from: number): number[] {
  const starts: number[] = [];
  let p = from;
  let multi = false;
  while (p < buf.length) {
    if (buf[p] === 0x23) {
      p = buf.indexOf(0x0a, p) + 1;
      continue;
    }
    const lineEnd = buf.indexOf('\r\n', p);
    const argc = Number(buf.toString('latin1', p + 1, lineEnd));
    if (!multi) starts.push(p);
    p = lineEnd + 2;
    let first = '';
    for (let i = 0; i < argc; i++) {
      const e = buf.indexOf('\r\n', p);
      const len = Number(buf.toString('latin1', p + 1, e));
      if (i === 0) first = buf.toString('latin1', e + 2, e + 2 + len).toLowerCase();
      p = e + 2 + len + 2;
    }
    if (first === 'multi') multi = true;
    if (first === 'exec') multi = false;
  }
  return starts;
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const out = path.resolve(here, '../../fixtures/aof');
  fs.mkdirSync(out, { recursive: true });
  const version = await makeDir(path.join(out, 'plain'), false);
  await makeDir(path.join(out, 'preamble'), true);
  for (const [dir, single] of [['plain', 'single.aof'], ['preamble', 'single-preamble.aof']] as const) {
    const d = path.join(out, dir, 'appendonlydir');
    const manifestName = fs.readdirSync(d).find((f) => f.endsWith('.manifest'))!;
    const am = parseManifest(fs.readFileSync(path.join(d, manifestName)));
    const parts = manifestFiles(am).map((e) => fs.readFileSync(path.join(d, e.name)));
    fs.writeFileSync(path.join(out, single), Buffer.concat(parts));
  }
  // Two incr files: the plain directory's incr split at a command boundary in its middle.
  const plain = path.join(out, 'plain', 'appendonlydir');
  const multi = path.join(out, 'multi-incr', 'appendonlydir');
  fs.rmSync(path.join(out, 'multi-incr'), { recursive: true, force: true });
  fs.mkdirSync(multi, { recursive: true });
  const manifestName = fs.readdirSync(plain).find((f) => f.endsWith('.manifest'))!;
  const am = parseManifest(fs.readFileSync(path.join(plain, manifestName)));
  const incr = am.incr[am.incr.length - 1]!;
  const data = fs.readFileSync(path.join(plain, incr.name));
  const starts = commandStarts(data, 0);
  const cut = starts[Math.floor(starts.length / 2)]!;
  fs.copyFileSync(path.join(plain, am.base!.name), path.join(multi, am.base!.name));
  const first = { name: `appendonly.aof.${incr.seq}.incr.aof`, seq: incr.seq, type: 'i' as const };
  const second = { name: `appendonly.aof.${incr.seq + 1}.incr.aof`, seq: incr.seq + 1, type: 'i' as const };
  fs.writeFileSync(path.join(multi, first.name), data.subarray(0, cut));
  fs.writeFileSync(path.join(multi, second.name), data.subarray(cut));
  fs.writeFileSync(path.join(multi, manifestName), formatManifest({ base: am.base, history: [], incr: [first, second] }));
  fs.writeFileSync(path.join(out, 'VERSION'), `${version}\n`);
  console.log(`wrote fixtures/aof from redis ${version}`);
}

void main();
