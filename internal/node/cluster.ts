// The node's cluster part: membership (SWIM) and ClusterParts (ring, routing, handoff) built eagerly, gossip bound only at start.
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { isLoopback, type Config } from '../config/load.js';
import type { ConfigRuntime } from '../config/runtime.js';
import type { Executor } from '../executor/executor.js';
import { keyringFromSecrets } from '../membership/envelope.js';
import { Membership, type MembershipOptions } from '../membership/swim.js';
import type { MemberMeta } from '../membership/types.js';
import { clusterSourceFromView, gossipCounts } from '../observability/cluster-source.js';
import type { NodeMetrics } from '../observability/metrics.js';
import { slotCounts } from '../ring/ring.js';
import { ClusterParts } from '../routing/cluster.js';
import type { MembershipService } from '../routing/state.js';
import type { Store } from '../store/store.js';
import type { LifecycleStep } from './lifecycle.js';

export interface NodeClusterDeps {
  clock: Clock;
  config: Config;
  runtime: ConfigRuntime;
  executor: Executor;
  store: Store;
  metrics: NodeMetrics;
  log: Logger;
  /** This node's announced addresses; read at start, once the listeners are bound. */
  selfMeta: () => MemberMeta;
  serving: () => boolean;
  /** Default: the SWIM library; tests inject in-process views. */
  membership?: (opts: MembershipOptions) => MembershipService;
}

export interface NodeCluster {
  readonly parts: ClusterParts;
  readonly membership: MembershipService;
  /**
   * Two lifecycle steps: `links` (peer links, closed after the RESP and HTTP listeners so commands
   * forwarded meanwhile still complete) and `gossip` (started once the listeners are bound, so the
   * announced ports are real; drained by leaving the ring and handing keys off).
   */
  readonly steps: { readonly links: LifecycleStep; readonly gossip: LifecycleStep };
  /** Whether the graceful leave handed keys off (the final save must then run again). */
  movedKeysOnLeave(): boolean;
}

function membershipOptions(d: NodeClusterDeps): MembershipOptions {
  const cc = d.config.cluster;
  return {
    selfId: d.config.nodeId,
    meta: d.selfMeta(),
    bind: d.config.bind,
    port: cc.gossipPort,
    seeds: cc.seeds,
    clusterName: cc.name,
    keyring: keyringFromSecrets(cc.secrets),
    profile: cc.profile,
    log: d.log.child({ component: 'membership' }),
  };
}

/** Membership, ring and gossip figures for /metrics. */
function attachMetrics(d: NodeClusterDeps, parts: ClusterParts, m: MembershipService): () => void {
  const { source, close } = clusterSourceFromView(m, {
    ownedSlots: () => slotCounts(parts.state.ring)[parts.state.ring.members.indexOf(d.config.nodeId)] ?? 0,
    ringEpoch: () => parts.state.epoch,
    handoffKeys: () => parts.handoffCounts(),
    replicaStreams: () => parts.replication.figures().replicas,
    ...(m instanceof Membership ? { localHealth: () => m.stats().healthScore, gossipMessages: () => gossipCounts(m.stats()), gossipDropped: () => m.stats().dropped } : {}),
  });
  d.metrics.attachCluster(source);
  return close;
}

/** Graceful stop: leave membership first, then give up every slot and hand the keys to their new owners. */
async function leaveCluster(d: NodeClusterDeps, parts: ClusterParts, m: MembershipService): Promise<void> {
  try {
    await m.leave();
  } catch (e) {
    d.log.warn({ component: 'node', err: e }, 'leaving the cluster failed; peers will detect the node as dead');
  }
  // Links and the RESP port still work meanwhile: clients' commands are forwarded to the new owners.
  const timeoutMs = d.runtime.num('cluster.handoff_timeout_ms');
  try {
    if (!(await parts.leaveRing(timeoutMs))) {
      d.log.warn(
        { component: 'node', timeoutMs, handoff: parts.handoff.stats },
        "handoff did not finish (new owners unreachable or leaving too, or cluster.handoff_timeout_ms passed); the keys left stay in this node's files until it rejoins",
      );
    }
  } catch (e) {
    d.log.warn({ component: 'node', err: e }, 'handing keys off failed');
  }
}

