// Sorted set value: an order-statistic tree by (score, member) plus a member -> node map, with ranges, pops and ZSCAN order.
import { DEFAULT_ENCODING_LIMITS, type EncodingAware, type EncodingLimits } from './encodings.js';
import { RankTree, type ZNode } from './ranktree.js';
import type { Collection } from './types.js';

/** Redis's zset-max-listpack-entries / zset-max-listpack-value defaults: past either (as configured: EncodingLimits), the encoding is skiplist. */
export const ZSET_MAX_LISTPACK_ENTRIES = DEFAULT_ENCODING_LIMITS.zsetMaxListpackEntries;
export const ZSET_MAX_LISTPACK_VALUE = DEFAULT_ENCODING_LIMITS.zsetMaxListpackValue;

/** Bytes charged per member on top of its own length: node, level arrays, map entry, scan slot. */
const ELEMENT_OVERHEAD = 112;
const ZSET_OVERHEAD = 96;

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

/** One entry of a result: member and score. */
export type ZEntry = readonly [member: string, score: number];

export interface ScanPage {
  cursor: number;
  entries: ZEntry[];
}

export class ZSet implements Collection, EncodingAware {
  readonly type = 'zset' as const;
  private readonly dict = new Map<string, ZNode>();
  private readonly list: RankTree;
  /** Once skiplist-encoded, never back, as in Redis. */
  private big = false;
  private limits: Readonly<EncodingLimits> = DEFAULT_ENCODING_LIMITS;
  private bytes = ZSET_OVERHEAD;
  /** Nodes in insertion order (ZSCAN): ascending `seq`, removed ones flagged dead until compaction. */
  private order: ZNode[] = [];
  private deadInOrder = 0;
  private nextSeq = 1;

  constructor(private readonly rand: () => number = Math.random) {
    this.list = new RankTree();
  }

  get size(): number {
    return this.dict.size;
  }

  encoding(): string {
    return this.big ? 'skiplist' : 'listpack';
  }

  byteSize(): number {
    return this.bytes;
  }

