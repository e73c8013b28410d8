// Scenarios driving the Lua-using libraries people run on Redis (BullMQ, rate-limiter-flexible, redlock, ioredis defineCommand), shared by the single-node, redis-server and cluster integration tests.
//
// Each scenario asserts outcomes (values, counts, states, loose timing bounds) with vitest's
// expect and polls with deadlines; the same scenario runs against redis-server 7.0.15 so a
// wrong expectation shows up there, not as a ringcache defect.
import { Queue, QueueEvents, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import Redlock, { ExecutionError } from 'redlock';
import { expect } from 'vitest';
import { waitUntil } from './harness.js';

/** Deadline for anything that waits on a queue or a lock: the 2-core test machine is shared. */
const SLOW = 30_000;

type Client = Redis | Cluster;

/** What the worker saw: processing start times (ms) per job id. */
type Starts = Map<string, number[]>;

function recordStart(starts: Starts, job: Job): void {
  const id = job.id ?? '?';
  const list = starts.get(id) ?? [];
  list.push(Date.now());
  starts.set(id, list);
}

/**
 * BullMQ: a Queue, a Worker and QueueEvents on `connection` (a fresh connection description or
 * a client BullMQ duplicates): plain jobs, a delayed job, a job retried with fixed backoff until
 * it succeeds, one that exhausts its attempts, 'completed'/'failed' events and the job counts.
 */
export async function bullmqScenario(connection: ConnectionOptions, name: string, prefix?: string): Promise<void> {
  const base = { connection, ...(prefix === undefined ? {} : { prefix }) };
  const queue = new Queue(name, base);
  const events = new QueueEvents(name, base);
  const errors: Error[] = [];
  queue.on('error', (e) => errors.push(e));
  events.on('error', (e) => errors.push(e));
  const completed = new Map<string, unknown>();
  const failed = new Map<string, string>();
  events.on('completed', ({ jobId, returnvalue }) => completed.set(jobId, returnvalue));
  events.on('failed', ({ jobId, failedReason }) => failed.set(jobId, failedReason));
  const starts: Starts = new Map();
  let worker: Worker | undefined;
  try {
    await events.waitUntilReady();
    worker = new Worker(
      name,
      async (job: Job<{ a: number; b: number }>) => {
        recordStart(starts, job);
        if (job.name === 'flaky' && job.attemptsMade < 2) throw new Error(`flaky attempt ${job.attemptsMade + 1}`);
        if (job.name === 'doomed') throw new Error('doomed');
        return { sum: job.data.a + job.data.b, name: job.name };
      },
      { ...base, concurrency: 4 },
    );
    worker.on('error', (e) => errors.push(e));
    await worker.waitUntilReady();

    const plain = await queue.addBulk(Array.from({ length: 10 }, (_, i) => ({ name: 'sum', data: { a: i, b: 100 } })));
    const late = await queue.add('late', { a: 1, b: 2 }, { delay: 1000 });
    expect(await late.getState()).toBe('delayed');
    const flaky = await queue.add('flaky', { a: 3, b: 4 }, { attempts: 3, backoff: { type: 'fixed', delay: 300 } });
    const doomed = await queue.add('doomed', { a: 5, b: 6 }, { attempts: 2, backoff: { type: 'fixed', delay: 100 } });

    const ids = [...plain, late, flaky].map((j) => j.id as string);
    await waitUntil(() => ids.every((id) => completed.has(id)) && failed.has(doomed.id as string), SLOW, 'all jobs to finish');

    plain.forEach((j, i) => expect(completed.get(j.id as string)).toEqual({ sum: i + 100, name: 'sum' }));
    expect(completed.get(late.id as string)).toEqual({ sum: 3, name: 'late' });
    expect(completed.get(flaky.id as string)).toEqual({ sum: 7, name: 'flaky' });
    expect(failed.get(doomed.id as string)).toBe('doomed');

    // Delays end on time: the worker's blocking BZPOPMIN wakes at the delayed-job marker the
    // scripts set (ZADD marker <next timestamp>), not at its 5 s drainDelay timeout.
    const lateDone = await queue.getJob(late.id as string);
    const lateWait = (lateDone?.processedOn ?? 0) - (lateDone?.timestamp ?? 0);
    expect(lateWait).toBeGreaterThanOrEqual(1000);
    expect(lateWait).toBeLessThan(4000);
    // Three attempts of the flaky job, each retry at least the fixed backoff after the failure before it.
    const flakyStarts = starts.get(flaky.id as string) ?? [];
    expect(flakyStarts).toHaveLength(3);
    for (let i = 1; i < flakyStarts.length; i++) {
      const gap = (flakyStarts[i] as number) - (flakyStarts[i - 1] as number);
      expect(gap).toBeGreaterThanOrEqual(280);
      expect(gap).toBeLessThan(3300);
    }
    const flakyDone = await queue.getJob(flaky.id as string);
    expect(await flakyDone?.getState()).toBe('completed');
    expect(flakyDone?.attemptsMade).toBe(3);
    expect(flakyDone?.returnvalue).toEqual({ sum: 7, name: 'flaky' });
    const doomedDone = await queue.getJob(doomed.id as string);
    expect(await doomedDone?.getState()).toBe('failed');
    expect(doomedDone?.attemptsMade).toBe(2);
    expect(doomedDone?.failedReason).toBe('doomed');
    expect(starts.get(doomed.id as string)).toHaveLength(2);

    expect(await queue.getJobCounts('completed', 'failed', 'delayed', 'wait', 'active')).toEqual({
      completed: 12,
      failed: 1,
      delayed: 0,
      wait: 0,
      active: 0,
    });
    expect((await queue.getCompleted(0, -1)).map((j) => j.id).sort()).toEqual([...ids].sort());
    expect(errors).toEqual([]);
  } finally {
    await worker?.close();
    await events.close();
    await queue.close();
  }
}

/**
 * rate-limiter-flexible's RateLimiterRedis on `client` (its Lua increment script through
 * defineCommand for ioredis, EVAL for node-redis): consume until rejected, the rejection's
 * msBeforeNext and block duration, penalty and reward, and consuming again once the block ends.
 */
export async function rateLimiterScenario(client: unknown, keyPrefix: string, useRedisPackage = false): Promise<void> {
  const limiter = new RateLimiterRedis({ storeClient: client, useRedisPackage, keyPrefix, points: 5, duration: 10, blockDuration: 2 });
  for (let i = 1; i <= 5; i++) {
    const res = await limiter.consume('user');
    expect(res.consumedPoints).toBe(i);
    expect(res.remainingPoints).toBe(5 - i);
    expect(res.msBeforeNext).toBeGreaterThan(5000);
    expect(res.msBeforeNext).toBeLessThanOrEqual(10_000);
  }
  const blockedAt = Date.now();
  const rejected: unknown = await limiter.consume('user').then(
    () => null,
    (r: unknown) => r,
  );
  expect(rejected).toBeInstanceOf(RateLimiterRes);
  const rej = rejected as RateLimiterRes;
  expect(rej.remainingPoints).toBe(0);
  expect(rej.consumedPoints).toBe(6);
  // Blocked for blockDuration (2 s), not for the rest of the 10 s window.
  expect(rej.msBeforeNext).toBeGreaterThan(1000);
  expect(rej.msBeforeNext).toBeLessThanOrEqual(2000);
  const during = await limiter.get('user');
  expect(during?.consumedPoints).toBe(6);
  expect(during?.msBeforeNext).toBeLessThanOrEqual(2000);
  // Once the block key expires, the next consume opens a fresh window.
  const after = await waitUntil(
    () =>
      limiter.consume('user').then(
        (r) => r,
        () => null,
      ),
    SLOW,
    'the block to end',
  );
  expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(900);
  expect(after?.consumedPoints).toBe(1);
  expect(after?.remainingPoints).toBe(4);

  const pen = await limiter.penalty('other', 3);
  expect([pen.consumedPoints, pen.remainingPoints]).toEqual([3, 2]);
  const rew = await limiter.reward('other', 2);
  expect([rew.consumedPoints, rew.remainingPoints]).toEqual([1, 4]);
  expect((await limiter.get('other'))?.consumedPoints).toBe(1);
  expect(await limiter.delete('other')).toBe(true);
  expect(await limiter.get('other')).toBeNull();
}

/**
 * redlock with one client per locker (the same server): acquire, contention (the other locker
 * fails without retries and gets the lock only after release), extend, release, and using()
 * whose automatic extension keeps the key alive past its first duration.
 */
export async function redlockScenario(a: Client, b: Client, resource: string): Promise<void> {
  const ra = new Redlock([a], { retryCount: 0 });
  const rb = new Redlock([b], { retryCount: 0 });
  ra.on('error', () => undefined);
  rb.on('error', () => undefined);

  const lock = await ra.acquire([resource], 5000);
  expect(await a.get(resource)).toBe(lock.value);
  const ttl = await a.pttl(resource);
  expect(ttl).toBeGreaterThan(3000);
  expect(ttl).toBeLessThanOrEqual(5000);
  await expect(rb.acquire([resource], 5000)).rejects.toBeInstanceOf(ExecutionError);

  // extend() returns a new Lock with the same value and a later expiry.
  const extended = await lock.extend(20_000);
  expect(extended.value).toBe(lock.value);
  expect(extended.expiration).toBeGreaterThan(lock.expiration);
  expect(await a.pttl(resource)).toBeGreaterThan(15_000);

  // The waiting locker (retrying) gets the lock only once the holder releases it.
  const waiting = new Redlock([b], { retryCount: 400, retryDelay: 50, retryJitter: 10 });
  waiting.on('error', () => undefined);
  let gotAt = 0;
  const pending = waiting.acquire([resource], 5000).then((l) => {
    gotAt = Date.now();
    return l;
  });
  // Let it try a few times while the lock is held.
  const held = Date.now();
  await waitUntil(() => Date.now() - held > 300, SLOW, 'a few retries');
  expect(gotAt).toBe(0);
  const releasedAt = Date.now();
  await extended.release();
  const bLock = await pending;
  expect(gotAt).toBeGreaterThanOrEqual(releasedAt);
  expect(await a.get(resource)).toBe(bLock.value);
  expect(bLock.value).not.toBe(lock.value);
  // Releasing with the stale lock does not delete b's key (the release script compares values).
  await lock.release().catch(() => undefined);
  expect(await a.get(resource)).toBe(bLock.value);
  await bLock.release();
  expect(await a.exists(resource)).toBe(0);

  // using(): the lock is extended automatically while the routine runs past the first duration.
  const seen: number[] = [];
  const result = await ra.using([resource], 1000, { automaticExtensionThreshold: 400 }, async (signal) => {
    const start = Date.now();
    await waitUntil(
      async () => {
        seen.push(await a.pttl(resource));
        return Date.now() - start > 1500;
      },
      SLOW,
      'the routine to outlive the first lock duration',
    );
    return signal.aborted ? 'aborted' : 'done';
  });
  expect(result).toBe('done');
  expect(seen.every((t) => t > 0)).toBe(true);
  expect(await a.exists(resource)).toBe(0);
}

const GET_INCR_EXPIRE = `
local old = redis.call('GET', KEYS[1])
local new = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return {old or 'none', new, redis.call('TTL', KEYS[1])}`;

/** Commands ioredis sent for a custom command, from INFO commandstats (calls of EVAL and EVALSHA). */
async function scriptCalls(c: Redis): Promise<{ eval: number; evalsha: number }> {
  const info = await c.info('commandstats');
  const calls = (cmd: string): number => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { eval: calls('eval'), evalsha: calls('evalsha') };
}

interface Scripted {
  getIncrExpire(key: string, by: number, ttl: number): Promise<[string, number, number]>;
  sumKeys(numkeys: number, ...keysAndArgs: string[]): Promise<number>;
  failing(key: string): Promise<unknown>;
  undefinedGlobal(): Promise<unknown>;
}

/**
 * ioredis defineCommand on one connection: fixed numberOfKeys and numkeys given per call, EVAL
 * on first use then EVALSHA, NOSCRIPT after SCRIPT FLUSH answered by ioredis's fallback to EVAL
 * (counted in INFO commandstats), a pipeline after a flush, and script errors as Redis words them.
 */
export async function defineCommandScenario(c: Redis, prefix: string): Promise<void> {
  c.defineCommand('getIncrExpire', { numberOfKeys: 1, lua: GET_INCR_EXPIRE });
  c.defineCommand('sumKeys', {
    lua: "local s = 0 for i, k in ipairs(KEYS) do s = s + tonumber(redis.call('GET', k) or '0') end return s + #ARGV",
  });
  c.defineCommand('failing', { numberOfKeys: 1, lua: "return redis.call('LPUSH', KEYS[1])" });
  c.defineCommand('undefinedGlobal', { numberOfKeys: 0, lua: 'return nosuchvar' });
  const s = c as unknown as Scripted;
  const key = `${prefix}:counter`;
  await c.config('RESETSTAT');
  expect(await s.getIncrExpire(key, 5, 100)).toEqual(['none', 5, 100]);
  expect(await s.getIncrExpire(key, 2, 50)).toEqual(['5', 7, 50]);
  expect(await scriptCalls(c)).toEqual({ eval: 1, evalsha: 1 });

  expect(await c.script('FLUSH')).toBe('OK');
  // EVALSHA answers NOSCRIPT; ioredis sends EVAL and the call still succeeds.
  expect(await s.getIncrExpire(key, 3, 30)).toEqual(['7', 10, 30]);
  expect(await s.getIncrExpire(key, 1, 30)).toEqual(['10', 11, 30]);
  expect(await scriptCalls(c)).toEqual({ eval: 2, evalsha: 3 });
  expect(await c.get(key)).toBe('11');
  const ttl = await c.ttl(key);
  expect(ttl).toBeGreaterThan(20);
  expect(ttl).toBeLessThanOrEqual(30);

  await c.script('FLUSH');
  const p = c.pipeline();
  for (let i = 0; i < 5; i++) (p as unknown as Scripted).getIncrExpire(key, 1, 60);
  const res = (await p.exec()) ?? [];
  expect(res.map(([err, v]) => (err ? err.message : v))).toEqual([
    ['11', 12, 60],
    ['12', 13, 60],
    ['13', 14, 60],
    ['14', 15, 60],
    ['15', 16, 60],
  ]);

  // Scripts see RESP2 replies whatever the calling connection speaks (ioredis 6 speaks RESP3):
  // ZRANGE WITHSCORES is a flat member, score list, as BullMQ's delayed-job scripts expect.
  c.defineCommand('firstWithScore', {
    numberOfKeys: 1,
    lua: "redis.call('ZADD', KEYS[1], 7359162539026432, 'm') local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES') return {type(r[1]), type(r[2]), r[2] or 'nil'}",
  });
  expect(await (c as unknown as { firstWithScore(k: string): Promise<unknown> }).firstWithScore(`${prefix}:z`)).toEqual(['string', 'string', '7359162539026432']);

  await c.mset(`${prefix}:a`, '4', `${prefix}:b`, '6');
  expect(await s.sumKeys(2, `${prefix}:a`, `${prefix}:b`, 'x', 'y')).toBe(12);
  expect(await s.sumKeys(0)).toBe(0);
  // Errors reach the caller in Redis 7.0.15's words, with the script's SHA and line.
  await expect(s.failing(`${prefix}:list`)).rejects.toThrow(
    /^ERR Wrong number of args calling Redis command from script script: [0-9a-f]{40}, on @user_script:1\.$/,
  );
  await expect(s.undefinedGlobal()).rejects.toThrow(
    /^ERR user_script:1: Script attempted to access nonexistent global variable 'nosuchvar' script: [0-9a-f]{40}, on @user_script:1\.$/,
  );
}
