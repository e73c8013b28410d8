// RESP TCP server: accepts connections, decodes pipelined requests, executes in order, one write per batch; CLIENT REPLY and MONITOR output.
import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { AclApi, ServerStats } from '../contracts/command.js';
import { DurabilityError, type Executor } from '../executor/executor.js';
import { RequestDecoder, ProtocolError } from '../resp/decoder.js';
import { encode, ReplyWriter } from '../resp/encoder.js';
import { UNAUTH_MAX_BULK, UNAUTH_MAX_MULTIBULK, type ProtocolLimits } from '../resp/limits.js';
import { multi, simple, type Reply } from '../resp/reply.js';
import { Client, REPLY_OFF, REPLY_SKIP } from './client.js';
import { checkOutputLimit, type OutputLimit } from './output-limit.js';
import { CROSS_PROTOCOL_WARNING, isCrossProtocolCommand, PROTECTED_MODE_DENIED, protectedModeRefuses, WarningThrottle } from './security.js';
import { clientCertAccepted, type TlsAuthClients, type TlsSettings } from './tls.js';

/** Redis's per-client static reply buffer, not counted by client-output-buffer-limit. */
const REPLY_STATIC_BUFFER = 16 * 1024;

export interface RespServerDeps {
  executor: Executor;
  stats: ServerStats;
  log: Logger;
  now: () => number;
  /** Live settings. */
  /** Whether new clients must AUTH first, and the user they start as. */
  acl: Pick<AclApi, 'authRequired' | 'defaultUser'>;
  maxclients: () => number;
  /** client-output-buffer-limit for subscribed clients. */
  pubsubLimit: () => OutputLimit;
  /** client-output-buffer-limit for normal clients (Redis's default: none). */
  normalLimit?: () => OutputLimit;
  /** Shared by every connection's decoder and updated in place by CONFIG SET, so changes apply at once. */
  limits: ProtocolLimits;
  /** protected-mode (read per connection; it refuses only while the default user has no password). */
  protectedMode?: () => boolean;
  /** A cluster member's address: let in by protected mode (peer links use the RESP port). */
  trustedPeer?: (ip: string) => boolean;
  /** tls-auth-clients, read per TLS connection. */
  tlsAuthClients?: () => TlsAuthClients;
  /** Throttles the cross-protocol warning (once a minute per node, as Redis). */
  securityWarnings?: WarningThrottle;
  /** tcp-keepalive in seconds (0 = off), read per connection: a vanished client's socket is found dead. */
  tcpKeepAliveSecs?: () => number;
}

/** A reply owed to the client, in request order; `r` is null until the command answered. */
interface Pending {
  r: Reply | null;
  /** The command wrote here (its reply is replaced if the write is not acknowledged, see DurabilityError). */
  w?: boolean;
  /** The protocol when the command ran (a later HELLO does not change how its reply is written). */
  readonly proto: 2 | 3;
}

/** Forwarded commands one connection may have in flight before reading pauses. */
const MAX_PIPELINED = 1024;

/** What is written for a reply CLIENT REPLY OFF / SKIP suppressed: nothing. */
const DROPPED: Reply = multi([]);

/** `buf` with each [start, end) span of `spans` (pairs, ascending) replaced by `line`. */
export function replaceSpans(buf: Buffer, spans: readonly number[], line: string): Buffer {
  const parts: Buffer[] = [];
  const err = Buffer.from(line, 'latin1');
  let at = 0;
  for (let i = 0; i < spans.length; i += 2) {
    parts.push(buf.subarray(at, spans[i] as number), err);
    at = spans[i + 1] as number;
  }
  parts.push(buf.subarray(at));
  return Buffer.concat(parts);
}

