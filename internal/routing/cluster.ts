// The cluster side of a node: membership -> ClusterState -> Router + LinkPool, and the views CLUSTER commands and the HTTP API read.
import { INTERNAL_USER } from '../acl/user.js';
import os from 'node:os';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.js';
import type { ClusterApi, ClusterMember, ClusterSlotRange, KeyRouting } from '../contracts/cluster.js';
import type { MemberInfo, MemberMeta } from '../membership/types.js';
import { errors } from '../contracts/errors.js';
import { PeerAuth } from './peer-auth.js';
import { LinkPool } from './pool.js';
import { Router } from './router.js';
import { ClusterState, type MembershipService } from './state.js';
import type { Executor } from '../executor/executor.js';
import type { Store } from '../store/store.js';
import { Handoff } from './handoff.js';
import { RingKeyRouting } from './key-routing.js';
import { RemoteTracking } from './remote-tracking.js';
import { ClusterReplication } from '../replication/cluster-replication.js';
import { rangesMask } from '../replication/cluster-slots.js';

/**
 * The host a node announces (CLUSTER SLOTS, -MOVED, gossip metadata). Never empty and never a
 * wildcard: `announce` when set; else the bind address; a wildcard bind announces this machine's
 * first non-internal IPv4 address (loopback when it has none).
 */
export function announceHost(announce: string, bind: string, interfaces = os.networkInterfaces()): string {
  if (announce !== '') return announce;
  if (bind !== '' && bind !== '0.0.0.0' && bind !== '::' && bind !== '::0') return bind;
  for (const list of Object.values(interfaces)) {
    for (const i of list ?? []) if (i.family === 'IPv4' && !i.internal) return i.address;
  }
  return '127.0.0.1';
}

export interface ClusterPartsOptions {
  selfId: string;
  membership: MembershipService;
  executor: Executor;
  /** The node's data: keys whose slots move are handed off from it. */
  store: Store;
  tokens: number;
  /** Node was given seeds: Redis Cluster's rules apply even while it is alone. */
  seeded: boolean;
  mode: () => 'proxy' | 'redirect';
  forwardTimeoutMs: () => number;
  password: () => string;
  /** cluster.secret's keyring: peer links prove it in CLUSTER PEER, and this node requires the proof (peer-auth.ts). Empty: no proof. */
  secrets?: readonly string[];
  /** Gossip packets dropped by reason (INFO cluster), when membership counts them. */
  gossipDropped?: () => Readonly<Record<string, number>>;
  /** This node's announced addresses (known once the listeners are bound). */
  selfMeta: () => MemberMeta;
  gossipPort: () => number;
  /** Node started (data loaded, listeners bound, membership started) and not stopping. */
  serving: () => boolean;
  log: Logger;
  /** Forwarded commands' outcomes and latencies (NodeMetrics.forwarding). */
  observeForward?: (outcome: string, seconds: number) => void;
  /** How long a seeded node that has met nobody waits before serving alone (ms). */
  joinGraceMs?: number;
  /** Join grace, link deadlines and backoff, handoff's client (default systemClock). */
  clock?: Clock;
  /** cluster.replicas: copies of each slot on the next members clockwise (default 0: none). */
  replicas?: number;
  /** cluster.replica_reads (default readonly). */
  replicaReads?: () => 'readonly' | 'always';
  /** replication.mode and replication.sync_timeout_ms (default async). */
  replicationMode?: () => 'async' | 'sync';
  syncTimeoutMs?: () => number;
  /** cluster.migration_flip_delay_ms (default 0). */
  flipDelayMs?: () => number;
}

/** Membership-backed routing, CLUSTER command data and the HTTP API's key routing, wired together. */
export class ClusterParts {
  readonly state: ClusterState;
  readonly pool: LinkPool;
  readonly router: Router;
  readonly handoff: Handoff;
  readonly api: ClusterApi;
  /** Command lists for a key, run where the key lives (the HTTP API's path; the same ring and links as the router). */
  readonly keys: KeyRouting;
  /** Client-side caching of keys other members own (routing/remote-tracking.ts). */
  readonly tracking: RemoteTracking;
  /** Streams of this node's slots to their replicas and of other owners' slots to here (replication/cluster-replication.ts). */
  readonly replication: ClusterReplication;
  private readonly clock: Clock;
  /** When this node first served (the join grace counts from there, not from construction: loading data may take long). */
  private servingSince = -1;

