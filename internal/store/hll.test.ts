// HyperLogLog math, table-tested: MurmurHash64A vectors, register derivation, dense registers, sparse opcodes and promotion, estimates.
import { describe, expect, it } from 'vitest';
import {
  CARD_OVERFLOW,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
  HllBytes,
  cachedCard,
  decodeSparse,
  denseAddAll,
  denseGet,
  denseGetStr,
  denseSet,
  estimate,
  histogram,
  hllAddAll,
  hllSet,
  hllSigma,
  hllTau,
  isHll,
  mergeInto,
  murmurHash64A,
  patLen,
  rawHistogram,
  selfTest,
  sparseToDense,
  withCachedCard,
} from './hll.js';
import { prng } from '../testing/random.js';

const hex = ([hi, lo]: [number, number]): string => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');

/** An independent MurmurHash64A in BigInt arithmetic, straight from the algorithm's definition. */
function murmurRef(s: string): bigint {
  const M = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = s.length;
  let h = (0xadc83b19n ^ ((BigInt(len) * M) & mask)) & mask;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(s.charCodeAt(i + b));
    k = (k * M) & mask;
    k ^= k >> 47n;
    k = (k * M) & mask;
    h ^= k;
    h = (h * M) & mask;
  }
  const rest = len & 7;
  if (rest > 0) {
    for (let t = rest - 1; t >= 0; t--) h ^= BigInt(s.charCodeAt(blocks + t)) << BigInt(8 * t);
    h = (h * M) & mask;
  }
  h ^= h >> 47n;
  h = (h * M) & mask;
  h ^= h >> 47n;
  return h;
}

const randomBytes = (rand: () => number, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 256));
  return s;
};

/** Registers of any valid value, one byte each. */
function registers(s: string): number[] {
  const max = new Uint8Array(HLL_REGISTERS);
  expect(mergeInto(max, s)).toBe(true);
  return Array.from(max);
}

describe('MurmurHash64A (seed 0xadc83b19)', () => {
  // Vectors from a C MurmurHash64A (Redis's, endian-neutral) over the same bytes.
  it.each([
    ['', 'd8dfea6585bc9732'],
    ['a', '53d2470a9b43b1a7'],
    ['ab', '0eaed676437142cf'],
    ['abc', '77ec90aeb374e502'],
    ['abcd', 'b079ee3d44202b3e'],
    ['abcde', '52a7daa2324a0e8e'],
    ['abcdef', '3a4f3a74f538b54f'],
    ['abcdefg', '22fe613bb08c9602'],
    ['abcdefgh', 'f3a65df559914567'],
    ['abcdefghi', '834fba4d9152daf7'],
    ['hello world, this is a longer ke', '9e3bc91d1444dcfc'],
    ['\xff\xfe\x00\x80', 'ec8bf5bf9a1a63e9'],
  ])('%j -> %s', (s, want) => {
    expect(hex(murmurHash64A(s))).toBe(want);
    expect(murmurRef(s).toString(16).padStart(16, '0')).toBe(want);
  });

  it('agrees with the BigInt reference on 2,000 random byte strings of 0-40 bytes', () => {
    const rand = prng(7);
    for (let i = 0; i < 2000; i++) {
      const s = randomBytes(rand, i % 41);
      expect(hex(murmurHash64A(s))).toBe(murmurRef(s).toString(16).padStart(16, '0'));
    }
  });
});

describe('register derivation (hllPatLen)', () => {
  it('index is the low 14 bits, count the run of zeros above them plus one', () => {
    const rand = prng(11);
    for (let i = 0; i < 2000; i++) {
      const s = randomBytes(rand, 1 + (i % 20));
      const h = murmurRef(s);
      const index = Number(h & 0x3fffn);
      let rest = (h >> 14n) | (1n << 50n);
      let count = 1;
      while ((rest & 1n) === 0n) {
        count++;
        rest >>= 1n;
      }
      const pat = patLen(s);
      expect([pat & 0x3fff, pat >>> 14]).toEqual([index, count]);
    }
  });

  it('a, b, c land where redis-server 7.0.15 puts them (Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603)', () => {
    const got = ['a', 'b', 'c'].map((e) => [patLen(e) & 0x3fff, patLen(e) >>> 14]).sort((x, y) => (x[0] as number) - (y[0] as number));
    expect(got).toEqual([
      [8436, 1],
      [12711, 2],
      [15780, 1],
    ]);
  });
});

