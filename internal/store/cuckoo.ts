// Cuckoo filter values (TYPE MBbloomCF): RedisBloom's 8-bit fingerprints, buckets, kick-out insertion, expansion, compaction and SCANDUMP layout.
import { murmur64, type U64 } from './murmur64.js';
import type { Collection } from './types.js';

export const CF_DEFAULT_BUCKETSIZE = 2;
export const CF_DEFAULT_MAX_ITERATIONS = 20;
export const CF_DEFAULT_EXPANSION = 1;
export const CF_DEFAULT_CAPACITY = 1024;
export const CF_MAX_BUCKET_SIZE = 255;
export const CF_MAX_ITERATIONS = 65535;
export const CF_MAX_EXPANSION = 32768;
/** CF.ADD/CF.INSERT refuse a filter with this many sub-filters (RedisBloom's CFMaxExpansions). */
export const CF_MAX_FILTERS = 32;
/**
 * No sub-filter above 2^31 buckets: bucket indexes are then the hash's low 32 bits, which JS
 * bitwise operators handle exactly (RedisBloom allows 2^56, beyond any memory a node has).
 */
export const CF_MAX_BUCKETS = 2 ** 31;
/** sizeof(CuckooFilter) and sizeof(SubCF) in RedisBloom: CF.INFO Size counts them as it does. */
const FILTER_STRUCT = 40;
const SUB_STRUCT = 16;
/** getAltHash's multiplier. */
const ALT_MUL = 0x5bd1e995;

export interface SubFilter {
  numBuckets: number;
  /** numBuckets * bucketSize fingerprints, 0 = empty slot. */
  data: Uint8Array;
}

/** What an insertion did (RedisBloom's CuckooInsertStatus). */
export type CuckooInsertResult = 'inserted' | 'exists' | 'full' | 'nomem';

