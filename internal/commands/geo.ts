// Geo commands on sorted sets with Redis's 52-bit interleaved geohash scores: GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH and friends.
import type { CommandContext, CommandSpec, KeySpec } from '../contracts/command.js';
import { errors } from '../contracts/errors.js';
import { array, bulk, int, NULL_ARRAY, NULL_BULK, type Reply } from '../resp/reply.js';
import { distance, formatDistance, geohashString, geoScore, scoreToLonLat } from '../store/geohash.js';
import { ZSet } from '../store/zset.js';
import { isOpt } from './args.js';
import { coordReply, lonLatArgs, unitArg } from './geo-common.js';
import { geoSearchGeneric } from './geo-search.js';
import { command, keyAt } from './spec.js';
import { readZ, writeZ } from './zsets-common.js';

/**
 * GEOADD key [NX|XX] [CH] lon lat member ...: ZADD with the cells as scores. Every pair is
 * checked before anything changes; journaled as the ZADD it amounts to, as Redis propagates it.
 */
function geoadd(ctx: CommandContext, argv: string[]): Reply {
  const key = argv[1] as string;
  let nx = false;
  let xx = false;
  let ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = argv[i] as string;
    if (isOpt(opt, 'NX')) nx = true;
    else if (isOpt(opt, 'XX')) xx = true;
    else if (isOpt(opt, 'CH')) ch = true;
    else break;
  }
  const elements = (argv.length - i) / 3;
  // No pair at all is ZADD's own syntax error.
  if ((argv.length - i) % 3 !== 0 || (xx && nx) || elements === 0) throw errors.syntax();
  const zaddArgv = ['ZADD', ...argv.slice(1, i)];
  const scores: number[] = [];
  for (let j = 0; j < elements; j++) {
    const [lon, lat] = lonLatArgs(argv, i + j * 3);
    const score = geoScore(lon, lat) as number;
    scores.push(score);
    zaddArgv.push(String(score), argv[i + j * 3 + 2] as string);
  }
  const found = writeZ(ctx, key);
  if (found === undefined && xx) return int(0);
  const z = found?.z ?? new ZSet();
  let added = 0;
  let updated = 0;
  for (let j = 0; j < elements; j++) {
    const r = z.add(argv[i + j * 3 + 2] as string, scores[j] as number, { nx, xx });
    if (r.outcome === 'added') added++;
    else if (r.outcome === 'updated') updated++;
  }
  if (added + updated > 0) {
    if (found === undefined) ctx.db.set(key, z);
    else ctx.db.changed(key, found.e);
    ctx.notify('z', 'zadd', key);
    ctx.propagate(zaddArgv);
  }
  return int(ch ? added + updated : added);
}

/** GEOPOS key member ...: each member's cell centre, or a null array for a missing one. */
function geopos(ctx: CommandContext, argv: string[]): Reply {
  const z = readZ(ctx, argv[1] as string);
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j] as string);
    if (score === undefined) out.push(NULL_ARRAY);
    else {
      const [lon, lat] = scoreToLonLat(score);
      out.push(array([coordReply(ctx, lon), coordReply(ctx, lat)]));
    }
  }
  return array(out);
}

/** GEODIST key m1 m2 [unit]: the unit is checked before the key, as in Redis. */
function geodist(ctx: CommandContext, argv: string[]): Reply {
  let toMeter = 1;
  if (argv.length === 5) toMeter = unitArg(argv[4] as string);
  else if (argv.length > 5) throw errors.syntax();
  const z = readZ(ctx, argv[1] as string);
  if (z === undefined) return NULL_BULK;
  const s1 = z.score(argv[2] as string);
  const s2 = z.score(argv[3] as string);
  if (s1 === undefined || s2 === undefined) return NULL_BULK;
  const [lon1, lat1] = scoreToLonLat(s1);
  const [lon2, lat2] = scoreToLonLat(s2);
  return bulk(formatDistance(distance(lon1, lat1, lon2, lat2) / toMeter));
}

/** GEOHASH key member ...: standard 11-character geohashes, null for missing members. */
function geohash(ctx: CommandContext, argv: string[]): Reply {
  const z = readZ(ctx, argv[1] as string);
  const out: Reply[] = [];
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j] as string);
    out.push(score === undefined ? NULL_BULK : bulk(geohashString(score)));
  }
  return array(out);
}

