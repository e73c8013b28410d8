// Unit tests for the geo family through a real Executor: replies, options and error texts as redis-server 7.0.15 gives them, RESP3 shapes, journaled effects, key positions.
import { beforeEach, describe, expect, it } from 'vitest';
import { createTestExecutor, type Plain, type TestExecutor } from '../testing/exec.js';
import { encodeToBuffer } from '../resp/encoder.js';
import { geoCommands } from './geo.js';
import { zsetCommands } from './zsets.js';
import { stringCommands } from './strings.js';
import { keyspaceCommands } from './keyspace.js';
import { keyIndexes } from './spec.js';

let t: TestExecutor;
let run: (...argv: string[]) => Plain;

beforeEach(() => {
  t = createTestExecutor({ families: [geoCommands, zsetCommands, stringCommands, keyspaceCommands], config: { slowlog_log_slower_than: -1 } });
  run = (...argv) => t.run(...argv);
});

const journal = (): string[][] => t.journal.map((j) => j.argv);
const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';

function nyc(): void {
  run('geoadd', 'nyc', '-73.9454966', '40.747533', 'lic market');
  run('geoadd', 'nyc', '-73.9733487', '40.7648057', 'central park n/q/r', '-73.9903085', '40.7362513', 'union square', '-74.0131604', '40.7126674', 'wtc one', '-73.7858139', '40.6428986', 'jfk', '-73.9375699', '40.7498929', 'q4', '-73.9564142', '40.7480973', '4545');
}

describe('GEOADD', () => {
  it('stores Redis 7.0.15 scores and journals the ZADD it amounts to', () => {
    nyc();
    expect(run('zrange', 'nyc', '0', '-1', 'withscores')).toEqual([
      'wtc one', 1791873972053020, 'union square', 1791875485187452, 'central park n/q/r', 1791875761332224,
      '4545', 1791875796750882, 'lic market', 1791875804419201, 'q4', 1791875830079666, 'jfk', 1791895905559723,
    ]);
    expect(journal()[0]).toEqual(['ZADD', 'nyc', '1791875804419201', 'lic market']);
  });

  it('NX, XX and CH', () => {
    expect(run('geoadd', 'k', '-73.9454966', '40.747533', 'm')).toBe(1);
    expect(run('geoadd', 'k', '-73.9454966', '40.747533', 'm')).toBe(0);
    expect(run('geoadd', 'k', 'CH', '40.747533', '-73.9454966', 'm')).toBe(1);
    expect(run('geoadd', 'k', 'NX', '-73.9454966', '40.747533', 'm')).toBe(0);
    expect(run('geoadd', 'k', 'XX', '-83.9454966', '40.747533', 'm')).toBe(0);
    expect(run('geoadd', 'k', 'CH', 'NX', '-73.9454966', '40.747533', 'm')).toBe(0);
    expect(run('geoadd', 'k', 'CH', 'XX', '-73.9454966', '40.747533', 'm')).toBe(1);
    expect(run('geoadd', 'none', 'XX', '1', '2', 'm')).toBe(0);
    expect(run('exists', 'none')).toBe(0);
    expect(journal().at(-1)).toEqual(['ZADD', 'k', 'CH', 'XX', '1791875804419201', 'm']);
  });

  it('errors in Redis 7.0.15 words and order; nothing changes on error', () => {
    expect(run('geoadd', 'k', 'xx', 'nx', '1', '2', 'a')).toBe('-ERR syntax error');
    expect(run('geoadd', 'k', 'ch', 'xx', 'foo', '1', '2', 'a')).toBe('-ERR syntax error');
    expect(run('geoadd', 'k', 'nx', 'xx', 'ch')).toBe('-ERR syntax error');
    expect(run('geoadd', 'k', 'ch', 'ch', 'ch')).toBe('-ERR syntax error');
    expect(run('geoadd', 'k', '1', '2')).toBe("-ERR wrong number of arguments for 'geoadd' command");
    expect(run('geoadd', 'k', '200', '100', 'a')).toBe('-ERR invalid longitude,latitude pair 200.000000,100.000000');
    expect(run('geoadd', 'k', '1', '2', 'a', 'foo', 'bar', 'b')).toBe('-ERR value is not a valid float');
    expect(run('geoadd', 'k', '1', '85.06', 'a')).toBe('-ERR invalid longitude,latitude pair 1.000000,85.060000');
    expect(run('geoadd', 'k', 'inf', '0', 'a')).toBe('-ERR invalid longitude,latitude pair inf,0.000000');
    expect(run('exists', 'k')).toBe(0);
    run('set', 's', 'x');
    expect(run('geoadd', 's', '1', '2', 'a')).toBe(WRONGTYPE);
  });
});

