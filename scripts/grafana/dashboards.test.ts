// Grafana structure: committed JSON matches the definitions, unique uids, datasource uids that are provisioned, every panel queried, every metric exported.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BucketCounts, COMMAND_LATENCY_BOUNDS_US } from '../../internal/observability/buckets.js';
import { testFigures, testPersistenceFigures } from '../../internal/testing/figures.js';
import { NodeMetrics } from '../../internal/observability/metrics.js';
import { REPO_ROOT } from '../../internal/testing/harness.js';
import { dashboardFiles } from '../gen-dashboards.js';

interface Target {
  refId?: string;
  expr?: string;
  query?: string;
  datasource?: { uid?: string; type?: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: { uid?: string; type?: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid?: string }; query: { query: string } | string }[] };
}

const DIR = path.join(REPO_ROOT, 'grafana/dashboards');
const dashboards: [string, Dashboard][] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(DIR, f), 'utf8')) as Dashboard]);

const provisioned = parse(readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/datasources/ringcache.yml'), 'utf8')) as {
  datasources: { uid: string; type: string; url: string }[];
};
const dsTypes = new Map(provisioned.datasources.map((d) => [d.uid, d.type]));

describe('grafana/dashboards', () => {
  it('are exactly what scripts/grafana/dashboards.ts renders (run `npm run dashboards` after editing it)', () => {
    const want = dashboardFiles();
    expect(dashboards.map(([f]) => f)).toEqual(want.map(([f]) => f).sort());
    for (const [name, text] of want) expect(readFileSync(path.join(DIR, name), 'utf8'), name).toBe(text);
  });

  it('have unique uids, and unique panel ids within each', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(dashboards.length).toBeGreaterThanOrEqual(4);
    for (const [f, d] of dashboards) {
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, f).toBe(ids.length);
    }
  });

  it('reference only provisioned datasource uids, with the matching type', () => {
    for (const [f, d] of dashboards) {
      for (const p of d.panels) {
        for (const ds of [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]) {
          expect(ds?.uid, `${f} / ${p.title}`).toBeDefined();
          expect(dsTypes.get(ds?.uid as string), `${f} / ${p.title}: datasource ${ds?.uid}`).toBe(ds?.type);
        }
      }
      for (const v of d.templating.list) expect(dsTypes.has(v.datasource?.uid as string), `${f} variable ${v.name}`).toBe(true);
    }
  });

  it('give every panel at least one target with a query', () => {
    for (const [f, d] of dashboards) {
      for (const p of d.panels) {
        expect(p.targets?.length ?? 0, `${f} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) expect(t.expr ?? t.query ?? '', `${f} / ${p.title} ${t.refId}`).not.toBe('');
      }
    }
  });

  it('query only metrics a node exports (with every source attached)', async () => {
    const latency = new BucketCounts(COMMAND_LATENCY_BOUNDS_US);
    latency.observe(5);
    const m = new NodeMetrics({
      nodeId: 'n',
      figures: () =>
        testFigures({
          top: {
            commandStats: new Map([['get', { calls: 1, usec: 5, rejectedCalls: 0, failedCalls: 0, latency }]]),
            persistence: testPersistenceFigures({ aofEnabled: true }),
          },
        }),
      cluster: {
        membersByState: () => ({ alive: 1 }),
        stateTransitions: () => [{ from: 'none', to: 'alive', count: 1 }],
        ownedSlots: () => 16384,
        ringEpoch: () => 1,
        gossipMessages: () => [{ type: 'ping', direction: 'out', count: 1 }],
        localHealth: () => 0,
      },
    });
    m.forwarding.observe('ok', 0.001);
    m.observeHttp('GET', '/health', 200, 0.001);
    const exported = new Set<string>();
    // From the TYPE lines: some series appear only after their first event (GC durations).
    for (const line of (await m.scrape()).body.split('\n')) {
      const t = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (t === null) continue;
      const [, name, type] = t as unknown as [string, string, string];
      exported.add(name);
      if (type === 'histogram' || type === 'summary') for (const sfx of ['_bucket', '_sum', '_count']) exported.add(name + sfx);
    }
    for (const [f, d] of dashboards) {
      for (const p of d.panels) {
        for (const t of p.targets ?? []) {
          if (t.expr === undefined) continue;
          const names = t.expr.match(/\b(?:ringcache|nodejs|process)_[a-zA-Z0-9_]+/g) ?? [];
          for (const n of names) expect(exported.has(n), `${f} / ${p.title}: ${n}`).toBe(true);
        }
      }
    }
  });
});

describe('grafana provisioning and the compose file agree', () => {
  it('mounts the dashboards where the provider reads them, and points datasources at the compose services', () => {
    const provider = parse(readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/dashboards/ringcache.yml'), 'utf8')) as { providers: { options: { path: string } }[] };
    const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.logging.yml'), 'utf8')) as { services: Record<string, { volumes?: string[] }> };
    const dashPath = provider.providers[0]?.options.path as string;
    expect(compose.services['grafana']?.volumes).toContain(`./grafana/dashboards:${dashPath}:ro`);
    expect(compose.services['grafana']?.volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    for (const ds of provisioned.datasources) {
      const host = new URL(ds.url).hostname;
      expect(Object.keys(compose.services), ds.uid).toContain(host);
    }
  });
});
