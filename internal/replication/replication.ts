// Standalone replication of one node: its role (primary or replica of host:port), the backlog and feed, both sides, ROLE and INFO replication.
import type { Logger } from 'pino';
import type { ConnectionOptions } from 'node:tls';
import type { ConfigRuntime } from '../config/runtime.js';
import { parseMemory } from '../config/load.js';
import type { FunctionsApi } from '../contracts/command.js';
import type { PersistenceApi } from '../contracts/persistence.js';
import { CommandError, errors } from '../contracts/errors.js';
import type { InfoFields } from '../contracts/figures.js';
import type { ReplicationApi } from '../contracts/replication.js';
import type { Executor } from '../executor/executor.js';
import { array, bulk, int, type Reply } from '../resp/reply.js';
import { Client } from '../server/client.js';
import type { Store } from '../store/store.js';
import type { Value } from '../store/types.js';
import { ReplicationBacklog } from './backlog.js';
import { ReplicationFeed } from './feed.js';
import { NOT_ENOUGH_REPLICAS, PrimarySide, READONLY_REPLICA } from './primary.js';
import { readRdb, writeRdb } from './rdb-file.js';
import { MasterLink } from './replica.js';

export interface ReplicationDeps {
  runtime: ConfigRuntime;
  store: Store;
  executor: Executor;
  functions: () => FunctionsApi;
  persistence: () => PersistenceApi | undefined;
  /** The RESP port this node listens on (REPLCONF listening-port). */
  tcpPort: () => number;
  now: () => number;
  version: string;
  log: Logger;
}

const WAIT_ON_REPLICA =
  'WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.';

export class Replication implements ReplicationApi {
  readonly backlog: ReplicationBacklog;
  readonly feed: ReplicationFeed;
  readonly primary: PrimarySide;
  /** The link to our primary while we are a replica. */
  link: MasterLink | null = null;
  /** TLS options for the link to a primary (tls-replication, set by the node), read at each connect. */
  linkTls: (() => ConnectionOptions | null) | null = null;
  /** The primary's client (CLIENT LIST flag M, CLIENT KILL TYPE master); null on a primary. */
  masterClient: Client | null = null;
  private feedStarted = false;
  private timer: NodeJS.Timeout | null = null;
  private tick = 0;

  constructor(private readonly deps: ReplicationDeps) {
    const { runtime } = deps;
    this.backlog = new ReplicationBacklog(runtime.num('redis.repl_backlog_size'));
    this.feed = new ReplicationFeed(this.backlog);
    this.primary = new PrimarySide({
      backlog: this.backlog,
      feed: this.feed,
      startFeed: () => this.startFeed(),
      rdb: (filter) => this.rdb(filter),
      cannotServe: () => (this.link !== null && this.link.state !== 'connected' ? new CommandError('NOMASTERLINK', "Can't SYNC while not connected with my master") : null),
      outputLimit: () => replicaHardLimit(runtime.str('client_output_buffer_limit')),
      now: deps.now,
      log: deps.log,
    });
  }

  get isReplica(): boolean {
    return this.link !== null;
  }

  /** Starts the once-a-second cron and, with `replicaof` configured, the link to the primary. */
  start(): void {
    this.timer = setInterval(() => this.cron(), 1000);
    this.timer.unref();
    const conf = this.deps.runtime.str('redis.replicaof');
    if (conf !== '') {
      const [host = '', port = '0'] = conf.split(' ');
      this.replicaOf(host, Number(port));
    }
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.link?.stop();
    this.primary.dropAll();
  }

  /** The clients replication adds to CLIENT LIST (the primary's link on a replica). */
  *clients(): IterableIterator<Client> {
    if (this.masterClient !== null) yield this.masterClient;
  }

  private startFeed(): void {
    if (this.feedStarted) return;
    this.feedStarted = true;
    this.deps.executor.addJournal(this.feed);
  }

