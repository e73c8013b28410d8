// Prometheus metrics for one node: its own prom-client Registry (never the global one) and every metric definition.
//
// Names follow redis_exporter's (redis_connected_clients -> ringcache_connected_clients, ...), so
// Redis dashboards and habits carry over. Node-level gauges and counters read their sources in
// collect(), i.e. at scrape time: nothing is added to the RESP command path except the executor's
// per-command bucket increment (buckets.ts), exported here. HTTP request durations are recorded by
// the HTTP app's onResponse hook; forwarded requests by routing through `forwarding`.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NodeFigures, PersistenceFigures } from '../contracts/figures.js';
import { COMMAND_LATENCY_BOUNDS_US, FORWARD_LATENCY_BOUNDS_S, FSYNC_LATENCY_BOUNDS_S, LabelledBuckets } from './buckets.js';


/** Where the node-level metrics read their values at scrape time. */
export interface MetricSources {
  nodeId: string;
  /** The node's figures: one snapshot per scrape, the same INFO and GET /stats read. */
  figures: () => NodeFigures;
  /** Membership, ring and gossip; may also be attached later with NodeMetrics#attachCluster. */
  cluster?: ClusterMetricsSource;
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
  /** Cumulative gossip packets dropped, by reason (membership's stats().dropped). */
  gossipDropped?(): Readonly<Record<string, number>>;
  /** Lifeguard local health multiplier (0 = healthy; higher = this node is slow to answer). */
  localHealth?(): number;
  /** Keys handed off to new owners (sent), and received from previous owners (applied, replaced or skipped), since start. */
  handoffKeys?(): { sent: number; received: number; replaced: number; skipped: number };
  /** Cluster replication: this node's streams to its replicas (replication/cluster-replication.ts). */
  replicaStreams?(): readonly { peer: string; lagBytes: number; lagMs: number; inSync: boolean }[];
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

type Figures = () => NodeFigures;

/** prom-client's process metrics, with its counter-named active-resource gauges replaced by one gauge by type. */
function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  // prom-client's nodejs_active_{handles,requests,resources}_total are gauges with a counter's
  // suffix, which `promtool check metrics` rejects; the same figure, by resource type, under a
  // gauge's name instead.
  for (const n of ['nodejs_active_handles', 'nodejs_active_handles_total', 'nodejs_active_requests', 'nodejs_active_requests_total', 'nodejs_active_resources', 'nodejs_active_resources_total']) {
    registry.removeSingleMetric(n);
  }
  new Gauge({
    name: 'nodejs_active_resources',
    help: 'Resources keeping the event loop alive (sockets, timers, file handles), by type (process.getActiveResourcesInfo()).',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      const by = new Map<string, number>();
      for (const t of process.getActiveResourcesInfo()) by.set(t, (by.get(t) ?? 0) + 1);
      for (const [type, n] of by) this.set({ type }, n);
    },
  });
}

function gauge(registers: Registry[], name: string, help: string, read: () => number | null): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.reset();
      const v = read();
      if (v !== null) this.set(v);
    },
  });
}

/**
 * Counters mirror totals kept elsewhere: collect() replaces the value (reset + inc), so a CONFIG
 * RESETSTAT shows up as a counter reset, which Prometheus's rate() handles.
 */
function mirror(registers: Registry[], name: string, help: string, read: () => number | null): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      const v = read();
      if (v !== null) this.inc(v);
    },
  });
}

/** A gauge per database: db 0 always, others while they hold keys (a database emptied since drops out). */
function perDb(registers: Registry[], name: string, help: string, f: Figures, field: 'keys' | 'expires'): void {
  new Gauge({
    name,
    help,
    labelNames: ['db'],
    registers,
    collect() {
      this.reset();
      for (const d of f().keyspace) if (d.keys > 0 || d.db === 0) this.set({ db: String(d.db) }, d[field]);
    },
  });
}

/** Node-level figures under redis_exporter-style names, each "as INFO <field>". */
/** Dropped gossip packets by reason (membership's stats().dropped), read at scrape time. */
function registerGossipDrops(registers: Registry[], cluster: () => ClusterMetricsSource | null): void {
  new Counter({
    name: 'ringcache_gossip_packets_dropped_total',
    help: 'Gossip packets (or stream frames) dropped, by reason: malformed, version, cluster (another cluster name), plaintext (clear while a secret is set), foreign (sealed with a key not held here), decrypt (forged or tampered), replay, misrouted, unexpected, incarnation (a rumor about this node too far ahead).',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      const d = cluster()?.gossipDropped?.();
      if (d === undefined) return;
      for (const [reason, n] of Object.entries(d)) this.inc({ reason }, n);
    },
  });
}

