// One owner -> replica stream of cluster replication: a backlog with offsets, a full copy of the replicated slots woven into it, and the link that delivers it.
//
// Everything the replica must apply goes through the one ordered stream: REPL.DROP of the slots
// about to be copied, each key's current value (REPL.KEY) read at the moment it is appended, and
// the live writes (the executor's journal records) in between. A key copied at time t and the
// writes after t arrive in the order they happened, so nothing is applied twice and no write is
// missed while the copy runs (the role Redis gives its fork snapshot + buffered stream).
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { MemberInfo } from '../membership/types.js';
import { rewriteEntry } from '../persistence/rewrite.js';
import { parseReply } from '../resp/reply-reader.js';
import type { Reply } from '../resp/reply.js';
import { keyHashSlot } from '../ring/slot.js';
import type { PeerLink } from '../routing/link.js';
import type { Store } from '../store/store.js';
import { newReplid, ReplicationBacklog } from './backlog.js';
import { REPL_DROP, REPL_KEY } from './cluster-apply.js';
import { emptyMask, maskRanges, type SlotMask } from './cluster-slots.js';
import { ReplicationFeed } from './feed.js';

export interface StreamDeps {
  selfId: string;
  store: Store;
  /** A link of the stream's own to the replica (LinkPool.dedicated: the peer handshake as every link makes it). */
  makeLink: (peer: MemberInfo) => PeerLink;
  /** Reply deadline of one chunk (the forwarding timeout). */
  timeoutMs: () => number;
  log: Logger;
  clock: Clock;
  /** Backlog bytes per replica stream. */
  backlogBytes: number;
  /** A slot migration's stream (cluster-migrate.ts): its chunks are sent as REPLFEED ... MIGRATE. */
  migrate?: boolean;
  /** Largest chunk per request (default MAX_CHUNK): the receiver applies a chunk in one synchronous step. */
  maxChunk?: number;
}

/** Largest chunk per request: bounds the replica's synchronous apply step. */
const MAX_CHUNK = 1024 * 1024;
/** Longest synchronous step of a copy walk (ms). */
const SLICE_MS = 4;

/** The record of one key's current value: REPL.KEY - key followed by CLUSTER HANDOFF's argc-prefixed rebuild commands. */
export function keyRecord(key: string, rebuild: readonly (readonly string[])[]): string[] {
  const out = [REPL_KEY, '-', key];
  for (const c of rebuild) {
    out.push(String(c.length));
    for (const a of c) out.push(a);
  }
  return out;
}

interface Waiter {
  readonly offset: number;
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
}

export class PeerStream {
  readonly backlog: ReplicationBacklog;
  readonly feed: ReplicationFeed;
  /** Offset the replica confirmed holding. */
  acked = 0;
  /** The stream is not established on the replica: the next chunk restarts it there (FULL). */
  private full = true;
  private inFlight = false;
  private pumpScheduled = false;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Slots whose copy is still to walk; null when none. */
  private walkQueue: SlotMask | null = null;
  private walking = false;
  /** Bumps on every restart: a running walk of an older stream stops. */
  private gen = 0;
  /** Stream offset at the end of the last finished copy: caught up once acked reaches it. */
  private walkEnd = 0;
  private closed = false;
  private link: PeerLink;
  private waiters: Waiter[] = [];
  private ackWaiters: (() => void)[] = [];
  /** Clock ms of the last acknowledgement, and of the oldest chunk not yet acknowledged. */
  lastAckAt = 0;
  pendingSince = -1;
  /** Clock ms of the first failure of the current run of failed chunks (-1: the last chunk was accepted). */
  failingSince = -1;
  /** Full copies started (INFO). */
  fullSyncs = 0;
  /** Keys copied by full syncs (INFO). */
  keysCopied = 0;

  constructor(
    public peer: MemberInfo,
    /** Slots this node owns and the peer replicates; replaced by the owner on ring changes. */
    public mask: SlotMask,
    private readonly deps: StreamDeps,
  ) {
    this.backlog = new ReplicationBacklog(deps.backlogBytes);
    this.feed = new ReplicationFeed(this.backlog);
    this.feed.subscribe(() => {
      if (this.pendingSince < 0) this.pendingSince = this.deps.clock.now();
      this.schedule();
    });
    this.link = this.makeLink();
    this.lastAckAt = deps.clock.now();
    this.restart('new replica');
  }