  clone(): ZSet {
    const z = new ZSet(this.rand);
    for (const n of this.list.nodes()) z.insertNew(n.member, n.score);
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
      for (const m of this.dict.keys()) if (m.length > limits.zsetMaxListpackValue) long = true;
      this.big = long || this.dict.size > limits.zsetMaxListpackEntries;
    }
  }

  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /** -0 is stored as 0, as Redis's listpack does (a score reads back as `0`, never `-0`). */
  private static norm(score: number): number {
    return score === 0 ? 0 : score;
  }

  private insertNew(member: string, score: number): ZNode {
    const node = this.list.insert(ZSet.norm(score), member);
    this.dict.set(member, node);
    node.seq = this.nextSeq++;
    this.order.push(node);
    this.bytes += member.length + ELEMENT_OVERHEAD;
    if (!this.big && (this.dict.size > this.limits.zsetMaxListpackEntries || member.length > this.limits.zsetMaxListpackValue)) this.big = true;
    return node;
  }

  /** Bookkeeping for a node the skiplist already unlinked. */
  private forget(node: ZNode): void {
    this.dict.delete(node.member);
    this.bytes -= node.member.length + ELEMENT_OVERHEAD;
    node.dead = true;
    this.deadInOrder++;
    // Compaction is O(n) but only after as many removals, so removal stays amortized O(log n).
    if (this.deadInOrder > 64 && this.deadInOrder > this.dict.size) {
      this.order = this.order.filter((n) => !n.dead);
      this.deadInOrder = 0;
    }
  }

  /**
   * Redis's zsetAdd: adds or updates one member under the ZADD flags. `score` is the new score,
   * or the increment with `incr`. Returns what happened and the member's resulting score.
   */
  add(member: string, score: number, flags: AddFlags = {}): { outcome: AddOutcome; score: number } {
    if (Number.isNaN(score)) return { outcome: 'nan', score };
    const node = this.dict.get(member);
    if (node !== undefined) {
      if (flags.nx) return { outcome: 'nop', score: node.score };
      const cur = node.score;
      let next = score;
      if (flags.incr) {
        next = cur + score;
        if (Number.isNaN(next)) return { outcome: 'nan', score: next };
      }
      if ((flags.lt && next >= cur) || (flags.gt && next <= cur)) return { outcome: 'nop', score: cur };
      next = ZSet.norm(next);
      if (next === cur) return { outcome: 'unchanged', score: cur };
      this.list.updateScore(node, next);
      return { outcome: 'updated', score: next };
    }
    if (flags.xx) return { outcome: 'nop', score };
    this.insertNew(member, score);
    return { outcome: 'added', score: ZSet.norm(score) };
  }

  remove(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.list.remove(node);
    this.forget(node);
    return true;
  }

  /** 0-based rank, from the lowest score (or the highest with `reverse`); undefined if absent. */
  rank(member: string, reverse = false): number | undefined {
    const node = this.dict.get(member);
    if (node === undefined) return undefined;
    const r = this.list.rankOf(node);
    return reverse ? this.list.length - 1 - r : r;
  }

  /** The entry at a 0-based ascending rank. */
  at(rank: number): ZEntry | undefined {
    const n = this.list.at(rank);
    return n === null ? undefined : [n.member, n.score];
  }

  /** Ascending ranks [start, end) of the members whose scores fall in `r`. */
  scoreSpan(r: ScoreRange): [number, number] {
    if (emptyScoreRange(r) || this.list.length === 0) return [0, 0];
    const start = this.list.countWhile((n) => !scoreGteMin(n.score, r));
    const end = this.list.countWhile((n) => scoreLteMax(n.score, r));
    return [start, Math.max(start, end)];
  }

  /**
   * Ascending ranks [start, end) of the members inside a lex range. Meaningful when all scores
   * are equal (as in Redis, where other cases are unspecified); then it is exact.
   */
  lexSpan(r: LexRange): [number, number] {
    if (emptyLexRange(r) || this.list.length === 0) return [0, 0];
    const start = this.list.countWhile((n) => !lexGteMin(n.member, r.min));
    const end = this.list.countWhile((n) => lexLteMax(n.member, r.max));
    return [start, Math.max(start, end)];
  }

  /**
   * Entries at ascending ranks [start, end), in ascending order, or descending when `reverse`
   * (then from rank end-1 down to start). O(log n + m).
   */
  slice(start: number, end: number, reverse = false): ZEntry[] {
    const out: ZEntry[] = [];
    if (start < 0) start = 0;
    if (end > this.list.length) end = this.list.length;
    if (start >= end) return out;
    this.list.walk(reverse ? end - 1 : start, end - start, reverse, (n) => out.push([n.member, n.score]));
    return out;
  }

  /** Members only, like `slice` (ZRANGE without WITHSCORES). */
  sliceMembers(start: number, end: number, reverse = false): string[] {
    const out: string[] = [];
    if (start < 0) start = 0;
    if (end > this.list.length) end = this.list.length;
    if (start >= end) return out;
    this.list.walk(reverse ? end - 1 : start, end - start, reverse, (n) => out.push(n.member));
    return out;
  }

  /** Removes ascending ranks [start, end); returns how many went. */
  removeRanks(start: number, end: number): number {
    return this.list.removeRange(start, end, (n) => this.forget(n));
  }

  /** Pops up to `count` entries from the low end (`max` false) or the high end. */
  pop(count: number, max: boolean): ZEntry[] {
    const out: ZEntry[] = [];
    while (out.length < count) {
      const n = max ? this.list.tail : this.list.first;
      if (n === null) break;
      out.push([n.member, n.score]);
      this.list.remove(n);
      this.forget(n);
    }
    return out;
  }

  /** Every entry in ascending order. */
  *entries(): IterableIterator<ZEntry> {
    for (const n of this.list.nodes()) yield [n.member, n.score];
  }

  /** Every member in ascending order. */
  *members(): IterableIterator<string> {
    for (const n of this.list.nodes()) yield n.member;
  }

  /**
   * One ZSCAN step. A listpack-encoded set answers whole with cursor 0, as Redis does. Otherwise
   * the cursor is the insertion sequence to resume from: every member present for the whole
   * iteration is returned exactly once, whatever is added, removed or rescored meanwhile.
   * `count` bounds the slots visited, as Redis bounds buckets.
   */
  scan(cursor: number, count: number, accept: (member: string) => boolean): ScanPage {
    const entries: ZEntry[] = [];
    if (!this.big) {
      for (const n of this.order) if (!n.dead && accept(n.member)) entries.push([n.member, n.score]);
      return { cursor: 0, entries };
    }
    const order = this.order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((order[mid] as ZNode).seq < cursor) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    for (let visited = 0; i < order.length && visited < count; i++) {
      const n = order[i] as ZNode;
      if (n.dead) continue;
      visited++;
      if (accept(n.member)) entries.push([n.member, n.score]);
    }
    return { cursor: i < order.length ? (order[i] as ZNode).seq : 0, entries };
  }

  /** A uniformly random entry; undefined when empty. O(log n). */
  random(): ZEntry | undefined {
    if (this.list.length === 0) return undefined;
    return this.at(this.randomRank());
  }

  /** A uniformly random rank in [0, size) (the set must not be empty). */
  randomRank(): number {
    return Math.floor(this.rand() * this.list.length);
  }

  /**
   * `count` distinct random entries (count < size), in random order: a partial shuffle of all
   * ranks when count is a large share of the set, else rejection sampling of ranks.
   */
  randomDistinct(count: number): ZEntry[] {
    const size = this.list.length;
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
    this.list.check();
    if (this.list.length !== this.dict.size) throw new Error(`list has ${this.list.length}, dict ${this.dict.size}`);
    for (const [m, n] of this.dict) if (n.member !== m || n.dead) throw new Error(`dict entry ${m} is stale`);
    let live = 0;
    let prevSeq = 0;
    for (const n of this.order) {
      if (n.seq <= prevSeq) throw new Error('scan order not ascending');
      prevSeq = n.seq;
      if (!n.dead) live++;
    }
    if (live !== this.dict.size) throw new Error(`scan order has ${live} live nodes, dict ${this.dict.size}`);
    let bytes = ZSET_OVERHEAD;
    for (const m of this.dict.keys()) bytes += m.length + ELEMENT_OVERHEAD;
    if (bytes !== this.bytes) throw new Error(`byteSize ${this.bytes}, expected ${bytes}`);
  }
}
