// Slot migration on a ring change: the previous holder of a moving slot keeps serving it while it streams the slot's keys and new writes to the new owner, then flips ownership in one short step.
//
// Valkey 9's atomic slot migration over cluster replication's stream (cluster-stream.ts): one
// stream per (previous holder, new owner) carrying REPL.DROP + REPL.KEY of the moving slots woven
// with their live writes. Once the copy is applied and the tail is short, the previous holder stops
// serving the slots (commands for them wait: the write pause), appends REPL.FLIP and, when the new
// owner acknowledged it, lets them through to the new owner and drops its copy (the handoff's
// 'drop', or kept when it replicates them now). The new owner knows from the ring which slots it
// imports and from whom; it applies the stream to them (journaled to its AOF, not to its replicas:
// they get the slots whole at the flip) and sends their commands to the previous holder until the
// flip (forward in proxy mode, -ASK in redirect mode): a key not copied yet never reads as nil.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { CommandSpec } from '../contracts/command.js';
import type { MemberInfo } from '../membership/types.js';
import type { Reply } from '../resp/reply.js';
import { buildRing, type Ring } from '../ring/ring.js';
import { SLOT_COUNT } from '../ring/slot.js';
import type { LinkPool } from '../routing/pool.js';
import type { ClusterState } from '../routing/state.js';
import type { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import { REPL_FLIP, ReplicaApplier, type FeedAnswer } from './cluster-apply.js';
import { newReplid } from './backlog.js';
import { emptyMask, maskRanges, type SlotMask } from './cluster-slots.js';
import { PeerStream } from './cluster-stream.js';

export { REPL_FLIP };

/** Flip once the unacknowledged tail is at most this many bytes (the pause is its apply time plus a round trip)... */
const FLIP_LAG = 64 * 1024;
/** ...or once the copy has been caught up this long under a steady write load (ms). */
const FLIP_ANYWAY_MS = 500;
/**
 * Largest migration chunk: the new owner applies each in one synchronous step (~40 us per key on a
 * loaded machine), which its clients wait behind, and a flip waits for the chunk in flight.
 */
const MIGRATE_CHUNK = 128 * 1024;
/** How often an outgoing migration checks whether it may flip (ms). */
const TICK_MS = 5;
/**
 * How long an import waits for its holder to confirm it (a migration stream naming the slot, or a
 * bare flip) before this node serves its own copy (ms): the holder this node inferred may be wrong
 * while a cluster forms (nobody held anything) or while a joiner still meets its peers.
 */
const CONFIRM_MS = 2000;
/** How long a migration stream may fail without a break before it is abandoned for the handoff (ms). */
const ABANDON_MS = 30_000;

export interface MigrationDeps {
  selfId: string;
  state: ClusterState;
  store: Store;
  pool: LinkPool;
  resolve: (argv: readonly string[]) => CommandSpec;
  executeHere: (client: Client, argv: string[]) => Reply | Promise<Reply>;
  timeoutMs: () => number;
  log: Logger;
  clock: Clock;
  backlogBytes: number;
  /** cluster.migration_flip_delay_ms: the least time between a copy catching up and its flip. */
  flipDelayMs: () => number;
  /** The slots this node imports changed (an import completed): replica streams re-read which slots they carry. */
  onImportChange: () => void;
  /** Slots were handed over at a flip: the handoff drops this node's copy of them. */
  onHanded: () => void;
}

interface Outgoing {
  readonly stream: PeerStream;
  /** The slots of the flip in progress (commands for them wait), or null. */
  flipping: SlotMask | null;
  /** Clock ms since the stream is caught up (-1: not). */
  syncedAt: number;
}

/** Where the router sends a command for a moving slot (see SlotMigrations.where). */
export type MoveRoute = 'serve' | Promise<void> | MemberInfo | null;

export class SlotMigrations {
  /** slot -> member this node streams the slot to (it still holds and serves it), or null. */
  private readonly outTo: (string | null)[] = new Array<string | null>(SLOT_COUNT).fill(null);
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly flipping = emptyMask();
  private flipWaiters: (() => void)[] = [];
  /** slot -> member this node imports the slot from (its copy here is not complete), or null. */
  private readonly inFrom: (string | null)[] = new Array<string | null>(SLOT_COUNT).fill(null);
  private readonly sources = new Map<string, MemberInfo>();
  /** Members some earlier ring here had: one of them coming back is a return, not a join. */
  private readonly everInRing = new Set<string>();
  /** Imported slots their holder confirmed (its stream dropped them here before copying). */
  private readonly confirmedIn = emptyMask();
  /** Clock ms since unconfirmed imports are waited for (-1: none). */
  private unconfirmedSince = -1;
  /** Slots handed over at a flip and not owned here since: the handoff drops (or keeps, as a replica) this node's keys of them. */
  readonly handed = emptyMask();
  /** Slots whose import stopped with the copy incomplete (the ring moved them elsewhere): the handoff drops the partial copy. */
  readonly abandoned = emptyMask();
  /** Slots whose migration was abandoned: the handoff sends this node's copy (applied where absent) until a pass left nothing. */
  private readonly fallback = emptyMask();
  /** Any slot moving in or out: the router's hot path skips everything else when false. */
  active = false;
  private timer: NodeJS.Timeout | null = null;
  readonly applier: ReplicaApplier;
  readonly stats = { slotsOut: 0, slotsIn: 0, keysOut: 0, keysIn: 0, keysReplaced: 0, flips: 0, longestFlipMs: 0 };

  constructor(private readonly deps: MigrationDeps) {
    this.applier = new ReplicaApplier({
      store: deps.store,
      // Records of slots not imported from their sender are skipped (this node owns or never held them).
      isLocal: (slot) => this.inFrom[slot] === null,
      ownerOf: (slot) => this.inFrom[slot] ?? '',
      resolve: deps.resolve,
      executeHere: deps.executeHere,
      refuseFull: () => false,
      flip: (sender, mask) => this.imported(sender, mask),
      dropped: (sender, mask) => {
        for (let s = 0; s < SLOT_COUNT; s++) if (mask[s] === 1 && this.inFrom[s] === sender) this.confirmedIn[s] = 1;
      },
      keepFromDisk: true,
      onKey: (outcome) => (outcome === 'received' ? this.stats.keysIn++ : this.stats.keysReplaced++),
      now: () => deps.clock.now(),
      log: deps.log,
    });
  }

  /** Whether a migration is streaming or flipping (INFO cluster_handoff_in_progress, graceful leave). */
  get busy(): boolean {
    return this.outgoing.size > 0;
  }

  /** Whether the holder of a slot imported here confirmed the migration (redirect mode answers -ASK only then). */
  confirmed(slot: number): boolean {
    return this.confirmedIn[slot] === 1;
  }

  /** Whether this node imports `slot` (its replica streams leave the slot out until the flip). */
  importing(slot: number): boolean {
    return this.inFrom[slot] !== null;
  }

  /** The outgoing stream of a slot this node still serves for its new owner (its writes are journaled to it). */
  streamOf(slot: number): PeerStream | null {
    const to = this.outTo[slot] ?? null;
    return to === null ? null : (this.outgoing.get(to)?.stream ?? null);
  }

  /**
   * Where a command for `slot` goes: 'serve' (this node still holds the slot), a promise (its flip
   * is in progress: wait, then route again), the member to send it to (the slot's copy here is not
   * complete), or null (not moving: the ring decides).
   */
  where(slot: number): MoveRoute {
    if (!this.active) return null;
    if (this.flipping[slot] === 1) return new Promise<void>((r) => this.flipWaiters.push(r));
    if (this.outTo[slot] !== null) return 'serve';
    const src = this.inFrom[slot] ?? null;
    return src === null ? null : (this.sources.get(src) ?? null);
  }

  /** The previous holder answered that it does not serve `slot` (it never migrated it): this node serves its copy from now on. */
  released(slot: number, source: string): void {
    if (this.inFrom[slot] !== source) return;
    this.inFrom[slot] = null;
    this.deps.log.info({ slot, peer: source }, 'previous owner does not migrate the slot; serving the copy held here');
    this.recount();
    this.deps.onImportChange();
  }

  /** Handoff placement of a key of a slot this node does not own; null when no migration decides it. */
  placement(slot: number, replicated: boolean): 'keep' | 'drop' | 'copy' | 'move' | null {
    if (this.outTo[slot] !== null) return 'keep';
    if (this.fallback[slot] === 1) return replicated ? 'copy' : 'move';
    if (this.handed[slot] === 1) return replicated ? 'keep' : 'drop';
    if (this.abandoned[slot] === 1) return replicated ? 'keep' : 'drop';
    return null;
  }

  /** The handoff finished a pass with nothing left: abandoned slots' copies reached their owners. */
  handoffIdle(): void {
    this.fallback.fill(0);
  }

  /** Whether this node still holds `slot` for its new owner (a replica stream must not touch its copy). */
  holds(slot: number): boolean {
    return this.active && (this.outTo[slot] !== null || this.flipping[slot] === 1);
  }

  /** CLUSTER REPLFEED ... MIGRATE: a chunk of a previous holder's migration stream. */
  feed(sender: string, replid: string, offset: number, full: boolean, payload: string): FeedAnswer {
    return this.applier.feed(sender, replid, offset, full, payload);
  }

  /**
   * The ring changed. `current`: this node's copies of the slots it owned in `prev` are current (it
   * served that ring, settled; a node that just started and meets its peers is not).
   */
  onRingChange(prev: Ring | null, next: Ring, current: boolean): void {
    const self = this.deps.selfId;
    const me = next.members.indexOf(self);
    const prevMe = prev === null ? -1 : prev.members.indexOf(self);
    // Who held each slot before: the previous ring when this node's copies were current; else (a
    // node joining or restarting, meeting its peers one by one) the ring the others serve, which
    // is this one without this node: the partial rings it passes through are no one's.
    let others: Ring | null | undefined;
    const holderElsewhere = (s: number): string | null => {
      if (others === undefined) {
        const ids = next.members.filter((id) => id !== self);
        others = ids.length > 0 && me >= 0 ? buildRing(ids, this.deps.state.tokens, this.deps.state.replicas) : null;
      }
      const b = others === null ? self : (others.members[others.owners[s] as number] as string);
      return b === self ? null : b;
    };
    const out = new Map<string, SlotMask>();
    const bare = new Map<string, SlotMask>();
    this.sources.clear();
    for (let s = 0; s < SLOT_COUNT; s++) {
      const nowIdx = next.owners[s] as number;
      const owner = next.members[nowIdx] as string;
      const wasMine = current && prev !== null && prevMe >= 0 && prev.owners[s] === prevMe && this.inFrom[s] === null && this.handed[s] === 0;
      if (nowIdx === me) {
        this.handed[s] = 0;
        this.abandoned[s] = 0;
        let src: string | null = null;
        if (this.outTo[s] === null && !wasMine) {
          if (!current || prev === null || prevMe < 0) src = holderElsewhere(s);
          else src = this.inFrom[s] ?? (prev.owners[s] === prevMe ? null : (prev.members[prev.owners[s] as number] as string));
        }
        const from = src !== null && this.source(src) ? src : null;
        if (from !== this.inFrom[s]) this.confirmedIn[s] = 0;
        this.inFrom[s] = from;
        this.outTo[s] = null;
        continue;
      }
      // An import the holder confirmed replaced this node's copy with the holder's: the holder still
      // has the current one, so this copy is dropped. Unconfirmed, the copy here is this node's own
      // (the named holder never streamed the slot: after a flap it may never have held it) and may
      // be the only one, so the handoff moves it (applied where absent) instead of dropping it.
      if (this.inFrom[s] !== null && this.confirmedIn[s] === 1) this.abandoned[s] = 1;
      this.inFrom[s] = null;
      this.confirmedIn[s] = 0;
      // Owned here in the last ring without a current copy (a node just started): the new owner,
      // which may count on this node for the slot, hears at once that nothing comes (a bare flip).
      if (!current && this.outTo[s] === null && prev !== null && prevMe >= 0 && prev.owners[s] === prevMe) {
        let m = bare.get(owner);
        if (m === undefined) bare.set(owner, (m = emptyMask()));
        m[s] = 1;
      }
      // Only a join (a member no ring here ever held) or this node's own leave moves slots this way;
      // a member returning after a failure or a partition gets the handoff's merge as before, and
      // hears at once that no stream comes.
      if (wasMine && this.outTo[s] === null && me >= 0 && this.everInRing.has(owner)) {
        let m = bare.get(owner);
        if (m === undefined) bare.set(owner, (m = emptyMask()));
        m[s] = 1;
        continue;
      }
      if (this.outTo[s] !== null || wasMine) {
        const info = this.deps.state.info(nowIdx);
        if (info.meta.respPort !== 0) {
          let m = out.get(owner);
          if (m === undefined) out.set(owner, (m = emptyMask()));
          m[s] = 1;
          continue;
        }
      }
      this.outTo[s] = null;
    }
    if (prev !== null) for (const id of prev.members) this.everInRing.add(id);
    this.applyOutgoing(next, out);
    for (const [id, m] of bare) this.sendBareFlip(this.deps.state.info(next.members.indexOf(id)), m);
    let unconfirmed = false;
    for (let s = 0; s < SLOT_COUNT; s++) if (this.inFrom[s] !== null && this.confirmedIn[s] === 0) unconfirmed = true;
    this.unconfirmedSince = unconfirmed ? this.deps.clock.now() : -1;
    this.recount();
    this.startTimer();
    if (this.active) this.deps.log.info({ slotsOut: this.countOut(), slotsIn: this.countIn() }, 'slot migration: serving moving slots until their flip');
  }

  /** Whether `id` can serve slots it held: a ring member, or a member leaving gracefully (still answering). */
  private source(id: string): boolean {
    const known = this.sources.get(id);
    if (known !== undefined) return true;
    const inRing = this.deps.state.ringInfos().find((m) => m.id === id);
    const info = inRing ?? this.deps.state.view.members().find((m) => m.id === id && m.state === 'left');
    if (info === undefined || info.meta.respPort === 0) return false;
    this.sources.set(id, info);
    return true;
  }

  private applyOutgoing(ring: Ring, out: Map<string, SlotMask>): void {
    for (const [id, o] of this.outgoing) {
      const m = out.get(id);
      const same = m !== undefined && m.every((v, s) => v === o.stream.mask[s]);
      if (same) continue;
      // Any change restarts the stream (a flip in progress is called off: its waiters route again).
      this.cancelFlip(o);
      o.stream.close();
      this.outgoing.delete(id);
    }
    for (let s = 0; s < SLOT_COUNT; s++) this.outTo[s] = null;
    for (const [id, m] of out) {
      for (let s = 0; s < SLOT_COUNT; s++) if (m[s] === 1) this.outTo[s] = id;
      if (this.outgoing.has(id)) continue;
      const info = this.deps.state.info(ring.members.indexOf(id));
      const stream = new PeerStream(info, m, {
        selfId: this.deps.selfId,
        store: this.deps.store,
        makeLink: (p) => this.deps.pool.dedicated(p),
        timeoutMs: this.deps.timeoutMs,
        log: this.deps.log.child({ migration: id }),
        clock: this.deps.clock,
        backlogBytes: this.deps.backlogBytes,
        migrate: true,
        maxChunk: MIGRATE_CHUNK,
      });
      this.outgoing.set(id, { stream, flipping: null, syncedAt: -1 });
    }
  }

  private startTimer(): void {
    if ((this.outgoing.size > 0 || this.unconfirmedSince >= 0) && this.timer === null) {
      this.timer = setInterval(() => this.tick(), TICK_MS);
      this.timer.unref();
    }
  }

  /** A REPL.FLIP alone, as the whole of a migration stream: the new owner serves its own copy of those slots now. */
  private sendBareFlip(info: MemberInfo, mask: SlotMask): void {
    if (info.meta.respPort === 0) return;
    const record = [REPL_FLIP, '-1', ...maskRanges(mask).map(String)];
    const payload = `*${record.length}\r\n${record.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;
    const argv = ['CLUSTER', 'REPLFEED', this.deps.selfId, newReplid(), '0', 'FULL', payload, 'MIGRATE'];
    this.deps.pool
      .link(info, 2)
      .request([argv], 0)
      .catch((e: unknown) => this.deps.log.warn({ peer: info.id, err: String(e) }, 'slot migration: bare flip not delivered (the new owner stops waiting on its own)'));
  }

  /** Imports their holder did not confirm within CONFIRM_MS: served from this node's copy (the holder had none to send). */
  private releaseUnconfirmed(now: number): void {
    if (now - this.unconfirmedSince < CONFIRM_MS) return;
    this.unconfirmedSince = -1;
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (this.inFrom[s] === null || this.confirmedIn[s] === 1) continue;
      this.inFrom[s] = null;
      n++;
    }
    if (n === 0) return;
    this.deps.log.info({ slots: n, waitedMs: CONFIRM_MS }, 'slot migration: no holder confirmed these slots; serving the copy held here');
    this.recount();
    this.deps.onImportChange();
  }

  private tick(): void {
    const now = this.deps.clock.now();
    if (this.unconfirmedSince >= 0) this.releaseUnconfirmed(now);
    for (const [id, o] of this.outgoing) {
      if (o.flipping !== null) continue;
      const s = o.stream;
      if (s.failingSince >= 0 && now - s.failingSince > ABANDON_MS) {
        this.abandon(id, o);
        continue;
      }
      if (!s.inSync) {
        o.syncedAt = -1;
        continue;
      }
      if (o.syncedAt < 0) o.syncedAt = now;
      if (now - o.syncedAt < this.deps.flipDelayMs()) continue;
      if (s.lagBytes > FLIP_LAG && now - o.syncedAt < FLIP_ANYWAY_MS + this.deps.flipDelayMs()) continue;
      this.flip(id, o);
    }
    if (this.outgoing.size === 0 && this.unconfirmedSince < 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  /** Stops serving the stream's slots, appends REPL.FLIP, and hands them over once the new owner acknowledged it. */
  private flip(id: string, o: Outgoing): void {
    const mask = Uint8Array.from(o.stream.mask);
    o.flipping = mask;
    for (let s = 0; s < SLOT_COUNT; s++) if (mask[s] === 1) this.flipping[s] = 1;
    o.stream.feed.appendRaw([REPL_FLIP, '-1', ...maskRanges(mask).map(String)]);
    const at = o.stream.backlog.offset;
    const t0 = performance.now();
    o.stream.waitFor(at).then(
      () => this.flipped(id, o, mask, t0),
      () => this.cancelFlip(o),
    );
  }

  private flipped(id: string, o: Outgoing, mask: SlotMask, t0: number): void {
    // A stream closed by a ring change resolves its waiters too: that flip did not happen.
    if (this.outgoing.get(id) !== o || o.stream.isClosed) return this.cancelFlip(o);
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (mask[s] !== 1) continue;
      this.outTo[s] = null;
      this.flipping[s] = 0;
      this.handed[s] = 1;
      n++;
    }
    o.flipping = null;
    o.stream.close();
    this.outgoing.delete(id);
    const ms = performance.now() - t0;
    this.stats.flips++;
    this.stats.slotsOut += n;
    this.stats.keysOut += o.stream.keysCopied;
    this.stats.longestFlipMs = Math.max(this.stats.longestFlipMs, ms);
    this.deps.log.info({ peer: id, slots: n, flipMs: Math.round(ms * 10) / 10, keysCopied: o.stream.keysCopied }, 'slot migration flipped: the new owner serves the slots');
    this.wake();
    this.recount();
    this.deps.onHanded();
  }

  /**
   * The new owner keeps refusing the stream (its ring or its idea of who holds the slots differs)
   * or cannot be reached: the slots stop moving this way and fall back to the handoff (sent key by
   * key, applied where absent), as before migrations existed.
   */
  private abandon(id: string, o: Outgoing): void {
    this.cancelFlip(o);
    o.stream.close();
    this.outgoing.delete(id);
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (this.outTo[s] !== id) continue;
      this.outTo[s] = null;
      this.fallback[s] = 1;
      n++;
    }
    this.deps.log.warn({ peer: id, slots: n, waitedMs: ABANDON_MS }, 'slot migration abandoned: the new owner refuses the stream or cannot be reached; the handoff sends the keys instead');
    this.recount();
    this.deps.onHanded();
  }

  private cancelFlip(o: Outgoing): void {
    const mask = o.flipping;
    if (mask === null) return;
    o.flipping = null;
    o.syncedAt = -1;
    for (let s = 0; s < SLOT_COUNT; s++) if (mask[s] === 1) this.flipping[s] = 0;
    this.wake();
  }

  private wake(): void {
    const w = this.flipWaiters;
    this.flipWaiters = [];
    for (const r of w) r();
  }

  /** REPL.FLIP applied here: every record of the slots before it is applied, so this node serves them now. */
  private imported(sender: string, mask: SlotMask): void {
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (mask[s] !== 1 || this.inFrom[s] !== sender) continue;
      this.inFrom[s] = null;
      n++;
    }
    this.stats.slotsIn += n;
    this.deps.log.info({ peer: sender, slots: n }, 'slot migration complete here: serving the imported slots');
    this.recount();
    this.deps.onImportChange();
  }

  private countOut(): number {
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) if (this.outTo[s] !== null) n++;
    return n;
  }

  private countIn(): number {
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) if (this.inFrom[s] !== null) n++;
    return n;
  }

  private recount(): void {
    this.active = this.outgoing.size > 0 || this.inFrom.some((x) => x !== null);
    this.applier.forget(new Set(this.inFrom.filter((x): x is string => x !== null)));
  }

  /** Graceful leave: resolves true once every outgoing migration flipped, false at the deadline. */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.outgoing.size > 0) {
      if (performance.now() >= deadline) return false;
      await new Promise<void>((r) => setTimeout(r, 10));
    }
    return true;
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const o of this.outgoing.values()) o.stream.close();
    this.outgoing.clear();
    this.wake();
  }
}
