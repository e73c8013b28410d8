// Cluster replication: the owner of each slot streams its journaled writes to the slot's replicas (the next ring members clockwise); replicas apply them, and take over at once when the ring drops the owner.
//
// The ring already names each slot's replicas (ring/ring.ts); failover needs no election: when
// membership declares an owner dead every node builds the same ring, in which the first replica
// owns the slot and already holds its keys. This class is the executor's Journal on the owner
// side (one PeerStream per replica member, cluster-stream.ts), the ReplicaApplier on the replica
// side (cluster-apply.ts), and tells the handoff which keys a replica keeps (docs/replication.md).
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { keyIndexes } from '../commands/spec.js';
import type { CommandSpec } from '../contracts/command.js';
import { CommandError } from '../contracts/errors.js';
import { DurabilityError, type Journal } from '../executor/executor.js';
import type { MemberInfo } from '../membership/types.js';
import { parseReply } from '../resp/reply-reader.js';
import type { Reply } from '../resp/reply.js';
import { rangeOf, type Ring } from '../ring/ring.js';
import { keyHashSlot, SLOT_COUNT } from '../ring/slot.js';
import type { LinkPool } from '../routing/pool.js';
import type { ClusterState } from '../routing/state.js';
import { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import type { Entry } from '../store/types.js';
import { REPL_DROP, ReplicaApplier, type FeedAnswer } from './cluster-apply.js';
import { Quorum } from './cluster-quorum.js';
import { added, emptyMask, isEmpty, maskRanges, recordFor, replicaMask, replicatedIn, streamMasks, type SlotMask } from './cluster-slots.js';
import { SlotMigrations } from './cluster-migrate.js';
import { PeerStream } from './cluster-stream.js';

/** What the handoff does with a key of a slot this node does not own (routing/handoff.ts). */
export type Placement = 'move' | 'copy' | 'keep' | 'drop';

export interface ClusterReplicationDeps {
  selfId: string;
  state: ClusterState;
  store: Store;
  pool: LinkPool;
  resolve: (argv: readonly string[]) => CommandSpec;
  executeHere: (client: Client, argv: string[]) => Reply | Promise<Reply>;
  timeoutMs: () => number;
  mode: () => 'async' | 'sync';
  syncTimeoutMs: () => number;
  /** cluster.migration_flip_delay_ms (cluster-migrate.ts). */
  flipDelayMs?: () => number;
  /** cluster.replica_reads: replica copies serve READONLY connections only, or every client. */
  replicaReads: () => 'readonly' | 'always';
  /** This node serves (cluster_state ok): its copies are current. */
  ready: () => boolean;
  log: Logger;
  clock: Clock;
  /** Backlog bytes per replica stream (default 8 MB). */
  backlogBytes?: number;
}

const NO_PEERS: readonly PeerStream[] = [];

/**
 * The error a sync-mode write answers when a replica did not acknowledge it in time. NOREPLICAS is
 * the class Redis clients know for "not enough replicas" (min-replicas-to-write); unlike Redis's
 * refusal, the write already ran on the owner, so the line says it may be applied.
 */
export function syncTimeoutReply(ms: number): string {
  return `NOREPLICAS Not enough good replicas to write: a replica did not acknowledge the write within replication.sync_timeout_ms (${ms} ms); it may have been applied on the owner only`;
}

/** The refusal of a sync-mode write on the minority side of a partition (Redis Cluster's CLUSTERDOWN class; the write did not run). */
export function minorityRefusal(visible: number, known: number): CommandError {
  return new CommandError('CLUSTERDOWN', `The cluster is down: this node sees ${visible} of ${known} members, no majority; replication.mode sync refuses writes on the minority side of a partition`);
}

/**
 * How long a ring must have been served before this node's copies of the slots it owned in it count
 * as current. A node that restarts meets the members one by one: for the moment it spends in a
 * partial ring (say with one of two peers) it "owns" slots the absent peer kept serving all along,
 * and its on-disk copies of them are stale; handing those over would bring back deleted keys.
 */
const SETTLE_MS = 2000;

export class ClusterReplication implements Journal {
  private readonly streams = new Map<string, PeerStream>();
  /** slot -> the streams of its replicas (empty for slots this node does not own). */
  private slotPeers: (readonly PeerStream[])[] = new Array<readonly PeerStream[]>(SLOT_COUNT).fill(NO_PEERS);
  private ringSeen: Ring | null = null;
  private prevRing: Ring | null = null;
  /** Slots this node holds as a replica now. */
  private replicated: SlotMask = emptyMask();
  /**
   * Owned slots whose copy here is whole: owned since start-up, or replicated before this node took
   * them over. A slot taken over with no copy (all its holders gone at once, as the two nodes of a
   * partition's minority side that held a slot's only copies) holds only what was written since:
   * CLUSTER DROPSTALE is not sent for it, so the returning holders keep their older keys and the
   * handoff merges (a key written here replaces theirs).
   */
  private held: SlotMask = emptyMask().fill(1);
  /** Slots this node owned before the last ring change and now replicates: its copy goes to the new owner (handoff 'copy'). */
  private copySlots: SlotMask = emptyMask();
  /** Whether this node was serving before the ring change (its copies were current). */
  private servedBefore = false;
  /** When the ring last changed (clock ms). */
  private ringSince = 0;
  /** The first ring change this node saw while serving (clock ms): how long it has been a serving member. */
  private servingSince = Number.POSITIVE_INFINITY;
  /** Inside a journaled MULTI ... EXEC: the db its writes are in (a queued SELECT moves it). */
  private txDb: number | null = null;
  private readonly readonlyClients = new WeakSet<Client>();
  readonly applier: ReplicaApplier;
  /** Slots moving between this node and others on ring changes (cluster-migrate.ts). */
  readonly migrations: SlotMigrations;
  /** Slots were handed over at a migration's flip (set by the node: the handoff drops this node's copies). */
  onHanded: (() => void) | null = null;
  private readonly client: Client;
  /** Per client: where its last write ends on each replica stream it wrote to, and that stream's history (WAIT). */
  private readonly writeMarks = new WeakMap<Client, Map<PeerStream, { offset: number; replid: string }>>();
  /** The last client marked (a connection's writes come in runs): saves the WeakMap lookup. */
  private lastMarks: { client: Client; marks: Map<PeerStream, { offset: number; replid: string }> } | null = null;
  /** Sync-mode writes that failed because a replica did not acknowledge in time (INFO). */
  syncTimeouts = 0;
  /**
   * Records were appended since the last whenDurable(): the connection flushing now ran the
   * writes (a batch runs and flushes in one go), so only its replies wait for the replicas;
   * other clients' reads are not held up by them.
   */
  private appended = false;
  /** Every member seen in the ring, dead or alive (cluster-quorum.ts). */
  private readonly quorum = new Quorum();
  /** This node's ring holds no majority of the known members: it is on the minority side of a partition. */
  private minority = false;

  constructor(private readonly deps: ClusterReplicationDeps) {
    this.client = new Client(0, 'replication', '', -1, deps.clock.now(), true, () => undefined);
    this.applier = new ReplicaApplier({
      store: deps.store,
      // A slot this node still serves for its new owner is its own until the flip: no stream writes it.
      isLocal: (slot) => deps.state.isLocal(slot) || this.migrations.holds(slot),
      ownerOf: (slot) => deps.state.ring.members[deps.state.ownerIndex(slot)] as string,
      resolve: deps.resolve,
      executeHere: deps.executeHere,
      refuseFull: (sender) => this.copyPendingTo(sender),
      now: () => deps.clock.now(),
      log: deps.log,
    });
    this.migrations = new SlotMigrations({
      selfId: deps.selfId,
      state: deps.state,
      store: deps.store,
      pool: deps.pool,
      resolve: deps.resolve,
      executeHere: deps.executeHere,
      timeoutMs: deps.timeoutMs,
      log: deps.log.child({ component: 'migration' }),
      clock: deps.clock,
      backlogBytes: deps.backlogBytes ?? 8 * 1024 * 1024,
      flipDelayMs: deps.flipDelayMs ?? (() => 0),
      onImportChange: () => this.syncStreams(this.deps.state.ring),
      onHanded: () => {
        this.rebuildSlotPeers(this.deps.state.ring);
        this.onHanded?.();
      },
    });
    deps.state.onRingChange(() => this.refresh());
    this.refresh();
  }

  /** Re-reads the ring (also called lazily: another ring listener may ask before this one ran). */
  refresh(): void {
    const ring = this.deps.state.ring;
    if (ring === this.ringSeen) return;
    const prev = this.ringSeen;
    this.prevRing = prev;
    this.ringSeen = ring;
    const self = this.deps.selfId;
    const now0 = this.deps.clock.now();
    // Slots moving in or out (cluster-migrate.ts) are decided first: replica streams leave imported slots out.
    this.migrations.onRingChange(prev, ring, this.servedBefore && (now0 - this.ringSince >= SETTLE_MS || now0 - this.servingSince >= SETTLE_MS));
    this.syncStreams(ring);
    this.checkQuorum(ring);
    const replicated = replicaMask(ring, self);
    const copy = emptyMask();
    const handedTo = new Map<string, SlotMask>();
    const me = ring.members.indexOf(self);
    const now = this.deps.clock.now();
    // Without replicas an interim owner holds only what was written to it after the death: the
    // returning owner's files are the rest, so nothing is dropped there (the handoff merges).
    // A copy is current when this node served the previous ring for SETTLE_MS, or has been a serving
    // member for that long: an interim owner that took a dead member's slots a moment ago still holds
    // them current (it replicated them), so a member returning right after must drop its disk copies.
    // Only a node that itself just started (a partial ring while it meets its peers) is not current.
    if (this.servedBefore && this.servingSince === Number.POSITIVE_INFINITY) this.servingSince = this.ringSince;
    const served = this.servedBefore && (now - this.ringSince >= SETTLE_MS || now - this.servingSince >= SETTLE_MS) && this.deps.state.replicas > 0;
    if (prev !== null) {
      const prevMe = prev.members.indexOf(self);
      for (let s = 0; s < SLOT_COUNT; s++) {
        const nowOwner = ring.owners[s] as number;
        if (this.copySlots[s] === 1 && replicated[s] === 1) copy[s] = 1;
        if (prevMe < 0 || prev.owners[s] !== prevMe || nowOwner === me) continue;
        // This node owned s and served it: its copy is current. The new owner gets it (kept here
        // too when this node replicates s now) and hears that its on-disk copy of s is stale. A
        // node that owned s only alone at start-up, before meeting anyone, has nothing current.
        if (served) {
          if (replicated[s] === 1) copy[s] = 1;
          if (this.held[s] !== 1) continue;
          const id = ring.members[nowOwner] as string;
          let m = handedTo.get(id);
          if (m === undefined) handedTo.set(id, (m = emptyMask()));
          m[s] = 1;
        }
      }
    }
    const held = emptyMask();
    if (prev !== null) {
      const prevMe = prev.members.indexOf(self);
      for (let s = 0; s < SLOT_COUNT; s++) if (ring.owners[s] === me && ((prev.owners[s] === prevMe && this.held[s] === 1) || this.replicated[s] === 1)) held[s] = 1;
      this.held = held;
    }
    this.replicated = replicated;
    this.copySlots = copy;
    // On the minority side this node's copies are not current: the majority served the same slots.
    this.servedBefore = this.deps.ready() && !this.minority;
    this.ringSince = now;
    this.applier.forget(new Set(ring.members));
    for (const [id, m] of handedTo) this.dropStaleAt(this.memberInfo(ring, id), m);
  }

  /**
   * Counts the ring against the known members. Losing the majority marks every key here as not
   * current (Entry.fromDisk, the mark of a restarted node's files): when the partition heals, the
   * majority's owners drop those copies (CLUSTER DROPSTALE) and send theirs, so a key the majority
   * deleted or rewrote meanwhile does not come back from here. Regaining it marks them again: async
   * mode accepted writes on the minority side, and the majority's copies win over them too (as a
   * Redis Cluster master that rejoins as a replica loses what it took while cut off).
   */
  private checkQuorum(ring: Ring): void {
    const states = new Map(this.deps.state.view.members().map((m) => [m.id, m.state]));
    const minority = !this.quorum.update(ring.members, (id) => states.get(id));
    if (minority && !this.minority) {
      for (let db = 0; db < this.deps.store.databases; db++) this.deps.store.db(db).markLoadedFromDisk();
      this.deps.log.warn({ members: ring.members.length, known: this.quorum.size }, 'no majority of the cluster reachable: this node is on the minority side; its copies count as stale');
    } else if (!minority && this.minority) {
      for (let db = 0; db < this.deps.store.databases; db++) this.deps.store.db(db).markLoadedFromDisk();
      this.deps.log.warn({ members: ring.members.length, known: this.quorum.size }, 'majority reachable again; copies written on the minority side count as stale');
    }
    this.minority = minority;
  }

  /**
   * The write gate (executor and scripts): in sync mode a node on the minority side refuses client
   * writes before they run, since it cannot replicate them to the side that took its slots over.
   * The node's internal clients (id 0: stream apply, handoff, AOF load) pass.
   */
  refuseWrite(client: Client): CommandError | null {
    if (!this.minority || client.id === 0 || this.deps.mode() !== 'sync') return null;
    this.refresh();
    return this.minority ? minorityRefusal(this.deps.state.ring.members.length, this.quorum.size) : null;
  }

  /** Replica streams follow the slots this node serves: one per replica member, with the slots it takes from here. */
  private syncStreams(ring: Ring): void {
    const self = this.deps.selfId;
    const masks = streamMasks(ring, self);
    // A slot imported here reaches the replicas whole at its flip (its stream's records are the previous holder's writes).
    if (this.migrations.active) for (const m of masks.values()) for (let s = 0; s < SLOT_COUNT; s++) if (m[s] === 1 && this.migrations.importing(s)) m[s] = 0;
    for (const [id, s] of this.streams) {
      if (masks.has(id)) continue;
      s.close();
      this.streams.delete(id);
    }
    for (const [id, mask] of masks) {
      const info = this.memberInfo(ring, id);
      const s = this.streams.get(id);
      if (s === undefined) {
        this.streams.set(id, new PeerStream(info, mask, { selfId: self, store: this.deps.store, makeLink: (m) => this.deps.pool.dedicated(m), timeoutMs: this.deps.timeoutMs, log: this.deps.log, clock: this.deps.clock, backlogBytes: this.deps.backlogBytes ?? 8 * 1024 * 1024 }));
        continue;
      }
      const grown = added(s.mask, mask);
      const shrunk = !isEmpty(added(mask, s.mask));
      s.mask = mask;
      s.updatePeer(info);
      // A copy still in flight names slots the peer no longer takes from here (it would refuse
      // them): start it over with the current slots.
      if (shrunk && !s.established) s.restart('its slots changed during the copy');
      else if (!isEmpty(grown)) s.copy(grown);
    }
    this.rebuildSlotPeers(ring);
  }

  private memberInfo(ring: Ring, id: string): MemberInfo {
    return this.deps.state.info(ring.members.indexOf(id));
  }

  private rebuildSlotPeers(ring: Ring): void {
    const out = new Array<readonly PeerStream[]>(SLOT_COUNT).fill(NO_PEERS);
    const me = ring.members.indexOf(this.deps.selfId);
    for (const r of ring.ranges) {
      if (r.owner !== me || r.replicas.length === 0) continue;
      const list = r.replicas.map((i) => this.streams.get(ring.members[i] as string)).filter((s): s is PeerStream => s !== undefined);
      for (let s = r.start; s <= r.end; s++) out[s] = list;
    }
    // A slot this node still serves for its new owner journals its writes to the migration stream.
    if (this.migrations.active) {
      for (let s = 0; s < SLOT_COUNT; s++) {
        const m = this.migrations.streamOf(s);
        if (m !== null) out[s] = [m];
      }
    }
    this.slotPeers = out;
  }

  /** CLUSTER DROPSTALE to the new owner of slots this node served: its keys of them loaded from disk are older than ours. */
  private dropStaleAt(info: MemberInfo, mask: SlotMask): void {
    if (info.meta.respPort === 0) return;
    const argv = ['CLUSTER', 'DROPSTALE', ...maskRanges(mask).map(String)];
    this.deps.pool
      .link(info, 2)
      .request([argv], 0)
      .then((frames) => {
        const r = parseReply(frames[0] as Buffer).reply;
        if (r.t === 'error') this.deps.log.warn({ peer: info.id, reply: r.v }, 'new owner refused CLUSTER DROPSTALE');
      })
      .catch((e: unknown) => this.deps.log.warn({ peer: info.id, err: String(e) }, 'CLUSTER DROPSTALE not delivered'));
  }

  /** CLUSTER DROPSTALE here: keys of `mask` still as loaded from disk at start-up are dropped (a peer served newer copies). */
  dropStale(mask: SlotMask): number {
    let n = 0;
    const byDb: string[][] = [];
    for (let db = 0; db < this.deps.store.databases; db++) {
      const victims: string[] = [];
      for (const [key, e] of this.deps.store.db(db).entries()) if (e.fromDisk && mask[keyHashSlot(key)] === 1) victims.push(key);
      byDb.push(victims);
      n += victims.length;
    }
    if (n === 0) return 0;
    // Run after the CLUSTER DROPSTALE command returns (never a command inside another's handler).
    queueMicrotask(() => {
      byDb.forEach((victims, db) => {
        this.client.db = db;
        for (let i = 0; i < victims.length; i += 512) {
          // Only keys still untouched since start-up: one written meanwhile is live.
          const keys = victims.slice(i, i + 512).filter((k) => this.deps.store.db(db).raw(k)?.fromDisk === true);
          if (keys.length > 0) void this.deps.executeHere(this.client, ['DEL', ...keys]);
        }
      });
      this.deps.log.info({ keys: n }, 'dropped keys loaded from disk that a serving peer holds newer copies of');
    });
    return n;
  }

  /** Whether this node still hands its copy of slots now owned by `sender` (a FULL stream from it must wait). */
  private copyPendingTo(sender: string): boolean {
    this.refresh();
    const ring = this.deps.state.ring;
    const idx = ring.members.indexOf(sender);
    if (idx < 0) return false;
    for (let s = 0; s < SLOT_COUNT; s++) if (this.copySlots[s] === 1 && ring.owners[s] === idx) return true;
    return false;
  }

  /** The handoff finished a pass with nothing left: copies of formerly owned slots reached their new owners. */
  handoffIdle(): void {
    this.migrations.handoffIdle();
    this.copySlots = emptyMask();
  }

  /** What the handoff does with a key of a slot owned elsewhere (see Placement). */
  placement(slot: number, _e: Entry): Placement {
    this.refresh();
    const moving = this.migrations.placement(slot, this.replicated[slot] === 1);
    if (moving !== null) return moving;
    if (this.replicated[slot] === 1) return this.copySlots[slot] === 1 ? 'copy' : 'keep';
    // A replica copy of a slot this node no longer replicates: its owner still holds the current one.
    const prev = this.prevRing;
    if (prev !== null && replicatedIn(prev, this.deps.selfId, slot)) {
      const owner = prev.members[rangeOf(prev, slot).owner] as string;
      if (this.deps.state.ring.members.includes(owner)) return 'drop';
    }
    return 'move';
  }

  /** CLUSTER REPLFEED from an owner. */
  replFeed(sender: string, replid: string, offset: number, full: boolean, payload: string): FeedAnswer {
    return this.applier.feed(sender, replid, offset, full, payload);
  }

  // --- Journal -----------------------------------------------------------------------------

  /** No replica or migration stream, nothing to keep: the executor then collects no writes (Journal.listening). */
  listening(): boolean {
    return this.streams.size > 0 || this.migrations.busy;
  }

  append(db: number, argv: readonly string[], client?: Client): void {
    if (this.streams.size === 0 && !this.migrations.busy) return;
    const name = argv[0] as string;
    if (argv.length === 1 && (name === 'MULTI' || name === 'multi')) {
      this.txDb = db;
      return;
    }
    if (argv.length === 1 && (name === 'EXEC' || name === 'exec')) {
      this.txDb = null;
      return;
    }
    if (argv.length === 2 && (name === 'SELECT' || name === 'select')) {
      if (this.txDb !== null) this.txDb = Number(argv[1]);
      return;
    }
    const d = this.txDb ?? db;
    let spec: CommandSpec;
    try {
      spec = this.deps.resolve(argv);
    } catch {
      return;
    }
    const idx = keyIndexes(spec, argv);
    if (idx.length === 0) return this.keyless(d, spec.name, argv);
    if (idx.length === 1) {
      const peers = this.slotPeers[keyHashSlot(argv[idx[0] as number] as string)] as readonly PeerStream[];
      for (const p of peers) p.feed.append(d, argv);
      if (peers.length > 0) {
        this.appended = true;
        if (client !== undefined) this.mark(client, peers);
      }
      return;
    }
    const slots = idx.map((i) => keyHashSlot(argv[i] as string));
    const peers = new Set<PeerStream>();
    for (const s of slots) for (const p of this.slotPeers[s] as readonly PeerStream[]) peers.add(p);
    for (const p of peers) {
      const rec = recordFor(argv, spec.name, idx, slots, p.mask);
      if (rec !== null) {
        p.feed.append(d, rec);
        this.appended = true;
        if (client !== undefined) this.mark(client, [p]);
      }
    }
  }

  /** Remembers where `client`'s last write ends on each of `peers` (WAIT counts those offsets). */
  private mark(client: Client, peers: Iterable<PeerStream>): void {
    let m = this.lastMarks === null || this.lastMarks.client !== client ? undefined : this.lastMarks.marks;
    if (m === undefined) {
      m = this.writeMarks.get(client);
      if (m === undefined) this.writeMarks.set(client, (m = new Map()));
      this.lastMarks = { client, marks: m };
    }
    for (const p of peers) {
      const cur = m.get(p);
      if (cur === undefined) m.set(p, { offset: p.backlog.offset, replid: p.backlog.replid });
      else {
        cur.offset = p.backlog.offset;
        cur.replid = p.backlog.replid;
      }
    }
  }

  /** FLUSHDB / FLUSHALL: the replica drops the slots it holds from here; other keyless writes are not slot data. */
  private keyless(db: number, name: string, argv: readonly string[]): void {
    if (name !== 'flushall' && name !== 'flushdb') return;
    const all = name === 'flushall' || argv.length === 0;
    for (const p of this.streams.values()) p.feed.append(db, [REPL_DROP, all ? '-1' : String(db), ...maskRanges(p.mask).map(String)]);
    this.appended = true;
  }

  /**
   * Sync mode: replies wait until every caught-up replica acknowledged what was appended so far;
   * one that does not within replication.sync_timeout_ms fails the batch: its write replies become
   * syncTimeoutReply's error (never OK), the connection stays usable (see DurabilityError).
   */
  whenDurable(): Promise<void> | null {
    if (!this.appended) return null;
    this.appended = false;
    if (this.streams.size === 0 || this.deps.mode() !== 'sync') return null;
    const waits: Promise<void>[] = [];
    for (const s of this.streams.values()) {
      if (s.acked >= s.backlog.offset) continue;
      if (s.inSync) waits.push(this.acknowledged(s, s.waitFor(s.backlog.offset)));
      // A replica still taking a copy gets the write after it, in order; waiting for the whole copy
      // would stall writes for its length, so the write waits for any acknowledgement: a replica
      // that answers is alive, one cut off (a partition, a stream just opened to a member that cannot
      // be reached) answers nothing and the write fails at the timeout instead of being acknowledged.
      else waits.push(this.acknowledged(s, Promise.race([s.waitFor(s.backlog.offset), s.nextAck()])));
    }
    if (waits.length === 0) return null;
    const ms = this.deps.syncTimeoutMs();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(() => {
        this.syncTimeouts++;
        reject(new DurabilityError(syncTimeoutReply(ms)));
      }, ms);
    });
    return Promise.race([Promise.all(waits).then(() => undefined), timeout]).finally(() => clearTimeout(timer));
  }

  /**
   * A sync write's wait on one replica stream, as the error the write answers when it fails: the
   * stream restarted (the replica lost its history), or closed because the replica left the ring
   * (declared dead: maybe only cut off, on the other side of a partition) before acknowledging.
   * A stream closed for a replica still in the ring (its slots moved elsewhere) is not a failure.
   */
  private acknowledged(s: PeerStream, wait: Promise<void>): Promise<void> {
    const fail = (why: string): never => {
      this.syncTimeouts++;
      throw new DurabilityError(`NOREPLICAS Not enough good replicas to write: replica ${s.peer.id} ${why} before acknowledging the write; it may have been applied on the owner only`);
    };
    return wait.then(
      () => {
        if (s.isClosed && !this.deps.state.ring.members.includes(s.peer.id)) fail('left the ring (dead or cut off)');
      },
      () => fail('restarted its stream'),
    );
  }

  /**
   * WAIT in cluster mode, per client as Redis counts replicas against the client's own write offset:
   * how many of the replica streams `client`'s writes went to acknowledged its last write on them,
   * waiting until `wanted` did or `timeoutMs` passed (0: no limit). A client that wrote nothing here
   * is answered at once with every stream (each holds all of its writes, as in Redis). Without a
   * client: the streams that acknowledged everything appended so far. Null when this node streams
   * to nobody.
   */
  waitReplicas(wanted: number, timeoutMs: number, mayBlock = true, client?: Client): number | Promise<number> | null {
    this.refresh();
    if (this.streams.size === 0) return null;
    // A stream whose history restarted since (a new full copy) or that closed does not count.
    const marks = client === undefined ? undefined : this.writeMarks.get(client);
    if (marks !== undefined) for (const s of [...marks.keys()]) if (s.isClosed) marks.delete(s);
    const targets =
      client === undefined
        ? [...this.streams.values()].map((s) => ({ s, offset: s.backlog.offset, replid: s.backlog.replid }))
        : marks === undefined || marks.size === 0
          ? [...this.streams.values()].map((s) => ({ s, offset: 0, replid: s.backlog.replid }))
          : [...marks].map(([s, m]) => ({ s, offset: m.offset, replid: m.replid }));
    const done = (): number => targets.filter((t) => !t.s.isClosed && t.s.backlog.replid === t.replid && t.s.acked >= t.offset).length;
    const now = done();
    if (now >= wanted || !mayBlock) return now;
    return new Promise<number>((resolve) => {
      let settled = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        resolve(done());
      };
      const timer = timeoutMs > 0 ? setTimeout(finish, timeoutMs) : undefined;
      for (const t of targets) {
        const check = (): void => {
          if (done() >= wanted) finish();
        };
        t.s.waitFor(t.offset).then(check, check);
      }
    });
  }

  // --- READONLY ------------------------------------------------------------------------------

  setReadonly(client: Client, on: boolean): void {
    if (on) this.readonlyClients.add(client);
    else this.readonlyClients.delete(client);
  }

  /** A READONLY client's read of a slot this node replicates is served here (any client's with cluster.replica_reads always). */
  readHere(client: Client, slot: number): boolean {
    return this.replicated[slot] === 1 && (this.readonlyClients.has(client) || this.deps.replicaReads() === 'always');
  }

  // --- figures -------------------------------------------------------------------------------

  /** INFO replication lines and metrics: one entry per replica stream from here, and streams applied here. */
  figures(): { replicas: { peer: string; offset: number; acked: number; lagBytes: number; lagMs: number; inSync: boolean; fullSyncs: number; keysCopied: number }[]; sources: { sender: string; offset: number; idleMs: number }[]; syncTimeouts: number; replicatedSlots: number } {
    const now = this.deps.clock.now();
    let slots = 0;
    for (let s = 0; s < SLOT_COUNT; s++) slots += this.replicated[s] as number;
    return {
      replicas: [...this.streams.values()].map((s) => ({ peer: s.peer.id, offset: s.backlog.offset, acked: s.acked, lagBytes: s.lagBytes, lagMs: s.lagMs(), inSync: s.inSync, fullSyncs: s.fullSyncs, keysCopied: s.keysCopied })),
      sources: this.applier.streams().map((x) => ({ sender: x.sender, offset: x.offset, idleMs: Math.max(0, now - x.at) })),
      syncTimeouts: this.syncTimeouts,
      replicatedSlots: slots,
    };
  }

  close(): void {
    this.migrations.close();
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
  }
}
