// SET/GET hot path for `node --cpu-prof bench/profile-setget.js` (after tsc).
import { Engine } from '../dist/engine/engine.js';

const engine = new Engine({ timers: false });
const s = engine.createSession();
const N = 10000;
const sets = [];
const gets = [];
for (let i = 0; i < N; i++) {
  sets.push(['SET', `key:${i}`, `value:${i}`]);
  gets.push(['GET', `key:${i}`]);
}
const ROUNDS = Number(process.argv[2] ?? 300);
const t0 = performance.now();
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < N; i++) s.execute(sets[i]);
  for (let i = 0; i < N; i++) s.execute(gets[i]);
}
const ms = performance.now() - t0;
console.log(`${Math.round((2 * N * ROUNDS) / (ms / 1000)).toLocaleString('en-US')} ops/s (SET+GET)`);
engine.close();
