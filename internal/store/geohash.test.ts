// Table tests for the geohash math against values redis-server 7.0.15 answered (scores, GEOHASH, GEOPOS, GEODIST), and the neighbour moves against a BigInt model of Redis's bit arithmetic.
import { describe, expect, it } from 'vitest';
import {
  align52,
  areasByShape,
  cellScoreRange,
  decode,
  distance,
  encode,
  estimateStepsByRadius,
  formatCoord,
  formatDistance,
  formatPrintfF,
  geohashString,
  geoScore,
  interleave,
  LAT_RANGE,
  LONG_RANGE,
  neighbours,
  printfFixed,
  scoreToHash,
  scoreToLonLat,
  scoreToUint64,
} from './geohash.js';
import { prng } from '../testing/random.js';

/** [lon, lat] as given to GEOADD, then ZSCORE, GEOHASH and GEOPOS as redis-server 7.0.15 answered. */
const POINTS: readonly (readonly [number, number, number, string, string, string])[] = [
  [0, 0, 3377699720527872, 's0000000000', '0.00000268220901489', '0.00000126736058093'],
  [180, 85.05112878, 13510798882111488, 'bp05b5048p0', '180', '85.0511287799999991'],
  [-180, -85.05112878, 0, '00bh0hbj200', '-179.99999731779098511', '-85.05112751263942528'],
  [13.361389, 38.115556, 3479099956230698, 'sqc8b49rny0', '13.36138933897018433', '38.11555639549629859'],
  [-122.4194, 37.7749, 1367859919124626, '9q8yyk8ytp0', '-122.41940170526504517', '37.77490001056577995'],
  [151.2093, -33.8688, 3252046221964352, 'r3gx2f77bj0', '151.20929986238479614', '-33.86880091934155956'],
  [139.6917, 35.6895, 4171231230197045, 'xn774c06kt0', '139.69170123338699341', '35.68950126697937009'],
  [-0.1278, 51.5074, 2163557714755072, 'gcpvj0duq50', '-0.12779921293258667', '51.50740077990133159'],
  [179.9999999, 0.0000001, 4128299658422954, 'xbpbpbpbpb0', '179.99999731779098511', '0.00000126736058093'],
  [-5.6, 42.6, NaN, 'ezs42e44yx0', '', ''],
];

describe('scores, GEOHASH and GEOPOS as redis-server computes them', () => {
  it.each(POINTS)('%d,%d', (lon, lat, score, hash, plon, plat) => {
    const s = geoScore(lon, lat) as number;
    if (!Number.isNaN(score)) expect(s).toBe(score);
    expect(geohashString(s)).toBe(hash);
    if (plon !== '') expect(scoreToLonLat(s).map(formatCoord)).toEqual([plon, plat]);
  });

  it('out-of-limit coordinates have no score', () => {
    expect(geoScore(180.0001, 0)).toBeNull();
    expect(geoScore(0, 85.06)).toBeNull();
  });

  it("scores ZADD wrote (not GEOADD) decode as Redis's (uint64_t) cast makes them", () => {
    // ZADD ref -1 neg 1e300 huge 1.5 frac 9007199254740993 big, then GEOHASH / GEOPOS.
    const table: [number, string, string, string][] = [
      [-1, 'bp05b5048p0', '180', '85.0511287799999991'],
      [1e300, '00bh0hbj200', '-179.99999731779098511', '-85.05112751263942528'],
      [1.5, '00bh0hbj210', '-179.99999731779098511', '-85.05112497791824921'],
      [Number('9007199254740993'), '00bh0hbj200', '180', '-85.05112751263942528'],
    ];
    for (const [score, hash, lon, lat] of table) {
      expect(geohashString(score)).toBe(hash);
      expect(scoreToLonLat(score).map(formatCoord)).toEqual([lon, lat]);
    }
    expect(scoreToUint64(-1)).toEqual({ hi: 0xffffffff, lo: 0xffffffff });
    expect(scoreToUint64(2 ** 63)).toEqual({ hi: 0x80000000, lo: 0 });
    expect(scoreToUint64(-Infinity)).toEqual({ hi: 0x80000000, lo: 0 });
    expect(scoreToUint64(Infinity)).toEqual({ hi: 0, lo: 0 });
  });

  it('GEODIST values', () => {
    const at = (score: number): [number, number] => scoreToLonLat(score);
    const d = (a: number, b: number, unit = 1): string => {
      const [x1, y1] = at(a);
      const [x2, y2] = at(b);
      return formatDistance(distance(x1, y1, x2, y2) / unit);
    };
    expect(d(3479099956230698, 1367859919124626)).toBe('10441392.8274');
    expect(d(3252046221964352, 4171231230197045, 1000)).toBe('7828.8235');
    expect(d(13510798882111488, 0)).toBe('18919844.5891');
    expect(d(3377699720527872, 4128299658422954, 1609.34)).toBe('12440.3379');
  });
});

