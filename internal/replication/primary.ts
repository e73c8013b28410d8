// The primary side of standalone replication: PSYNC/SYNC (full copy or backlog), the replica table, ACKs, WAIT and min-replicas.
import type { Logger } from 'pino';
import { CommandError, errors } from '../contracts/errors.js';
import type { InfoFields } from '../contracts/figures.js';
import { multi, OK, simple, type Reply } from '../resp/reply.js';
import type { Client } from '../server/client.js';
import type { ReplicationBacklog } from './backlog.js';
import type { ReplicationFeed } from './feed.js';

/** One replica attached to this node (Redis's client with CLIENT_SLAVE). */
export interface ReplicaPeer {
  readonly client: Client;
  /** REPLCONF ip-address, else the connection's address. */
  ip: string;
  /** REPLCONF listening-port (0 until told). */
  port: number;
  state: 'wait_bgsave' | 'send_bulk' | 'online';
  /** The offset the replica last acknowledged (REPLCONF ACK). */
  ackOffset: number;
  /** When that ACK arrived (ms). */
  ackTime: number;
  psync2: boolean;
  unsubscribe: () => void;
  pending: Buffer[];
  flushing: boolean;
}

interface Waiter {
  target: number;
  n: number;
  resolve: (acked: number) => void;
  timer: NodeJS.Timeout | null;
}

export interface PrimaryDeps {
  backlog: ReplicationBacklog;
  feed: ReplicationFeed;
  /** Starts journaling writes into the feed (the first replica creates the stream, as Redis's backlog). */
  startFeed(): void;
  /** The full copy at this instant: an RDB file of the whole dataset, or of what `filter` keeps (REPLCONF rdb-filter-only). */
  rdb(filter: { readonly functions: boolean } | null): Buffer;
  /** Null when this node may serve replicas now, else why not (a replica without its primary link). */
  cannotServe(): CommandError | null;
  /** client-output-buffer-limit's replica class hard limit in bytes (0 = none). */
  outputLimit(): number;
  now(): number;
  log: Logger;
}

/** The replica connections' parameters as REPLCONF sets them before PSYNC, kept per client. */
interface PendingConf {
  ip: string | null;
  port: number;
  psync2: boolean;
  /** REPLCONF rdb-filter-only: the full copy holds only what the filters name (`functions`), no keys. */
  filter: { readonly functions: boolean } | null;
}

export class PrimarySide {
  readonly replicas = new Map<Client, ReplicaPeer>();
  private readonly confs = new WeakMap<Client, PendingConf>();
  private readonly waiters = new Set<Waiter>();
  private getackQueued = false;
  /** Full syncs served (INFO stats sync_full) and partial resyncs accepted / refused. */
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;

  constructor(private readonly deps: PrimaryDeps) {}

  /** REPLCONF from a (future) replica: listening-port, ip-address, capa, ack, getack is the replica side's. */
  replconf(client: Client, args: readonly string[]): Reply | null {
    if (args.length % 2 !== 0) throw errors.syntax();
    const conf = this.confs.get(client) ?? { ip: null, port: 0, psync2: false, filter: null };
    this.confs.set(client, conf);
    for (let i = 0; i < args.length; i += 2) {
      const opt = (args[i] as string).toLowerCase();
      const val = args[i + 1] as string;
      if (opt === 'listening-port') {
        const p = Number(val);
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw errors.notInteger();
        conf.port = p;
        const peer = this.replicas.get(client);
        if (peer !== undefined) peer.port = p;
      } else if (opt === 'ip-address') {
        conf.ip = val;
      } else if (opt === 'capa') {
        if (val.toLowerCase() === 'psync2') conf.psync2 = true;
      } else if (opt === 'ack') {
        const peer = this.replicas.get(client);
        const off = Number(val);
        if (peer !== undefined && Number.isSafeInteger(off)) this.acked(peer, off);
        // ACKs are never answered.
        return null;
      } else if (opt === 'rdb-filter-only') {
        // redis-cli --functions-rdb: keys are always left out, functions kept when named (Redis's only filter).
        let functions = false;
        for (const f of val.split(/\s+/).filter((x) => x !== '')) {
          if (f.toLowerCase() !== 'functions') throw errors.generic(`Unsupported rdb-filter-only option: ${f}`);
          functions = true;
        }
        conf.filter = { functions };
      } else if (opt === 'rdb-only') {
        if (val !== '0' && val !== '1') throw errors.generic('value is out of range, value must between 0 and 1');
        // Accepted: redis-cli --rdb reads the copy and closes the link itself.
      } else if (opt === 'getack') {
        // Accepted and ignored: GETACK is what a primary sends its replicas.
      } else {
        throw errors.generic(`Unrecognized REPLCONF option: ${args[i] as string}`);
      }
    }
    return OK;
  }

