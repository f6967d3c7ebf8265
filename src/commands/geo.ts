import type { Bytes } from '../engine/bytes.js';
import { NOT_FLOAT, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from '../engine/errors.js';
import {
  decodeGeohashScore,
  distanceIfWithin,
  formatDistance,
  formatHumanDouble,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  geohashGetDistance,
  geohashString,
  geoScore,
  type GeoShape,
  scoresOfBox,
  searchBoxes,
} from '../engine/geohash.js';
import { parseDouble, parseLongExact } from '../engine/number.js';
import { DoubleReply, ErrorReply, NULL_ARRAY, type Reply } from '../engine/reply.js';
import type { Session } from '../engine/session.js';
import { ZSetObject } from '../engine/types/zset.js';
import { formatFixed } from '../resp/double.js';
import type { HandlerMap } from './table.js';
import { zaddCommand } from './zset.js';

// --- errors (geo.c) -------------------------------------------------------------------------
const ERR_DECODE_MEMBER = new ErrorReply('ERR could not decode requested zset member');
const ERR_NEED_RADIUS = new ErrorReply('ERR need numeric radius');
const ERR_RADIUS_NEGATIVE = new ErrorReply('ERR radius cannot be negative');
const ERR_NEED_WIDTH = new ErrorReply('ERR need numeric width');
const ERR_NEED_HEIGHT = new ErrorReply('ERR need numeric height');
const ERR_BOX_NEGATIVE = new ErrorReply('ERR height or width cannot be negative');
const ERR_UNIT = new ErrorReply('ERR unsupported unit provided. please use M, KM, FT, MI');
const ERR_COUNT = new ErrorReply('ERR COUNT must be > 0');
const ERR_ANY_COUNT = new ErrorReply('ERR the ANY argument requires COUNT argument');
const ERR_STORE_GEORADIUS = new ErrorReply(
  'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
);
const ERR_STORE_GEOSEARCH = new ErrorReply(
  'ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options',
);

function invalidLonLat(lon: number, lat: number): ErrorReply {
  return new ErrorReply(`ERR invalid longitude,latitude pair ${printfF(lon)},${printfF(lat)}`);
}

/** printf("%f"). */
function printfF(v: number): string {
  if (Number.isNaN(v)) return v < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
  return formatFixed(v, 6);
}

function humanDouble(ctx: Session, v: number): Reply {
  const text = formatHumanDouble(v);
  // addReplyHumanLongDouble: the same text as a RESP3 double or a RESP2 bulk string.
  return ctx.protocol === 3 ? new DoubleReply(v, text) : text;
}

function notify(ctx: Session, type: string, event: string, key: Bytes): void {
  ctx.engine.notifyKeyspaceEvent(type, event, key, ctx.dbIndex);
}

/** extractLongLatOrReply. */
function extractLonLat(lonArg: Bytes, latArg: Bytes): [number, number] | ErrorReply {
  const lon = parseDouble(lonArg);
  if (lon === null) return NOT_FLOAT;
  const lat = parseDouble(latArg);
  if (lat === null) return NOT_FLOAT;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) return invalidLonLat(lon, lat);
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit, or -1. */
function extractUnit(u: Bytes): number {
  const l = u.toLowerCase();
  if (l === 'm') return 1;
  if (l === 'km') return 1000;
  if (l === 'ft') return 0.3048;
  if (l === 'mi') return 1609.34;
  return -1;
}

function extractDistance(numArg: Bytes, unitArg: Bytes): [number, number] | ErrorReply {
  const d = parseDouble(numArg);
  if (d === null) return ERR_NEED_RADIUS;
  if (d < 0) return ERR_RADIUS_NEGATIVE;
  const conv = extractUnit(unitArg);
  if (conv < 0) return ERR_UNIT;
  return [d, conv];
}

function extractBox(wArg: Bytes, hArg: Bytes, unitArg: Bytes): [number, number, number] | ErrorReply {
  const w = parseDouble(wArg);
  if (w === null) return ERR_NEED_WIDTH;
  const h = parseDouble(hArg);
  if (h === null) return ERR_NEED_HEIGHT;
  if (h < 0 || w < 0) return ERR_BOX_NEGATIVE;
  const conv = extractUnit(unitArg);
  if (conv < 0) return ERR_UNIT;
  return [w, h, conv];
}

function zsetLookup(ctx: Session, key: Bytes): ZSetObject | undefined | ErrorReply {
  const o = ctx.db.lookupRead(key);
  if (o === undefined) return undefined;
  if (o.type !== 'zset') return WRONGTYPE;
  return o as ZSetObject;
}

// --- GEOADD ---------------------------------------------------------------------------------

function geoadd(ctx: Session, argv: Bytes[]): Reply {
  let xx = false;
  let nx = false;
  let longidx = 2;
  while (longidx < argv.length) {
    const opt = argv[longidx]!.toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt === 'ch') {
      /* handled by ZADD */
    } else break;
    longidx++;
  }
  if ((argv.length - longidx) % 3 !== 0 || (xx && nx)) return SYNTAX_ERROR;
  const elements = (argv.length - longidx) / 3;
  const zargv: Bytes[] = ['zadd'];
  for (let i = 1; i < longidx; i++) zargv.push(argv[i]!);
  for (let i = 0; i < elements; i++) {
    const base = longidx + i * 3;
    const xy = extractLonLat(argv[base]!, argv[base + 1]!);
    if (xy instanceof ErrorReply) return xy;
    const score = geoScore(xy[0], xy[1])!;
    zargv.push(String(score), argv[base + 2]!);
  }
  ctx.replaceArgv(zargv);
  return zaddCommand(ctx, zargv);
}

