// Skiplist with span counts ordered by (score, member): O(log n) insert, delete, rank and rank lookup.
//
// Members are latin1 strings, so JS's code-unit string comparison is the same as Redis's memcmp
// order. Every level's forward pointer carries a span (how many bottom-level steps it skips), which
// turns searches into rank computations and rank lookups into searches, as in Redis's zskiplist.

/** Highest level a node can have; 32 levels cover 4^32 elements at p = 1/4. */
export const MAX_LEVEL = 32;
const LEVEL_P = 0.25;

export class SkipNode {
  /** Forward pointer per level; `next.length` is the node's level. */
  readonly next: (SkipNode | null)[];
  /** Bottom-level steps each forward pointer skips (to null: the nodes left after this one). */
  readonly span: number[];
  prev: SkipNode | null = null;
  /** Position in the owning set's scan order (ZSCAN cursor); 0 for nodes that are not in one. */
  seq = 0;
  /** Removed from its set; kept only until the scan order compacts. */
  dead = false;
  constructor(
    readonly member: string,
    public score: number,
    level: number,
  ) {
    this.next = new Array<SkipNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
  }
}

/** (score, member) of `n` sorts before (score, member). */
function before(n: SkipNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

function randomLevel(rand: () => number): number {
  let level = 1;
  while (level < MAX_LEVEL && rand() < LEVEL_P) level++;
  return level;
}

export class SkipList {
  private readonly head = new SkipNode('', 0, MAX_LEVEL);
  tail: SkipNode | null = null;
  length = 0;
  /** Levels in use (at least 1). */
  private level = 1;
  /** Scratch arrays for the search paths; reused so an operation allocates nothing but its node. */
  private readonly update: SkipNode[] = new Array<SkipNode>(MAX_LEVEL).fill(this.head);
  private readonly rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);

  constructor(private readonly rand: () => number = Math.random) {}

  /** The first node, or null when empty. */
  get first(): SkipNode | null {
    return this.head.next[0] ?? null;
  }

  /** Inserts a member that is not in the list yet. */
  insert(score: number, member: string): SkipNode {
    const node = new SkipNode(member, score, randomLevel(this.rand));
    this.link(node);
    return node;
  }

  /** Links `node` (fresh, or just unlinked) at its (score, member) position, at its own level. */
  private link(node: SkipNode): void {
    const { update, rankAt } = this;
    const score = node.score;
    const member = node.member;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let rank = i === this.level - 1 ? 0 : (rankAt[i + 1] as number);
      let n = x.next[i] as SkipNode | null;
      while (n !== null && before(n, score, member)) {
        rank += x.span[i] as number;
        x = n;
        n = x.next[i] as SkipNode | null;
      }
      rankAt[i] = rank;
      update[i] = x;
    }
    const level = node.next.length;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const r0 = rankAt[0] as number;
    for (let i = 0; i < level; i++) {
      const u = update[i] as SkipNode;
      const ri = rankAt[i] as number;
      node.next[i] = u.next[i] as SkipNode | null;
      u.next[i] = node;
      node.span[i] = (u.span[i] as number) - (r0 - ri);
      u.span[i] = r0 - ri + 1;
    }
    // Pointers above the new node's level now skip one more node.
    for (let i = level; i < this.level; i++) {
      const u = update[i] as SkipNode;
      u.span[i] = (u.span[i] as number) + 1;
    }
    const u0 = update[0] as SkipNode;
    node.prev = u0 === this.head ? null : u0;
    const after = node.next[0] as SkipNode | null;
    if (after !== null) after.prev = node;
    else this.tail = node;
    this.length++;
  }

  /** Fills `update` with the predecessors of (score, member) at every level. */
  private findPath(score: number, member: string): void {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i] as SkipNode | null;
      while (n !== null && before(n, score, member)) {
        x = n;
        n = x.next[i] as SkipNode | null;
      }
      this.update[i] = x;
    }
  }

  /** Unlinks `x` given its predecessors in `update`. */
  private unlink(x: SkipNode): void {
    const update = this.update;
    for (let i = 0; i < this.level; i++) {
      const u = update[i] as SkipNode;
      if (u.next[i] === x) {
        u.span[i] = (u.span[i] as number) + (x.span[i] as number) - 1;
        u.next[i] = x.next[i] as SkipNode | null;
      } else {
        u.span[i] = (u.span[i] as number) - 1;
      }
    }
    const after = x.next[0] as SkipNode | null;
    if (after !== null) after.prev = x.prev;
    else this.tail = x.prev;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Removes `node` (which must be in this list). */
  remove(node: SkipNode): void {
    this.findPath(node.score, node.member);
    this.unlink(node);
  }

  /**
   * Changes a linked node's score. Stays in place when the order allows it (the common case of a
   * small change), else unlinks and relinks the same node, so the caller's references stay valid.
   */
  updateScore(node: SkipNode, score: number): void {
    const prev = node.prev;
    const next = node.next[0] as SkipNode | null;
    if ((prev === null || prev.score < score) && (next === null || next.score > score)) {
      node.score = score;
      return;
    }
    this.findPath(node.score, node.member);
    this.unlink(node);
    node.score = score;
    for (let i = 0; i < node.next.length; i++) {
      node.next[i] = null;
      node.span[i] = 0;
    }
    this.link(node);
  }

  /** 0-based rank of a linked node. */
  rankOf(node: SkipNode): number {
    const { score, member } = node;
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i] as SkipNode | null;
      while (n !== null && (n.score < score || (n.score === score && n.member <= member))) {
        rank += x.span[i] as number;
        x = n;
        n = x.next[i] as SkipNode | null;
      }
      if (x === node) return rank - 1;
    }
    throw new Error('skiplist: node is not linked');
  }

  /** The node at 0-based `rank`, or null when out of range. */
  at(rank: number): SkipNode | null {
    if (rank < 0 || rank >= this.length) return null;
    const target = rank + 1;
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i] as SkipNode | null;
      while (n !== null && traversed + (x.span[i] as number) <= target) {
        traversed += x.span[i] as number;
        x = n;
        n = x.next[i] as SkipNode | null;
      }
      if (traversed === target) return x;
    }
    return null;
  }

  /**
   * How many leading nodes satisfy `pred`, which must hold for a prefix of the order and fail for
   * the rest (a bound): the 0-based rank where the bound falls, found in O(log n).
   */
  countWhile(pred: (n: SkipNode) => boolean): number {
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i] as SkipNode | null;
      while (n !== null && pred(n)) {
        rank += x.span[i] as number;
        x = n;
        n = x.next[i] as SkipNode | null;
      }
    }
    return rank;
  }

  /**
   * Removes the nodes at 0-based ranks [start, end), calling `gone` for each, in O(log n + m):
   * the predecessors found once stay the predecessors of every following node removed.
   */
  removeRange(start: number, end: number, gone: (n: SkipNode) => void): number {
    if (start < 0) start = 0;
    if (end > this.length) end = this.length;
    if (start >= end) return 0;
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let n = x.next[i] as SkipNode | null;
      while (n !== null && traversed + (x.span[i] as number) <= start) {
        traversed += x.span[i] as number;
        x = n;
        n = x.next[i] as SkipNode | null;
      }
      this.update[i] = x;
    }
    let cur = x.next[0] as SkipNode | null;
    let removed = 0;
    while (cur !== null && removed < end - start) {
      const after = cur.next[0] as SkipNode | null;
      this.unlink(cur);
      gone(cur);
      removed++;
      cur = after;
    }
    return removed;
  }

  /** Checks every structural invariant (tests): order, spans, back links, length. */
  check(): void {
    let count = 0;
    let prev: SkipNode | null = null;
    for (let n = this.first; n !== null; n = n.next[0] as SkipNode | null) {
      if (n.prev !== prev) throw new Error(`bad prev link at ${n.member}`);
      if (prev !== null && !before(prev, n.score, n.member)) throw new Error(`order broken at ${n.member}`);
      prev = n;
      count++;
    }
    if (count !== this.length) throw new Error(`length ${this.length} but ${count} nodes`);
    if (this.tail !== prev) throw new Error('bad tail');
    // Spans: walking any level and summing spans must land on each node's bottom-level rank.
    const rankOfNode = new Map<SkipNode, number>();
    let r = 1;
    for (let n = this.first; n !== null; n = n.next[0] as SkipNode | null) rankOfNode.set(n, r++);
    for (let i = 0; i < this.level; i++) {
      let x: SkipNode = this.head;
      let rank = 0;
      for (;;) {
        const n = x.next[i] as SkipNode | null;
        rank += x.span[i] as number;
        if (n === null) {
          if (rank !== this.length) throw new Error(`level ${i}: spans to the end sum to ${rank}, length ${this.length}`);
          break;
        }
        if (rankOfNode.get(n) !== rank) throw new Error(`level ${i}: span mismatch at ${n.member}`);
        x = n;
      }
    }
  }
}
