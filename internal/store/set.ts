// Set values: member -> slot map over a dense member array, for O(1) add/remove/random pick, Redis 7.0 encodings and a stable SSCAN cursor.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import { appendItem, itemAt, itemCount, itemIndex, PACKED_MAX_ITEM, packItems, unpackItems } from './packed-pairs.js';
import type { Collection } from './types.js';

/**
 * Redis 7.0's built-in set-max-intset-entries. Redis 7.0 has no listpack encoding for sets (that
 * arrived in 7.2): a set is an intset while every member is an integer and there are at most this
 * many of them (as configured: EncodingLimits), and a hashtable from then on.
 */
export const SET_MAX_INTSET_ENTRIES = DEFAULT_ENCODING_LIMITS.setMaxIntsetEntries;

/** Bytes charged per member on top of its own length: map entry plus dense-array slot. */
const MEMBER_OVERHEAD = 48;
const SET_OVERHEAD = 64;

const INT64_MAX_DIGITS = '9223372036854775807';
const INT64_MIN_DIGITS = '9223372036854775808';

/**
 * Redis's string2ll as a yes/no: what an intset may hold. Optional '-', digits, no leading zeros
 * (except "0" itself, so "-0" is not an integer), within int64. Pure string checks: no bigint.
 */
export function isInt64String(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  const neg = s.charCodeAt(0) === 45;
  const start = neg ? 1 : 0;
  const digits = n - start;
  if (digits === 0) return false;
  const first = s.charCodeAt(start);
  if (first === 48) return n === 1;
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  if (digits < 19) return true;
  if (digits > 19) return false;
  // Equal-length digit strings compare like the numbers they spell.
  return s.slice(start) <= (neg ? INT64_MIN_DIGITS : INT64_MAX_DIGITS);
}

/** Numeric order of two canonical integer strings (what an intset iterates in). */
export function compareIntStrings(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  // Same sign: with no leading zeros, more digits means larger magnitude.
  let c = a.length - b.length;
  if (c === 0) c = a < b ? -1 : a > b ? 1 : 0;
  return an ? -c : c;
}

export interface SetScanResult {
  /** 0 when the iteration is complete. */
  cursor: number;
  members: string[];
}

/**
 * Up to this many members (each at most 255 bytes) a set is one packed latin1 string of members
 * in dense order (packed-pairs.ts; issue 19: the index Map and the dense array cost ~450 heap
 * bytes for a 1-member set). Lookups scan it, as Redis scans an intset or listpack; past it the
 * set has its dense array and index, for good. The representation is independent of the
 * encoding OBJECT ENCODING reports.
 */
export const SET_FLAT_MAX_MEMBERS = 16;

export class SetValue implements Collection, EncodingAware {
  /** The small form's members in dense order, while `index` is null. */
  private packed = '';
  /** member -> its position in `dense`; null while the set is small. */
  private index: Map<string, number> | null = null;
  /**
   * Every member once, without holes (the large form): random picks index it directly, and
   * removal swaps the last member into the freed slot (members only ever move towards the
   * front, which SSCAN relies on). The small form keeps the same order and removal rule.
   */
  private dense: string[] | null = null;
  private intset = true;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;
  /** Sum of member lengths. */
  private memberBytes = 0;
  /** Members in numeric order while an intset, built on demand and dropped on every change. */
  private sorted: string[] | null = null;

  /** On the prototype rather than in every instance. */
  get type(): 'set' {
    return 'set';
  }

