// Sorted set value: an order-statistic tree by (score, member) plus a member -> node map, with ranges, pops and ZSCAN order.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import {
  EMPTY_FLAT,
  FLAT_MAX_MEMBER,
  flatCheck,
  flatCount,
  flatCountWhileMember,
  flatCountWhileScore,
  flatEntries,
  flatFind,
  flatInsert,
  flatMember,
  flatMemberBytes,
  flatNext,
  flatOffset,
  flatRankOf,
  flatRemoveAt,
  flatRemoveRanks,
  flatScore,
  type Flat,
} from './zset-flat.js';
import { ELEMENT_OVERHEAD, ZTree, type ScanPage, type ZEntry } from './zset-tree.js';
import type { Collection } from './types.js';

export type { ScanPage, ZEntry } from './zset-tree.js';

/** Redis's zset-max-listpack-entries / zset-max-listpack-value defaults: past either (as configured: EncodingLimits), the encoding is skiplist. */
export const ZSET_MAX_LISTPACK_ENTRIES = DEFAULT_ENCODING_LIMITS.zsetMaxListpackEntries;
export const ZSET_MAX_LISTPACK_VALUE = DEFAULT_ENCODING_LIMITS.zsetMaxListpackValue;

const ZSET_OVERHEAD = 96;

/**
 * Up to this many members (each at most 255 bytes) a listpack-encoded sorted set is one packed
 * latin1 string of (member, 8-byte score) pairs in order (zset-flat.ts; issue 19: a 1-member set
 * cost ~1200 heap bytes as a map, a tree and a scan order; ~90 packed). Ranks and ranges scan it,
 * as Redis scans a listpack; past it, or once skiplist-encoded, the set moves to the tree for
 * O(log n) access, for good.
 */
export const ZSET_FLAT_MAX_MEMBERS = 16;

/** A score interval; `minex`/`maxex` make a bound exclusive, as `(` does in Redis. */
export interface ScoreRange {
  readonly min: number;
  readonly max: number;
  readonly minex: boolean;
  readonly maxex: boolean;
}

/** A lexicographic bound: `-` (below everything), `+` (above everything) or a member, in or out. */
export type LexBound = { readonly kind: '-' } | { readonly kind: '+' } | { readonly kind: 'v'; readonly v: string; readonly ex: boolean };

export interface LexRange {
  readonly min: LexBound;
  readonly max: LexBound;
}

/** Redis's zslValueGteMin / zslValueLteMax. */
export const scoreGteMin = (v: number, r: ScoreRange): boolean => (r.minex ? v > r.min : v >= r.min);
export const scoreLteMax = (v: number, r: ScoreRange): boolean => (r.maxex ? v < r.max : v <= r.max);

export function lexGteMin(s: string, b: LexBound): boolean {
  if (b.kind === '-') return true;
  if (b.kind === '+') return false;
  return b.ex ? s > b.v : s >= b.v;
}

export function lexLteMax(s: string, b: LexBound): boolean {
  if (b.kind === '-') return false;
  if (b.kind === '+') return true;
  return b.ex ? s < b.v : s <= b.v;
}

/** An interval that cannot contain anything (min above max, or a point with an open end). */
export function emptyScoreRange(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minex || r.maxex));
}

function lexOrder(b: LexBound): number {
  return b.kind === '-' ? 0 : b.kind === 'v' ? 1 : 2;
}

/** Redis's sdscmplex-based emptiness test for lex ranges. */
export function emptyLexRange(r: LexRange): boolean {
  const a = r.min;
  const b = r.max;
  let cmp: number;
  if (a.kind === 'v' && b.kind === 'v') cmp = a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  else cmp = lexOrder(a) - lexOrder(b);
  const ex = (a.kind === 'v' ? a.ex : true) || (b.kind === 'v' ? b.ex : true);
  return cmp > 0 || (cmp === 0 && ex);
}

/** What ZADD did for one member (Redis's ZADD_OUT_* flags). */
export type AddOutcome = 'added' | 'updated' | 'unchanged' | 'nop' | 'nan';

export interface AddFlags {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  incr?: boolean;
}


