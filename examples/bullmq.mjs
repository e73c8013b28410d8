// BullMQ (a job queue built on Lua scripts and streams) on ringcache: one queue, one worker, one job processed and its result read back.
//   node examples/bullmq.mjs             (RINGCACHE_PORT, default 8080; REDIS_PASSWORD if set)
import { Queue, QueueEvents, Worker } from 'bullmq';

const connection = { host: '127.0.0.1', port: Number(process.env.RINGCACHE_PORT ?? 8080), password: process.env.REDIS_PASSWORD };
// A {hash tag} in the prefix keeps every key of the queue in one slot: in a cluster, BullMQ's scripts need that.
const prefix = '{example-bull}';
const queue = new Queue('emails', { connection, prefix });
const events = new QueueEvents('emails', { connection, prefix });
await events.waitUntilReady();

const worker = new Worker('emails', async (job) => ({ sent: job.data.to, at: 'now' }), { connection, prefix });
const job = await queue.add('welcome', { to: 'ada@example.com' });
const result = await job.waitUntilFinished(events, 15_000);
console.log(`job ${job.id} finished:`, result);

await worker.close();
await queue.obliterate({ force: true });
await Promise.all([queue.close(), events.close()]);
