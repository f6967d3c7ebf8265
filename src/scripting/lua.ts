import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { PRELUDE } from './prelude.js';
import { REDIS_VERSION } from '../commands/connection.js';

/**
 * C Lua 5.1.5 — the version Redis embeds — compiled to WebAssembly by the npm package
 * lua-wasm-bindings. One WebAssembly instance per process, one lua_State per engine.
 *
 * The package exports only a handful of the C API (no lua_pushcclosure, no pushlstring), so
 * Lua talks to the host through the module's stdio imports: fd_write on fd 1 delivers a
 * message to the host synchronously, fd_read on fd 0 hands the host's answer back. See
 * prelude.ts for the message format. Everything is synchronous: the module is compiled and
 * instantiated with the synchronous WebAssembly API through emscripten's instantiateWasm hook.
 */

const LUA_GLOBALSINDEX = -10002;

/** The few WebAssembly JS API types used here (the project's lib settings do not declare them). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
const Wasm = (globalThis as unknown as {
  WebAssembly: {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object, imports: object) => WasmInstance;
    Memory: abstract new (...a: never[]) => WasmMemory;
  };
}).WebAssembly;

interface GlueModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  _malloc(n: number): number;
  _lua_getfield(L: number, idx: number, k: number): void;
  _lua_pcall(L: number, nargs: number, nresults: number, errfunc: number): number;
  _lua_settop(L: number, idx: number): void;
}

/** Receives each message a Lua state writes; returns the answer Lua reads next (or null). */
export type MessageHandler = (msg: string) => string | null;

class Runtime {
  readonly mod: GlueModule;
  private memory!: WasmMemory;
  private heap = new Uint8Array(0);
  private heap32 = new Uint32Array(0);
  /** Bytes queued for Lua's next reads from fd 0. */
  private pending = '';
  private pendingPos = 0;
  /** The state whose code is running (one at a time: Lua never runs two scripts at once). */
  handler: MessageHandler | null = null;
  readonly newstate: () => number;
  readonly openlibs: (L: number) => void;
  readonly loadbuffer: (L: number, s: string, len: number, name: string) => number;
  readonly tostring: (L: number, idx: number, len: number) => string;
  readonly close: (L: number) => void;
  private readonly entryName: number;

  constructor() {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve('lua-wasm-bindings/dist/glue/glue-lua-5.1.5.js');
    const wasmPath = gluePath.replace(/\.js$/, '.wasm');
    // The emscripten glue installs process-wide handlers when loaded under Node: take them off.
    const before = {
      uncaught: process.listeners('uncaughtException'),
      rejection: process.listeners('unhandledRejection'),
    };
    const factory = require(gluePath) as (m: object) => GlueModule;
    const mod = factory({
      print: () => {},
      printErr: () => {},
      instantiateWasm: (imports: { a: Record<string, (...a: number[]) => number> }, receive: (i: WasmInstance) => void) => {
        const env = imports.a;
        for (const k of Object.keys(env)) {
          const f = env[k]!;
          if (f.name === '_fd_write') env[k] = (fd, iov, n, pnum) => (fd === 1 ? this.write(iov, n, pnum) : f(fd, iov, n, pnum));
          else if (f.name === '_fd_read') env[k] = (fd, iov, n, pnum) => (fd === 0 ? this.read(iov, n, pnum) : f(fd, iov, n, pnum));
        }
        const instance = new Wasm.Instance(new Wasm.Module(readFileSync(wasmPath)), imports);
        for (const v of Object.values(instance.exports)) if (v instanceof Wasm.Memory) this.memory = v;
        receive(instance);
        return instance.exports;
      },
    });
    for (const l of process.listeners('uncaughtException')) {
      if (!before.uncaught.includes(l)) process.off('uncaughtException', l);
    }
    for (const l of process.listeners('unhandledRejection')) {
      if (!before.rejection.includes(l)) process.off('unhandledRejection', l);
    }
    if (typeof mod._lua_pcall !== 'function') throw new Error('Lua WebAssembly module did not initialise synchronously');
    this.mod = mod;
    this.newstate = mod.cwrap('luaL_newstate', 'number', []) as () => number;
    this.openlibs = mod.cwrap('luaL_openlibs', null, ['number']) as (L: number) => void;
    this.loadbuffer = mod.cwrap('luaL_loadbuffer', 'number', ['number', 'string', 'number', 'string']) as Runtime['loadbuffer'];
    this.tostring = mod.cwrap('lua_tolstring', 'string', ['number', 'number', 'number']) as Runtime['tostring'];
    this.close = mod.cwrap('lua_close', null, ['number']) as (L: number) => void;
    const name = '__rs_entry\0';
    this.entryName = mod._malloc(name.length);
    this.views();
    for (let i = 0; i < name.length; i++) this.heap[this.entryName + i] = name.charCodeAt(i);
  }

  private views(): void {
    if (this.heap.buffer !== this.memory.buffer) {
      this.heap = new Uint8Array(this.memory.buffer);
      this.heap32 = new Uint32Array(this.memory.buffer);
    }
  }