/** -0 is stored as 0, as Redis's listpack does (a score reads back as `0`, never `-0`). */
function norm(score: number): number {
  return score === 0 ? 0 : score;
}

/** Redis's zsetAdd decision for one member, from its current score (undefined: absent) and the ZADD flags. */
export function decideAdd(cur: number | undefined, score: number, flags: AddFlags): { outcome: AddOutcome; score: number } {
  if (Number.isNaN(score)) return { outcome: 'nan', score };
  if (cur === undefined) return flags.xx ? { outcome: 'nop', score } : { outcome: 'added', score: norm(score) };
  if (flags.nx) return { outcome: 'nop', score: cur };
  let next = score;
  if (flags.incr) {
    next = cur + score;
    if (Number.isNaN(next)) return { outcome: 'nan', score: next };
  }
  if ((flags.lt && next >= cur) || (flags.gt && next <= cur)) return { outcome: 'nop', score: cur };
  next = norm(next);
  return next === cur ? { outcome: 'unchanged', score: cur } : { outcome: 'updated', score: next };
}

export class ZSet implements Collection, EncodingAware {
  /** The packed form (see ZSET_FLAT_MAX_MEMBERS) while `tree` is null. */
  private flat: Flat = EMPTY_FLAT;
  private tree: ZTree | null = null;
  /** Once skiplist-encoded, never back, as in Redis. */
  private big = false;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;

  constructor(private readonly rand: () => number = Math.random) {}

  /** On the prototype rather than in every instance. */
  get type(): 'zset' {
    return 'zset';
  }

  get size(): number {
    return this.tree === null ? flatCount(this.flat) : this.tree.size;
  }

  encoding(): string {
    return this.big ? 'skiplist' : 'listpack';
  }

  byteSize(): number {
    if (this.tree !== null) return ZSET_OVERHEAD + this.tree.bytes;
    return ZSET_OVERHEAD + flatMemberBytes(this.flat) + this.size * ELEMENT_OVERHEAD;
  }

  clone(): ZSet {
    const z = new ZSet(this.rand);
    // The packed string is never changed in place, so the copy may share it.
    if (this.tree === null) z.flat = this.flat;
    else z.tree = this.tree.clone();
    z.big = this.big;
    z.limits = this.limits;
    return z;
  }

  adopt(limits: Readonly<EncodingLimits>): void {
    if (limits === this.limits) return;
    const fresh = this.limits === DEFAULT_ENCODING_LIMITS;
    this.limits = limits;
    // Built outside a keyspace, only ever growing: its members decide, as they would have under these limits.
    if (fresh) {
      let long = false;
      for (const m of this.members()) if (m.length > limits.zsetMaxListpackValue) long = true;
      this.big = long || this.size > limits.zsetMaxListpackEntries;
      if (this.big) this.toTree();
    }
  }

  /** Leaves the flat form for the tree, for good. */
  private toTree(): ZTree {
    if (this.tree !== null) return this.tree;
    const t = new ZTree();
    for (const [m, sc] of flatEntries(this.flat)) t.insert(m, sc);
    this.flat = EMPTY_FLAT;
    this.tree = t;
    return t;
  }

  score(member: string): number | undefined {
    if (this.tree !== null) return this.tree.dict.get(member)?.score;
    const off = flatFind(this.flat, member);
    return off < 0 ? undefined : flatScore(this.flat, off);
  }

  has(member: string): boolean {
    return this.tree !== null ? this.tree.dict.has(member) : flatFind(this.flat, member) >= 0;
  }

  /**
   * Redis's zsetAdd: adds or updates one member under the ZADD flags. `score` is the new score,
   * or the increment with `incr`. Returns what happened and the member's resulting score.
   */
  add(member: string, score: number, flags: AddFlags = {}): { outcome: AddOutcome; score: number } {
    const d = decideAdd(this.score(member), score, flags);
    if (d.outcome === 'updated') {
      if (this.tree !== null) this.tree.rescore(member, d.score);
      else {
        this.flat = flatInsert(flatRemoveAt(this.flat, flatFind(this.flat, member)), member, d.score);
      }
    } else if (d.outcome === 'added') {
      this.insertNew(member, d.score);
    }
    return d;
  }

