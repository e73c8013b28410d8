// Geo family searches: GEOSEARCH, GEOSEARCHSTORE and the GEORADIUS variants, as Redis 7.0's georadiusGeneric (argument order, errors, the nine-cell scan, sorting, COUNT/ANY, STORE/STOREDIST).
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, EMPTY_ARRAY, int, type Reply } from '../resp/reply.js';
import { areasByShape, cellScoreRange, distanceInShape, formatDistance, type GeoHashBits, type GeoShape, scoreToLonLat } from '../store/geohash.js';
import { ZSet } from '../store/zset.js';
import { coordReply, distanceArgs, boxArgs, lonLatArgs, memberLonLat, hashReply } from './geo-common.js';
import { intArg, isOpt } from './args.js';
import { readZ } from './zsets-common.js';

/** Which command runs the search (Redis's RADIUS_* / GEOSEARCH* flags). */
export interface SearchKind {
  /** GEORADIUS(_RO): centre and radius are positional. */
  readonly coords?: boolean;
  /** GEORADIUSBYMEMBER(_RO): a member and radius are positional. */
  readonly member?: boolean;
  /** The _RO variants: no STORE/STOREDIST. */
  readonly noStore?: boolean;
  /** GEOSEARCH / GEOSEARCHSTORE: FROM* and BY* options. */
  readonly search?: boolean;
  /** GEOSEARCHSTORE: destination at argv[1], STOREDIST as a flag. */
  readonly searchStore?: boolean;
}

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  sort: 'none' | 'asc' | 'desc';
  any: boolean;
  /** 0: unlimited. */
  count: number;
  storeKey: string | null;
  storeDist: boolean;
  fromMember: boolean;
  fromLonLat: boolean;
  byRadius: boolean;
  byBox: boolean;
}

/** A shape under construction: the centre and size arrive from different arguments. */
interface ShapeParts {
  lon: number;
  lat: number;
  conversion: number;
  radius: number;
  width: number;
  height: number;
  kind: 'radius' | 'box';
}

interface GeoPoint {
  readonly member: string;
  readonly score: number;
  readonly lon: number;
  readonly lat: number;
  dist: number;
}

/**
 * The optional arguments from `base` on, in Redis's order and with its checks (a FROMMEMBER
 * position is looked up while parsing, so its error comes where Redis gives it).
 */
function parseOptions(argv: readonly string[], base: number, kind: SearchKind, z: ZSet | undefined, shape: ShapeParts, o: SearchOptions): void {
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const arg = argv[base + i] as string;
    const next = (k: number): string => argv[base + i + k] as string;
    if (isOpt(arg, 'WITHDIST')) o.withDist = true;
    else if (isOpt(arg, 'WITHHASH')) o.withHash = true;
    else if (isOpt(arg, 'WITHCOORD')) o.withCoord = true;
    else if (isOpt(arg, 'ANY')) o.any = true;
    else if (isOpt(arg, 'ASC')) o.sort = 'asc';
    else if (isOpt(arg, 'DESC')) o.sort = 'desc';
    else if (isOpt(arg, 'COUNT') && i + 1 < remaining) {
      const count = intArg(next(1));
      if (count <= 0) throw errors.generic('COUNT must be > 0');
      o.count = count;
      i++;
    } else if ((isOpt(arg, 'STORE') || isOpt(arg, 'STOREDIST')) && i + 1 < remaining && !kind.noStore && !kind.search) {
      o.storeKey = next(1);
      o.storeDist = isOpt(arg, 'STOREDIST');
      i++;
    } else if (isOpt(arg, 'STOREDIST') && kind.search && kind.searchStore) {
      o.storeDist = true;
    } else if (isOpt(arg, 'FROMMEMBER') && i + 1 < remaining && kind.search && !o.fromLonLat) {
      // Without a source key parsing goes on; the reply is empty (or 0) anyway.
      if (z !== undefined) [shape.lon, shape.lat] = memberLonLat(z, next(1));
      o.fromMember = true;
      i++;
    } else if (isOpt(arg, 'FROMLONLAT') && i + 2 < remaining && kind.search && !o.fromMember) {
      [shape.lon, shape.lat] = lonLatArgs(argv, base + i + 1);
      o.fromLonLat = true;
      i += 2;
    } else if (isOpt(arg, 'BYRADIUS') && i + 2 < remaining && kind.search && !o.byBox) {
      [shape.radius, shape.conversion] = distanceArgs(argv, base + i + 1);
      shape.kind = 'radius';
      o.byRadius = true;
      i += 2;
    } else if (isOpt(arg, 'BYBOX') && i + 3 < remaining && kind.search && !o.byRadius) {
      [shape.width, shape.height, shape.conversion] = boxArgs(argv, base + i + 1);
      shape.kind = 'box';
      o.byBox = true;
      i += 3;
    } else {
      throw errors.syntax();
    }
  }
}

