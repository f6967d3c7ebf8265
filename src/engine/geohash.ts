import { formatFixed } from '../resp/double.js';

/**
 * Redis's geohash (geohash.c, geohash_helper.c): 26-step (52-bit) interleaved hashes over
 * longitude [-180, 180] and latitude [-85.05112878, 85.05112878], the neighbour boxes used
 * by radius/box searches, and the haversine distance Redis computes.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const D_R = Math.PI / 180.0;
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;

export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoHashArea {
  hash: GeoHashBits;
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

interface Range {
  min: number;
  max: number;
}

const WGS84_LON: Range = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
const WGS84_LAT: Range = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };

/** Spreads the low 32 bits of x to the even bit positions of a 64-bit value. */
function spread(x: bigint): bigint {
  x &= 0xffffffffn;
  x = (x | (x << 16n)) & 0x0000ffff0000ffffn;
  x = (x | (x << 8n)) & 0x00ff00ff00ff00ffn;
  x = (x | (x << 4n)) & 0x0f0f0f0f0f0f0f0fn;
  x = (x | (x << 2n)) & 0x3333333333333333n;
  x = (x | (x << 1n)) & 0x5555555555555555n;
  return x;
}

/** Gathers the even bits of x into 32 bits. */
function squash(x: bigint): bigint {
  x &= 0x5555555555555555n;
  x = (x | (x >> 1n)) & 0x3333333333333333n;
  x = (x | (x >> 2n)) & 0x0f0f0f0f0f0f0f0fn;
  x = (x | (x >> 4n)) & 0x00ff00ff00ff00ffn;
  x = (x | (x >> 8n)) & 0x0000ffff0000ffffn;
  x = (x | (x >> 16n)) & 0x00000000ffffffffn;
  return x;
}

/** interleave64(lat, lon): latitude bits in even positions, longitude in odd ones. */
export function interleave64(xlo: number, ylo: number): bigint {
  return spread(BigInt(xlo >>> 0)) | (spread(BigInt(ylo >>> 0)) << 1n);
}

/** deinterleave64: [lat in low 32 bits, lon in high 32 bits] as two numbers. */
export function deinterleave64(interleaved: bigint): [number, number] {
  return [Number(squash(interleaved)), Number(squash(interleaved >> 1n))];
}