  private insertNew(member: string, score: number): void {
    if (!this.big && (this.size + 1 > this.limits.zsetMaxListpackEntries || member.length > this.limits.zsetMaxListpackValue)) this.big = true;
    if (this.tree === null && !this.big && member.length <= FLAT_MAX_MEMBER && flatCount(this.flat) < ZSET_FLAT_MAX_MEMBERS) this.flat = flatInsert(this.flat, member, score);
    else this.toTree().insert(member, score);
  }

  remove(member: string): boolean {
    if (this.tree !== null) return this.tree.remove(member);
    const off = flatFind(this.flat, member);
    if (off < 0) return false;
    this.flat = flatRemoveAt(this.flat, off);
    return true;
  }

  /** 0-based rank, from the lowest score (or the highest with `reverse`); undefined if absent. */
  rank(member: string, reverse = false): number | undefined {
    let r: number;
    if (this.tree !== null) {
      const node = this.tree.dict.get(member);
      if (node === undefined) return undefined;
      r = this.tree.list.rankOf(node);
    } else {
      const off = flatFind(this.flat, member);
      if (off < 0) return undefined;
      r = flatRankOf(this.flat, off);
    }
    return reverse ? this.size - 1 - r : r;
  }

  /** The entry at a 0-based ascending rank. */
  at(rank: number): ZEntry | undefined {
    if (this.tree !== null) {
      const n = this.tree.list.at(rank);
      return n === null ? undefined : [n.member, n.score];
    }
    if (rank < 0 || rank >= this.size || !Number.isInteger(rank)) return undefined;
    const off = flatOffset(this.flat, rank);
    return [flatMember(this.flat, off), flatScore(this.flat, off)];
  }

  /** Ascending ranks [start, end) of the members whose scores fall in `r`. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (emptyScoreRange(r) || this.size === 0) return [0, 0];
    let start: number;
    let end: number;
    if (this.tree !== null) {
      start = this.tree.list.countWhile((n) => !scoreGteMin(n.score, r));
      end = this.tree.list.countWhile((n) => scoreLteMax(n.score, r));
    } else {
      start = flatCountWhileScore(this.flat, (s) => !scoreGteMin(s, r));
      end = flatCountWhileScore(this.flat, (s) => scoreLteMax(s, r));
    }
    return [start, Math.max(start, end)];
  }

  /**
   * Ascending ranks [start, end) of the members inside a lex range. Meaningful when all scores
   * are equal (as in Redis, where other cases are unspecified); then it is exact.
   */
  lexSpan(r: LexRange): [number, number] {
    if (emptyLexRange(r) || this.size === 0) return [0, 0];
    let start: number;
    let end: number;
    if (this.tree !== null) {
      start = this.tree.list.countWhile((n) => !lexGteMin(n.member, r.min));
      end = this.tree.list.countWhile((n) => lexLteMax(n.member, r.max));
    } else {
      start = flatCountWhileMember(this.flat, (m) => !lexGteMin(m, r.min));
      end = flatCountWhileMember(this.flat, (m) => lexLteMax(m, r.max));
    }
    return [start, Math.max(start, end)];
  }

  /** Visits ascending ranks [start, end) (clamped), upwards or, with `reverse`, from end-1 down. */
  private visit(start: number, end: number, reverse: boolean, each: (member: string, score: number) => void): void {
    if (start < 0) start = 0;
    if (end > this.size) end = this.size;
    if (start >= end) return;
    if (this.tree !== null) {
      this.tree.list.walk(reverse ? end - 1 : start, end - start, reverse, (n) => each(n.member, n.score));
      return;
    }
    const a = this.flat;
    const offs: number[] = [];
    for (let i = start, off = flatOffset(a, start); i < end; i++, off = flatNext(a, off)) offs.push(off);
    if (reverse) offs.reverse();
    for (const off of offs) each(flatMember(a, off), flatScore(a, off));
  }