  private makeLink(): PeerLink {
    return this.deps.makeLink(this.peer);
  }

  /** The member's record changed (it may have restarted on other ports). */
  updatePeer(peer: MemberInfo): void {
    const moved = peer.meta.host !== this.peer.meta.host || peer.meta.respPort !== this.peer.meta.respPort;
    this.peer = peer;
    if (moved) {
      this.link.close();
      this.link = this.makeLink();
      this.schedule();
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The replica accepted this history's first chunk. */
  get established(): boolean {
    return !this.full;
  }

  /** Caught up: not copying, established, and acknowledged up to the end of the last copy. */
  get inSync(): boolean {
    return !this.full && !this.walking && this.walkQueue === null && this.acked >= this.walkEnd;
  }

  get lagBytes(): number {
    return this.backlog.offset - this.acked;
  }

  /** Milliseconds the oldest unacknowledged byte has waited (0 when caught up). */
  lagMs(): number {
    return this.pendingSince < 0 ? 0 : Math.max(0, this.deps.clock.now() - this.pendingSince);
  }

  /** A new stream history: the replica drops every slot it replicates from here and gets a full copy. */
  restart(why: string): void {
    this.gen++;
    this.fullSyncs++;
    for (const w of this.waiters) w.reject(new Error(`replica ${this.peer.id} restarted its stream (${why})`));
    this.waiters = [];
    this.backlog.reset(newReplid(), 0);
    this.feed.forceSelect();
    this.full = true;
    this.acked = 0;
    this.walkQueue = null;
    this.deps.log.info({ peer: this.peer.id, why }, 'full copy of the replicated slots to a replica');
    this.copy(this.mask);
  }

  /** Copies `slots` (newly replicated by the peer) into the stream: drop, then every key. */
  copy(slots: SlotMask): void {
    const ranges = maskRanges(slots);
    if (ranges.length === 0) return;
    this.feed.appendRaw([REPL_DROP, '-1', ...ranges.map(String)]);
    if (this.walkQueue === null) this.walkQueue = emptyMask();
    for (let s = 0; s < slots.length; s++) if (slots[s] === 1) this.walkQueue[s] = 1;
    if (!this.walking) void this.walk();
  }

  /**
   * Resolves at the replica's next acknowledgement of anything (or when the stream closes): a
   * replica still taking a copy is alive when its chunks keep being acknowledged.
   */
  nextAck(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.ackWaiters.push(resolve));
  }

  /** Resolves once the replica acknowledged `offset` of the current history; rejects if the history restarts. */
  waitFor(offset: number): Promise<void> {
    if (this.acked >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ offset, resolve, reject }));
  }

  close(): void {
    this.closed = true;
    this.gen++;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.link.close();
    // A replica that left the ring is no longer one of the slot's live replicas: nothing to wait for.
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    this.wakeAck();
  }

  private wakeAck(): void {
    if (this.ackWaiters.length === 0) return;
    const list = this.ackWaiters;
    this.ackWaiters = [];
    for (const fn of list) fn();
  }

  private async walk(): Promise<void> {
    this.walking = true;
    try {
      while (this.walkQueue !== null && !this.closed) {
        const slots = this.walkQueue;
        this.walkQueue = null;
        const gen = this.gen;
        const done = await this.walkOnce(slots, gen);
        if (done) this.walkEnd = this.backlog.offset;
      }
    } catch (e) {
      this.deps.log.warn({ peer: this.peer.id, err: e }, 'copy to a replica failed; restarting it');
      if (!this.closed) setImmediate(() => this.restart('copy failed'));
    } finally {
      this.walking = false;
    }
    this.schedule();
  }

  /** One pass over every database appending the keys of `slots`; false when a restart overtook it. */
  private async walkOnce(slots: SlotMask, gen: number): Promise<boolean> {
    const store = this.deps.store;
    for (let db = 0; db < store.databases; db++) {
      const ks = store.db(db);
      let cursor = 0;
      if (ks.size === 0) continue;
      do {
        // The backlog must keep what the replica has not acknowledged: the copy waits for it.
        while (this.backlog.offset - this.acked > this.backlog.size / 2 && gen === this.gen && !this.closed) {
          await new Promise<void>((r) => setTimeout(r, 5));
        }
        if (gen !== this.gen || this.closed) return false;
        const deadline = performance.now() + SLICE_MS;
        const now = this.deps.clock.now();
        do {
          const r = ks.scan(cursor, 128, (key, e) => {
            const slot = keyHashSlot(key);
            if (slots[slot] !== 1 || this.mask[slot] !== 1) return false;
            if (e.expireAt !== 0 && e.expireAt <= now) return false;
            const rebuild: string[][] = [];
            rewriteEntry(key, e, (argv) => rebuild.push(argv));
            this.feed.append(db, keyRecord(key, rebuild));
            this.keysCopied++;
            return false;
          });
          cursor = r.cursor;
        } while (cursor !== 0 && performance.now() < deadline);
        await new Promise<void>((r) => setImmediate(r));
      } while (cursor !== 0);
    }
    return gen === this.gen;
  }

  private schedule(): void {
    if (this.pumpScheduled || this.closed) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.inFlight || this.closed || this.retry !== null) return;
    if (this.acked >= this.backlog.offset) return;
    const parts = this.backlog.readFrom(this.acked);
    if (parts === null) {
      this.restart('the replica fell behind the backlog');
      return;
    }
    let payload = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    const max = this.deps.maxChunk ?? MAX_CHUNK;
    if (payload.length > max) payload = payload.subarray(0, max);
    const from = this.acked;
    const end = from + payload.length;
    const replid = this.backlog.replid;
    const full = this.full;
    this.inFlight = true;
    const argv = ['CLUSTER', 'REPLFEED', this.deps.selfId, replid, String(from), full ? 'FULL' : 'CONT', payload.toString('latin1')];
    if (this.deps.migrate === true) argv.push('MIGRATE');
    this.link.request([argv], 0, Math.max(this.deps.timeoutMs(), 5000)).then(
      (frames) => {
        this.inFlight = false;
        this.onReply(parseReply(frames[0] as Buffer).reply, replid, from, end);
      },
      (e: unknown) => {
        this.inFlight = false;
        this.backoff(String(e));
      },
    );
  }

  private onReply(r: Reply, replid: string, from: number, end: number): void {
    if (this.closed) return;
    if (replid !== this.backlog.replid) return this.schedule(); // restarted meanwhile
    if (r.t !== 'int') return this.backoff(r.t === 'error' ? r.v : 'unexpected reply');
    const n = Number(r.v);
    if (n === end) {
      this.full = false;
      this.failures = 0;
      this.failingSince = -1;
      this.acked = end;
      this.lastAckAt = this.deps.clock.now();
      this.pendingSince = end >= this.backlog.offset ? -1 : this.lastAckAt;
      this.settle();
      this.schedule();
      return;
    }
    // The replica holds another prefix: resend from there if the backlog still has it.
    if (n >= 0 && !this.full && n !== from && this.backlog.readFrom(n) !== null) {
      this.acked = n;
      this.settle();
      this.schedule();
      return;
    }
    this.restart(n < 0 ? 'the replica does not know this stream' : `the replica is at offset ${n}`);
  }

  private settle(): void {
    this.wakeAck();
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.acked >= w.offset) w.resolve();
      else keep.push(w);
    }
    this.waiters = keep;
  }

  private backoff(why: string): void {
    if (this.closed) return;
    this.failures++;
    if (this.failingSince < 0) this.failingSince = this.deps.clock.now();
    if (this.failures === 1 || this.failures % 20 === 0) this.deps.log.warn({ peer: this.peer.id, why, failures: this.failures }, 'replication stream to a replica failed; retrying');
    const ms = Math.min(1000, 50 * 2 ** Math.min(this.failures - 1, 5));
    this.retry = setTimeout(() => {
      this.retry = null;
      this.pump();
    }, ms);
    this.retry.unref();
  }
}
