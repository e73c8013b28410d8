// The replica side: the link to the primary (connect, handshake, full copy or +CONTINUE, then apply the stream and ACK it), with reconnects.
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import type { Logger } from 'pino';
import { encodeCommand } from '../persistence/records.js';
import { RequestDecoder } from '../resp/decoder.js';
import { DEFAULT_LIMITS } from '../resp/limits.js';
import type { ReplicationBacklog } from './backlog.js';
import type { ReplicationFeed } from './feed.js';
import { parseBulkHeader, parsePsyncAnswer, SocketReader } from './handshake.js';

/** Redis's repl_state, as ROLE names it. */
export type LinkState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

export interface MasterLinkDeps {
  host: string;
  port: number;
  backlog: ReplicationBacklog;
  feed: ReplicationFeed;
  /** Runs one command of the stream as the primary's client. */
  apply(argv: string[]): void;
  /** Replaces the dataset with a full copy (an RDB file); returns the keys loaded. Throws when it is malformed. */
  load(rdb: Buffer, replid: string, offset: number): number;
  /** The primary's history id changed under us (+CONTINUE with a new replid). */
  replidChanged(): void;
  /** masteruser / masterauth, or null when neither is set. */
  auth(): { user: string; pass: string } | null;
  /** REPLCONF listening-port / ip-address. */
  listeningPort(): number;
  announceIp(): string;
  timeoutS(): number;
  now(): number;
  log: Logger;
  /** TLS options (tls-replication) read at each connect; null or absent: plain TCP. */
  tls?: () => ConnectionOptions | null;
}

const RETRY_MS = 1000;

