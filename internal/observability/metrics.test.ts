// Node metrics tests: per-node registries, scrape-time gauges, and the request histogram matching prom-client's own output.
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { NodeMetrics, RequestDurationHistogram, type MetricSources } from './metrics.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    nodeId: 'n1',
    up: () => true,
    connectedClients: () => 3,
    keysPerDb: () => [5, 0, 2],
    commandsProcessed: () => 42,
    keyspaceHits: () => 7,
    keyspaceMisses: () => 1,
    datasetBytes: () => 1234,
    ...over,
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
    expect(text).toContain('ringcache_keys{db="0",node="n1"} 5');
    expect(text).not.toContain('db="1"');
    expect(text).toContain('ringcache_keys{db="2",node="n1"} 2');
    expect(text).toContain('ringcache_commands_processed_total{node="n1"} 42');
    expect(text).toContain('ringcache_keyspace_hits_total{node="n1"} 7');
    expect(text).toContain('ringcache_keyspace_misses_total{node="n1"} 1');
    expect(text).toContain('ringcache_dataset_bytes{node="n1"} 1234');
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
