// Standalone replication with a real redis-server 7.0.15 on either side: its RDB and stream into a ringcache replica, ringcache's into a redis-server replica, PSYNC2 continuations both ways.
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { caughtUp, diffCount, fill, picture, replInfo } from '../testing/replication.js';

const N = 5000;
const LIB = "#!lua name=lib\nredis.register_function{function_name='f', callback=function() return 7 end, flags={'no-writes'}}";

describe('replication with redis-server 7.0.15', () => {
  let redis: RedisServer | undefined;
  let node: SpawnedNode | undefined;

  afterAll(async () => {
    closeAll();
    await node?.stop();
    await redis?.stop();
  });

  it('a ringcache replica of redis-server: diskless EOF-marked RDB, functions, the stream, +CONTINUE after a dropped link', async () => {
    redis = await startRedisServer(['--repl-diskless-sync-delay', '0']);
    node = await spawnNode({ args: ['--loglevel', 'info'] });
    const p: Redis = await connectIoredis(redis.port, { protocol: 2 });
    const r: Redis = await connectIoredis(node.port, { protocol: 2 });
    await fill(p, N, 'k');
    await p.call('FUNCTION', 'LOAD', LIB);
    expect(await r.call('REPLICAOF', '127.0.0.1', String(redis.port))).toBe('OK');
    await waitUntil(() => caughtUp(p, r), 30_000, 'ringcache replica caught up');
    await fill(p, 500, 'after');
    await waitUntil(() => caughtUp(p, r), 30_000, 'stream applied');
    expect(diffCount(await picture(p, 0), await picture(r, 0))).toBe(0);
    expect(await r.call('FCALL_RO', 'f', '0')).toBe(7);
    await r.call('CLIENT', 'KILL', 'TYPE', 'master');
    await p.set('during', '1');
    await waitUntil(() => caughtUp(p, r), 30_000, 'reconnected');
    expect(await r.get('during')).toBe('1');
    expect(node.output()).toMatch(/partial resynchronization accepted by the primary/);
    await r.call('REPLICAOF', 'NO', 'ONE');
    await p.call('REPLICAOF', 'NO', 'ONE');
    await p.flushall();
  }, 120_000);

  it('a redis-server replica of ringcache (itself a promoted replica): it loads our RDB, follows the stream, continues after a dropped link', async () => {
    if (redis === undefined || node === undefined) throw new Error('previous test did not start the servers');
    const p: Redis = await connectIoredis(node.port, { protocol: 2 });
    const r: Redis = await connectIoredis(redis.port, { protocol: 2 });
    await p.flushall();
    await fill(p, N, 'rc');
    await p.select(2);
    await fill(p, 100, 'db2');
    await p.select(0);
    expect(await r.call('REPLICAOF', '127.0.0.1', String(node.port))).toBe('OK');
    await waitUntil(() => caughtUp(p, r), 30_000, 'redis-server replica caught up');
    await fill(p, 500, 'stream');
    expect(Number(await p.call('WAIT', '1', '5000'))).toBe(1);
    for (const db of [0, 2]) expect(diffCount(await picture(p, db), await picture(r, db))).toBe(0);
    const info = await replInfo(p);
    expect(info.get('slave0')).toMatch(/state=online/);
    expect(await r.call('FCALL_RO', 'f', '0')).toBe(7);
    await r.call('CLIENT', 'KILL', 'TYPE', 'master');
    await p.set('during', '2');
    await waitUntil(() => caughtUp(p, r), 30_000, 'redis-server reconnected');
    expect(node.output()).toMatch(/"msg":"partial resynchronization accepted"/);
    expect(await r.get('during')).toBe('2');
  }, 120_000);
});
