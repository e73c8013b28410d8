// The routing seam of the HTTP API: who owns a key, and running commands there (the local executor, or later a forward).
//
// Every cache operation of the HTTP API is a list of Redis commands for the owner of a key,
// executed as an internal client of the node's Executor, so journaling, keyspace notifications,
// WATCH invalidation, blocked-client wakeups, stats and OOM/MISCONF refusals apply exactly as for
// RESP. Today there is no ring: `singleNodeCluster` owns every slot. The cluster issue plugs in a
// ClusterView whose `ownerOf` reads the ring and whose `forward` sends the same commands over a
// pooled RESP link to the owner; the routes do not change.
import type { Executor } from '../executor/executor.js';
import { keyHashSlot, SLOT_COUNT } from '../ring/slot.js';
import type { Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';

export interface Member {
  readonly id: string;
  /** RESP address, host:port. */
  readonly resp: string;
  /** HTTP API address, host:port. */
  readonly http: string;
  readonly state: 'alive' | 'suspect' | 'dead';
}

/** A contiguous run of slots with one owner, as CLUSTER SLOTS reports them. */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
  readonly owner: string;
  readonly replicas: readonly string[];
}

/** What the HTTP API needs from cluster membership and the ring. */
export interface ClusterView {
  readonly selfId: string;
  members(): readonly Member[];
  ranges(): readonly SlotRange[];
  /** Version of the ring; bumps whenever ownership changes. */
  epoch(): number;
  /** Owner and replicas of a slot. */
  ownerOf(slot: number): { owner: Member; replicas: readonly Member[] };
  /** Whether this node may serve cache requests as far as the cluster is concerned (readiness). */
  ready(): boolean;
  /**
   * Runs `commands` on another member, in order, as one pipeline (a MULTI ... EXEC list stays a
   * transaction there) and resolves with one reply per command.
   */
  forward(owner: Member, commands: readonly (readonly string[])[]): Promise<Reply[]>;
}

/** The view of a node alone: it is the only member and owns every slot. `self` is called per request: keep it cheap. */
export function singleNodeCluster(selfId: string, self: () => Member): ClusterView {
  let owned: { owner: Member; replicas: readonly Member[] } | null = null;
  return {
    selfId,
    members: () => [self()],
    ranges: () => [{ start: 0, end: SLOT_COUNT - 1, owner: selfId, replicas: [] }],
    epoch: () => 0,
    ownerOf: () => {
      // Every cache request asks: one answer object, rebuilt only when the member object changes.
      const m = self();
      if (owned === null || owned.owner !== m) owned = { owner: m, replicas: [] };
      return owned;
    },
    ready: () => true,
    forward: (owner) => Promise.reject(new Error(`no route to member ${owner.id}: this node runs alone`)),
  };
}

/** Replies of commands run for one owner, and who served them (X-Served-By). */
export interface Served {
  readonly replies: Reply[];
  readonly servedBy: string;
}

/** A group of keys with the same owner: their indexes in the request, and the replies for them. */
export interface ServedGroup extends Served {
  readonly indexes: readonly number[];
}

/** The Executor surface the runner uses. */
export type CommandExecutor = Pick<Executor, 'execute'>;

/**
 * Runs command lists for keys through the routing seam. Local lists run back to back on one
 * internal client without yielding the event loop, so a list is atomic for every other client
 * even without MULTI (and MULTI ... EXEC lists are journaled as one transaction).
 */
export class CommandRunner {
  /** The HTTP API's internal client: authenticated, db 0, never listed by CLIENT LIST. */
  readonly client: Client;

  constructor(
    private readonly executor: CommandExecutor,
    readonly cluster: ClusterView,
    now: () => number,
  ) {
    this.client = new Client(0, 'http', 'http', -1, now(), true, () => undefined);
    this.client.name = 'http-api';
  }

  /**
   * Runs `commands` on the owner of `key` (latin1 bytes). Synchronous when the key is owned here
   * and every command answers at once (the common case: no promise, no extra microtask).
   */
  forKey(key: string, commands: readonly string[][]): Served | Promise<Served> {
    const { owner } = this.cluster.ownerOf(keyHashSlot(key));
    if (owner.id === this.cluster.selfId) {
      const replies = this.runLocal(commands);
      return replies instanceof Promise ? replies.then((r) => ({ replies: r, servedBy: owner.id })) : { replies, servedBy: owner.id };
    }
    return this.cluster.forward(owner, commands).then((replies) => ({ replies, servedBy: owner.id }));
  }

  /**
   * Splits `keys` by owner and runs `build(keysOfGroup, indexes)` on each owner: the multi-key
   * commands (MGET, MULTI/SET.../EXEC) of a batch never span owners. Groups run in parallel.
   */
  async forKeys(keys: readonly string[], build: (keys: string[], indexes: number[]) => string[][]): Promise<ServedGroup[]> {
    const groups = new Map<string, { owner: Member; keys: string[]; indexes: number[] }>();
    keys.forEach((key, i) => {
      const { owner } = this.cluster.ownerOf(keyHashSlot(key));
      let g = groups.get(owner.id);
      if (g === undefined) {
        g = { owner, keys: [], indexes: [] };
        groups.set(owner.id, g);
      }
      g.keys.push(key);
      g.indexes.push(i);
    });
    return Promise.all(
      [...groups.values()].map(async (g) => {
        const commands = build(g.keys, g.indexes);
        const replies = g.owner.id === this.cluster.selfId ? await this.runLocal(commands) : await this.cluster.forward(g.owner, commands);
        return { replies, servedBy: g.owner.id, indexes: g.indexes };
      }),
    );
  }

  /** Runs node-level commands (INFO) here, whoever owns what. */
  async local(commands: readonly string[][]): Promise<Reply[]> {
    return this.runLocal(commands);
  }

  private runLocal(commands: readonly string[][]): Reply[] | Promise<Reply[]> {
    const c = this.client;
    // The client is shared by all HTTP requests: it must never be left inside MULTI or another db.
    c.multi = null;
    c.db = 0;
    const replies: (Reply | Promise<Reply>)[] = [];
    let async = false;
    try {
      // Only non-blocking commands are sent, so every reply is synchronous and the list atomic;
      // a promise (a handler that went asynchronous) is awaited rather than assumed away.
      for (const argv of commands) {
        const r = this.executor.execute(c, argv);
        if (r instanceof Promise) async = true;
        replies.push(r);
      }
    } finally {
      c.multi = null;
    }
    return async ? Promise.all(replies) : (replies as Reply[]);
  }
}