/** One accepted socket: its decoder, its client state, and the ordered execute/reply loop. */
class Connection {
  readonly decoder: RequestDecoder;
  private readonly writer = new ReplyWriter();
  /** An asynchronous command is running; later frames wait so replies keep their order. */
  private busy = false;
  private closed = false;
  /** Replies of the running batch are still being collected (one write at its end). */
  private inBatch = false;
  /** When the output first went over the soft limit (0 = not over). */
  private softSince = 0;
  /** Reply buffers held back until the journal says the writes they acknowledge are durable. */
  private gated = 0;
  private gateChain: Promise<void> = Promise.resolve();
  /**
   * Byte spans (start, end pairs) of write replies in the writer since its last take(): a batch
   * whose write a replica did not acknowledge gets an error in their place (DurabilityError).
   * Null when the writer holds none.
   */
  private writeSpans: number[] | null = null;
  /**
   * Replies still owed, in request order, once a forwarded command is in flight: later commands
   * run meanwhile (their replies queue behind it), so a pipeline to another owner is not one
   * round trip per command.
   */
  private readonly ordered: Pending[] = [];
  /** Too many forwarded replies in flight: reading resumes once they drained. */
  private waitOrdered = false;
  /** QUIT arrived behind forwarded commands. */
  private closeWhenDrained = false;
  /**
   * Output of this connection's own command that Redis writes after its reply: MONITOR lines (the
   * reply is added before the command is fed to monitors) and the tracking invalidations of keys
   * the command changed (Redis's tracking_pending_keys). Null when none wait.
   */
  private held: (string | Reply)[] | null = null;

