// KeyRouting over the ring: command lists for a key run here (not routed again) or at the owner over the shared peer links; and a lone node's.
import type { ClusterApi, ClusterMember, KeyRouting, Served, ServedGroup } from '../contracts/cluster.js';
import type { MemberInfo } from '../membership/types.js';
import { keyHashSlot, SLOT_COUNT } from '../ring/slot.js';
import { parseReply } from '../resp/reply-reader.js';
import { errorReply, type Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import type { LinkPool } from './pool.js';
import type { ClusterState } from './state.js';

/** Runs one command here, skipping routing (the caller already routed it). */
export type ExecuteHere = (client: Client, argv: string[]) => Reply | Promise<Reply>;

/**
 * Item indexes grouped by the ring index of their key's owner, in first-seen order (so replies
 * merge back in request order). Shared by the RESP router's multi-key split and KeyRouting.
 */
export function ownerGroups(state: ClusterState, keys: readonly string[]): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < keys.length; i++) {
    const owner = state.ownerIndex(keyHashSlot(keys[i] as string));
    const g = groups.get(owner);
    if (g === undefined) groups.set(owner, [i]);
    else g.push(i);
  }
  return groups;
}

/**
 * Runs `commands` back to back on `client` here. The client may be shared by many requests (the
 * HTTP API's internal client): it is never left inside MULTI or another database.
 */
export function runHere(executeHere: ExecuteHere, client: Client, commands: readonly string[][]): Reply[] | Promise<Reply[]> {
  client.multi = null;
  client.db = 0;
  const replies: (Reply | Promise<Reply>)[] = [];
  let async = false;
  try {
    // Only non-blocking commands are sent, so every reply is synchronous and the list atomic; a
    // promise (a handler that went asynchronous) is awaited rather than assumed away.
    for (const argv of commands) {
      const r = executeHere(client, argv);
      if (r instanceof Promise) async = true;
      replies.push(r);
    }
  } finally {
    client.multi = null;
  }
  return async ? Promise.all(replies) : (replies as Reply[]);
}

function served(replies: Reply[] | Promise<Reply[]>, servedBy: string): Served | Promise<Served> {
  return replies instanceof Promise ? replies.then((r) => ({ replies: r, servedBy })) : { replies, servedBy };
}

export interface KeyRoutingDeps {
  state: ClusterState;
  pool: LinkPool;
  executeHere: ExecuteHere;
  /** The ClusterMember of a ring member (cached per member record by the caller). */
  member: (info: MemberInfo) => ClusterMember;
}

/** KeyRouting for a cluster member: the ring decides, the link pool carries what runs elsewhere. */
export class RingKeyRouting implements KeyRouting {
  constructor(private readonly d: KeyRoutingDeps) {}

  ownerOf(slot: number): { owner: ClusterMember; replicas: ClusterMember[] } {
    const { state, member } = this.d;
    const r = state.range(slot);
    return { owner: member(state.info(r.owner)), replicas: r.replicas.map((i) => member(state.info(i))) };
  }

  forKey(client: Client, key: string, commands: readonly string[][]): Served | Promise<Served> {
    const state = this.d.state;
    const slot = keyHashSlot(key);
    if (state.isLocal(slot)) return served(runHere(this.d.executeHere, client, commands), state.selfId);
    const owner = state.owner(slot);
    return this.remote(owner, commands).then((replies) => ({ replies, servedBy: owner.id }));
  }

  async forKeys(client: Client, keys: readonly string[], build: (keys: string[], indexes: number[]) => string[][]): Promise<ServedGroup[]> {
    const state = this.d.state;
    const selfIdx = state.ring.members.indexOf(state.selfId);
    const groups = [...ownerGroups(state, keys)];
    return Promise.all(
      groups.map(async ([ownerIdx, indexes]) => {
        const commands = build(
          indexes.map((i) => keys[i] as string),
          indexes,
        );
        const owner = state.info(ownerIdx);
        const replies = ownerIdx === selfIdx ? await runHere(this.d.executeHere, client, commands) : await this.remote(owner, commands);
        return { replies, servedBy: owner.id, indexes };
      }),
    );
  }

  /** A list sent to the owner as one pipeline (a MULTI ... EXEC list stays a transaction there); failures answer TRYAGAIN, never a guess. */
  private async remote(owner: MemberInfo, commands: readonly string[][]): Promise<Reply[]> {
    try {
      const frames = await this.d.pool.link(owner, 2).request(commands, 0);
      return frames.map((f) => parseReply(f).reply);
    } catch (e) {
      return commands.map(() => errorReply(`TRYAGAIN owner ${owner.id} did not answer: ${(e as Error).message}`));
    }
  }
}

/** KeyRouting of a node alone (no ring): every key is local. For HTTP apps built without a cluster (unit tests). */
export function localKeyRouting(executeHere: ExecuteHere, self: () => ClusterMember): KeyRouting {
  return {
    ownerOf: () => ({ owner: self(), replicas: [] }),
    forKey: (client, _key, commands) => served(runHere(executeHere, client, commands), self().id),
    forKeys: async (client, keys, build) => {
      const indexes = keys.map((_k, i) => i);
      return [{ replies: await runHere(executeHere, client, build([...keys], indexes)), servedBy: self().id, indexes }];
    },
  };
}

/** The ClusterApi of a node alone (no ring): it is the only member and owns every slot. For HTTP apps built without a cluster (unit tests). */
export function standaloneCluster(self: () => ClusterMember): ClusterApi {
  return {
    get selfId() {
      return self().id;
    },
    members: () => [self()],
    ranges: () => [{ start: 0, end: SLOT_COUNT - 1, owner: self().id, replicas: [] }],
    epoch: () => 0,
    ok: () => true,
    markPeer: () => undefined,
  };
}
