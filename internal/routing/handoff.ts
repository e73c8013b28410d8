// Slot handoff: after a ring change, keys whose slot another member now owns are sent to it (CLUSTER HANDOFF) and deleted here once it answered.
//
// Redis Cluster resharding, automated and simplified: no per-slot MIGRATING/IMPORTING states and
// no -ASK. While keys are in flight the new owner already serves the slot (a key not handed yet
// reads as nil there for that moment); the receiver applies a handed-off key only if it does not
// exist there, so a write that reached the new owner first wins, or if its copy is only the one
// it loaded from disk at start-up (older than any live copy). docs/cluster.md "When the ring
// changes" states the guarantees.
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { encodeHandoff } from '../commands/cluster.js';
import type { HandoffOutcome } from '../contracts/cluster.js';
import { rewriteEntry } from '../persistence/rewrite.js';
import { parseReply } from '../resp/reply-reader.js';
import type { Reply } from '../resp/reply.js';
import type { Ring } from '../ring/ring.js';
import { keyHashSlot } from '../ring/slot.js';
import { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import type { Entry, Value } from '../store/types.js';
import type { LinkPool } from './pool.js';
import { LEAVING_MESSAGE } from './router.js';
import type { ClusterState } from './state.js';

export interface HandoffDeps {
  state: ClusterState;
  pool: LinkPool;
  store: Store;
  /** Runs a command here without routing it (the journaled DEL of keys the new owner acknowledged). */
  executeHere: (client: Client, argv: string[]) => Reply | Promise<Reply>;
  /** Reply deadline of one batch request. */
  timeoutMs: () => number;
  now: () => number;
  log: Logger;
  /** Keys per request to one owner (default 256). */
  batchKeys?: number;
  /** Rebuild-command bytes per request, roughly (default 1 MB): bounds each synchronous encoding step. */
  batchBytes?: number;
  /** Delay before a pass that left keys behind (owner unreachable, rings disagreeing) runs again (default 500 ms). */
  retryMs?: number;
}

export interface HandoffStats {
  /** Keys the new owner acknowledged (applied or skipped) and that were deleted here. */
  sent: number;
  /** Keys received from peers and applied here (the key was absent). */
  received: number;
  /** Keys received from peers that replaced this node's copy loaded from disk at start-up and untouched since. */
  replaced: number;
  /** Keys received from peers and not applied because a live copy of the key existed here. */
  skipped: number;
}

/** Longest synchronous scan step (ms), as the snapshot walker's slices. */
const SLICE_MS = 4;

/** Keys handed off, keys left here, and how many of those were left because their owner is gone (unreachable or leaving). */
interface PassResult {
  sent: number;
  left: number;
  gone: number;
}

/** A key read for sending: what was serialized, to check at the ack that the key is still the same. */
interface Outgoing {
  readonly key: string;
  readonly entry: Entry;
  readonly value: Value;
  readonly expireAt: number;
  /** Sent and kept here (this node stays a replica of the slot): never deleted at the ack. */
  readonly copy: boolean;
}

/**
 * What to do with a key of a slot another member owns (cluster replication decides, see
 * replication/cluster-replication.ts): move it (send, delete at the ack), copy it (send, keep:
 * this node replicates the slot now), keep it (a replica's copy), or drop it (a replica copy of a
 * slot this node no longer replicates: its owner holds the current one).
 */
export type KeyPlacement = (slot: number, e: Entry) => 'move' | 'copy' | 'keep' | 'drop';

export class Handoff {
  readonly stats: HandoffStats = { sent: 0, received: 0, replaced: 0, skipped: 0 };
  private running: Promise<void> | null = null;
  /** A ring change arrived during a pass: run another once it ends. */
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly client: Client;
  private readonly batchKeys: number;
  private readonly batchBytes: number;
  private readonly retryMs: number;
  /** Whether the last finished pass left keys owned elsewhere behind. */
  private pending = false;
  /** ...and every key it left has an owner that cannot take it now (unreachable, or leaving itself). */
  private onlyGone = false;
  /** Last warning per peer (ms): an unreachable peer is retried every retryMs, warned about every 10 s. */
  private readonly warned = new Map<string, number>();
  /** Set by cluster replication; null: every key owned elsewhere moves. */
  placement: KeyPlacement | null = null;
  /** Called when a pass run ends with nothing left behind (set by cluster replication). */
  onIdle: (() => void) | null = null;

  constructor(private readonly deps: HandoffDeps) {
    this.client = new Client(0, 'handoff', '', -1, deps.now(), true, () => undefined);
    this.batchKeys = deps.batchKeys ?? 256;
    this.batchBytes = deps.batchBytes ?? 1024 * 1024;
    this.retryMs = deps.retryMs ?? 500;
  }

  /** Counts a key received by CLUSTER HANDOFF (the command handler calls it through ClusterApi). */
  noteReceived(outcome: HandoffOutcome): void {
    this.stats[outcome]++;
  }

  /** Starts a pass (the ring changed, or a retry is due); a pass already running runs again after. */
  kick(): void {
    if (this.closed) return;
    if (this.retry !== null) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /**
   * Hands everything off before a graceful stop: runs passes until none leaves a key owned
   * elsewhere or `timeoutMs` passed. Resolves true when nothing is left.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.running === null) this.kick();
      const running = this.running;
      if (running !== null) {
        let timer: NodeJS.Timeout | undefined;
        const left = deadline - performance.now();
        await Promise.race([running, new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, left))))]);
        clearTimeout(timer);
      }
      if (this.running === null && !this.pending) return true;
      // Owners that are gone (stopped or stopping too, as when a whole cluster stops) will not
      // take the keys however long this waits: they stay in this node's files.
      if (this.running === null && this.onlyGone) return false;
      if (performance.now() >= deadline) return false;
      if (this.running === null) await new Promise<void>((r) => setTimeout(r, Math.min(100, Math.max(0, deadline - performance.now()))));
    }
  }

  /** Whether a pass is running or keys owned elsewhere are waiting for a retry. */
  get busy(): boolean {
    return this.running !== null || this.pending;
  }

  close(): void {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      const t0 = performance.now();
      let result: PassResult;
      try {
        result = await this.pass();
      } catch (e) {
        this.deps.log.warn({ err: e }, 'handoff pass failed; retrying');
        result = { sent: 0, left: 1, gone: 0 };
      }
      this.pending = result.left > 0;
      this.onlyGone = result.left > 0 && result.gone === result.left;
      if (result.sent > 0 || result.left > 0) {
        const ms = Math.round(performance.now() - t0);
        const rate = ms > 0 ? Math.round((result.sent * 1000) / ms) : result.sent;
        this.deps.log.info({ keys: result.sent, left: result.left, ms, keysPerSec: rate, epoch: this.deps.state.epoch }, result.left > 0 ? 'handoff incomplete; retrying' : 'handoff completed');
      }
    } while (this.again && !this.closed);
    if (!this.pending && !this.closed) this.onIdle?.();
    if (this.pending && !this.closed) {
      this.retry = setTimeout(() => {
        this.retry = null;
        this.kick();
      }, this.retryMs);
      this.retry.unref();
    }
  }

  /** One walk over every database; returns the keys handed off and the keys left behind. */
  private async pass(): Promise<PassResult> {
    let sent = 0;
    let left = 0;
    let gone = 0;
    const store = this.deps.store;
    for (let db = 0; db < store.databases && !this.closed; db++) {
      const ks = store.db(db);
      if (ks.size === 0) continue;
      let cursor = 0;
      do {
        // Collect a bounded batch of keys owned elsewhere, grouped by owner (ring index).
        const state = this.deps.state;
        const now = this.deps.now();
        const groups = new Map<number, Outgoing[]>();
        const drops: string[] = [];
        let n = 0;
        // Local keys are skipped cheaply but may be most of the data: bounded in time as well.
        const deadline = performance.now() + SLICE_MS;
        do {
          const r = ks.scan(cursor, this.batchKeys, (key, e) => {
            if (e.expireAt !== 0 && e.expireAt <= now) return false;
            const slot = keyHashSlot(key);
            if (state.isLocal(slot)) return false;
            const place = this.placement === null ? 'move' : this.placement(slot, e);
            if (place === 'keep') return false;
            if (place === 'drop') {
              drops.push(key);
              return false;
            }
            const owner = state.ownerIndex(slot);
            let g = groups.get(owner);
            if (g === undefined) {
              g = [];
              groups.set(owner, g);
            }
            g.push({ key, entry: e, value: e.value, expireAt: e.expireAt, copy: place === 'copy' });
            n++;
            return false;
          });
          cursor = r.cursor;
        } while (cursor !== 0 && n < this.batchKeys && performance.now() < deadline);
        if (drops.length > 0) {
          this.client.db = db;
          await this.deps.executeHere(this.client, ['DEL', ...drops]);
        }
        const ring = state.ring;
        for (const [owner, keys] of groups) {
          const r = await this.send(db, ring, owner, keys);
          sent += r.sent;
          left += r.left;
          gone += r.gone;
        }
        if (groups.size === 0) await new Promise<void>((r) => setImmediate(r));
      } while (cursor !== 0 && !this.closed);
    }
    return { sent, left, gone };
  }

  private warn(peer: string, err: unknown, msg: string): void {
    const now = performance.now();
    if (now - (this.warned.get(peer) ?? -Infinity) < 10_000) return;
    this.warned.set(peer, now);
    this.deps.log.warn({ peer, err }, msg);
  }

  /** Sends keys to the owner at ring index `owner` (in requests of bounded size); deletes the acknowledged ones. */
  private async send(db: number, ring: Ring, owner: number, keys: Outgoing[]): Promise<PassResult> {
    const state = this.deps.state;
    let sent = 0;
    let left = 0;
    let gone = 0;
    for (let i = 0; i < keys.length; ) {
      // Ownership is re-checked before every request: after a ring change (which starts another
      // pass) the keys are looked at again under the new ring, and may be local again.
      if (state.ring !== ring) return { sent, left: left + keys.length - i, gone };
      const info = state.info(owner);
      if (info.meta.respPort === 0) return { sent, left: left + keys.length - i, gone };
      const commands: string[][] = [];
      const batch: Outgoing[] = [];
      let bytes = 0;
      for (; i < keys.length && bytes < this.batchBytes; i++) {
        const o = keys[i] as Outgoing;
        const rebuild: string[][] = [];
        rewriteEntry(o.key, o, (argv) => {
          rebuild.push(argv);
          for (const a of argv) bytes += a.length + 8;
        });
        commands.push(encodeHandoff(o.key, rebuild));
        batch.push(o);
      }
      let frames: Buffer[];
      try {
        frames = await this.deps.pool.link(info, 2).request(commands, db, this.deps.timeoutMs());
      } catch (e) {
        this.warn(info.id, e, 'handoff to the new owner failed; retrying later');
        const rest = keys.length - (i - batch.length);
        return { sent, left: left + rest, gone: gone + rest };
      }
      const acked: string[] = [];
      for (let j = 0; j < batch.length; j++) {
        const o = batch[j] as Outgoing;
        const reply = parseReply(frames[j] as Buffer).reply;
        if (reply.t !== 'int') {
          left++;
          if (reply.t === 'error' && reply.v.endsWith(LEAVING_MESSAGE)) gone++;
          continue;
        }
        // Deleted only if it is still the entry that was sent and still owned elsewhere (the ring
        // may have changed back meanwhile: then the peer hands its copy back, skipped here). The
        // check sees expiry, deletion, replacement and TTL changes; an in-place change of a
        // collection keeps the same value object, but none can happen here: a key whose slot is
        // owned elsewhere is forwarded by this node's router and refused on its peer links.
        const cur = this.deps.store.db(db).raw(o.key);
        if (o.copy || cur !== o.entry || cur.value !== o.value || cur.expireAt !== o.expireAt) continue;
        if (state.ring !== ring && state.isLocal(keyHashSlot(o.key))) continue;
        acked.push(o.key);
      }
      if (acked.length > 0) {
        this.client.db = db;
        await this.deps.executeHere(this.client, ['DEL', ...acked]);
        sent += acked.length;
        this.stats.sent += acked.length;
      }
    }
    return { sent, left, gone };
  }
}