  constructor(
    private readonly socket: net.Socket,
    readonly client: Client,
    private readonly deps: RespServerDeps,
    private readonly onClose: () => void,
  ) {
    this.decoder = new RequestDecoder(deps.limits);
    this.updateStrict();
    client.deliver = (r) => this.send(r);
    client.deliverAfterReply = (r) => {
      if (this.inBatch || this.busy) (this.held ??= []).push(r);
      else this.send(r);
    };
    client.feed = (line) => this.feedLine(line);
    client.sendRaw = (buf) => {
      if (this.closed) return;
      this.writer.bytes(buf);
      if (!this.busy && !this.inBatch) this.flush();
    };
    socket.setNoDelay(true);
    // As Redis's anetKeepAlive: probes start after the interval, so a peer that vanished is dropped.
    const keepAlive = deps.tcpKeepAliveSecs?.() ?? 0;
    if (keepAlive > 0) socket.setKeepAlive(true, keepAlive * 1000);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => {
      if (!this.closed && !this.busy && !this.waitOrdered && !this.closeWhenDrained) socket.resume();
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private updateStrict(): void {
    this.decoder.strict =
      !this.client.authenticated && this.deps.acl.authRequired()
        ? { maxMultibulk: UNAUTH_MAX_MULTIBULK, maxBulk: UNAUTH_MAX_BULK }
        : null;
  }

  private onData(chunk: Buffer): void {
    // After a protocol error or QUIT nothing more is read or buffered.
    if (this.closed) return;
    this.deps.stats.netInputBytes += chunk.length;
    try {
      this.decoder.feed(chunk);
    } catch (e) {
      this.protocolError(e);
      return;
    }
    if (!this.busy && !this.waitOrdered && !this.closeWhenDrained) this.process();
  }

  /** Executes every complete frame in order; replies of one batch leave in one socket write. */
  private process(): void {
    const executor = this.deps.executor;
    // Redis trims the query buffer after the batch: while a command runs, CLIENT LIST's qbuf counts it.
    this.client.qbuf = this.decoder.pending;
    executor.beginBatch();
    this.inBatch = true;
    try {
      this.processBatch();
    } finally {
      this.inBatch = false;
      executor.endBatch();
    }
  }

  private processBatch(): void {
    const executor = this.deps.executor;
    for (;;) {
      if (this.closed) return;
      let argv: string[] | null;
      try {
        argv = this.decoder.next();
      } catch (e) {
        this.flush();
        this.protocolError(e);
        return;
      }
      if (argv === null) break;
      if (isCrossProtocolCommand(argv[0] as string)) {
        this.crossProtocol();
        return;
      }
      const dirty = this.deps.stats.dirty;
      const out = executor.execute(this.client, argv);
      if (out instanceof Promise) {
        if (executor.mayPipeline(out)) {
          // A forwarded command: later commands run meanwhile, their replies wait their turn.
          const slot: Pending = { r: null, proto: this.client.proto };
          this.ordered.push(slot);
          // Ran elsewhere: CLIENT REPLY state is decided now, in request order.
          const drop = this.client.replyFlags !== 0 && this.client.replyDropped();
          out.then(
            (r) => {
              slot.r = drop ? DROPPED : r;
              this.drainOrdered();
            },
            () => undefined,
          );
          if (this.ordered.length >= MAX_PIPELINED) {
            // Enough in flight for one client: read more only once the owners caught up.
            this.waitOrdered = true;
            this.flush();
            this.socket.pause();
            return;
          }
          continue;
        }
        // Anything else asynchronous (a blocking command) holds the connection until it answers.
        this.busy = true;
        this.flush();
        this.socket.pause();
        const slot: Pending | null = this.ordered.length > 0 ? { r: null, proto: this.client.proto } : null;
        if (slot !== null) this.ordered.push(slot);
        out.then(
          (r) => {
            this.busy = false;
            if (this.closed) return;
            // A paused or blocked command ran only now: its CLIENT REPLY state is decided now.
            if (this.client.replyFlags !== 0 && this.client.replyDropped()) r = DROPPED;
            if (slot !== null) {
              slot.r = r;
              this.drainOrdered();
            } else {
              this.reply(r);
            }
            this.socket.resume();
            this.process();
          },
          () => undefined,
        );
        return;
      }
      const r = this.client.replyFlags !== 0 && this.client.replyDropped() ? DROPPED : out;
      // A reply CLIENT REPLY OFF / SKIP dropped stays dropped even if the write fails.
      const wrote = this.deps.stats.dirty !== dirty && r !== DROPPED;
      if (this.ordered.length > 0) {
        this.ordered.push(wrote ? { r, proto: this.client.proto, w: true } : { r, proto: this.client.proto });
        if (this.held !== null) this.queueHeld();
      } else {
        const start = this.writer.length;
        this.reply(r);
        if (wrote) this.noteWrite(start);
      }
      if (this.client.closeAfterReply) {
        if (this.ordered.length > 0) {
          // QUIT behind forwarded commands: close once their replies are out.
          this.closeWhenDrained = true;
          this.socket.pause();
          return;
        }
        this.flush();
        this.closeAfterWrite();
        return;
      }
    }
    this.client.qbuf = this.decoder.pending;
    this.flush();
  }

  /** Encodes the replies whose turn came (in request order) and sends them unless a batch is still running. */
  private drainOrdered(): void {
    if (this.closed) return;
    let n = 0;
    while (n < this.ordered.length) {
      const head = this.ordered[n] as Pending;
      if (head.r === null) break;
      const start = this.writer.length;
      encode(this.writer, head.r, head.proto);
      if (head.w === true) this.noteWrite(start);
      n++;
    }
    if (n === 0) return;
    this.ordered.splice(0, n);
    if (this.decoder.strict !== null) this.updateStrict();
    // Forwarded replies arrive in bursts (a link read resolves many): one write per burst.
    if (!this.inBatch) this.scheduleFlush();
    if (this.ordered.length > 0) return;
    if (this.closeWhenDrained) {
      this.flush();
      this.closeAfterWrite();
      return;
    }
    if (this.waitOrdered) {
      this.waitOrdered = false;
      this.socket.resume();
      if (!this.busy && !this.inBatch) this.process();
    }
  }

  private flushScheduled = false;

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      if (!this.inBatch) this.flush();
    });
  }

  /** The reply encoded from `start` to the writer's end acknowledges a write. */
  private noteWrite(start: number): void {
    if (this.writer.length === start) return;
    (this.writeSpans ??= []).push(start, this.writer.length);
  }

  private reply(r: Reply): void {
    encode(this.writer, r, this.client.proto);
    if (this.decoder.strict !== null) this.updateStrict();
    if (this.held !== null) this.releaseHeld();
  }

  /**
   * One MONITOR line. Lines from other connections' commands are batched into one write per
   * microtask; a monitor that does not read is closed at the output limit (the pub/sub class's:
   * a monitor is a feed like a subscriber), so it never grows the node's memory without bound.
   */
  private feedLine(line: string): void {
    if (this.closed) return;
    // Redis adds the line as a reply: CLIENT REPLY OFF / SKIP silence it too.
    if ((this.client.replyFlags & (REPLY_OFF | REPLY_SKIP)) !== 0) return;
    if (this.inBatch || this.busy) {
      // Our own command (one that waited, too): its line follows its reply.
      (this.held ??= []).push(line);
      return;
    }
    this.writer.latin1(`+${line}\r\n`);
    this.scheduleFlush();
    this.checkOutputLimit('closing monitor over its output buffer limit');
  }

  private releaseHeld(): void {
    const held = this.held as (string | Reply)[];
    this.held = null;
    for (const h of held) {
      if (typeof h === 'string') this.writer.latin1(`+${h}\r\n`);
      else encode(this.writer, h, this.client.proto);
    }
  }

  /** The reply went behind forwarded replies still owed: what follows it queues behind it too. */
  private queueHeld(): void {
    const held = this.held as (string | Reply)[];
    this.held = null;
    for (const h of held) this.ordered.push({ r: typeof h === 'string' ? simple(h) : h, proto: this.client.proto });
  }

  /**
   * Sends a server-initiated message (pub/sub, tracking invalidation) in the client's protocol,
   * behind the replies still owed for forwarded commands (an invalidation never overtakes the
   * reply of the read it is about). A subscriber that does not read is closed at its
   * output-buffer limit instead of growing the node's memory.
   */
  send(r: Reply): void {
    if (this.closed) return;
    if (this.ordered.length > 0) {
      // The head is still unanswered (answered ones drain at once): this leaves right behind it.
      this.ordered.push({ r, proto: this.client.proto });
      return;
    }
    encode(this.writer, r, this.client.proto);
    if (!this.busy && !this.inBatch) this.flush();
    this.checkOutputLimit('closing subscriber over its output buffer limit');
  }

  /** Closes the connection once its unsent output is over client-output-buffer-limit (pub/sub class). */
  private checkOutputLimit(why: string): void {
    const pending = this.socket.writableLength + this.writer.length;
    const verdict = checkOutputLimit(this.deps.pubsubLimit(), pending, this.deps.now(), this.softSince);
    this.softSince = verdict.softSince;
    if (verdict.close) {
      this.deps.log.warn({ client: this.client.id, addr: this.client.addr, pending }, why);
      this.kill();
    }
  }

  /**
   * A normal client whose unsent output (what the socket still queues plus `adding`, counted before
   * it is written, as Redis counts a reply once it is in the buffer) is over its class's limit is
   * closed with nothing more sent, as Redis's closeClientOnOutputBufferLimitReached.
   */
  private overNormalLimit(adding: number): boolean {
    const limit = this.deps.normalLimit?.();
    // A member's forwarding link carries many clients' replies: each of them is bounded where it connected.
    if (limit === undefined || (limit.hard === 0 && limit.soft === 0) || this.client.type !== 'normal' || this.client.peer) return false;
    // Redis counts only its reply list, not the 16 KB static buffer a client's replies fill first
    // (PROTO_REPLY_CHUNK_BYTES): a limit of a few bytes does not close a client with small replies.
    const pending = Math.max(0, this.socket.writableLength + adding - REPLY_STATIC_BUFFER);
    const verdict = checkOutputLimit(limit, pending, this.deps.now(), this.softSince);
    this.softSince = verdict.softSince;
    if (!verdict.close) return false;
    this.deps.log.warn({ client: this.client.id, addr: this.client.addr, pending }, 'closing client over its output buffer limit');
    this.kill();
    return true;
  }

  private flush(): void {
    if (this.held !== null) this.releaseHeld();
    if (this.writer.length === 0 || this.closed) return;
    // appendfsync always: nothing leaves before the fsync covering this batch (null otherwise).
    const gate = this.deps.executor.whenDurable();
    if (gate !== null || this.gated > 0) {
      this.flushAfter(gate);
      return;
    }
    this.writeSpans = null;
    // Parts, not one joined Buffer: a big reply kept whole by the writer is sent without a copy.
    const parts = this.writer.takeParts();
    // Corked, the parts of one batch leave in one writev.
    if (parts.length > 1) this.socket.cork();
    for (const b of parts) this.writeOut(b);
    if (parts.length > 1) this.socket.uncork();
  }

  /**
   * Sends the batch's replies once `gate` resolves, after any batch held before it (order is
   * kept). If the write they acknowledge failed, they are never sent as OK: a replica that did not
   * acknowledge (DurabilityError) turns the write replies into that error and the connection stays;
   * a failed AOF write closes the connection, so the client sees an error rather than an OK for
   * data that is not on disk.
   */
  private flushAfter(gate: Promise<void> | null): void {
    const buf = this.writer.take();
    const spans = this.writeSpans;
    this.writeSpans = null;
    this.gated++;
    this.gateChain = this.gateChain
      .then(() => gate)
      .then(
        () => {
          this.gated--;
          if (!this.socket.destroyed) this.writeOut(buf);
        },
        (e: unknown) => {
          this.gated--;
          if (e instanceof DurabilityError) {
            if (!this.socket.destroyed) this.writeOut(spans === null ? buf : replaceSpans(buf, spans, `-${e.reply}\r\n`));
            return;
          }
          this.deps.log.warn({ client: this.client.id, addr: this.client.addr }, 'closing client: the AOF write its replies depend on failed');
          this.kill();
        },
      );
  }

  private writeOut(buf: Buffer): void {
    if (this.closed) return;
    if (this.overNormalLimit(buf.length)) return;
    this.deps.stats.netOutputBytes += buf.length;
    if (!this.socket.write(buf)) {
      // Backpressure: stop reading requests until the client drains its replies.
      this.socket.pause();
    }
    this.client.omem = this.socket.writableLength;
  }

  private protocolError(e: unknown): void {
    const msg = e instanceof ProtocolError ? e.message : String(e);
    this.deps.log.debug({ client: this.client.id, reason: msg }, 'protocol error, closing client');
    if (this.closed) return;
    this.writer.latin1(`-ERR Protocol error: ${msg}\r\n`);
    this.flush();
    this.closeAfterWrite();
  }

  /** Sends what is queued, then closes both directions; stops reading so nothing more is buffered. */
  private closeAfterWrite(): void {
    this.closed = true;
    this.socket.pause();
    const end = (): void => {
      this.socket.end(() => this.socket.destroy());
    };
    // Replies still held for durability go first.
    if (this.gated > 0) void this.gateChain.then(end);
    else end();
    this.onClose();
  }

  /**
   * An HTTP request sent to the RESP port (cross-protocol scripting): closed at once, the command
   * not run and replies not yet written dropped, as Redis's securityWarningCommand (CLOSE_ASAP).
   */
  private crossProtocol(): void {
    const w = this.deps.securityWarnings;
    if (w === undefined || w.shouldLog(this.deps.now())) this.deps.log.warn({ client: this.client.id, addr: this.client.addr }, CROSS_PROTOCOL_WARNING);
    this.writer.take();
    this.kill();
  }

  kill(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose();
  }

  private close(): void {
    if (this.closed) {
      this.onClose();
      return;
    }
    this.closed = true;
    this.socket.destroy();
    this.onClose();
  }
}

