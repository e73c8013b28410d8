// ACL users side by side with redis-server 7.0.15: ioredis, node-redis and redis-cli authenticating as users; ACL LIST / GETUSER / LOG, NOPERM and WRONGPASS answered alike.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { redisCli, spawnNode, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

function canon(line: string): string {
  const toks = line.split(' ');
  const first = toks.findIndex((t) => /^[+-][^@]/.test(t));
  return first < 0 ? line : [...toks.slice(0, first), ...toks.slice(first).sort()].join(' ');
}

/** Both servers answer; the result (value or error message) of each. */
async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return await p;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe('ACL users, side by side with redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  const ports: Record<string, number> = {};
  const admins: Record<string, Redis> = {};

  beforeAll(async () => {
    node = await spawnNode();
    redis = await startRedisServer();
    ports.ringcache = node.port;
    ports.redis = redis.port;
    for (const [name, port] of Object.entries(ports)) {
      const admin = await connectIoredis(port);
      admins[name] = admin;
      await admin.call('ACL', 'SETUSER', 'app', 'on', '>apppw', '~app:*', '+@read', '+set', '+multi', '+exec', '+@connection', 'resetchannels', '&news');
      await admin.call('ACL', 'SETUSER', 'ro', 'on', '>ropw', '%R~*', '+@all', '-@dangerous', '(~scratch:* +@write)');
    }
  });
  afterAll(async () => {
    closeAll();
    await node.stop();
    await redis.stop();
  });

  /** Runs `f` against both servers and expects the same answer. */
  async function same(f: (port: number, admin: Redis) => Promise<unknown>): Promise<unknown> {
    const [ours, theirs] = await Promise.all([outcome(f(ports.ringcache as number, admins.ringcache as Redis)), outcome(f(ports.redis as number, admins.redis as Redis))]);
    expect(ours).toEqual(theirs);
    return ours;
  }

  it('ACL LIST and GETUSER are byte-identical', async () => {
    // Redis orders single-command rules by its command hash table: compared as a set past the first one.
    const list = (await same(async (_p, a) => ((await a.call('ACL', 'LIST')) as string[]).map(canon))) as string[];
    expect(list.find((l) => l.startsWith('user app '))).toMatch(/^user app on #[0-9a-f]{64} ~app:\* resetchannels &news -@all \+@read \+@connection \+exec \+multi \+set$/);
    await same((_p, a) => a.call('ACL', 'GETUSER', 'ro'));
    await same(async (_p, a) => ((await a.call('ACL', 'GETUSER', 'app')) as unknown[]).map((v, i, all) => (all[i - 1] === 'commands' ? canon(v as string) : v)));
    await same((_p, a) => a.call('ACL', 'USERS'));
  });

  it('ioredis with username and password: allowed commands run, NOPERM as Redis words it', async () => {
    const r = await same(async (port) => {
      const c = new Redis({ port, host: '127.0.0.1', username: 'app', password: 'apppw', lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
      await c.connect();
      try {
        return [await c.call('PING'), await c.set('app:1', 'v'), await c.get('app:1'), await outcome(c.get('other')), await outcome(c.del('app:1')), await outcome(c.publish('other', 'm'))];
      } finally {
        c.disconnect();
      }
    });
    expect(r).toEqual([
      'PONG',
      'OK',
      'v',
      'error: NOPERM this user has no permissions to access one of the keys used as arguments',
      "error: NOPERM this user has no permissions to run the 'del' command",
      "error: NOPERM this user has no permissions to run the 'publish' command",
    ]);
  });

  it('read-only key patterns and a write selector', async () => {
    await same(async (port) => {
      const c = await connectIoredis(port, { username: 'ro', password: 'ropw' });
      return [await outcome(c.get('app:1')), await outcome(c.set('app:1', 'x')), await outcome(c.set('scratch:1', 'x')), await outcome(c.flushall())];
    });
  });

  it('node-redis with username and password, and a wrong password', async () => {
    await same(async (port) => {
      const c = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, username: 'app', password: 'apppw' });
      await c.connect();
      try {
        return [await c.get('app:1'), await outcome(c.hSet('app:h', 'f', 'v'))];
      } finally {
        await c.quit();
      }
    });
    await same(async (port) => {
      const c = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: false }, username: 'app', password: 'nope' });
      c.on('error', () => undefined);
      return outcome(c.connect().then(() => c.quit()));
    });
  });

  it('redis-cli --user --pass', async () => {
    await same(async (port) => {
      const ok = await redisCli(port, ['--user', 'app', '--pass', 'apppw', '--no-auth-warning', 'GET', 'app:1']);
      const denied = await redisCli(port, ['--user', 'app', '--pass', 'apppw', '--no-auth-warning', 'FLUSHALL']);
      return [ok.stdout, denied.stdout];
    });
  });

  it('MULTI with a refused command is EXECABORT; ACL LOG records it as Redis does', async () => {
    await same(async (port, admin) => {
      await admin.call('ACL', 'LOG', 'RESET');
      const c = await connectIoredis(port, { username: 'app', password: 'apppw' });
      const r = await outcome(c.multi().set('app:2', 'x').del('app:2').exec());
      const log = (await admin.call('ACL', 'LOG')) as unknown[][];
      // age-seconds and client-info differ between servers by nature.
      return [r, log.map((e) => e.slice(0, 10))];
    });
  });

  it('DRYRUN and CAT', async () => {
    await same((_p, a) => a.call('ACL', 'DRYRUN', 'app', 'SET', 'other', 'v'));
    await same((_p, a) => a.call('ACL', 'DRYRUN', 'app', 'SET', 'app:3', 'v'));
    await same((_p, a) => a.call('ACL', 'DRYRUN', 'app', 'DEL', 'app:3'));
    await same((_p, a) => outcome(a.call('ACL', 'DRYRUN', 'nobody', 'GET', 'x')));
    await same((_p, a) => a.call('ACL', 'CAT'));
  });
});
