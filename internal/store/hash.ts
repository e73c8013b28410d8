// Hash values: field -> slot map (insertion order, like a listpack) over a dense field array, for O(1) random picks and a stable HSCAN cursor.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import { FieldTtls } from './hash-ttl.js';
import { PACKED_MAX_ITEM, packedCount, packedDelete, packedField, packedFind, packedNext, packedOffset, packedPairs, packedSplice, packedValue, packedValueIs } from './packed-pairs.js';
import type { Collection } from './types.js';

/**
 * Redis 7.0's built-in hash-max-listpack-entries and hash-max-listpack-value (the server's own
 * defaults; the sample redis.conf lowers the entry count to 128). Past either (as configured:
 * EncodingLimits) the encoding is hashtable, and it never converts back.
 */
export const HASH_MAX_LISTPACK_ENTRIES = DEFAULT_ENCODING_LIMITS.hashMaxListpackEntries;
export const HASH_MAX_LISTPACK_VALUE = DEFAULT_ENCODING_LIMITS.hashMaxListpackValue;

/** Bytes charged per field on top of field and value lengths: map entry, slot object, dense slot. */
const FIELD_OVERHEAD = 64;
const HASH_OVERHEAD = 64;
/** Bytes charged per field deadline: map entry plus its heap pair. */
const TTL_OVERHEAD = 32;

interface Slot {
  v: string;
  /** Position of the field in `dense`. */
  i: number;
}

export interface HashScanResult {
  /** 0 when the iteration is complete. */
  cursor: number;
  /** Field, value, field, value ... */
  items: string[];
}

/** The hashtable form: field -> slot map over a dense field array. */
interface BigHash {
  /**
   * Field -> value and dense position. A Map iterates in insertion order, an overwrite keeps the
   * field's place and a delete closes the gap: exactly a listpack's order, so HGETALL and
   * friends answer small hashes in the order Redis does.
   */
  readonly map: Map<string, Slot>;
  /** Every field once, without holes; removal swaps the last field into the freed slot. */
  readonly dense: string[];
  /** Sum of field and value lengths. */
  dataBytes: number;
}

/**
 * Up to this many fields (each field and value at most PACKED_MAX_ITEM bytes) a hash is one
 * packed latin1 string, as Redis's listpack is one allocation (issue 19: a 1-field hash cost ~500
 * heap bytes as a Map, a slot object and a dense array; the packed string ~90 for a 64-byte
 * value). Lookups scan it, as Redis scans a listpack; past it the hash moves to the map for O(1)
 * access, for good. The representation is independent of the encoding OBJECT ENCODING reports.
 */
export const HASH_FLAT_MAX_FIELDS = 16;

export class HashValue implements Collection, EncodingAware {
  /**
   * The packed form while the hash is small (packed-pairs.ts): pairs in listpack order
   * (insertion order, an overwrite keeps the place, a delete closes the gap); position i of the
   * dense order is pair i.
   */
  private packed = '';
  /** The map form, once the hash outgrew the packed one (then `packed` is unused). */
  private big: BigHash | null = null;
  private listpack = true;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;
  /**
   * Field deadlines (Redis 7.4 hash-field expiration); undefined while no field has one, so a
   * plain hash pays one field and one `undefined` test per write and nothing per read. An expired
   * field stays here and in the map until the keyspace reclaims it (lazily or actively): `size`
   * counts it, as Redis's HLEN does; readers ask `isExpired`.
   */
  private ttl: FieldTtls | undefined = undefined;

  /** On the prototype rather than in every instance. */
  get type(): 'hash' {
    return 'hash';
  }