/** geohashEncode: null when the coordinates are outside the supported or given ranges. */
export function geohashEncode(lonRange: Range, latRange: Range, longitude: number, latitude: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return null;
  if (latitude < latRange.min || latitude > latRange.max || longitude < lonRange.min || longitude > lonRange.max) return null;
  let latOffset = (latitude - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (longitude - lonRange.min) / (lonRange.max - lonRange.min);
  const scale = 2 ** step;
  latOffset *= scale;
  lonOffset *= scale;
  // C converts the doubles to uint32_t by truncation.
  return { bits: interleave64(Math.trunc(latOffset), Math.trunc(lonOffset)), step };
}

export function geohashEncodeWGS84(longitude: number, latitude: number, step: number): GeoHashBits | null {
  return geohashEncode(WGS84_LON, WGS84_LAT, longitude, latitude, step);
}

/** geohashDecode over the given ranges. */
export function geohashDecode(lonRange: Range, latRange: Range, hash: GeoHashBits): GeoHashArea {
  const step = hash.step;
  const [ilato, ilono] = deinterleave64(hash.bits);
  const latScale = latRange.max - latRange.min;
  const lonScale = lonRange.max - lonRange.min;
  const div = 2 ** step;
  return {
    hash,
    latMin: latRange.min + (ilato * 1.0 / div) * latScale,
    latMax: latRange.min + ((ilato + 1) * 1.0 / div) * latScale,
    lonMin: lonRange.min + (ilono * 1.0 / div) * lonScale,
    lonMax: lonRange.min + ((ilono + 1) * 1.0 / div) * lonScale,
  };
}

/** decodeGeohash (geo.c): a 52-bit score → [longitude, latitude] of the cell centre. */
export function decodeGeohashScore(score: number): [number, number] {
  // (uint64_t)score: scores of geo members are non-negative integers.
  const bits = score > 0 && Number.isFinite(score) ? BigInt(Math.trunc(Math.min(score, 2 ** 64 - 1))) & 0xffffffffffffffffn : 0n;
  const area = geohashDecode(WGS84_LON, WGS84_LAT, { bits, step: GEO_STEP_MAX });
  let lon = (area.lonMin + area.lonMax) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (area.latMin + area.latMax) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

/** geohashAlign52Bits. */
export function align52Bits(hash: GeoHashBits): bigint {
  return hash.bits << BigInt(52 - hash.step * 2);
}

/** The zset score GEOADD stores for a coordinate pair (null when out of range). */
export function geoScore(longitude: number, latitude: number): number | null {
  const h = geohashEncodeWGS84(longitude, latitude, GEO_STEP_MAX);
  return h === null ? null : Number(align52Bits(h));
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string for a stored score (re-encoded over lat ±90). */
export function geohashString(score: number): string | null {
  const [lon, lat] = decodeGeohashScore(score);
  const h = geohashEncode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, 26);
  const bits = h === null ? 0n : h.bits;
  let out = '';
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

const M64 = 0xffffffffffffffffn;
const AAAA = 0xaaaaaaaaaaaaaaaan;
const FIVE = 0x5555555555555555n;

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const sh = BigInt(64 - hash.step * 2);
  let x = hash.bits & AAAA;
  const y = hash.bits & FIVE;
  const zz = FIVE >> sh;
  if (d > 0) x = (x + (zz + 1n)) & M64;
  else {
    x = x | zz;
    x = (x - (zz + 1n)) & M64;
  }
  x &= AAAA >> sh;
  return { bits: x | y, step: hash.step };
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const sh = BigInt(64 - hash.step * 2);
  const x = hash.bits & AAAA;
  let y = hash.bits & FIVE;
  const zz = AAAA >> sh;
  if (d > 0) y = (y + (zz + 1n)) & M64;
  else {
    y = y | zz;
    y = (y - (zz + 1n)) & M64;
  }
  y &= FIVE >> sh;
  return { bits: x | y, step: hash.step };
}

export interface GeoHashNeighbors {
  north: GeoHashBits | null;
  east: GeoHashBits | null;
  west: GeoHashBits | null;
  south: GeoHashBits | null;
  northEast: GeoHashBits | null;
  southEast: GeoHashBits | null;
  northWest: GeoHashBits | null;
  southWest: GeoHashBits | null;
}

export function geohashNeighbors(h: GeoHashBits): GeoHashNeighbors {
  return {
    east: moveX(h, 1),
    west: moveX(h, -1),
    south: moveY(h, -1),
    north: moveY(h, 1),
    northWest: moveY(moveX(h, -1), 1),
    southWest: moveY(moveX(h, -1), -1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
  };
}

// --- correctly rounded sin / cos / asin -------------------------------------------------
// Redis runs on glibc, whose sin, cos and asin return the correctly rounded result in
// practice; V8's fdlibm ports can be 1 ulp off, which shows in STOREDIST scores. These use
// double-double arithmetic (about 106 bits) and round once.

let H = 0;
let L = 0;
const SPLIT = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  H = s;
  L = a - (s - bb) + (b - bb);
}

function quickTwoSum(a: number, b: number): void {
  const s = a + b;
  H = s;
  L = b - (s - a);
}

function twoProd(a: number, b: number): void {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  H = p;
  L = ah * bh - p + ah * bl + al * bh + al * bl;
}

function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const s = H;
  let e = L;
  twoSum(al, bl);
  const t = H;
  const f = L;
  e += t;
  quickTwoSum(s, e);
  const s2 = H;
  const e2 = L + f;
  quickTwoSum(s2, e2);
}

function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const p = H;
  const e = L + (ah * bl + al * bh);
  quickTwoSum(p, e);
}

function ddMulD(ah: number, al: number, b: number): void {
  twoProd(ah, b);
  const p = H;
  const e = L + al * b;
  quickTwoSum(p, e);
}

function ddDivD(ah: number, al: number, b: number): void {
  const q1 = ah / b;
  twoProd(q1, b);
  const ph = H;
  const pl = L;
  twoSum(ah, -ph);
  const e = L - pl + al;
  const q2 = (H + e) / b;
  quickTwoSum(q1, q2);
}

