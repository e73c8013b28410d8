// Geo commands side by side with redis-server 7.0.15 over a few hundred random points: scores, GEOHASH, GEOPOS, GEODIST and radius/box searches compared byte for byte in RESP2 and RESP3; STORE keys routed (and CROSSSLOT) across an in-process cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, openIoredis, pipelineReplies } from '../testing/clients.js';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { useInProcessCluster } from '../testing/inproc-cluster.js';
import { prng } from '../testing/random.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

const rand = prng(20240607);
const between = (lo: number, hi: number): number => lo + rand() * (hi - lo);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;

const N = 400;
/** Random points over Redis's whole range, plus points on the limits and clustered ones (dense cells). */
const POINTS: [string, string, string][] = [];
for (let i = 0; i < N; i++) {
  const dense = i % 4 === 0;
  const lon = dense ? between(13, 15.5) : between(-180, 180);
  const lat = dense ? between(36.5, 38.5) : between(-85.05112878, 85.05112878);
  POINTS.push([lon.toFixed(9), lat.toFixed(9), `p${i}`]);
}
POINTS.push(['180', '85.05112878', 'ne'], ['-180', '-85.05112878', 'sw'], ['179.9', '0', 'am1'], ['-179.9', '0.1', 'am2'], ['0', '0', 'zero']);
const MEMBERS = POINTS.map((p) => p[2]);

const UNITS = ['m', 'km', 'ft', 'mi', 'KM'];

/** A search shape: BYRADIUS or BYBOX arguments, sized in a unit. */
function shapeArgs(): string[] {
  const unit = pick(UNITS);
  const scale = unit.toLowerCase() === 'm' ? 1000 : unit.toLowerCase() === 'ft' ? 3281 : 1;
  const size = (): string => String(Math.round(between(1, rand() < 0.1 ? 6000 : 400) * scale * 100) / 100);
  return rand() < 0.5 ? ['BYRADIUS', size(), unit] : ['BYBOX', size(), size(), unit];
}

function optionArgs(): string[] {
  const out: string[] = [];
  if (rand() < 0.4) out.push('WITHDIST');
  if (rand() < 0.3) out.push('WITHCOORD');
  if (rand() < 0.3) out.push('WITHHASH');
  const r = rand();
  if (r < 0.3) out.push('ASC');
  else if (r < 0.5) out.push('DESC');
  if (rand() < 0.4) {
    out.push('COUNT', String(1 + Math.floor(rand() * 20)));
    if (rand() < 0.4) out.push('ANY');
  }
  return out;
}

function centre(): string[] {
  if (rand() < 0.3) return ['FROMMEMBER', pick(MEMBERS)];
  const dense = rand() < 0.5;
  return ['FROMLONLAT', (dense ? between(13, 15.5) : between(-180, 180)).toFixed(6), (dense ? between(36.5, 38.5) : between(-80, 80)).toFixed(6)];
}

