// ioredis against one ringcache node: strings with TTLs, a pipeline, a hash, and MULTI; any node of a cluster answers for any key.
//   node examples/ioredis.mjs            (RINGCACHE_PORT, default 8080; REDIS_PASSWORD if the node has one)
import Redis from 'ioredis';

const redis = new Redis({ host: '127.0.0.1', port: Number(process.env.RINGCACHE_PORT ?? 8080), password: process.env.REDIS_PASSWORD });

await redis.set('example:greeting', 'hello', 'EX', 60);
console.log('GET example:greeting ->', await redis.get('example:greeting'), `(ttl ${await redis.ttl('example:greeting')} s)`);

// One round trip for many commands.
const replies = await redis.pipeline().incr('example:visits').incr('example:visits').get('example:visits').exec();
console.log('pipeline ->', replies.map(([err, v]) => (err ? err.message : v)));

await redis.hset('example:user:1', { name: 'Ada', lang: 'en' });
console.log('HGETALL example:user:1 ->', await redis.hgetall('example:user:1'));

// MULTI ... EXEC: keys with one {hash tag} share a slot, so the transaction runs on one owner.
const tx = await redis.multi().set('{example}:a', '1').set('{example}:b', '2').mget('{example}:a', '{example}:b').exec();
console.log('MULTI/EXEC ->', tx.map(([, v]) => v));

await redis.del('example:greeting', 'example:visits', 'example:user:1', '{example}:a', '{example}:b');
await redis.quit();
