// A ringcache node and a redis-server for one test file: started before its tests, stopped (clients too) after.
import { afterAll, beforeAll } from 'vitest';
import { closeAll } from './clients.js';
import { spawnNode, type SpawnedNode } from './harness.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

export interface SideBySide {
  readonly node: SpawnedNode;
  readonly redis: RedisServer;
}

/** Registers the file's beforeAll/afterAll; the servers are readable from the returned object inside tests. */
export function useSideBySide(): SideBySide {
  const s: { node?: SpawnedNode; redis?: RedisServer } = {};
  beforeAll(async () => {
    [s.node, s.redis] = await Promise.all([spawnNode(), startRedisServer()]);
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([s.node?.stop(), s.redis?.stop()]);
  });
  return {
    get node(): SpawnedNode {
      if (s.node === undefined) throw new Error('the node starts in beforeAll');
      return s.node;
    },
    get redis(): RedisServer {
      if (s.redis === undefined) throw new Error('redis-server starts in beforeAll');
      return s.redis;
    },
  };
}
