// A real redis-server (Debian's 7.0.15) on a free loopback port, for side-by-side reply comparisons in integration tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, redisCli, waitUntil } from './harness.js';

export interface RedisServer {
  readonly port: number;
  readonly proc: ChildProcess;
  /** Stops this process (by its PID) and removes its directory. */
  stop(): Promise<void>;
}

/** Starts redis-server without persistence on a free port (extra `args` as on its command line). */
export async function startRedisServer(args: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-redis-'));
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));
  const stop = async (): Promise<void> => {
    if (!gone) proc.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        if (gone) throw new Error('redis-server exited');
        return (await redisCli(port, ['ping'])).stdout.trim() === 'PONG';
      },
      10_000,
      `redis-server on ${port}`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, proc, stop };
}
