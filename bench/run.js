// In-process throughput: redscope's session.execute(argv) side by side with ioredis-mock,
// in the same run. `npm run bench` (tsc first); `node bench/run.js --json` for machine output;
// `--time <ms>` per measurement (default 700).
import { createHash } from 'node:crypto';
import { Engine } from '../dist/engine/engine.js';
import { ErrorReply } from '../dist/engine/reply.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const timeArg = args.indexOf('--time');
const TIME_MS = timeArg >= 0 ? Number(args[timeArg + 1]) : 700;
const KEYS = 10000;
const ZSET_SIZE = 10000;

let Redis = null;
try {
  Redis = (await import('ioredis-mock')).default;
} catch {
  Redis = null;
}

/** Pre-built argument vectors cycled through, so the loop measures the engine, not string building. */
function vectors(make, n = KEYS) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = make(i);
  return out;
}

const ZMEMBERS = vectors((i) => `member:${i}`, ZSET_SIZE);
const EVAL_BODY = "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])";
const EVAL_SHA = createHash('sha1').update(EVAL_BODY).digest('hex');

/** Each benchmark: a setup (argv lists run once, untimed) and the argv vectors of the timed op. */
const BENCHMARKS = [
  { name: 'SET', ops: vectors((i) => ['SET', `key:${i}`, `value:${i}`]) },
  {
    name: 'GET',
    setup: vectors((i) => ['SET', `key:${i}`, `value:${i}`]),
    ops: vectors((i) => ['GET', `key:${i}`]),
  },
  { name: 'INCR', ops: vectors((i) => ['INCR', `counter:${i % 100}`]) },
  { name: 'LPUSH', ops: vectors((i) => ['LPUSH', `list:${i % 100}`, `item:${i}`]) },
  { name: 'HSET', ops: vectors((i) => ['HSET', `hash:${i % 100}`, `field:${i}`, `v${i}`]) },
  {
    name: 'ZADD (10k-member zset)',
    setup: [['ZADD', 'z', ...ZMEMBERS.flatMap((m, i) => [String(i), m])]],
    ops: vectors((i) => ['ZADD', 'z', String((i * 7919) % 100003), ZMEMBERS[(i * 31) % ZSET_SIZE]]),
  },
  {
    name: 'ZRANGE z 0 9 (10k)',
    setup: [['ZADD', 'z', ...ZMEMBERS.flatMap((m, i) => [String(i), m])]],
    ops: vectors(() => ['ZRANGE', 'z', '0', '9']),
  },
  {
    name: 'mixed pipeline',
    setup: [['ZADD', 'z', ...ZMEMBERS.slice(0, 1000).flatMap((m, i) => [String(i), m])]],
    ops: vectors((i) => {
      switch (i % 7) {
        case 0: return ['SET', `key:${i}`, `value:${i}`];
        case 1: return ['GET', `key:${i - 1}`];
        case 2: return ['INCR', `counter:${i % 100}`];
        case 3: return ['LPUSH', `list:${i % 100}`, `item:${i}`];
        case 4: return ['HSET', `hash:${i % 100}`, `field:${i}`, 'v'];
        case 5: return ['ZADD', 'z', String(i), ZMEMBERS[i % 1000]];
        default: return ['ZRANGE', 'z', '0', '9'];
      }
    }, 7 * 1000),
  },
  {
    // A cached script making two redis.call: the scripting target (100k calls/s).
    name: 'EVALSHA 2-call script',
    warmupMs: 1000,
    setup: [['SCRIPT', 'LOAD', EVAL_BODY]],
    ops: vectors((i) => ['EVALSHA', EVAL_SHA, '1', `key:${i % 1000}`, 'v'], 1000),
  },
];

/** A command that is not implemented yet (or fails) makes its row "n/a". */
function isUnknown(reply) {
  if (!(reply instanceof ErrorReply)) return false;
  if (!reply.message.startsWith('ERR unknown command')) process.stderr.write(`bench: ${reply.message}\n`);
  return true;
}