describe('GEOPOS GEODIST GEOHASH', () => {
  it('GEOHASH matches the Wikipedia example, null for missing members and keys', () => {
    run('geoadd', 'points', '-5.6', '42.6', 'test');
    expect(run('geohash', 'points', 'test', 'nope')).toEqual(['ezs42e44yx0', null]);
    expect(run('geohash', 'none', 'a')).toEqual([null]);
    expect(run('geohash', 'points')).toEqual([]);
  });

  it('GEOPOS: cell centres as Redis prints them, null arrays for missing members', () => {
    run('geoadd', 'points', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    expect(run('geopos', 'points', 'Palermo', 'x', 'Catania')).toEqual([
      ['13.36138933897018433', '38.11555639549629859'],
      null,
      ['15.08726745843887329', '37.50266842333162032'],
    ]);
    expect(run('geopos', 'none', 'a', 'b')).toEqual([null, null]);
  });

  it('GEOPOS in RESP3: doubles written with the same text; null arrays as `_`', () => {
    run('geoadd', 'points', '13.361389', '38.115556', 'Palermo');
    t.client.proto = 3;
    const bytes = (r: ReturnType<typeof t.exec>): string => encodeToBuffer(r, 3).toString('latin1');
    expect(bytes(t.exec('geopos', 'points', 'Palermo', 'x'))).toBe('*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n');
  });

  it('GEODIST: units, 4 decimals, nulls, unit checked before the key', () => {
    run('geoadd', 'points', '13.361389', '38.115556', 'Palermo', '15.087269', '37.502669', 'Catania');
    expect(run('geodist', 'points', 'Palermo', 'Catania')).toBe('166274.1516');
    expect(run('geodist', 'points', 'Palermo', 'Catania', 'km')).toBe('166.2742');
    expect(run('geodist', 'points', 'Palermo', 'Catania', 'MI')).toBe('103.3182');
    expect(run('geodist', 'points', 'Palermo', 'Catania', 'ft')).toBe('545518.8700');
    expect(run('geodist', 'points', 'Palermo', 'Palermo')).toBe('0.0000');
    expect(run('geodist', 'points', 'Palermo', 'Agrigento')).toBe(null);
    expect(run('geodist', 'none', 'Palermo', 'Catania')).toBe(null);
    expect(run('geodist', 'none', 'a', 'b', 'foo')).toBe('-ERR unsupported unit provided. please use M, KM, FT, MI');
    expect(run('geodist', 'none', 'a', 'b', 'km', 'x')).toBe('-ERR syntax error');
  });
});

describe('GEORADIUS / GEOSEARCH', () => {
  beforeEach(nyc);

  it('sorted, WITHDIST, COUNT, ANY, DESC as in the Tcl suite', () => {
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '3', 'km', 'asc')).toEqual(['central park n/q/r', '4545', 'union square']);
    expect(run('geosearch', 'nyc', 'fromlonlat', '-73.9798091', '40.7598464', 'bybox', '6', '6', 'km', 'asc')).toEqual(['central park n/q/r', '4545', 'union square', 'lic market']);
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '3', 'km', 'withdist', 'asc')).toEqual([
      ['central park n/q/r', '0.7750'],
      ['4545', '2.3651'],
      ['union square', '2.7697'],
    ]);
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3')).toEqual(['central park n/q/r', '4545', 'union square']);
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3', 'ANY')).toEqual(['wtc one', 'union square', 'central park n/q/r']);
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '3', 'ANY', 'ASC')).toEqual(['central park n/q/r', 'union square', 'wtc one']);
    expect(run('georadius', 'nyc', '-73.9798091', '40.7598464', '10', 'km', 'COUNT', '2', 'DESC')).toEqual(['wtc one', 'q4']);
    expect(run('georadiusbymember', 'nyc', 'wtc one', '7', 'km')).toEqual(['wtc one', 'union square', 'central park n/q/r', '4545', 'lic market']);
    expect(run('georadiusbymember', 'nyc', 'wtc one', '7', 'km', 'withdist')).toEqual([
      ['wtc one', '0.0000'],
      ['union square', '3.2544'],
      ['central park n/q/r', '6.7000'],
      ['4545', '6.1975'],
      ['lic market', '6.8969'],
    ]);
    expect(run('geosearch', 'nyc', 'frommember', 'wtc one', 'bybox', '14', '14', 'km')).toEqual(['wtc one', 'union square', 'central park n/q/r', '4545', 'lic market', 'q4']);
  });

  it('WITHHASH and WITHCOORD', () => {
    expect(run('geosearch', 'nyc', 'frommember', 'wtc one', 'byradius', '1', 'km', 'withcoord', 'withhash', 'withdist')).toEqual([
      ['wtc one', '0.0000', 1791873972053020, ['-74.01316255331039429', '40.71266718145121644']],
    ]);
  });

  it('errors in Redis 7.0.15 words', () => {
    const at = ['georadius', 'nyc', '0', '0'];
    expect(run(...at, '1', 'km', 'any')).toBe('-ERR the ANY argument requires COUNT argument');
    expect(run(...at, '1', 'km', 'count', '0')).toBe('-ERR COUNT must be > 0');
    expect(run(...at, '1', 'km', 'count', 'x')).toBe('-ERR value is not an integer or out of range');
    expect(run(...at, '1', 'km', 'count')).toBe('-ERR syntax error');
    expect(run(...at, '1', 'foo')).toBe('-ERR unsupported unit provided. please use M, KM, FT, MI');
    expect(run(...at, '-1', 'km')).toBe('-ERR radius cannot be negative');
    expect(run(...at, 'x', 'km')).toBe('-ERR need numeric radius');
    expect(run(...at, '1', 'km', 'store')).toBe('-ERR syntax error');
    expect(run(...at, '1', 'km', 'store', 'x', 'withdist')).toBe('-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options');
    expect(run('georadius_ro', 'nyc', '0', '0', '1', 'km', 'store', 'x')).toBe('-ERR syntax error');
    expect(run('georadiusbymember', 'nyc', 'nope', '1', 'km')).toBe('-ERR could not decode requested zset member');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'bybox', '-1', '1', 'km')).toBe('-ERR height or width cannot be negative');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'bybox', 'x', '1', 'km')).toBe('-ERR need numeric width');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'bybox', '1', 'y', 'km')).toBe('-ERR need numeric height');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'frommember', 'x', 'bybox', '1', '1', 'km')).toBe('-ERR syntax error');
    expect(run('GEOSEARCH', 'nyc', 'bybox', '3', '3', 'km', 'asc')).toBe('-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'asc', 'desc', 'withhash')).toBe('-ERR exactly one of BYRADIUS and BYBOX can be specified for geosearch');
    expect(run('geosearch', 'nyc', 'fromlonlat', '0', '0', 'bybox', '6', '6', 'km', 'storedist')).toBe('-ERR syntax error');
    expect(run('geosearchstore', 'd', 'nyc', 'fromlonlat', '0', '0', 'byradius', '1', 'km', 'withdist')).toBe('-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options');
    expect(run('geosearch', 'nyc', 'frommember', 'nope', 'byradius', '1', 'km')).toBe('-ERR could not decode requested zset member');
  });

  it('a missing source: empty array, or 0 with the destination deleted', () => {
    run('set', 'dst', 'x');
    expect(run('georadius', 'none', '1', '1', '1', 'km')).toEqual([]);
    expect(run('georadiusbymember', 'none', 'm', 'x', 'y')).toEqual([]);
    expect(run('geosearch', 'none', 'frommember', 'm', 'bybox', '1', '1', 'km')).toEqual([]);
    expect(run('georadius', 'none', '1', '1', '1', 'km', 'store', 'dst')).toBe(0);
    expect(run('exists', 'dst')).toBe(0);
    expect(journal().at(-1)).toEqual(['DEL', 'dst']);
    run('set', 'src', 'x');
    expect(run('georadius', 'src', '1', '1', '1', 'km')).toBe(WRONGTYPE);
    expect(run('geosearchstore', 'dst', 'src', 'fromlonlat', '0', '0', 'byradius', '1', 'km')).toBe(WRONGTYPE);
  });

  it('STORE / STOREDIST store a zset and journal the effect', () => {
    t.journal.length = 0;
    expect(run('georadiusbymember', 'nyc', 'wtc one', '3.5', 'km', 'store', 'out')).toBe(2);
    expect(run('zrange', 'out', '0', '-1', 'withscores')).toEqual(['wtc one', 1791873972053020, 'union square', 1791875485187452]);
    expect(journal()).toEqual([
      ['DEL', 'out'],
      ['ZADD', 'out', '1791873972053020', 'wtc one', '1791875485187452', 'union square'],
    ]);
    expect(run('geosearchstore', 'out', 'nyc', 'frommember', 'wtc one', 'byradius', '3.5', 'km', 'storedist', 'desc')).toBe(2);
    expect(run('zrange', 'out', '0', '-1', 'withscores')).toEqual(['wtc one', 0, 'union square', 3.254395457335749]);
    expect(run('geosearchstore', 'out', 'nyc', 'fromlonlat', '0', '0', 'byradius', '1', 'km')).toBe(0);
    expect(run('exists', 'out')).toBe(0);
  });

  it('huge radius near the pole and boxes across the antimeridian', () => {
    run('geoadd', 'users', '-47.271613776683807', '-54.534504198047678', 'user_000000');
    expect(run('georadius', 'users', '0', '0', '50000', 'km', 'withcoord')).toHaveLength(1);
    run('geoadd', 'k1', '45', '65', 'n1', '-135', '85.05', 'n2');
    expect(run('georadiusbymember', 'k1', 'n1', '5009431', 'm')).toEqual(['n1', 'n2']);
    run('geoadd', 'p', '179.5', '36', 'point1', '-179.5', '36', 'point2');
    expect(run('geosearch', 'p', 'fromlonlat', '179', '37', 'bybox', '400', '400', 'km', 'asc')).toEqual(['point1', 'point2']);
    expect(run('geosearch', 'p', 'fromlonlat', '-179', '37', 'bybox', '400', '400', 'km', 'asc')).toEqual(['point2', 'point1']);
  });
});

