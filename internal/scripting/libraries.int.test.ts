// The Lua-using libraries people run on Redis against a spawned ringcache node, with redis-server 7.0.15 running the same scenarios as the reference: BullMQ, rate-limiter-flexible (ioredis and node-redis), redlock, ioredis defineCommand.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { bullmqScenario, defineCommandScenario, rateLimiterScenario, redlockScenario } from '../testing/library-scenarios.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

let node: SpawnedNode | undefined;
let redis: RedisServer | undefined;
const ports = { ringcache: 0, 'redis-server': 0 };

beforeAll(async () => {
  [node, redis] = await Promise.all([spawnNode({ args: ['--save', ''] }), startRedisServer()]);
  ports.ringcache = node.port;
  ports['redis-server'] = redis.port;
});

afterAll(async () => {
  closeAll();
  await Promise.all([node?.stop(), redis?.stop()]);
});

describe.each(['ringcache', 'redis-server'] as const)('libraries on %s', (target) => {
  const port = (): number => ports[target];

  it('BullMQ: queue, worker, delayed and retried jobs, completion events, job counts', async () => {
    await bullmqScenario({ host: '127.0.0.1', port: port(), maxRetriesPerRequest: null }, 'jobs');
  });

  it('BullMQ over RESP2 connections', async () => {
    await bullmqScenario({ host: '127.0.0.1', port: port(), maxRetriesPerRequest: null, protocol: 2 }, 'jobs2');
  });

  it('rate-limiter-flexible RateLimiterRedis on ioredis: consume until blocked, block duration, penalty, reward', async () => {
    await rateLimiterScenario(await connectIoredis(port()), 'rl-io');
  });

  it('rate-limiter-flexible RateLimiterRedis on node-redis (EVAL path)', async () => {
    const c = createClient({ url: `redis://127.0.0.1:${port()}` });
    c.on('error', () => undefined);
    await c.connect();
    try {
      await rateLimiterScenario(c, 'rl-nr', true);
    } finally {
      c.destroy();
    }
  });

  it('redlock: acquire, contention between two clients, extend, release, using()', async () => {
    const [a, b] = await Promise.all([connectIoredis(port()), connectIoredis(port())]);
    await redlockScenario(a, b, 'locks:order:42');
  });

  it('ioredis defineCommand: EVAL then EVALSHA, NOSCRIPT fallback after SCRIPT FLUSH, pipelines, errors', async () => {
    const c: Redis = await connectIoredis(port());
    await defineCommandScenario(c, 'dc');
  });
});