  /**
   * Entries at ascending ranks [start, end), in ascending order, or descending when `reverse`
   * (then from rank end-1 down to start). O(log n + m).
   */
  slice(start: number, end: number, reverse = false): ZEntry[] {
    const out: ZEntry[] = [];
    this.visit(start, end, reverse, (m, s) => out.push([m, s]));
    return out;
  }

  /** Members only, like `slice` (ZRANGE without WITHSCORES). */
  sliceMembers(start: number, end: number, reverse = false): string[] {
    const out: string[] = [];
    this.visit(start, end, reverse, (m) => out.push(m));
    return out;
  }

  /** Removes ascending ranks [start, end); returns how many went. */
  removeRanks(start: number, end: number): number {
    const t = this.tree;
    if (t !== null) return t.list.removeRange(start, end, (n) => t.forget(n));
    if (start < 0) start = 0;
    if (end > this.size) end = this.size;
    if (start >= end) return 0;
    this.flat = flatRemoveRanks(this.flat, start, end);
    return end - start;
  }

  /** Pops up to `count` entries from the low end (`max` false) or the high end. */
  pop(count: number, max: boolean): ZEntry[] {
    const out: ZEntry[] = [];
    const t = this.tree;
    if (t === null) {
      const n = Math.min(count, this.size);
      this.visit(max ? this.size - n : 0, max ? this.size : n, max, (m, s) => out.push([m, s]));
      this.removeRanks(max ? this.size - n : 0, max ? this.size : n);
      return out;
    }
    while (out.length < count) {
      const n = max ? t.list.tail : t.list.first;
      if (n === null) break;
      out.push([n.member, n.score]);
      t.list.remove(n);
      t.forget(n);
    }
    return out;
  }

  /** Every entry in ascending order. */
  *entries(): IterableIterator<ZEntry> {
    if (this.tree !== null) {
      for (const n of this.tree.list.nodes()) yield [n.member, n.score];
      return;
    }
    yield* flatEntries(this.flat);
  }

  /** Every member in ascending order. */
  *members(): IterableIterator<string> {
    if (this.tree !== null) {
      for (const n of this.tree.list.nodes()) yield n.member;
      return;
    }
    for (const [m] of flatEntries(this.flat)) yield m;
  }

  /**
   * One ZSCAN step. A listpack-encoded set answers whole with cursor 0, in its (score, member)
   * order, as Redis walks its listpack. Otherwise the tree's insertion-sequence cursor (ZTree.scan).
   */
  scan(cursor: number, count: number, accept: (member: string) => boolean): ScanPage {
    if (this.big && this.tree !== null) return this.tree.scan(cursor, count, accept);
    const entries: ZEntry[] = [];
    for (const e of this.entries()) if (accept(e[0])) entries.push(e);
    return { cursor: 0, entries };
  }

  /** A uniformly random entry; undefined when empty. O(log n). */
  random(): ZEntry | undefined {
    if (this.size === 0) return undefined;
    return this.at(this.randomRank());
  }

  /** A uniformly random rank in [0, size) (the set must not be empty). */
  randomRank(): number {
    return Math.floor(this.rand() * this.size);
  }

  /**
   * `count` distinct random entries (count < size), in random order: a partial shuffle of all
   * ranks when count is a large share of the set, else rejection sampling of ranks.
   */
  randomDistinct(count: number): ZEntry[] {
    const size = this.size;
    if (count >= size) return [...this.entries()];
    if (count * 3 > size) {
      const all = [...this.entries()];
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(this.rand() * (size - i));
        const t = all[i] as ZEntry;
        all[i] = all[j] as ZEntry;
        all[j] = t;
      }
      all.length = count;
      return all;
    }
    const picked = new Set<number>();
    const out: ZEntry[] = [];
    while (out.length < count) {
      const r = Math.floor(this.rand() * size);
      if (picked.has(r)) continue;
      picked.add(r);
      out.push(this.at(r) as ZEntry);
    }
    return out;
  }

  /** Structural self-check for tests. */
  check(): void {
    if (this.tree !== null) this.tree.check();
    else flatCheck(this.flat);
  }
}
