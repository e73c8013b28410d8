// In-process clusters for tests: several nodes in one process sharing a test membership hub instead of gossip.
//
// The hub is a stand-in for SWIM with exact, instant knowledge: a node joins when it starts,
// leaves when it stops, and a test can mark a member suspect or dead (as a failure detector
// would) to drive routing through every membership state without timing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { closeAll } from './clients.js';
import { localConfig } from '../config/load.js';
import type { ConfigValue } from '../config/schema.js';
import type { MemberChange, MemberInfo, MemberState } from '../membership/types.js';
import type { MembershipOptions } from '../membership/swim.js';
import { createNode, type NodeAddresses, type RingcacheNode } from '../node/node.js';
import type { MembershipService } from '../routing/state.js';

type Listener = (c: MemberChange) => void;

export class TestMembershipHub {
  private readonly members = new Map<string, MemberInfo>();
  private readonly listeners = new Map<string, Set<Listener>>();

  /** A MembershipService for one node (pass as NodeDeps.membership). */
  readonly factory = (opts: MembershipOptions): MembershipService => {
    const selfId = opts.selfId;
    const subs = new Set<Listener>();
    this.listeners.set(selfId, subs);
    return {
      selfId,
      gossipAddr: `127.0.0.1:0`,
      members: () => [...this.members.values()],
      ringMembers: () => [...this.members.values()].filter((m) => m.state === 'alive' || m.state === 'suspect'),
      onChange: (fn) => {
        subs.add(fn);
        return () => subs.delete(fn);
      },
      start: async (meta) => {
        this.set({ id: selfId, gossipAddr: '127.0.0.1:0', meta, state: 'alive', incarnation: (this.members.get(selfId)?.incarnation ?? 0) + 1 });
        return { port: 0 };
      },
      leave: async () => this.setState(selfId, 'left'),
      stop: async () => {
        this.listeners.delete(selfId);
      },
    };
  };

  private set(info: MemberInfo): void {
    const previous = this.members.get(info.id)?.state ?? null;
    this.members.set(info.id, info);
    for (const subs of this.listeners.values()) for (const fn of subs) fn({ member: info, previous });
  }

  /** What a failure detector would conclude about `id`. */
  setState(id: string, state: MemberState): void {
    const m = this.members.get(id);
    if (m === undefined) throw new Error(`unknown member ${id}`);
    this.set({ ...m, state });
  }
}

export interface InProcessCluster {
  readonly hub: TestMembershipHub;
  readonly nodes: RingcacheNode[];
  readonly addresses: NodeAddresses[];
  /** RESP port of node i. */
  port(i: number): number;
  stop(): Promise<void>;
}

/** Starts `n` nodes (ids n1..nN) on ephemeral loopback ports, all members of one hub. */
export async function startInProcessCluster(n: number, overrides: Record<string, ConfigValue> = {}): Promise<InProcessCluster> {
  const hub = new TestMembershipHub();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-inproc-'));
  const nodes: RingcacheNode[] = [];
  const addresses: NodeAddresses[] = [];
  for (let i = 1; i <= n; i++) {
    const cfg = localConfig({
      node_id: `n${i}`,
      dir: path.join(dir, `n${i}`),
      // Seeds make the cluster rules (CROSSSLOT) apply from the start; the hub ignores them.
      'cluster.seeds': '127.0.0.1:1',
      'cluster.forward_timeout_ms': 2000,
      // Routing, tracking and handoff tests count keys per owner: no replica copies unless asked
      // (replication is tested on spawned clusters, internal/replication/).
      'cluster.replicas': 0,
      ...overrides,
    });
    const node = createNode(cfg, { log: pino({ level: 'silent' }), membership: hub.factory });
    nodes.push(node);
    addresses.push(await node.start());
  }
  return {
    hub,
    nodes,
    addresses,
    port: (i) => (addresses[i] as NodeAddresses).resp.port,
    stop: async () => {
      for (const node of nodes) await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A describe block's cluster of `n` nodes: started in its beforeAll, its clients (closeAll) and
 * nodes stopped in its afterAll. Call the returned function inside tests.
 */
export function useInProcessCluster(n: number): () => InProcessCluster {
  let cluster: InProcessCluster | undefined;
  beforeAll(async () => {
    cluster = await startInProcessCluster(n);
  });
  afterAll(async () => {
    closeAll();
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined) throw new Error('the cluster has not started');
    return cluster;
  };
}
