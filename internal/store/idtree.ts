// Ordered map keyed by 128-bit stream IDs (bigint): a sorted list of bounded leaves with O(log n) seek, cheap tail appends and head drops.

/**
 * One leaf: keys ascending, values alongside. Streams use a leaf as Redis uses one listpack of
 * its radix tree, so a leaf also remembers what Redis's node would: the ID it was created for
 * (the node's radix-tree key, kept even after that entry is deleted) and how many entries were
 * ever appended to it (deleted ones still count toward stream-node-max-entries). `meta` is the
 * owner's per-leaf bookkeeping.
 */
export interface IdLeaf<V, M> {
  keys: bigint[];
  vals: V[];
  base: bigint;
  added: number;
  meta: M;
}

/** First index i with keys[i] >= k. */
function lowerBound(keys: readonly bigint[], k: bigint): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as bigint) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index i with keys[i] > k. */
function upperBound(keys: readonly bigint[], k: bigint): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as bigint) <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Invariants: every leaf is non-empty; leaves are ordered and disjoint (all keys of leaf i are
 * below the first key of leaf i+1). A general insert splits a leaf past `2 * maxLeaf` entries,
 * so seeks cost O(log(n / maxLeaf) + log maxLeaf) and an insert or delete O(maxLeaf) plus an
 * occasional splice of the leaf array (n / maxLeaf pointers).
 */
export class IdTree<V, M = undefined> {
  private leaves: IdLeaf<V, M>[] = [];
  private count = 0;

  constructor(
    private readonly newMeta: () => M,
    private readonly maxLeaf = 64,
  ) {}

  get size(): number {
    return this.count;
  }

  get leafCount(): number {
    return this.leaves.length;
  }

  leafAt(i: number): IdLeaf<V, M> | undefined {
    return this.leaves[i];
  }

  lastLeaf(): IdLeaf<V, M> | undefined {
    return this.leaves[this.leaves.length - 1];
  }

  firstKey(): bigint | undefined {
    return this.leaves[0]?.keys[0];
  }

  lastKey(): bigint | undefined {
    const l = this.leaves[this.leaves.length - 1];
    return l === undefined ? undefined : l.keys[l.keys.length - 1];
  }