function registerServerMetrics(registers: Registry[], f: Figures): void {
  new Gauge({
    name: 'ringcache_build_info',
    help: 'Always 1; the labels say which build runs (ringcache version, the Redis version it is compatible with, Node.js).',
    labelNames: ['version', 'redis_version', 'node_version'],
    registers,
    collect() {
      this.reset();
      const s = f();
      this.set({ version: s.version, redis_version: s.redisVersion, node_version: process.version.slice(1) }, 1);
    },
  });
  gauge(registers, 'ringcache_up', '1 while the node has started and serves requests, 0 while starting or stopping.', () => (f().up ? 1 : 0));
  gauge(registers, 'ringcache_connected_clients', 'Connected RESP clients.', () => f().clients.connected);
  perDb(registers, 'ringcache_db_keys', 'Keys per database (db 0 always, other databases while they hold keys), as INFO keyspace keys=.', f, 'keys');
  gauge(
    registers,
    'ringcache_memory_used_dataset_bytes',
    'Bytes the dataset accounts for (keys, values and per-key overhead), as compared with maxmemory (INFO used_memory_dataset).',
    () => f().memory.dataset,
  );
  mirror(registers, 'ringcache_commands_processed_total', 'Commands executed (RESP and HTTP), as INFO total_commands_processed.', () => f().stats.commandsProcessed);
  mirror(registers, 'ringcache_keyspace_hits_total', 'Successful key lookups, as INFO keyspace_hits.', () => f().stats.hits);
  mirror(registers, 'ringcache_keyspace_misses_total', 'Failed key lookups, as INFO keyspace_misses.', () => f().stats.misses);
  gauge(registers, 'ringcache_uptime_in_seconds', 'Seconds since the node started, as INFO uptime_in_seconds.', () => f().uptimeSeconds);
  gauge(registers, 'ringcache_blocked_clients', 'Clients waiting in a blocking command, as INFO blocked_clients.', () => f().clients.blocked);
  perDb(registers, 'ringcache_db_keys_expiring', 'Keys with a TTL per database, as INFO keyspace expires=.', f, 'expires');
  mirror(registers, 'ringcache_expired_keys_total', 'Keys removed because their TTL passed, as INFO expired_keys.', () => f().stats.expiredKeys);
  mirror(registers, 'ringcache_evicted_keys_total', 'Keys evicted by the maxmemory policy, as INFO evicted_keys.', () => f().stats.evictedKeys);
  gauge(registers, 'ringcache_memory_used_bytes', 'Memory the node accounts for (startup part + dataset priced by the measured overhead factor), what maxmemory bounds, as INFO used_memory.', () => f().memory.used);
  gauge(registers, 'ringcache_memory_max_bytes', 'The maxmemory setting in bytes (0 = no limit), as INFO maxmemory.', () => f().memory.maxmemory);
  mirror(registers, 'ringcache_net_input_bytes_total', 'Bytes read from RESP clients, as INFO total_net_input_bytes.', () => f().stats.netInputBytes);
  mirror(registers, 'ringcache_net_output_bytes_total', 'Bytes written to RESP clients, as INFO total_net_output_bytes.', () => f().stats.netOutputBytes);
  mirror(registers, 'ringcache_connections_received_total', 'RESP connections accepted, as INFO total_connections_received.', () => f().stats.connectionsReceived);
  mirror(registers, 'ringcache_rejected_connections_total', 'RESP connections refused (maxclients), as INFO rejected_connections.', () => f().stats.rejectedConnections);
  mirror(registers, 'ringcache_errors_total', 'Error replies sent, as INFO total_error_replies.', () => f().stats.errorReplies);
  gauge(registers, 'ringcache_slowlog_length', 'Entries in the slow log, as SLOWLOG LEN.', () => f().stats.slowlogLength);
}