function checkOptions(cmd: string, kind: SearchKind, o: SearchOptions): void {
  if (o.storeKey !== null && (o.withDist || o.withHash || o.withCoord)) {
    throw errors.generic(`${kind.searchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`);
  }
  if (kind.search && !(o.fromMember || o.fromLonLat)) throw errors.generic(`exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cmd}`);
  if (kind.search && !(o.byRadius || o.byBox)) throw errors.generic(`exactly one of BYRADIUS and BYBOX can be specified for ${cmd}`);
  if (o.any && o.count === 0) throw errors.generic('the ANY argument requires COUNT argument');
}

const toShape = (p: ShapeParts): GeoShape =>
  p.kind === 'radius'
    ? { kind: 'radius', lon: p.lon, lat: p.lat, conversion: p.conversion, radius: p.radius }
    : { kind: 'box', lon: p.lon, lat: p.lat, conversion: p.conversion, width: p.width, height: p.height };

/** Ranks are read in pages, so an ANY search that stops early never copies a whole cell's range. */
const PAGE = 128;

/**
 * Redis's membersOfAllNeighbors: the members of each cell (score range [min, max)) that fall
 * inside the shape, cell after cell, skipping a cell equal to the one processed before it (huge
 * radiuses make neighbours coincide), stopping at `limit` points when it is not 0 (ANY).
 */
export function pointsInShape(z: ZSet, shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  const { cells } = areasByShape(shape);
  let last: GeoHashBits | null = null;
  for (const cell of cells) {
    if (cell === null) continue;
    if (last !== null && cell.lat === last.lat && cell.lon === last.lon && cell.step === last.step) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    last = cell;
    const [min, max] = cellScoreRange(cell);
    const [start, end] = z.scoreSpan({ min, max, minex: false, maxex: true });
    scan: for (let r = start; r < end; r += PAGE) {
      for (const [member, score] of z.slice(r, Math.min(end, r + PAGE))) {
        const [lon, lat] = scoreToLonLat(score);
        const dist = distanceInShape(shape, lon, lat);
        if (dist !== null) out.push({ member, score, lon, lat, dist });
        if (out.length > 0 && limit > 0 && out.length >= limit) break scan;
      }
    }
  }
  return out;
}

/** Deletes the STORE destination when there is nothing to store, journaled as DEL. */
function clearStore(ctx: CommandContext, dst: string): void {
  if (ctx.db.delete(dst)) {
    ctx.notify('g', 'del', dst);
    ctx.propagate(['DEL', dst]);
  }
}

/** ZADD arguments per journal record: the effect is written in bounded pieces. */
const STORE_CHUNK = 512;

/**
 * Stores the results as a sorted set (scores: the cells, or the distances in the unit) and
 * journals the effect, not the search: DEL, then ZADD in chunks.
 */
