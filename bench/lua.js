// Interpreter choice for Lua scripting (issue 3): fidelity to Redis's Lua 5.1 and the speed of a
// cached script doing two redis.call into the engine. `npm run build && node bench/lua.js`.
// wasmoon and fengari are not dependencies: they are measured when installed (npm i --no-save
// wasmoon fengari), otherwise their rows say "not installed".
import { Engine } from '../dist/engine/engine.js';
import { CommandTable } from '../dist/commands/table.js';
import { scriptingCommands } from '../dist/commands/scripting.js';
import { encodeReply } from '../dist/resp/encoder.js';

const TIME_MS = Number(process.argv[process.argv.indexOf('--time') + 1]) || 1000;

/** Until scriptingCommands is wired into index.ts, attach the handlers here. */
const table = CommandTable.standard();
for (const [name, handler] of Object.entries(scriptingCommands)) {
  const [top, sub] = name.split('|');
  const e = table.get(top);
  const target = sub ? e?.subcommands?.get(sub) : e;
  if (target && !target.handler) target.handler = handler;
}

/** Fidelity probes: the expression, what Redis (Lua 5.1) answers. */
const PROBES = [
  ['tostring(10/2)', '5'],
  ['tostring(2^53)', '9.007199254741e+15'],
  ['tostring(2^31 * 4)', '8589934592'],
  ['tostring(2147483647 + 1)', '2147483648'],
  ['tostring(7/2)', '3.5'],
  ["'x' .. 10/2", 'x5'],
  ["string.format('%d', 3.7)", '3'],
  ["tostring(1e15)", '1e+15'],
  ['tostring(math.floor(7/2))', '3'],
  ["type(unpack) .. type(loadstring) .. type(table.getn)", 'functionfunctionfunction'],
  ["((loadstring or load)('return 7 // 2') and 'parses //' or 'no //')", 'no //'],
];

function rate(fn) {
  // WebAssembly code is tiered up (Liftoff → TurboFan) after a while: warm up for a second.
  const warm = performance.now();
  while (performance.now() - warm < 1000) for (let i = 0; i < 1000; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < TIME_MS) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = performance.now();
  }
  return Math.round(n / ((now - start) / 1000));
}

const rows = [];

// --- lua-wasm-bindings (C Lua 5.1.5 in WebAssembly), the engine's host ---------------------
{
  const engine = new Engine({ timers: false });
  const s = engine.createSession();
  const fidelity = PROBES.map(([expr, want]) => {
    const got = s.execute(['EVAL', `return ${expr}`, '0']);
    return [expr, want, typeof got === 'string' ? got : JSON.stringify(encodeReply(got, 2))];
  });
  const sha = s.execute(['SCRIPT', 'LOAD', "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])"]);
  const argv = ['EVALSHA', sha, '1', 'key', 'value'];
  const evalsha = rate(() => s.execute(argv));
  const get = rate(() => s.execute(['GET', 'key']));
  rows.push({ name: 'lua-wasm-bindings 0.5.3 (C Lua 5.1.5, WASM) in the engine', evalsha, note: `GET alone ${get}/s`, fidelity });
}

// --- wasmoon (C Lua 5.4 in WASM) ------------------------------------------------------------
try {
  const { LuaFactory } = await import('wasmoon');
  const lua = await new LuaFactory().createEngine();
  const db = new Map();
  lua.global.set('rcall', (...a) => {
    if (a[0] === 'SET') { db.set(a[1], a[2]); return 'OK'; }
    return db.get(a[1]) ?? null;
  });
  const fidelity = PROBES.map(([expr, want]) => {
    let got;
    try { got = String(lua.doStringSync(`return ${expr}`)); } catch (e) { got = `error: ${String(e.message ?? e).slice(0, 60)}`; }
    return [expr, want, got];
  });
  lua.doStringSync("function f(k, v) rcall('SET', k, v) return rcall('GET', k) end");
  const f = lua.global.get('f');
  const evalsha = rate(() => f('key', 'value'));
  rows.push({ name: 'wasmoon (C Lua 5.4, WASM), JS functions, no engine', evalsha, note: 'calls a JS Map, not the engine', fidelity });
} catch (e) {
  rows.push({ name: 'wasmoon', evalsha: null, note: `not installed (${String(e.message ?? e).slice(0, 50)})`, fidelity: [] });
}

// --- fengari (Lua 5.3 in JS) ----------------------------------------------------------------
try {
  const fengari = (await import('fengari')).default;
  const { lua, lauxlib, lualib, to_luastring, to_jsstring } = fengari;
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  const db = new Map();
  lua.lua_pushcfunction(L, (L) => {
    const cmd = to_jsstring(lua.lua_tostring(L, 1));
    const k = lua.lua_tostring(L, 2);
    if (cmd === 'SET') { db.set(to_jsstring(k), lua.lua_tostring(L, 3)); lua.lua_pushstring(L, to_luastring('OK')); }
    else { const v = db.get(to_jsstring(k)); if (v) lua.lua_pushstring(L, v); else lua.lua_pushnil(L); }
    return 1;
  });
  lua.lua_setglobal(L, to_luastring('rcall'));
  const run = (code) => {
    if (lauxlib.luaL_dostring(L, to_luastring(code)) !== 0) return `error: ${to_jsstring(lua.lua_tostring(L, -1)).slice(0, 60)}`;
    const r = lua.lua_tostring(L, -1);
    lua.lua_settop(L, 0);
    return r === null ? 'nil' : to_jsstring(r);
  };
  const fidelity = PROBES.map(([expr, want]) => [expr, want, run(`return ${expr}`)]);
  run("function f(k, v) rcall('SET', k, v) return rcall('GET', k) end");
  const fname = to_luastring('f');
  const key = to_luastring('key');
  const val = to_luastring('value');
  const evalsha = rate(() => {
    lua.lua_getglobal(L, fname);
    lua.lua_pushstring(L, key);
    lua.lua_pushstring(L, val);
    lua.lua_pcall(L, 2, 1, 0);
    lua.lua_settop(L, 0);
  });
  rows.push({ name: 'fengari (Lua 5.3 in JS), C API, no engine', evalsha, note: 'calls a JS Map, not the engine', fidelity });
} catch (e) {
  rows.push({ name: 'fengari', evalsha: null, note: `not installed (${String(e.message ?? e).slice(0, 50)})`, fidelity: [] });
}

for (const r of rows) {
  console.log(`\n${r.name}`);
  console.log(`  2-call script: ${r.evalsha === null ? 'n/a' : `${r.evalsha.toLocaleString('en-US')} calls/s`}  (${r.note})`);
  let ok = 0;
  for (const [expr, want, got] of r.fidelity) {
    const same = got === want;
    if (same) ok++;
    console.log(`  ${same ? 'ok  ' : 'DIFF'} ${expr} → ${got}${same ? '' : `   (Redis: ${want})`}`);
  }
  if (r.fidelity.length) console.log(`  fidelity: ${ok}/${r.fidelity.length}`);
}
