// MurmurHash64A in 32-bit halves against a BigInt reference and against redis-server's own hash (seen through an HLL register), plus the filters' hash-derived indexes.
import { describe, expect, it } from 'vitest';
import { murmur64, murmur64Reference } from './murmur64.js';
import { cuckooLookup, nextPow2 } from './cuckoo.js';
import { bloomHash } from './bloom.js';

const full = (s: string, seed: bigint): bigint => {
  const out = murmur64(s, Number(seed >> 32n), Number(seed & 0xffffffffn), { hi: 0, lo: 0 });
  return (BigInt(out.hi) << 32n) | BigInt(out.lo);
};

describe('murmur64', () => {
  it('matches the BigInt reference for every tail length, binary bytes and 64-bit seeds', () => {
    for (let n = 0; n < 48; n++) {
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCharCode((i * 37 + n * 11 + 200) & 0xff);
      for (const seed of [0n, 0xc6a4a7935bd1e995n, 0xffffffffffffffffn, 0xadc83b19n, 12345678901234n]) {
        expect(full(s, seed)).toBe(murmur64Reference(Buffer.from(s, 'latin1'), seed));
      }
    }
  });

  it("is redis-server's MurmurHash64A: PFADD hll hello-world-123 sets register 9418 to 6 (PFDEBUG GETREG on 7.0.15)", () => {
    const h = full('hello-world-123', 0xadc83b19n);
    expect(h & 16383n).toBe(9418n);
    let bits = (h >> 14n) | (1n << 50n);
    let count = 1;
    while ((bits & 1n) === 0n) {
      count++;
      bits >>= 1n;
    }
    expect(count).toBe(6);
  });
});

describe('filter hashes', () => {
  it('Cuckoo: fingerprint = hash mod 255 + 1 over the full 64 bits, first bucket from the low bits', () => {
    for (const item of ['', 'a', 'hello', 'x'.repeat(100)]) {
      const h = murmur64Reference(Buffer.from(item, 'latin1'), 0n);
      const l = cuckooLookup(item);
      expect(l.fp).toBe(Number(h % 255n) + 1);
      expect(l.h1).toBe(Number(h & 0xffffffffn));
    }
  });

  it('Bloom: b is hashed with a as its seed', () => {
    const h = bloomHash('item');
    const a = murmur64Reference(Buffer.from('item'), 0xc6a4a7935bd1e995n);
    expect((BigInt(h.a.hi) << 32n) | BigInt(h.a.lo)).toBe(a);
    expect((BigInt(h.b.hi) << 32n) | BigInt(h.b.lo)).toBe(murmur64Reference(Buffer.from('item'), a));
  });

  it('nextPow2 is getNextN2 (0 stays 0)', () => {
    expect([0, 1, 2, 3, 500, 512, 513].map(nextPow2)).toEqual([0, 1, 2, 4, 512, 512, 1024]);
  });
});