/**
 * GEORADIUS(BYMEMBER)'s keys as Redis 7.0 finds them (its key specs take precedence over
 * georadiusGetKeys): the searched key, then the argument after the first STORE and after the
 * first STOREDIST, each keyword looked for from `startfrom` up to the next-to-last argument.
 */
function georadiusKeys(startfrom: number): (argv: readonly string[]) => number[] {
  return (argv) => {
    const out = [1];
    for (const keyword of ['STORE', 'STOREDIST']) {
      for (let i = startfrom; i < argv.length - 1; i++) {
        if (isOpt(argv[i], keyword)) {
          out.push(i + 1);
          break;
        }
      }
    }
    return out;
  };
}

const storeSpec = (keyword: string, startfrom: number): KeySpec => ({
  flags: ['OW', 'UPDATE'],
  begin: { keyword, startfrom },
  find: { lastkey: 0, keystep: 1, limit: 0 },
});

const RADIUS_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.';
const SEARCH_COMPLEXITY =
  'O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape';
const READ = ['RO', 'ACCESS'] as const;

export const geoCommands: CommandSpec[] = [
  command({
    name: 'geoadd',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['RW', 'UPDATE'])],
    group: 'geo',
    acl: ['geo'],
    summary: 'Add one or more geospatial items in the geospatial index represented using a sorted set',
    since: '3.2.0',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [['6.2.0', 'Added the `CH`, `NX` and `XX` options.']],
    handler: geoadd,
  }),
  command({
    name: 'geodist',
    arity: -4,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'Returns the distance between two members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(log(N))',
    handler: geodist,
  }),
  command({
    name: 'geohash',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'Returns members of a geospatial index as standard geohash strings',
    since: '3.2.0',
    complexity: 'O(log(N)) for each member requested, where N is the number of elements in the sorted set.',
    handler: geohash,
  }),
  command({
    name: 'geopos',
    arity: -2,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'Returns longitude and latitude of members of a geospatial index',
    since: '3.2.0',
    complexity: 'O(N) where N is the number of members requested.',
    handler: geopos,
  }),
  command({
    name: 'georadius',
    arity: -6,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, READ), storeSpec('STORE', 6), storeSpec('STOREDIST', 6)],
    movableKeys: georadiusKeys(6),
    group: 'geo',
    acl: ['geo'],
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    history: [
      ['6.2.0', 'Added the `ANY` option for `COUNT`.'],
      ['7.0.0', 'Added support for uppercase unit names.'],
    ],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument',
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 1, { coords: true }),
  }),
  command({
    name: 'georadius_ro',
    arity: -6,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'A read-only variant for GEORADIUS',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    history: [['6.2.0', 'Added the `ANY` option for `COUNT`.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` argument',
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 1, { coords: true, noStore: true }),
  }),
  command({
    name: 'georadiusbymember',
    arity: -5,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, READ), storeSpec('STORE', 5), storeSpec('STOREDIST', 5)],
    movableKeys: georadiusKeys(5),
    group: 'geo',
    acl: ['geo'],
    summary: 'Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member',
    since: '3.2.0',
    complexity: RADIUS_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments',
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 1, { member: true }),
  }),
  command({
    name: 'georadiusbymember_ro',
    arity: -5,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'A read-only variant for GEORADIUSBYMEMBER',
    since: '3.2.10',
    complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments',
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 1, { member: true, noStore: true }),
  }),
  command({
    name: 'geosearch',
    arity: -7,
    flags: ['readonly'],
    keySpecs: [keyAt(1, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 1, { search: true }),
  }),
  command({
    name: 'geosearchstore',
    arity: -8,
    flags: ['write', 'denyoom'],
    keySpecs: [keyAt(1, ['OW', 'UPDATE']), keyAt(2, READ)],
    group: 'geo',
    acl: ['geo'],
    summary: 'Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.',
    since: '6.2.0',
    complexity: SEARCH_COMPLEXITY,
    history: [['7.0.0', 'Added support for uppercase unit names.']],
    handler: (ctx, argv) => geoSearchGeneric(ctx, argv, 2, { search: true, searchStore: true }),
  }),
];
