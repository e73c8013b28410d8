// Test harness shared by integration tests: free ports, spawning built nodes, polling with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
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
}

/** Spawns the built node (dist/) on free loopback ports with its own temp data/log dir. */
export async function spawnNode(opts: SpawnOptions = {}): Promise<SpawnedNode> {
  const port = await freePort();
  const httpPort = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-test-'));
  const args = [
    NODE_MAIN,
    '--port', String(port),
    '--http-port', String(httpPort),
    '--dir', path.join(dir, 'data'),
    '--log-dir', path.join(dir, 'logs'),
    '--node-id', `test-${port}`,
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
  const node: SpawnedNode = {
    port,
    httpPort,
    dir,
    proc,
    output: () => out,
    stop: async () => {
      if (exitCode === undefined) proc.kill('SIGTERM');
      const code = await exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
    kill: async () => {
      if (exitCode === undefined) proc.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
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

function canConnect(port: number): Promise<boolean> {
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