  constructor(private readonly o: ClusterPartsOptions) {
    const clock = o.clock ?? systemClock;
    this.clock = clock;
    this.peerAuth = new PeerAuth({ selfId: o.selfId, secrets: o.secrets ?? [] });
    this.state = new ClusterState(o.membership, o.tokens, o.log.child({ component: 'ring' }), o.replicas ?? 0);
    this.tracking = new RemoteTracking(o.executor.tracking, this.state, o.log.child({ component: 'tracking' }));
    this.pool = new LinkPool({
      selfId: o.selfId,
      password: o.password,
      secrets: o.secrets ?? [],
      timeoutMs: o.forwardTimeoutMs,
      log: o.log.child({ component: 'routing' }),
      clock,
      ...(o.observeForward ? { observe: o.observeForward } : {}),
      onPush: (peer, frame) => this.tracking.onPush(peer, frame),
      onTrackingLost: (peer) => this.tracking.onTrackingLost(peer),
    });
    this.router = new Router({
      state: this.state,
      pool: this.pool,
      executeHere: (client, argv) => o.executor.executeHere(client, argv),
      resolve: (argv) => o.executor.resolve(argv),
      unwatchLocal: (client) => o.executor.unwatch(client),
      mode: o.mode,
      timeoutMs: o.forwardTimeoutMs,
      seeded: o.seeded,
      log: o.log.child({ component: 'routing' }),
      tracking: this.tracking,
    });
    this.handoff = new Handoff({
      state: this.state,
      pool: this.pool,
      store: o.store,
      executeHere: (client, argv) => o.executor.executeHere(client, argv),
      timeoutMs: o.forwardTimeoutMs,
      now: () => clock.now(),
      log: o.log.child({ component: 'handoff' }),
    });
    // Links to members that left the ring are closed; their in-flight requests fail with TRYAGAIN.
    // Keys whose slots now belong to another member are handed to it (routing/handoff.ts).
    this.state.onRingChange((ring) => {
      this.pool.retain(new Set(ring.members));
      if (ring.members.length > 1) this.metPeer = true;
      this.tracking.onRingChange();
      this.handoff.kick();
    });
    this.replication = new ClusterReplication({
      selfId: o.selfId,
      state: this.state,
      store: o.store,
      pool: this.pool,
      resolve: (argv) => o.executor.resolve(argv),
      executeHere: (client, argv) => o.executor.executeHere(client, argv),
      timeoutMs: o.forwardTimeoutMs,
      mode: o.replicationMode ?? (() => 'async'),
      syncTimeoutMs: o.syncTimeoutMs ?? (() => 1000),
      flipDelayMs: o.flipDelayMs ?? (() => 0),
      replicaReads: o.replicaReads ?? (() => 'readonly'),
      ready: () => this.ready(),
      log: o.log.child({ component: 'replication' }),
      clock,
    });
    this.handoff.placement = (slot, e) => this.replication.placement(slot, e);
    // Moving slots: served by their previous holder until the flip; then its copy is dropped by the handoff.
    this.router.moves = this.replication.migrations;
    this.replication.onHanded = () => this.handoff.kick();
    this.handoff.onIdle = () => this.replication.handoffIdle();
    this.router.readHere = (client, slot) => this.replication.readHere(client, slot);
    this.api = this.buildApi();
    this.keys = new RingKeyRouting({ state: this.state, pool: this.pool, executeHere: (client, argv) => o.executor.executeHere(client, argv), member: (m) => this.memberOf(m) });
  }

  private metPeer = false;
  /** Checks CLUSTER PEER proofs (peer-auth.ts). */
  private readonly peerAuth: PeerAuth;
  private peerRefusedLogAt = -Infinity;
  private peerRefused = 0;

  /** A refused CLUSTER PEER: warned about at most once per 10 s, with how many were refused meanwhile. */
  private warnPeerRefused(peerId: string, reason: string): void {
    this.peerRefused++;
    const now = this.clock.now();
    if (now - this.peerRefusedLogAt < 10_000) return;
    this.peerRefusedLogAt = now;
    this.o.log.warn({ component: 'routing', peer: peerId, reason, refused: this.peerRefused }, 'CLUSTER PEER refused: not proven a member (cluster.secret)');
    this.peerRefused = 0;
  }

  /**
   * Serving as far as the cluster is concerned: a node given seeds waits until it has met another
   * member (or the join grace passed: the seeds may be down for good, and a cluster of one is still
   * a cluster), so a restarting member does not take writes for slots its peers own. Once met, it
   * stays ready: losing peers later moves their slots here.
   */
  ready(): boolean {
    if (!this.o.serving()) return false;
    if (!this.o.seeded || this.metPeer) return true;
    if (!this.state.alone) {
      this.metPeer = true;
      return true;
    }
    const now = this.clock.now();
    if (this.servingSince < 0) this.servingSince = now;
    return now - this.servingSince > (this.o.joinGraceMs ?? 10_000);
  }

