// Server-assisted client-side caching (Redis's tracking.c): tracking state per client, the keys tracking clients read, and the invalidation messages when those keys change, flush or are forgotten.
//
// The executor calls in at three points, each behind one field test so a node where nobody tracks
// pays nothing more: after a command of a tracking client (its gated path: remember the keys a
// read touched, drop CLIENT CACHING), on every key change (`active`), and on FLUSHDB/FLUSHALL.
// Messages follow sendTrackingMessage: a RESP3 push `invalidate` to the client (or to its REDIRECT
// client), a `message` on `__redis__:invalidate` to a RESP2 redirect client in Pub/Sub mode,
// `tracking-redir-broken` to a RESP3 client whose redirect client went away. A change made by the
// running command of the client being told is sent after that command's reply.
import type { CommandSpec } from '../contracts/command.js';
import type { RemoteTrackingHooks, TrackingControl, TrackingOptions } from '../contracts/tracking.js';
import { flagBit, keyIndexes } from '../commands/spec.js';
import { bulk, int, push, type Reply } from '../resp/reply.js';
import type { Client, ClientTracking } from '../server/client.js';
import {
  batchFrame,
  KeyTable,
  keyFrame,
  PrefixTable,
  remembersReads,
  TRACK_BCAST,
  TRACK_BROKEN_REDIR,
  TRACK_CACHING,
  TRACK_MODE_BITS,
  TRACK_NOLOOP,
  TRACK_OPTIN,
  TRACK_OPTOUT,
  TRACK_PEER,
} from '../server/tracking.js';

const CHANNEL = bulk('__redis__:invalidate');
const INVALIDATE = bulk('invalidate');
const MESSAGE = bulk('message');
const REDIR_BROKEN = bulk('tracking-redir-broken');
/** The push header a peer's link gets whatever protocol it speaks: the link tells pushes from replies by `>`. */
const PEER_HEADER = '>2\r\n$10\r\ninvalidate\r\n';
const READ_BITS = flagBit('readonly');
const PUBSUB_BITS = flagBit('pubsub');
/** Keys the table forgets per pass over tracking-table-max-keys, so one pass never stalls clients for long. */
const LIMIT_STEP = 1000;

export interface TrackingDeps {
  /** tracking-table-max-keys (0 = no limit). */
  maxKeys: () => number;
  /** Tracking clients came or went (`clients`): the executor's gate follows it. */
  changed: () => void;
}

/** INFO figures: tracking_clients, tracking_total_keys / _items / _prefixes. */
export interface TrackingFigures {
  readonly clients: number;
  readonly keys: number;
  readonly items: number;
  readonly prefixes: number;
}

function raw(s: string): Reply {
  return { t: 'raw', v: Buffer.from(s, 'latin1') };
}

/** CLIENT CACHING survives CLIENT commands (Redis: `prevcmd != clientCommand`) and the CLUSTER TRACK that set it. */
function keepsCaching(spec: CommandSpec): boolean {
  return spec.name.startsWith('client|') || spec.name === 'cluster|track';
}

/** Read-only script commands track nothing themselves; the reads they make do (Redis skips them in call()). */
const SCRIPT_RO = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

export class Tracking implements TrackingControl, RemoteTrackingHooks {
  /** The script (EVAL, FCALL) running now, while one runs: its declared keys are what its reads track. */
  script: { readonly spec: CommandSpec; readonly argv: readonly string[] } | null = null;
  /** Clients with tracking on (INFO tracking_clients); the executor takes its tracking path while > 0. */
  clients = 0;
  /** A key change may concern someone (tracking clients, or keys still in the table): the write path's one test. */
  active = false;
  /** The client whose command is running (Redis's current_client), null between commands. */
  current: Client | null = null;
  /** Eviction before the command runs: its invalidations go out before the reply, as Redis's do. */
  private inEviction = false;
  private readonly table = new KeyTable();
  private readonly prefixes = new PrefixTable<Client>();
  /** Clients that ever enabled tracking and are still connected, by id (Redis's lookupClientByID for the table's ids). */
  private readonly byId = new Map<number, Client>();
  private broadcastScheduled = false;
  private limitScheduled = false;
  /** Commands begun (begin()); a flush sends its null once per command, however many databases it empties. */
  private serial = 0;
  private nullSerial = -1;

  constructor(private readonly deps: TrackingDeps) {}

  figures(): TrackingFigures {
    return { clients: this.clients, keys: this.table.size, items: this.table.items, prefixes: this.prefixes.size };
  }

  private refresh(): void {
    this.active = this.clients > 0 || this.table.size > 0;
  }

  // ------------------------------------------------------------------ CLIENT TRACKING

