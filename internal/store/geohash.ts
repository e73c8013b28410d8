// Geohash math as Redis 7.0 computes it: 52-bit interleaved cells, cell centres, neighbours, search areas by radius or box, haversine distances and the reply number formats.
//
// Every formula keeps Redis's operation order (geohash.c, geohash_helper.c, geo.c), because the
// scores, the cells searched and the printed coordinates must come out bit-identical: JS numbers
// and C doubles round the same way for + - * / and sqrt; only sin/cos/asin may differ in the last
// bit (V8's fdlibm against glibc), which moves a distance by ~1e-9 m.

export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** 26 bits per axis: 52 bits, exact in a double score. */
export const GEO_STEP_MAX = 26;
/** Earth's quadratic mean radius for WGS-84, Redis's constant. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180;
const TWO32 = 4294967296;

export interface GeoRange {
  readonly min: number;
  readonly max: number;
}

/** Redis's coordinate ranges (EPSG:900913: no cell reaches the poles). */
export const LONG_RANGE: GeoRange = { min: GEO_LONG_MIN, max: GEO_LONG_MAX };
export const LAT_RANGE: GeoRange = { min: GEO_LAT_MIN, max: GEO_LAT_MAX };
/** The standard geohash latitude range GEOHASH re-encodes to. */
const STANDARD_LAT_RANGE: GeoRange = { min: -90, max: 90 };

/**
 * A cell: Redis's GeoHashBits de-interleaved. `lat` is the index along latitude (the even bits of
 * the interleaved hash), `lon` along longitude (the odd bits), each a uint32, `step` bits per axis.
 */
export interface GeoHashBits {
  readonly lat: number;
  readonly lon: number;
  readonly step: number;
}

export interface GeoArea {
  readonly lon: GeoRange;
  readonly lat: GeoRange;
}

/** The search shape of GEOSEARCH / GEORADIUS: centre, unit (metres per unit) and size in that unit. */
export type GeoShape =
  | { readonly kind: 'radius'; readonly lon: number; readonly lat: number; readonly conversion: number; readonly radius: number }
  | { readonly kind: 'box'; readonly lon: number; readonly lat: number; readonly conversion: number; readonly width: number; readonly height: number };

export const degRad = (deg: number): number => deg * D_R;
export const radDeg = (rad: number): number => rad / D_R;

// ---------------------------------------------------------------------------------------------
// Bit interleaving (on 32-bit halves: JS bit operators are 32-bit)
// ---------------------------------------------------------------------------------------------

/** The low 16 bits of x spread to the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  return (x | (x << 1)) & 0x55555555;
}

/** The even bits of a 32-bit word packed into 16 bits. */
function compact16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  return (x | (x >>> 8)) & 0x0000ffff;
}

/**
 * Redis's interleave64(lat, lon): latitude bits at even positions, longitude at odd. Exact as a
 * number while both indexes stay below 2^26.5 (every caller passes at most 2^26).
 */
export function interleave(lat: number, lon: number): number {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** Redis's deinterleave64 over a uint64 given as two uint32 halves. */
function deinterleave(hi: number, lo: number, step: number): GeoHashBits {
  const lat = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  const lon = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
  return { lat, lon, step };
}

const BIG_2_63 = 2n ** 63n;
const BIG_MASK64 = 2n ** 64n - 1n;

/**
 * `(uint64_t)score` as x86-64 code from gcc computes it: truncation toward zero; below 2^63 a
 * signed conversion (negative scores wrap; out of range or NaN gives 2^63), from 2^63 the
 * conversion of score - 2^63 with bit 63 flipped (2^64 and above, +inf: 0). Scores written by
 * GEOADD are integers below 2^52 and take the first branch.
 */
export function scoreToUint64(score: number): { hi: number; lo: number } {
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    return { hi, lo: t - hi * TWO32 };
  }
  let v: bigint;
  if (Number.isNaN(score) || score < -(2 ** 63)) v = BIG_2_63;
  else if (score < 2 ** 63) v = BigInt(Math.trunc(score)) & BIG_MASK64;
  else {
    const d = score - 2 ** 63;
    v = d < 2 ** 63 ? BigInt(d) ^ BIG_2_63 : 0n;
  }
  return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
}

/** The 26-bit cell a sorted set score stands for (Redis's decodeGeohash). */
export function scoreToHash(score: number): GeoHashBits {
  const { hi, lo } = scoreToUint64(score);
  return deinterleave(hi, lo, GEO_STEP_MAX);
}

/** Redis's geohashAlign52Bits: the interleaved bits shifted up to 52 bits. */
export function align52(h: GeoHashBits): number {
  return interleave(h.lat, h.lon) * 2 ** (52 - h.step * 2);
}

/** The zset score interval [min, max) holding every point inside cell `h` (scoresOfGeoHashBox). */
export function cellScoreRange(h: GeoHashBits): [number, number] {
  const scale = 2 ** (52 - h.step * 2);
  const bits = interleave(h.lat, h.lon);
  return [bits * scale, (bits + 1) * scale];
}