function storePoints(ctx: CommandContext, dst: string, points: readonly GeoPoint[], storeDist: boolean, event: string): Reply {
  if (points.length === 0) {
    clearStore(ctx, dst);
    return int(0);
  }
  const z = new ZSet();
  for (const p of points) z.add(p.member, storeDist ? p.dist : p.score);
  ctx.db.set(dst, z);
  ctx.notify('z', event, dst);
  ctx.propagate(['DEL', dst]);
  for (let i = 0; i < points.length; i += STORE_CHUNK) {
    const args = ['ZADD', dst];
    for (const p of points.slice(i, i + STORE_CHUNK)) args.push(String(storeDist ? p.dist : p.score), p.member);
    ctx.propagate(args);
  }
  return int(points.length);
}

function pointsReply(ctx: CommandContext, points: readonly GeoPoint[], o: SearchOptions): Reply {
  const withOptions = o.withDist || o.withHash || o.withCoord;
  return array(
    points.map((p) => {
      if (!withOptions) return bulk(p.member);
      const item: Reply[] = [bulk(p.member)];
      if (o.withDist) item.push(bulk(formatDistance(p.dist)));
      if (o.withHash) item.push(hashReply(p.score));
      if (o.withCoord) item.push(array([coordReply(ctx, p.lon), coordReply(ctx, p.lat)]));
      return item.length === 1 ? item[0] as Reply : array(item);
    }),
  );
}

const byDistance = (a: GeoPoint, b: GeoPoint): number => (a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1);

/**
 * Redis's georadiusGeneric. `src` is the argv index of the searched key. The reply for a missing
 * source is an empty array, or 0 with the destination deleted when storing.
 */
export function geoSearchGeneric(ctx: CommandContext, argv: readonly string[], src: number, kind: SearchKind): Reply {
  const z = readZ(ctx, argv[src] as string);
  const shape: ShapeParts = { lon: 0, lat: 0, conversion: 1, radius: 0, width: 0, height: 0, kind: 'radius' };
  const o: SearchOptions = {
    withDist: false,
    withHash: false,
    withCoord: false,
    sort: 'none',
    any: false,
    count: 0,
    storeKey: null,
    storeDist: false,
    fromMember: false,
    fromLonLat: false,
    byRadius: false,
    byBox: false,
  };
  let base: number;
  if (kind.coords) {
    base = 6;
    [shape.lon, shape.lat] = lonLatArgs(argv, 2);
    [shape.radius, shape.conversion] = distanceArgs(argv, 4);
  } else if (kind.member) {
    base = 5;
    // Without a source key parsing goes on, to know which empty reply to give.
    if (z !== undefined) {
      [shape.lon, shape.lat] = memberLonLat(z, argv[2] as string);
      [shape.radius, shape.conversion] = distanceArgs(argv, 3);
    }
  } else {
    base = kind.searchStore ? 3 : 2;
    if (kind.searchStore) o.storeKey = argv[1] as string;
  }
  parseOptions(argv, base, kind, z, shape, o);
  // Redis names the command as the client spelled it.
  checkOptions(argv[0] as string, kind, o);
  if (z === undefined) {
    if (o.storeKey === null) return EMPTY_ARRAY;
    clearStore(ctx, o.storeKey);
    return int(0);
  }
  // COUNT returns the nearest N unless ANY asked for any N.
  if (o.count !== 0 && o.sort === 'none' && !o.any) o.sort = 'asc';
  const geoShape = toShape(shape);
  const points = pointsInShape(z, geoShape, o.any ? o.count : 0);
  if (points.length === 0 && o.storeKey === null) return EMPTY_ARRAY;
  if (o.sort === 'asc') points.sort(byDistance);
  else if (o.sort === 'desc') points.sort((a, b) => -byDistance(a, b));
  const returned = o.count === 0 || points.length < o.count ? points : points.slice(0, o.count);
  for (const p of returned) p.dist /= geoShape.conversion;
  if (o.storeKey === null) return pointsReply(ctx, returned, o);
  return storePoints(ctx, o.storeKey, returned, o.storeDist, kind.search ? 'geosearchstore' : 'georadiusstore');
}
