// Prometheus metrics for one node: its own prom-client Registry (never the global one) and every metric definition.
//
// Names follow redis_exporter's (redis_connected_clients -> ringcache_connected_clients, ...), so
// Redis dashboards and habits carry over. Node-level gauges and counters read their sources in
// collect(), i.e. at scrape time: nothing is added to the RESP command path except the executor's
// per-command bucket increment (buckets.ts), exported here. HTTP request durations are recorded by
// the HTTP app's onResponse hook; forwarded requests by routing through `forwarding`.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BucketCounts, COMMAND_LATENCY_BOUNDS_US, FORWARD_LATENCY_BOUNDS_S, LabelledBuckets } from './buckets.js';

/** Where the node-level metrics read their values at scrape time. */
export interface MetricSources {
  nodeId: string;
  /** The node finished starting and serves requests. */
  up: () => boolean;
  /** Connected RESP clients. */
  connectedClients: () => number;
  /** Keys in each database, index = db number. */
  keysPerDb: () => readonly number[];
  commandsProcessed: () => number;
  keyspaceHits: () => number;
  keyspaceMisses: () => number;
  /** Bytes the dataset accounts for (keys + values + per-key overhead), what maxmemory compares. */
  datasetBytes: () => number;
  /** The rest of INFO's node figures; absent in tests that stub only the above. */
  server?: ServerMetricsSource;
  /** INFO persistence as numbers; absent when the node has no persistence manager. */
  persistence?: () => PersistenceFigures;
  /** Membership, ring and gossip; may also be attached later with NodeMetrics#attachCluster. */
  cluster?: ClusterMetricsSource;
}

/** What INFO commandstats keeps per command, plus the latency buckets (microseconds, COMMAND_LATENCY_BOUNDS_US). */
export interface CommandFigures {
  readonly calls: number;
  readonly usec: number;
  readonly rejectedCalls: number;
  readonly failedCalls: number;
  readonly latency?: BucketCounts;
}

/** Node figures INFO reports, each read at scrape time (the same fields INFO reads). */
export interface ServerMetricsSource {
  version: string;
  /** The Redis version INFO claims compatibility with (redis_version). */
  redisVersion: string;
  uptimeSeconds(): number;
  blockedClients(): number;
  /** Keys with a TTL per database, index = db number (INFO keyspace expires=). */
  keysExpiringPerDb(): readonly number[];
  expiredKeys(): number;
  evictedKeys(): number;
  /** INFO used_memory. */
  usedMemory(): number;
  /** INFO maxmemory (0 = no limit). */
  maxmemory(): number;
  netInputBytes(): number;
  netOutputBytes(): number;
  connectionsReceived(): number;
  rejectedConnections(): number;
  errorReplies(): number;
  slowlogLength(): number;
  /** INFO commandstats, by lower-case command name (subcommands as `config|get`). */
  commandStats(): Iterable<[string, CommandFigures]>;
}

/** INFO persistence as numbers (times in seconds; -1 = never happened). */
export interface PersistenceFigures {
  aofEnabled: boolean;
  /** Bytes of the base and every incremental file (INFO aof_current_size); 0 when the AOF is off. */
  aofCurrentSize: number;
  aofBaseSize: number;
  aofLastWriteOk: boolean;
  /** Failed AOF writes and fsyncs since start. */
  aofWriteErrors: number;
  aofRewriteInProgress: boolean;
  aofLastRewriteOk: boolean;
  aofLastRewriteSeconds: number;
  aofRewrites: number;
  /** fsync latency (seconds, FSYNC_LATENCY_BOUNDS_S). */
  fsyncLatency: BucketCounts;
  rdbBgsaveInProgress: boolean;
  rdbLastBgsaveOk: boolean;
  rdbLastBgsaveSeconds: number;
  /** Unix seconds of the last successful save (start time if none), INFO rdb_last_save_time. */
  rdbLastSaveTime: number;
  rdbSaves: number;
  rdbChangesSinceLastSave: number;
}

/** One gossip message counter: cumulative messages of one type in one direction. */
export interface GossipCount {
  /** Message type as membership names it (ping, ack, ping-req, suspect, alive, dead, push-pull, ...). */
  readonly type: string;
  readonly direction: 'in' | 'out';
  readonly count: number;
}

