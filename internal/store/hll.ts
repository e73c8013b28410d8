// HyperLogLog math in Redis's exact HYLL byte layout: MurmurHash64A, register derivation, sparse and dense encodings, merging and the Ertl estimator.

/*
 * Layout (Redis's hyperloglog.c, so values move between ringcache and redis-server by GET/SET):
 * 16-byte header "HYLL", encoding byte (0 dense, 1 sparse), 3 unused bytes, 8-byte little-endian
 * cached cardinality whose top bit set means "stale". Dense: 16384 6-bit registers packed LSB first
 * (12288 bytes). Sparse: run-length opcodes ZERO 00xxxxxx (1-64 zeros), XZERO 01xxxxxx yyyyyyyy
 * (1-16384 zeros), VAL 1vvvvvxx (1-4 registers of value 1-32).
 */

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + (HLL_REGISTERS * 6) / 8;
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
export const HLL_SPARSE_VAL_MAX = 32;
const HLL_SEED = 0xadc83b19;
// Redis writes 0.721347520444481703680 (0.5/ln 2); this is the same double.
const ALPHA_INF = 0.7213475204444817;
/** The empty sparse HLL's registers: one XZERO of 16384. */
const EMPTY_OPS = [0x7f, 0xff];

// ---------------------------------------------------------------------------------------------
// MurmurHash64A over 32-bit halves (BigInt would allocate on every element)
// ---------------------------------------------------------------------------------------------

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;
/** The hash state and the last product, as unsigned 32-bit halves (module state: no allocation per call). */
let hHi = 0;
let hLo = 0;
let rHi = 0;
let rLo = 0;

/**
 * (aHi:aLo) * (bHi:bLo) mod 2^64 into rHi:rLo: the 32x32 low product from 16-bit limbs (every
 * partial below 2^32, so the shifts are exact), the cross terms with Math.imul (only their low
 * 32 bits reach the result).
 */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  rHi = (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

function hashStart(len: number): void {
  mul64(0, len, M_HI, M_LO);
  hHi = rHi;
  hLo = (rLo ^ HLL_SEED) >>> 0;
}

/** One 8-byte block k: k *= m; k ^= k >> 47; k *= m; h ^= k; h *= m. */
function hashBlock(kHi: number, kLo: number): void {
  mul64(kHi, kLo, M_HI, M_LO);
  mul64(rHi, (rLo ^ (rHi >>> 15)) >>> 0, M_HI, M_LO);
  mul64((hHi ^ rHi) >>> 0, (hLo ^ rLo) >>> 0, M_HI, M_LO);
  hHi = rHi;
  hLo = rLo;
}

/** The tail bytes already xored into h: h *= m. */
function hashTailMix(): void {
  mul64(hHi, hLo, M_HI, M_LO);
  hHi = rHi;
  hLo = rLo;
}

/** h ^= h >> 47; h *= m; h ^= h >> 47. */
function hashFinish(): void {
  mul64(hHi, (hLo ^ (hHi >>> 15)) >>> 0, M_HI, M_LO);
  hHi = rHi;
  hLo = (rLo ^ (rHi >>> 15)) >>> 0;
}

/** MurmurHash64A (seed 0xadc83b19) of a latin1 string's bytes, left in hHi:hLo. */
function hashString(s: string): void {
  const len = s.length;
  hashStart(len);
  const blocks = len - (len & 7);
  let i = 0;
  for (; i < blocks; i += 8) {
    const lo = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    const hi = s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24);
    hashBlock(hi >>> 0, lo >>> 0);
  }
  const rest = len & 7;
  if (rest === 0) {
    hashFinish();
    return;
  }
  // The tail goes into h's low bytes: byte t at bit 8*t.
  let tLo = 0;
  let tHi = 0;
  for (let t = 0; t < rest; t++) {
    const c = s.charCodeAt(i + t);
    if (t < 4) tLo |= c << (8 * t);
    else tHi |= c << (8 * (t - 4));
  }
  hHi = (hHi ^ tHi) >>> 0;
  hLo = (hLo ^ tLo) >>> 0;
  hashTailMix();
  hashFinish();
}

