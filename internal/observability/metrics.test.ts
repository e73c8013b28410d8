// Node metrics tests: per-node registries, scrape-time gauges, and the request histogram matching prom-client's own output.
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketCounts, COMMAND_LATENCY_BOUNDS_US, FSYNC_LATENCY_BOUNDS_S } from './buckets.js';
import { clusterSourceFromView, gossipCounts } from './cluster-source.js';
import type { PersistenceFigures } from '../contracts/figures.js';
import { testFigures, testKeyspace, type FigureOverrides } from '../testing/figures.js';
import { NodeMetrics, RequestDurationHistogram, ScrapedHistogram, type MetricSources } from './metrics.js';
import type { MemberChange, MemberInfo, MembershipView } from '../membership/types.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

/** The figures these tests scrape: what one node with 3 clients and keys in db 0 and db 2 reports. */
interface SourceOverrides {
  nodeId?: string;
  up?: () => boolean;
  commandsProcessed?: () => number;
  figures?: FigureOverrides;
}

function sources(over: SourceOverrides = {}): MetricSources {
  const f = over.figures ?? {};
  return {
    nodeId: over.nodeId ?? 'n1',
    figures: () =>
      testFigures({
        top: { keyspace: testKeyspace([5, 0, 2]), up: over.up?.() ?? true, ...f.top },
        clients: { connected: 3, ...f.clients },
        memory: { dataset: 1234, ...f.memory },
        stats: { commandsProcessed: over.commandsProcessed?.() ?? 42, hits: 7, misses: 1, ...f.stats },
      }),
  };
}

describe('RequestDurationHistogram', () => {
  it('writes exactly what prom-client’s Histogram writes for the same observations', async () => {
    const mine = new Registry();
    const theirs = new Registry();
    for (const r of [mine, theirs]) r.setDefaultLabels({ node: 'n1' });
    const fast = new RequestDurationHistogram('d_seconds', 'Durations.', BUCKETS, [mine]);
    const ref = new Histogram({ name: 'd_seconds', help: 'Durations.', labelNames: ['method', 'route', 'status_code'], buckets: BUCKETS, registers: [theirs] });
    const samples: [string, string, number, number][] = [
      ['GET', '/api/cache/*', 200, 0.0004],
      ['GET', '/api/cache/*', 200, 0.02],
      ['GET', '/api/cache/*', 404, 0.001],
      ['PUT', '/api/cache/*', 200, 5],
      ['GET', '/health', 200, 0.1],
    ];
    for (const [method, route, status, s] of samples) {
      fast.record(method, route, status, s);
      ref.observe({ method, route, status_code: String(status) }, s);
    }
    expect(await mine.metrics()).toBe(await theirs.metrics());
    expect(await mine.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
    fast.reset();
    ref.reset();
    expect(await mine.metrics()).toBe(await theirs.metrics());
  });
});

describe('NodeMetrics', () => {
  it('reads node figures at scrape time, labelled with the node', async () => {
    let up = false;
    const m = new NodeMetrics(sources({ up: () => up }), { defaultMetrics: false });
    let text = (await m.scrape()).body;
    expect(text).toContain('ringcache_up{node="n1"} 0');
    up = true;
    text = (await m.scrape()).body;
    expect(text).toContain('ringcache_up{node="n1"} 1');
    expect(text).toContain('ringcache_connected_clients{node="n1"} 3');
    expect(text).toContain('ringcache_db_keys{db="0",node="n1"} 5');
    expect(text).not.toContain('db="1"');
    expect(text).toContain('ringcache_db_keys{db="2",node="n1"} 2');
    expect(text).toContain('ringcache_commands_processed_total{node="n1"} 42');
    expect(text).toContain('ringcache_keyspace_hits_total{node="n1"} 7');
    expect(text).toContain('ringcache_keyspace_misses_total{node="n1"} 1');
    expect(text).toContain('ringcache_memory_used_dataset_bytes{node="n1"} 1234');
    expect((await m.scrape()).contentType).toMatch(/^text\/plain/);
  });

  it('keeps registries apart: two nodes in one process', async () => {
    const a = new NodeMetrics(sources({ nodeId: 'a', commandsProcessed: () => 1 }), { defaultMetrics: false });
    const b = new NodeMetrics(sources({ nodeId: 'b', commandsProcessed: () => 2 }), { defaultMetrics: false });
    a.observeHttp('GET', '/x', 200, 0.001);
    expect((await a.scrape()).body).toContain('ringcache_commands_processed_total{node="a"} 1');
    expect((await b.scrape()).body).toContain('ringcache_commands_processed_total{node="b"} 2');
    expect((await b.scrape()).body).not.toContain('route="/x"');
  });

  it('adds process metrics unless told not to', async () => {
    const m = new NodeMetrics(sources());
    expect((await m.scrape()).body).toContain('process_cpu_seconds_total');
  });
});

/** Exposition text -> value per series, labels sorted (prom-client orders histogram labels its own way). */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`unparsable line: ${line}`);
    out.set(seriesKey(m[1] as string, m[2] ?? ''), Number(m[3]));
  }
  return out;
}

