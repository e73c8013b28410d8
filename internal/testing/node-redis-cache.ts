// node-redis's client-side cache against a server: the one check both tracking tests (a node, a cluster) run.
import { createClient } from 'redis';
import { expect } from 'vitest';
import { waitUntil } from './harness.js';

/**
 * node-redis with its client-side cache (RESP3, CLIENT TRACKING ON): a GET served from the cache
 * until another client's SET through `writePort` invalidates it, then the new value.
 */
export async function nodeRedisCache(readPort: number, writePort: number, key: string): Promise<void> {
  const reader = createClient({ socket: { host: '127.0.0.1', port: readPort }, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
  const writer = createClient({ socket: { host: '127.0.0.1', port: writePort } });
  await Promise.all([reader.connect(), writer.connect()]);
  try {
    const cache = reader.clientSideCache;
    if (cache === undefined) throw new Error('node-redis built no client-side cache');
    await writer.set(key, 'v1');
    expect(await reader.get(key)).toBe('v1');
    expect(await reader.get(key)).toBe('v1');
    expect(cache.stats().hitCount).toBe(1);
    await writer.set(key, 'v2');
    // The invalidation arrives on its own; until then the cache may still answer v1.
    await waitUntil(async () => (await reader.get(key)) === 'v2', 5000, 'the cached GET to see the new value');
    const hits = cache.stats().hitCount;
    expect(await reader.get(key)).toBe('v2');
    expect(cache.stats().hitCount).toBe(hits + 1);
  } finally {
    await Promise.all([reader.quit(), writer.quit()]);
  }
}