const PIO2_H = 1.5707963267948966;
const PIO2_L = 6.123233995736766e-17;

/** sin (odd = false) or cos (odd = true) series of a reduced double-double r, |r| <= pi/4. */
function ddSeries(rh: number, rl: number, cosine: boolean): void {
  ddMul(rh, rl, rh, rl);
  const r2h = H;
  const r2l = L;
  let th: number;
  let tl: number;
  let n: number;
  if (cosine) {
    th = 1;
    tl = 0;
    n = 0;
  } else {
    th = rh;
    tl = rl;
    n = 1;
  }
  let sh = th;
  let sl = tl;
  for (let k = 1; k < 30; k++) {
    ddMul(th, tl, r2h, r2l);
    ddDivD(H, L, (n + 1) * (n + 2));
    th = -H;
    tl = -L;
    n += 2;
    ddAdd(sh, sl, th, tl);
    sh = H;
    sl = L;
    if (Math.abs(th) < 1e-25 * Math.abs(sh) || th === 0) break;
  }
  H = sh;
  L = sl;
}

/** sin(x + quadrant * pi/2) in double-double. */
function ddSinQ(x: number, quadrant: number): void {
  const k = Math.round(x / PIO2_H);
  let rh = x;
  let rl = 0;
  if (k !== 0) {
    ddMulD(PIO2_H, PIO2_L, k);
    ddAdd(x, 0, -H, -L);
    rh = H;
    rl = L;
  }
  const q = (((k + quadrant) % 4) + 4) % 4;
  ddSeries(rh, rl, q === 1 || q === 3);
  if (q >= 2) {
    H = -H;
    L = -L;
  }
}

export function crSin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  if (x === 0) return x;
  ddSinQ(x, 0);
  return H + L;
}

export function crCos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  ddSinQ(x, 1);
  return H + L;
}

/** asin of the double-double (yh, yl) with 0 <= y <= 0.5, by one Newton step from Math.asin. */
function ddAsinSmall(yh: number, yl: number): void {
  const z = Math.asin(yh + yl);
  if (z === 0) {
    H = yh;
    L = yl;
    return;
  }
  ddSinQ(z, 0);
  ddAdd(H, L, -yh, -yl);
  const d = H + L;
  const c = Math.cos(z);
  quickTwoSum(z, -d / c);
}

export function crAsin(y: number): number {
  if (Number.isNaN(y) || y > 1 || y < -1) return NaN;
  if (y === 0) return y;
  const neg = y < 0;
  const a = Math.abs(y);
  let r: number;
  if (a <= 0.5) {
    ddAsinSmall(a, 0);
    r = H + L;
  } else {
    // asin(a) = pi/2 - 2 asin(sqrt((1 - a) / 2)); 1 - a and the halving are exact here.
    const t = (1 - a) / 2;
    const s0 = Math.sqrt(t);
    let sl = 0;
    if (s0 !== 0) {
      twoProd(s0, s0);
      sl = (t - H - L) / (2 * s0);
    }
    ddAsinSmall(s0, sl);
    ddAdd(PIO2_H, PIO2_L, -2 * H, -2 * L);
    r = H + L;
  }
  return neg ? -r : r;
}

function degRad(ang: number): number {
  return ang * D_R;
}
function radDeg(ang: number): number {
  return ang / D_R;
}

export function geohashGetLatDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: haversine great-circle distance in meters. */
export function geohashGetDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = crSin((lon2r - lon1r) / 2);
  if (v === 0.0) return geohashGetLatDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = crSin((lat2r - lat1r) / 2);
  const a = u * u + crCos(lat1r) * crCos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

/** A search shape (GeoShape): centre, conversion to meters, radius or box (in the unit). */
export interface GeoShape {
  lon: number;
  lat: number;
  conversion: number;
  circular: boolean;
  radius: number;
  width: number;
  height: number;
}

/** Distance from the shape's centre when the point is inside it, else -1. */
export function distanceIfWithin(shape: GeoShape, lon: number, lat: number): number {
  if (shape.circular) {
    const d = geohashGetDistance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? -1 : d;
  }
  const widthM = shape.width * shape.conversion;
  const heightM = shape.height * shape.conversion;
  const latDistance = geohashGetLatDistance(lat, shape.lat);
  if (latDistance > heightM / 2) return -1;
  const lonDistance = geohashGetDistance(lon, lat, shape.lon, lat);
  if (lonDistance > widthM / 2) return -1;
  return geohashGetDistance(shape.lon, shape.lat, lon, lat);
}