/** The compared table, built once from the seeded generator. */
function buildTable(): string[][] {
  const cmds: string[][] = [];
  for (let i = 0; i < POINTS.length; i += 50) cmds.push(['GEOADD', 'pts', ...POINTS.slice(i, i + 50).flat()]);
  cmds.push(['ZRANGE', 'pts', '0', '-1', 'WITHSCORES']);
  cmds.push(['GEOHASH', 'pts', ...MEMBERS, 'missing']);
  cmds.push(['GEOPOS', 'pts', ...MEMBERS, 'missing']);
  for (let i = 0; i < 60; i++) cmds.push(['GEODIST', 'pts', pick(MEMBERS), pick(MEMBERS), ...(rand() < 0.7 ? [pick(UNITS)] : [])]);
  for (let i = 0; i < 150; i++) cmds.push(['GEOSEARCH', 'pts', ...centre(), ...shapeArgs(), ...optionArgs()]);
  for (let i = 0; i < 40; i++) {
    const [, r, unit] = ['BYRADIUS', ...shapeArgs().slice(-2)];
    const opts = optionArgs();
    if (rand() < 0.5) cmds.push(['GEORADIUS', 'pts', between(-180, 180).toFixed(5), between(-85, 85).toFixed(5), r as string, unit as string, ...opts]);
    else cmds.push([rand() < 0.5 ? 'GEORADIUSBYMEMBER' : 'GEORADIUSBYMEMBER_RO', 'pts', pick(MEMBERS), r as string, unit as string, ...opts]);
  }
  for (let i = 0; i < 20; i++) {
    const store = rand() < 0.5 ? 'STORE' : 'STOREDIST';
    cmds.push(['GEORADIUSBYMEMBER', 'pts', pick(MEMBERS), String(Math.round(between(50, 3000))), 'km', store, 'dst', ...(rand() < 0.5 ? ['COUNT', '5'] : [])]);
    cmds.push(['ZRANGE', 'dst', '0', '-1', 'WITHSCORES']);
    cmds.push(['GEOSEARCHSTORE', 'dst2', 'pts', ...centre(), ...shapeArgs(), ...(rand() < 0.5 ? ['STOREDIST'] : []), ...(rand() < 0.3 ? ['COUNT', '3', 'DESC'] : [])]);
    cmds.push(['ZRANGE', 'dst2', '0', '-1', 'WITHSCORES']);
  }
  // Errors and edge replies.
  cmds.push(
    ['GEOADD', 'pts', '200', '100', 'bad'],
    ['GEOADD', 'pts', 'xx', 'nx', '1', '1', 'bad'],
    ['GEOADD', 'pts', '1', 'x', 'bad'],
    ['GEOSEARCH', 'pts', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km', 'ANY'],
    ['GEOSEARCH', 'pts', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'parsec'],
    ['GEOSEARCH', 'pts', 'FROMMEMBER', 'nope', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'pts', 'BYBOX', '1', '1', 'km'],
    ['GEOSEARCH', 'pts', 'FROMLONLAT', '0', '0', 'COUNT', '0'],
    ['GEORADIUS', 'pts', '0', '0', '1', 'km', 'STORE', 'x', 'WITHDIST'],
    ['GEORADIUS_RO', 'pts', '0', '0', '1', 'km', 'STORE', 'x'],
    ['GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
    ['EXISTS', 'dst'],
    ['GEODIST', 'pts', 'p1', 'p2', 'parsec'],
    ['GEODIST', 'nokey', 'p1', 'p2'],
    ['COMMAND', 'GETKEYS', 'GEORADIUS', 'a', '0', '0', '1', 'km', 'STORE', 'b', 'STOREDIST', 'c'],
    ['COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'd', 's', 'FROMLONLAT', '0', '0', 'BYRADIUS', '1', 'km'],
  );
  return cmds;
}

const TABLE = buildTable();

/** Two RESP2 replies that differ at most in the last bits of their numbers (bulk lengths ignored). */
function closeEnough(a = '', b = ''): boolean {
  const x = a.split('\r\n').filter((l) => !l.startsWith('$'));
  const y = b.split('\r\n').filter((l) => !l.startsWith('$'));
  if (x.length !== y.length) return false;
  return x.every((l, i) => {
    const m = y[i] as string;
    if (l === m) return true;
    const [p, q] = [Number(l), Number(m)];
    return Number.isFinite(p) && Number.isFinite(q) && Math.abs(p - q) <= Math.abs(p) * 1e-14;
  });
}

/** Where two replies part: the line number and both lines (a whole reply can run to thousands of lines). */
function firstDifference(a = '', b = ''): { line: number; ours: string; redis: string } {
  const x = a.split('\r\n');
  const y = b.split('\r\n');
  let i = 0;
  while (i < x.length && x[i] === y[i]) i++;
  return { line: i, ours: x.slice(i, i + 3).join(' '), redis: y.slice(i, i + 3).join(' ') };
}

describe('geo side by side with redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode(), startRedisServer()]);
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([node?.stop(), redis?.stop()]);
  });

  it(`${TABLE.length} commands answer byte for byte (RESP2)`, async () => {
    const [ours, theirs] = await Promise.all([pipelineReplies(node.port, [['FLUSHALL'], ...TABLE], 60_000), pipelineReplies(redis.port, [['FLUSHALL'], ...TABLE], 60_000)]);
    expect(ours).toHaveLength(TABLE.length + 1);
    const exact = (i: number): boolean => ours[i + 1] === theirs[i + 1];
    // STOREDIST keeps full doubles: V8's sin/cos/asin (fdlibm) and glibc's round differently in
    // ~5% of calls, so a stored distance may differ in its last bits; members and order may not.
    const storedDistances = (i: number): boolean => TABLE[i]?.[0] === 'ZRANGE' && closeEnough(ours[i + 1], theirs[i + 1]);
    const loose = TABLE.filter((_, i) => !exact(i) && storedDistances(i)).length;
    const diffs = TABLE.flatMap((cmd, i) => (exact(i) || storedDistances(i) ? [] : [{ cmd: cmd.join(' ').slice(0, 200), ...firstDifference(ours[i + 1], theirs[i + 1]) }]));
    expect(diffs).toEqual([]);
    // The searches found something: not a comparison of empty arrays.
    const nonEmpty = TABLE.filter((c, i) => c[0] === 'GEOSEARCH' && ours[i + 1] !== '*0\r\n').length;
    expect(nonEmpty).toBeGreaterThan(50);
    expect(loose).toBeLessThan(20);
  }, 120_000);

  it('RESP3: GEOPOS and WITHCOORD doubles, WITHDIST bulk strings, null arrays', async () => {
    const cmds = [
      ['HELLO', '3'],
      ['FLUSHALL'],
      ...TABLE.slice(0, Math.ceil(POINTS.length / 50)),
      ['GEOPOS', 'pts', 'p0', 'missing', 'p7'],
      ['GEOSEARCH', 'pts', 'FROMMEMBER', 'p4', 'BYRADIUS', '300', 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'],
      ['GEOHASH', 'pts', 'p1', 'missing'],
      ['GEODIST', 'pts', 'p1', 'missing'],
    ];
    const [ours, theirs] = await Promise.all([pipelineReplies(node.port, cmds), pipelineReplies(redis.port, cmds)]);
    // HELLO's server fields differ; everything after it must not.
    expect(ours.slice(1)).toEqual(theirs.slice(1));
    expect(ours.at(-4)).toContain(',');
  });
});

describe('geo keys across a cluster', () => {
  const cluster = useInProcessCluster(3);

  it('STORE destinations are keys: same slot works from any node, different slots get CROSSSLOT', async () => {
    const c = openIoredis(cluster().port(0));
    for (let i = 0; i < 10; i++) await c.geoadd(`{g${i}}src`, '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    for (let i = 0; i < 10; i++) {
      expect(await c.call('GEORADIUS', `{g${i}}src`, '15', '37', '200', 'km', 'STORE', `{g${i}}dst`)).toBe(2);
      expect(await c.zrange(`{g${i}}dst`, '0', '-1')).toEqual(['Palermo', 'Catania']);
      expect(await c.call('GEOSEARCHSTORE', `{g${i}}dst2`, `{g${i}}src`, 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km', 'STOREDIST')).toBe(2);
    }
    await expect(c.call('GEORADIUS', '{g1}src', '15', '37', '200', 'km', 'STORE', '{g2}dst')).rejects.toThrow(/^CROSSSLOT/);
    await expect(c.call('GEORADIUSBYMEMBER', '{g1}src', 'Palermo', '200', 'km', 'STOREDIST', '{g2}dst')).rejects.toThrow(/^CROSSSLOT/);
    await expect(c.call('GEOSEARCHSTORE', '{g2}dst', '{g1}src', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '200', 'km')).rejects.toThrow(/^CROSSSLOT/);
  });
});
