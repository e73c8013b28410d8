// Geo family, shared by its files: Redis's argument readers (coordinates, distance and box with units) and the reply shapes of positions and hashes.
import type { CommandContext } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { bulk, int, type Reply } from '../resp/reply.js';
import { formatCoord, formatPrintfF, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN, scoreToLonLat } from '../store/geohash.js';
import type { ZSet } from '../store/zset.js';
import { parseScore } from './args.js';

/** getDoubleFromObjectOrReply: Redis's message unless the caller names its own. */
function doubleArg(raw: string, msg = 'value is not a valid float'): number {
  const v = parseScore(raw);
  if (v === null) throw errors.generic(msg);
  return v;
}

/** Redis's extractLongLatOrReply: longitude then latitude from argv[i], within Redis's limits. */
export function lonLatArgs(argv: readonly string[], i: number): [lon: number, lat: number] {
  const lon = doubleArg(argv[i] as string);
  const lat = doubleArg(argv[i + 1] as string);
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    throw errors.generic(`invalid longitude,latitude pair ${formatPrintfF(lon)},${formatPrintfF(lat)}`);
  }
  return [lon, lat];
}

/** Redis's extractUnitOrReply: metres per unit. */
export function unitArg(raw: string): number {
  switch (raw.toLowerCase()) {
    case 'm':
      return 1;
    case 'km':
      return 1000;
    case 'ft':
      return 0.3048;
    case 'mi':
      return 1609.34;
    default:
      throw errors.generic('unsupported unit provided. please use M, KM, FT, MI');
  }
}

/** Redis's extractDistanceOrReply: `<radius> <unit>` from argv[i]. */
export function distanceArgs(argv: readonly string[], i: number): [radius: number, conversion: number] {
  const radius = doubleArg(argv[i] as string, 'need numeric radius');
  if (radius < 0) throw errors.generic('radius cannot be negative');
  return [radius, unitArg(argv[i + 1] as string)];
}

/** Redis's extractBoxOrReply: `<width> <height> <unit>` from argv[i]. */
export function boxArgs(argv: readonly string[], i: number): [width: number, height: number, conversion: number] {
  const width = doubleArg(argv[i] as string, 'need numeric width');
  const height = doubleArg(argv[i + 1] as string, 'need numeric height');
  if (height < 0 || width < 0) throw errors.generic('height or width cannot be negative');
  return [width, height, unitArg(argv[i + 2] as string)];
}

/** A member's decoded position (Redis's longLatFromMember), or Redis's error for a missing member. */
export function memberLonLat(z: ZSet, member: string): [lon: number, lat: number] {
  const score = z.score(member);
  if (score === undefined) throw errors.generic('could not decode requested zset member');
  return scoreToLonLat(score);
}

/**
 * A coordinate as addReplyHumanLongDouble sends it: a bulk string in RESP2, a RESP3 double
 * written with the same text (the generic double reply would print it differently).
 */
export function coordReply(ctx: CommandContext, x: number): Reply {
  const s = formatCoord(x);
  return ctx.client.proto === 3 ? { t: 'raw', v: Buffer.from(`,${s}\r\n`, 'latin1') } : bulk(s);
}

const INT64_MIN = -(2 ** 63);

/** WITHHASH: the score as a long long (C's conversion truncates; out of range gives INT64_MIN on x86-64). */
export function hashReply(score: number): Reply {
  const t = Math.trunc(score);
  if (t >= INT64_MIN && t < 2 ** 63) return Number.isSafeInteger(t) ? int(t) : int(BigInt(t));
  return int(BigInt(INT64_MIN));
}