  private cron(): void {
    this.tick++;
    const rt = this.deps.runtime;
    if (this.backlog.size !== rt.num('redis.repl_backlog_size')) this.backlog.resize(rt.num('redis.repl_backlog_size'));
    this.primary.cron(this.tick, rt.num('redis.repl_ping_replica_period'), rt.num('redis.repl_timeout'), this.link === null);
  }

  replicaOf(host: string, port: number): string {
    const cur = this.link;
    if (cur !== null && cur.host === host && cur.port === port) return 'OK Already connected to specified master';
    cur?.stop();
    this.startFeed();
    // The stream our own replicas get is now our primary's, byte for byte (offsets stay comparable).
    this.feed.acceptJournal = false;
    // Replicas never expire keys themselves: they wait for the primary's DELs (reads still hide them).
    this.deps.store.time.expiryPaused = true;
    const mc = new Client(0, `${host}:${port}`, `:${this.deps.tcpPort()}`, -1, this.deps.now(), true, () => this.link?.drop());
    mc.replRole = 'master';
    this.masterClient = mc;
    const link = new MasterLink({
      host,
      port,
      backlog: this.backlog,
      feed: this.feed,
      apply: (argv) => this.apply(mc, argv),
      load: (rdb, replid, offset) => this.load(mc, rdb, replid, offset),
      replidChanged: () => this.primary.dropAll(),
      auth: () => {
        const pass = this.deps.runtime.str('redis.masterauth');
        return pass === '' ? null : { user: this.deps.runtime.str('redis.masteruser'), pass };
      },
      listeningPort: () => this.deps.runtime.num('redis.replica_announce_port') || this.deps.tcpPort(),
      announceIp: () => this.deps.runtime.str('redis.replica_announce_ip'),
      timeoutS: () => this.deps.runtime.num('redis.repl_timeout'),
      ...(this.linkTls !== null ? { tls: this.linkTls } : {}),
      now: this.deps.now,
      log: this.deps.log,
    });
    this.link = link;
    this.deps.log.info({ primary: `${host}:${port}` }, 'replicating from a primary');
    link.start();
    return 'OK';
  }

  promote(): void {
    const link = this.link;
    if (link === null) return;
    link.stop();
    this.link = null;
    this.masterClient = null;
    // Our history so far stays addressable (replid2), so the old primary's other replicas can PSYNC to us.
    this.backlog.shiftReplid();
    this.feed.acceptJournal = true;
    this.feed.forceSelect();
    this.deps.store.time.expiryPaused = false;
    this.primary.dropAll();
    this.deps.log.info({ replid: this.backlog.replid }, 'promoted to primary');
  }

  private apply(mc: Client, argv: string[]): void {
    const out = this.deps.executor.executeHere(mc, argv);
    if (out instanceof Promise) return;
    if (out.t === 'error') this.deps.log.warn({ command: argv[0], error: out.v }, 'a command from the primary failed');
  }