  /**
   * PSYNC replid offset / SYNC (replid null). A partial resync when the replid is ours (or our
   * previous one up to where it ended) and the backlog still holds everything after `offset`;
   * else a full copy. The RDB and the stream leave after this reply (see `startSending`).
   */
  sync(client: Client, replid: string | null, offsetArg: string): Reply {
    if (this.replicas.has(client)) return multi([]);
    const refusal = this.deps.cannotServe();
    if (refusal !== null) throw refusal;
    const b = this.deps.backlog;
    const conf = this.confs.get(client) ?? { ip: null, port: 0, psync2: false, filter: null };
    const want = Number(offsetArg);
    if (replid !== null && replid !== '?' && Number.isSafeInteger(want) && conf.filter === null) {
      const known = replid === b.replid || (replid === b.replid2 && want <= b.secondReplOffset);
      const missing = known ? b.readFrom(want - 1) : null;
      if (missing !== null) {
        this.syncPartialOk++;
        const peer = this.attach(client, conf, missing);
        peer.state = 'online';
        this.deps.log.info({ replica: client.addr, bytes: want - 1 < b.offset ? b.offset - want + 1 : 0 }, 'partial resynchronization accepted');
        return simple(conf.psync2 ? `CONTINUE ${b.replid}` : 'CONTINUE');
      }
      if (replid !== '?') this.syncPartialErr++;
    }
    this.syncFull++;
    this.deps.startFeed();
    // The stream after the copy starts with a SELECT: the replica's loaded dataset has no db selected.
    this.deps.feed.forceSelect();
    const offset = b.offset;
    const t0 = performance.now();
    const rdb = this.deps.rdb(conf.filter);
    const head = Buffer.from(`$${rdb.length}\r\n`, 'latin1');
    const peer = this.attach(client, conf, [head, rdb]);
    peer.state = 'send_bulk';
    this.deps.log.info({ replica: client.addr, rdbBytes: rdb.length, ms: Math.round(performance.now() - t0) }, 'full resynchronization');
    return replid === null ? multi([]) : simple(`FULLRESYNC ${b.replid} ${offset}`);
  }

  private attach(client: Client, conf: PendingConf, first: Buffer[]): ReplicaPeer {
    const ip = conf.ip ?? hostOf(client.addr);
    const peer: ReplicaPeer = {
      client,
      ip,
      port: conf.port,
      state: 'wait_bgsave',
      ackOffset: 0,
      ackTime: this.deps.now(),
      psync2: conf.psync2,
      unsubscribe: () => undefined,
      pending: [...first],
      flushing: false,
    };
    client.replRole = 'replica';
    this.replicas.set(client, peer);
    peer.unsubscribe = this.deps.feed.subscribe((chunk) => {
      peer.pending.push(chunk);
      this.schedule(peer);
    });
    // After this command's reply went out: the connection writes replies at the end of the batch.
    this.schedule(peer);
    return peer;
  }

