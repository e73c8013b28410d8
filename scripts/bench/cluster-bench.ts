// Benchmark: a command sent to a non-owner (forwarded over the pipelined link) vs the same command sent to its owner, on a local 3-node cluster.
//
// Usage: npm run build && node dist/scripts/bench/cluster-bench.js [--rounds 5] [--requests 300000] [--clients 50] [--pipeline 16]
// Spawns three nodes (fast gossip profile, free loopback ports, temp dirs), waits until they agree,
// then runs redis-benchmark SET/GET on one fixed key alternately against its owner (direct) and
// against another node (forwarded), flipping the order every round, and prints the medians and
// the forwarded/direct throughput ratio. Nodes are killed by PID at the end, on errors and on signals.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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

function bench(port: number, o: { requests: number; clients: number; pipeline: number }): Promise<Record<string, number>> {
  const args = ['-p', String(port), '-t', 'set,get', '-n', String(o.requests), '-c', String(o.clients), '-P', String(o.pipeline), '--csv'];
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

async function main(): Promise<void> {
  const rounds = arg('rounds', 5);
  const o = { requests: arg('requests', 300_000), clients: arg('clients', 50), pipeline: arg('pipeline', 16) };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-cluster-bench-'));
  const procs: ChildProcess[] = [];
  const cleanup = (): void => {
    for (const p of procs) if (p.pid !== undefined && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  process.on('SIGTERM', () => (cleanup(), process.exit(143)));
  try {
    const gossip = [await freePort(), await freePort(), await freePort()];
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      ports.push(port);
      const seeds = gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`).join(',');
      const p = spawn(process.execPath, [MAIN, '--node-id', `bench${i + 1}`, '--port', String(port), '--http-enabled', 'no', '--cluster-gossip-port', String(gossip[i]), '--cluster-seeds', seeds, '--cluster-profile', 'fast', '--dir', path.join(dir, `n${i}`), '--log-dir', '', '--loglevel', 'warn', '--save', ''], { stdio: 'ignore' });
      procs.push(p);
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const infos = await Promise.all(ports.map((p) => cli(p, ['CLUSTER', 'INFO']).catch(() => '')));
      if (infos.every((t) => t.includes('cluster_known_nodes:3'))) break;
      if (Date.now() > deadline) throw new Error('the 3 nodes did not agree within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const slot = (await cli(ports[0] as number, ['CLUSTER', 'KEYSLOT', KEY])).trim();
    const nodes = await cli(ports[0] as number, ['CLUSTER', 'NODES']);
    const ownerPort = ports.find((p) => nodes.split('\n').some((l) => l.includes(`:${p}@`) && l.split(' ').slice(8).some((r) => {
      const [a, b] = r.split('-').map(Number);
      return Number(slot) >= (a as number) && Number(slot) <= (b ?? a as number);
    }))) as number;
    const otherPort = ports.find((p) => p !== ownerPort) as number;
    console.log(`key ${KEY} (slot ${slot}): owner on port ${ownerPort}, forwarded through port ${otherPort}; ${rounds} rounds of -n ${o.requests} -c ${o.clients} -P ${o.pipeline}`);
    const direct: Record<string, number[]> = { SET: [], GET: [] };
    const fwd: Record<string, number[]> = { SET: [], GET: [] };
    for (let r = 0; r < rounds; r++) {
      const order: [number, Record<string, number[]>][] = r % 2 === 0 ? [[ownerPort, direct], [otherPort, fwd]] : [[otherPort, fwd], [ownerPort, direct]];
      for (const [port, into] of order) {
        const res = await bench(port, o);
        for (const t of ['SET', 'GET']) (into[t] as number[]).push(res[t] ?? 0);
      }
      console.log(`round ${r + 1}: direct SET ${direct.SET?.at(-1)} GET ${direct.GET?.at(-1)} | forwarded SET ${fwd.SET?.at(-1)} GET ${fwd.GET?.at(-1)}`);
    }
    console.log('\n| test | direct (owner) rps | forwarded (non-owner) rps | direct / forwarded |');
    console.log('|---|---:|---:|---:|');
    for (const t of ['SET', 'GET']) {
      const d = median(direct[t] as number[]);
      const f = median(fwd[t] as number[]);
      console.log(`| ${t} | ${Math.round(d)} | ${Math.round(f)} | ${(d / f).toFixed(2)}x |`);
    }
  } finally {
    cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
