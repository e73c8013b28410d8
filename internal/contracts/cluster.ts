// The cluster contract: members, slot ranges and ring epoch as the CLUSTER commands and the HTTP API read them.
import type { Client } from '../server/client.js';

/** A member as CLUSTER commands show it. */
export interface ClusterNode {
  /** ringcache node id (config node_id). */
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly gossipPort: number;
  readonly state: 'alive' | 'suspect' | 'dead' | 'left';
  readonly self: boolean;
}

export interface ClusterSlotRange {
  readonly start: number;
  readonly end: number;
  /** ringcache node ids. */
  readonly owner: string;
  readonly replicas: readonly string[];
}

/** What the cluster family reads from the node (routing/cluster-api.ts implements it). */
export interface ClusterApi {
  readonly selfId: string;
  /** Members known, self included (dead and left ones while membership still lists them). */
  nodes(): readonly ClusterNode[];
  /** Contiguous owner ranges covering every slot. */
  ranges(): readonly ClusterSlotRange[];
  /** Ring version counter (bumps on every ring change). */
  epoch(): number;
  /** cluster_state:ok (false while this node waits to join its seeds). */
  ok(): boolean;
  /** Marks the connection as a peer's forwarding link. */
  markPeer(client: Client, peerId: string): void;
  /** Counts a key that arrived by CLUSTER HANDOFF (see HandoffOutcome). */
  noteHandoff?(outcome: HandoffOutcome): void;
  /** Keys handed off to new owners (deleted here after their ack) and received from peers, since start. */
  handoffStats?(): { sent: number; received: number; replaced: number; skipped: number; inProgress: boolean };
}

/**
 * What CLUSTER HANDOFF did with a key: `received` (absent here, applied), `replaced` (only this
 * node's copy loaded from disk at start-up and untouched since was here: the handed-off copy
 * replaced it), `skipped` (a live copy is here and wins).
 */
export type HandoffOutcome = 'received' | 'replaced' | 'skipped';