/** A second plain listener bound by CONFIG SET port/bind, beside the one in use until the CONFIG SET commits. */
export interface Rebound {
  readonly address: net.AddressInfo;
  /** The new listener takes over; the old one stops accepting (its clients stay connected, as in Redis). */
  commit(): void;
  /** The CONFIG SET failed elsewhere: the new listener closes, the old one never stopped. */
  abort(): void;
}

export class RespServer {
  private server: net.Server;
  private tlsServer: tls.Server | null = null;
  private readonly conns = new Map<number, Connection>();
  private nextId = 1;

  constructor(private readonly deps: RespServerDeps) {
    this.server = net.createServer((socket) => this.accept(socket));
  }

  private accept(socket: net.Socket): void {
    const stats = this.deps.stats;
    if (this.conns.size >= this.deps.maxclients()) {
      stats.rejectedConnections++;
      refuse(socket, '-ERR max number of clients reached\r\n');
      return;
    }
    if (protectedModeRefuses(this.deps.protectedMode?.() ?? false, this.deps.acl.defaultUser.nopass, socket.remoteAddress ?? '', this.deps.trustedPeer ?? (() => false))) {
      // Redis counts it in rejected_connections, not in total_connections_received.
      stats.rejectedConnections++;
      refuse(socket, PROTECTED_MODE_DENIED);
      return;
    }
    stats.connectionsReceived++;
    const id = this.nextId++;
    const addr = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    const laddr = `${socket.localAddress ?? '?'}:${socket.localPort ?? 0}`;
    const client = new Client(id, addr, laddr, id + 8, this.deps.now(), !this.deps.acl.authRequired(), () => this.conns.get(id)?.kill());
    client.user = this.deps.acl.defaultUser;
    const conn = new Connection(socket, client, this.deps, () => {
      if (this.conns.delete(id)) this.deps.executor.clientClosed(client);
    });
    this.conns.set(id, conn);
  }

