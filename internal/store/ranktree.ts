// Order-statistic B+tree of sorted-set entries by (score, member): O(log n) insert, delete, rank and rank lookup with few cache misses.
//
// A skiplist (what Redis uses) chases one pointer per step through ~log4(n) levels of separately
// allocated nodes; in V8 each step also loads the node's level arrays, so at 100k members an insert
// cost ~20 us in cache misses (issue 19: ZADD at 0.19x of redis-server). Here a lookup descends
// ~log64(n) levels and binary-searches each node's scores, kept unboxed in a number[] of doubles,
// touching an entry object only on score ties. Members are latin1 strings, so JS's code-unit
// comparison is Redis's memcmp order. Inner nodes keep each child's size (ranks) and first entry
// (the separator). Leaves are linked both ways for range walks.

/** A member of the tree; the sorted set keeps it as its handle (dict, ZSCAN order). */
export class ZNode {
  /** Position in the owning set's scan order (ZSCAN cursor). */
  seq = 0;
  /** Removed from its set; kept only until the scan order compacts. */
  dead = false;
  constructor(
    readonly member: string,
    public score: number,
  ) {}
}

const MAX = 64;
/** A leaf below this many entries merges with a neighbour that has room. */
const MIN = 16;

interface Leaf {
  readonly leaf: true;
  entries: ZNode[];
  scores: number[];
  /** Each entry's member, so ties compare without loading the entry object. */
  members: string[];
  parent: Inner | null;
  prev: Leaf | null;
  next: Leaf | null;
}

interface Inner {
  readonly leaf: false;
  kids: TreeNode[];
  /** Entries under each kid. */
  sizes: number[];
  /** Each kid's first entry and its score (the separators). */
  firsts: ZNode[];
  fscores: number[];
  fmembers: string[];
  parent: Inner | null;
}

type TreeNode = Leaf | Inner;