// ---------------------------------------------------------------------------------------------
// Encode / decode
// ---------------------------------------------------------------------------------------------

/** Redis's geohashEncode: null outside Redis's limits or the given ranges. */
export function encode(lonRange: GeoRange, latRange: GeoRange, lon: number, lat: number, step: number): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < latRange.min || lat > latRange.max || lon < lonRange.min || lon > lonRange.max) return null;
  let latOffset = (lat - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (lon - lonRange.min) / (lonRange.max - lonRange.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  // The C code hands the doubles to uint32_t parameters: truncation toward zero.
  return { lat: Math.trunc(latOffset) >>> 0, lon: Math.trunc(lonOffset) >>> 0, step };
}

/** GEOADD's score for a valid pair: the 52-bit cell index, or null outside Redis's limits. */
export function geoScore(lon: number, lat: number): number | null {
  const h = encode(LONG_RANGE, LAT_RANGE, lon, lat, GEO_STEP_MAX);
  return h === null ? null : align52(h);
}

/** Redis's geohashDecode: the cell's bounds. */
export function decode(h: GeoHashBits, lonRange: GeoRange = LONG_RANGE, latRange: GeoRange = LAT_RANGE): GeoArea {
  const latScale = latRange.max - latRange.min;
  const lonScale = lonRange.max - lonRange.min;
  const div = 2 ** h.step;
  // `ilato + 1` is uint32 arithmetic in C: it wraps to 0 for the all-ones index.
  const latNext = (h.lat + 1) >>> 0;
  const lonNext = (h.lon + 1) >>> 0;
  return {
    lat: { min: latRange.min + (h.lat / div) * latScale, max: latRange.min + (latNext / div) * latScale },
    lon: { min: lonRange.min + (h.lon / div) * lonScale, max: lonRange.min + (lonNext / div) * lonScale },
  };
}

const clamp = (v: number, min: number, max: number): number => (v > max ? max : v < min ? min : v);

/** Redis's geohashDecodeAreaToLongLat: the cell's centre, clamped to the limits. */
export function areaCentre(a: GeoArea): [lon: number, lat: number] {
  return [clamp((a.lon.min + a.lon.max) / 2, GEO_LONG_MIN, GEO_LONG_MAX), clamp((a.lat.min + a.lat.max) / 2, GEO_LAT_MIN, GEO_LAT_MAX)];
}

/** The position a score stands for (the centre of its cell), as GEOPOS reports it. */
export function scoreToLonLat(score: number): [lon: number, lat: number] {
  return areaCentre(decode(scoreToHash(score)));
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string: the decoded position re-encoded over the standard -90..90
 * latitude range, 10 characters of 5 bits and an eleventh always '0' (52 bits only).
 */
export function geohashString(score: number): string {
  const [lon, lat] = scoreToLonLat(score);
  const h = encode(LONG_RANGE, STANDARD_LAT_RANGE, lon, lat, GEO_STEP_MAX);
  const bits = h === null ? 0 : interleave(h.lat, h.lon);
  let out = '';
  for (let i = 0; i < 10; i++) out += GEO_ALPHABET[Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32] as string;
  return out + '0';
}

// ---------------------------------------------------------------------------------------------
// Neighbours and search areas
// ---------------------------------------------------------------------------------------------

/**
 * geohash_move_x / geohash_move_y: one cell east/west (longitude index) or north/south (latitude
 * index), wrapping modulo 2^step; the other index is kept as it is.
 */
function move(h: GeoHashBits, dx: number, dy: number): GeoHashBits {
  const cells = 2 ** h.step;
  const wrap = (v: number, d: number): number => (((v % cells) + d + cells) % cells);
  return { lat: dy === 0 ? h.lat : wrap(h.lat, dy), lon: dx === 0 ? h.lon : wrap(h.lon, dx), step: h.step };
}

export interface GeoNeighbours {
  readonly north: GeoHashBits;
  readonly south: GeoHashBits;
  readonly east: GeoHashBits;
  readonly west: GeoHashBits;
  readonly northEast: GeoHashBits;
  readonly northWest: GeoHashBits;
  readonly southEast: GeoHashBits;
  readonly southWest: GeoHashBits;
}

export function neighbours(h: GeoHashBits): GeoNeighbours {
  return {
    north: move(h, 0, 1),
    south: move(h, 0, -1),
    east: move(h, 1, 0),
    west: move(h, -1, 0),
    northEast: move(h, 1, 1),
    northWest: move(h, -1, 1),
    southEast: move(h, 1, -1),
    southWest: move(h, -1, -1),
  };
}

/** Redis's geohashEstimateStepsByRadius: the cell size whose 3x3 block covers the range. */
export function estimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** Redis's geohashBoundingBox: [minLon, minLat, maxLon, maxLat] around the shape. */
export function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.kind === 'radius' ? s.radius : s.height / 2);
  const width = s.conversion * (s.kind === 'radius' ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  // The wider edge is the one nearer the equator.
  const southern = s.lat < 0;
  return [southern ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop, s.lat - latDelta, southern ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop, s.lat + latDelta];
}

export interface GeoSearchAreas {
  /** The centre cell and its eight neighbours in Redis's search order (centre, N, S, E, W, NE, NW, SE, SW); null for a neighbour excluded as useless. */
  readonly cells: readonly (GeoHashBits | null)[];
  readonly step: number;
}

/** Redis's geohashCalculateAreasByShapeWGS84: the nine cells (some excluded) that cover the shape. */
export function areasByShape(s: GeoShape): GeoSearchAreas {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  // A box is covered by the circle through its corners.
  let radiusMeters = s.kind === 'radius' ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;
  let step = estimateStepsByRadius(radiusMeters, s.lat);
  let hash = encode(LONG_RANGE, LAT_RANGE, s.lon, s.lat, step) as GeoHashBits;
  let n = neighbours(hash);
  // Near a cell's edge the estimated step may leave part of the shape outside the 3x3 block.
  const decrease =
    decode(n.north).lat.max < maxLat || decode(n.south).lat.min > minLat || decode(n.east).lon.max < maxLon || decode(n.west).lon.min > minLon;
  if (step > 1 && decrease) {
    step--;
    hash = encode(LONG_RANGE, LAT_RANGE, s.lon, s.lat, step) as GeoHashBits;
    n = neighbours(hash);
  }
  const area = decode(hash);
  let north: GeoHashBits | null = n.north;
  let south: GeoHashBits | null = n.south;
  let east: GeoHashBits | null = n.east;
  let west: GeoHashBits | null = n.west;
  let ne: GeoHashBits | null = n.northEast;
  let nw: GeoHashBits | null = n.northWest;
  let se: GeoHashBits | null = n.southEast;
  let sw: GeoHashBits | null = n.southWest;
  // Neighbours on a side the centre cell already reaches past the shape are useless.
  if (step >= 2) {
    if (area.lat.min < minLat) south = se = sw = null;
    if (area.lat.max > maxLat) north = ne = nw = null;
    if (area.lon.min < minLon) west = sw = nw = null;
    if (area.lon.max > maxLon) east = se = ne = null;
  }
  return { cells: [hash, north, south, east, west, ne, nw, se, sw], step };
}

// ---------------------------------------------------------------------------------------------
// Distances
// ---------------------------------------------------------------------------------------------

/** Distance along a meridian (Redis's geohashGetLatDistance). */
export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine great-circle distance in metres (Redis's geohashGetDistance). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  // Same longitude: the formula reduces to the latitude difference.
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * Redis's geoWithinShape for a decoded point: its distance from the centre in metres when inside
 * the shape, else null. A box is tested by the point's latitude distance and its distance along
 * its own parallel, as Redis does.
 */
export function distanceInShape(s: GeoShape, lon: number, lat: number): number | null {
  if (s.kind === 'radius') {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? null : d;
  }
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  if (latDistance(lat, s.lat) > heightM / 2) return null;
  if (distance(lon, lat, s.lon, lat) > widthM / 2) return null;
  return distance(s.lon, s.lat, lon, lat);
}

// ---------------------------------------------------------------------------------------------
// Reply formats
// ---------------------------------------------------------------------------------------------

/** C's rint / llrint in the default rounding mode: to nearest, ties to even. */
function rint(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Redis's addReplyDoubleDistance (fixedpoint_d2string with 4 digits): "0.7750", "166274.1516". */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const scaled = rint(d * 10000);
  const neg = scaled < 0;
  const digits = String(Math.abs(scaled)).padStart(5, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/**
 * printf("%.<digits>f") of a double as glibc prints it: the exact binary value rounded to
 * `digits` decimals, ties to even. Finite values only.
 */
export function printfFixed(x: number, digits: number): string {
  F64[0] = x;
  const bits = U64[0] as bigint;
  const neg = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  // x = m * 2^e exactly (subnormals have no implicit bit and the minimum exponent).
  const m = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  const scaled = m * 10n ** BigInt(digits);
  let q: bigint;
  if (e >= 0) q = scaled << BigInt(e);
  else {
    const shift = BigInt(-e);
    q = scaled >> shift;
    const rem = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return neg ? `-${body}` : body;
}

/**
 * Redis's human long double format for a double (addReplyHumanLongDouble: "%.17Lf" with trailing
 * zeros and point removed, "-0" as "0"). A double is exact as a long double, so printing it with
 * 17 decimals is the same either way.
 */
export function formatCoord(x: number): string {
  let s = printfFixed(x, 17);
  s = s.replace(/0+$/, '');
  if (s.endsWith('.')) s = s.slice(0, -1);
  return s === '-0' ? '0' : s;
}

/** C's "%f" for the invalid-pair error: six decimals, "inf"/"-inf". */
export function formatPrintfF(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return printfFixed(x, 6);
}
