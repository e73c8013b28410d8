// Benchmark: forwarded vs direct commands on a local 3-node cluster, and redis-benchmark --cluster against a 3-master Redis Cluster.
//
// Usage: npm run build && node dist/scripts/bench/cluster-bench.js [--rounds 5] [--requests 300000] [--clients 50] [--pipeline 16] [--keys 100000]
// Spawns three nodes (fast gossip profile, cluster.replicas 0 like the 3 masters it is compared with,
// free loopback ports, temp dirs) and a 3-master Redis Cluster (redis-server --cluster-enabled yes,
// redis-cli --cluster create), waits until each agrees, then, rounds alternating and flipping order:
//  1. one fixed key: SET/GET against its owner (direct) and against another node (forwarded);
//  2. random keys (-r --keys): a plain redis-benchmark through one ringcache node (proxy: about two
//     thirds of the commands forwarded), redis-benchmark --cluster against ringcache (each command sent
//     to its owner) and against the Redis Cluster.
// Prints per-round figures and medians with the ratios. Every process is killed by PID at the end, on errors and on signals.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'dist/cmd/ringcache/main.js');
const KEY = 'key:__rand_int__'; // redis-benchmark's key without -r: one fixed key

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function cli(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 }, (e, out) => (e ? reject(e) : resolve(out))),
  );
}

interface Load { readonly requests: number; readonly clients: number; readonly pipeline: number; readonly keys: number }