  /** Member info with this node's own addresses filled in (membership may not know them before start). */
  private info(m: MemberInfo): MemberInfo {
    return m.id === this.o.selfId ? { ...m, meta: this.o.selfMeta(), state: 'alive' } : m;
  }

  /** Every member membership knows, self first-class even before membership lists it. */
  private allMembers(): MemberInfo[] {
    const list = this.o.membership.members().map((m) => this.info(m));
    if (!list.some((m) => m.id === this.o.selfId)) {
      list.unshift({ id: this.o.selfId, gossipAddr: '', meta: this.o.selfMeta(), state: 'alive', incarnation: 0 });
    }
    return list;
  }

  /** Ring member records -> ClusterMember, cached per record (membership replaces a record when it changes). */
  private readonly members = new Map<MemberInfo, ClusterMember>();

  private memberOf(m: MemberInfo): ClusterMember {
    if (m.id === this.o.selfId) return this.toMember(m);
    let out = this.members.get(m);
    if (out === undefined) {
      if (this.members.size > 1024) this.members.clear();
      out = this.toMember(m);
      this.members.set(m, out);
    }
    return out;
  }

  private toMember(m: MemberInfo): ClusterMember {
    const i = this.info(m);
    const self = i.id === this.o.selfId;
    return {
      id: i.id,
      host: i.meta.host,
      respPort: i.meta.respPort,
      httpPort: i.meta.httpPort,
      gossipPort: self ? this.o.gossipPort() : Number(i.gossipAddr.slice(i.gossipAddr.lastIndexOf(':') + 1)) || 0,
      state: i.state,
      self,
    };
  }

  private buildApi(): ClusterApi {
    const state = this.state;
    const o = this.o;
    return {
      selfId: o.selfId,
      members: () => this.allMembers().map((m) => this.memberOf(m)),
      ranges: (): ClusterSlotRange[] =>
        state.ring.ranges.map((r) => ({
          start: r.start,
          end: r.end,
          owner: state.ring.members[r.owner] as string,
          replicas: r.replicas.map((i) => state.ring.members[i] as string),
        })),
      epoch: () => state.epoch,
      ok: () => this.ready(),
      markPeer: (client, peerId, proof) => {
        const auth = this.peerAuth.verify(peerId, proof);
        if (!auth.ok) {
          this.warnPeerRefused(peerId, auth.reason);
          throw errors.generic(`CLUSTER PEER refused: ${auth.reason}`);
        }
        client.peer = true;
        // The node that received a forwarded command checked it against its client's user already.
        client.user = INTERNAL_USER;
      },
      noteHandoff: (outcome) => this.handoff.noteReceived(outcome),
      handoffStats: () => ({ ...this.handoffCounts(), inProgress: this.handoff.busy || this.replication.migrations.busy }),
      ...(o.gossipDropped ? { gossipDropped: o.gossipDropped } : {}),
      replFeed: (sender, replid, offset, full, payload, migrate) =>
        migrate === true ? this.replication.migrations.feed(sender, replid, offset, full, payload) : this.replication.replFeed(sender, replid, offset, full, payload),
      dropStale: (ranges) => {
        const mask = rangesMask(ranges);
        return mask === null ? null : this.replication.dropStale(mask);
      },
      setReadonly: (client, on) => this.replication.setReadonly(client, on),
      replicationFigures: () => this.replication.figures(),
      waitReplicas: (n, ms, mayBlock, client) => this.replication.waitReplicas(n, ms, mayBlock, client),
    };
  }

  /** Keys handed off and received: by the handoff, and by slot migrations (sent at their flip, received as applied). */
  handoffCounts(): { sent: number; received: number; replaced: number; skipped: number } {
    const h = this.handoff.stats;
    const m = this.replication.migrations.stats;
    return { sent: h.sent + m.keysOut, received: h.received + m.keysIn, replaced: h.replaced + m.keysReplaced, skipped: h.skipped };
  }

  /**
   * Graceful stop, after membership announced the leave: gives up every slot and hands every key
   * to its new owner, for at most `timeoutMs`. Resolves true when nothing was left behind.
   */
  async leaveRing(timeoutMs: number): Promise<boolean> {
    this.state.leave();
    if (this.state.alone) return true;
    // The slots stream to their new owners while this node serves them, then flip; the handoff sends what is left.
    const t0 = this.clock.now();
    const migrated = await this.replication.migrations.drain(timeoutMs);
    const drained = await this.handoff.drain(Math.max(0, timeoutMs - (this.clock.now() - t0)));
    return migrated && drained;
  }

  close(): void {
    this.replication.close();
    this.handoff.close();
    this.pool.close();
    this.state.close();
  }
}
