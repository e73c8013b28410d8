// The cluster contract: members, slot ranges and ring epoch as CLUSTER commands and the HTTP API read them, and running commands at a key's owner.
import type { Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';

/**
 * A cluster member as everything above membership sees it (CLUSTER commands, the HTTP API): the
 * one member shape outside membership's own records (membership/types.ts MemberInfo).
 */
export interface ClusterMember {
  /** ringcache node id (config node_id). */
  readonly id: string;
  readonly host: string;
  readonly respPort: number;
  readonly httpPort: number;
  /** 0 while unknown (a member seen before its first gossip). */
  readonly gossipPort: number;
  readonly state: 'alive' | 'suspect' | 'dead' | 'left';
  /** This node. */
  readonly self: boolean;
}

export interface ClusterSlotRange {
  readonly start: number;
  readonly end: number;
  /** ringcache node ids. */
  readonly owner: string;
  /** The ring's successors of the owner (where its replicas go). */
  readonly replicas: readonly string[];
}

/** What the cluster family and the HTTP API read from the node (routing/cluster.ts implements it). */
export interface ClusterApi {
  readonly selfId: string;
  /** Members known, self included (dead and left ones while membership still lists them). */
  members(): readonly ClusterMember[];
  /** Contiguous owner ranges covering every slot. */
  ranges(): readonly ClusterSlotRange[];
  /** Ring version counter (bumps on every ring change). */
  epoch(): number;
  /** cluster_state:ok, and HTTP readiness: false while this node waits to join its seeds. */
  ok(): boolean;
  /**
   * Marks the connection as a peer's link (CLUSTER PEER). With a cluster secret, `proof` must prove
   * it (routing/peer-auth.ts); throws a CommandError saying why otherwise.
   */
  markPeer(client: Client, peerId: string, proof?: string): void;
  /** Counts a key that arrived by CLUSTER HANDOFF (see HandoffOutcome). */
  noteHandoff?(outcome: HandoffOutcome): void;
  /** Keys handed off to new owners (deleted here after their ack) and received from peers, since start. */
  handoffStats?(): { sent: number; received: number; replaced: number; skipped: number; inProgress: boolean };
  /** Gossip packets dropped since start, by reason (membership stats; INFO cluster_gossip_packets_dropped). */
  gossipDropped?(): Readonly<Record<string, number>>;
  /** CLUSTER REPLFEED: a chunk of an owner's replication stream (`migrate`: of a slot migration's); the offset held after it (-1: unknown stream), or why to retry. */
  replFeed?(sender: string, replid: string, offset: number, full: boolean, payload: string, migrate?: boolean): { offset: number } | { retry: string };
  /** CLUSTER DROPSTALE start end ...: drops keys of those slots still as loaded from disk; null for malformed ranges. */
  dropStale?(ranges: readonly string[]): number | null;
  /** READONLY / READWRITE: reads of slots this node replicates are served here. */
  setReadonly?(client: Client, on: boolean): void;
  /** Cluster replication figures (INFO replication, metrics). */
  replicationFigures?(): ClusterReplicationFigures;
  /**
   * WAIT in a cluster: how many of this node's replica streams acknowledged everything this node
   * appended so far, waiting until `numreplicas` did or `timeoutMs` passed (0 = no limit); never
   * waits unless `mayBlock`. Null when this node streams to no replica (cluster.replicas 0).
   */
  waitReplicas?(numreplicas: number, timeoutMs: number, mayBlock: boolean, client?: Client): number | Promise<number> | null;
}

/** One owner -> replica stream from this node, and the owners' streams applied here. */
export interface ClusterReplicationFigures {
  readonly replicas: readonly { peer: string; offset: number; acked: number; lagBytes: number; lagMs: number; inSync: boolean; fullSyncs: number; keysCopied: number }[];
  readonly sources: readonly { sender: string; offset: number; idleMs: number }[];
  readonly syncTimeouts: number;
  readonly replicatedSlots: number;
}

/**
 * What CLUSTER HANDOFF did with a key: `received` (absent here, applied), `replaced` (only this
 * node's copy loaded from disk at start-up and untouched since was here: the handed-off copy
 * replaced it), `skipped` (a live copy is here and wins).
 */
export type HandoffOutcome = 'received' | 'replaced' | 'skipped';

/** Replies of commands run for one owner, and who served them (the HTTP API's X-Served-By). */
export interface Served {
  readonly replies: Reply[];
  readonly servedBy: string;
}

/** A group of keys with one owner: their indexes in the request, and the replies for them. */
export interface ServedGroup extends Served {
  readonly indexes: readonly number[];
}

/**
 * Running command lists where their keys live, for callers that hold a key rather than a RESP
 * connection (the HTTP API). Implemented by routing/ over the same ring, links and local executor
 * the RESP router uses: a list for a key owned here runs here without being routed again.
 */
export interface KeyRouting {
  /** Owner and replicas of a slot. */
  ownerOf(slot: number): { readonly owner: ClusterMember; readonly replicas: readonly ClusterMember[] };
  /**
   * Runs `commands` in order on the owner of `key` (latin1 bytes) as `client`, db 0. Owned here,
   * the list runs back to back without yielding (atomic for other clients even without MULTI)
   * and synchronously when every command answers at once.
   */
  forKey(client: Client, key: string, commands: readonly string[][]): Served | Promise<Served>;
  /** Splits `keys` by owner and runs `build(keysOfGroup, indexes)` on each owner, in parallel. */
  forKeys(client: Client, keys: readonly string[], build: (keys: string[], indexes: number[]) => string[][]): Promise<ServedGroup[]>;
}