/** redis-benchmark's SET and GET ops/s; `random` adds -r keys, `cluster` its --cluster mode (each command to its slot's owner). */
function bench(port: number, o: Load, mode: { random: boolean; cluster: boolean } = { random: false, cluster: false }): Promise<Record<string, number>> {
  const args = ['-p', String(port), '-t', 'set,get', '-n', String(o.requests), '-c', String(o.clients), '-P', String(o.pipeline), '--csv'];
  if (mode.random) args.push('-r', String(o.keys));
  if (mode.cluster) args.unshift('--cluster');
  return new Promise((resolve, reject) =>
    execFile('redis-benchmark', args, { timeout: 300_000 }, (e, out) => {
      if (e) return reject(e);
      const rps: Record<string, number> = {};
      for (const line of out.split('\n')) {
        const m = /^"(SET|GET)","([\d.]+)"/.exec(line);
        if (m) rps[m[1] as string] = Number(m[2]);
      }
      resolve(rps);
    }),
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

function waitFor(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  const poll = async (): Promise<void> => {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
    return poll();
  };
  return poll();
}

async function startRingcache(dir: string, procs: ChildProcess[]): Promise<number[]> {
  const gossip = [await freePort(), await freePort(), await freePort()];
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    ports.push(port);
    const seeds = gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`).join(',');
    const p = spawn(process.execPath, [MAIN, '--node-id', `bench${i + 1}`, '--port', String(port), '--http-enabled', 'no', '--cluster-gossip-port', String(gossip[i]), '--cluster-seeds', seeds, '--cluster-profile', 'fast', '--cluster-replicas', '0', '--dir', path.join(dir, `n${i}`), '--log-dir', '', '--loglevel', 'warn', '--save', ''], { stdio: 'ignore' });
    procs.push(p);
  }
  await waitFor('the 3 ringcache nodes did not agree', async () => {
    const infos = await Promise.all(ports.map((p) => cli(p, ['CLUSTER', 'INFO']).catch(() => '')));
    return infos.every((t) => t.includes('cluster_known_nodes:3'));
  });
  return ports;
}

/** Three redis-server masters joined into a Redis Cluster by redis-cli --cluster create (no replicas, no persistence). */
async function startRedisCluster(dir: string, procs: ChildProcess[]): Promise<number[]> {
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const port of ports) {
    const d = path.join(dir, `redis-${port}`);
    mkdirSync(d);
    procs.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(d, 'nodes.conf'), '--dir', d, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  }
  await waitFor('redis-server did not start', async () => (await Promise.all(ports.map((p) => cli(p, ['PING']).catch(() => '')))).every((t) => t.includes('PONG')));
  await new Promise<void>((resolve, reject) =>
    execFile('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 }, (e) => (e ? reject(e) : resolve())),
  );
  await waitFor('the Redis Cluster did not reach cluster_state:ok', async () => (await Promise.all(ports.map((p) => cli(p, ['CLUSTER', 'INFO']).catch(() => '')))).every((t) => t.includes('cluster_state:ok')));
  return ports;
}

async function ownerOf(ports: readonly number[], key: string): Promise<number> {
  const slot = Number((await cli(ports[0] as number, ['CLUSTER', 'KEYSLOT', key])).trim());
  const nodes = await cli(ports[0] as number, ['CLUSTER', 'NODES']);
  const owner = ports.find((p) => nodes.split('\n').some((l) => l.includes(`:${p}@`) && l.split(' ').slice(8).some((r) => {
    const [a, b] = r.split('-').map(Number);
    return slot >= (a as number) && slot <= (b ?? (a as number));
  })));
  if (owner === undefined) throw new Error(`no owner for slot ${slot}`);
  return owner;
}

type Series = Record<string, number[]>;
interface Variant { readonly label: string; readonly run: () => Promise<Record<string, number>>; readonly into: Series }

/** Runs every variant once per round, order rotating each round, and collects SET/GET ops/s. */
async function alternate(rounds: number, variants: readonly Variant[]): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    const order = variants.map((_, i) => variants[(i + r) % variants.length] as Variant);
    const parts: string[] = [];
    for (const v of order) {
      const res = await v.run();
      for (const t of ['SET', 'GET']) (v.into[t] ??= []).push(res[t] ?? 0);
      parts.push(`${v.label} SET ${res['SET'] ?? 0} GET ${res['GET'] ?? 0}`);
    }
    console.log(`round ${r + 1}: ${parts.join(' | ')}`);
  }
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): void {
  console.log(`\n| ${head.join(' | ')} |`);
  console.log(`|---|${head.slice(1).map(() => '---:').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

async function main(): Promise<void> {
  const rounds = arg('rounds', 5);
  const o: Load = { requests: arg('requests', 300_000), clients: arg('clients', 50), pipeline: arg('pipeline', 16), keys: arg('keys', 100_000) };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-cluster-bench-'));
  const procs: ChildProcess[] = [];
  const cleanup = (): void => {
    for (const p of procs) if (p.pid !== undefined && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  process.on('SIGTERM', () => (cleanup(), process.exit(143)));
  try {
    const ring = await startRingcache(dir, procs);
    const redis = await startRedisCluster(dir, procs);
    const ownerPort = await ownerOf(ring, KEY);
    const otherPort = ring.find((p) => p !== ownerPort) as number;
    console.log(`${rounds} rounds of -n ${o.requests} -c ${o.clients} -P ${o.pipeline}; fixed key ${KEY}: owner on port ${ownerPort}, forwarded through ${otherPort}`);
    const direct: Series = {};
    const fwd: Series = {};
    await alternate(rounds, [
      { label: 'direct', run: () => bench(ownerPort, o), into: direct },
      { label: 'forwarded', run: () => bench(otherPort, o), into: fwd },
    ]);
    table(['one fixed key', 'direct (owner) ops/s', 'forwarded (non-owner) ops/s', 'forwarded / direct'], ['SET', 'GET'].map((t) => {
      const d = median(direct[t] as number[]);
      const f = median(fwd[t] as number[]);
      return [t, String(Math.round(d)), String(Math.round(f)), `${(f / d).toFixed(2)}x`];
    }));
    console.log(`\nrandom keys (-r ${o.keys}): ${rounds} rounds`);
    const proxy: Series = {};
    const ringCluster: Series = {};
    const redisCluster: Series = {};
    await alternate(rounds, [
      { label: 'ringcache proxy', run: () => bench(ring[0] as number, o, { random: true, cluster: false }), into: proxy },
      { label: 'ringcache --cluster', run: () => bench(ring[0] as number, o, { random: true, cluster: true }), into: ringCluster },
      { label: 'Redis Cluster --cluster', run: () => bench(redis[0] as number, o, { random: true, cluster: true }), into: redisCluster },
    ]);
    table(['random keys', 'Redis Cluster --cluster ops/s', 'ringcache --cluster ops/s', 'ratio', 'ringcache through one node (proxy) ops/s', 'proxy / --cluster'], ['SET', 'GET'].map((t) => {
      const rc = median(redisCluster[t] as number[]);
      const c = median(ringCluster[t] as number[]);
      const p = median(proxy[t] as number[]);
      return [t, String(Math.round(rc)), String(Math.round(c)), `${(c / rc).toFixed(2)}x`, String(Math.round(p)), `${(p / c).toFixed(2)}x`];
    }));
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