describe('dense registers', () => {
  it('set/get round-trips every register without disturbing neighbours', () => {
    const rand = prng(3);
    const b = new Uint8Array(HLL_DENSE_SIZE + 1);
    const want = new Array<number>(HLL_REGISTERS).fill(0);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        want[i] = Math.floor(rand() * 64);
        denseSet(b, i, want[i] as number);
      }
      const s = Buffer.from(b.subarray(0, HLL_DENSE_SIZE)).toString('latin1');
      for (let i = 0; i < HLL_REGISTERS; i++) {
        expect(denseGet(b, i)).toBe(want[i]);
        expect(denseGetStr(s, i)).toBe(want[i]);
      }
    }
    expect(b[HLL_DENSE_SIZE]).toBe(0);
  });

  it.each([
    [0, 63, [0x3f, 0x00, 0x00]],
    [1, 63, [0xc0, 0x0f, 0x00]],
    [2, 63, [0x00, 0xf0, 0x03]],
    [3, 63, [0x00, 0x00, 0xfc]],
    [1, 0b101101, [0x40, 0x0b, 0x00]],
  ])('register %i = %i packs LSB first: %j', (i, v, bytes) => {
    const b = new Uint8Array(HLL_DENSE_SIZE + 1);
    denseSet(b, i, v);
    expect(Array.from(b.subarray(16, 19))).toEqual(bytes);
  });
});