describe('bit layout', () => {
  /** Redis's interleave64 in BigInt. */
  const interleaveBig = (lat: number, lon: number): bigint => {
    let out = 0n;
    for (let i = 0; i < 32; i++) {
      out |= BigInt((lat >>> i) & 1) << BigInt(2 * i);
      out |= BigInt((lon >>> i) & 1) << BigInt(2 * i + 1);
    }
    return out;
  };
  /** geohash_move_x / geohash_move_y, literally, on the interleaved 64-bit word. */
  const M64 = 2n ** 64n - 1n;
  const moveBig = (bits: bigint, step: number, axis: 'x' | 'y', d: number): bigint => {
    if (d === 0) return bits;
    const odd = 0xaaaaaaaaaaaaaaaan;
    const even = 0x5555555555555555n;
    const sh = BigInt(64 - step * 2);
    let x = bits & odd;
    let y = bits & even;
    if (axis === 'x') {
      const zz = even >> sh;
      x = d > 0 ? (x + (zz + 1n)) & M64 : ((x | zz) - (zz + 1n)) & M64;
      x &= odd >> sh;
    } else {
      const zz = odd >> sh;
      y = d > 0 ? (y + (zz + 1n)) & M64 : ((y | zz) - (zz + 1n)) & M64;
      y &= even >> sh;
    }
    return x | y;
  };

  it('interleave matches the bit-by-bit definition', () => {
    const rand = prng(7);
    for (let k = 0; k < 2000; k++) {
      const lat = Math.floor(rand() * 2 ** 26);
      const lon = Math.floor(rand() * 2 ** 26);
      expect(BigInt(interleave(lat, lon))).toBe(interleaveBig(lat, lon));
      expect(scoreToHash(interleave(lat, lon))).toEqual({ lat, lon, step: 26 });
    }
  });

  it('neighbours wrap like geohash_move_x / geohash_move_y', () => {
    const rand = prng(11);
    for (let k = 0; k < 1500; k++) {
      const step = 1 + Math.floor(rand() * 26);
      const cells = 2 ** step;
      // Edges included: 0 and the last index wrap.
      const pick = (): number => (rand() < 0.2 ? (rand() < 0.5 ? 0 : cells - 1) : Math.floor(rand() * cells));
      const h = { lat: pick(), lon: pick(), step };
      const bits = interleaveBig(h.lat, h.lon);
      const n = neighbours(h);
      const want = (dx: number, dy: number): bigint => moveBig(moveBig(bits, step, 'x', dx), step, 'y', dy);
      const got = (c: { lat: number; lon: number }): bigint => interleaveBig(c.lat, c.lon);
      expect(got(n.east)).toBe(want(1, 0));
      expect(got(n.west)).toBe(want(-1, 0));
      expect(got(n.north)).toBe(want(0, 1));
      expect(got(n.south)).toBe(want(0, -1));
      expect(got(n.northEast)).toBe(want(1, 1));
      expect(got(n.northWest)).toBe(want(-1, 1));
      expect(got(n.southEast)).toBe(want(1, -1));
      expect(got(n.southWest)).toBe(want(-1, -1));
    }
  });

  it('cell score ranges are the 52-bit prefix ranges', () => {
    const h = encode(LONG_RANGE, LAT_RANGE, 13.361389, 38.115556, 10);
    expect(h).not.toBeNull();
    const cell = h as NonNullable<typeof h>;
    const [min, max] = cellScoreRange(cell);
    expect(min).toBe(align52(cell));
    expect(max - min).toBe(2 ** 32);
    const s = geoScore(13.361389, 38.115556) as number;
    expect(s >= min && s < max).toBe(true);
    const a = decode(cell);
    expect(a.lon.min <= 13.361389 && 13.361389 < a.lon.max).toBe(true);
    expect(a.lat.min <= 38.115556 && 38.115556 < a.lat.max).toBe(true);
  });
});