function seriesKey(name: string, labels: string): string {
  const parts = labels === '' ? [] : (labels.match(/[a-zA-Z_]+="(?:[^"\\]|\\.)*"/g) ?? []);
  return `${name}{${[...parts].sort().join(',')}}`;
}

/** Expects every `name{labels} value` line among the scraped series (value within 1e-9 relative). */
function expectSeries(text: string, lines: string[]): void {
  const got = series(text);
  for (const line of lines) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null) throw new Error(`bad expectation ${line}`);
    const key = seriesKey(m[1] as string, m[2] ?? '');
    const want = Number(m[3]);
    expect(got.has(key), `${key} in the scrape`).toBe(true);
    const v = got.get(key) as number;
    expect(Math.abs(v - want) <= Math.abs(want) * 1e-9, `${key} = ${v}, want ${want}`).toBe(true);
  }
}

describe('BucketCounts', () => {
  it('counts each value in the first bucket whose bound is >= it, overflow in the last slot', () => {
    const b = new BucketCounts([1, 10, 100]);
    for (const v of [0.5, 1, 1.5, 10, 99, 100, 101, 1e9]) b.observe(v);
    expect([...b.counts]).toEqual([2, 2, 2, 2]);
    expect(b.count).toBe(8);
    b.reset();
    expect(b.count).toBe(0);
    expect([...b.counts]).toEqual([0, 0, 0, 0]);
  });
});

describe('ScrapedHistogram', () => {
  it('writes exactly what prom-client’s Histogram writes, with the stored unit scaled', async () => {
    const mine = new Registry();
    const theirs = new Registry();
    const counts = new BucketCounts(COMMAND_LATENCY_BOUNDS_US);
    const les = COMMAND_LATENCY_BOUNDS_US.map((b) => Number((b * 1e-6).toPrecision(12)));
    const ref = new Histogram({ name: 'c_seconds', help: 'C.', labelNames: ['cmd'], buckets: les, registers: [theirs] });
    new ScrapedHistogram('c_seconds', 'C.', ['cmd'], COMMAND_LATENCY_BOUNDS_US, 1e-6, () => [{ labels: { cmd: 'get' }, counts: counts.counts, sum: counts.sum, count: counts.count }], [mine]);
    // Values exactly on a bound land in that bound's bucket in both; 2e6 µs is above every bound.
    for (const us of [0.3, 1, 3, 20, 999, 5000, 2e6]) {
      counts.observe(us);
      ref.observe({ cmd: 'get' }, us * 1e-6);
    }
    const strip = (t: string): string => t.replace(/_sum\{cmd="get"\} [0-9.e-]+/, '_sum{cmd="get"} S');
    expect(strip(await mine.metrics())).toBe(strip(await theirs.metrics()));
    expect(await mine.metrics()).toMatch(/c_seconds_sum\{cmd="get"\} 2\.0060/);
  });
});

function persistence(over: Partial<PersistenceFigures> = {}): PersistenceFigures {
  return {
    aofEnabled: true,
    aofCurrentSize: 100,
    aofBaseSize: 40,
    aofLastWriteOk: true,
    aofWriteErrors: 0,
    aofRewriteInProgress: false,
    aofLastRewriteOk: true,
    aofLastRewriteSeconds: 0.25,
    aofRewrites: 1,
    fsyncLatency: new BucketCounts(FSYNC_LATENCY_BOUNDS_S),
    rdbBgsaveInProgress: false,
    rdbLastBgsaveOk: false,
    rdbLastBgsaveSeconds: -1,
    rdbLastSaveTime: 1700000000,
    rdbSaves: 0,
    rdbChangesSinceLastSave: 12,
    ...over,
  };
}

