// node-redis with client-side caching (RESP3 + CLIENT TRACKING): repeated GETs are answered from the client's memory until the server says the key changed.
//   node examples/node-redis-caching.mjs (RINGCACHE_PORT, default 8080; REDIS_PASSWORD if set)
import { createClient } from 'redis';

const socket = { host: '127.0.0.1', port: Number(process.env.RINGCACHE_PORT ?? 8080) };
const password = process.env.REDIS_PASSWORD;
const reader = createClient({ socket, password, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 1000 } });
const writer = createClient({ socket, password });
await Promise.all([reader.connect(), writer.connect()]);

await writer.set('example:cached', 'v1');
await reader.get('example:cached'); // from the server; now cached
await reader.get('example:cached'); // from the cache
console.log('after two GETs:', reader.clientSideCache.stats().hitCount, 'cache hit(s)');

// Another client changes the key: the server pushes an invalidation and the next GET goes to the server.
await writer.set('example:cached', 'v2');
const deadline = Date.now() + 5000;
let value = await reader.get('example:cached');
while (value !== 'v2' && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 10));
  value = await reader.get('example:cached');
}
console.log('after another client SET:', value);

await writer.del('example:cached');
await Promise.all([reader.quit(), writer.quit()]);
