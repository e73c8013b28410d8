// Scalable Bloom filter values (TYPE MBbloom--): RedisBloom's chain of bloom links, its sizing, double hashing and SCANDUMP layout.
import { murmur64, type U64 } from './murmur64.js';
import type { Collection } from './types.js';

/** RedisBloom's bloom_init options: the ones its filters are created with (FORCE64 | NOROUND), and NONSCALING. */
export const BLOOM_OPT_NOROUND = 1;
export const BLOOM_OPT_ENTS_IS_BITS = 2;
export const BLOOM_OPT_FORCE64 = 4;
export const BLOOM_OPT_NO_SCALING = 8;

/** Each new link is given half the error rate of the one before (sb.c's ERROR_TIGHTENING_RATIO). */
const TIGHTENING = 0.5;
/** ln(2)^2 and ln(2) as RedisBloom writes them (bpe and hash counts depend on the exact digits). */
const LN2_SQUARED = 0.480453013918201;
const LN2 = 0.693147180559945;
/** sizeof(SBChain) and sizeof(SBLink) in RedisBloom: BF.INFO Size counts them as it does. */
const CHAIN_STRUCT = 32;
const LINK_STRUCT = 64;
/** No link above 2^31 bytes (16 Gbit): bit positions then stay exact in doubles (see bitIndex). */
export const MAX_LINK_BYTES = 2 ** 31;

/** The seed RedisBloom hashes items with (bloom_calc_hash64): a = H(item, seed), b = H(item, a). */
const SEED_HI = 0xc6a4a793;
const SEED_LO = 0x5bd1e995;

/** One bloom link (RedisBloom's struct bloom plus SBLink.size). */
export interface BloomLink {
  /** Items this link is sized for. */
  entries: number;
  error: number;
  hashes: number;
  /** Bits per element. */
  bpe: number;
  /** Bit count as a power of two, 0 when the size is not rounded (every filter RedisBloom creates now). */
  n2: number;
  bits: number;
  bytes: number;
  /** Items added to this link. */
  size: number;
  bf: Uint8Array;
}

/** calc_bpe: bits per element for an error rate. */
function bitsPerEntry(error: number): number {
  return Math.abs(-Math.log(error) / LN2_SQUARED);
}

/** bloom_init with FORCE64 | NOROUND: null when the parameters or the size are out of range. */
export function newLink(entries: number, error: number): BloomLink | null {
  if (!(entries >= 1) || !(error > 0) || !(error < 1)) return null;
  const bpe = bitsPerEntry(error);
  let bits = Math.floor(entries * bpe);
  if (bits === 0) bits = 1;
  const bytes = bits % 64 === 0 ? bits / 8 : (Math.floor(bits / 64) + 1) * 8;
  if (!Number.isSafeInteger(bytes) || bytes > MAX_LINK_BYTES) return null;
  return { entries, error, hashes: Math.ceil(LN2 * bpe), bpe, n2: 0, bits: bytes * 8, bytes, size: 0, bf: new Uint8Array(bytes) };
}

/** bloom_validate_integrity: what LOADCHUNK accepts as a link header. */
export function linkIsValid(l: Omit<BloomLink, 'bf'>): boolean {
  if (!(l.error > 0 && l.error < 1) || l.n2 > 63 || l.bits === 0 || l.bits !== l.bytes * 8) return false;
  if (l.n2 !== 0 && l.bits < 2 ** l.n2) return false;
  if (l.bytes > MAX_LINK_BYTES) return false;
  return l.hashes === Math.ceil(LN2 * l.bpe);
}

/** A hashed item: the two 64-bit values of the double hashing. */
export interface BloomHash {
  a: U64;
  b: U64;
}

/** bloom_calc_hash64 of an item (latin1 string = its bytes). */
export function bloomHash(item: string): BloomHash {
  const a = murmur64(item, SEED_HI, SEED_LO, { hi: 0, lo: 0 });
  const b = murmur64(item, a.hi, a.lo, { hi: 0, lo: 0 });
  return { a, b };
}

/** (hi * 2^32 + lo) mod m, for m <= 2^37: every intermediate stays below 2^53. */
function mod64(hi: number, lo: number, m: number): number {
  let r = hi % m;
  r = (r * 65536) % m;
  r = (r * 65536) % m;
  return (r + lo) % m;
}

