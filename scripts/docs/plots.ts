// npm run docs:plots: the PNG pictures in docs/images, made from real runs (a bench JSON; a live 3-node cluster scraped by a real Prometheus).
//
//   npm run docs:plots -- bench FILE.json         ops/s of both servers per test (from npm run bench -- --json FILE)
//   npm run docs:plots -- dashboards [SECONDS]    the Grafana dashboards' panels, rendered from Prometheus
//
// Grafana cannot run on the machines this repository is built on (no browser, no Docker engine),
// so "screenshots" of the dashboards are the same PromQL queries each provisioned panel runs,
// asked of a real Prometheus (Debian's package) that scraped a real cluster under load, drawn as
// line charts. The picture says so in its title.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupedBars, panelGrid, renderPng, type BarRow, type Point } from './charts.js';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root');
    dir = up;
  }
  return dir;
}

const ROOT = repoRoot();
const IMAGES = path.join(ROOT, 'docs/images');

interface BenchDoc {
  date: string;
  environment: { redis: string; ringcache: string | null };
  results: { test: string; pipeline: number; redis: { rps: number } | null; ringcache: { rps: number } | null }[];
}

async function benchPlot(file: string): Promise<void> {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as BenchDoc;
  for (const pipeline of [...new Set(doc.results.map((r) => r.pipeline))]) {
    const rows: BarRow[] = [];
    for (const r of doc.results.filter((x) => x.pipeline === pipeline)) {
      if (r.redis !== null) rows.push({ group: r.test, series: doc.environment.redis, value: Math.round(r.redis.rps) });
      if (r.ringcache !== null) rows.push({ group: r.test, series: `ringcache ${doc.environment.ringcache ?? ''}`.trim(), value: Math.round(r.ringcache.rps) });
    }
    const out = path.join(IMAGES, `benchmarks-P${pipeline}.png`);
    const title = `ops/s at -P ${pipeline}, same machine, same run (${doc.date.slice(0, 10)})`;
    writeFileSync(out, await renderPng(groupedBars(title, rows, 'requests per second')));
    process.stdout.write(`wrote ${path.relative(ROOT, out)}\n`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface PanelJson {
  type: string;
  title: string;
  targets?: { expr?: string; legendFormat?: string }[];
}

/** `{{node}}`-style legend templates filled from a series' labels; '__auto' is the label set. */
function legend(format: string | undefined, labels: Record<string, string>): string {
  const rest = Object.entries(labels).filter(([k]) => k !== '__name__' && k !== 'job' && k !== 'instance');
  if (format === undefined || format === '__auto' || format === '') return rest.map(([k, v]) => `${k}=${v}`).join(',') || 'value';
  return format.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
}

async function dashboards(seconds: number): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'ringcache-plots-'));
  const procs: ChildProcess[] = [];
  const nodes: { id: string; port: number; http: number; proc: ChildProcess }[] = [];
  try {
    const gossip = [await freePort(), await freePort(), await freePort()];
    const secret = Math.random().toString(36).slice(2) + Date.now().toString(36);
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const http = await freePort();
      const id = `node${i + 1}`;
      const args = [
        path.join(ROOT, 'dist/cmd/ringcache/main.js'),
        '--port', String(port), '--http-port', String(http), '--cluster-gossip-port', String(gossip[i]),
        '--cluster-seeds', gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`).join(','),
        '--cluster-profile', 'fast', '--cluster-secret', secret, '--node-id', id,
        '--dir', path.join(work, id), '--log-dir', path.join(work, 'logs'), '--loglevel', 'warn',
      ];
      const proc = spawn(process.execPath, args, { stdio: 'ignore' });
      procs.push(proc);
      nodes.push({ id, port, http, proc });
    }
    for (const n of nodes) await waitFor(`${n.id} ready`, async () => (await fetch(`http://127.0.0.1:${n.http}/ready`)).ok, 30_000);

    const promPort = await freePort();
    const promCfg = path.join(work, 'prometheus.yml');
    writeFileSync(promCfg, `global:\n  scrape_interval: 2s\nscrape_configs:\n  - job_name: ringcache\n    static_configs:\n      - targets: [${nodes.map((n) => `'127.0.0.1:${n.http}'`).join(', ')}]\n`);
    const prom = spawn('prometheus', [`--config.file=${promCfg}`, `--storage.tsdb.path=${path.join(work, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], { stdio: 'ignore' });
    procs.push(prom);
    const promUrl = `http://127.0.0.1:${promPort}`;
    await waitFor('prometheus ready', async () => (await fetch(`${promUrl}/-/ready`)).ok, 30_000);
    const start = Date.now() / 1000;

    // Load: redis-benchmark on every node (random keys, mixed commands, some expiring), HTTP PUT/GET on one.
    for (const n of nodes) {
      procs.push(spawn('redis-benchmark', ['-p', String(n.port), '-r', '100000', '-c', '4', '-n', '100000000', '-q', '-t', 'set,get,incr,lpush,hset,sadd,zadd'], { stdio: 'ignore' }));
      procs.push(spawn('redis-benchmark', ['-p', String(n.port), '-r', '100000', '-c', '1', '-n', '100000000', '-q', 'SET', 'exp:__rand_int__', 'x', 'EX', '3'], { stdio: 'ignore' }));
    }
    const httpNode = nodes[0] as { http: number };
    let httpRunning = true;
    const httpLoad = (async () => {
      for (let i = 0; httpRunning; i++) {
        const key = `http:${i % 5000}`;
        await fetch(`http://127.0.0.1:${httpNode.http}/api/cache/${key}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: `v${i}` }) }).catch(() => null);
        await fetch(`http://127.0.0.1:${httpNode.http}/api/cache/${key}`).catch(() => null);
      }
    })();
    // Two thirds in, node3 stops (SIGTERM: it leaves and hands its slots off): membership and slot panels move.
    await new Promise((r) => setTimeout(r, (seconds * 2000) / 3));
    nodes[2]?.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, seconds * 1000 - (seconds * 2000) / 3));
    httpRunning = false;
    await httpLoad;
    const end = Date.now() / 1000;

    mkdirSync(path.join(IMAGES, 'dashboards'), { recursive: true });
    const dir = path.join(ROOT, 'grafana/dashboards');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const dash = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { uid: string; title: string; panels: PanelJson[] };
      const points: Point[] = [];
      for (const p of dash.panels.filter((x) => x.type === 'timeseries')) {
        for (const t of p.targets ?? []) {
          if (t.expr === undefined) continue;
          const expr = t.expr.replace(/\$node/g, '.*').replace(/\$__rate_interval/g, '10s');
          const url = `${promUrl}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&step=2`;
          const res = (await (await fetch(url)).json()) as { data?: { result?: { metric: Record<string, string>; values: [number, string][] }[] } };
          for (const series of res.data?.result ?? []) {
            const name = legend(t.legendFormat, series.metric);
            for (const [ts, v] of series.values) {
              const value = Number(v);
              if (Number.isFinite(value)) points.push({ panel: p.title, series: name, t: Math.round(ts - start), value });
            }
          }
        }
      }
      if (points.length === 0) continue;
      const title = `${dash.title}: the dashboard's PromQL on a real Prometheus, 3 nodes under load, node3 stopped at ${Math.round((seconds * 2) / 3)} s (rendered without Grafana)`;
      const out = path.join(IMAGES, 'dashboards', `${dash.uid}.png`);
      writeFileSync(out, await renderPng(panelGrid(title, points, 3), 1.2));
      process.stdout.write(`wrote ${path.relative(ROOT, out)} (${new Set(points.map((x) => x.panel)).size} panels)\n`);
    }
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? null : new Promise((r) => p.once('exit', r)))));
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  mkdirSync(IMAGES, { recursive: true });
  if (argv[0] === 'bench' && argv[1] !== undefined) await benchPlot(argv[1]);
  else if (argv[0] === 'dashboards') await dashboards(Number(argv[1] ?? 90));
  else {
    process.stderr.write('usage: npm run docs:plots -- bench FILE.json | dashboards [SECONDS]\n');
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`docs:plots: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
