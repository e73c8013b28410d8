// Set values: member -> slot map over a dense member array, for O(1) add/remove/random pick, Redis 7.0 encodings and a stable SSCAN cursor.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
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
 * Up to this many members a set has no index: `dense` alone, scanned for lookups (issue 19: the
 * index Map cost ~300 heap bytes for a 1-member set). Past it the set builds its index, for good.
 * The representation is independent of the encoding OBJECT ENCODING reports.
 */
export const SET_FLAT_MAX_MEMBERS = 16;

const NO_MEMBERS: readonly string[] = Object.freeze([]);

export class SetValue implements Collection, EncodingAware {
  /** member -> its position in `dense`; null while the set is small (then `dense` is replaced, never changed in place). */
  private index: Map<string, number> | null = null;
  /**
   * Every member once, without holes: random picks index it directly, and removal swaps the last
   * member into the freed slot (members only ever move towards the front, which SSCAN relies on).
   */
  private dense: readonly string[] = NO_MEMBERS;
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
    return this.dense.length;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  byteSize(): number {
    return SET_OVERHEAD + this.memberBytes + this.dense.length * MEMBER_OVERHEAD;
  }

  clone(): SetValue {
    const c = new SetValue();
    // A small set's array is never changed in place, so the copy may share it.
    c.index = this.index === null ? null : new Map(this.index);
    c.dense = this.index === null ? this.dense : this.dense.slice();
    c.intset = this.intset;
    c.limits = this.limits;
    c.memberBytes = this.memberBytes;
    return c;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    const fresh = this.limits === DEFAULT_ENCODING_LIMITS;
    this.limits = limits;
    // Built outside a keyspace, only ever growing: its members decide, as they would have under these limits.
    if (fresh) {
      this.intset = this.dense.length <= limits.setMaxIntsetEntries && this.dense.every(isInt64String);
      this.sorted = null;
    }
  }

  has(member: string): boolean {
    return this.index !== null ? this.index.has(member) : this.dense.indexOf(member) >= 0;
  }

  /** Adds a member; false when it was already there. Converts to hashtable as Redis does, never back. */
  add(member: string): boolean {
    if (this.has(member)) return false;
    const a = this.dense;
    if (this.index === null && a.length < SET_FLAT_MAX_MEMBERS) {
      const next = new Array<string>(a.length + 1);
      for (let k = 0; k < a.length; k++) next[k] = a[k] as string;
      next[a.length] = member;
      this.dense = next;
    } else {
      const index = this.index ?? this.buildIndex();
      index.set(member, a.length);
      (this.dense as string[]).push(member);
    }
    this.memberBytes += member.length;
    if (this.intset) {
      if (this.dense.length > this.limits.setMaxIntsetEntries || !isInt64String(member)) this.intset = false;
      this.sorted = null;
    }
    return true;
  }

  /** Leaves the small form: an index over a private copy of the members. */
  private buildIndex(): Map<string, number> {
    const dense = this.dense.slice();
    const index = new Map<string, number>();
    for (let i = 0; i < dense.length; i++) index.set(dense[i] as string, i);
    this.dense = dense;
    this.index = index;
    return index;
  }

  /** Removes a member in O(1) (O(size) while small); false when it was not there. */
  delete(member: string): boolean {
    const i = this.index !== null ? this.index.get(member) : this.dense.indexOf(member);
    if (i === undefined || i < 0) return false;
    this.removeAt(i, member);
    return true;
  }

  private removeAt(i: number, member: string): void {
    if (this.index === null) {
      const a = this.dense;
      const next = a.slice(0, a.length - 1);
      if (i < next.length) next[i] = a[a.length - 1] as string;
      this.dense = next.length === 0 ? NO_MEMBERS : next;
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
    const n = this.dense.length;
    return Math.min(n - 1, Math.floor(rand() * n));
  }

  /** The member at a dense position (0 <= i < size), for random sampling. */
  at(i: number): string {
    return this.dense[i] as string;
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  popRandom(rand: () => number): string {
    const i = this.randomIndex(rand);
    const m = this.dense[i] as string;
    this.removeAt(i, m);
    return m;
  }

  /**
   * Members in the order Redis's iteration would give them: ascending numeric order for an
   * intset, storage order for a hashtable. The array must not be modified; it is invalidated by
   * the next change to the set.
   */
  members(): readonly string[] {
    if (!this.intset) return this.dense;
    if (this.sorted === null) this.sorted = this.dense.slice().sort(compareIntStrings);
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
    let pos = cursor === 0 ? this.dense.length : Math.min(cursor, this.dense.length);
    const out: string[] = [];
    for (let visited = 0; pos > 0 && visited < count; visited++) {
      const m = this.dense[--pos] as string;
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