/**
 * Tests (and with `write`, sets) the link's bits for `h`: bit i is (a + i*b) mod 2^64 mod bits, the
 * bit-within-byte order as RedisBloom's test_bit_set_bit. Read: 1 when all were set. Write: 1 when
 * one was unset (the item is new to this link).
 */
function checkAdd(link: BloomLink, h: BloomHash, write: boolean): boolean {
  const mod = link.n2 > 0 ? 2 ** link.n2 : link.bits;
  let xHi = h.a.hi;
  let xLo = h.a.lo;
  let unset = false;
  for (let i = 0; i < link.hashes; i++) {
    const x = mod64(xHi, xLo, mod);
    const byte = Math.floor(x / 8);
    const mask = 1 << x % 8;
    const c = link.bf[byte] as number;
    if ((c & mask) === 0) {
      if (!write) return false;
      link.bf[byte] = c | mask;
      unset = true;
    }
    // x += b (mod 2^64), with the carry from the low half.
    const lo = xLo + h.b.lo;
    xLo = lo >>> 0;
    xHi = (xHi + h.b.hi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
  }
  return write ? unset : true;
}

/** Outcome of an add: added, already (probably) present, or a full non-scaling filter. */
export type BloomAddResult = 'added' | 'exists' | 'full';

export class BloomFilter implements Collection {
  readonly type = 'MBbloom--' as const;

  constructor(
    /** Items added (BF.CARD). */
    public items: number,
    public options: number,
    /** Expansion factor: each new link holds `growth` times the last one's entries. */
    public growth: number,
    readonly links: BloomLink[],
  ) {}

  /** SB_NewChain: null when the first link cannot be made. */
  static create(capacity: number, errorRate: number, growth: number, nonScaling: boolean): BloomFilter | null {
    const options = BLOOM_OPT_FORCE64 | BLOOM_OPT_NOROUND | (nonScaling ? BLOOM_OPT_NO_SCALING : 0);
    const link = newLink(capacity, errorRate * (nonScaling ? 1 : TIGHTENING));
    return link === null ? null : new BloomFilter(0, options, growth, [link]);
  }

  get size(): number {
    return this.items;
  }

  get nonScaling(): boolean {
    return (this.options & BLOOM_OPT_NO_SCALING) !== 0;
  }

  /** OBJECT ENCODING of a module value in Redis. */
  encoding(): string {
    return 'raw';
  }

  /** RedisBloom's BFMemUsage (what BF.INFO Size reports). */
  byteSize(): number {
    let n = CHAIN_STRUCT;
    for (const l of this.links) n += LINK_STRUCT + l.bytes;
    return n;
  }

  /** Sum of the links' capacities (BF.INFO Capacity). */
  capacity(): number {
    let n = 0;
    for (const l of this.links) n += l.entries;
    return n;
  }

  clone(): BloomFilter {
    return new BloomFilter(
      this.items,
      this.options,
      this.growth,
      this.links.map((l) => ({ ...l, bf: l.bf.slice() })),
    );
  }

  has(item: string): boolean {
    const h = bloomHash(item);
    for (let i = this.links.length - 1; i >= 0; i--) if (checkAdd(this.links[i] as BloomLink, h, false)) return true;
    return false;
  }

  /** SBChain_Add: present in any link answers 'exists'; a full last link grows the chain (or is 'full'); null when growing failed. */
  add(item: string): BloomAddResult | null {
    const h = bloomHash(item);
    for (let i = this.links.length - 1; i >= 0; i--) if (checkAdd(this.links[i] as BloomLink, h, false)) return 'exists';
    let cur = this.links[this.links.length - 1] as BloomLink;
    if (cur.size >= cur.entries) {
      if (this.nonScaling) return 'full';
      const next = newLink(cur.entries * this.growth, cur.error * TIGHTENING);
      if (next === null) return null;
      this.links.push(next);
      cur = next;
    }
    if (!checkAdd(cur, h, true)) return 'exists';
    cur.size++;
    this.items++;
    return 'added';
  }
}

// ---------------------------------------------------------------------------------------------
// SCANDUMP / LOADCHUNK: RedisBloom's packed little-endian header, then each link's bytes in order.

/** dumpedChainHeader: u64 size, u32 nfilters, u32 options, u32 growth. */
const HEADER_BYTES = 20;
/** dumpedChainLink: u64 bytes, u64 bits, u64 size, f64 error, f64 bpe, u32 hashes, u64 entries, u8 n2. */
const LINK_BYTES = 53;

export function encodeBloomHeader(f: BloomFilter): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + LINK_BYTES * f.links.length);
  b.writeBigUInt64LE(BigInt(f.items), 0);
  b.writeUInt32LE(f.links.length, 8);
  b.writeUInt32LE(f.options, 12);
  b.writeUInt32LE(f.growth, 16);
  let o = HEADER_BYTES;
  for (const l of f.links) {
    b.writeBigUInt64LE(BigInt(l.bytes), o);
    b.writeBigUInt64LE(BigInt(l.bits), o + 8);
    b.writeBigUInt64LE(BigInt(l.size), o + 16);
    b.writeDoubleLE(l.error, o + 24);
    b.writeDoubleLE(l.bpe, o + 32);
    b.writeUInt32LE(l.hashes, o + 40);
    b.writeBigUInt64LE(BigInt(l.entries), o + 44);
    b.writeUInt8(l.n2, o + 52);
    o += LINK_BYTES;
  }
  return b;
}

