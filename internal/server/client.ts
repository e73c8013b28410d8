// Per-connection state: identity, selected db, protocol, auth, and what CLIENT LIST reports.
import { INTERNAL_USER, type AclUser } from '../acl/user.js';
import type { Protocol } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';
import { TRACK_BCAST, TRACK_BROKEN_REDIR } from './tracking.js';

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  readonly argv: string[];
}

/** MULTI state: the queue, and whether a queue-time error doomed the transaction (EXECABORT). */
export interface MultiState {
  readonly queue: QueuedCommand[];
  failed: boolean;
}

/**
 * CLIENT REPLY state (Redis's CLIENT_REPLY_OFF, CLIENT_REPLY_SKIP_NEXT, CLIENT_REPLY_SKIP): OFF
 * drops every reply, SKIP_NEXT becomes SKIP once the current command is done, SKIP drops the
 * reply of the command it is set for.
 */
export const REPLY_OFF = 1;
export const REPLY_SKIP_NEXT = 2;
export const REPLY_SKIP = 4;

/** Replies that reach a client whatever CLIENT REPLY says (Redis sends them as pushes). */
const SUBSCRIPTION_REPLIES = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/** CLIENT TRACKING state of a client that has tracking on (Client.tracking). */
export interface ClientTracking {
  /** TRACK_* bits (server/tracking.ts). */
  flags: number;
  /** REDIRECT client id; 0 for none (CLIENT GETREDIR, `redir=` of CLIENT LIST). */
  redirect: number;
  /** The client `redirect` named when tracking was enabled; once it closed (alive false) the redirect is broken. */
  redirectTo: Client | null;
  /** BCAST prefixes followed; null until the first. */
  prefixes: Set<string> | null;
}

/** Redis's client types (CLIENT LIST TYPE, CLIENT KILL TYPE); `slave` is an alias of `replica`. */
export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** The type a CLIENT LIST / KILL TYPE argument names (any case), or null for an unknown one. */
export function clientTypeByName(name: string): ClientType | null {
  const n = name.toLowerCase();
  if (n === 'normal' || n === 'master' || n === 'replica' || n === 'pubsub') return n;
  return n === 'slave' ? 'replica' : null;
}

export class Client {
  name = '';
  db = 0;
  proto: Protocol = 2;
  authenticated: boolean;
  /**
   * The ACL user the connection runs as (AUTH / HELLO AUTH change it). The RESP server sets the
   * default user on accept; the node's internal clients keep INTERNAL_USER, which may run anything.
   */
  user: AclUser = INTERNAL_USER;
  /** CLIENT NO-EVICT: accepted and reported (flag `e`); ringcache never evicts clients. */
  noEvict = false;
  /** REPLY_* bits; 0 (the common case) means every reply is sent. */
  replyFlags = 0;
  /** In MONITOR mode (flag `O`): receives a line per command executed on the node. */
  monitor = false;
  /** Waiting in a blocking command or held by CLIENT PAUSE (flag `b`, INFO blocked_clients). */
  blocked = false;
  /**
   * A peer's forwarding link (CLUSTER PEER): what it sends was routed by the peer already, so it
   * runs here and is never forwarded again.
   */
  peer = false;
  /** ASKING was sent: the next command may be served for a slot moving away from this node (one shot, as Redis's CLIENT_ASKING). */
  asking = false;
  /** Close the connection once the pending replies are written (QUIT, CLIENT KILL of self). */
  closeAfterReply = false;
  lastCommand = 'NULL';
  /** False once the connection closed: nothing may be handed to this client any more. */
  alive = true;
  readonly createdAt: number;
  lastInteraction: number;
  /** Between MULTI and EXEC/DISCARD. */
  multi: MultiState | null = null;
  /** Watched `db\0key` entries (WATCH); `watchDirty` once any of them changed. */
  readonly watched = new Set<string>();
  watchDirty = false;
  /**
   * Server-assisted client-side caching (CLIENT TRACKING); null while off, the common case the
   * executor's tracking path tests for.
   */
  tracking: ClientTracking | null = null;
  /** Pub/Sub subscriptions. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Sends a server-initiated reply (pub/sub message) on this connection, in its protocol. */
  deliver: (r: Reply) => void = () => undefined;
  /**
   * Sends a push caused by this client's own running command after that command's reply, as Redis
   * sends the invalidations of keys a client changed itself (tracking_pending_keys); set by the
   * connection. Outside a command it is `deliver`.
   */
  deliverAfterReply: (r: Reply) => void = (r) => this.deliver(r);
  /** Sends one MONITOR line (without the leading `+` and the CRLF); set by the connection. */
  feed: (line: string) => void = () => undefined;
  /** Writes bytes as they are, in order after the replies before them (a replica link's RDB and stream); set by the connection. */
  sendRaw: (buf: Buffer) => void = () => undefined;
  /** A replication link (replication/): this node's primary (`master`, flag M) or a replica of it (`replica`, flag S). */
  replRole: 'master' | 'replica' | null = null;
  /** Query-buffer and output-buffer sizes, refreshed by the connection for CLIENT LIST / INFO. */
  qbuf = 0;
  omem = 0;