describe('key positions', () => {
  const spec = (name: string) => geoCommands.find((c) => c.name === name);
  it('GEORADIUS finds its STORE/STOREDIST keys as its key specs do; GEOSEARCHSTORE has two keys', () => {
    const gr = spec('georadius');
    expect(gr && keyIndexes(gr, ['georadius', 'k', '0', '0', '1', 'km'])).toEqual([1]);
    expect(gr && keyIndexes(gr, ['georadius', 'k', '0', '0', '1', 'km', 'store', 'a', 'storedist', 'b'])).toEqual([1, 7, 9]);
    expect(gr && keyIndexes(gr, ['georadius', 'k', '0', '0', '1', 'km', 'storedist', 'a', 'store', 'b', 'store', 'c'])).toEqual([1, 9, 7]);
    expect(gr && keyIndexes(gr, ['georadius', 'k', '0', '0', '1', 'store'])).toEqual([1]);
    const gm = spec('georadiusbymember');
    expect(gm && keyIndexes(gm, ['georadiusbymember', 'k', 'm', '1', 'km', 'STORE', 'd'])).toEqual([1, 6]);
    expect(gr?.flags).toContain('movablekeys');
    const gs = spec('geosearchstore');
    expect(gs && keyIndexes(gs, ['geosearchstore', 'd', 's', 'fromlonlat', '0', '0', 'byradius', '1', 'km'])).toEqual([1, 2]);
  });
});
