// HTTP benchmark: autocannon PUT/GET load against a spawned ringcache node and a bare Fastify + Map server, side by side.
//
// Both servers run as separate processes on free loopback ports and are killed by PID on the way
// out. Each round runs PUT then GET against each server back to back, alternating which server
// goes first. The machine is shared and its speed drifts by tens of percent between minutes, so the
// ratio is taken per round (two runs seconds apart) and the median of those ratios is reported,
// with median throughput and p50/p99 latency (target from the HTTP API issue: at least 0.8x).
// With taskset (util-linux) and two or more CPUs, the servers run on the last CPU and the load
// generator (this process) on CPU 0: each server gets one whole core and never competes with
// autocannon for it, which is what makes minute-to-minute figures comparable on a 2-core machine.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const USAGE = `Usage: npm run bench:http -- [options]     (or node dist/scripts/bench/http-bench.js [options])

  --duration S      seconds per measured run (default 4)
  --warmup S        seconds of unmeasured load per server and operation first (default 3)
  --connections N   concurrent connections (default 50)
  --rounds N        measured rounds; medians are reported (default 7)
  --keys N          distinct keys cycled through (default 1000)
  --value-size N    bytes per value (default 100)
  --markdown        also print a Markdown table for docs/benchmarks.md
  --no-pin          do not pin the servers and the load generator to separate CPUs
  --help