  enable(c: Client, o: TrackingOptions): void {
    let t = c.tracking;
    if (t === null) {
      t = { flags: 0, redirect: 0, redirectTo: null, prefixes: null };
      c.tracking = t;
      this.clients++;
      this.byId.set(c.id, c);
      this.deps.changed();
    }
    t.flags &= ~TRACK_MODE_BITS;
    t.redirect = o.redirect;
    t.redirectTo = o.redirectTo;
    if ((o.flags & TRACK_BCAST) !== 0) {
      t.flags |= TRACK_BCAST;
      for (const p of o.prefixes.length === 0 ? [''] : o.prefixes) {
        if (this.prefixes.add(p, c)) (t.prefixes ??= new Set()).add(p);
      }
    }
    t.flags |= o.flags & (TRACK_OPTIN | TRACK_OPTOUT | TRACK_NOLOOP);
    this.refresh();
  }

  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    if (t.prefixes !== null) for (const p of t.prefixes) this.prefixes.remove(p, c);
    c.tracking = null;
    this.clients--;
    this.refresh();
    this.deps.changed();
  }

  trackNext(c: Client): void {
    if (c.tracking === null) this.enable(c, { flags: TRACK_OPTIN, redirect: 0, redirectTo: null, prefixes: [] });
    (c.tracking as ClientTracking).flags |= TRACK_PEER | TRACK_CACHING;
  }

  /** A command of `c` begins (the executor's gated path); answers the client that ran before, to restore. */
  begin(c: Client): Client | null {
    const prev = this.current;
    this.current = c;
    this.serial++;
    return prev;
  }

  /** Runs `fn` as `c`'s command (a blocked client served by another client's command). */
  runningAs<T>(c: Client, fn: () => T): T {
    const prev = this.current;
    this.current = c;
    try {
      return fn();
    } finally {
      this.current = prev;
    }
  }

  /** Runs maxmemory eviction (before a command): nobody's command changes those keys, and their invalidations are not held for a reply. */
  evicting(fn: () => boolean): boolean {
    this.inEviction = true;
    try {
      return fn();
    } finally {
      this.inEviction = false;
    }
  }

  /** Who changes a key now, for BCAST's NOLOOP: the running client, nobody during eviction. */
  modifier(): Client | null {
    return this.inEviction ? null : this.current;
  }

  clientClosed(c: Client): void {
    this.disable(c);
    this.byId.delete(c.id);
  }

  // ------------------------------------------------------------------ executor hooks

  /**
   * After a command of a tracking client (Redis's call() and resetClient): a read that ran here
   * remembers its keys; CLIENT CACHING lasts one command (a whole MULTI ... EXEC), CLIENT commands aside.
   */
  afterCommand(c: Client, spec: CommandSpec, argv: readonly string[], ran: boolean, topLevel: boolean): void {
    const t = c.tracking;
    if (t === null) return;
    if (ran && (spec.flagBits & READ_BITS) !== 0 && (spec.flagBits & PUBSUB_BITS) === 0 && remembersReads(t.flags) && !SCRIPT_RO.has(spec.name)) {
      // A read inside a script remembers the script's declared keys, not the command's (Redis's call()).
      const which = !topLevel && this.script !== null ? this.script : { spec, argv };
      for (const i of keyIndexes(which.spec, which.argv)) this.table.remember(which.argv[i] as string, c.id, null);
      this.tableGrew();
    }
    if (topLevel && (t.flags & TRACK_CACHING) !== 0 && c.multi === null && !keepsCaching(spec)) t.flags &= ~TRACK_CACHING;
  }

  /**
   * A command refused before it ran (unknown, wrong arity) still ends CLIENT CACHING's one command,
   * unless it named a CLIENT subcommand (Redis found it, and keeps CACHING after any CLIENT command).
   */
  commandRefused(c: Client, spec: CommandSpec | undefined, argv: readonly string[]): void {
    const t = c.tracking;
    if (t === null || c.multi !== null) return;
    const sub = argv[1];
    if (spec?.name === 'client' && sub !== undefined && spec.subcommands?.some((s) => s.name === `client|${sub.toLowerCase()}`) === true) return;
    t.flags &= ~TRACK_CACHING;
  }

  /** A key changed (Redis's trackingInvalidateKey from signalModifiedKey); `by` changed it (null: expiry, eviction). */
  keyChanged(key: string, by: Client | null): void {
    this.invalidate(key, by, true);
  }

  private invalidate(key: string, by: Client | null, bcast: boolean): void {
    if (bcast && this.prefixes.size > 0 && this.prefixes.note(key, by)) this.scheduleBroadcast();
    const ids = this.table.take(key);
    if (ids === undefined) return;
    let frame: Reply | null = null;
    for (const id of ids) {
      const target = this.byId.get(id);
      const t = target?.tracking ?? null;
      // Gone, off, or switched to BCAST since it read the key.
      if (target === undefined || t === null || (t.flags & TRACK_BCAST) !== 0) continue;
      const isCurrent = target === this.current;
      if ((t.flags & TRACK_NOLOOP) !== 0 && isCurrent) continue;
      frame ??= raw(keyFrame(key));
      this.send(target, t, frame, isCurrent && !this.inEviction);
    }
    if (this.table.size === 0) this.refresh();
  }

  /**
   * FLUSHDB / FLUSHALL (trackingInvalidateKeysOnFlush): the table is emptied and every tracking
   * client gets one null invalidation, "all keys" (once per command, however many databases
   * FLUSHALL empties), the flushing client after its reply.
   */
  flushed(): void {
    this.table.clear();
    this.refresh();
    if (this.clients === 0 || this.nullSerial === this.serial) return;
    this.nullSerial = this.serial;
    for (const c of this.byId.values()) {
      const t = c.tracking;
      // The null is written in the tracking client's own protocol, even into a redirect client's message.
      if (t !== null) this.send(c, t, raw(c.proto === 3 ? '_\r\n' : '$-1\r\n'), c === this.current);
    }
  }

  /** CONFIG SET tracking-table-max-keys: a lower limit applies at once. */
  limitChanged(): void {
    this.scheduleLimit();
  }

  // ------------------------------------------------------------------ cluster (routing/remote-tracking.ts)

  tracksRead(c: Client, spec: { readonly flagBits: number }): boolean {
    const t = c.tracking;
    return t !== null && (spec.flagBits & READ_BITS) !== 0 && (spec.flagBits & PUBSUB_BITS) === 0 && remembersReads(t.flags);
  }

  rememberRemote(c: Client, keys: readonly string[], owner: string): void {
    if (!c.alive || c.tracking === null) return;
    for (const k of keys) this.table.remember(k, c.id, owner);
    this.tableGrew();
  }

  invalidateRemote(keys: readonly string[] | null, owner: string): void {
    for (const k of keys ?? this.table.readFrom(owner)) this.invalidate(k, null, false);
  }

  ringChanged(ownerOf: (key: string) => string | null): void {
    if (this.table.size === 0) return;
    for (const k of this.table.moved(ownerOf)) this.invalidate(k, null, false);
  }

  // ------------------------------------------------------------------ delivery

  /**
   * Redis's sendTrackingMessage: `keys` is the RESP of the keys part (an array, or a null for a
   * flush). `after`: the change came from the target's own running command.
   */
  private send(c: Client, t: ClientTracking, keys: Reply, after: boolean): void {
    if ((t.flags & TRACK_PEER) !== 0) {
      this.out(c, { t: 'multi', v: [raw(PEER_HEADER), keys] }, after);
      return;
    }
    let target = c;
    if (t.redirect !== 0) {
      const r = t.redirectTo;
      if (r === null || !r.alive) {
        t.flags |= TRACK_BROKEN_REDIR;
        if (c.proto === 3) this.out(c, push([REDIR_BROKEN, int(t.redirect)]), after);
        return;
      }
      target = r;
    }
    if (target.proto === 3) this.out(target, push([INVALIDATE, keys]), after);
    // RESP2 has no pushes: only a redirect client in Pub/Sub mode can be told, with a message on the channel.
    else if (target !== c && target.subscriptions > 0) this.out(target, push([MESSAGE, CHANNEL, keys]), after);
  }

  private out(target: Client, r: Reply, after: boolean): void {
    if (after) target.deliverAfterReply(r);
    else target.deliver(r);
  }

  // ------------------------------------------------------------------ BCAST and the table limit

  private scheduleBroadcast(): void {
    if (this.broadcastScheduled) return;
    this.broadcastScheduled = true;
    // Once per event-loop turn, after the commands read in it (Redis broadcasts in beforeSleep).
    setImmediate(() => this.broadcast());
  }

  /** trackingBroadcastInvalidationMessages: one message per prefix with changed keys, to each of its clients. */
  private broadcast(): void {
    this.broadcastScheduled = false;
    for (const batch of this.prefixes.drain()) {
      let common: Reply | null = null;
      for (const c of batch.clients) {
        const t = c.tracking;
        if (t === null) continue;
        if ((t.flags & TRACK_NOLOOP) !== 0) {
          const own = batchFrame(batch.keys, c);
          if (own !== null) this.send(c, t, raw(own), false);
          continue;
        }
        common ??= raw(batchFrame(batch.keys, null) as string);
        this.send(c, t, common, false);
      }
    }
  }

  private tableGrew(): void {
    this.active = true;
    const max = this.deps.maxKeys();
    if (max > 0 && this.table.size > max) this.scheduleLimit();
  }

  private scheduleLimit(): void {
    if (this.limitScheduled) return;
    this.limitScheduled = true;
    setImmediate(() => this.enforceLimit());
  }

  /**
   * trackingLimitUsedSlots: over tracking-table-max-keys, keys are forgotten (oldest first) and
   * their readers told as if they had changed, a bounded number per event-loop turn.
   */
  private enforceLimit(): void {
    this.limitScheduled = false;
    const max = this.deps.maxKeys();
    if (max <= 0) return;
    for (let n = 0; n < LIMIT_STEP && this.table.size > max; n++) {
      const k = this.table.oldest();
      if (k === undefined) break;
      this.invalidate(k, null, false);
    }
    if (this.table.size > max) this.scheduleLimit();
  }
}