describe('sparse encoding', () => {
  const hdr = (enc: number, last = 0): string => `HYLL${String.fromCharCode(enc)}\0\0\0\0\0\0\0\0\0\0${String.fromCharCode(last)}`;

  it('a new HLL is one XZERO:16384 with a valid cached 0', () => {
    const h = HllBytes.empty();
    expect(h.toLatin1()).toBe(hdr(HLL_SPARSE) + '\x7f\xff');
    expect(decodeSparse(h.toLatin1())).toBe('Z:16384');
    expect(cachedCard(h.toLatin1())).toBe(0);
  });

  it('PFADD a b c gives redis-server 7.0.15 bytes', () => {
    const h = HllBytes.empty();
    expect(hllAddAll(h, ['a', 'b', 'c'], 0, 3000)).toBe(1);
    expect(h.toLatin1()).toBe(hdr(HLL_SPARSE, 0x80) + '\x60\xf3\x80\x50\xb1\x84\x4b\xfb\x80\x42\x5a');
    expect(hllAddAll(h, ['a', 'b', 'c'], 0, 3000)).toBe(0);
  });

  it.each([
    // ops before, register, value, ops after
    ['Z:16384', 0, 3, 'v:3,1 Z:16383'],
    ['Z:16384', 16383, 3, 'Z:16383 v:3,1'],
    ['Z:16384', 64, 1, 'z:64 v:1,1 Z:16319'],
    ['Z:16384', 65, 1, 'Z:65 v:1,1 Z:16318'],
    // A VAL run split around a bigger value, and merged back when equal.
    ['v:2,4 Z:16380', 1, 5, 'v:2,1 v:5,1 v:2,2 Z:16380'],
    ['v:2,1 z:1 v:2,2 Z:16380', 1, 2, 'v:2,4 Z:16380'],
    // A ZERO of one becomes a VAL in place; an equal or smaller value changes nothing.
    ['z:1 Z:16383', 0, 7, 'v:7,1 Z:16383'],
    ['v:7,1 Z:16383', 0, 7, 'v:7,1 Z:16383'],
  ])('%s, register %i := %i -> %s', (before, index, value, after) => {
    const h = HllBytes.of(hdr(HLL_SPARSE) + encodeOps(before));
    const max = new Uint8Array(HLL_REGISTERS);
    mergeInto(max, h.toLatin1());
    const changed = value > (max[index] as number);
    // hllSet through the public entry: via a crafted element is impractical, so set directly.
    expect(setReg(h, index, value)).toBe(changed ? 1 : 0);
    expect(decodeSparse(h.toLatin1())).toBe(after);
  });

  it('promotes to dense for a value above 32 and past hll-sparse-max-bytes, keeping every register', () => {
    const h = HllBytes.of(hdr(HLL_SPARSE) + encodeOps('v:2,1 Z:16383'));
    expect(setReg(h, 100, 33)).toBe(1);
    expect(h.encoding).toBe(HLL_DENSE);
    expect(h.len).toBe(HLL_DENSE_SIZE);
    expect([denseGet(h.bytes, 0), denseGet(h.bytes, 100), denseGet(h.bytes, 99)]).toEqual([2, 33, 0]);
    const small = HllBytes.empty();
    const rand = prng(5);
    const els = Array.from({ length: 200 }, () => String(rand()));
    hllAddAll(small, els, 0, 100);
    expect(small.encoding).toBe(HLL_DENSE);
    const big = HllBytes.empty();
    hllAddAll(big, els, 0, 100_000);
    expect(big.encoding).toBe(HLL_SPARSE);
    expect(registers(small.toLatin1())).toEqual(registers(big.toLatin1()));
  });

  it('sparse and dense agree on registers and estimates for random sets up to 20k elements', () => {
    const rand = prng(9);
    for (const n of [0, 1, 10, 100, 1000, 5000, 20_000]) {
      const els = Array.from({ length: n }, () => randomBytes(rand, 1 + Math.floor(rand() * 12)));
      const sparse = HllBytes.empty();
      hllAddAll(sparse, els, 0, 1 << 30);
      expect(sparse.encoding).toBe(HLL_SPARSE);
      const dense = HllBytes.empty();
      sparseToDense(dense);
      const viaString = denseAddAll(dense.toLatin1(), els, 0);
      const viaBytes = HllBytes.of(dense.toLatin1());
      hllAddAll(viaBytes, els, 0, 3000);
      expect(viaString ?? dense.toLatin1()).toBe(viaBytes.toLatin1());
      const converted = HllBytes.of(sparse.toLatin1());
      expect(sparseToDense(converted)).toBe(true);
      // Conversion copies the header (the stale mark included), so the bytes equal the dense build's.
      expect(converted.toLatin1().slice(16)).toBe(viaBytes.toLatin1().slice(16));
      const s = sparse.toLatin1();
      expect(registers(s)).toEqual(registers(viaBytes.toLatin1()));
      const e = estimate(histogram(s) ?? new Float64Array(64));
      expect(estimate(histogram(viaBytes.toLatin1()) ?? new Float64Array(64))).toBe(e);
      const distinct = new Set(els).size;
      expect(Math.abs(e - distinct)).toBeLessThanOrEqual(Math.max(2, distinct * 0.03));
    }
  });

  it('corrupt sparse values are detected by count, merge and conversion', () => {
    for (const ops of ['Z:16384 z:1', 'Z:16383', 'v:1,4 Z:16384']) {
      const s = hdr(HLL_SPARSE) + encodeOps(ops);
      expect(histogram(s)).toBeNull();
      expect(mergeInto(new Uint8Array(HLL_REGISTERS), s)).toBe(false);
      expect(sparseToDense(HllBytes.of(s))).toBe(false);
    }
    // A VAL past the last register fails merge and conversion too, as in redis-server 7.0.15 with
    // the CVE-2025-32023 fix (plain 7.0.15 stopped there and accepted the value).
    const tail = hdr(HLL_SPARSE) + encodeOps('Z:16384 v:1,1');
    expect(histogram(tail)).toBeNull();
    expect(mergeInto(new Uint8Array(HLL_REGISTERS), tail)).toBe(false);
    expect(sparseToDense(HllBytes.of(tail))).toBe(false);
    // Registers past the end (a covering opcode never found) make a set fail.
    expect(setReg(HllBytes.of(hdr(HLL_SPARSE) + encodeOps('Z:100')), 200, 1)).toBe(-1);
  });
});

