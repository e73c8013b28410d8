// ioredis's Cluster client: it reads the slot map (CLUSTER SLOTS) and sends each key straight to its owner; MOVED replies refresh the map.
//   node examples/ioredis-cluster.mjs    (RINGCACHE_PORT: any member, default 8080; REDIS_PASSWORD if set)
import Redis from 'ioredis';

const password = process.env.REDIS_PASSWORD;
const cluster = new Redis.Cluster([{ host: '127.0.0.1', port: Number(process.env.RINGCACHE_PORT ?? 8080) }], {
  redisOptions: { password },
});

for (let i = 0; i < 6; i++) await cluster.set(`example:cluster:${i}`, `value ${i}`);
const values = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => cluster.get(`example:cluster:${i}`)));
console.log('values ->', values);

// Which member owns which key, as the client sees it.
const slots = await cluster.cluster('SLOTS');
const owners = new Set(slots.map((range) => `${range[2][0]}:${range[2][1]}`));
console.log(`slot map: ${slots.length} ranges over ${owners.size} member(s)`);

for (let i = 0; i < 6; i++) await cluster.del(`example:cluster:${i}`);
await cluster.quit();