/** A u64 that must be a safe integer; NaN otherwise (which every check below refuses). */
function u64(b: Buffer, o: number): number {
  const v = b.readBigUInt64LE(o);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN;
}

/** SB_NewChainFromHeader: a filter with zeroed links, or null for data RedisBloom would call bad. */
export function decodeBloomHeader(b: Buffer): BloomFilter | null {
  if (b.length < HEADER_BYTES) return null;
  const nfilters = b.readUInt32LE(8);
  if (nfilters === 0 || b.length !== HEADER_BYTES + LINK_BYTES * nfilters) return null;
  const options = b.readUInt32LE(12);
  // Only 64-bit hashing is implemented (RedisBloom has created FORCE64 filters since 1.1).
  if ((options & ~(BLOOM_OPT_NOROUND | BLOOM_OPT_ENTS_IS_BITS | BLOOM_OPT_FORCE64 | BLOOM_OPT_NO_SCALING)) !== 0 || (options & BLOOM_OPT_FORCE64) === 0) return null;
  const links: BloomLink[] = [];
  let total = 0;
  let o = HEADER_BYTES;
  for (let i = 0; i < nfilters; i++, o += LINK_BYTES) {
    const head = {
      bytes: u64(b, o),
      bits: u64(b, o + 8),
      size: u64(b, o + 16),
      error: b.readDoubleLE(o + 24),
      bpe: b.readDoubleLE(o + 32),
      hashes: b.readUInt32LE(o + 40),
      entries: u64(b, o + 44),
      n2: b.readUInt8(o + 52),
    };
    if (!linkIsValid(head) || !Number.isFinite(head.size) || !Number.isFinite(head.entries)) return null;
    total += head.size;
    links.push({ ...head, bf: new Uint8Array(head.bytes) });
  }
  const items = u64(b, 0);
  if (items !== total) return null;
  return new BloomFilter(items, options, b.readUInt32LE(16), links);
}

/** Largest chunk SCANDUMP returns (RedisBloom's MAX_SCANDUMP_SIZE). */
export const MAX_CHUNK = 16 * 1024 * 1024;

/**
 * SBChain_GetEncodedChunk: the bytes at iterator `iter` (1-based offset across the links plus one),
 * at most one link's remainder and MAX_CHUNK, and the next iterator; null when past the end.
 */
export function bloomChunk(f: BloomFilter, iter: number, limit = MAX_CHUNK): { next: number; data: Uint8Array } | null {
  const pos = linkAt(f, iter);
  if (pos === null) return null;
  const len = Math.min(limit, pos.link.bytes - pos.offset);
  return { next: iter + len, data: pos.link.bf.subarray(pos.offset, pos.offset + len) };
}

function linkAt(f: BloomFilter, iter: number): { link: BloomLink; offset: number } | null {
  if (!(iter >= 1)) return null;
  let seek = iter - 1;
  for (const link of f.links) {
    if (seek < link.bytes) return { link, offset: seek };
    seek -= link.bytes;
  }
  return null;
}

/** SBChain_LoadEncodedChunk: the error text RedisBloom answers, or null when loaded. */
export function loadBloomChunk(f: BloomFilter, iter: number, data: Buffer): string | null {
  if (!(iter > 0) || iter < data.length) return 'ERR received bad data';
  const pos = linkAt(f, iter - data.length);
  if (pos === null) return 'ERR invalid offset - no link found';
  if (data.length > pos.link.bytes - pos.offset) return 'ERR invalid chunk - Too big for current filter';
  pos.link.bf.set(data, pos.offset);
  return null;
}
