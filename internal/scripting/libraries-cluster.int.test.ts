// The Lua-using libraries against a spawned 3-node ringcache cluster through ioredis Cluster clients: BullMQ with a {hash-tag} prefix, rate-limiter-flexible, redlock, defineCommand across slots.
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type SpawnedCluster } from '../testing/harness.js';
import { bullmqScenario, rateLimiterScenario, redlockScenario } from '../testing/library-scenarios.js';
import { keyHashSlot } from '../ring/slot.js';

let cluster: SpawnedCluster | undefined;
const clients: Cluster[] = [];

beforeAll(async () => {
  cluster = await startCluster(3, { args: ['--save', ''] });
}, 120_000);

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster?.stop();
});

/** A tracked ioredis Cluster client seeded with every node; BullMQ needs maxRetriesPerRequest null. */
function openCluster(protocol?: 2 | 3): Cluster {
  const seeds = (cluster?.nodes ?? []).map((n) => ({ host: '127.0.0.1', port: n.port }));
  const c = new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: null, ...(protocol === undefined ? {} : { protocol }) } });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

interface Scripted {
  getIncrExpire(key: string, by: number, ttl: number): Promise<[string, number, number]>;
  twoKeys(a: string, b: string): Promise<unknown>;
}

describe('libraries on a 3-node cluster', () => {
  it('BullMQ with prefix {bull}: queue, worker, delayed and retried jobs, events, counts', async () => {
    await bullmqScenario(openCluster(), 'cjobs', '{bull}');
  });

  it('BullMQ with prefix {bull} over RESP2 connections', async () => {
    await bullmqScenario(openCluster(2), 'cjobs2', '{bull}');
  });

  it('rate-limiter-flexible on an ioredis Cluster client', async () => {
    await rateLimiterScenario(openCluster(), 'crl');
  });

  it('redlock with two Cluster clients: contention, extend, release, using()', async () => {
    await redlockScenario(openCluster(), openCluster(), 'clocks:invoice:7');
  });

  it('defineCommand on keys spread over every node, after SCRIPT FLUSH on each, and CROSSSLOT', async () => {
    const c = openCluster();
    c.defineCommand('getIncrExpire', {
      numberOfKeys: 1,
      lua: "local old = redis.call('GET', KEYS[1]) local new = redis.call('INCRBY', KEYS[1], ARGV[1]) redis.call('EXPIRE', KEYS[1], ARGV[2]) return {old or 'none', new, redis.call('TTL', KEYS[1])}",
    });
    c.defineCommand('twoKeys', { numberOfKeys: 2, lua: "return redis.call('MGET', KEYS[1], KEYS[2])" });
    const s = c as unknown as Scripted;
    const keys = Array.from({ length: 60 }, (_, i) => `dcc:${i}`);
    // The keys land on every master (so every node ran the script).
    await c.set('probe', '1');
    const masters = c.nodes('master');
    expect(masters).toHaveLength(3);
    expect(await Promise.all(keys.map((k) => s.getIncrExpire(k, 2, 100)))).toEqual(keys.map(() => ['none', 2, 100]));
    await Promise.all(masters.map((m) => m.script('FLUSH')));
    expect(await Promise.all(keys.map((k) => s.getIncrExpire(k, 3, 50)))).toEqual(keys.map(() => ['2', 5, 50]));
    const perNode = await Promise.all(masters.map(async (m) => Number(/keys=(\d+)/.exec(await m.info('keyspace'))?.[1] ?? 0)));
    expect(perNode.every((n) => n > 0)).toBe(true);
    expect(await c.get('dcc:7')).toBe('5');

    // Two keys in one slot work; two slots are refused with Redis's CROSSSLOT.
    await c.set('{t}a', 'A');
    await c.set('{t}b', 'B');
    expect(await s.twoKeys('{t}a', '{t}b')).toEqual(['A', 'B']);
    const [x, y] = ['dcc:0', 'dcc:1'];
    expect(keyHashSlot(x)).not.toBe(keyHashSlot(y));
    await expect(s.twoKeys(x, y)).rejects.toThrow(/^CROSSSLOT Keys in request don't hash to the same slot/);
  });
});