  /** Writes what waits for one replica once per event-loop turn (one socket write for many commands). */
  private schedule(peer: ReplicaPeer): void {
    if (peer.flushing) return;
    peer.flushing = true;
    setImmediate(() => {
      peer.flushing = false;
      if (!peer.client.alive) return this.detach(peer.client);
      const parts = peer.pending;
      if (parts.length === 0) return;
      peer.pending = [];
      peer.client.sendRaw(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
      if (peer.state === 'send_bulk') peer.state = 'online';
      const limit = this.deps.outputLimit();
      if (limit > 0 && peer.client.omem > limit) {
        this.deps.log.warn({ replica: peer.client.addr, omem: peer.client.omem }, 'closing replica over its output buffer limit');
        peer.client.kill();
        this.detach(peer.client);
      }
    });
  }

  /** A replica connection closed (or is being dropped). */
  detach(client: Client): void {
    const peer = this.replicas.get(client);
    if (peer === undefined) return;
    peer.unsubscribe();
    this.replicas.delete(client);
    this.deps.log.info({ replica: client.addr }, 'replica disconnected');
  }

  /** Disconnects every replica (promotion, a new primary's history): they reconnect and resync. */
  dropAll(): void {
    for (const c of [...this.replicas.keys()]) {
      c.kill();
      this.detach(c);
    }
  }

  private acked(peer: ReplicaPeer, off: number): void {
    if (off > peer.ackOffset) peer.ackOffset = off;
    peer.ackTime = this.deps.now();
    if (peer.state === 'send_bulk') peer.state = 'online';
    if (this.waiters.size > 0) this.settleWaiters();
  }

  /** Replicas whose last ACK covers `target`. */
  ackedCount(target: number): number {
    let n = 0;
    for (const p of this.replicas.values()) if (p.state === 'online' && p.client.alive && p.ackOffset >= target) n++;
    return n;
  }

  /** WAIT: resolves with the count once `n` replicas reached the current offset, or at the timeout. */
  wait(n: number, timeoutMs: number, mayBlock: boolean): number | Promise<number> {
    const target = this.deps.backlog.offset;
    const now = this.ackedCount(target);
    if (now >= n || !mayBlock) return now;
    return new Promise<number>((resolve) => {
      const w: Waiter = { target, n, resolve, timer: null };
      if (timeoutMs > 0) {
        w.timer = setTimeout(() => {
          this.waiters.delete(w);
          resolve(this.ackedCount(target));
        }, timeoutMs);
      }
      this.waiters.add(w);
      this.requestAcks();
    });
  }

  private settleWaiters(): void {
    for (const w of this.waiters) {
      const acked = this.ackedCount(w.target);
      if (acked < w.n) continue;
      if (w.timer !== null) clearTimeout(w.timer);
      this.waiters.delete(w);
      w.resolve(acked);
    }
  }

  /** REPLCONF GETACK * into the stream, at most once per event-loop turn (Redis does it in beforeSleep). */
  private requestAcks(): void {
    if (this.getackQueued) return;
    this.getackQueued = true;
    setImmediate(() => {
      this.getackQueued = false;
      if (this.replicas.size > 0) this.deps.feed.appendRaw(['REPLCONF', 'GETACK', '*']);
    });
  }

  /** Replicas online whose last ACK is at most `maxLagS` seconds old (repl_good_slaves_count). */
  goodReplicas(maxLagS: number): number {
    const now = this.deps.now();
    let n = 0;
    for (const p of this.replicas.values()) if (p.state === 'online' && p.client.alive && Math.floor((now - p.ackTime) / 1000) <= maxLagS) n++;
    return n;
  }

  /**
   * Once a second (replicationCron): a PING into the stream every `pingPeriodS` (only on a
   * primary: a replica passes its primary's PINGs on, and its own would shift its offsets off its
   * primary's), and replicas silent for longer than `timeoutS` are dropped.
   */
  cron(tick: number, pingPeriodS: number, timeoutS: number, ping: boolean): void {
    if (this.replicas.size === 0) return;
    if (ping && tick % Math.max(1, pingPeriodS) === 0) this.deps.feed.appendRaw(['PING']);
    const now = this.deps.now();
    for (const p of [...this.replicas.values()]) {
      if (!p.client.alive) {
        this.detach(p.client);
        continue;
      }
      if (p.state === 'online' && now - p.ackTime > timeoutS * 1000) {
        this.deps.log.warn({ replica: p.client.addr }, 'disconnecting timed out replica');
        p.client.kill();
        this.detach(p.client);
      }
    }
  }

  /** ROLE's replica list: [ip, port, offset] each. */
  roleEntries(): [string, string, string][] {
    return [...this.replicas.values()].map((p) => [p.ip, String(p.port), String(p.ackOffset)]);
  }

  /** connected_slaves and the slaveN lines of INFO replication. */
  info(): InfoFields {
    const now = this.deps.now();
    const out: [string, string | number][] = [['connected_slaves', this.replicas.size]];
    let i = 0;
    for (const p of this.replicas.values()) {
      const state = p.state === 'online' ? 'online' : p.state;
      out.push([`slave${i++}`, `ip=${p.ip},port=${p.port},state=${state},offset=${p.ackOffset},lag=${Math.floor((now - p.ackTime) / 1000)}`]);
    }
    return out;
  }
}

/** The host part of `ip:port` (IPv6 addresses keep their colons). */
export function hostOf(addr: string): string {
  const i = addr.lastIndexOf(':');
  return i < 0 ? addr : addr.slice(0, i);
}

export const READONLY_REPLICA = (): CommandError => new CommandError('READONLY', "You can't write against a read only replica.");
export const NOT_ENOUGH_REPLICAS = (): CommandError => new CommandError('NOREPLICAS', 'Not enough good replicas to write.');