  constructor(
    readonly id: number,
    readonly addr: string,
    readonly laddr: string,
    readonly fd: number,
    now: number,
    authenticated: boolean,
    /** Closes the connection now (CLIENT KILL, output-buffer limits, SHUTDOWN). */
    readonly kill: () => void,
  ) {
    this.createdAt = now;
    this.lastInteraction = now;
    this.authenticated = authenticated;
  }

  /** Channels + patterns + shard channels: in RESP2, non-zero means subscribed mode. */
  get subscriptions(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }

  /**
   * CLIENT REPLY, once per command when its reply is ready: whether to drop that reply. Then a
   * SKIP set by this command moves on to the next one, as Redis's resetClient does. Only called
   * while replyFlags is non-zero.
   */
  replyDropped(): boolean {
    const f = this.replyFlags;
    this.replyFlags = (f & REPLY_SKIP_NEXT) !== 0 ? (f & ~REPLY_SKIP_NEXT) | REPLY_SKIP : f & ~REPLY_SKIP;
    if ((f & (REPLY_OFF | REPLY_SKIP)) === 0) return false;
    // Subscription confirmations are pushes in Redis, sent even to a silenced client.
    return !SUBSCRIPTION_REPLIES.has(this.lastCommand);
  }

  /** Redis's getClientType: a monitor counts as normal, a subscriber as pubsub. */
  get type(): ClientType {
    if (this.replRole !== null) return this.replRole;
    return this.subscriptions > 0 ? 'pubsub' : 'normal';
  }

  /** One CLIENT LIST / CLIENT INFO line: redis-server 7.0's fields, in its order. */
  describe(now: number): string {
    const age = Math.floor((now - this.createdAt) / 1000);
    const idle = Math.floor((now - this.lastInteraction) / 1000);
    let multiMem = 0;
    if (this.multi !== null) for (const q of this.multi.queue) for (const a of q.argv) multiMem += a.length;
    return (
      `id=${this.id} addr=${this.addr} laddr=${this.laddr} fd=${this.fd} name=${this.name} age=${age} idle=${idle} ` +
      `flags=${this.flags()} db=${this.db} sub=${this.channels.size} psub=${this.patterns.size} ssub=${this.shardChannels.size} ` +
      `multi=${this.multi ? this.multi.queue.length : -1} qbuf=${this.qbuf} qbuf-free=0 argv-mem=0 multi-mem=${multiMem} ` +
      `rbs=16384 rbp=0 obl=0 oll=0 omem=${this.omem} tot-mem=${this.qbuf + this.omem + multiMem} events=${this.omem > 0 ? 'rw' : 'r'} ` +
      `cmd=${this.lastCommand} user=${this.user.name} redir=${this.tracking === null ? -1 : this.tracking.redirect} resp=${this.proto}`
    );
  }

  /** The `flags=` letters, in the order Redis's catClientInfoString writes them. */
  private flags(): string {
    let f = '';
    if (this.replRole === 'replica') f += 'S';
    if (this.replRole === 'master') f += 'M';
    if (this.monitor) f += 'O';
    if (this.subscriptions > 0) f += 'P';
    if (this.multi !== null) f += 'x';
    if (this.blocked) f += 'b';
    const t = this.tracking;
    if (t !== null) {
      f += 't';
      if ((t.flags & TRACK_BROKEN_REDIR) !== 0) f += 'R';
      if ((t.flags & TRACK_BCAST) !== 0) f += 'B';
    }
    if (this.watchDirty) f += 'd';
    if (this.closeAfterReply) f += 'c';
    if (this.noEvict) f += 'e';
    return f === '' ? 'N' : f;
  }
}