/** getNextN2: the next power of two (0 stays 0). */
export function nextPow2(n: number): number {
  if (n <= 0) return 0;
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** An item's lookup parameters: fingerprint 1..255 and its first bucket hash (low 32 bits suffice, see CF_MAX_BUCKETS). */
interface Lookup {
  fp: number;
  h1: number;
}

const scratch: U64 = { hi: 0, lo: 0 };

/** CUCKOO_GEN_HASH (MurmurHash64A, seed 0) and getLookupParams: fp = hash % 255 + 1 (2^32 = 1 mod 255). */
export function cuckooLookup(item: string): Lookup {
  const h = murmur64(item, 0, 0, scratch);
  return { fp: (((h.hi % 255) + (h.lo % 255)) % 255) + 1, h1: h.lo };
}

/** getAltHash modulo a power-of-two bucket count. */
const altIndex = (fp: number, index: number, numBuckets: number): number => ((index ^ Math.imul(fp, ALT_MUL)) & (numBuckets - 1)) >>> 0;
const index1 = (h1: number, numBuckets: number): number => (h1 & (numBuckets - 1)) >>> 0;

function findIn(data: Uint8Array, bucket: number, bucketSize: number, fp: number): number {
  const start = bucket * bucketSize;
  for (let i = start; i < start + bucketSize; i++) if (data[i] === fp) return i;
  return -1;
}

export class CuckooFilter implements Collection {
  readonly type = 'MBbloomCF' as const;

  constructor(
    /** Buckets of the first sub-filter; sub-filter i has numBuckets * expansion^i. */
    public numBuckets: number,
    public numItems: number,
    public numDeletes: number,
    public bucketSize: number,
    public maxIterations: number,
    /** Already a power of two (0 = never expands). */
    public expansion: number,
    readonly filters: SubFilter[],
  ) {}

  /** CuckooFilter_Init; null when the first sub-filter would be too large. */
  static create(capacity: number, bucketSize: number, maxIterations: number, expansion: number): CuckooFilter | null {
    const numBuckets = Math.max(1, nextPow2(Math.floor(capacity / bucketSize)));
    const cf = new CuckooFilter(numBuckets, 0, 0, bucketSize, maxIterations, nextPow2(expansion), []);
    return cf.grow() ? cf : null;
  }

  get size(): number {
    return this.numItems;
  }

  encoding(): string {
    return 'raw';
  }

  /** RedisBloom's CFMemUsage (what CF.INFO Size reports). */
  byteSize(): number {
    let n = FILTER_STRUCT + SUB_STRUCT * this.filters.length;
    for (const f of this.filters) n += f.data.length;
    return n;
  }

  clone(): CuckooFilter {
    const subs = this.filters.map((f) => ({ numBuckets: f.numBuckets, data: f.data.slice() }));
    return new CuckooFilter(this.numBuckets, this.numItems, this.numDeletes, this.bucketSize, this.maxIterations, this.expansion, subs);
  }

  /** Bucket count of sub-filter `i`, or 0 when it would exceed CF_MAX_BUCKETS. */
  bucketsOf(i: number): number {
    const n = this.numBuckets * this.expansion ** i;
    return i === 0 ? this.numBuckets : n <= CF_MAX_BUCKETS && this.expansion > 0 ? n : 0;
  }

  /** CuckooFilter_Grow: appends the next sub-filter; false when it cannot. */
  grow(): boolean {
    const n = this.bucketsOf(this.filters.length);
    if (n === 0 || this.filters.length >= 65535) return false;
    this.filters.push({ numBuckets: n, data: new Uint8Array(n * this.bucketSize) });
    return true;
  }

  private found(l: Lookup): boolean {
    for (const f of this.filters) {
      if (findIn(f.data, index1(l.h1, f.numBuckets), this.bucketSize, l.fp) >= 0) return true;
      if (findIn(f.data, altIndex(l.fp, l.h1, f.numBuckets), this.bucketSize, l.fp) >= 0) return true;
    }
    return false;
  }

  has(item: string): boolean {
    return this.found(cuckooLookup(item));
  }

  /** CF.COUNT: how many copies of the fingerprint sit in the item's buckets across sub-filters. */
  count(item: string): number {
    const l = cuckooLookup(item);
    let n = 0;
    for (const f of this.filters) {
      for (const b of [index1(l.h1, f.numBuckets), altIndex(l.fp, l.h1, f.numBuckets)]) {
        const start = b * this.bucketSize;
        for (let i = start; i < start + this.bucketSize; i++) if (f.data[i] === l.fp) n++;
      }
    }
    return n;
  }

  /** CuckooFilter_Insert / InsertUnique (nx). */
  insert(item: string, nx: boolean): CuckooInsertResult {
    const l = cuckooLookup(item);
    if (nx && this.found(l)) return 'exists';
    for (;;) {
      for (let i = this.filters.length - 1; i >= 0; i--) {
        const f = this.filters[i] as SubFilter;
        const slot = this.freeSlot(f, index1(l.h1, f.numBuckets), altIndex(l.fp, l.h1, f.numBuckets));
        if (slot >= 0) {
          f.data[slot] = l.fp;
          this.numItems++;
          return 'inserted';
        }
      }
      if (this.kickOut(this.filters[this.filters.length - 1] as SubFilter, l)) {
        this.numItems++;
        return 'inserted';
      }
      if (this.expansion === 0) return 'full';
      if (!this.grow()) return 'nomem';
    }
  }

  /** Filter_FindAvailable: the first empty slot of the first bucket, then of the second; -1 when none. */
  private freeSlot(f: SubFilter, first: number, second: number): number {
    const bs = this.bucketSize;
    for (const b of [first, second]) {
      for (let i = b * bs; i < b * bs + bs; i++) if (f.data[i] === 0) return i;
    }
    return -1;
  }

  /** Filter_KOInsert: evicts along the cuckoo path for maxIterations steps; on failure undoes every swap. */
  private kickOut(f: SubFilter, l: Lookup): boolean {
    const n = f.numBuckets;
    const bs = this.bucketSize;
    let fp = l.fp;
    let victim = 0;
    let ii = index1(l.h1, n);
    for (let c = 0; c < this.maxIterations; c++) {
      const at = ii * bs + victim;
      const t = f.data[at] as number;
      f.data[at] = fp;
      fp = t;
      ii = altIndex(fp, ii, n);
      for (let i = ii * bs; i < ii * bs + bs; i++) {
        if (f.data[i] === 0) {
          f.data[i] = fp;
          return true;
        }
      }
      victim = (victim + 1) % bs;
    }
    for (let c = 0; c < this.maxIterations; c++) {
      victim = (victim + bs - 1) % bs;
      ii = altIndex(fp, ii, n);
      const at = ii * bs + victim;
      const t = f.data[at] as number;
      f.data[at] = fp;
      fp = t;
    }
    return false;
  }

  /** CuckooFilter_Delete: one copy, newest sub-filter first; compacts when deletes pass 10% of the items. */
  delete(item: string): boolean {
    const l = cuckooLookup(item);
    for (let i = this.filters.length - 1; i >= 0; i--) {
      const f = this.filters[i] as SubFilter;
      let at = findIn(f.data, index1(l.h1, f.numBuckets), this.bucketSize, l.fp);
      if (at < 0) at = findIn(f.data, altIndex(l.fp, l.h1, f.numBuckets), this.bucketSize, l.fp);
      if (at < 0) continue;
      f.data[at] = 0;
      this.numItems--;
      this.numDeletes++;
      if (this.filters.length > 1 && this.numDeletes > this.numItems * 0.1) this.compact(false);
      return true;
    }
    return false;
  }

  /** CuckooFilter_Compact: moves fingerprints into older sub-filters; drops the newest once emptied. */
  compact(cont: boolean): void {
    for (let i = this.filters.length - 1; i > 0; i--) {
      if (!this.compactOne(i) && !cont) break;
    }
    this.numDeletes = 0;
  }

  private compactOne(fi: number): boolean {
    const f = this.filters[fi] as SubFilter;
    const bs = this.bucketSize;
    let ok = true;
    for (let b = 0; b < f.numBuckets; b++) {
      for (let s = 0; s < bs; s++) {
        const fp = f.data[b * bs + s] as number;
        if (fp === 0) continue;
        let moved = false;
        for (let j = 0; j < fi && !moved; j++) {
          const g = this.filters[j] as SubFilter;
          const slot = this.freeSlot(g, index1(b, g.numBuckets), altIndex(fp, b, g.numBuckets));
          if (slot >= 0) {
            g.data[slot] = fp;
            f.data[b * bs + s] = 0;
            moved = true;
          }
        }
        if (!moved) ok = false;
      }
    }
    if (ok && fi === this.filters.length - 1) this.filters.pop();
    return ok;
  }
}

// ---------------------------------------------------------------------------------------------
// SCANDUMP / LOADCHUNK: RedisBloom's packed CFHeader, then each sub-filter's buckets in order.

/** CFHeader: u64 numItems, numBuckets, numDeletes, numFilters; u16 bucketSize, maxIterations, expansion. */
export const CF_HEADER_BYTES = 38;

export function encodeCuckooHeader(cf: CuckooFilter): Buffer {
  const b = Buffer.alloc(CF_HEADER_BYTES);
  b.writeBigUInt64LE(BigInt(cf.numItems), 0);
  b.writeBigUInt64LE(BigInt(cf.numBuckets), 8);
  b.writeBigUInt64LE(BigInt(cf.numDeletes), 16);
  b.writeBigUInt64LE(BigInt(cf.filters.length), 24);
  b.writeUInt16LE(cf.bucketSize, 32);
  b.writeUInt16LE(cf.maxIterations, 34);
  b.writeUInt16LE(cf.expansion, 36);
  return b;
}

const isPow2 = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

/** CFHeader_Load with CuckooFilter_ValidateIntegrity: null for a header RedisBloom refuses (or beyond CF_MAX_BUCKETS). */
export function decodeCuckooHeader(b: Buffer): CuckooFilter | null {
  if (b.length !== CF_HEADER_BYTES) return null;
  const big = (o: number): number => {
    const v = b.readBigUInt64LE(o);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN;
  };
  const [items, buckets, deletes, nf] = [big(0), big(8), big(16), big(24)];
  const bucketSize = b.readUInt16LE(32);
  const maxIterations = b.readUInt16LE(34);
  const expansion = b.readUInt16LE(36);
  if (!Number.isFinite(items) || !Number.isFinite(deletes) || !isPow2(buckets) || buckets > CF_MAX_BUCKETS) return null;
  if (bucketSize === 0 || bucketSize > CF_MAX_BUCKET_SIZE || maxIterations === 0 || !(nf >= 1 && nf <= 65535)) return null;
  if (expansion === 0 && nf > 1) return null;
  const cf = new CuckooFilter(buckets, items, deletes, bucketSize, maxIterations, expansion, []);
  for (let i = 0; i < nf; i++) if (!cf.grow()) return null;
  return cf;
}

/** CF_GetEncodedChunk: the bytes at position `pos` (1-based across sub-filters), at most `limit` of one sub-filter; null past the end. */
export function cuckooChunk(cf: CuckooFilter, pos: number, limit: number): { next: number; data: Uint8Array } | null {
  let offset = pos - 1;
  for (const f of cf.filters) {
    if (offset < f.data.length) {
      const len = Math.min(limit, f.data.length - offset);
      return { next: pos + len, data: f.data.subarray(offset, offset + len) };
    }
    offset -= f.data.length;
  }
  return null;
}

/** CF_LoadEncodedChunk: false when the chunk does not fit where its position puts it. */
export function loadCuckooChunk(cf: CuckooFilter, pos: number, data: Buffer): boolean {
  if (data.length === 0 || pos <= 0 || pos - 1 < data.length) return false;
  let offset = pos - data.length - 1;
  for (const f of cf.filters) {
    if (offset < f.data.length) {
      if (offset + data.length > f.data.length) return false;
      f.data.set(data, offset);
      return true;
    }
    offset -= f.data.length;
  }
  return false;
}