  get size(): number {
    return this.dense !== null ? this.dense.length : itemCount(this.packed);
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  byteSize(): number {
    return SET_OVERHEAD + this.memberBytes + this.size * MEMBER_OVERHEAD;
  }

  clone(): SetValue {
    const c = new SetValue();
    // The packed string is never changed in place, so the copy may share it.
    c.packed = this.packed;
    c.index = this.index === null ? null : new Map(this.index);
    c.dense = this.dense === null ? null : this.dense.slice();
    c.intset = this.intset;
    c.limits = this.limits;
    c.memberBytes = this.memberBytes;
    return c;
  }

  /** Every member in dense order (the small form's unpacked: a fresh array). */
  private list(): readonly string[] {
    return this.dense ?? unpackItems(this.packed);
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    const fresh = this.limits === DEFAULT_ENCODING_LIMITS;
    this.limits = limits;
    // Built outside a keyspace, only ever growing: its members decide, as they would have under these limits.
    if (fresh) {
      this.intset = this.size <= limits.setMaxIntsetEntries && this.list().every(isInt64String);
      this.sorted = null;
    }
  }

  has(member: string): boolean {
    return this.index !== null ? this.index.has(member) : itemIndex(this.packed, member) >= 0;
  }

  /** Adds a member; false when it was already there. Converts to hashtable as Redis does, never back. */
  add(member: string): boolean {
    if (this.has(member)) return false;
    if (this.index === null && member.length <= PACKED_MAX_ITEM && itemCount(this.packed) < SET_FLAT_MAX_MEMBERS) {
      this.packed = appendItem(this.packed, member);
    } else {
      const index = this.index ?? this.buildIndex();
      const dense = this.dense as string[];
      index.set(member, dense.length);
      dense.push(member);
    }
    this.memberBytes += member.length;
    if (this.intset) {
      if (this.size > this.limits.setMaxIntsetEntries || !isInt64String(member)) this.intset = false;
      this.sorted = null;
    }
    return true;
  }

  /** Leaves the small form: the dense array and its index. */
  private buildIndex(): Map<string, number> {
    const dense = unpackItems(this.packed);
    const index = new Map<string, number>();
    for (let i = 0; i < dense.length; i++) index.set(dense[i] as string, i);
    this.dense = dense;
    this.index = index;
    this.packed = '';
    return index;
  }

  /** Removes a member in O(1) (O(size) while small); false when it was not there. */
  delete(member: string): boolean {
    const i = this.index !== null ? this.index.get(member) : itemIndex(this.packed, member);
    if (i === undefined || i < 0) return false;
    this.removeAt(i, member);
    return true;
  }

  private removeAt(i: number, member: string): void {
    if (this.index === null) {
      const a = unpackItems(this.packed);
      const last = a.pop() as string;
      if (i < a.length) a[i] = last;
      this.packed = packItems(a);
    } else {
      const dense = this.dense as string[];
      const last = dense.pop() as string;
      if (i < dense.length) {
        dense[i] = last;
        this.index.set(last, i);
      }
      this.index.delete(member);
    }
    this.memberBytes -= member.length;
    this.sorted = null;
  }

  /** A uniformly random position in 0..size-1 (one `rand()` call, so tests can script it). */
  randomIndex(rand: () => number): number {
    const n = this.size;
    return Math.min(n - 1, Math.floor(rand() * n));
  }

  /** The member at a dense position (0 <= i < size), for random sampling. */
  at(i: number): string {
    return this.dense !== null ? (this.dense[i] as string) : itemAt(this.packed, i);
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  popRandom(rand: () => number): string {
    const i = this.randomIndex(rand);
    const m = this.at(i);
    this.removeAt(i, m);
    return m;
  }

  /**
   * Members in the order Redis's iteration would give them: ascending numeric order for an
   * intset, storage order for a hashtable. The array must not be modified; it is invalidated by
   * the next change to the set (a small set's is a fresh copy).
   */
  members(): readonly string[] {
    if (!this.intset) return this.list();
    if (this.sorted === null) this.sorted = this.list().slice().sort(compareIntStrings);
    return this.sorted;
  }

  /**
   * SSCAN step. An intset answers everything in one call with cursor 0, as Redis does for its
   * compact encodings. A hashtable is walked from the top of the dense array downwards: the
   * cursor is the number of slots still to visit (0 = start over from the top). Removal only
   * moves the last member into a lower slot, so a member present for the whole iteration is
   * always met when the cursor passes its slot; a member may be returned twice when a removal
   * moves it from the visited part into the unvisited one, which SCAN's contract allows.
   * `count` bounds the slots visited; `accept` filters members (MATCH).
   */
  scan(cursor: number, count: number, accept?: (member: string) => boolean): SetScanResult {
    if (this.intset) {
      const all = this.members();
      return { cursor: 0, members: accept === undefined ? all.slice() : all.filter(accept) };
    }
    const dense = this.list();
    let pos = cursor === 0 ? dense.length : Math.min(cursor, dense.length);
    const out: string[] = [];
    for (let visited = 0; pos > 0 && visited < count; visited++) {
      const m = dense[--pos] as string;
      if (accept === undefined || accept(m)) out.push(m);
    }
    return { cursor: pos, members: out };
  }
}

/**
 * `count` distinct positions out of 0..n-1 (count < n), uniformly: a partial Fisher-Yates shuffle
 * when count is a large share of n (O(n) = O(count) there), else rejection of repeats, expected
 * O(count). Shared by SRANDMEMBER and HRANDFIELD.
 */
export function sampleDistinct(n: number, count: number, rand: () => number): number[] {
  const pick = (bound: number): number => Math.min(bound - 1, Math.floor(rand() * bound));
  if (count * 3 > n) {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + pick(n - i);
      const t = idx[i] as number;
      idx[i] = idx[j] as number;
      idx[j] = t;
    }
    idx.length = count;
    return idx;
  }
  const seen = new Set<number>();
  while (seen.size < count) seen.add(pick(n));
  return [...seen];
}
