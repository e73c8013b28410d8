// The contract between SWIM membership and the rest of the node (ring, routing, HTTP, metrics).
//
// Membership (internal/membership/swim.ts) implements MembershipView; the ring and routing only
// read it. Everything a peer needs to route to a member travels as its metadata, gossiped with
// its alive messages, so a node learns a member's RESP and HTTP addresses without asking it.

export type MemberState = 'alive' | 'suspect' | 'dead' | 'left';

/** What a member announces about itself; immutable for the life of its incarnation. */
export interface MemberMeta {
  /** Announced host clients and peers use to reach it (cluster.announce_host, else the bind address). */
  readonly host: string;
  readonly respPort: number;
  /** 0 when the HTTP API is disabled. */
  readonly httpPort: number;
}

export interface MemberInfo {
  /** Stable node id (config node_id); the ring hashes it. */
  readonly id: string;
  /** host:port of its gossip (UDP, and TCP push-pull) endpoint. */
  readonly gossipAddr: string;
  readonly meta: MemberMeta;
  readonly state: MemberState;
  readonly incarnation: number;
}

export interface MemberChange {
  readonly member: MemberInfo;
  /** State before this change; null for a member seen for the first time. */
  readonly previous: MemberState | null;
}

export interface MembershipView {
  readonly selfId: string;
  /** Every member known (self included), in every state; dead and left members are kept a while for views. */
  members(): readonly MemberInfo[];
  /**
   * Members that own slots: alive and suspect (a suspect may be alive; moving its slots on every
   * suspicion would churn the ring). Self is always included while running.
   */
  ringMembers(): readonly MemberInfo[];
  /** Called after every state change (join, suspect, alive again, dead, left), synchronously, in order. */
  onChange(listener: (change: MemberChange) => void): () => void;
}
