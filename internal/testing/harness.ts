// Test harness shared by integration tests: free ports, spawning built nodes, polling with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The repository, also when this file runs compiled from dist/ (scripts/bench/rebalance.ts). */
export const REPO_ROOT = path.basename(HERE_ROOT) === 'dist' ? path.dirname(HERE_ROOT) : HERE_ROOT;
export const NODE_MAIN = path.join(REPO_ROOT, 'dist/cmd/ringcache/main.js');

/** A free loopback TCP port (bound and released; good enough for tests on one machine). */
export function freePort(): Promise<number> {
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

/** Polls `cond` until it returns a truthy value or the deadline passes. */
export async function waitUntil<T>(cond: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends raw bytes and collects the reply bytes until `done(received)` or the socket closes. */
export function rawExchange(
  port: number,
  payload: Buffer | string | (Buffer | string)[],
  done: (received: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<{ data: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`raw exchange timed out; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`));
    }, timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    sock.on('data', (d) => {
      chunks.push(d);
      if (done(Buffer.concat(chunks))) finish();
    });
    sock.on('close', () => {
      closed = true;
      finish();
    });
    sock.on('error', () => undefined);
    sock.on('connect', async () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      for (const p of parts) {
        sock.write(p);
        if (parts.length > 1) await new Promise((r) => setImmediate(r));
      }
    });
  });
}

export interface SpawnedNode {
  readonly port: number;
  readonly httpPort: number;
  /** Gossip port (UDP + TCP); 0 when the node picked its own. */
  readonly gossipPort: number;
  /** Node id (--node-id). */
  readonly id: string;
  readonly dir: string;
  readonly proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, wait for exit. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Wait until the RESP port accepts connections (default true). */
  waitReady?: boolean;
  /** Fixed ports and data directory (restarting a node in place); default: fresh free ports and a new temp dir. */
  port?: number;
  httpPort?: number;
  gossipPort?: number;
  dir?: string;
  id?: string;
  /** Keep the data directory when the node stops (default: removed). */
  keepDir?: boolean;
}