export class MasterLink {
  state: LinkState = 'connect';
  /** Last byte from the primary (ms); 0 before any. */
  lastIo = 0;
  /** When the link went down (ms), 0 while up or never up. */
  downSince: number;
  /** The full copy being received: its size (-1 unknown: EOF-marked) and the bytes read. */
  syncTotal = 0;
  syncRead = 0;
  syncStartedAt = 0;
  /** Figures: last full copy (bytes, ms, keys) and last partial resync's moved bytes. */
  lastFull: { bytes: number; ms: number; keys: number } | null = null;
  partialResyncs = 0;
  fullResyncs = 0;
  private socket: net.Socket | null = null;
  private reader: SocketReader | null = null;
  private decoder = new RequestDecoder({ ...DEFAULT_LIMITS });
  private unapplied: Buffer[] = [];
  private unappliedLen = 0;
  private ackWanted = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: MasterLinkDeps) {
    this.downSince = deps.now();
  }

  get host(): string {
    return this.deps.host;
  }

  get port(): number {
    return this.deps.port;
  }

  /** The offset applied so far (slave_repl_offset; what ACKs report). */
  get offset(): number {
    return this.deps.backlog.offset;
  }

  start(): void {
    this.timer = setInterval(() => this.cron(), RETRY_MS);
    this.timer.unref();
    this.connect();
  }

  stop(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.drop();
  }

  /** CLIENT KILL TYPE master and timeouts: close the link; it reconnects within a second. */
  drop(): void {
    const s = this.socket;
    this.socket = null;
    this.reader?.fail(new Error('link closed'));
    this.reader = null;
    if (s !== null) s.destroy();
    if (this.state !== 'connect') this.downSince = this.deps.now();
    this.state = 'connect';
  }

  /** REPLCONF GETACK from the primary: an ACK follows once the bytes received so far are applied. */
  wantAck(): void {
    this.ackWanted = true;
  }

  private cron(): void {
    if (this.closed) return;
    if (this.state === 'connect') return this.connect();
    const now = this.deps.now();
    if (now - this.lastIo > this.deps.timeoutS() * 1000) {
      this.deps.log.warn({ state: this.state }, 'timeout talking to the primary: reconnecting');
      this.drop();
      return;
    }
    if (this.state === 'connected') this.sendAck();
  }

  private connect(): void {
    if (this.closed) return;
    this.state = 'connecting';
    this.lastIo = this.deps.now();
    const secure = this.deps.tls?.() ?? null;
    const socket = secure === null ? net.connect({ host: this.deps.host, port: this.deps.port }) : tls.connect({ ...secure, host: this.deps.host, port: this.deps.port });
    this.socket = socket;
    const reader = new SocketReader();
    this.reader = reader;
    socket.setNoDelay(true);
    socket.on('data', (b: Buffer) => {
      if (this.socket !== socket) return;
      this.lastIo = this.deps.now();
      if (this.reader !== null) {
        this.reader.push(b);
        if (this.state === 'sync') this.syncRead = this.reader.buffered;
      } else this.onStream(b);
    });
    const gone = (): void => {
      if (this.socket !== socket) return;
      this.deps.log.info({ primary: `${this.deps.host}:${this.deps.port}` }, 'connection with the primary lost');
      this.drop();
    };
    socket.on('error', gone);
    socket.on('close', gone);
    // Over TLS the handshake with the primary starts once its certificate verified.
    socket.once(secure === null ? 'connect' : 'secureConnect', () => {
      if (this.socket !== socket) return;
      this.state = 'handshake';
      this.handshake(socket, reader).catch((e: unknown) => {
        if (this.socket !== socket) return;
        this.deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'replication handshake failed');
        this.drop();
      });
    });
  }

  /** Redis's syncWithMaster: PING, AUTH, REPLCONF listening-port / capa, PSYNC, then the copy or +CONTINUE. */
  private async handshake(socket: net.Socket, reader: SocketReader): Promise<void> {
    const send = (argv: string[]): void => void socket.write(encodeCommand(argv), 'latin1');
    send(['PING']);
    const pong = await reader.line();
    if (pong.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(pong)) throw new Error(`PING: ${pong}`);
    const auth = this.deps.auth();
    if (auth !== null) {
      send(auth.user !== '' ? ['AUTH', auth.user, auth.pass] : ['AUTH', auth.pass]);
      const r = await reader.line();
      if (r.startsWith('-')) throw new Error(`unable to AUTH to the primary: ${r}`);
    }
    send(['REPLCONF', 'listening-port', String(this.deps.listeningPort())]);
    await reader.line();
    if (this.deps.announceIp() !== '') {
      send(['REPLCONF', 'ip-address', this.deps.announceIp()]);
      await reader.line();
    }
    send(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    await reader.line();
    const b = this.deps.backlog;
    // With history of our own (an earlier link, or a primary's past) the primary may continue it.
    send(b.offset > 0 ? ['PSYNC', b.replid, String(b.offset + 1)] : ['PSYNC', '?', '-1']);
    let line = await reader.line();
    while (line === '') line = await reader.line();
    const answer = parsePsyncAnswer(line);
    if (answer.kind === 'later' || answer.kind === 'error') throw new Error(`PSYNC: ${line}`);
    if (answer.kind === 'continue') {
      this.partialResyncs++;
      if (answer.replid !== null && answer.replid !== b.replid) {
        b.replid2 = b.replid;
        b.secondReplOffset = b.offset + 1;
        b.replid = answer.replid;
        this.deps.replidChanged();
      }
      this.deps.log.info({ offset: b.offset }, 'partial resynchronization accepted by the primary');
    } else {
      await this.fullSync(reader, answer.replid, answer.offset);
    }
    this.reader = null;
    this.state = 'connected';
    this.downSince = 0;
    this.resetStream();
    const rest = reader.rest();
    // An ACK right away: a diskless primary starts the stream on the first one.
    this.sendAck();
    if (rest.length > 0) this.onStream(rest);
  }

  private async fullSync(reader: SocketReader, replid: string, offset: number): Promise<void> {
    this.state = 'sync';
    this.syncStartedAt = this.deps.now();
    this.syncRead = 0;
    let header = await reader.line();
    // A disk-based primary sends bare newlines while it prepares the file.
    while (header === '') header = await reader.line();
    const what = parseBulkHeader(header);
    if (what === null) throw new Error(`bad full-sync header: ${header.slice(0, 64)}`);
    this.syncTotal = 'len' in what ? what.len : -1;
    const rdb = 'len' in what ? await reader.exact(what.len) : await reader.untilMark(what.mark);
    const t0 = this.deps.now();
    const keys = this.deps.load(rdb, replid, offset);
    const ms = this.deps.now() - this.syncStartedAt;
    this.fullResyncs++;
    this.lastFull = { bytes: rdb.length, ms, keys };
    this.deps.log.info({ bytes: rdb.length, keys, ms, loadMs: this.deps.now() - t0 }, 'full resynchronization done');
  }

  private resetStream(): void {
    this.decoder = new RequestDecoder({ ...DEFAULT_LIMITS });
    this.unapplied = [];
    this.unappliedLen = 0;
  }

  /**
   * The command stream: every complete command is applied, then exactly the bytes applied go to
   * our backlog and our own replicas (so offsets stay the primary's, as PSYNC2 needs); a
   * partial command waits for its remaining bytes.
   */
  private onStream(chunk: Buffer): void {
    this.unapplied.push(chunk);
    this.unappliedLen += chunk.length;
    try {
      this.decoder.feed(chunk);
      for (let argv = this.decoder.next(); argv !== null; argv = this.decoder.next()) this.deps.apply(argv);
    } catch (e) {
      this.deps.log.error({ err: e instanceof Error ? e.message : String(e) }, 'bad data from the primary: dropping the link');
      this.drop();
      return;
    }
    const applied = this.unappliedLen - this.decoder.pending;
    if (applied > 0) {
      const all = this.unapplied.length === 1 ? (this.unapplied[0] as Buffer) : Buffer.concat(this.unapplied);
      this.deps.feed.appendBytes(all.subarray(0, applied));
      const rest = all.subarray(applied);
      this.unapplied = rest.length > 0 ? [Buffer.from(rest)] : [];
      this.unappliedLen = rest.length;
    }
    if (this.ackWanted) {
      this.ackWanted = false;
      this.sendAck();
    }
  }

  private sendAck(): void {
    this.socket?.write(encodeCommand(['REPLCONF', 'ACK', String(this.offset)]), 'latin1');
  }
}