// --- GEORADIUS / GEOSEARCH ------------------------------------------------------------------

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

interface GeoPoint {
  member: Bytes;
  score: number;
  dist: number;
  lon: number;
  lat: number;
}

/** membersOfAllNeighbors: points of the zset inside the shape, box by box in Redis's order. */
function membersInShape(zobj: ZSetObject, shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  const boxes = searchBoxes(shape);
  let last = -1;
  for (let i = 0; i < boxes.length; i++) {
    const box = boxes[i];
    if (box === null || box === undefined) continue;
    if (last > 0) {
      const prev = boxes[last]!;
      if (prev.bits === box.bits && prev.step === box.step) continue;
    }
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = scoresOfBox(box);
    let full = false;
    zobj.rangeByScore({ min, max, minex: false, maxex: true }, 0, -1, false, (member, score) => {
      if (full) return;
      const [lon, lat] = decodeGeohashScore(score);
      const dist = distanceIfWithin(shape, lon, lat);
      if (dist >= 0) out.push({ member, score, dist, lon, lat });
      if (out.length && limit && out.length >= limit) full = true;
    });
    last = i;
  }
  return out;
}

function georadiusGeneric(ctx: Session, argv: Bytes[], srcKeyIndex: number, flags: number): Reply {
  let storekey: Bytes | null = null;
  let storedist = false;
  const zobj = zsetLookup(ctx, argv[srcKeyIndex]!);
  if (zobj instanceof ErrorReply) return zobj;

  const shape: GeoShape = { lon: 0, lat: 0, conversion: 1, circular: true, radius: 0, width: 0, height: 0 };
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = extractLonLat(argv[2]!, argv[3]!);
    if (xy instanceof ErrorReply) return xy;
    [shape.lon, shape.lat] = xy;
    const d = extractDistance(argv[4]!, argv[5]!);
    if (d instanceof ErrorReply) return d;
    [shape.radius, shape.conversion] = d;
  } else if (flags & RADIUS_MEMBER && zobj === undefined) {
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const score = zobj!.score(argv[2]!);
    if (score === undefined) return ERR_DECODE_MEMBER;
    [shape.lon, shape.lat] = decodeGeohashScore(score);
    const d = extractDistance(argv[3]!, argv[4]!);
    if (d instanceof ErrorReply) return d;
    [shape.radius, shape.conversion] = d;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = argv[1]!;
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const remaining = argv.length - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[baseArgs + i]!.toLowerCase();
    if (arg === 'withdist') withdist = true;
    else if (arg === 'withhash') withhash = true;
    else if (arg === 'withcoord') withcoords = true;
    else if (arg === 'any') any = true;
    else if (arg === 'asc') sort = SORT_ASC;
    else if (arg === 'desc') sort = SORT_DESC;
    else if (arg === 'count' && i + 1 < remaining) {
      const c = parseLongExact(argv[baseArgs + i + 1]!);
      if (c === null) return NOT_INTEGER;
      if (c <= 0n) return ERR_COUNT;
      count = Number(c);
      i++;
    } else if (arg === 'store' && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1]!;
      storedist = false;
      i++;
    } else if (arg === 'storedist' && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)) {
      storekey = argv[baseArgs + i + 1]!;
      storedist = true;
      i++;
    } else if (arg === 'storedist' && flags & GEOSEARCH && flags & GEOSEARCHSTORE) {
      storedist = true;
    } else if (arg === 'frommember' && i + 1 < remaining && flags & GEOSEARCH && !fromloc) {
      if (zobj === undefined) {
        frommember = true;
        i++;
        continue;
      }
      const score = zobj.score(argv[baseArgs + i + 1]!);
      if (score === undefined) return ERR_DECODE_MEMBER;
      [shape.lon, shape.lat] = decodeGeohashScore(score);
      frommember = true;
      i++;
    } else if (arg === 'fromlonlat' && i + 2 < remaining && flags & GEOSEARCH && !frommember) {
      const xy = extractLonLat(argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      if (xy instanceof ErrorReply) return xy;
      [shape.lon, shape.lat] = xy;
      fromloc = true;
      i += 2;
    } else if (arg === 'byradius' && i + 2 < remaining && flags & GEOSEARCH && !bybox) {
      const d = extractDistance(argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!);
      if (d instanceof ErrorReply) return d;
      [shape.radius, shape.conversion] = d;
      shape.circular = true;
      byradius = true;
      i += 2;
    } else if (arg === 'bybox' && i + 3 < remaining && flags & GEOSEARCH && !byradius) {
      const b = extractBox(argv[baseArgs + i + 1]!, argv[baseArgs + i + 2]!, argv[baseArgs + i + 3]!);
      if (b instanceof ErrorReply) return b;
      [shape.width, shape.height, shape.conversion] = b;
      shape.circular = false;
      bybox = true;
      i += 3;
    } else {
      return SYNTAX_ERROR;
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    return flags & GEOSEARCHSTORE ? ERR_STORE_GEOSEARCH : ERR_STORE_GEORADIUS;
  }
  if (flags & GEOSEARCH && !(frommember || fromloc)) {
    return new ErrorReply(`ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${argv[0]!}`);
  }
  if (flags & GEOSEARCH && !(byradius || bybox)) {
    return new ErrorReply(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${argv[0]!}`);
  }
  if (any && !count) return ERR_ANY_COUNT;

  if (zobj === undefined) {
    if (storekey !== null) {
      if (ctx.db.delete(storekey)) {
        ctx.db.signalModified(storekey);
        notify(ctx, 'g', 'del', storekey);
      }
      return 0;
    }
    return [];
  }

  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  const points = membersInShape(zobj, shape, any ? count : 0);
  if (points.length === 0 && storekey === null) return [];
  const resultLength = points.length;
  const returned = count === 0 || resultLength < count ? resultLength : count;
  if (sort === SORT_ASC) points.sort((a, b) => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1));
  else if (sort === SORT_DESC) points.sort((a, b) => (a.dist > b.dist ? -1 : a.dist === b.dist ? 0 : 1));

  if (storekey === null) {
    const options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    const out: Reply[] = [];
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      const dist = gp.dist / shape.conversion;
      if (!options) {
        out.push(gp.member);
        continue;
      }
      const item: Reply[] = [gp.member];
      if (withdist) item.push(formatDistance(dist));
      if (withhash) item.push(gp.score);
      if (withcoords) item.push([humanDouble(ctx, gp.lon), humanDouble(ctx, gp.lat)]);
      out.push(item);
    }
    return out;
  }

  const config = ctx.engine.config;
  if (returned) {
    const dst = new ZSetObject('skiplist');
    let maxlen = 0;
    for (let i = 0; i < returned; i++) {
      const gp = points[i]!;
      dst.add(config, storedist ? gp.dist / shape.conversion : gp.score, gp.member, 0);
      if (gp.member.length > maxlen) maxlen = gp.member.length;
    }
    dst.convertToListpackIfNeeded(config, maxlen);
    ctx.db.setKey(storekey, dst);
    notify(ctx, 'z', flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', storekey);
  } else if (ctx.db.delete(storekey)) {
    ctx.db.signalModified(storekey);
    notify(ctx, 'g', 'del', storekey);
  }
  return returned;
}

// --- GEOHASH / GEOPOS / GEODIST -------------------------------------------------------------

function geohash(ctx: Session, argv: Bytes[]): Reply {
  const zobj = zsetLookup(ctx, argv[1]!);
  if (zobj instanceof ErrorReply) return zobj;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = zobj === undefined ? undefined : zobj.score(argv[j]!);
    out.push(score === undefined ? null : geohashString(score));
  }
  return out;
}

function geopos(ctx: Session, argv: Bytes[]): Reply {
  const zobj = zsetLookup(ctx, argv[1]!);
  if (zobj instanceof ErrorReply) return zobj;
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = zobj === undefined ? undefined : zobj.score(argv[j]!);
    if (score === undefined) {
      out.push(NULL_ARRAY);
      continue;
    }
    const [lon, lat] = decodeGeohashScore(score);
    out.push([humanDouble(ctx, lon), humanDouble(ctx, lat)]);
  }
  return out;
}

function geodist(ctx: Session, argv: Bytes[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = extractUnit(argv[4]!);
    if (toMeter < 0) return ERR_UNIT;
  } else if (argv.length > 5) {
    return SYNTAX_ERROR;
  }
  const zobj = zsetLookup(ctx, argv[1]!);
  if (zobj === undefined) return null;
  if (zobj instanceof ErrorReply) return zobj;
  const s1 = zobj.score(argv[2]!);
  const s2 = zobj.score(argv[3]!);
  if (s1 === undefined || s2 === undefined) return null;
  const [lon1, lat1] = decodeGeohashScore(s1);
  const [lon2, lat2] = decodeGeohashScore(s2);
  return formatDistance(geohashGetDistance(lon1, lat1, lon2, lat2) / toMeter);
}

export const geoCommands: HandlerMap = {
  geoadd,
  geohash,
  geopos,
  geodist,
  georadius: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS),
  georadiusbymember: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER),
  georadius_ro: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  georadiusbymember_ro: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  geosearch: (ctx, argv) => georadiusGeneric(ctx, argv, 1, GEOSEARCH),
  geosearchstore: (ctx, argv) => georadiusGeneric(ctx, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
};