/** ops/s of redscope, or null when a command the benchmark uses is not implemented yet. */
function benchRedscope(b) {
  const engine = new Engine({ timers: false });
  const session = engine.createSession();
  try {
    for (const argv of b.setup ?? []) {
      const r = session.execute(argv);
      if (isUnknown(r)) return null;
    }
    const seen = new Set();
    for (const argv of b.ops) {
      if (seen.has(argv[0])) continue;
      seen.add(argv[0]);
      if (isUnknown(session.execute(argv))) return null;
    }
    const ops = b.ops;
    const n = ops.length;
    // Warm up (let the JIT settle: a fifth of the measuring time), then measure in rounds.
    // WebAssembly (Lua) needs longer before V8 has optimised it.
    const warm = performance.now() + (b.warmupMs ?? TIME_MS / 5);
    while (performance.now() < warm) for (let i = 0; i < n; i++) session.execute(ops[i]);
    let done = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(TIME_MS) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < n; i++) session.execute(ops[i]);
      done += n;
      now = process.hrtime.bigint();
    }
    return done / (Number(now - start) / 1e9);
  } finally {
    engine.close();
  }
}

/** ops/s of ioredis-mock at its best: up to 1000 commands in flight, then await them all. */
async function benchMock(b) {
  if (!Redis) return null;
  const redis = new Redis();
  try {
    await redis.flushall();
    const call = (argv) => redis[argv[0].toLowerCase()](...argv.slice(1));
    try {
      for (const argv of b.setup ?? []) await call(argv);
      await call(b.ops[0]);
    } catch {
      // ioredis-mock lacks the command (SCRIPT, EVALSHA): no figure to compare with.
      return null;
    }
    const ops = b.ops;
    const n = ops.length;
    let next = 0;
    // One step: `size` commands from where the last one stopped, cycling through the vectors.
    const step =
      b.name === 'mixed pipeline'
        ? async (size) => {
            // The pipeline API, 100 commands per exec().
            for (let done = 0; done < size; done += 100) {
              const p = redis.pipeline();
              for (let j = 0; j < 100; j++, next = (next + 1) % n) p[ops[next][0].toLowerCase()](...ops[next].slice(1));
              await p.exec();
            }
          }
        : async (size) => {
            const ps = [];
            for (let j = 0; j < size; j++, next = (next + 1) % n) ps.push(call(ops[next]));
            await Promise.all(ps);
          };
    await step(100); // warm-up
    // Slow rows (ioredis-mock's sorted sets) get small steps so the time limit holds.
    let size = 100;
    let done = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(TIME_MS) * 1_000_000n;
    let now = start;
    while (now < deadline) {
      await step(size);
      done += size;
      now = process.hrtime.bigint();
      if (size < 1000 && Number(now - start) < TIME_MS * 1e5) size = 1000;
    }
    return done / (Number(now - start) / 1e9);
  } finally {
    redis.disconnect();
  }
}

const TARGETS = { SET: 1e6, GET: 1e6, 'ZADD (10k-member zset)': 3e5, 'EVALSHA 2-call script': 1e5 };

const results = [];
for (const b of BENCHMARKS) {
  const ours = benchRedscope(b);
  const theirs = await benchMock(b);
  results.push({
    name: b.name,
    redscope: ours === null ? null : Math.round(ours),
    ioredisMock: theirs === null ? null : Math.round(theirs),
    ratio: ours !== null && theirs ? Number((ours / theirs).toFixed(2)) : null,
    target: TARGETS[b.name] ?? null,
  });
}

if (json) {
  process.stdout.write(JSON.stringify({ node: process.version, timeMs: TIME_MS, results }, null, 2) + '\n');
} else {
  const fmt = (v) => (v === null ? 'n/a' : Math.round(v).toLocaleString('en-US'));
  const rows = [['benchmark', 'redscope ops/s', 'ioredis-mock ops/s', 'ratio', 'target']];
  for (const r of results) {
    rows.push([
      r.name,
      fmt(r.redscope),
      fmt(r.ioredisMock),
      r.ratio === null ? 'n/a' : r.ratio.toFixed(2) + 'x',
      r.target === null ? '' : (r.redscope !== null && r.redscope >= r.target ? '>= ' : 'below ') + fmt(r.target),
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  process.stdout.write(line(rows[0]) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const row of rows.slice(1)) process.stdout.write(line(row) + '\n');
  process.stdout.write(`(node ${process.version}, ${TIME_MS} ms per measurement; ioredis-mock: 1000 commands in flight, pipeline of 100 for the mixed row)\n`);
}
