// Start-up to a usable prompt (issue 7: under 400 ms): `node bin/redscope.js` in a real
// pseudo-terminal (a private tmux server), timed until `redscope>` is on the screen.
// `npm run bench` (build first); `node bench/startup.js --json` for machine output;
// `--runs <n>` (default 7, the median is reported); `--cmd '<shell command>'` to time another
// command line (e.g. `--cmd 'node dist/cli/main-unbundled.js'`).
//
// How: the pane's shell waits on a tmux channel (`wait-for`), then execs node. The clock starts
// when the bench signals the channel; the pane's output streams into a file (pipe-pane) that the
// bench polls every millisecond, ANSI escapes stripped, until the prompt shows. So the figure is
// exec → Node start → imports → engine → Ink's first frame, without a screen-scraping interval.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Math.max(1, Number(args[runsArg + 1]) || 7) : 7;
const cmdArg = args.indexOf('--cmd');
const TARGET_MS = 400;
const PROMPT = 'redscope>';
const TIMEOUT_MS = 20000;

const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const command = cmdArg >= 0 ? args[cmdArg + 1] : `node ${q(path.join(root, 'bin/redscope.js'))}`;
// What bin/redscope.js loads: the bundle when it is at least as new as tsc's output (see bin).
const mtime = (f) => fs.statSync(path.join(root, f), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const loads =
  cmdArg >= 0
    ? null
    : mtime('dist/bundle/redscope.js') >= Math.max(0, mtime('dist/cli/main.js'))
      ? 'dist/bundle/redscope.js'
      : 'dist/cli/main.js (unbundled: dist/bundle is missing or older; `npm run bundle`)';

if (spawnSync('tmux', ['-V']).status !== 0) {
  const msg = 'startup: tmux is not installed; start-up not measured';
  if (json) console.log(JSON.stringify({ bench: 'startup', skipped: msg }));
  else console.log(msg);
  process.exit(0);
}

const server = `redscope-startup-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', server, ...a], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redscope-startup-'));
// A session that stays for the whole run keeps the tmux server (and its start-up cost) out of the timings.
tmux('new-session', '-d', '-s', 'idle', '-x', '100', '-y', '30', 'sleep 600');

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function once(i) {
  const name = `run${i}`;
  const out = path.join(dir, `${name}.out`);
  fs.writeFileSync(out, '');
  const env = `env REDSCOPE_HISTFILE=/dev/null TERM=xterm-256color`;
  tmux(
    'new-session', '-d', '-s', name, '-x', '100', '-y', '30',
    `tmux -L ${q(server)} wait-for ${q(name)}; exec ${env} ${command}`,
  );
  tmux('pipe-pane', '-o', '-t', name, `cat >> ${q(out)}`);
  // Let the pane's shell reach wait-for and the pipe start before the clock starts.
  await sleep(150);
  const t0 = performance.now();
  tmux('wait-for', '-S', name);
  let ms = null;
  let seen = '';
  let polls = 0;
  while (performance.now() - t0 < TIMEOUT_MS) {
    seen = fs.readFileSync(out, 'latin1');
    if (seen.replace(ANSI, '').includes(PROMPT)) {
      ms = performance.now() - t0;
      break;
    }
    // Every ~250 ms: has the command exited without a prompt (a crash)?
    if (++polls % 250 === 0 && spawnSync('tmux', ['-L', server, 'has-session', '-t', name]).status !== 0) break;
    await sleep(1);
  }
  try {
    tmux('kill-session', '-t', name);
  } catch {
    // already gone
  }
  if (ms === null) {
    let screen = '';
    try {
      screen = seen.replace(ANSI, '');
    } catch {
      // nothing
    }
    throw new Error(`startup: no "${PROMPT}" from ${command}; its output:\n${screen}`);
  }
  return ms;
}

let times = [];
try {
  // One warm-up run (file-system cache), not counted.
  await once('warm');
  for (let i = 0; i < RUNS; i++) times.push(await once(i));
} finally {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
const round = (x) => Math.round(x);
if (json) {
  console.log(
    JSON.stringify({
      bench: 'startup',
      command,
      loads,
      runs: times.map(round),
      median_ms: round(median),
      min_ms: round(sorted[0]),
      max_ms: round(sorted[sorted.length - 1]),
      target_ms: TARGET_MS,
      ok: median < TARGET_MS,
    }),
  );
} else {
  console.log(`\nstart-up to a usable prompt (${cmdArg >= 0 ? command : 'node bin/redscope.js'} in a tmux pseudo-terminal)`);
  if (loads) console.log(`  loads     ${loads}`);
  console.log(`  runs      ${times.map((t) => `${round(t)}`).join(' ')} ms`);
  console.log(
    `  median    ${round(median)} ms   (min ${round(sorted[0])}, max ${round(sorted[sorted.length - 1])})   ` +
      `target < ${TARGET_MS} ms: ${median < TARGET_MS ? 'ok' : 'MISSED'}`,
  );
}
