// The replica side of cluster replication: applies each owner's stream (CLUSTER REPLFEED) to the keys of the slots this node replicates.
//
// One stream per owner, identified by (replid, offset) as Redis's: a chunk is applied only when it
// starts where the last one ended, so a replica always holds a prefix of the owner's stream and
// the owner can tell from the answer whether to resend from the backlog or start a full copy.
// A FULL chunk restarts the stream: it begins with REPL.DROP of the slots copied, then the keys
// (REPL.KEY) interleaved with the live writes in the order the owner made them.
import type { Logger } from 'pino';
import { decodeHandoff } from '../commands/cluster.js';
import { keyIndexes } from '../commands/spec.js';
import type { CommandSpec } from '../contracts/command.js';
import { RequestDecoder } from '../resp/decoder.js';
import { DEFAULT_LIMITS } from '../resp/limits.js';
import type { Reply } from '../resp/reply.js';
import { keyHashSlot } from '../ring/slot.js';
import { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import { rangesMask, type SlotMask } from './cluster-slots.js';

/** Record names only the stream carries (never commands of the table). */
export const REPL_DROP = 'REPL.DROP';
export const REPL_KEY = 'REPL.KEY';
/** A migration stream's last record: hands the slots it names to the receiver (cluster-migrate.ts). */
export const REPL_FLIP = 'REPL.FLIP';

export interface ApplierDeps {
  store: Store;
  /** Whether this node owns the slot now: an owner's writes are never overwritten by a stream. */
  isLocal: (slot: number) => boolean;
  /** The member id owning the slot in this node's ring. */
  ownerOf: (slot: number) => string;
  resolve: (argv: readonly string[]) => CommandSpec;
  executeHere: (client: Client, argv: string[]) => Reply | Promise<Reply>;
  /** Whether a FULL restart from `sender` must wait (this node still hands its copy of slots to it). */
  refuseFull: (sender: string) => boolean;
  /** REPL.FLIP from `sender`, applied after every record before it (migration streams only). */
  flip?: (sender: string, mask: SlotMask) => void;
  /** REPL.DROP from `sender` applied: a migration stream starts copying those slots (it confirms them). */
  dropped?: (sender: string, mask: SlotMask) => void;
  /**
   * REPL.DROP keeps keys loaded from disk and untouched (a migration: without replicas the sender
   * may hold only what was written since this node went down; REPL.KEY still replaces them).
   */
  keepFromDisk?: boolean;
  /** Each REPL.KEY applied: whether it replaced a key here or arrived new (handoff figures). */
  onKey?: (outcome: 'received' | 'replaced') => void;
  now: () => number;
  log: Logger;
}

interface SenderState {
  sender: string;
  replid: string;
  offset: number;
  decoder: RequestDecoder;
  db: number;
  /** When the last chunk was applied (ms). */
  at: number;
}

/** What a REPLFEED answers: the offset now held, -1 for an unknown stream, or a refusal to retry. */
export type FeedAnswer = { offset: number } | { retry: string };

export class ReplicaApplier {
  private readonly senders = new Map<string, SenderState>();
  private readonly client: Client;
  /** Records applied (INFO). */
  applied = 0;

  constructor(private readonly deps: ApplierDeps) {
    this.client = new Client(0, 'replication', '', -1, deps.now(), true, () => undefined);
  }

  /** Streams held, for INFO: sender -> offset and last apply time. */
  streams(): { sender: string; replid: string; offset: number; at: number }[] {
    return [...this.senders].map(([sender, s]) => ({ sender, replid: s.replid, offset: s.offset, at: s.at }));
  }

  /** A sender left the ring: its stream is forgotten (a later return starts with a FULL chunk). */
  forget(keep: ReadonlySet<string>): void {
    for (const id of [...this.senders.keys()]) if (!keep.has(id)) this.senders.delete(id);
  }

  /** sender -> the stream id of the FULL copy last refused from it (see feed). */
  private readonly refused = new Map<string, string>();

  feed(sender: string, replid: string, offset: number, full: boolean, payload: string): FeedAnswer {
    let s = this.senders.get(sender);
    if (full) {
      if (this.deps.refuseFull(sender)) {
        this.refused.set(sender, replid);
        return { retry: 'this node is still handing its copy of the slots to the sender' };
      }
      // A copy refused while this node handed its own to the sender was walked before the sender
      // had it (a partition's minority side walks what it held before the heal): a fresh one.
      const refused = this.refused.get(sender);
      this.refused.delete(sender);
      if (refused === replid) return { offset: -1 };
      s = { sender, replid, offset, decoder: new RequestDecoder({ ...DEFAULT_LIMITS, queryBufferLimit: 2 ** 31 - 1 }), db: 0, at: this.deps.now() };
      this.senders.set(sender, s);
    } else if (s === undefined || s.replid !== replid) {
      return { offset: -1 };
    } else if (s.offset !== offset) {
      return { offset: s.offset };
    }
    s.decoder.feed(Buffer.from(payload, 'latin1'));
    const records: string[][] = [];
    for (let argv = s.decoder.next(); argv !== null; argv = s.decoder.next()) records.push(argv);
    // Only the owner of a slot (in this node's ring) may write its copy here. While the rings
    // disagree (a death or a join not yet seen everywhere) nothing of the chunk is applied and the
    // stream is forgotten: the owner retries, from a full copy once the rings agree. A restarting
    // node's brief partial ring, in which it "owns" a live peer's slots, is refused this way.
    const foreign = records.find((argv) => !this.fromOwner(sender, argv));
    if (foreign !== undefined) {
      this.senders.delete(sender);
      const why = `the ring here does not make ${sender} the owner of what it sent (${foreign[0] ?? ''})`;
      return full ? { retry: why } : { offset: -1 };
    }
    s.offset += payload.length;
    s.at = this.deps.now();
    const state = s;
    // Applied right after the REPLFEED command returns, before any other I/O is handled (a
    // microtask): the executor never runs a command from inside another command's handler.
    queueMicrotask(() => {
      for (const argv of records) {
        try {
          this.apply(state, argv);
        } catch (e) {
          this.deps.log.warn({ err: e, command: argv[0] }, 'applying a replicated record failed');
        }
      }
    });
    return { offset: s.offset };
  }

  /** Whether `sender` owns every slot the record writes, in this node's ring. */
  private fromOwner(sender: string, argv: readonly string[]): boolean {
    const name = (argv[0] as string).toUpperCase();
    if (name === 'SELECT' || name === 'MULTI' || name === 'EXEC') return true;
    // A flip acts only on the slots the receiver imports from the sender (cluster-migrate.ts).
    if (name === REPL_FLIP) return true;
    if (name === REPL_DROP) {
      const mask = rangesMask(argv.slice(2));
      if (mask === null) return true;
      for (let slot = 0; slot < mask.length; slot++) if (mask[slot] === 1 && this.deps.ownerOf(slot) !== sender) return false;
      return true;
    }
    if (name === REPL_KEY) return this.deps.ownerOf(keyHashSlot(argv[2] as string)) === sender;
    let spec: CommandSpec;
    try {
      spec = this.deps.resolve(argv);
    } catch {
      return true;
    }
    for (const i of keyIndexes(spec, argv)) if (this.deps.ownerOf(keyHashSlot(argv[i] as string)) !== sender) return false;
    return true;
  }

  private run(db: number, argv: string[]): void {
    this.client.db = db;
    const r = this.deps.executeHere(this.client, argv);
    if (r instanceof Promise) {
      void r.then((x) => this.check(argv, x));
      return;
    }
    this.check(argv, r);
  }

  private check(argv: readonly string[], r: Reply): void {
    if (r.t === 'error') this.deps.log.warn({ command: argv[0], reply: r.v }, 'a replicated write failed here');
  }

  private apply(s: SenderState, argv: string[]): void {
    const name = (argv[0] as string).toUpperCase();
    this.applied++;
    if (name === 'SELECT') {
      s.db = Number(argv[1]);
      return;
    }
    // The owner applied the transaction atomically; its commands arrive in one chunk and run here
    // back to back, so nothing interleaves with them.
    if (name === 'MULTI' || name === 'EXEC') return;
    if (name === REPL_DROP) {
      this.drop(argv);
      const mask = this.deps.dropped === undefined ? null : rangesMask(argv.slice(2));
      if (mask !== null) this.deps.dropped?.(s.sender, mask);
      return;
    }
    if (name === REPL_KEY) return this.restoreKey(s.db, argv);
    if (name === REPL_FLIP) {
      const mask = rangesMask(argv.slice(2));
      if (mask !== null) this.deps.flip?.(s.sender, mask);
      return;
    }
    let spec: CommandSpec;
    try {
      spec = this.deps.resolve(argv);
    } catch {
      this.deps.log.warn({ command: argv[0] }, 'unknown command in a replication stream skipped');
      return;
    }
    const idx = keyIndexes(spec, argv);
    if (idx.length === 0) return;
    for (const i of idx) if (this.deps.isLocal(keyHashSlot(argv[i] as string))) return;
    this.run(s.db, argv);
  }

  /** REPL.DROP db|-1 start end ...: the keys of those slots here (not owned here) go before a full copy. */
  private drop(argv: readonly string[]): void {
    const db = Number(argv[1]);
    const mask = rangesMask(argv.slice(2));
    if (mask === null) return;
    for (let d = 0; d < this.deps.store.databases; d++) if (db < 0 || d === db) this.dropIn(d, mask);
  }

  private dropIn(db: number, mask: SlotMask): void {
    const victims: string[] = [];
    const keep = this.deps.keepFromDisk === true;
    for (const [key, e] of this.deps.store.db(db).entries()) {
      const slot = keyHashSlot(key);
      if (mask[slot] === 1 && !this.deps.isLocal(slot) && !(keep && e.fromDisk)) victims.push(key);
    }
    for (let i = 0; i < victims.length; i += 512) this.run(db, ['DEL', ...victims.slice(i, i + 512)]);
  }

  /** REPL.KEY - key argc arg...: the owner's copy of a key replaces this node's. */
  private restoreKey(db: number, argv: readonly string[]): void {
    const key = argv[2] as string;
    if (this.deps.isLocal(keyHashSlot(key))) return;
    const commands = decodeHandoff(argv);
    if (commands === null) return;
    // The DEL only when there is something to replace: a copy into an empty slot is one command per key.
    const had = this.deps.store.db(db).raw(key) !== undefined;
    if (had) this.run(db, ['DEL', key]);
    for (const c of commands) this.run(db, c);
    this.deps.onKey?.(had ? 'replaced' : 'received');
  }
}