  private write(iov: number, n: number, pnum: number): number {
    this.views();
    let msg = '';
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = this.heap32[(iov >> 2) + i * 2]!;
      const len = this.heap32[(iov >> 2) + i * 2 + 1]!;
      if (len === 0) continue;
      msg += len < 64 ? latin1(this.heap, p, len) : Buffer.from(this.memory.buffer, p, len).toString('latin1');
      total += len;
    }
    this.heap32[pnum >> 2] = total;
    if (total > 0) {
      let answer: string | null;
      try {
        answer = this.handler ? this.handler(msg) : null;
      } catch (e) {
        answer = null;
        this.failure = e;
      }
      if (answer !== null) {
        this.pending = answer;
        this.pendingPos = 0;
      }
    }
    return 0;
  }

  /** A host exception thrown while Lua was on the stack, rethrown when Lua returns. */
  failure: unknown = null;

  private read(iov: number, n: number, pnum: number): number {
    this.views();
    let total = 0;
    const src = this.pending;
    for (let i = 0; i < n && this.pendingPos < src.length; i++) {
      const p = this.heap32[(iov >> 2) + i * 2]!;
      const len = this.heap32[(iov >> 2) + i * 2 + 1]!;
      const take = Math.min(len, src.length - this.pendingPos);
      if (take > 64) {
        Buffer.from(this.memory.buffer, p, take).write(src.slice(this.pendingPos, this.pendingPos + take), 'latin1');
      } else {
        for (let j = 0; j < take; j++) this.heap[p + j] = src.charCodeAt(this.pendingPos + j);
      }
      this.pendingPos += take;
      total += take;
    }
    if (this.pendingPos >= src.length) {
      this.pending = '';
      this.pendingPos = 0;
    }
    this.heap32[pnum >> 2] = total;
    return 0;
  }

  /** Calls __rs_entry in state L with `request` to read; returns the status of lua_pcall. */
  enter(L: number, request: string): number {
    this.pending = request;
    this.pendingPos = 0;
    this.mod._lua_getfield(L, LUA_GLOBALSINDEX, this.entryName);
    const status = this.mod._lua_pcall(L, 0, 0, 0);
    if (status !== 0) {
      const msg = this.tostring(L, -1, 0);
      this.mod._lua_settop(L, 0);
      throw new Error(`Lua host failure: ${msg}`);
    }
    if (this.failure) {
      const f = this.failure;
      this.failure = null;
      throw f;
    }
    return status;
  }
}

function latin1(heap: Uint8Array, p: number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(heap[p + i]!);
  return s;
}

let runtime: Runtime | null = null;

function getRuntime(): Runtime {
  return (runtime ??= new Runtime());
}

const finalizer = new FinalizationRegistry<number>((L) => runtime?.close(L));

/** redis.REDIS_VERSION_NUM: 0x00MMmmpp. */
function versionNum(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return (a << 16) | (b << 8) | c;
}

/** One sandboxed Lua state (Redis's server.lua). */
export class LuaState {
  private readonly rt: Runtime;
  private readonly L: number;

  constructor(owner: object) {
    this.rt = getRuntime();
    this.L = this.rt.newstate();
    this.rt.openlibs(this.L);
    const code = PRELUDE.replace('@VERSION@', REDIS_VERSION).replace('@VERSION_NUM@', String(versionNum(REDIS_VERSION)));
    const rt = this.rt;
    if (rt.loadbuffer(this.L, code, Buffer.byteLength(code), '=redis_host') !== 0) {
      throw new Error(`Lua prelude: ${rt.tostring(this.L, -1, 0)}`);
    }
    const call = rt.mod._lua_pcall(this.L, 0, 0, 0);
    if (call !== 0) throw new Error(`Lua prelude: ${rt.tostring(this.L, -1, 0)}`);
    finalizer.register(owner, this.L);
  }

  /**
   * Sends one request to the Lua side; `handler` answers the messages Lua writes while it runs
   * (redis.call, ...) and receives its final message. Returns that final message.
   */
  request(request: string, handler: MessageHandler): string {
    const rt = this.rt;
    const savedHandler = this.handler;
    const savedFinal = this.final;
    const savedRt = rt.handler;
    this.handler = handler;
    this.final = '';
    rt.handler = this.dispatch;
    try {
      rt.enter(this.L, request);
      return this.final;
    } finally {
      rt.handler = savedRt;
      this.handler = savedHandler;
      this.final = savedFinal;
    }
  }

  private handler: MessageHandler | null = null;
  private final = '';
  /** Routes Lua's messages: the final one ('R' result / 'X' error) is kept, the rest answered. */
  private readonly dispatch: MessageHandler = (msg) => {
    const c = msg.charCodeAt(0);
    if (c === 82 /* R */ || c === 88 /* X */) {
      this.final = msg;
      return null;
    }
    return this.handler!(msg);
  };
}