/** MurmurHash64A of an 8-byte little-endian integer (PFSELFTEST's elements), left in hHi:hLo. */
function hashU64(hi: number, lo: number): void {
  hashStart(8);
  hashBlock(hi >>> 0, lo >>> 0);
  hashFinish();
}

/** MurmurHash64A (Redis's seed) of a latin1 string, as [high 32 bits, low 32 bits]: for tests. */
export function murmurHash64A(s: string): [number, number] {
  hashString(s);
  return [hHi, hLo];
}

/** Register index (low 14 bits) and run length ("000..1" of the other 50 bits plus one, at most 51) of hHi:hLo, packed as count << 14 | index. */
function patFromHash(): number {
  const index = hLo & (HLL_REGISTERS - 1);
  const low = hLo >>> HLL_P;
  let count: number;
  if (low !== 0) count = 31 - Math.clz32(low & -low) + 1;
  else if (hHi !== 0) count = 32 - HLL_P + (31 - Math.clz32(hHi & -hHi)) + 1;
  else count = HLL_Q + 1;
  return (count << HLL_P) | index;
}

/** Redis's hllPatLen for an element: count << 14 | register index. */
export function patLen(element: string): number {
  hashString(element);
  return patFromHash();
}

function patLenU64(hi: number, lo: number): number {
  hashU64(hi, lo);
  return patFromHash();
}

// ---------------------------------------------------------------------------------------------
// Dense registers
// ---------------------------------------------------------------------------------------------

/** Register `i` of a dense value's bytes (header included). */
export function denseGet(b: Uint8Array, i: number): number {
  const bit = i * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  return (((b[at] as number) >> fb) | ((b[at + 1] ?? 0) << (8 - fb))) & 63;
}

/** Register `i` of a dense value held as a latin1 string (no copy). */
export function denseGetStr(s: string, i: number): number {
  const bit = i * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  // Past the end (the last register) charCodeAt is NaN, which shifts to 0.
  return ((s.charCodeAt(at) >> fb) | (s.charCodeAt(at + 1) << (8 - fb))) & 63;
}

export function denseSet(b: Uint8Array, i: number, v: number): void {
  const bit = i * 6;
  const at = HLL_HDR_SIZE + (bit >> 3);
  const fb = bit & 7;
  b[at] = ((b[at] as number) & ~(63 << fb)) | (v << fb);
  if (fb > 2) b[at + 1] = ((b[at + 1] as number) & ~(63 >> (8 - fb))) | (v >> (8 - fb));
}

// ---------------------------------------------------------------------------------------------
// A value being changed: its bytes, header included, with a zero byte kept after the end (as sds)
// ---------------------------------------------------------------------------------------------

export class HllBytes {
  constructor(
    public bytes: Uint8Array,
    public len: number,
  ) {}

  /** A copy of a stored value, with `room` spare bytes. */
  static of(s: string, room = 8): HllBytes {
    const b = Buffer.alloc(s.length + room + 1);
    b.write(s, 0, 'latin1');
    return new HllBytes(b, s.length);
  }

  /** A new empty HLL, sparse as Redis creates it (cached cardinality 0, valid). */
  static empty(): HllBytes {
    const b = Buffer.alloc(HLL_HDR_SIZE + EMPTY_OPS.length + 16);
    b.write('HYLL', 0, 'latin1');
    b[4] = HLL_SPARSE;
    b.set(EMPTY_OPS, HLL_HDR_SIZE);
    return new HllBytes(b, HLL_HDR_SIZE + EMPTY_OPS.length);
  }

  get encoding(): number {
    return this.bytes[4] as number;
  }

  /** Makes room for `n` more bytes plus the trailing zero. */
  room(n: number): void {
    if (this.bytes.length >= this.len + n + 1) return;
    const b = Buffer.alloc(Math.max(this.len * 2, this.len + n + 1));
    b.set(this.bytes.subarray(0, this.len));
    this.bytes = b;
  }