describe('search areas', () => {
  it('estimateStepsByRadius', () => {
    expect(estimateStepsByRadius(0, 0)).toBe(26);
    // 1000 m doubles 15 times before reaching MERCATOR_MAX: 16 - 2.
    expect(estimateStepsByRadius(1000, 0)).toBe(14);
    expect(estimateStepsByRadius(3000, 40)).toBe(12);
    expect(estimateStepsByRadius(3000, 70)).toBe(11);
    expect(estimateStepsByRadius(3000, -81)).toBe(10);
    expect(estimateStepsByRadius(50_000_000, 0)).toBe(1);
  });

  it('the 3x3 block covers the shape; useless neighbours are dropped', () => {
    const areas = areasByShape({ kind: 'radius', lon: -73.9798091, lat: 40.7598464, conversion: 1000, radius: 3 });
    expect(areas.cells).toHaveLength(9);
    expect(areas.cells[0]).not.toBeNull();
    // A radius of 50000 km: one step, and the neighbours all coincide.
    const huge = areasByShape({ kind: 'radius', lon: 0, lat: 0, conversion: 1000, radius: 50000 });
    expect(huge.step).toBe(1);
  });
});

describe('number formats', () => {
  it('distances: llrint to 4 decimals', () => {
    expect(formatDistance(0)).toBe('0.0000');
    expect(formatDistance(0.775)).toBe('0.7750');
    expect(formatDistance(0.00005)).toBe('0.0000');
    // 0.00015 * 10000 is 1.4999999999999998 in doubles, in C too.
    expect(formatDistance(0.00015)).toBe('0.0001');
    expect(formatDistance(166274.15156960033)).toBe('166274.1516');
    // Exact ties (x.5 after scaling) go to even, as llrint does.
    expect(formatDistance(0.00025)).toBe('0.0002');
    expect(formatDistance(0.00035)).toBe('0.0004');
    expect(formatDistance(0.00125)).toBe('0.0012');
  });

  it('coordinates: %.17Lf without trailing zeros', () => {
    expect(formatCoord(180)).toBe('180');
    expect(formatCoord(-0)).toBe('0');
    expect(formatCoord(-1e-20)).toBe('0');
    expect(formatCoord(0.5)).toBe('0.5');
    expect(printfFixed(2 ** -18, 17)).toBe('0.00000381469726562');
    expect(printfFixed(3 * 2 ** -18, 17)).toBe('0.00001144409179688');
  });

  it('%f for the invalid-pair error', () => {
    expect(formatPrintfF(200)).toBe('200.000000');
    expect(formatPrintfF(-0)).toBe('-0.000000');
    expect(formatPrintfF(200.0078125)).toBe('200.007812');
    expect(formatPrintfF(1e300).endsWith('.000000')).toBe(true);
    expect(formatPrintfF(Infinity)).toBe('inf');
  });
});