export function geohashEstimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function boundingBox(shape: GeoShape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.conversion * (shape.circular ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.circular ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(lat - latDelta)));
  const southern = lat < 0;
  return [
    southern ? lon - lonDeltaBottom : lon - lonDeltaTop,
    lat - latDelta,
    southern ? lon + lonDeltaBottom : lon + lonDeltaTop,
    lat + latDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84 + the neighbour order of membersOfAllNeighbors: the
 * (up to) nine boxes to scan, in Redis's order, nulls for excluded ones.
 */
export function searchBoxes(shape: GeoShape): Array<GeoHashBits | null> {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.circular ? shape.radius : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))) *
    shape.conversion;
  let steps = geohashEstimateStepsByRadius(radiusMeters, shape.lat);
  const zero: GeoHashBits = { bits: 0n, step: 0 };
  let hash = geohashEncode(WGS84_LON, WGS84_LAT, shape.lon, shape.lat, steps) ?? zero;
  let neighbors = geohashNeighbors(hash);
  let area = geohashDecode(WGS84_LON, WGS84_LAT, hash);
  let decrease = false;
  {
    const north = geohashDecode(WGS84_LON, WGS84_LAT, neighbors.north!);
    const south = geohashDecode(WGS84_LON, WGS84_LAT, neighbors.south!);
    const east = geohashDecode(WGS84_LON, WGS84_LAT, neighbors.east!);
    const west = geohashDecode(WGS84_LON, WGS84_LAT, neighbors.west!);
    if (north.latMax < maxLat) decrease = true;
    if (south.latMin > minLat) decrease = true;
    if (east.lonMax < maxLon) decrease = true;
    if (west.lonMin > minLon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    hash = geohashEncode(WGS84_LON, WGS84_LAT, shape.lon, shape.lat, steps) ?? zero;
    neighbors = geohashNeighbors(hash);
    area = geohashDecode(WGS84_LON, WGS84_LAT, hash);
  }
  if (steps >= 2) {
    if (area.latMin < minLat) {
      neighbors.south = null;
      neighbors.southWest = null;
      neighbors.southEast = null;
    }
    if (area.latMax > maxLat) {
      neighbors.north = null;
      neighbors.northEast = null;
      neighbors.northWest = null;
    }
    if (area.lonMin < minLon) {
      neighbors.west = null;
      neighbors.southWest = null;
      neighbors.northWest = null;
    }
    if (area.lonMax > maxLon) {
      neighbors.east = null;
      neighbors.southEast = null;
      neighbors.northEast = null;
    }
  }
  return [
    hash,
    neighbors.north,
    neighbors.south,
    neighbors.east,
    neighbors.west,
    neighbors.northEast,
    neighbors.northWest,
    neighbors.southEast,
    neighbors.southWest,
  ];
}

/** scoresOfGeoHashBox: [min inclusive, max exclusive] scores of a box. */
export function scoresOfBox(hash: GeoHashBits): [number, number] {
  const min = align52Bits(hash);
  const max = align52Bits({ bits: hash.bits + 1n, step: hash.step });
  return [Number(min), Number(max)];
}

/** Redis's fixedpoint_d2string(…, 4) for distances: llrint(d * 10^4) as "int.frac". */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const scaled = d * 10000;
  let r = Math.round(scaled);
  // llrint rounds half to even; Math.round rounds half up.
  if (r - scaled === 0.5 && r % 2 !== 0) r -= 1;
  const neg = r < 0;
  let v = BigInt(Math.abs(r));
  const intPart = v / 10000n;
  v %= 10000n;
  return (neg ? '-' : '') + intPart.toString() + '.' + v.toString().padStart(4, '0');
}

/** ld2string(…, LD_STR_HUMAN): "%.17Lf" with trailing zeros (and a bare dot) removed. */
export function formatHumanDouble(d: number): string {
  let s = formatFixed(d, 17);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  if (s === '-0') return '-0';
  return s;
}
