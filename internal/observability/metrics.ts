// Prometheus metrics for one node: its own prom-client Registry (never the global one) and every metric definition.
//
// Node-level gauges and counters read their sources in collect(), i.e. at scrape time: nothing is
// added to the RESP command path. Only HTTP request durations are observed as they happen, by the
// HTTP app's onResponse hook.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
}

export interface MetricsOptions {
  /** Process metrics (CPU, heap, event loop lag, GC); off in unit tests that build many registries. */
  defaultMetrics?: boolean;
}

type HttpLabel = 'method' | 'route' | 'status_code';

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

export class NodeMetrics {
  readonly registry = new Registry();
  readonly httpDuration: RequestDurationHistogram;

  constructor(sources: MetricSources, opts: MetricsOptions = {}) {
    const registers = [this.registry];
    // Every series says which node it came from, so a Prometheus scraping all nodes of a cluster
    // (or a test process holding several nodes) can tell them apart without relabelling.
    this.registry.setDefaultLabels({ node: sources.nodeId });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });

    this.httpDuration = new RequestDurationHistogram(
      'ringcache_http_request_duration_seconds',
      'HTTP API request duration by route pattern and status code.',
      [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    );
    new Gauge({
      name: 'ringcache_up',
      help: '1 while the node has started and serves requests, 0 while starting or stopping.',
      registers,
      collect() {
        this.set(sources.up() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'ringcache_connected_clients',
      help: 'Connected RESP clients.',
      registers,
      collect() {
        this.set(sources.connectedClients());
      },
    });
    new Gauge({
      name: 'ringcache_keys',
      help: 'Keys per database (db 0 always, other databases while they hold keys).',
      labelNames: ['db'],
      registers,
      collect() {
        // Reset first: a database emptied since the last scrape must drop out, not keep its old value.
        this.reset();
        const dbs = sources.keysPerDb();
        dbs.forEach((n, db) => {
          if (n > 0 || db === 0) this.set({ db: String(db) }, n);
        });
      },
    });
    new Gauge({
      name: 'ringcache_dataset_bytes',
      help: 'Bytes the dataset accounts for (keys, values and per-key overhead), as compared with maxmemory.',
      registers,
      collect() {
        this.set(sources.datasetBytes());
      },
    });
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
    mirror('ringcache_commands_processed_total', 'Commands executed (RESP and HTTP), as INFO total_commands_processed.', sources.commandsProcessed);
    mirror('ringcache_keyspace_hits_total', 'Successful key lookups, as INFO keyspace_hits.', sources.keyspaceHits);
    mirror('ringcache_keyspace_misses_total', 'Failed key lookups, as INFO keyspace_misses.', sources.keyspaceMisses);
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