/** One member state transition counter: cumulative transitions from one state to another seen by this node. */
export interface TransitionCount {
  /** 'none' for a member seen for the first time. */
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

/**
 * Where the cluster metrics read their values, all at scrape time. `clusterSourceFromView`
 * (cluster-source.ts) builds members and transitions from a MembershipView; the node adds the
 * ring and gossip parts. Forwarded requests are not read from here: routing records them in
 * NodeMetrics#forwarding as they finish.
 */
export interface ClusterMetricsSource {
  /** Members this node knows, per state (alive, suspect, dead, left), itself included. */
  membersByState(): Readonly<Record<string, number>>;
  /** Cumulative state transitions this node has observed. */
  stateTransitions(): Iterable<TransitionCount>;
  /** Slots (of 16384) this node owns in its current ring. */
  ownedSlots(): number;
  /** The ring epoch (bumps on every ring change). */
  ringEpoch?(): number;
  /** Cumulative gossip messages by type and direction (membership's stats()). */
  gossipMessages?(): Iterable<GossipCount>;
  /** Lifeguard local health multiplier (0 = healthy; higher = this node is slow to answer). */
  localHealth?(): number;
  /** Keys handed off to new owners (sent), and received from previous owners (applied, replaced or skipped), since start. */
  handoffKeys?(): { sent: number; received: number; replaced: number; skipped: number };
}

export interface MetricsOptions {
  /** Process metrics (CPU, heap, event loop lag, GC); off in unit tests that build many registries. */
  defaultMetrics?: boolean;
}

type HttpLabel = 'method' | 'route' | 'status_code';

/** One label set of a scraped histogram: per-bucket counts (not cumulative, last slot = above every bound), sum, count. */
interface ScrapedSeries {
  readonly labels: Record<string, string>;
  readonly counts: Float64Array;
  readonly sum: number;
  readonly count: number;
}

/** One label set of the request-duration histogram: per-bucket counts (not cumulative), sum, count. */
interface Series {
  readonly labels: Record<HttpLabel, string>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** One exported sample, in prom-client's histogram export shape (le in labels, the series' labels shared). */
interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  /** Buckets carry prom-client's "no exemplar" marker. */
  exemplar?: null;
}

/**
 * The HTTP request-duration histogram. prom-client's Histogram#observe validates and hashes the
 * label set on every call, a measurable share of a cache request; this subclass counts into typed
 * arrays keyed by the label tuple and builds prom-client's own export shape at scrape time in
 * getForPromString (the method the Registry asks a Histogram for; get() and the JSON export go
 * through it too), so the exposition text is exactly what prom-client would write.
 */
