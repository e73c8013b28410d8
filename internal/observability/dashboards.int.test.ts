// Every dashboard query has data: 3 nodes, Debian's prometheus scraping them on loopback, generate-load.sh, then each panel and variable query via the HTTP API.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, redisCli, REPO_ROOT, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

interface Target {
  refId: string;
  expr?: string;
  datasource: { uid: string; type: string };
}
interface Dashboard {
  uid: string;
  panels: { title: string; targets: Target[] }[];
  templating: { list: { name: string; datasource: { type: string }; query: { query: string } }[] };
}

/** A query of a dashboard: where it comes from, and its PromQL with Grafana's variables substituted. */
interface Query {
  where: string;
  promql: string;
}

/** Metrics fed by membership, the ring and routing (attachCluster / forwarding), checked as their own group. */
const CLUSTER_METRIC = /\bringcache_(?:cluster_|gossip_|forwarded_)/;

/** Grafana's built-in and template variables, as this test's Prometheus (1 s scrapes) needs them. */
function substitute(q: string): string {
  return q
    .replaceAll('$__rate_interval', '5s')
    .replaceAll('$__interval', '1s')
    .replaceAll('$__range', '1m')
    .replaceAll('$node', '.*')
    .replaceAll('$cmd', '.*');
}

const dashboards: [string, Dashboard][] = readdirSync(path.join(REPO_ROOT, 'grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f, JSON.parse(readFileSync(path.join(REPO_ROOT, 'grafana/dashboards', f), 'utf8')) as Dashboard]);

const panelQueries: Query[] = dashboards.flatMap(([f, d]) =>
  d.panels.flatMap((p) =>
    p.targets.filter((t) => t.datasource.type === 'prometheus' && t.expr !== undefined).map((t) => ({ where: `${f} / ${p.title} / ${t.refId}`, promql: substitute(t.expr as string) })),
  ),
);
const variableQueries: Query[] = dashboards.flatMap(([f, d]) =>
  d.templating.list.filter((v) => v.datasource.type === 'prometheus').map((v) => ({ where: `${f} / $${v.name}`, promql: substitute(v.query.query) })),
);

let nodes: SpawnedNode[] = [];
let prom: ChildProcess | null = null;
let promExit: Promise<void> = Promise.resolve();
let promUrl = '';
let promDir = '';
let load: ChildProcess | null = null;
let loadExit: Promise<void> = Promise.resolve();

async function promGet(pathAndQuery: string): Promise<{ status: string; data: unknown; error?: string }> {
  const res = await fetch(`${promUrl}${pathAndQuery}`);
  return (await res.json()) as { status: string; data: unknown; error?: string };
}

/** Instant query; the number of series (or 1 for a scalar). Throws on an error answer. */
async function resultSize(promql: string): Promise<number> {
  const r = await promGet(`/api/v1/query?query=${encodeURIComponent(promql)}`);
  if (r.status !== 'success') throw new Error(`${promql}: ${r.error ?? r.status}`);
  const data = r.data as { resultType: string; result: unknown[] | unknown };
  if (data.resultType === 'scalar' || data.resultType === 'string') return 1;
  return (data.result as unknown[]).length;
}

/** Grafana's label_values(selector, label) as Prometheus' series API: the distinct values of `label`. */
async function labelValues(q: string): Promise<string[]> {
  const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q.trim());
  if (m === null) throw new Error(`not a label_values() query: ${q}`);
  const r = await promGet(`/api/v1/series?match[]=${encodeURIComponent(m[1] as string)}&start=${Date.now() / 1000 - 120}`);
  if (r.status !== 'success') throw new Error(`${q}: ${r.error ?? r.status}`);
  return [...new Set((r.data as Record<string, string>[]).map((s) => s[m[2] as string]).filter((v): v is string => v !== undefined))];
}

/** Polls every query until it has data or the deadline passes; returns the ones still empty (with why). */
async function emptyAfterPolling(queries: Query[], size: (q: Query) => Promise<number>, deadlineMs: number): Promise<string[]> {
  const pending = new Map(queries.map((q) => [q.where, q]));
  const why = new Map<string, string>();
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    for (const [where, q] of [...pending]) {
      try {
        const n = await size(q);
        if (n > 0) pending.delete(where);
        else why.set(where, 'empty result');
      } catch (e) {
        why.set(where, String(e));
      }
    }
    if (pending.size === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return [...pending.keys()].map((w) => `${w}: ${why.get(w) ?? '?'} -- ${pending.get(w)?.promql ?? ''}`);
}

beforeAll(async () => {
  const promtool = await new Promise<boolean>((resolve) => {
    const p = spawn('prometheus', ['--version'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('close', (c) => resolve(c === 0));
  });
  if (!promtool) throw new Error("Debian's prometheus is not installed (apt-get install -y prometheus; .ci/run does it)");

  // Three nodes that seed each other (gossip on loopback, fast failure detector), AOF on so the
  // persistence panels have fsyncs to show.
  const gossip = [await freePort(), await freePort(), await freePort()];
  nodes = await Promise.all(
    [0, 1, 2].map((i) =>
      spawnNode({
        args: [
          '--node-id', `obs-n${i + 1}`,
          '--loglevel', 'info',
          '--appendonly', 'yes',
          '--cluster-gossip-port', String(gossip[i]),
          '--cluster-seeds', gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`).join(','),
          '--cluster-profile', 'fast',
        ],
      }),
    ),
  );

  promDir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-prom-'));
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    path.join(promDir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${path.join(REPO_ROOT, 'prometheus/alerts.yml')}`,
      'scrape_configs:',
      '  - job_name: ringcache',
      '    static_configs:',
      `      - targets: [${nodes.map((n) => `'127.0.0.1:${n.httpPort}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  let promOut = '';
  prom = spawn(
    'prometheus',
    [`--config.file=${path.join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(promDir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prom.stdout?.on('data', (d: Buffer) => (promOut += d.toString()));
  prom.stderr?.on('data', (d: Buffer) => (promOut += d.toString()));
  const p = prom;
  promExit = new Promise((resolve) => p.on('exit', () => resolve()));
  await waitUntil(async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000, `prometheus ready (${promOut})`);
  await waitUntil(
    async () => {
      const r = await promGet('/api/v1/targets');
      const active = (r.data as { activeTargets: { health: string }[] }).activeTargets;
      return active.length === 3 && active.every((t) => t.health === 'up');
    },
    30_000,
    'all three nodes scraped',
  );

  // The mixed workload, running while the queries are evaluated (rates need it); an AOF rewrite and
  // a snapshot on each node for the persistence panels.
  load = spawn(
    path.join(REPO_ROOT, 'scripts/generate-load.sh'),
    ['--duration', '120', '--clients', '2', '--resp-ports', nodes.map((n) => n.port).join(','), '--http-ports', nodes.map((n) => n.httpPort).join(',')],
    { stdio: 'ignore', detached: true },
  );
  const l = load;
  loadExit = new Promise((resolve) => l.on('exit', () => resolve()));
  for (const n of nodes) {
    await redisCli(n.port, ['BGREWRITEAOF']);
    await waitUntil(async () => (await redisCli(n.port, ['INFO', 'persistence'])).stdout.includes('aof_rewrites:1'), 20_000, 'AOF rewrite');
    await redisCli(n.port, ['BGSAVE', 'SCHEDULE']);
  }
  await waitUntil(async () => (await resultSize('sum by (node) (rate(ringcache_commands_processed_total[5s])) > 0')) === 3, 30_000, 'load visible on every node');
}, 150_000);

afterAll(async () => {
  // The load script's process group: the script and the generators it started.
  if (load?.pid !== undefined && load.exitCode === null) {
    try {
      process.kill(-load.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await loadExit;
  }
  if (prom !== null && prom.exitCode === null) {
    prom.kill('SIGTERM');
    await promExit;
  }
  if (promDir !== '') rmSync(promDir, { recursive: true, force: true });
  await Promise.all(nodes.map((n) => n.stop()));
}, 60_000);

describe('dashboards against a live Prometheus', () => {
  it('has queries to check', () => {
    expect(panelQueries.length).toBeGreaterThan(40);
    expect(variableQueries.length).toBeGreaterThanOrEqual(3);
  });

  it('answers every template variable query with values', async () => {
    const empty = await emptyAfterPolling(variableQueries, async (q) => (await labelValues(q.promql)).length, 30_000);
    expect(empty).toEqual([]);
    expect((await labelValues('label_values(ringcache_up, node)')).sort()).toEqual(['obs-n1', 'obs-n2', 'obs-n3']);
  }, 60_000);

  it('answers every panel query outside the cluster metrics with data', async () => {
    const queries = panelQueries.filter((q) => !CLUSTER_METRIC.test(q.promql));
    const empty = await emptyAfterPolling(queries, (q) => resultSize(q.promql), 45_000);
    expect(empty).toEqual([]);
  }, 90_000);

  it('answers every cluster panel query with data (members, slots, gossip, forwarding)', async () => {
    const queries = panelQueries.filter((q) => CLUSTER_METRIC.test(q.promql));
    expect(queries.length).toBeGreaterThan(0);
    const empty = await emptyAfterPolling(queries, (q) => resultSize(q.promql), 45_000);
    expect(empty).toEqual([]);
  }, 90_000);

  it('loads the alert rules, with no alert firing on a healthy cluster', async () => {
    const r = await promGet('/api/v1/rules');
    const groups = (r.data as { groups: { rules: { name: string; health: string; state?: string }[] }[] }).groups;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((x) => x.name)).toEqual(expect.arrayContaining(['RingcacheNodeDown', 'RingcacheMemberSuspect', 'RingcacheMemberDead', 'RingcacheMemoryNearMax', 'RingcacheAofWriteErrors']));
    for (const x of rules) {
      expect(x.health, x.name).not.toBe('err');
      expect(x.state, x.name).not.toBe('firing');
    }
  });
});