  invalidateCache(): void {
    this.bytes[15] = (this.bytes[15] as number) | 0x80;
  }

  toLatin1(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.len).toString('latin1');
  }
}

/** Redis's isHLLObjectOrReply test of a string value: header, known encoding, exact dense length. */
export function isHll(s: string): boolean {
  if (s.length < HLL_HDR_SIZE || !s.startsWith('HYLL')) return false;
  const enc = s.charCodeAt(4);
  if (enc > HLL_SPARSE) return false;
  return enc !== HLL_DENSE || s.length === HLL_DENSE_SIZE;
}

/** The cached cardinality when valid (top bit clear), else undefined. */
export function cachedCard(s: string): number | bigint | undefined {
  if ((s.charCodeAt(15) & 0x80) !== 0) return undefined;
  const lo = (s.charCodeAt(8) | (s.charCodeAt(9) << 8) | (s.charCodeAt(10) << 16) | (s.charCodeAt(11) << 24)) >>> 0;
  const hi = (s.charCodeAt(12) | (s.charCodeAt(13) << 8) | (s.charCodeAt(14) << 16) | (s.charCodeAt(15) << 24)) >>> 0;
  if (hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Sentinel of an estimate llroundl cannot represent: Redis then caches and answers LLONG_MIN. */
export const CARD_OVERFLOW = -1;

/** The value with `card` written as its (valid) cached cardinality. */
export function withCachedCard(s: string, card: number): string {
  let bytes: string;
  if (card === CARD_OVERFLOW) {
    bytes = '\0\0\0\0\0\0\0\x80';
  } else {
    let hi = Math.floor(card / 4294967296);
    let lo = card - hi * 4294967296;
    bytes = '';
    for (let i = 0; i < 4; i++, lo = Math.floor(lo / 256)) bytes += String.fromCharCode(lo % 256);
    for (let i = 0; i < 4; i++, hi = Math.floor(hi / 256)) bytes += String.fromCharCode(hi % 256);
  }
  return s.slice(0, 8) + bytes + s.slice(HLL_HDR_SIZE);
}

// ---------------------------------------------------------------------------------------------
// Sparse <-> dense
// ---------------------------------------------------------------------------------------------

const isZero = (op: number): boolean => (op & 0xc0) === 0;
const isXZero = (op: number): boolean => (op & 0xc0) === 0x40;
const valValue = (op: number): number => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number): number => (op & 3) + 1;
const valOp = (value: number, len: number): number => 0x80 | ((value - 1) << 2) | (len - 1);

/**
 * Redis's hllSparseToDense: false (nothing changed) when the opcodes do not cover exactly 16384
 * registers. A VAL past the last register fails it even when the registers before it add up to
 * 16384: 7.0.15 stopped there and accepted the value, but the CVE-2025-32023 fix that Debian's
 * 7.0.15 (and 7.2.10+) carries rejects it, and that is the redis-server values are checked against.
 */
export function sparseToDense(h: HllBytes): boolean {
  if (h.encoding === HLL_DENSE) return true;
  const src = h.bytes;
  const d = Buffer.alloc(HLL_DENSE_SIZE + 1);
  d.set(src.subarray(0, HLL_HDR_SIZE));
  d[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < h.len) {
    const op = src[p] as number;
    if (isZero(op)) {
      idx += (op & 0x3f) + 1;
      p++;
    } else if (isXZero(op)) {
      idx += (((op & 0x3f) << 8) | (src[p + 1] as number)) + 1;
      p += 2;
    } else {
      let run = valLen(op);
      const v = valValue(op);
      if (run + idx > HLL_REGISTERS) return false;
      while (run-- > 0) denseSet(d, idx++, v);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  h.bytes = d;
  h.len = HLL_DENSE_SIZE;
  return true;
}

/** Redis's hllDenseSet: 1 if register `index` grew to `count`, else 0. */
function denseRaise(b: Uint8Array, index: number, count: number): number {
  if (count <= denseGet(b, index)) return 0;
  denseSet(b, index, count);
  return 1;
}

/**
 * Redis's hllSparseSet, byte for byte (the same splits, merges and promotion point, so the bytes
 * equal redis-server's): 1 if the register grew, 0 if not, -1 for a corrupt value. Promotes to
 * dense when `count` exceeds 32 or the value would outgrow `maxBytes` (hll-sparse-max-bytes).
 */
function sparseSet(h: HllBytes, index: number, count: number, maxBytes: number): number {
  if (count > HLL_SPARSE_VAL_MAX) return promote(h, index, count);
  h.room(3);
  const b = h.bytes;
  let end = h.len;
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  // Step 1: the opcode covering `index`.
  while (p < end) {
    const op = b[p] as number;
    let oplen = 1;
    if (isZero(op)) span = (op & 0x3f) + 1;
    else if ((op & 0x80) !== 0) span = valLen(op);
    else {
      span = (((op & 0x3f) << 8) | (b[p + 1] as number)) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;
  const op = b[p] as number;
  const xzero = isXZero(op);
  let next = xzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const updated = sparseInPlace(b, p, op, count);
  if (updated === 0) return 0;
  if (updated < 0) {
    // Step 2-3: split the opcode into up to XZERO-VAL-XZERO and put it in place of the old one.
    const seq = splitSeq(op, first, first + span - 1, index, count);
    const delta = seq.length - (xzero ? 2 : 1);
    if (delta > 0 && h.len + delta > maxBytes) return promote(h, index, count);
    if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
    h.len += delta;
    b.set(seq, p);
    end += delta;
    b[end] = 0;
  }
  // Step 4: merge adjacent VALs of equal value, scanning up to 5 opcodes from the previous one.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scan = 5;
  while (p < end && scan-- !== 0) {
    const o = b[p] as number;
    if (isXZero(o)) {
      p += 2;
      continue;
    }
    if (isZero(o)) {
      p++;
      continue;
    }
    const o2 = b[p + 1] as number;
    if (p + 1 < end && (o2 & 0x80) !== 0 && valValue(o) === valValue(o2)) {
      const len = valLen(o) + valLen(o2);
      if (len <= 4) {
        b[p + 1] = valOp(valValue(o), len);
        b.copyWithin(p, p + 1, end);
        h.len--;
        end--;
        b[end] = 0;
        continue;
      }
    }
    p++;
  }
  h.invalidateCache();
  return 1;
}

/** Cases A-C of hllSparseSet: 0 (no change needed), 1 (rewritten in place), -1 (needs a split). */
function sparseInPlace(b: Uint8Array, p: number, op: number, count: number): number {
  if ((op & 0x80) !== 0) {
    if (valValue(op) >= count) return 0;
    if (valLen(op) === 1) {
      b[p] = valOp(count, 1);
      return 1;
    }
  } else if (isZero(op) && (op & 0x3f) === 0) {
    b[p] = valOp(count, 1);
    return 1;
  }
  return -1;
}

function zeroRun(out: number[], len: number): void {
  if (len > 64) out.push(0x40 | ((len - 1) >> 8), (len - 1) & 0xff);
  else out.push(len - 1);
}

/** The opcodes replacing the one covering registers first..last once `index` is set to `count`. */
function splitSeq(op: number, first: number, last: number, index: number, count: number): number[] {
  const out: number[] = [];
  if ((op & 0x80) === 0) {
    if (index !== first) zeroRun(out, index - first);
    out.push(valOp(count, 1));
    if (index !== last) zeroRun(out, last - index);
  } else {
    const cur = valValue(op);
    if (index !== first) out.push(valOp(cur, index - first));
    out.push(valOp(count, 1));
    if (index !== last) out.push(valOp(cur, last - index));
  }
  return out;
}

function promote(h: HllBytes, index: number, count: number): number {
  if (!sparseToDense(h)) return -1;
  // Promotion only happens when the register must change, so this always sets it.
  denseRaise(h.bytes, index, count);
  return 1;
}

/** Redis's hllAdd for one element's (index, count): 1 if a register grew, 0 if not, -1 corrupt. */
export function hllSet(h: HllBytes, index: number, count: number, maxBytes: number): number {
  if (h.encoding === HLL_DENSE) return denseRaise(h.bytes, index, count);
  return sparseSet(h, index, count, maxBytes);
}

/** PFADD's work: every element from `from` on; 1 if any register grew (the cache is then marked stale), 0 if none, -1 corrupt. */
export function hllAddAll(h: HllBytes, elements: readonly string[], from: number, maxBytes: number): number {
  let updated = 0;
  for (let j = from; j < elements.length; j++) {
    const pat = patLen(elements[j] as string);
    const r = hllSet(h, pat & (HLL_REGISTERS - 1), pat >>> HLL_P, maxBytes);
    if (r < 0) return -1;
    updated |= r;
  }
  if (updated !== 0) h.invalidateCache();
  return updated;
}

/** The bytes a dense PFADD edits before they become the new string: one buffer for the process, as every use is synchronous. */
const DENSE_SCRATCH = Buffer.alloc(HLL_DENSE_SIZE + 1);

/**
 * PFADD into a dense value held as a string: registers are read from the string, and only once
 * one grows is it copied (into DENSE_SCRATCH), so the one allocation is the new string itself.
 * Null when nothing changed.
 */
export function denseAddAll(s: string, elements: readonly string[], from: number): string | null {
  let copied = false;
  for (let j = from; j < elements.length; j++) {
    const pat = patLen(elements[j] as string);
    const index = pat & (HLL_REGISTERS - 1);
    const count = pat >>> HLL_P;
    if (!copied) {
      if (count <= denseGetStr(s, index)) continue;
      DENSE_SCRATCH.write(s, 0, 'latin1');
      copied = true;
    }
    denseRaise(DENSE_SCRATCH, index, count);
  }
  if (!copied) return null;
  DENSE_SCRATCH[15] = (DENSE_SCRATCH[15] as number) | 0x80;
  return DENSE_SCRATCH.toString('latin1', 0, HLL_DENSE_SIZE);
}

// ---------------------------------------------------------------------------------------------
// Histogram, estimate, merge
// ---------------------------------------------------------------------------------------------

function bump(histo: Float64Array, value: number, n: number): void {
  histo[value] = (histo[value] as number) + n;
}

/** Register-value histogram of a stored value; null for a sparse value that does not cover exactly 16384 registers. */
export function histogram(s: string): Float64Array | null {
  const histo = new Float64Array(64);
  if (s.charCodeAt(4) === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) bump(histo, denseGetStr(s, i), 1);
    return histo;
  }
  let idx = 0;
  for (let p = HLL_HDR_SIZE; p < s.length; ) {
    const op = s.charCodeAt(p);
    let run: number;
    if (isZero(op)) {
      run = (op & 0x3f) + 1;
      bump(histo, 0, run);
      p++;
    } else if (isXZero(op)) {
      // A truncated XZERO reads the terminating zero byte, as Redis does.
      run = (((op & 0x3f) << 8) | (p + 1 < s.length ? s.charCodeAt(p + 1) : 0)) + 1;
      bump(histo, 0, run);
      p += 2;
    } else {
      run = valLen(op);
      bump(histo, valValue(op), run);
      p++;
    }
    idx += run;
  }
  return idx === HLL_REGISTERS ? histo : null;
}

/** Histogram of raw one-byte registers (PFCOUNT over several keys). */
export function rawHistogram(regs: Uint8Array): Float64Array {
  const histo = new Float64Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) bump(histo, regs[i] as number, 1);
  return histo;
}

/** Ertl's sigma ("New cardinality estimation algorithms for HyperLogLog sketches"). */
export function hllSigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let zPrime: number;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau. */
export function hllTau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let zPrime: number;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Redis 7's hllCount estimate from a histogram; CARD_OVERFLOW where llroundl cannot represent it. */
export function estimate(histo: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * hllTau((m - (histo[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j] as number;
    z *= 0.5;
  }
  z += m * hllSigma((histo[0] as number) / m);
  const e = Math.round((ALPHA_INF * m * m) / z);
  return e < 2 ** 63 ? e : CARD_OVERFLOW;
}

/** Redis's hllMerge: max[i] = max(max[i], register i) over a stored value; false for a corrupt sparse value (strict as sparseToDense). */
export function mergeInto(max: Uint8Array, s: string): boolean {
  if (s.charCodeAt(4) === HLL_DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGetStr(s, i);
      if (v > (max[i] as number)) max[i] = v;
    }
    return true;
  }
  let i = 0;
  for (let p = HLL_HDR_SIZE; p < s.length; p++) {
    const op = s.charCodeAt(p);
    if (isZero(op)) {
      i += (op & 0x3f) + 1;
    } else if (isXZero(op)) {
      i += (((op & 0x3f) << 8) | (p + 1 < s.length ? s.charCodeAt(p + 1) : 0)) + 1;
      p++;
    } else {
      let run = valLen(op);
      const v = valValue(op);
      if (run + i > HLL_REGISTERS) return false;
      for (; run > 0; run--, i++) if (v > (max[i] as number)) max[i] = v;
    }
  }
  return i === HLL_REGISTERS;
}

/** PFDEBUG DECODE's text of a sparse value: `z:N`, `Z:N`, `v:value,len`, space separated. */
export function decodeSparse(s: string): string {
  const parts: string[] = [];
  for (let p = HLL_HDR_SIZE; p < s.length; p++) {
    const op = s.charCodeAt(p);
    if (isZero(op)) parts.push(`z:${(op & 0x3f) + 1}`);
    else if (isXZero(op)) {
      parts.push(`Z:${(((op & 0x3f) << 8) | (p + 1 < s.length ? s.charCodeAt(p + 1) : 0)) + 1}`);
      p++;
    } else parts.push(`v:${valValue(op)},${valLen(op)}`);
  }
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// PFSELFTEST
// ---------------------------------------------------------------------------------------------

/** xorshift32 in place of C's rand(): the self test only needs values, not Redis's sequence. */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

/** Redis's PFSELFTEST: register access, then 10M elements into a dense and a sparse HLL. Null on success, else the TESTFAILED text. */
export function selfTest(maxBytes: number, seed: number, elements = 10_000_000): string | null {
  const rand = xorshift(seed);
  const dense = new Uint8Array(HLL_DENSE_SIZE + 1);
  const bytes = new Uint8Array(HLL_REGISTERS);
  for (let cycle = 0; cycle < 1000; cycle++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = rand() & 63;
      bytes[i] = r;
      denseSet(dense, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = denseGet(dense, i);
      if (v !== bytes[i]) return `TESTFAILED Register ${i} should be ${bytes[i] as number} but is ${v}`;
    }
  }
  dense.fill(0);
  dense.set([0x48, 0x59, 0x4c, 0x4c], 0);
  const sparse = HllBytes.empty();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = rand();
  const seedHi = rand();
  let checkpoint = 1;
  for (let j = 1; j <= elements; j++) {
    // The element is the 64-bit j ^ seed in little-endian bytes (j < 2^32).
    const pat = patLenU64(seedHi, (j ^ seedLo) >>> 0);
    const index = pat & (HLL_REGISTERS - 1);
    const count = pat >>> HLL_P;
    denseRaise(dense, index, count);
    hllSet(sparse, index, count, maxBytes);
    if (j !== checkpoint) continue;
    if (j < maxBytes / 2 && sparse.encoding !== HLL_SPARSE) return 'TESTFAILED sparse encoding not used';
    const card = estimate(histogram(Buffer.from(dense.buffer, 0, HLL_DENSE_SIZE).toString('latin1')) ?? new Float64Array(64));
    const sparseHisto = histogram(sparse.toLatin1());
    if (sparseHisto === null || estimate(sparseHisto) !== card) return 'TESTFAILED dense/sparse disagree';
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    if (Math.abs(checkpoint - card) > maxerr) return `TESTFAILED Too big error. card:${checkpoint} abserr:${Math.abs(checkpoint - card)}`;
    checkpoint *= 10;
  }
  return null;
}
