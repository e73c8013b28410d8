// The node's view of the cluster: membership -> ring -> owner of each slot, rebuilt whenever the ring-member set changes.
import type { Logger } from 'pino';
import type { MemberInfo, MemberMeta, MembershipView } from '../membership/types.js';
import { buildRing, rangeOf, type Ring, type RingRange } from '../ring/ring.js';

/** What the node drives besides reading it: the SWIM library's lifecycle (membership/swim.ts). */
export interface MembershipService extends MembershipView {
  /** Binds and joins, announcing `meta` (the node's bound addresses). */
  start(meta: MemberMeta): Promise<{ port: number }>;
  leave(): Promise<void>;
  stop(): Promise<void>;
  readonly gossipAddr: string;
  /** Announces new metadata (the RESP port moved by CONFIG SET) at a new incarnation, so peers take it. */
  announce?(meta: MemberMeta): void;
}

export type RingListener = (ring: Ring, previous: Ring) => void;

export class ClusterState {
  private ringValue: Ring;
  /** Ring member index -> member info (addresses), aligned with ring.members. */
  private infos: MemberInfo[] = [];
  private selfIdx = 0;
  /** Bumps on every ring change: CLUSTER INFO's epochs and the HTTP API's ring epoch. */
  epoch = 1;
  private readonly listeners: RingListener[] = [];
  private readonly unsubscribe: () => void;
  /** Set by leave(): this node no longer counts itself as a ring member (graceful stop). */
  private leaving = false;

  constructor(
    readonly view: MembershipView,
    readonly tokens: number,
    private readonly log: Logger,
    /** Replicas per slot (cluster.replicas): the next distinct members clockwise. */
    readonly replicas = 1,
  ) {
    this.ringValue = buildRing([view.selfId], tokens, replicas);
    this.refresh();
    this.unsubscribe = view.onChange(() => this.refresh());
  }

  get selfId(): string {
    return this.view.selfId;
  }

  get ring(): Ring {
    return this.ringValue;
  }

  /** True when this node is the only ring member (every slot is local). */
  get alone(): boolean {
    return this.ringValue.members.length === 1 && this.selfIdx === 0;
  }

  /**
   * Graceful stop, after membership announced the leave: the ring is rebuilt without this node, so
   * it owns no slot (clients' commands are forwarded, peer links get -TRYAGAIN) and the handoff
   * sends every key to its new owner. A node with no other ring member keeps its slots (there is
   * no one to hand them to).
   */
  leave(): void {
    this.leaving = true;
    this.refresh();
  }

  get isLeaving(): boolean {
    return this.leaving;
  }

  onRingChange(fn: RingListener): void {
    this.listeners.push(fn);
  }

  /** Re-reads membership; rebuilds the ring only when the set of ring members changed. */
  refresh(): void {
    const members = this.view.ringMembers();
    const ids = new Set(members.map((m) => m.id));
    // Self always owns slots while running, even before membership lists it; not once leaving,
    // unless nobody else is left.
    if (this.leaving) ids.delete(this.view.selfId);
    if (!this.leaving || ids.size === 0) ids.add(this.view.selfId);
    const prev = this.ringValue;
    const same = prev.members.length === ids.size && prev.members.every((id) => ids.has(id));
    const next = same ? prev : buildRing(ids, this.tokens, this.replicas);
    const byId = new Map(this.view.members().map((m) => [m.id, m]));
    for (const m of members) byId.set(m.id, m);
    this.infos = next.members.map((id) => byId.get(id) ?? this.placeholder(id));
    this.selfIdx = next.members.indexOf(this.view.selfId);
    if (!same) {
      this.ringValue = next;
      this.epoch++;
      this.log.info({ members: next.members, version: next.version, epoch: this.epoch }, 'ring changed');
      for (const l of this.listeners) l(next, prev);
    }
  }

  private placeholder(id: string): MemberInfo {
    return { id, gossipAddr: '', meta: { host: '', respPort: 0, httpPort: 0 }, state: 'alive', incarnation: 0 };
  }

  /** Whether this node owns `slot`: the hot-path check (one array read). */
  isLocal(slot: number): boolean {
    return this.ringValue.owners[slot] === this.selfIdx;
  }

  ownerIndex(slot: number): number {
    return this.ringValue.owners[slot] as number;
  }

  /** Member info of a ring index. */
  info(index: number): MemberInfo {
    return this.infos[index] as MemberInfo;
  }

  owner(slot: number): MemberInfo {
    return this.info(this.ownerIndex(slot));
  }

  /** Owner and replicas of the slot's range. */
  range(slot: number): RingRange {
    return rangeOf(this.ringValue, slot);
  }

  /** Ring members in ring order (sorted ids), with their info. */
  ringInfos(): readonly MemberInfo[] {
    return this.infos;
  }

  close(): void {
    this.unsubscribe();
  }
}