/** (score, member) of `n` sorts before (score, member). */
function before(n: ZNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

function newLeaf(): Leaf {
  return { leaf: true, entries: [], scores: [], members: [], parent: null, prev: null, next: null };
}

/** Index of the first entry of `leaf` not before (score, member). */
function leafLower(leaf: Leaf, score: number, member: string): number {
  const { scores, members } = leaf;
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = scores[mid] as number;
    if (s < score || (s === score && (members[mid] as string) < member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the kid of `n` whose range holds (score, member): the last whose first entry is not after it. */
function kidFor(n: Inner, score: number, member: string): number {
  const { fscores, fmembers } = n;
  let lo = 1;
  let hi = fscores.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const s = fscores[mid] as number;
    if (s < score || (s === score && (fmembers[mid] as string) <= member)) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function sizeOf(t: TreeNode): number {
  if (t.leaf) return t.entries.length;
  let s = 0;
  for (const x of t.sizes) s += x;
  return s;
}

function firstOf(t: TreeNode): ZNode {
  let x = t;
  while (!x.leaf) x = x.kids[0] as TreeNode;
  return x.entries[0] as ZNode;
}

export class RankTree {
  private root: TreeNode = newLeaf();
  private head: Leaf = this.root as Leaf;
  private tailLeaf: Leaf = this.root as Leaf;
  length = 0;

  get first(): ZNode | null {
    return this.head.entries[0] ?? null;
  }

  get tail(): ZNode | null {
    return this.tailLeaf.entries[this.tailLeaf.entries.length - 1] ?? null;
  }

  /** The leaf whose range holds (score, member). */
  private leafFor(score: number, member: string): Leaf {
    let t = this.root;
    while (!t.leaf) t = t.kids[kidFor(t, score, member)] as TreeNode;
    return t;
  }

  /** Adds `delta` to the size recorded for `child` in every ancestor. */
  private resize(child: TreeNode, delta: number): void {
    for (let p = child.parent, c: TreeNode = child; p !== null; c = p, p = p.parent) {
      const i = p.kids.indexOf(c);
      p.sizes[i] = (p.sizes[i] as number) + delta;
    }
  }

  /** After `child`'s first entry changed: refreshes the separators above it while it is a first kid. */
  private refirst(child: TreeNode): void {
    const first = firstOf(child);
    for (let p = child.parent, c: TreeNode = child; p !== null; c = p, p = p.parent) {
      const i = p.kids.indexOf(c);
      p.firsts[i] = first;
      p.fscores[i] = first.score;
      p.fmembers[i] = first.member;
      if (i !== 0) break;
    }
  }

  /** Inserts a member that is not in the tree yet. */
  insert(score: number, member: string): ZNode {
    const node = new ZNode(member, score);
    this.link(node);
    return node;
  }

  private link(node: ZNode): void {
    const leaf = this.leafFor(node.score, node.member);
    const i = leafLower(leaf, node.score, node.member);
    leaf.entries.splice(i, 0, node);
    leaf.scores.splice(i, 0, node.score);
    leaf.members.splice(i, 0, node.member);
    this.length++;
    this.resize(leaf, 1);
    if (i === 0) this.refirst(leaf);
    if (leaf.entries.length > MAX) this.splitLeaf(leaf);
  }

  private splitLeaf(leaf: Leaf): void {
    const half = leaf.entries.length >>> 1;
    const right = newLeaf();
    right.entries = leaf.entries.splice(half);
    right.scores = leaf.scores.splice(half);
    right.members = leaf.members.splice(half);
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next !== null) leaf.next.prev = right;
    else this.tailLeaf = right;
    leaf.next = right;
    this.addSibling(leaf, right);
  }

  /** Puts `right` just after `left` in left's parent (a new root when left was the root), splitting upward. */
  private addSibling(left: TreeNode, right: TreeNode): void {
    const p = left.parent;
    const rightSize = sizeOf(right);
    const rf = firstOf(right);
    if (p === null) {
      const lf = firstOf(left);
      const root: Inner = { leaf: false, kids: [left, right], sizes: [sizeOf(left), rightSize], firsts: [lf, rf], fscores: [lf.score, rf.score], fmembers: [lf.member, rf.member], parent: null };
      left.parent = root;
      right.parent = root;
      this.root = root;
      return;
    }
    const i = p.kids.indexOf(left);
    p.sizes[i] = (p.sizes[i] as number) - rightSize;
    p.kids.splice(i + 1, 0, right);
    p.sizes.splice(i + 1, 0, rightSize);
    p.firsts.splice(i + 1, 0, rf);
    p.fscores.splice(i + 1, 0, rf.score);
    p.fmembers.splice(i + 1, 0, rf.member);
    right.parent = p;
    if (p.kids.length > MAX) {
      const half = p.kids.length >>> 1;
      const q: Inner = {
        leaf: false,
        kids: p.kids.splice(half),
        sizes: p.sizes.splice(half),
        firsts: p.firsts.splice(half),
        fscores: p.fscores.splice(half),
        fmembers: p.fmembers.splice(half),
        parent: null,
      };
      for (const k of q.kids) k.parent = q;
      this.addSibling(p, q);
    }
  }

  /** Removes `node` (which must be in this tree). */
  remove(node: ZNode): void {
    const leaf = this.leafFor(node.score, node.member);
    const i = leafLower(leaf, node.score, node.member);
    if (leaf.entries[i] !== node) throw new Error('ranktree: node is not linked');
    this.unlinkAt(leaf, i);
  }

  private unlinkAt(leaf: Leaf, i: number): void {
    leaf.entries.splice(i, 1);
    leaf.scores.splice(i, 1);
    leaf.members.splice(i, 1);
    this.length--;
    this.resize(leaf, -1);
    if (leaf.entries.length === 0) {
      this.dropLeaf(leaf);
      return;
    }
    if (i === 0) this.refirst(leaf);
    if (leaf.entries.length < MIN) this.mergeLeaf(leaf);
  }

  /** Folds a small leaf and a neighbour with the same parent into one when they fit. */
  private mergeLeaf(leaf: Leaf): void {
    const fits = (x: Leaf | null): x is Leaf => x !== null && x.parent === leaf.parent && leaf.entries.length + x.entries.length <= MAX;
    if (!fits(leaf.next)) {
      if (fits(leaf.prev)) this.mergeLeaf2(leaf.prev, leaf);
      return;
    }
    this.mergeLeaf2(leaf, leaf.next);
  }

  /** Moves every entry of `right` to the end of `left` (its left neighbour) and drops `right`. */
  private mergeLeaf2(left: Leaf, right: Leaf): void {
    const leaf = left;
    const moved = right.entries.length;
    for (let k = 0; k < moved; k++) {
      leaf.entries.push(right.entries[k] as ZNode);
      leaf.scores.push(right.scores[k] as number);
      leaf.members.push(right.members[k] as string);
    }
    right.entries = [];
    right.scores = [];
    right.members = [];
    this.resize(right, -moved);
    this.resize(leaf, moved);
    this.dropLeaf(right);
  }

  /** Unlinks an empty leaf from the leaf chain and the tree (the root leaf stays). */
  private dropLeaf(leaf: Leaf): void {
    if (leaf.parent === null) return;
    if (leaf.prev !== null) leaf.prev.next = leaf.next;
    else if (leaf.next !== null) this.head = leaf.next;
    if (leaf.next !== null) leaf.next.prev = leaf.prev;
    else if (leaf.prev !== null) this.tailLeaf = leaf.prev;
    this.dropKid(leaf);
  }

  /** Removes an empty child from its parent; an emptied parent goes too; a root with one kid is replaced by it. */
  private dropKid(child: TreeNode): void {
    const p = child.parent as Inner;
    const i = p.kids.indexOf(child);
    p.kids.splice(i, 1);
    p.sizes.splice(i, 1);
    p.firsts.splice(i, 1);
    p.fscores.splice(i, 1);
    p.fmembers.splice(i, 1);
    if (p.kids.length === 0) {
      if (p.parent !== null) this.dropKid(p);
      return;
    }
    if (i === 0) this.refirst(p.kids[0] as TreeNode);
    let r = this.root;
    while (!r.leaf && r.kids.length === 1) {
      r = r.kids[0] as TreeNode;
      r.parent = null;
    }
    this.root = r;
  }

  /** Changes a linked node's score, keeping the same node (the caller's references stay valid). */
  updateScore(node: ZNode, score: number): void {
    this.remove(node);
    node.score = score;
    this.link(node);
  }

  /** 0-based rank of a linked node. */
  rankOf(node: ZNode): number {
    const { score, member } = node;
    let t = this.root;
    let rank = 0;
    while (!t.leaf) {
      const k = kidFor(t, score, member);
      for (let j = 0; j < k; j++) rank += t.sizes[j] as number;
      t = t.kids[k] as TreeNode;
    }
    const i = leafLower(t, score, member);
    if (t.entries[i] !== node) throw new Error('ranktree: node is not linked');
    return rank + i;
  }

  /** The leaf and index holding 0-based `rank` (which must be in range). */
  private locate(rank: number): { leaf: Leaf; i: number } {
    let t = this.root;
    let r = rank;
    while (!t.leaf) {
      let k = 0;
      while (r >= (t.sizes[k] as number)) r -= t.sizes[k++] as number;
      t = t.kids[k] as TreeNode;
    }
    return { leaf: t, i: r };
  }

  /** The node at 0-based `rank`, or null when out of range. */
  at(rank: number): ZNode | null {
    if (rank < 0 || rank >= this.length) return null;
    const { leaf, i } = this.locate(rank);
    return leaf.entries[i] as ZNode;
  }

  /**
   * How many leading nodes satisfy `pred`, which must hold for a prefix of the order and fail for
   * the rest (a bound): the 0-based rank where the bound falls, found in O(log n).
   */
  countWhile(pred: (n: ZNode) => boolean): number {
    let t = this.root;
    let rank = 0;
    while (!t.leaf) {
      // The last kid whose first entry still satisfies pred holds the bound (or it is at its start).
      let lo = 0;
      let hi = t.kids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (pred(t.firsts[mid] as ZNode)) lo = mid + 1;
        else hi = mid;
      }
      if (lo === 0) return rank;
      for (let j = 0; j < lo - 1; j++) rank += t.sizes[j] as number;
      t = t.kids[lo - 1] as TreeNode;
    }
    let lo = 0;
    let hi = t.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(t.entries[mid] as ZNode)) lo = mid + 1;
      else hi = mid;
    }
    return rank + lo;
  }

  /**
   * Calls `visit` for `count` nodes from 0-based `rank`, ascending, or descending from `rank` down
   * with `reverse`: O(log n + count), walking the leaf chain.
   */
  walk(rank: number, count: number, reverse: boolean, visit: (n: ZNode) => void): void {
    if (count <= 0 || rank < 0 || rank >= this.length) return;
    let { leaf, i } = this.locate(rank);
    for (let k = 0; k < count; k++) {
      visit(leaf.entries[i] as ZNode);
      if (reverse) {
        if (--i < 0) {
          if (leaf.prev === null) return;
          leaf = leaf.prev;
          i = leaf.entries.length - 1;
        }
      } else if (++i >= leaf.entries.length) {
        if (leaf.next === null) return;
        leaf = leaf.next;
        i = 0;
      }
    }
  }

  /** Every node in ascending order. */
  *nodes(): IterableIterator<ZNode> {
    for (let leaf: Leaf | null = this.head; leaf !== null; leaf = leaf.next) {
      for (const n of leaf.entries) yield n;
    }
  }

  /** Removes the nodes at 0-based ranks [start, end), calling `gone` for each. O((end - start) log n). */
  removeRange(start: number, end: number, gone: (n: ZNode) => void): number {
    if (start < 0) start = 0;
    if (end > this.length) end = this.length;
    if (start >= end) return 0;
    const removed = end - start;
    for (let k = 0; k < removed; k++) {
      const { leaf, i } = this.locate(start);
      const n = leaf.entries[i] as ZNode;
      this.unlinkAt(leaf, i);
      gone(n);
    }
    return removed;
  }

  /** Checks every structural invariant (tests): order, sizes, separators, parent and leaf links, length. */
  check(): void {
    const leaves: Leaf[] = [];
    const visit = (t: TreeNode, parent: Inner | null): number => {
      if (t.parent !== parent) throw new Error('bad parent link');
      if (t.leaf) {
        if (t.entries.length !== t.scores.length || t.entries.length !== t.members.length) throw new Error('entries, scores and members differ in length');
        if (t.entries.length === 0 && parent !== null) throw new Error('empty leaf below the root');
        if (t.entries.length > MAX) throw new Error('overfull leaf');
        t.entries.forEach((e, k) => {
          if (t.scores[k] !== e.score || t.members[k] !== e.member) throw new Error(`stale score or member of ${e.member}`);
        });
        leaves.push(t);
        return t.entries.length;
      }
      if (t.kids.length === 0 || t.kids.length > MAX) throw new Error(`inner node with ${t.kids.length} kids`);
      if (parent === null && t.kids.length < 2) throw new Error('root with one kid');
      let total = 0;
      t.kids.forEach((k, j) => {
        const s = visit(k, t);
        if (t.sizes[j] !== s) throw new Error(`size ${t.sizes[j]} recorded, ${s} found`);
        const f = firstOf(k);
        if (t.firsts[j] !== f || t.fscores[j] !== f.score || t.fmembers[j] !== f.member) throw new Error(`stale separator ${j}`);
        total += s;
      });
      return total;
    };
    const n = visit(this.root, null);
    if (n !== this.length) throw new Error(`length ${this.length} but ${n} entries`);
    if (leaves[0] !== this.head || leaves[leaves.length - 1] !== this.tailLeaf) throw new Error('bad head or tail leaf');
    let prev: ZNode | null = null;
    leaves.forEach((l, k) => {
      if (l.prev !== (leaves[k - 1] ?? null) || l.next !== (leaves[k + 1] ?? null)) throw new Error('bad leaf chain');
      for (const e of l.entries) {
        if (prev !== null && !before(prev, e.score, e.member)) throw new Error(`order broken at ${e.member}`);
        prev = e;
      }
    });
  }
}