  clients(): IterableIterator<Client> {
    const it = this.conns.values();
    return (function* () {
      for (const c of it) yield c.client;
    })();
  }

  get connectedClients(): number {
    return this.conns.size;
  }


  /**
   * Binds the TLS port (tls-port): the same clients and commands as the plain port once the
   * handshake completed and tls-auth-clients accepted the client's certificate.
   */
  listenTls(port: number, host: string, settings: TlsSettings): Promise<net.AddressInfo> {
    // Always asks for a client certificate and never fails the handshake over it: tls-auth-clients
    // is checked per connection (clientCertAccepted), so CONFIG SET changes it for the next client.
    const server = tls.createServer({ ...settings.server, requestCert: true, rejectUnauthorized: false }, (socket) => {
      if (!clientCertAccepted(this.deps.tlsAuthClients?.() ?? settings.authClients, socket)) {
        this.deps.log.debug({ addr: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, reason: socket.authorizationError }, 'TLS client certificate refused');
        socket.destroy();
        return;
      }
      this.accept(socket);
    });
    server.on('tlsClientError', (e, socket) => {
      this.deps.log.debug({ addr: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`, err: e.message }, 'Error accepting a client connection');
    });
    this.tlsServer = server;
    return bind(server, port, host);
  }

  /** New certificates, CA or ciphers (CONFIG SET tls-*): connections made from now on use them. */
  setSecureContext(settings: TlsSettings): void {
    this.tlsServer?.setSecureContext(settings.server);
  }

  /** Binds and resolves with the real address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<net.AddressInfo> {
    return bind(this.server, port, host);
  }

  /**
   * Binds a new plain listener on `port`/`host` while the current one keeps accepting (CONFIG SET
   * port/bind): rejects as listen does (EADDRINUSE...) and then nothing changed. `samePort`: only
   * the address changes, and the port cannot be bound twice (0.0.0.0 beside 127.0.0.1), so the
   * current listener stops first and, if the new bind fails, listens again where it was (Redis's
   * changeBindAddr does the same).
   */
  async rebind(port: number, host: string, samePort = false): Promise<Rebound> {
    const next = net.createServer((socket) => this.accept(socket));
    const current = this.server;
    const was = current.address() as net.AddressInfo | null;
    if (samePort && was !== null) current.close();
    let address: net.AddressInfo;
    try {
      address = await bind(next, port, host);
    } catch (e) {
      if (samePort && was !== null) {
        const again = net.createServer((socket) => this.accept(socket));
        await bind(again, was.port, was.address);
        this.server = again;
      }
      throw e;
    }
    return {
      address,
      commit: () => {
        const old = this.server;
        this.server = next;
        if (old.listening) old.close();
      },
      abort: () => {
        next.close();
        if (samePort && was !== null && !this.server.listening) {
          const again = net.createServer((socket) => this.accept(socket));
          this.server = again;
          bind(again, was.port, was.address).catch((e: unknown) => this.deps.log.error({ err: e }, 'could not listen again on the previous address'));
        }
      },
    };
  }

  /** Stops accepting and closes every client connection. */
  close(): Promise<void> {
    for (const c of [...this.conns.values()]) c.kill();
    const closing = [this.server, this.tlsServer].filter((s): s is net.Server => s !== null && s.listening);
    return Promise.all(closing.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => undefined);
  }
}

/**
 * Answers a refused connection and closes it. What the client sent is read and dropped, so its
 * close is seen (an unread socket never reports the peer's end and would hold server.close());
 * a client that never closes is cut after a few seconds.
 */
function refuse(socket: net.Socket, line: string): void {
  socket.on('error', () => undefined);
  socket.resume();
  socket.setTimeout(5000, () => socket.destroy());
  socket.end(line, 'latin1');
}

/** Binds `server` and resolves with the real address (port 0 picks a free port). */
function bind(server: net.Server, port: number, host: string): Promise<net.AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve(server.address() as net.AddressInfo);
    });
  });
}