export class RequestDurationHistogram extends Histogram<HttpLabel> {
  /** method -> route -> status code -> series: lookups with the strings at hand, nothing built per call. */
  private readonly series = new Map<string, Map<string, Map<number, Series>>>();
  /** The same series in order of first observation, the order prom-client exports them in. */
  private readonly ordered: Series[] = [];

  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    private readonly bounds: readonly number[],
    registers: Registry[],
  ) {
    super({ name: metricName, help: metricHelp, labelNames: ['method', 'route', 'status_code'], buckets: [...bounds], registers });
  }

  record(method: string, route: string, statusCode: number, seconds: number): void {
    let byRoute = this.series.get(method);
    if (byRoute === undefined) this.series.set(method, (byRoute = new Map()));
    let byStatus = byRoute.get(route);
    if (byStatus === undefined) byRoute.set(route, (byStatus = new Map()));
    let s = byStatus.get(statusCode);
    if (s === undefined) {
      s = { labels: { method, route, status_code: String(statusCode) }, counts: new Float64Array(this.bounds.length), sum: 0, count: 0 };
      byStatus.set(statusCode, s);
      this.ordered.push(s);
    }
    s.sum += seconds;
    s.count++;
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (seconds <= (bounds[i] as number)) {
        s.counts[i] = (s.counts[i] as number) + 1;
        return;
      }
    }
  }


  async getForPromString(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: ExportedValue[] }> {
    const values: ExportedValue[] = [];
    const bucket = `${this.metricName}_bucket`;
    for (const s of this.ordered) {
      let acc = 0;
      this.bounds.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: bucket, exemplar: null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.metricName}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.metricName}_count` });
    }
    return { name: this.metricName, help: this.metricHelp, type: 'histogram', aggregator: 'sum', values };
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor calls reset() before this class's fields exist.
    this.series?.clear();
    if (this.ordered) this.ordered.length = 0;
  }
}

/**
 * A histogram whose counts live elsewhere (BucketCounts kept by the executor, the AOF writer,
 * routing) and are read only when scraped: `read()` yields every series, and `scale` converts the
 * stored unit to the exported one (microseconds -> seconds for commands). Exported in prom-client's
 * own shape, as RequestDurationHistogram does.
 */
export class ScrapedHistogram<L extends string> extends Histogram<L> {
  private readonly les: number[];

  constructor(
    private readonly metricName: string,
    private readonly metricHelp: string,
    labelNames: readonly L[],
    bounds: readonly number[],
    private readonly scale: number,
    private readonly read: () => Iterable<ScrapedSeries>,
    registers: Registry[],
  ) {
    const les = bounds.map((b) => roundLe(b * scale));
    super({ name: metricName, help: metricHelp, labelNames: [...labelNames], buckets: les, registers });
    this.les = les;
  }

  async getForPromString(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: ExportedValue[] }> {
    const values: ExportedValue[] = [];
    const bucket = `${this.metricName}_bucket`;
    for (const s of this.read()) {
      let acc = 0;
      this.les.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: bucket, exemplar: null });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket, exemplar: null });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum * this.scale, metricName: `${this.metricName}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.metricName}_count` });
    }
    return { name: this.metricName, help: this.metricHelp, type: 'histogram', aggregator: 'sum', values };
  }
}

/** 1e-6 * 5 is 0.0000049999...: round bucket bounds to what they were meant to be. */
function roundLe(v: number): number {
  return Number(v.toPrecision(12));
}

export class NodeMetrics {
  readonly registry = new Registry();
  readonly httpDuration: RequestDurationHistogram;
  /**
   * Forwarded requests by outcome (ok, error, timeout, unavailable, ...), seconds from sending to
   * the owner's reply. Routing calls forwarding.observe(outcome, s), or keeps
   * forwarding.child(outcome) and calls observe(s) on it: no label hashing per request.
   */
  readonly forwarding = new LabelledBuckets(FORWARD_LATENCY_BOUNDS_S);
  private cluster: ClusterMetricsSource | null;

  constructor(sources: MetricSources, opts: MetricsOptions = {}) {
    const registers = [this.registry];
    this.cluster = sources.cluster ?? null;
    // Every series says which node it came from, so a Prometheus scraping all nodes of a cluster
    // (or a test process holding several nodes) can tell them apart without relabelling.
    this.registry.setDefaultLabels({ node: sources.nodeId });
    if (opts.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry });
      // prom-client's nodejs_active_{handles,requests,resources}_total are gauges with a counter's
      // suffix, which `promtool check metrics` rejects; the same figure, by resource type, under a
      // gauge's name instead.
      for (const n of ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_requests', 'nodejs_active_requests_total', 'nodejs_active_resources', 'nodejs_active_resources_total']) {
        this.registry.removeSingleMetric(n);
      }
      new Gauge({
        name: 'nodejs_active_resources',
        help: 'Resources keeping the event loop alive (sockets, timers, file handles), by type (process.getActiveResourcesInfo()).',
        labelNames: ['type'],
        registers,
        collect() {
          this.reset();
          const by = new Map<string, number>();
          for (const t of process.getActiveResourcesInfo()) by.set(t, (by.get(t) ?? 0) + 1);
          for (const [type, n] of by) this.set({ type }, n);
        },
      });
    }

    this.httpDuration = new RequestDurationHistogram(
      'ringcache_http_request_duration_seconds',
      'HTTP API request duration by route pattern and status code.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    );
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    // Counters mirror totals kept elsewhere: collect() replaces the value (reset + inc), so a CONFIG
    // RESETSTAT shows up as a counter reset, which Prometheus's rate() handles.
    const mirror = (name: string, help: string, read: () => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    };
    /** A gauge per database: db 0 always, others while they hold keys (a database emptied since drops out). */
    const perDb = (name: string, help: string, read: () => readonly number[], keys: () => readonly number[]): void => {
      new Gauge({
        name,
        help,
        labelNames: ['db'],
        registers,
        collect() {
          this.reset();
          const sizes = keys();
          read().forEach((n, db) => {
            if ((sizes[db] ?? 0) > 0 || db === 0) this.set({ db: String(db) }, n);
          });
        },
      });
    };

    gauge('ringcache_up', '1 while the node has started and serves requests, 0 while starting or stopping.', () => (sources.up() ? 1 : 0));
    gauge('ringcache_connected_clients', 'Connected RESP clients.', sources.connectedClients);
    perDb('ringcache_db_keys', 'Keys per database (db 0 always, other databases while they hold keys), as INFO keyspace keys=.', sources.keysPerDb, sources.keysPerDb);
    gauge(
      'ringcache_memory_used_dataset_bytes',
      'Bytes the dataset accounts for (keys, values and per-key overhead), as compared with maxmemory (INFO used_memory_dataset).',
      sources.datasetBytes,
    );
    mirror('ringcache_commands_processed_total', 'Commands executed (RESP and HTTP), as INFO total_commands_processed.', sources.commandsProcessed);
    mirror('ringcache_keyspace_hits_total', 'Successful key lookups, as INFO keyspace_hits.', sources.keyspaceHits);
    mirror('ringcache_keyspace_misses_total', 'Failed key lookups, as INFO keyspace_misses.', sources.keyspaceMisses);

    const srv = sources.server;
    if (srv !== undefined) {
      new Gauge({
        name: 'ringcache_build_info',
        help: 'Always 1; the labels say which build runs (ringcache version, the Redis version it is compatible with, Node.js).',
        labelNames: ['version', 'redis_version', 'node_version'],
        registers,
      }).set({ version: srv.version, redis_version: srv.redisVersion, node_version: process.version.slice(1) }, 1);
      gauge('ringcache_uptime_in_seconds', 'Seconds since the node started, as INFO uptime_in_seconds.', () => srv.uptimeSeconds());
      gauge('ringcache_blocked_clients', 'Clients waiting in a blocking command, as INFO blocked_clients.', () => srv.blockedClients());
      perDb('ringcache_db_keys_expiring', 'Keys with a TTL per database, as INFO keyspace expires=.', () => srv.keysExpiringPerDb(), sources.keysPerDb);
      mirror('ringcache_expired_keys_total', 'Keys removed because their TTL passed, as INFO expired_keys.', () => srv.expiredKeys());
      mirror('ringcache_evicted_keys_total', 'Keys evicted by the maxmemory policy, as INFO evicted_keys.', () => srv.evictedKeys());
      gauge('ringcache_memory_used_bytes', 'Memory the node uses (V8 heap used + external), as INFO used_memory.', () => srv.usedMemory());
      gauge('ringcache_memory_max_bytes', 'The maxmemory setting in bytes (0 = no limit), as INFO maxmemory.', () => srv.maxmemory());
      mirror('ringcache_net_input_bytes_total', 'Bytes read from RESP clients, as INFO total_net_input_bytes.', () => srv.netInputBytes());
      mirror('ringcache_net_output_bytes_total', 'Bytes written to RESP clients, as INFO total_net_output_bytes.', () => srv.netOutputBytes());
      mirror('ringcache_connections_received_total', 'RESP connections accepted, as INFO total_connections_received.', () => srv.connectionsReceived());
      mirror('ringcache_rejected_connections_total', 'RESP connections refused (maxclients), as INFO rejected_connections.', () => srv.rejectedConnections());
      mirror('ringcache_errors_total', 'Error replies sent, as INFO total_error_replies.', () => srv.errorReplies());
      gauge('ringcache_slowlog_length', 'Entries in the slow log, as SLOWLOG LEN.', () => srv.slowlogLength());

      const perCommand = (name: string, help: string, field: 'calls' | 'usec' | 'rejectedCalls' | 'failedCalls', scale: number): void => {
        new Counter({
          name,
          help,
          labelNames: ['cmd'],
          registers,
          collect() {
            this.reset();
            for (const [cmd, st] of srv.commandStats()) this.inc({ cmd }, st[field] * scale);
          },
        });
      };
      perCommand('ringcache_commands_total', 'Calls per command, as INFO commandstats calls=.', 'calls', 1);
      perCommand('ringcache_commands_duration_seconds_total', 'Seconds spent per command, as INFO commandstats usec= (in seconds).', 'usec', 1e-6);
      perCommand('ringcache_commands_rejected_calls_total', 'Calls refused before running (arity, auth, OOM, MISCONF), as INFO commandstats rejected_calls=.', 'rejectedCalls', 1);
      perCommand('ringcache_commands_failed_calls_total', 'Calls that ran and answered an error, as INFO commandstats failed_calls=.', 'failedCalls', 1);
      new ScrapedHistogram(
        'ringcache_command_duration_seconds',
        'Command latency per command (execution on this node, microsecond buckets).',
        ['cmd'],
        COMMAND_LATENCY_BOUNDS_US,
        1e-6,
        function* () {
          for (const [cmd, st] of srv.commandStats()) if (st.latency !== undefined && st.latency.count > 0) yield { labels: { cmd }, counts: st.latency.counts, sum: st.latency.sum, count: st.latency.count };
        },
        registers,
      );
    }

    const pers = sources.persistence;
    if (pers !== undefined) {
      const flag = (b: boolean): number => (b ? 1 : 0);
      gauge('ringcache_aof_enabled', '1 while appendonly is on.', () => flag(pers().aofEnabled));
      gauge('ringcache_aof_current_size_bytes', 'Bytes of the AOF (base + incremental files), as INFO aof_current_size.', () => pers().aofCurrentSize);
      gauge('ringcache_aof_base_size_bytes', 'Bytes of the AOF base file after the last rewrite, as INFO aof_base_size.', () => pers().aofBaseSize);
      gauge('ringcache_aof_last_write_status', '1 when the last AOF write/fsync succeeded, 0 while writes fail (writes are refused with MISCONF).', () => flag(pers().aofLastWriteOk));
      mirror('ringcache_aof_write_errors_total', 'Failed AOF writes and fsyncs.', () => pers().aofWriteErrors);
      gauge('ringcache_aof_rewrite_in_progress', '1 while a background AOF rewrite runs.', () => flag(pers().aofRewriteInProgress));
      gauge('ringcache_aof_last_bgrewrite_status', '1 when the last AOF rewrite succeeded, as INFO aof_last_bgrewrite_status.', () => flag(pers().aofLastRewriteOk));
      gauge('ringcache_aof_last_rewrite_duration_seconds', 'Duration of the last AOF rewrite (-1 = none yet).', () => pers().aofLastRewriteSeconds);
      mirror('ringcache_aof_rewrites_total', 'Completed AOF rewrites, as INFO aof_rewrites.', () => pers().aofRewrites);
      new ScrapedHistogram(
        'ringcache_aof_fsync_duration_seconds',
        'AOF fsync latency.',
        [],
        pers().fsyncLatency.bounds,
        1,
        function* () {
          const h = pers().fsyncLatency;
          yield { labels: {}, counts: h.counts, sum: h.sum, count: h.count };
        },
        registers,
      );
      gauge('ringcache_rdb_bgsave_in_progress', '1 while a background snapshot runs.', () => flag(pers().rdbBgsaveInProgress));
      gauge('ringcache_rdb_last_bgsave_status', '1 when the last snapshot succeeded, as INFO rdb_last_bgsave_status.', () => flag(pers().rdbLastBgsaveOk));
      gauge('ringcache_rdb_last_bgsave_duration_seconds', 'Duration of the last snapshot (-1 = none yet).', () => pers().rdbLastBgsaveSeconds);
      gauge('ringcache_rdb_last_save_timestamp_seconds', 'Unix time of the last successful save, as INFO rdb_last_save_time.', () => pers().rdbLastSaveTime);
      mirror('ringcache_rdb_saves_total', 'Completed snapshots, as INFO rdb_saves.', () => pers().rdbSaves);
      gauge('ringcache_rdb_changes_since_last_save', 'Writes since the last successful save, as INFO rdb_changes_since_last_save.', () => pers().rdbChangesSinceLastSave);
    }

    this.registerCluster(registers);
  }

  /** Cluster metrics read through this.cluster, so a source attached after construction is picked up. */
  private registerCluster(registers: Registry[]): void {
    const cluster = (): ClusterMetricsSource | null => this.cluster;
    new Gauge({
      name: 'ringcache_cluster_members',
      help: 'Cluster members this node knows, by state (alive, suspect, dead, left), itself included.',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const c = cluster();
        if (c === null) return;
        // Every state always present (0 when empty), so alerts on suspect/dead have a series to watch.
        const by = c.membersByState();
        for (const state of ['alive', 'suspect', 'dead', 'left']) this.set({ state }, by[state] ?? 0);
        for (const [state, n] of Object.entries(by)) if (!['alive', 'suspect', 'dead', 'left'].includes(state)) this.set({ state }, n);
      },
    });
    new Counter({
      name: 'ringcache_cluster_member_transitions_total',
      help: 'Member state changes this node observed, by previous and new state (from="none" for a member seen the first time).',
      labelNames: ['from', 'to'],
      registers,
      collect() {
        this.reset();
        const c = cluster();
        if (c === null) return;
        for (const t of c.stateTransitions()) this.inc({ from: t.from, to: t.to }, t.count);
      },
    });
    new Gauge({
      name: 'ringcache_cluster_slots_owned',
      help: 'Hash slots (of 16384) this node owns in its current ring.',
      registers,
      collect() {
        this.reset();
        const c = cluster();
        if (c !== null) this.set(c.ownedSlots());
      },
    });
    new Gauge({
      name: 'ringcache_cluster_ring_epoch',
      help: 'Ring epoch: bumps every time the ring changes.',
      registers,
      collect() {
        this.reset();
        const e = cluster()?.ringEpoch?.();
        if (e !== undefined) this.set(e);
      },
    });
    new Gauge({
      name: 'ringcache_gossip_local_health',
      help: 'Lifeguard local health multiplier: 0 healthy, higher while this node is slow to answer probes.',
      registers,
      collect() {
        this.reset();
        const h = cluster()?.localHealth?.();
        if (h !== undefined) this.set(h);
      },
    });
    new Counter({
      name: 'ringcache_gossip_messages_total',
      help: 'Gossip (SWIM) messages by type and direction (in = received, out = sent).',
      labelNames: ['type', 'direction'],
      registers,
      collect() {
        this.reset();
        const msgs = cluster()?.gossipMessages?.();
        if (msgs === undefined) return;
        for (const m of msgs) this.inc({ type: m.type, direction: m.direction }, m.count);
      },
    });
    new Counter({
      name: 'ringcache_cluster_handoff_keys_total',
      help: 'Keys moved by slot handoff: sent (acknowledged by the new owner, deleted here), received (applied here), replaced (applied here over the copy this node loaded from disk at start-up), skipped (received but a live copy existed here).',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        const h = cluster()?.handoffKeys?.();
        if (h === undefined) return;
        this.inc({ outcome: 'sent' }, h.sent);
        this.inc({ outcome: 'received' }, h.received);
        this.inc({ outcome: 'replaced' }, h.replaced);
        this.inc({ outcome: 'skipped' }, h.skipped);
      },
    });
    const forwarding = this.forwarding;
    new Counter({
      name: 'ringcache_forwarded_requests_total',
      help: 'Commands forwarded to the owning node, by outcome.',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, b] of forwarding.entries()) this.inc({ outcome }, b.count);
      },
    });
    new ScrapedHistogram(
      'ringcache_forwarded_request_duration_seconds',
      'Latency of commands forwarded to the owning node, by outcome (send to reply).',
      ['outcome'],
      FORWARD_LATENCY_BOUNDS_S,
      1,
      function* () {
        for (const [outcome, b] of forwarding.entries()) yield { labels: { outcome }, counts: b.counts, sum: b.sum, count: b.count };
      },
      registers,
    );
  }

  /** Connects the cluster metrics to membership/ring once they exist (the node may build them after the metrics). */
  attachCluster(source: ClusterMetricsSource): void {
    this.cluster = source;
  }

  /** Records one finished HTTP request. `route` is the route pattern, never the raw URL (bounded label set). */
  observeHttp(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.record(method, route, statusCode, seconds);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