`;

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  keys: number;
  valueSize: number;
  markdown: boolean;
  pin: boolean;
  help: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { duration: 4, warmup: 3, connections: 50, rounds: 7, keys: 1000, valueSize: 100, markdown: false, pin: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const int = (min: number): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) throw new Error(`${a} needs an integer >= ${min}`);
      return n;
    };
    if (a === '--markdown') o.markdown = true;
    else if (a === '--no-pin') o.pin = false;
    else if (a === '--help' || a === '-h') o.help = true;
    else if (a === '--duration') o.duration = int(1);
    else if (a === '--warmup') o.warmup = int(0);
    else if (a === '--connections') o.connections = int(1);
    else if (a === '--rounds') o.rounds = int(1);
    else if (a === '--keys') o.keys = int(1);
    else if (a === '--value-size') o.valueSize = int(0);
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function log(msg: string): void {
  process.stderr.write(msg + '\n');
}

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json)');
    dir = up;
  }
}

// --- processes: everything spawned is killed by PID on the way out --------------------------------

const children = new Set<ChildProcess>();
let tmpDir: string | null = null;

function killAll(): void {
  for (const c of children) {
    if (c.pid !== undefined && c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = null;
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  process.kill(c.pid, 'SIGTERM');
  const t = setTimeout(() => c.pid !== undefined && c.exitCode === null && process.kill(c.pid, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The CPU the servers are pinned to, or null when not pinning. */
let serverCpu: number | null = null;

/** Pins this process (the load generator) to CPU 0 and picks the last CPU for the servers. */
function pinCpus(): string {
  const cpus = os.cpus().length;
  if (cpus < 2) return 'not pinned (one CPU)';
  const r = spawnSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
  if (r.error !== undefined || r.status !== 0) return 'not pinned (taskset unavailable)';
  serverCpu = cpus - 1;
  return `servers pinned to CPU ${serverCpu}, load generator to CPU 0`;
}

function start(args: string[], cwd: string): { child: ChildProcess; output: () => string } {
  const child =
    serverCpu === null
      ? spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd })
      : spawn('taskset', ['-c', String(serverCpu), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  const add = (d: Buffer): void => {
    out = (out + d.toString()).slice(-4000);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
  return { child, output: () => out };
}

/** Polls `url` until its status satisfies `ok` (20 s deadline). */
async function waitHttp(url: string, ok: (status: number) => boolean, child: ChildProcess, output: () => string, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode}): ${output()}`);
    try {
      if (ok((await fetch(url)).status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${url}: ${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// --- load ---------------------------------------------------------------------------------------

interface Target {
  name: 'bare' | 'ringcache';
  base: string;
}

interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(t: Target, op: 'PUT' | 'GET', o: Options, seconds: number): Promise<RunResult> {
  const value = 'v'.repeat(o.valueSize);
  const body = JSON.stringify({ value });
  let n = 0;
  const r = await autocannon({
    url: t.base,
    connections: o.connections,
    duration: seconds,
    requests: [
      {
        method: op,
        headers: op === 'PUT' ? { 'content-type': 'application/json' } : {},
        body: op === 'PUT' ? body : undefined,
        // Cycle through the key set: both servers see the same key sequence.
        setupRequest: (req) => ({ ...req, path: `/api/cache/bench:${n++ % o.keys}` }),
      },
    ],
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const root = repoRoot();
  const main = path.join(root, 'dist/cmd/ringcache/main.js');
  const bare = path.join(root, 'dist/scripts/bench/bare-http-server.js');
  for (const f of [main, bare]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first (npm run bench:http does)`);
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-http-bench-'));
  const pinning = o.pin ? pinCpus() : 'not pinned (--no-pin)';

  const [respPort, httpPort, barePort] = [await freePort(), await freePort(), await freePort()];
  const ring = start(
    [main, '--port', String(respPort), '--http-port', String(httpPort), '--dir', path.join(tmpDir, 'data'), '--log-dir', path.join(tmpDir, 'logs'), '--node-id', 'bench', '--save', '', '--cluster-gossip-port', '0'],
    tmpDir,
  );
  const b = start([bare, '--port', String(barePort)], tmpDir);
  const targets: Target[] = [
    { name: 'bare', base: `http://127.0.0.1:${barePort}` },
    { name: 'ringcache', base: `http://127.0.0.1:${httpPort}` },
  ];
  await waitHttp(`${targets[1]?.base}/ready`, (s) => s === 200, ring.child, ring.output, 'ringcache');
  // The bare server has no /ready: its 404 for a missing key means it listens.
  await waitHttp(`${targets[0]?.base}/api/cache/none`, (s) => s === 404, b.child, b.output, 'bare server');
  log(`ringcache pid ${ring.child.pid ?? '?'} on :${httpPort}; bare Fastify+Map pid ${b.child.pid ?? '?'} on :${barePort}`);

  // Warm-up: JIT both servers and load every key (GET runs then read existing values).
  for (const t of targets) {
    for (const op of ['PUT', 'GET'] as const) {
      if (o.warmup > 0) await load(t, op, o, o.warmup);
    }
  }

  const samples = new Map<string, RunResult[]>();
  const ratios = new Map<string, number[]>();
  for (let round = 0; round < o.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const op of ['PUT', 'GET'] as const) {
      const rps: Record<string, number> = {};
      for (const t of order) {
        const r = await load(t, op, o, o.duration);
        if (r.errors > 0 || r.non2xx > 0) log(`  warning: ${t.name} ${op}: ${r.errors} errors, ${r.non2xx} non-2xx responses`);
        samples.set(`${t.name}/${op}`, [...(samples.get(`${t.name}/${op}`) ?? []), r]);
        rps[t.name] = r.rps;
      }
      const ratio = (rps['ringcache'] ?? 0) / (rps['bare'] || 1);
      ratios.set(op, [...(ratios.get(op) ?? []), ratio]);
      log(`round ${round + 1}/${o.rounds} ${op}: bare ${Math.round(rps['bare'] ?? 0)} req/s, ringcache ${Math.round(rps['ringcache'] ?? 0)} req/s, ratio ${ratio.toFixed(2)}`);
    }
  }

  const rows = (['PUT', 'GET'] as const).map((op) => {
    const get = (name: string, f: (r: RunResult) => number): number => median((samples.get(`${name}/${op}`) ?? []).map(f));
    const bareRps = get('bare', (r) => r.rps);
    const ringRps = get('ringcache', (r) => r.rps);
    return {
      op,
      bareRps,
      ringRps,
      ratio: median(ratios.get(op) ?? [0]),
      bareP99: get('bare', (r) => r.p99),
      ringP99: get('ringcache', (r) => r.p99),
      bareP50: get('bare', (r) => r.p50),
      ringP50: get('ringcache', (r) => r.p50),
    };
  });
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const header = `node ${process.version}; ${os.cpus().length} x ${cpu}; ${pinning}; autocannon -c ${o.connections}, ${o.duration}s runs x ${o.rounds} rounds (medians; ratio = median of per-round ratios), ${o.keys} keys, ${o.valueSize} B values`;
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const lines = [
    header,
    '',
    'op    bare req/s   ringcache req/s   ratio   p50 ms bare/ring   p99 ms bare/ring',
    ...rows.map(
      (r) =>
        `${r.op.padEnd(5)} ${fmt(r.bareRps).padStart(10)}   ${fmt(r.ringRps).padStart(15)}   ${r.ratio.toFixed(2).padStart(5)}   ${`${r.bareP50} / ${r.ringP50}`.padStart(17)}   ${`${r.bareP99} / ${r.ringP99}`.padStart(17)}`,
    ),
    '',
    `target: ringcache >= 0.8x bare on PUT and GET: ${rows.every((r) => r.ratio >= 0.8) ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  if (o.markdown) {
    const md = [
      `<!-- ${header} -->`,
      '| op | bare Fastify + Map req/s | ringcache req/s | ratio | p50 ms (bare / ringcache) | p99 ms (bare / ringcache) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map((r) => `| ${r.op} | ${fmt(r.bareRps)} | ${fmt(r.ringRps)} | ${r.ratio.toFixed(2)} | ${r.bareP50} / ${r.ringP50} | ${r.bareP99} / ${r.ringP99} |`),
    ];
    process.stdout.write(`\n${md.join('\n')}\n`);
  }
  await Promise.all([stopChild(ring.child), stopChild(b.child)]);
  return 0;
}

process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

main().then(
  (code) => {
    killAll();
    process.exit(code);
  },
  (e: unknown) => {
    log(`bench:http: ${e instanceof Error ? e.message : String(e)}`);
    if (e instanceof Error && e.message.startsWith('--')) log(USAGE);
    killAll();
    process.exit(1);
  },
);