/** INFO commandstats per command, and the per-command latency histogram. */
function registerCommandMetrics(registers: Registry[], f: Figures): void {
  const perCommand = (name: string, help: string, field: 'calls' | 'usec' | 'rejectedCalls' | 'failedCalls', scale: number): void => {
    new Counter({
      name,
      help,
      labelNames: ['cmd'],
      registers,
      collect() {
        this.reset();
        for (const [cmd, st] of f().commandStats) this.inc({ cmd }, st[field] * scale);
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
      for (const [cmd, st] of f().commandStats) if (st.latency.count > 0) yield { labels: { cmd }, counts: st.latency.counts, sum: st.latency.sum, count: st.latency.count };
    },
    registers,
  );
}

/** INFO persistence as gauges and counters; no series while the node has no persistence manager. */
function registerPersistenceMetrics(registers: Registry[], f: Figures): void {
  const flag = (read: (p: PersistenceFigures) => boolean) => (): number | null => {
    const p = f().persistence;
    return p === null ? null : read(p) ? 1 : 0;
  };
  const num = (read: (p: PersistenceFigures) => number) => (): number | null => {
    const p = f().persistence;
    return p === null ? null : read(p);
  };
  gauge(registers, 'ringcache_aof_enabled', '1 while appendonly is on.', flag((p) => p.aofEnabled));
  gauge(registers, 'ringcache_aof_current_size_bytes', 'Bytes of the AOF (base + incremental files), as INFO aof_current_size.', num((p) => p.aofCurrentSize));
  gauge(registers, 'ringcache_aof_base_size_bytes', 'Bytes of the AOF base file after the last rewrite, as INFO aof_base_size.', num((p) => p.aofBaseSize));
  gauge(registers, 'ringcache_aof_last_write_status', '1 when the last AOF write/fsync succeeded, 0 while writes fail (writes are refused with MISCONF).', flag((p) => p.aofLastWriteOk));
  mirror(registers, 'ringcache_aof_write_errors_total', 'Failed AOF writes and fsyncs.', num((p) => p.aofWriteErrors));
  gauge(registers, 'ringcache_aof_rewrite_in_progress', '1 while a background AOF rewrite runs.', flag((p) => p.aofRewriteInProgress));
  gauge(registers, 'ringcache_aof_last_bgrewrite_status', '1 when the last AOF rewrite succeeded, as INFO aof_last_bgrewrite_status.', flag((p) => p.aofLastRewriteOk));
  gauge(registers, 'ringcache_aof_last_rewrite_duration_seconds', 'Duration of the last AOF rewrite (-1 = none yet).', num((p) => p.aofLastRewriteSeconds));
  mirror(registers, 'ringcache_aof_rewrites_total', 'Completed AOF rewrites, as INFO aof_rewrites.', num((p) => p.aofRewrites));
  new ScrapedHistogram(
    'ringcache_aof_fsync_duration_seconds',
    'AOF fsync latency.',
    [],
    FSYNC_LATENCY_BOUNDS_S,
    1,
    function* () {
      const h = f().persistence?.fsyncLatency;
      if (h !== undefined) yield { labels: {}, counts: h.counts, sum: h.sum, count: h.count };
    },
    registers,
  );
  gauge(registers, 'ringcache_rdb_bgsave_in_progress', '1 while a background snapshot runs.', flag((p) => p.rdbBgsaveInProgress));
  gauge(registers, 'ringcache_rdb_last_bgsave_status', '1 when the last snapshot succeeded, as INFO rdb_last_bgsave_status.', flag((p) => p.rdbLastBgsaveOk));
  gauge(registers, 'ringcache_rdb_last_bgsave_duration_seconds', 'Duration of the last snapshot (-1 = none yet).', num((p) => p.rdbLastBgsaveSeconds));
  gauge(registers, 'ringcache_rdb_last_save_timestamp_seconds', 'Unix time of the last successful save, as INFO rdb_last_save_time.', num((p) => p.rdbLastSaveTime));
  mirror(registers, 'ringcache_rdb_saves_total', 'Completed snapshots, as INFO rdb_saves.', num((p) => p.rdbSaves));
  gauge(registers, 'ringcache_rdb_changes_since_last_save', 'Writes since the last successful save, as INFO rdb_changes_since_last_save.', num((p) => p.rdbChangesSinceLastSave));
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

  /** The figures of the scrape in progress (see snapshot()). */
  private snap: NodeFigures | null = null;

  constructor(
    private readonly sources: MetricSources,
    opts: MetricsOptions = {},
  ) {
    const registers = [this.registry];
    this.cluster = sources.cluster ?? null;
    // Every series says which node it came from, so a Prometheus scraping all nodes of a cluster
    // (or a test process holding several nodes) can tell them apart without relabelling.
    this.registry.setDefaultLabels({ node: sources.nodeId });
    if (opts.defaultMetrics !== false) registerProcessMetrics(this.registry);
    this.httpDuration = new RequestDurationHistogram(
      'ringcache_http_request_duration_seconds',
      'HTTP API request duration by route pattern and status code.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    );
    const f = (): NodeFigures => this.snapshot();
    registerServerMetrics(registers, f);
    registerCommandMetrics(registers, f);
    registerPersistenceMetrics(registers, f);
    this.registerCluster(registers);
  }

  /**
   * One NodeFigures per scrape (taken by scrape()), so every series of one scrape comes from the
   * same instant and the figures are read once, not once per metric. Outside scrape() (the
   * registry read directly) each metric reads fresh figures.
   */
  private snapshot(): NodeFigures {
    return this.snap ?? this.sources.figures();
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
    registerGossipDrops(registers, cluster);
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
    registerReplicaLag(registers, cluster);
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
    this.snap = this.sources.figures();
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.snap = null;
    }
  }
}

/** Cluster replication lag per replica stream (bytes and seconds not yet acknowledged) and whether it is caught up. */
function registerReplicaLag(registers: Registry[], cluster: () => ClusterMetricsSource | null): void {
  const gauge = (name: string, help: string, value: (s: { lagBytes: number; lagMs: number; inSync: boolean }) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['peer'],
      registers,
      collect() {
        this.reset();
        for (const s of cluster()?.replicaStreams?.() ?? []) this.set({ peer: s.peer }, value(s));
      },
    });
  };
  gauge('ringcache_cluster_replica_lag_bytes', 'Bytes of the replication stream to this replica not yet acknowledged by it.', (s) => s.lagBytes);
  gauge('ringcache_cluster_replica_lag_seconds', 'Age of the oldest unacknowledged byte of the replication stream to this replica (0 when caught up).', (s) => s.lagMs / 1000);
  gauge('ringcache_cluster_replica_in_sync', '1 when the replica holds a full copy of the slots it takes from this node and acknowledged the stream up to it.', (s) => (s.inSync ? 1 : 0));
}