/** Spawns the built node (dist/) on free loopback ports with its own temp data/log dir. */
export async function spawnNode(opts: SpawnOptions = {}): Promise<SpawnedNode> {
  const port = opts.port ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const gossipPort = opts.gossipPort ?? 0;
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), 'ringcache-test-'));
  const id = opts.id ?? `test-${port}`;
  const args = [
    NODE_MAIN,
    '--port', String(port),
    '--http-port', String(httpPort),
    // Gossip on a port of its own (0 = any): concurrent test nodes must never meet on 7946.
    '--cluster-gossip-port', String(gossipPort),
    '--dir', path.join(dir, 'data'),
    '--log-dir', path.join(dir, 'logs'),
    '--node-id', id,
    '--loglevel', 'warn',
    ...(opts.args ?? []),
  ];
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));
  const cleanup = (): void => {
    if (!opts.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const node: SpawnedNode = {
    port,
    httpPort,
    gossipPort,
    id,
    dir,
    proc,
    output: () => out,
    stop: async () => {
      if (exitCode === undefined) proc.kill('SIGTERM');
      const code = await exited;
      cleanup();
      return code;
    },
    kill: async () => {
      if (exitCode === undefined) proc.kill('SIGKILL');
      await exited;
      cleanup();
    },
  };
  if (opts.waitReady !== false) {
    await waitUntil(
      () => {
        if (exitCode !== undefined) throw new Error(`node exited with ${exitCode}: ${out}`);
        return canConnect(port);
      },
      15_000,
      `node on port ${port}`,
    );
  }
  return node;
}

/** Whether a TCP connection to 127.0.0.1:port is accepted. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Runs a command line tool and returns its stdout, stderr and exit code. */
export function run(cmd: string, args: string[], input?: string, timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out`));
    }, timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    // A tool that exits without reading its input (redis-benchmark) makes this write fail with EPIPE.
    p.stdin.on('error', () => undefined);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    p.stdin.end(input ?? '');
  });
}

/** redis-cli against a port; args as given. */
export function redisCli(port: number, args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return run('redis-cli', ['-p', String(port), ...args], input);
}

/** A RESP command over a fresh connection (RESP2), answered as text: bulk/simple/int as is, arrays as lines, errors thrown. */
export function respCommand(port: number, argv: readonly string[], timeoutMs = 5000): Promise<string> {
  const payload = `*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');
  return rawExchange(port, payload, (b) => respComplete(b), timeoutMs).then(({ data }) => {
    const text = data.toString('latin1');
    if (text.startsWith('-')) throw new Error(text.slice(1).trim());
    return text;
  });
}

/** True when `b` holds one complete RESP2 reply. */
function respComplete(b: Buffer): boolean {
  let pos = 0;
  let todo = 1;
  while (todo > 0) {
    const le = b.indexOf('\r\n', pos);
    if (le < 0) return false;
    const type = String.fromCharCode(b[pos] as number);
    const n = Number(b.toString('latin1', pos + 1, le));
    todo--;
    pos = le + 2;
    if (type === '$' && n >= 0) {
      pos += n + 2;
      if (pos > b.length) return false;
    } else if (type === '*' && n > 0) {
      todo += n;
    }
  }
  return true;
}

/** Whether every one of `nodes` counts exactly `n` known nodes in CLUSTER INFO. */
export async function allKnow(nodes: readonly { port: number }[], n: number): Promise<boolean> {
  const infos = await Promise.all(nodes.map((nd) => respCommand(nd.port, ['CLUSTER', 'INFO'])));
  return infos.every((t) => t.includes(`cluster_known_nodes:${n}\r\n`));
}

/** Whether `nodes` agree: each knows exactly them, and CLUSTER SLOTS is the same on all. */
export async function agree(nodes: readonly { port: number }[]): Promise<boolean> {
  if (!(await allKnow(nodes, nodes.length))) return false;
  const slots = await Promise.all(nodes.map((nd) => respCommand(nd.port, ['CLUSTER', 'SLOTS'])));
  return slots.every((s) => s === slots[0]);
}

export interface SpawnedCluster {
  readonly nodes: SpawnedNode[];
  /** Waits until every running node sees exactly the running members and the same slot owners. */
  converged(timeoutMs?: number): Promise<void>;
  /** Restarts a stopped or killed node on its old ports and id (fresh or kept data directory). */
  restart(i: number): Promise<SpawnedNode>;
  stop(): Promise<void>;
}

/**
 * Spawns `n` nodes that seed each other over loopback gossip (fast profile by default) and waits
 * until they agree: each node's CLUSTER INFO counts n known nodes and CLUSTER SLOTS is identical.
 */
export async function startCluster(n: number, opts: { args?: string[]; env?: Record<string, string> } = {}): Promise<SpawnedCluster> {
  const gossip: number[] = [];
  for (let i = 0; i < n; i++) gossip.push(await freePort());
  const specs: SpawnOptions[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    specs.push({
      port,
      httpPort: await freePort(),
      gossipPort: gossip[i] as number,
      id: `node${i + 1}`,
      dir: mkdtempSync(path.join(os.tmpdir(), 'ringcache-cluster-')),
      keepDir: true,
      env: opts.env ?? {},
      args: [
        '--cluster-seeds', gossip.filter((_, j) => j !== i).map((p) => `127.0.0.1:${p}`).join(','),
        '--cluster-profile', 'fast',
        ...(opts.args ?? []),
      ],
    });
  }
  const nodes = await Promise.all(specs.map((s) => spawnNode(s)));
  const alive = new Set(nodes.map((_, i) => i));
  const cluster: SpawnedCluster = {
    nodes,
    converged: async (timeoutMs = 20_000) => {
      await waitUntil(
        () => agree([...alive].map((i) => nodes[i] as SpawnedNode)),
        timeoutMs,
        `${alive.size} nodes to agree on membership and slots`,
      );
    },
    restart: async (i) => {
      const old = nodes[i] as SpawnedNode;
      if (old.proc.exitCode === null && old.proc.signalCode === null) throw new Error(`node ${i} is still running`);
      const spec = specs[i] as SpawnOptions;
      const fresh = await spawnNode(spec);
      nodes[i] = fresh;
      alive.add(i);
      fresh.proc.on('exit', () => alive.delete(i));
      return fresh;
    },
    stop: async () => {
      await Promise.all(nodes.map((nd) => nd.stop()));
      for (const s of specs) rmSync(s.dir as string, { recursive: true, force: true });
    },
  };
  // Killed or stopped nodes leave the set the convergence check waits for.
  nodes.forEach((nd, i) => nd.proc.on('exit', () => alive.delete(i)));
  await cluster.converged();
  return cluster;
}
