// Keyspace notifications against a spawned node with ioredis: cache invalidation end to end, expiry without access included.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

let node: SpawnedNode;
/** Another ioredis connection to the node (closed in afterAll). */
const io = (opts: { protocol?: 2 | 3 } = {}): Redis => openIoredis(node.port, opts);

/** A RESP2 subscriber that records `channel message` for every pattern message, in arrival order. */
async function subscriber(...patterns: string[]): Promise<{ sub: Redis; got: string[] }> {
  const sub = io({ protocol: 2 });
  const got: string[] = [];
  sub.on('pmessage', (_pattern: string, channel: string, message: string) => got.push(`${channel} ${message}`));
  await sub.psubscribe(...patterns);
  return { sub, got };
}

let app: Redis;

beforeAll(async () => {
  // DEBUG SET-ACTIVE-EXPIRE below: DEBUG is off by default, as in Redis 7.
  node = await spawnNode({ args: ['--enable-debug-command', 'yes'] });
});
afterAll(async () => {
  closeAll();
  await node.stop();
});
beforeEach(async () => {
  app = io();
  await app.flushall();
});

describe('keyspace notifications', () => {
  it('are off by default, CONFIG SET turns them on and refuses an unknown class', async () => {
    expect(await app.config('GET', 'notify-keyspace-events')).toEqual(['notify-keyspace-events', '']);
    const { got } = await subscriber('__key*');
    await app.set('k', 'v');
    await app.config('SET', 'notify-keyspace-events', 'KEA');
    await app.set('k', 'w');
    await waitUntil(() => got.length === 2, 5000, 'the set event on both channels');
    expect(got).toEqual(['__keyspace@0__:k set', '__keyevent@0__:set k']);
    await expect(app.config('SET', 'notify-keyspace-events', 'KEQ')).rejects.toThrow(/notify-keyspace-events/);
    await app.config('SET', 'notify-keyspace-events', '');
  });

  it('cache invalidation: an app watching __keyspace@0__:user:* sees every change to its keys in order, expiry without access included', async () => {
    await app.config('SET', 'notify-keyspace-events', 'KEA');
    const { got } = await subscriber('__keyspace@0__:user:*');
    const seen = (): string[] => got.map((g) => g.replace('__keyspace@0__:', ''));

    await app.set('user:1', 'alice');
    await app.set('other:1', 'not watched');
    await app.set('user:1', 'bob', 'EX', 100);
    await app.expire('user:1', 200);
    await app.persist('user:1');
    await app.incr('user:visits');
    await app.append('user:1', '!');
    await app.rename('user:1', 'user:9');
    await app.del('user:9', 'user:visits', 'other:1');
    // Never read again: only the node's active expiry cycle can reclaim it, and the app must still hear `expired`.
    await app.set('user:2', 'carol', 'PX', 150);
    await waitUntil(() => seen().includes('user:2 expired'), 10_000, 'user:2 expired without being accessed');

    expect(seen()).toEqual([
      'user:1 set',
      'user:1 set',
      'user:1 expire',
      'user:1 expire',
      'user:1 persist',
      'user:visits incrby',
      'user:1 append',
      'user:1 rename_from',
      'user:9 rename_to',
      'user:9 del',
      'user:visits del',
      'user:2 set',
      'user:2 expire',
      'user:2 expired',
    ]);
    // It was reclaimed, not just reported: the database is empty without anyone touching the key.
    expect(await app.dbsize()).toBe(0);
  });

  it('a lazily expired key raises expired before the reader misses it', async () => {
    await app.config('SET', 'notify-keyspace-events', 'KEAm');
    await app.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    try {
      const { got } = await subscriber('__keyevent@0__:*');
      await app.set('session:1', 'x', 'PX', 30);
      await new Promise((r) => setTimeout(r, 80));
      expect(await app.get('session:1')).toBeNull();
      await waitUntil(() => got.length === 4, 5000, 'four events');
      expect(got).toEqual([
        '__keyevent@0__:set session:1',
        '__keyevent@0__:expire session:1',
        '__keyevent@0__:expired session:1',
        '__keyevent@0__:keymiss session:1',
      ]);
    } finally {
      await app.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    }
  });

  it('new and keymiss are opt-in (n, m), and MOVE/COPY DB name the destination database', async () => {
    await app.config('SET', 'notify-keyspace-events', 'KEAn');
    const { got } = await subscriber('__keyspace@*');
    // GET of a missing key raises keymiss only with m: nothing here.
    await app.get('missing');
    await app.set('a', '1');
    await app.move('a', 3);
    // A COPY that finds nothing raises nothing (its keymiss is class m, not enabled here).
    expect(await app.call('COPY', 'b-missing', 'c')).toBe(0);
    await app.set('b', '2');
    expect(await app.call('COPY', 'b', 'b', 'DB', '5')).toBe(1);
    await waitUntil(() => got.length === 9, 5000, 'nine events');
    expect(got).toEqual([
      '__keyspace@0__:a new',
      '__keyspace@0__:a set',
      '__keyspace@3__:a new',
      '__keyspace@0__:a move_from',
      '__keyspace@3__:a move_to',
      '__keyspace@0__:b new',
      '__keyspace@0__:b set',
      '__keyspace@5__:b new',
      '__keyspace@5__:b copy_to',
    ]);
  });

  it('FLUSHALL, FLUSHDB and SWAPDB raise nothing: a cache must treat them as a full invalidation itself', async () => {
    await app.config('SET', 'notify-keyspace-events', 'KEAmn');
    const { got } = await subscriber('__key*');
    await app.mset('a', '1', 'b', '2');
    await waitUntil(() => got.length === 8, 5000, 'mset events');
    await app.swapdb(0, 1);
    await app.flushdb();
    await app.flushall();
    // A marker write proves the commands above were processed and published nothing in between.
    await app.set('marker', '1');
    await waitUntil(() => got.length === 12, 5000, 'marker events');
    expect(got.slice(8)).toEqual([
      '__keyspace@0__:marker new',
      '__keyevent@0__:new marker',
      '__keyspace@0__:marker set',
      '__keyevent@0__:set marker',
    ]);
  });
});