  get size(): number {
    return this.big === null ? packedCount(this.packed) : this.big.dense.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  /** Sum of field and value lengths. */
  private dataBytes(): number {
    if (this.big !== null) return this.big.dataBytes;
    return this.packed.length - 2 * packedCount(this.packed);
  }

  byteSize(): number {
    const ttls = this.ttl === undefined ? 0 : this.ttl.size * TTL_OVERHEAD;
    return HASH_OVERHEAD + this.dataBytes() + this.size * FIELD_OVERHEAD + ttls;
  }

  clone(): HashValue {
    const c = new HashValue();
    if (this.big === null) c.packed = this.packed;
    else {
      const map = new Map<string, Slot>();
      for (const [f, s] of this.big.map) map.set(f, { v: s.v, i: s.i });
      c.big = { map, dense: this.big.dense.slice(), dataBytes: this.big.dataBytes };
    }
    c.listpack = this.listpack;
    c.limits = this.limits;
    if (this.ttl !== undefined) c.ttl = this.ttl.clone();
    return c;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    const fresh = this.limits === DEFAULT_ENCODING_LIMITS;
    this.limits = limits;
    // Built outside a keyspace, only ever growing: its fields decide, as they would have under these limits.
    if (fresh) this.listpack = this.size <= limits.hashMaxListpackEntries && !this.hasLongItem(limits.hashMaxListpackValue);
  }

  private hasLongItem(max: number): boolean {
    if (this.big === null) {
      for (const [f, v] of packedPairs(this.packed)) if (f.length > max || v.length > max) return true;
      return false;
    }
    for (const [f, s] of this.big.map) if (f.length > max || s.v.length > max) return true;
    return false;
  }

  get(field: string): string | undefined {
    if (this.big !== null) return this.big.map.get(field)?.v;
    const off = packedFind(this.packed, field);
    return off < 0 ? undefined : packedValue(this.packed, off);
  }

  has(field: string): boolean {
    return this.big !== null ? this.big.map.has(field) : packedFind(this.packed, field) >= 0;
  }

  /** `get` for readers: a field past its deadline (not reclaimed yet) reads as missing. */
  getLive(field: string, now: number): string | undefined {
    if (this.ttl !== undefined && this.isExpired(field, now)) return undefined;
    return this.get(field);
  }

  /**
   * Sets a field; true when it is new. Converts to hashtable as Redis does, never back. The
   * field's deadline goes, as HSET's does in Redis, unless `keepTtl` (HINCRBY, HSETEX KEEPTTL).
   */
  set(field: string, value: string, keepTtl = false): boolean {
    if (this.ttl !== undefined && !keepTtl) this.persist(field);
    const max = this.limits.hashMaxListpackValue;
    if (this.listpack && (field.length > max || value.length > max)) {
      this.listpack = false;
    }
    const big = this.big;
    if (big === null) {
      if (field.length <= PACKED_MAX_ITEM && value.length <= PACKED_MAX_ITEM) {
        const p = this.packed;
        const off = packedFind(p, field);
        if (off >= 0) {
          // An unchanged value (a repeated HSET) leaves the string as it is.
          if (!packedValueIs(p, off, value)) this.packed = packedSplice(p, off, packedNext(p, off), field, value);
          return false;
        }
        const n = packedCount(p);
        if (n < HASH_FLAT_MAX_FIELDS) {
          this.packed = packedSplice(p, p.length, p.length, field, value);
          if (n + 1 > this.limits.hashMaxListpackEntries) this.listpack = false;
          return true;
        }
      }
      this.toMap();
      return this.set(field, value, true);
    }
    const s = big.map.get(field);
    if (s !== undefined) {
      big.dataBytes += value.length - s.v.length;
      s.v = value;
      return false;
    }
    big.map.set(field, { v: value, i: big.dense.length });
    big.dense.push(field);
    big.dataBytes += field.length + value.length;
    if (big.dense.length > this.limits.hashMaxListpackEntries) this.listpack = false;
    return true;
  }

  /** Moves the packed form into the map form, keeping the order (dense position i = pair i). */
  private toMap(): void {
    const big: BigHash = { map: new Map(), dense: [], dataBytes: 0 };
    for (const [f, v] of packedPairs(this.packed)) {
      big.map.set(f, { v, i: big.dense.length });
      big.dense.push(f);
      big.dataBytes += f.length + v.length;
    }
    this.big = big;
    this.packed = '';
  }

  /** Removes a field in O(1) (O(size) while packed); false when it was not there. */
  delete(field: string): boolean {
    const big = this.big;
    if (big === null) {
      const off = packedFind(this.packed, field);
      if (off < 0) return false;
      if (this.ttl !== undefined) this.persist(field);
      // Closing the gap moves later fields down one position, never up: a field present for a
      // whole HSCAN of a packed hashtable-encoded hash is still met (see scan).
      this.packed = packedDelete(this.packed, off);
      return true;
    }
    const s = big.map.get(field);
    if (s === undefined) return false;
    if (this.ttl !== undefined) this.persist(field);
    const last = big.dense.pop() as string;
    if (s.i < big.dense.length) {
      big.dense[s.i] = last;
      (big.map.get(last) as Slot).i = s.i;
    }
    big.map.delete(field);
    big.dataBytes -= field.length + s.v.length;
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Field deadlines

  /** Whether any field has a deadline (the hash needs expiry checks and is in the keyspace's index). */
  hasFieldTtls(): boolean {
    return this.ttl !== undefined;
  }

  /** The deadline bookkeeping, for the keyspace's index and serializers; undefined when none. */
  get fieldTtls(): FieldTtls | undefined {
    return this.ttl;
  }

  /** A field's deadline in unix ms, 0 when it has none (or is missing). */
  ttlOf(field: string): number {
    return this.ttl?.get(field) ?? 0;
  }

  /** Gives a present field a deadline (unix ms > 0). */
  setTtl(field: string, at: number): void {
    if (this.ttl === undefined) this.ttl = new FieldTtls();
    this.ttl.set(field, at);
  }

  /** Removes a field's deadline; true when it had one. The bookkeeping goes with the last one. */
  persist(field: string): boolean {
    const t = this.ttl;
    if (t === undefined || !t.delete(field)) return false;
    if (t.size === 0) this.ttl = undefined;
    return true;
  }

  /** True when the field has a deadline at or before `now` (present but logically gone). */
  isExpired(field: string, now: number): boolean {
    if (this.ttl === undefined) return false;
    const at = this.ttl.get(field);
    return at !== undefined && at <= now;
  }

  /** The earliest field deadline, 0 when none. */
  nextFieldExpiry(): number {
    return this.ttl === undefined ? 0 : this.ttl.next();
  }

  /** Deletes up to `max` fields whose deadline is at or before `now`, earliest first; returns them. */
  deleteDue(now: number, max: number): string[] {
    if (this.ttl === undefined) return [];
    const due = this.ttl.popDue(now, max);
    if (this.ttl.size === 0) this.ttl = undefined;
    for (const f of due) this.delete(f);
    return due;
  }

  /** Fields and their values in iteration order (insertion order); `.v` is the value. */
  entries(): IterableIterator<[string, { readonly v: string }]> {
    return this.big !== null ? this.big.map.entries() : packedEntries(this.packed);
  }

  keys(): IterableIterator<string> {
    return this.big !== null ? this.big.map.keys() : packedKeys(this.packed);
  }

  /** A uniformly random position in 0..size-1 (one `rand()` call, so tests can script it). */
  randomIndex(rand: () => number): number {
    const n = this.size;
    return Math.min(n - 1, Math.floor(rand() * n));
  }

  /** The field at a dense position (0 <= i < size), for random sampling. */
  fieldAt(i: number): string {
    return this.big === null ? packedField(this.packed, packedOffset(this.packed, i)) : (this.big.dense[i] as string);
  }

  /** The value of the field at a dense position (0 <= i < size). */
  valueAt(i: number): string {
    if (this.big === null) return packedValue(this.packed, packedOffset(this.packed, i));
    return (this.big.map.get(this.big.dense[i] as string) as Slot).v;
  }

  /**
   * HSCAN step. A listpack answers everything in one call with cursor 0, as Redis does for its
   * compact encodings. A hashtable is walked from the top of the dense array downwards: the
   * cursor is the number of slots still to visit (0 = start). Removal only moves the last field
   * into a lower slot, so a field present for the whole iteration is always met when the cursor
   * passes its slot (possibly twice, which SCAN's contract allows). `count` bounds the slots
   * visited; `accept` filters fields (MATCH).
   */
  scan(cursor: number, count: number, accept?: (field: string) => boolean): HashScanResult {
    const items: string[] = [];
    if (this.listpack) {
      for (const [f, s] of this.entries()) if (accept === undefined || accept(f)) items.push(f, s.v);
      return { cursor: 0, items };
    }
    const n = this.size;
    let pos = cursor === 0 ? n : Math.min(cursor, n);
    for (let visited = 0; pos > 0 && visited < count; visited++) {
      const f = this.fieldAt(--pos);
      if (accept === undefined || accept(f)) items.push(f, this.valueAt(pos));
    }
    return { cursor: pos, items };
  }
}

function* packedEntries(p: string): IterableIterator<[string, { readonly v: string }]> {
  for (const [f, v] of packedPairs(p)) yield [f, { v }];
}

function* packedKeys(p: string): IterableIterator<string> {
  for (let off = 0; off < p.length; off = packedNext(p, off)) yield packedField(p, off);
}