describe('header, validity, cache', () => {
  it.each([
    ['HYLL\x01' + '\0'.repeat(11), true],
    ['HYLL\x01' + '\0'.repeat(10), false],
    ['HYLX\x01' + '\0'.repeat(11), false],
    ['HYLL\x02' + '\0'.repeat(11), false],
    ['HYLL\x00' + '\0'.repeat(11), false],
    ['HYLL\x00' + '\0'.repeat(HLL_DENSE_SIZE - 5), true],
    ['HYLL\x00' + '\0'.repeat(HLL_DENSE_SIZE - 4), false],
  ])('isHll(%#) = %s', (s, ok) => {
    expect(isHll(s)).toBe(ok);
  });

  it.each([0, 1, 255, 256, 123456789, 2 ** 40 + 5, 2 ** 53 - 1])('cached cardinality %i round-trips little-endian', (n) => {
    const s = withCachedCard(HllBytes.empty().toLatin1(), n);
    expect(cachedCard(s)).toBe(n);
  });

  it('the stale mark hides the cache; the overflow sentinel caches as LLONG_MIN, which reads stale', () => {
    const h = HllBytes.empty();
    h.invalidateCache();
    expect(cachedCard(h.toLatin1())).toBeUndefined();
    const s = withCachedCard(h.toLatin1(), CARD_OVERFLOW);
    expect(s.slice(8, 16)).toBe('\0\0\0\0\0\0\0\x80');
    expect(cachedCard(s)).toBeUndefined();
    expect(cachedCard(withCachedCard(s, 5))).toBe(5);
    expect(cachedCard('HYLL\x01\0\0\0' + '\xff\xff\xff\xff\xff\xff\xff\x7f')).toBe(2n ** 63n - 1n);
  });
});

describe('estimator (Ertl, Redis 7)', () => {
  const denseWith = (f: (i: number) => number): string => {
    const b = new Uint8Array(HLL_DENSE_SIZE + 1);
    for (let i = 0; i < HLL_REGISTERS; i++) denseSet(b, i, f(i));
    return Buffer.from(b.subarray(0, HLL_DENSE_SIZE)).toString('latin1');
  };

  it.each([
    ['all zero', () => 0, 0],
    // Values from redis-server 7.0.15 PFCOUNT on the same crafted dense values.
    ['every third register 51, others i % 7', (i: number) => (i % 3 === 0 ? 51 : i % 7), 59624],
    ['all 51', () => 51, CARD_OVERFLOW],
    ['all 63', () => 63, CARD_OVERFLOW],
  ])('%s', (_name, f, want) => {
    expect(estimate(histogram(denseWith(f)) ?? new Float64Array(64))).toBe(want);
  });

  it('sigma/tau edges', () => {
    expect([hllTau(0), hllTau(1), hllSigma(1), hllSigma(0)]).toEqual([0, 0, Infinity, 0]);
  });

  it('raw registers estimate like their dense packing', () => {
    const rand = prng(1);
    const regs = new Uint8Array(HLL_REGISTERS).map(() => Math.floor(rand() * 8));
    expect(estimate(rawHistogram(regs))).toBe(estimate(histogram(denseWith((i) => regs[i] as number)) ?? new Float64Array(64)));
  });
});

describe('PFSELFTEST', () => {
  it('passes with 100k elements (the command runs 10M)', () => {
    expect(selfTest(3000, 12345, 100_000)).toBeNull();
  });
});

/** Opcodes from PFDEBUG DECODE's notation. */
function encodeOps(text: string): string {
  let out = '';
  for (const part of text.split(' ')) {
    const [kind, rest] = part.split(':') as [string, string];
    if (kind === 'z') out += String.fromCharCode(Number(rest) - 1);
    else if (kind === 'Z') out += String.fromCharCode(0x40 | ((Number(rest) - 1) >> 8), (Number(rest) - 1) & 0xff);
    else {
      const [v, len] = rest.split(',').map(Number) as [number, number];
      out += String.fromCharCode(0x80 | ((v - 1) << 2) | (len - 1));
    }
  }
  return out;
}

/** Sets one register through the same path PFADD takes. */
function setReg(h: HllBytes, index: number, value: number): number {
  return hllSet(h, index, value, 3000);
}
