// A sorted set's large form: an order-statistic tree by (score, member), a member -> node map and the insertion order ZSCAN walks.
import { RankTree, type ZNode } from './ranktree.js';

/** Bytes charged per member on top of its own length: node, level arrays, map entry, scan slot. */
export const ELEMENT_OVERHEAD = 112;

/** One entry of a result: member and score. */
export type ZEntry = readonly [member: string, score: number];

export interface ScanPage {
  cursor: number;
  entries: ZEntry[];
}

export class ZTree {
  readonly dict = new Map<string, ZNode>();
  readonly list = new RankTree();
  /** Sum of member lengths plus ELEMENT_OVERHEAD per member. */
  bytes = 0;
  /** Nodes in insertion order (ZSCAN): ascending `seq`, removed ones flagged dead until compaction. */
  private order: ZNode[] = [];
  private deadInOrder = 0;
  private nextSeq = 1;

  get size(): number {
    return this.dict.size;
  }

  clone(): ZTree {
    const t = new ZTree();
    for (const n of this.list.nodes()) t.insert(n.member, n.score);
    return t;
  }

  /** Adds a member that is not there yet (its score already normalized). */
  insert(member: string, score: number): ZNode {
    const node = this.list.insert(score, member);
    this.dict.set(member, node);
    node.seq = this.nextSeq++;
    this.order.push(node);
    this.bytes += member.length + ELEMENT_OVERHEAD;
    return node;
  }

  /** Moves a present member to a new score. */
  rescore(member: string, score: number): void {
    this.list.updateScore(this.dict.get(member) as ZNode, score);
  }

  /** Bookkeeping for a node the tree already unlinked. */
  forget(node: ZNode): void {
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

  remove(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.list.remove(node);
    this.forget(node);
    return true;
  }

  /**
   * One ZSCAN step of a skiplist-encoded set: the cursor is the insertion sequence to resume
   * from, so every member present for the whole iteration is returned exactly once, whatever is
   * added, removed or rescored meanwhile. `count` bounds the slots visited, as Redis bounds buckets.
   */
  scan(cursor: number, count: number, accept: (member: string) => boolean): ScanPage {
    const entries: ZEntry[] = [];
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
    let bytes = 0;
    for (const m of this.dict.keys()) bytes += m.length + ELEMENT_OVERHEAD;
    if (bytes !== this.bytes) throw new Error(`byteSize ${this.bytes}, expected ${bytes}`);
  }
}
