// Per-connection state: identity, selected db, protocol, auth, and what CLIENT LIST reports.
import type { Protocol } from '../resp/encoder.js';
import type { Reply } from '../resp/reply.js';

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  readonly argv: string[];
}

/** MULTI state: the queue, and whether a queue-time error doomed the transaction (EXECABORT). */
export interface MultiState {
  readonly queue: QueuedCommand[];
  failed: boolean;
}

export class Client {
  name = '';
  db = 0;
  proto: Protocol = 2;
  authenticated: boolean;
  libName = '';
  libVer = '';
  noEvict = false;
  /**
   * A peer's forwarding link (CLUSTER PEER): what it sends was routed by the peer already, so it
   * runs here and is never forwarded again.
   */
  peer = false;
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
  /** Pub/Sub subscriptions. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Sends a server-initiated reply (pub/sub message) on this connection, in its protocol. */
  deliver: (r: Reply) => void = () => undefined;
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

  /** One CLIENT LIST / CLIENT INFO line, with Redis's field names and order. */
  describe(now: number): string {
    const age = Math.floor((now - this.createdAt) / 1000);
    const idle = Math.floor((now - this.lastInteraction) / 1000);
    const flags = (this.multi ? 'x' : '') + (this.subscriptions > 0 ? 'P' : '') + (this.noEvict ? 'e' : '') || 'N';
    return (
      `id=${this.id} addr=${this.addr} laddr=${this.laddr} fd=${this.fd} name=${this.name} age=${age} idle=${idle} ` +
      `flags=${flags} db=${this.db} sub=${this.channels.size} psub=${this.patterns.size} ssub=${this.shardChannels.size} multi=${this.multi ? this.multi.queue.length : -1} watch=${this.watched.size} qbuf=${this.qbuf} qbuf-free=0 argv-mem=0 ` +
      `multi-mem=0 rbs=16384 rbp=0 obl=0 oll=0 omem=${this.omem} tot-mem=${this.qbuf + this.omem} events=r ` +
      `cmd=${this.lastCommand} user=default redir=-1 resp=${this.proto} lib-name=${this.libName} lib-ver=${this.libVer}`
    );
  }
}