/**
 * Without a cluster secret gossip is in clear and peer links unauthenticated: config refuses that on
 * a non-loopback bind unless cluster.insecure (config/load.ts); what it lets through is said here.
 */
function warnIfOpen(d: NodeClusterDeps): void {
  const cc = d.config.cluster;
  const log = d.log.child({ component: 'membership' });
  // The keys are SHA-256 of the secret with no stretching: a short one can be guessed offline from one captured packet.
  if (cc.secrets.some((s) => s.length < 16)) log.warn('a cluster secret is shorter than 16 characters; use a long random one (openssl rand -hex 32)');
  if (cc.secrets.length > 0) return;
  if (isLoopback(d.config.bind)) {
    log.warn({ bind: d.config.bind }, 'no cluster.secret: gossip is in clear and peer links are unauthenticated; any process on this machine can join the ring and receive keys (set cluster.secret or cluster.secret_file, as the shipped configs do)');
  } else {
    log.warn({ bind: d.config.bind }, 'cluster.insecure: gossip and peer links are open to anyone who can reach this address; they can join the ring and receive keys');
  }
}

export function createNodeCluster(d: NodeClusterDeps): NodeCluster {
  const opts = membershipOptions(d);
  // Always gossiping, seeds or not: a node started alone is a cluster of one that others can join.
  const membership = d.membership ? d.membership(opts) : new Membership(opts);
  let gossipPort = 0;
  const parts = new ClusterParts({
    selfId: d.config.nodeId,
    membership,
    executor: d.executor,
    store: d.store,
    tokens: d.config.cluster.tokens,
    seeded: d.config.cluster.seeds.length > 0,
    mode: () => d.runtime.str('cluster.mode') as 'proxy' | 'redirect',
    forwardTimeoutMs: () => d.runtime.num('cluster.forward_timeout_ms'),
    password: () => d.runtime.str('requirepass'),
    secrets: d.config.cluster.secrets,
    ...(membership instanceof Membership ? { gossipDropped: () => membership.stats().dropped } : {}),
    selfMeta: d.selfMeta,
    gossipPort: () => gossipPort,
    serving: d.serving,
    log: d.log,
    observeForward: (outcome, seconds) => d.metrics.forwarding.observe(outcome, seconds),
    clock: d.clock,
    replicas: d.config.cluster.replicas,
    replicaReads: () => d.runtime.str('cluster.replica_reads') as 'readonly' | 'always',
    replicationMode: () => d.runtime.str('replication.mode') as 'async' | 'sync',
    syncTimeoutMs: () => d.runtime.num('replication.sync_timeout_ms'),
    flipDelayMs: () => d.runtime.num('cluster.migration_flip_delay_ms'),
  });
  d.executor.router = parts.router;
  // The owner's writes of each slot stream to its replicas (replication/cluster-replication.ts).
  d.executor.addJournal(parts.replication);
  const detachMetrics = attachMetrics(d, parts, membership);
  let moved = false;
  const links: LifecycleStep = {
    name: 'cluster-links',
    stop: () => {
      detachMetrics();
      parts.close();
    },
  };
  const gossip: LifecycleStep = {
    name: 'gossip',
    start: async () => {
      warnIfOpen(d);
      gossipPort = (await membership.start(d.selfMeta())).port;
    },
    drain: async () => {
      const before = parts.handoff.stats.sent;
      await leaveCluster(d, parts, membership);
      moved = parts.handoff.stats.sent !== before;
    },
    stop: () => membership.stop(),
  };
  return { parts, membership, steps: { links, gossip }, movedKeysOnLeave: () => moved };
}