describe('NodeMetrics: server, commands, persistence and cluster figures', () => {
  it('exports INFO’s figures under redis_exporter-style names', async () => {
    const latency = new BucketCounts(COMMAND_LATENCY_BOUNDS_US);
    latency.observe(3);
    latency.observe(40);
    const fsync = new BucketCounts(FSYNC_LATENCY_BOUNDS_S);
    fsync.observe(0.002);
    const m = new NodeMetrics(
      sources({
        figures: {
          top: {
            version: '0.1.0',
            redisVersion: '7.2.4',
            uptimeSeconds: 9,
            keyspace: testKeyspace([5, 0, 2], [2, 0, 1]),
            commandStats: new Map([['get', { calls: 2, usec: 43, rejectedCalls: 1, failedCalls: 0, latency }]]),
            persistence: persistence({ fsyncLatency: fsync }),
          },
          clients: { blocked: 1 },
          memory: { used: 1e6, maxmemory: 2e6 },
          stats: { expiredKeys: 4, evictedKeys: 5, netInputBytes: 10, netOutputBytes: 20, connectionsReceived: 6, rejectedConnections: 2, errorReplies: 3, slowlogLength: 7 },
        },
      }),
      { defaultMetrics: false },
    );
    const text = (await m.scrape()).body;
    expectSeries(text, [
      'ringcache_build_info{version="0.1.0",redis_version="7.2.4",node_version="' + process.version.slice(1) + '",node="n1"} 1',
      'ringcache_uptime_in_seconds{node="n1"} 9',
      'ringcache_blocked_clients{node="n1"} 1',
      'ringcache_db_keys_expiring{db="0",node="n1"} 2',
      'ringcache_db_keys_expiring{db="2",node="n1"} 1',
      'ringcache_expired_keys_total{node="n1"} 4',
      'ringcache_evicted_keys_total{node="n1"} 5',
      'ringcache_memory_used_bytes{node="n1"} 1000000',
      'ringcache_memory_max_bytes{node="n1"} 2000000',
      'ringcache_net_input_bytes_total{node="n1"} 10',
      'ringcache_net_output_bytes_total{node="n1"} 20',
      'ringcache_connections_received_total{node="n1"} 6',
      'ringcache_rejected_connections_total{node="n1"} 2',
      'ringcache_errors_total{node="n1"} 3',
      'ringcache_slowlog_length{node="n1"} 7',
      'ringcache_commands_total{cmd="get",node="n1"} 2',
      'ringcache_commands_duration_seconds_total{cmd="get",node="n1"} 0.000043',
      'ringcache_commands_rejected_calls_total{cmd="get",node="n1"} 1',
      'ringcache_command_duration_seconds_bucket{le="0.000005",cmd="get",node="n1"} 1',
      'ringcache_command_duration_seconds_bucket{le="0.00005",cmd="get",node="n1"} 2',
      'ringcache_command_duration_seconds_count{cmd="get",node="n1"} 2',
      'ringcache_aof_enabled{node="n1"} 1',
      'ringcache_aof_current_size_bytes{node="n1"} 100',
      'ringcache_aof_last_write_status{node="n1"} 1',
      'ringcache_aof_write_errors_total{node="n1"} 0',
      'ringcache_aof_last_rewrite_duration_seconds{node="n1"} 0.25',
      'ringcache_aof_fsync_duration_seconds_bucket{le="0.0025",node="n1"} 1',
      'ringcache_aof_fsync_duration_seconds_count{node="n1"} 1',
      'ringcache_rdb_last_bgsave_status{node="n1"} 0',
      'ringcache_rdb_last_bgsave_duration_seconds{node="n1"} -1',
      'ringcache_rdb_changes_since_last_save{node="n1"} 12',
      'ringcache_rdb_last_save_timestamp_seconds{node="n1"} 1700000000',
    ]);
    // No cluster source yet: the cluster metrics exist (HELP/TYPE) without series.
    expect(text).toContain('# TYPE ringcache_cluster_members gauge');
    expect(text).not.toMatch(/^ringcache_cluster_members\{/m);
  });

  it('reads the cluster source attached later, and forwarded requests recorded by routing', async () => {
    const members: MemberInfo[] = [];
    let listener: ((c: MemberChange) => void) | null = null;
    const view: MembershipView = {
      selfId: 'n1',
      members: () => members,
      ringMembers: () => members.filter((x) => x.state === 'alive' || x.state === 'suspect'),
      onChange: (l) => {
        listener = l;
        return () => (listener = null);
      },
    };
    const member = (id: string, state: MemberInfo['state']): MemberInfo => ({ id, gossipAddr: `127.0.0.1:${id.length}`, meta: { host: '127.0.0.1', respPort: 1, httpPort: 2 }, state, incarnation: 0 });
    const change = (id: string, state: MemberInfo['state']): void => {
      const i = members.findIndex((x) => x.id === id);
      const previous = i >= 0 ? (members[i] as MemberInfo).state : null;
      const next = member(id, state);
      if (i >= 0) members[i] = next;
      else members.push(next);
      listener?.({ member: next, previous });
    };
    const m = new NodeMetrics(sources(), { defaultMetrics: false });
    const { source, close } = clusterSourceFromView(view, {
      ownedSlots: () => 5461,
      ringEpoch: () => 3,
      gossipMessages: () => [
        { type: 'ping', direction: 'out', count: 10 },
        { type: 'ack', direction: 'in', count: 9 },
      ],
      gossipDropped: () => ({ decrypt: 4, replay: 0 }),
      localHealth: () => 0,
    });
    m.attachCluster(source);
    change('n1', 'alive');
    change('n2', 'alive');
    change('n3', 'alive');
    change('n3', 'suspect');
    change('n3', 'dead');
    m.forwarding.observe('ok', 0.0004);
    m.forwarding.child('ok').observe(0.002);
    m.forwarding.observe('timeout', 5.5);
    const text = (await m.scrape()).body;
    expectSeries(text, [
      'ringcache_cluster_members{state="alive",node="n1"} 2',
      'ringcache_cluster_members{state="suspect",node="n1"} 0',
      'ringcache_cluster_members{state="dead",node="n1"} 1',
      'ringcache_cluster_members{state="left",node="n1"} 0',
      'ringcache_cluster_member_transitions_total{from="none",to="alive",node="n1"} 3',
      'ringcache_cluster_member_transitions_total{from="alive",to="suspect",node="n1"} 1',
      'ringcache_cluster_member_transitions_total{from="suspect",to="dead",node="n1"} 1',
      'ringcache_cluster_slots_owned{node="n1"} 5461',
      'ringcache_cluster_ring_epoch{node="n1"} 3',
      'ringcache_gossip_local_health{node="n1"} 0',
      'ringcache_gossip_messages_total{type="ping",direction="out",node="n1"} 10',
      'ringcache_gossip_messages_total{type="ack",direction="in",node="n1"} 9',
      'ringcache_gossip_packets_dropped_total{reason="decrypt",node="n1"} 4',
      'ringcache_gossip_packets_dropped_total{reason="replay",node="n1"} 0',
      'ringcache_forwarded_requests_total{outcome="ok",node="n1"} 2',
      'ringcache_forwarded_requests_total{outcome="timeout",node="n1"} 1',
      'ringcache_forwarded_request_duration_seconds_bucket{le="0.0005",outcome="ok",node="n1"} 1',
      'ringcache_forwarded_request_duration_seconds_bucket{le="0.0025",outcome="ok",node="n1"} 2',
      'ringcache_forwarded_request_duration_seconds_bucket{le="5",outcome="timeout",node="n1"} 0',
      'ringcache_forwarded_request_duration_seconds_bucket{le="+Inf",outcome="timeout",node="n1"} 1',
    ]);
    close();
    expect(listener).toBeNull();
  });
});

describe('gossipCounts', () => {
  it('turns membership stats (sent / received by type) into counters by type and direction', () => {
    expect(gossipCounts({ messagesSent: { ping: 3, ack: 1 }, messagesReceived: { ack: 2 } })).toEqual([
      { type: 'ping', direction: 'out', count: 3 },
      { type: 'ack', direction: 'out', count: 1 },
      { type: 'ack', direction: 'in', count: 2 },
    ]);
  });
});