  /** A full copy: the dataset (and function libraries) become the RDB's; our history becomes the primary's. */
  private load(mc: Client, rdb: Buffer, replid: string, offset: number): number {
    const { store } = this.deps;
    for (let i = 0; i < store.databases; i++) store.db(i).flush();
    let libs: string | null = null;
    let streamDb = 0;
    const { keys } = readRdb(rdb, {
      key: (db, key, value, at) => {
        if (db < store.databases) store.db(db).set(key, value, at);
      },
      functions: (payload) => (libs = payload),
      aux: (name, value) => {
        if (name === 'repl-stream-db' && /^\d+$/.test(value)) streamDb = Number(value);
      },
    });
    const fns = this.deps.functions();
    if (libs !== null) fns.restore(libs, 'flush');
    else fns.flush();
    this.backlog.reset(replid, offset);
    // The db the stream after the copy is in (a chained primary passes its own primary's stream on without a SELECT).
    mc.db = streamDb < store.databases ? streamDb : 0;
    mc.multi = null;
    // Our replicas hold the old history: they reconnect and copy the new one.
    this.primary.dropAll();
    // The AOF holds the old dataset: rewrite it from the new one.
    const p = this.deps.persistence();
    if (p !== undefined && this.deps.runtime.bool('appendonly')) {
      try {
        p.bgrewriteaof();
      } catch (e) {
        this.deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, 'AOF rewrite after a full sync failed to start');
      }
    }
    return keys;
  }

  /** The whole dataset as an RDB file, with Redis's AUX fields; a filter (redis-cli --functions-rdb) leaves the keys out. */
  private rdb(filter: { readonly functions: boolean } | null = null): Buffer {
    const { store } = this.deps;
    const now = this.deps.now();
    const fns = this.deps.functions();
    const keys = filter === null;
    return writeRdb({
      databases: store.databases,
      size: (db) => (keys ? store.db(db).size : 0),
      expires: (db) => (keys ? store.db(db).volatileCount : 0),
      entries: (db) => (keys ? liveEntries(store, db, now) : []),
      functions: fns.libraryCount > 0 && (filter === null || filter.functions) ? fns.dump() : null,
      aux: [
        ['redis-ver', this.deps.version],
        ['redis-bits', '64'],
        ['ctime', String(Math.floor(now / 1000))],
        ['used-mem', String(store.usedBytes())],
        // A replica passes its primary's bytes on: they continue in the db its link has selected.
        ['repl-stream-db', String(this.masterClient?.db ?? 0)],
        ['repl-id', this.backlog.replid],
        ['repl-offset', String(this.backlog.offset)],
        ['aof-base', '0'],
      ],
    });
  }

  replconf(client: Client, args: readonly string[]): Reply | null {
    // From our primary: GETACK asks for an ACK once what came before it is applied.
    if (client === this.masterClient) {
      if (args.length >= 1 && (args[0] as string).toLowerCase() === 'getack') this.link?.wantAck();
      return null;
    }
    return this.primary.replconf(client, args);
  }

  sync(client: Client, replid: string | null, offset: string): Reply {
    return this.primary.sync(client, replid, offset);
  }

  wait(client: Client, numreplicas: number, timeoutMs: number, mayBlock = true): number | Promise<number> {
    if (this.link !== null) throw errors.generic(WAIT_ON_REPLICA);
    return this.primary.wait(numreplicas, timeoutMs, mayBlock);
  }

  /** The cluster's write gate (a sync-mode node on a partition's minority side, cluster-replication.ts); consulted first. */
  clusterGate: ((client: Client) => CommandError | null) | null = null;

  refuseWrite(client: Client): CommandError | null {
    if (client === this.masterClient || client.id === 0) return null;
    const gate = this.clusterGate?.(client) ?? null;
    if (gate !== null) return gate;
    const rt = this.deps.runtime;
    if (this.link !== null) return rt.bool('redis.replica_read_only') ? READONLY_REPLICA() : null;
    // Every write asks, and a parameter read is a dictionary lookup (~3% of a SET in the profile):
    // min-replicas-to-write is 0 unless configured, and then the lag is not needed.
    const min = rt.num('redis.min_replicas_to_write');
    if (min <= 0) return null;
    const lag = rt.num('redis.min_replicas_max_lag');
    if (lag > 0 && this.primary.goodReplicas(lag) < min) return NOT_ENOUGH_REPLICAS();
    return null;
  }

  role(): Reply {
    const link = this.link;
    if (link === null) {
      return array([bulk('master'), int(this.backlog.offset), array(this.primary.roleEntries().map((e) => array(e.map(bulk))))]);
    }
    return array([bulk('slave'), bulk(link.host), int(link.port), bulk(link.state), int(link.state === 'connected' ? link.offset : -1)]);
  }

  info(now: number): InfoFields {
    const out: [string, string | number][] = [];
    const link = this.link;
    const rt = this.deps.runtime;
    if (link === null) out.push(['role', 'master']);
    else {
      const up = link.state === 'connected';
      out.push(['role', 'slave'], ['master_host', link.host], ['master_port', link.port], ['master_link_status', up ? 'up' : 'down']);
      out.push(['master_last_io_seconds_ago', up ? Math.floor((now - link.lastIo) / 1000) : -1], ['master_sync_in_progress', link.state === 'sync' ? 1 : 0]);
      out.push(['slave_read_repl_offset', link.offset], ['slave_repl_offset', link.offset]);
      if (link.state === 'sync') {
        const total = link.syncTotal;
        out.push(['master_sync_total_bytes', total], ['master_sync_read_bytes', link.syncRead], ['master_sync_left_bytes', total < 0 ? -1 : total - link.syncRead]);
        out.push(['master_sync_perc', total > 0 ? ((link.syncRead / total) * 100).toFixed(2) : '0.00'], ['master_sync_last_io_seconds_ago', Math.floor((now - link.lastIo) / 1000)]);
      }
      if (!up) out.push(['master_link_down_since_seconds', link.downSince === 0 ? -1 : Math.floor((now - link.downSince) / 1000)]);
      out.push(['slave_priority', rt.num('redis.replica_priority')], ['slave_read_only', rt.bool('redis.replica_read_only') ? 1 : 0], ['replica_announced', rt.bool('redis.replica_announced') ? 1 : 0]);
    }
    for (const f of this.primary.info()) out.push([f[0], f[1]]);
    const min = rt.num('redis.min_replicas_to_write');
    const lag = rt.num('redis.min_replicas_max_lag');
    if (min > 0 && lag > 0) out.push(['min_slaves_good_slaves', this.primary.goodReplicas(lag)]);
    const b = this.backlog;
    out.push(['master_failover_state', 'no-failover'], ['master_replid', b.replid], ['master_replid2', b.replid2], ['master_repl_offset', b.offset], ['second_repl_offset', b.secondReplOffset]);
    out.push(['repl_backlog_active', this.feedStarted ? 1 : 0], ['repl_backlog_size', b.size], ['repl_backlog_first_byte_offset', this.feedStarted ? b.firstOffset : 0], ['repl_backlog_histlen', b.histlen]);
    return out;
  }
}

