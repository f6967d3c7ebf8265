import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  cacheValid,
  createHll,
  decodeSparse,
  denseGet,
  denseSetRaw,
  hllAdd,
  hllCount,
  hllCountRaw,
  hllMerge,
  hllSetRegister,
  invalidateCache,
  isValidHll,
  readCachedCard,
  sparseToDense,
  writeCachedCard,
  type HllBuf,
} from '../engine/hyperloglog.js';
import type { RedisObject } from '../engine/object.js';
import { ErrorReply, OK, StatusReply, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { WRONGTYPE } from '../engine/errors.js';
import { StringObject } from '../engine/types/string.js';
import type { HandlerMap } from './table.js';

// Errors of the HyperLogLog group (hyperloglog.c), byte for byte as Redis 7.2 sends them.
const NOT_HLL = new ErrorReply('WRONGTYPE Key is not a valid HyperLogLog string value.');
const INVALID_HLL = new ErrorReply('INVALIDOBJ Corrupted HLL object detected');
const PFDEBUG_NO_KEY = new ErrorReply('ERR The specified key does not exist');
const PFDEBUG_NOT_SPARSE = new ErrorReply('ERR HLL encoding is not sparse');

/** isHLLObjectOrReply: null when `o` is a valid HLL string, else the error. */
function checkHll(o: RedisObject): ErrorReply | null {
  if (o.type !== 'string') return WRONGTYPE;
  const s = o as StringObject;
  if (s.encoding === 'int') return NOT_HLL;
  const n = s.length;
  if (n < 16) return NOT_HLL;
  return isValidHll(s.bytes(), n) ? null : NOT_HLL;
}

/** dbUnshareStringValue + the bytes to edit in place (the object is raw from now on). */
function editable(o: StringObject): HllBuf {
  const n = o.length;
  return { b: o.mutable(n), n };
}

/** The bytes of a (checked) HLL for reading. */
function readable(o: StringObject): HllBuf {
  const b = o.bytes();
  return { b, n: b.length };
}

function maxBytes(ctx: Session): number {
  return ctx.engine.config.hllSparseMaxBytes;
}

export const hyperloglogCommands: HandlerMap = {
  pfadd(ctx, argv) {
    const key = argv[1]!;
    const found = ctx.db.lookupWrite(key);
    let obj: StringObject;
    let h: HllBuf;
    let updated = 0;
    if (found === undefined) {
      h = createHll();
      obj = StringObject.fromBuffer(h.b, h.n);
      ctx.db.add(key, obj);
      updated++;
    } else {
      const e = checkHll(found);
      if (e) return e;
      obj = found as StringObject;
      h = editable(obj);
    }
    const limit = maxBytes(ctx);
    for (let j = 2; j < argv.length; j++) {
      const r = hllAdd(h, argv[j]!, limit);
      if (r === 1) updated++;
      else if (r === -1) {
        obj.replaceBuffer(h.b, h.n);
        return INVALID_HLL;
      }
    }
    if (updated) {
      invalidateCache(h.b);
      obj.replaceBuffer(h.b, h.n);
      ctx.db.signalModified(key);
      ctx.engine.notifyKeyspaceEvent('$', 'pfadd', key, ctx.dbIndex);
      ctx.engine.dirty += updated - 1;
    }
    return updated ? 1 : 0;
  },

  pfcount(ctx, argv) {
    if (argv.length > 2) {
      const max = new Uint8Array(HLL_REGISTERS);
      for (let j = 1; j < argv.length; j++) {
        const o = ctx.db.lookupRead(argv[j]!);
        if (o === undefined) continue;
        const e = checkHll(o);
        if (e) return e;
        if (!hllMerge(max, readable(o as StringObject))) return INVALID_HLL;
      }
      return hllCountRaw(max);
    }
    const key = argv[1]!;
    const o = ctx.db.lookupRead(key);
    if (o === undefined) return 0;
    const e = checkHll(o);
    if (e) return e;
    const obj = o as StringObject;
    const h = editable(obj);
    if (cacheValid(h.b)) return readCachedCard(h.b);
    const card = hllCount(h);
    if (card === null) return INVALID_HLL;
    writeCachedCard(h.b, card);
    obj.replaceBuffer(h.b, h.n);
    ctx.db.signalModified(key);
    return card;
  },

  pfmerge(ctx, argv) {
    const max = new Uint8Array(HLL_REGISTERS);
    let useDense = false;
    for (let j = 1; j < argv.length; j++) {
      const o = ctx.db.lookupRead(argv[j]!);
      if (o === undefined) continue;
      const e = checkHll(o);
      if (e) return e;
      const h = readable(o as StringObject);
      if (h.b[4] === HLL_DENSE) useDense = true;
      if (!hllMerge(max, h)) return INVALID_HLL;
    }
    const key = argv[1]!;
    const found = ctx.db.lookupWrite(key);
    let obj: StringObject;
    let h: HllBuf;
    if (found === undefined) {
      h = createHll();
      obj = StringObject.fromBuffer(h.b, h.n);
      ctx.db.add(key, obj);
    } else {
      obj = found as StringObject;
      h = editable(obj);
    }
    if (useDense) {
      const d = sparseToDense(h);
      if (d === null) return INVALID_HLL;
      h = d;
    }
    const limit = maxBytes(ctx);
    for (let j = 0; j < HLL_REGISTERS; j++) {
      if (max[j] === 0) continue;
      hllSetRegister(h, j, max[j]!, limit);
    }
    invalidateCache(h.b);
    obj.replaceBuffer(h.b, h.n);
    ctx.db.signalModified(key);
    ctx.engine.notifyKeyspaceEvent('$', 'pfadd', key, ctx.dbIndex);
    return OK;
  },

  pfdebug(ctx, argv) {
    const cmd = argv[1]!;
    const sub = cmd.toLowerCase();
    const key = argv[2]!;
    const o = ctx.db.lookupWrite(key);
    if (o === undefined) return PFDEBUG_NO_KEY;
    const e = checkHll(o);
    if (e) return e;
    const obj = o as StringObject;
    let h = editable(obj);
    if (sub === 'getreg') {
      if (h.b[4] === HLL_SPARSE) {
        const d = sparseToDense(h);
        if (d === null) return INVALID_HLL;
        h = d;
        obj.replaceBuffer(h.b, h.n);
        ctx.engine.dirty++;
      }
      const out: Reply[] = new Array(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) out[j] = denseGet(h.b, j);
      return out;
    }
    if (sub === 'decode') {
      if (h.b[4] !== HLL_SPARSE) return PFDEBUG_NOT_SPARSE;
      return decodeSparse(h);
    }
    if (sub === 'encoding') {
      return new StatusReply(h.b[4] === HLL_DENSE ? 'dense' : 'sparse');
    }
    if (sub === 'todense') {
      let conv = 0;
      if (h.b[4] === HLL_SPARSE) {
        const d = sparseToDense(h);
        if (d === null) return INVALID_HLL;
        obj.replaceBuffer(d.b, d.n);
        conv = 1;
        ctx.engine.dirty++;
      }
      return conv;
    }
    return new ErrorReply(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  },
};


const HLL_TEST_CYCLES = 1000;

/**
 * PFSELFTEST: Redis's own self test of the HLL code — register access on a dense array,
 * then 10M adds into a dense and a sparse HLL checking that they agree and that the error
 * stays within bounds at every power of ten.
 */
function pfselftest(ctx: Session): Reply {
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < HLL_TEST_CYCLES; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(Math.random() * 0x7fffffff) & 63;
      bytecounters[i] = r;
      denseSetRaw(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(dense, i);
      if (val !== bytecounters[i]) {
        return new ErrorReply(`TESTFAILED Register ${i} should be ${bytecounters[i]} but is ${val}`);
      }
    }
  }
  dense.fill(0, 16);
  dense.write('HYLL', 0, 'latin1');
  dense[4] = HLL_DENSE;
  const sparse = createHll();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = Math.floor(Math.random() * 0x7fffffff);
  const seedHi = Math.floor(Math.random() * 0x7fffffff);
  const limit = ctx.engine.config.hllSparseMaxBytes;
  const denseBuf: HllBuf = { b: dense, n: HLL_DENSE_SIZE };
  for (let j = 1; j <= 10000000; j++) {
    const lo = (j ^ seedLo) >>> 0;
    const ele = String.fromCharCode(lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24,
      seedHi & 255, (seedHi >>> 8) & 255, (seedHi >>> 16) & 255, seedHi >>> 24);
    hllAdd(denseBuf, ele, limit);
    hllAdd(sparse, ele, limit);
    if (j === checkpoint) {
      if (j < limit / 2 && sparse.b[4] !== HLL_SPARSE) return new ErrorReply('TESTFAILED sparse encoding not used');
      const card = hllCount(denseBuf)!;
      if (card !== hllCount(sparse)) return new ErrorReply('TESTFAILED dense/sparse disagree');
      let maxerr = Math.ceil(relerr * 6 * checkpoint);
      if (j === 10) maxerr = 1;
      const abserr = Math.abs(checkpoint - card);
      if (abserr > maxerr) return new ErrorReply(`TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
      checkpoint *= 10;
    }
  }
  return OK;
}

hyperloglogCommands['pfselftest'] = pfselftest;