  /** Index of the leaf that holds (or would hold) `k`: the last leaf starting at or below it. */
  private leafFor(k: bigint): number {
    const leaves = this.leaves;
    let lo = 0;
    let hi = leaves.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (((leaves[mid] as IdLeaf<V, M>).keys[0] as bigint) <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : lo - 1;
  }

  get(k: bigint): V | undefined {
    const leaf = this.leaves[this.leafFor(k)];
    if (leaf === undefined) return undefined;
    const i = lowerBound(leaf.keys, k);
    return leaf.keys[i] === k ? leaf.vals[i] : undefined;
  }

  has(k: bigint): boolean {
    const leaf = this.leaves[this.leafFor(k)];
    if (leaf === undefined) return false;
    return leaf.keys[lowerBound(leaf.keys, k)] === k;
  }

  /**
   * Appends a key above every key present (the caller guarantees it). `fresh` opens a new leaf
   * (a full stream node); otherwise the value joins the last leaf.
   */
  append(k: bigint, v: V, fresh: boolean): IdLeaf<V, M> {
    let leaf = this.leaves[this.leaves.length - 1];
    if (leaf === undefined || fresh) {
      leaf = { keys: [k], vals: [v], base: k, added: 1, meta: this.newMeta() };
      this.leaves.push(leaf);
    } else {
      leaf.keys.push(k);
      leaf.vals.push(v);
      leaf.added++;
    }
    this.count++;
    return leaf;
  }

  /** Inserts or replaces; returns true when the key is new. */
  set(k: bigint, v: V): boolean {
    const last = this.lastKey();
    if (last === undefined || k > last) {
      const tail = this.leaves[this.leaves.length - 1];
      this.append(k, v, tail === undefined || tail.keys.length >= this.maxLeaf * 2);
      return true;
    }
    const li = this.leafFor(k);
    const leaf = this.leaves[li] as IdLeaf<V, M>;
    const i = lowerBound(leaf.keys, k);
    if (leaf.keys[i] === k) {
      leaf.vals[i] = v;
      return false;
    }
    leaf.keys.splice(i, 0, k);
    leaf.vals.splice(i, 0, v);
    leaf.added++;
    this.count++;
    if (leaf.keys.length > this.maxLeaf * 2) {
      const half = leaf.keys.length >>> 1;
      const keys = leaf.keys.splice(half);
      const vals = leaf.vals.splice(half);
      leaf.added = leaf.keys.length;
      this.leaves.splice(li + 1, 0, { keys, vals, base: keys[0] as bigint, added: keys.length, meta: this.newMeta() });
    }
    return true;
  }

  /** Removes a key; returns its value, or undefined when absent. */
  delete(k: bigint): V | undefined {
    const li = this.leafFor(k);
    const leaf = this.leaves[li];
    if (leaf === undefined) return undefined;
    const i = lowerBound(leaf.keys, k);
    if (leaf.keys[i] !== k) return undefined;
    const v = leaf.vals[i] as V;
    if (i === leaf.keys.length - 1) {
      leaf.keys.pop();
      leaf.vals.pop();
    } else {
      leaf.keys.splice(i, 1);
      leaf.vals.splice(i, 1);
    }
    this.count--;
    if (leaf.keys.length === 0) this.leaves.splice(li, 1);
    return v;
  }

  /** Drops the first leaf whole (approximate trimming frees a node at a time). */
  dropFirstLeaf(): IdLeaf<V, M> | undefined {
    const leaf = this.leaves.shift();
    if (leaf !== undefined) this.count -= leaf.keys.length;
    return leaf;
  }

  /** Removes the first `n` entries of the first leaf, which must hold more than `n`. */
  shiftFirstLeaf(n: number): V[] {
    const leaf = this.leaves[0];
    if (leaf === undefined || n <= 0) return [];
    leaf.keys.splice(0, n);
    const gone = leaf.vals.splice(0, n);
    this.count -= gone.length;
    if (leaf.keys.length === 0) this.leaves.shift();
    return gone;
  }

  /**
   * Visits the keys in [lo, hi], ascending (or descending when `rev`), until `fn` returns false.
   * `fn` must not modify the tree.
   */
  scan(lo: bigint, hi: bigint, rev: boolean, fn: (k: bigint, v: V) => boolean | void): void {
    const leaves = this.leaves;
    if (leaves.length === 0 || lo > hi) return;
    if (!rev) {
      let li = this.leafFor(lo);
      let i = lowerBound((leaves[li] as IdLeaf<V, M>).keys, lo);
      for (; li < leaves.length; li++, i = 0) {
        const leaf = leaves[li] as IdLeaf<V, M>;
        const keys = leaf.keys;
        for (; i < keys.length; i++) {
          const k = keys[i] as bigint;
          if (k > hi) return;
          if (fn(k, leaf.vals[i] as V) === false) return;
        }
      }
    } else {
      let li = this.leafFor(hi);
      let i = upperBound((leaves[li] as IdLeaf<V, M>).keys, hi) - 1;
      for (; li >= 0; ) {
        const leaf = leaves[li] as IdLeaf<V, M>;
        const keys = leaf.keys;
        for (; i >= 0; i--) {
          const k = keys[i] as bigint;
          if (k < lo) return;
          if (fn(k, leaf.vals[i] as V) === false) return;
        }
        li--;
        if (li >= 0) i = (leaves[li] as IdLeaf<V, M>).keys.length - 1;
      }
    }
  }

  /** The first key >= k, or undefined. */
  ceiling(k: bigint): bigint | undefined {
    const leaves = this.leaves;
    let li = this.leafFor(k);
    for (; li < leaves.length; li++) {
      const keys = (leaves[li] as IdLeaf<V, M>).keys;
      const i = lowerBound(keys, k);
      if (i < keys.length) return keys[i];
    }
    return undefined;
  }

  /** Every entry in key order. */
  *entries(): IterableIterator<[bigint, V]> {
    for (const leaf of this.leaves) {
      for (let i = 0; i < leaf.keys.length; i++) yield [leaf.keys[i] as bigint, leaf.vals[i] as V];
    }
  }

  /** A copy with the same leaf layout (so node bookkeeping survives COPY); values mapped by `fn`. */
  cloneWith<W>(fn: (v: V, k: bigint) => W, meta: (m: M) => M): IdTree<W, M> {
    const t = new IdTree<W, M>(this.newMeta, this.maxLeaf);
    for (const leaf of this.leaves) {
      t.leaves.push({
        keys: leaf.keys.slice(),
        vals: leaf.vals.map((v, i) => fn(v, leaf.keys[i] as bigint)),
        base: leaf.base,
        added: leaf.added,
        meta: meta(leaf.meta),
      });
    }
    t.count = this.count;
    return t;
  }
}