/** A db's keys with their deadlines; keys already past theirs are left out (Redis's rdbSave skips them too on a primary). */
function* liveEntries(store: Store, db: number, now: number): IterableIterator<readonly [string, Value, number]> {
  for (const [key, e] of store.db(db).entries()) {
    if (e.expireAt !== 0 && e.expireAt <= now) continue;
    yield [key, e.value, e.expireAt];
  }
}

/** client-output-buffer-limit's replica (slave) class hard limit in bytes; 0 = none. */
export function replicaHardLimit(v: string): number {
  const w = v.trim().split(/\s+/);
  for (let i = 0; i + 1 < w.length; i += 4) {
    const cls = (w[i] as string).toLowerCase();
    if (cls === 'replica' || cls === 'slave') return parseMemory(w[i + 1] as string) ?? 0;
  }
  return 0;
}

/** The node's client table with the primary's link added (CLIENT LIST, CLIENT KILL TYPE master, INFO clients). */
export function* withReplicationClients(clients: Iterable<Client>, r: Replication | undefined): IterableIterator<Client> {
  yield* clients;
  if (r !== undefined) yield* r.clients();
}

/**
 * Builds a node's replication and hooks it to the executor (the write gate); the returned step
 * starts it once the RESP port is bound (REPLCONF listening-port) and stops it at shutdown.
 */
export function createReplication(deps: ReplicationDeps): { replication: Replication; step: { name: string; start: () => void; stop: () => void } } {
  const replication = new Replication(deps);
  deps.executor.refuseWrite = (c) => replication.refuseWrite(c);
  deps.executor.replicationClosed = (c) => replication.primary.detach(c);
  return { replication, step: { name: 'replication', start: () => replication.start(), stop: () => replication.stop() } };
}
