// MurmurHash64A over latin1 strings in 32-bit halves (no BigInt on the hot path), as RedisBloom's MurmurHash64A_Bloom computes it.

/** The multiplier m = 0xc6a4a7935bd1e995, split into halves. */
const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** A 64-bit unsigned value as two uint32 halves. */
export interface U64 {
  hi: number;
  lo: number;
}

// Scratch registers of mulM: one multiply per call, no allocation.
let rHi = 0;
let rLo = 0;

/** (hi:lo * m) mod 2^64 into rHi:rLo. lo*M_LO's high word is built from 16-bit partial products, which stay exact in a double. */
function mulM(hi: number, lo: number): void {
  const p0 = (lo & 0xffff) * M_LO;
  const p1 = (lo >>> 16) * M_LO;
  const carry = Math.floor((p1 + Math.floor(p0 / 65536)) / 65536);
  rLo = Math.imul(lo, M_LO) >>> 0;
  rHi = (carry + Math.imul(hi, M_LO) + Math.imul(lo, M_HI)) >>> 0;
}

/**
 * MurmurHash64A of the bytes of `s` (one char = one byte) with a 64-bit seed, written to `out`.
 * Little-endian 8-byte blocks, as RedisBloom reads them on x86-64 and arm64.
 */
export function murmur64(s: string, seedHi: number, seedLo: number, out: U64): U64 {
  const len = s.length;
  mulM(0, len);
  let hHi = (seedHi ^ rHi) >>> 0;
  let hLo = (seedLo ^ rLo) >>> 0;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let kLo = (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
    let kHi = (s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24)) >>> 0;
    mulM(kHi, kLo);
    kHi = rHi;
    kLo = (rLo ^ (rHi >>> 15)) >>> 0;
    mulM(kHi, kLo);
    hHi = (hHi ^ rHi) >>> 0;
    hLo = (hLo ^ rLo) >>> 0;
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) {
      const b = s.charCodeAt(blocks + j) & 0xff;
      if (j >= 4) hHi = (hHi ^ (b << ((j - 4) * 8))) >>> 0;
      else hLo = (hLo ^ (b << (j * 8))) >>> 0;
    }
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mulM(hHi, hLo);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
  out.hi = hHi;
  out.lo = hLo;
  return out;
}

/** The same hash with BigInt arithmetic: the reference the fast version is tested against. */
export function murmur64Reference(bytes: Uint8Array, seed: bigint): bigint {
  const m = 0xc6a4a7935bd1e995n;
  const mask = (1n << 64n) - 1n;
  const len = bytes.length;
  let h = (seed ^ ((BigInt(len) * m) & mask)) & mask;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(bytes[i + j] as number);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) h ^= BigInt(bytes[blocks + j] as number) << BigInt(j * 8);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}
