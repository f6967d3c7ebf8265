// `redscope memory --top 100` on the ~100 MB benchmark RDB, timed in the same run as
// redis-check-rdb (which loads every object): speed ratio and peak RSS. The RDB is built by
// bench/rdb.js (redis-server, cached in bench/.cache) when missing.
// Run after tsc: node bench/memory.js [--json] [--runs N] [--mb N]
// Targets: at least 0.7× redis-check-rdb's speed, peak RSS under 200 MB.
import { measure } from './measure.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const argOf = (name, def) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) || def : def);
const runs = argOf('--runs', 3);
const targetMb = argOf('--mb', 100);
const file = path.join(here, '.cache', `bench-${targetMb}mb.rdb`);
const CHECK_RDB = '/usr/bin/redis-check-rdb';

function log(s) {
  if (!json) process.stderr.write(s + '\n');
}


/**
 * How to run `redscope memory`: through bin/redscope.js once main registers the subcommand,
 * otherwise straight through dist/cli/memory.js (the same code, without the other subcommands).
 */
function memoryArgv(extra) {
  const bin = path.join(root, 'bin', 'redscope.js');
  const probe = spawnSync(process.execPath, [bin, 'memory', '--help'], { encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.includes('--top')) return [bin, 'memory', ...extra];
  const mod = path.join(root, 'dist', 'cli', 'memory.js');
  const cmdr = path.join(root, 'node_modules', 'commander', 'index.js');
  const code =
    `const { Command } = await import(${JSON.stringify(cmdr)});` +
    `const { memoryCommand } = await import(${JSON.stringify(mod)});` +
    `const result = { code: 0 };` +
    `const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, stdinIsTTY: false, stdoutIsTTY: false };` +
    `const p = new Command('redscope'); p.addCommand(memoryCommand(io, result));` +
    `await p.parseAsync(['node', 'redscope', 'memory', ...process.argv.slice(1)]); process.exitCode = result.code;`;
  return ['--input-type=module', '-e', code, '--', ...extra];
}

async function main() {
  if (!fs.existsSync(file)) {
    log(`${path.relative(root, file)} is missing: building it with bench/rdb.js …`);
    const r = spawnSync(process.execPath, [path.join(here, 'rdb.js'), '--mb', String(targetMb)], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !fs.existsSync(file)) throw new Error('could not build the benchmark RDB');
  }
  const size = fs.statSync(file).size;
  const memArgv = memoryArgv(['--top', '100', file]);
  const hasCheck = fs.existsSync(CHECK_RDB);
  const check = [];
  const mem = [];
  // Alternate the two so load changes on the machine hit both alike; keep the best of each.
  for (let i = 0; i < runs; i++) {
    if (hasCheck) check.push(await measure(CHECK_RDB, [file]));
    const m = await measure(process.execPath, memArgv);
    if (m.code !== 0) throw new Error(`redscope memory exited ${m.code}: ${m.stderr.trim().split('\n').pop()}`);
    mem.push(m);
  }
  const best = (rs) => rs.reduce((a, b) => (b.ms < a.ms ? b : a));
  const c = hasCheck ? best(check) : null;
  const m = best(mem);
  const peakMb = Math.max(...mem.map((r) => r.peakMb));
  const ratio = c ? c.ms / m.ms : null;
  const out = {
    rdbBytes: size,
    runs,
    redisCheckRdb: c ? { ms: c.ms, peakMb: c.peakMb, allMs: check.map((r) => r.ms) } : null,
    redscopeMemory: { ms: m.ms, peakMb, allMs: mem.map((r) => r.ms) },
    speedVsCheckRdb: ratio,
    targets: { speedVsCheckRdb: 0.7, peakMb: 200 },
    ok: (ratio === null || ratio >= 0.7) && peakMb < 200,
  };
  if (json) {
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const pad = (s, n) => String(s).padEnd(n);
  const mbs = (ms) => (size / 1048576 / (ms / 1000)).toFixed(0);
  console.log(`\nredscope memory --top 100 on a ${(size / 1048576).toFixed(1)} MB RDB (best of ${runs})`);
  console.log(pad('tool', 28) + pad('time', 12) + pad('MB/s', 8) + 'peak RSS');
  if (c) console.log(pad('redis-check-rdb', 28) + pad(`${(c.ms / 1000).toFixed(2)} s`, 12) + pad(mbs(c.ms), 8) + `${c.peakMb.toFixed(0)} MB`);
  console.log(pad('redscope memory --top 100', 28) + pad(`${(m.ms / 1000).toFixed(2)} s`, 12) + pad(mbs(m.ms), 8) + `${peakMb.toFixed(0)} MB`);
  console.log(`speed vs redis-check-rdb: ${ratio === null ? 'n/a' : ratio.toFixed(2) + '×'} (target ≥ 0.70×), peak RSS ${peakMb.toFixed(0)} MB (target < 200 MB)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
