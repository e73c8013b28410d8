// Hash values: field -> slot map (insertion order, like a listpack) over a dense field array, for O(1) random picks and a stable HSCAN cursor.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import { FieldTtls } from './hash-ttl.js';
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

export class HashValue implements Collection, EncodingAware {
  readonly type = 'hash' as const;
  /**
   * Field -> value and dense position. A Map iterates in insertion order, an overwrite keeps the
   * field's place and a delete closes the gap: exactly a listpack's order, so HGETALL and
   * friends answer small hashes in the order Redis does.
   */
  private map = new Map<string, Slot>();
  /** Every field once, without holes; removal swaps the last field into the freed slot. */
  private dense: string[] = [];
  private listpack = true;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;
  /** Sum of field and value lengths. */
  private dataBytes = 0;
  /**
   * Field deadlines (Redis 7.4 hash-field expiration); undefined while no field has one, so a
   * plain hash pays one field and one `undefined` test per write and nothing per read. An expired
   * field stays here and in the map until the keyspace reclaims it (lazily or actively): `size`
   * counts it, as Redis's HLEN does; readers ask `isExpired`.
   */
  private ttl: FieldTtls | undefined = undefined;

  get size(): number {
    return this.dense.length;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  byteSize(): number {
    const ttls = this.ttl === undefined ? 0 : this.ttl.size * TTL_OVERHEAD;
    return HASH_OVERHEAD + this.dataBytes + this.dense.length * FIELD_OVERHEAD + ttls;
  }

  clone(): HashValue {
    const c = new HashValue();
    for (const [f, s] of this.map) c.map.set(f, { v: s.v, i: s.i });
    c.dense = this.dense.slice();
    c.listpack = this.listpack;
    c.limits = this.limits;
    c.dataBytes = this.dataBytes;
    if (this.ttl !== undefined) c.ttl = this.ttl.clone();
    return c;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    const fresh = this.limits === DEFAULT_ENCODING_LIMITS;
    this.limits = limits;
    // Built outside a keyspace, only ever growing: its fields decide, as they would have under these limits.
    if (fresh) this.listpack = this.dense.length <= limits.hashMaxListpackEntries && !this.hasLongItem(limits.hashMaxListpackValue);
  }

  private hasLongItem(max: number): boolean {
    for (const [f, s] of this.map) if (f.length > max || s.v.length > max) return true;
    return false;
  }

  get(field: string): string | undefined {
    return this.map.get(field)?.v;
  }

  has(field: string): boolean {
    return this.map.has(field);
  }

  /** `get` for readers: a field past its deadline (not reclaimed yet) reads as missing. */
  getLive(field: string, now: number): string | undefined {
    if (this.ttl !== undefined && this.isExpired(field, now)) return undefined;
    return this.map.get(field)?.v;
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
    const s = this.map.get(field);
    if (s !== undefined) {
      this.dataBytes += value.length - s.v.length;
      s.v = value;
      return false;
    }
    this.map.set(field, { v: value, i: this.dense.length });
    this.dense.push(field);
    this.dataBytes += field.length + value.length;
    if (this.dense.length > this.limits.hashMaxListpackEntries) this.listpack = false;
    return true;
  }

  /** Removes a field in O(1); false when it was not there. */
  delete(field: string): boolean {
    const s = this.map.get(field);
    if (s === undefined) return false;
    if (this.ttl !== undefined) this.persist(field);
    const last = this.dense.pop() as string;
    if (s.i < this.dense.length) {
      this.dense[s.i] = last;
      (this.map.get(last) as Slot).i = s.i;
    }
    this.map.delete(field);
    this.dataBytes -= field.length + s.v.length;
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
    return this.map.entries();
  }

  keys(): IterableIterator<string> {
    return this.map.keys();
  }

  /** A uniformly random position in 0..size-1 (one `rand()` call, so tests can script it). */
  randomIndex(rand: () => number): number {
    const n = this.dense.length;
    return Math.min(n - 1, Math.floor(rand() * n));
  }

  /** The field at a dense position (0 <= i < size), for random sampling. */
  fieldAt(i: number): string {
    return this.dense[i] as string;
  }

  /** The value of the field at a dense position (0 <= i < size). */
  valueAt(i: number): string {
    return (this.map.get(this.dense[i] as string) as Slot).v;
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
      for (const [f, s] of this.map) if (accept === undefined || accept(f)) items.push(f, s.v);
      return { cursor: 0, items };
    }
    let pos = cursor === 0 ? this.dense.length : Math.min(cursor, this.dense.length);
    for (let visited = 0; pos > 0 && visited < count; visited++) {
      const f = this.dense[--pos] as string;
      if (accept === undefined || accept(f)) items.push(f, (this.map.get(f) as Slot).v);
    }
    return { cursor: pos, items };
  }
}
