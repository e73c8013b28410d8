// DUMP / RESTORE / MIGRATE between a spawned ringcache node and a real redis-server 7.0, both ways, for every type and encoding (a stream with groups and a PEL included), plus MIGRATE's timeouts and errors.
import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { crc64Bytes } from '../rdb/crc64.js';
import { RdbWriter } from '../rdb/writer.js';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

type Builder = (c: Redis, key: string) => Promise<unknown>;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** One value of every type in each encoding Redis 7.0 gives it, built with ordinary commands. */
const DATASET: [string, Builder][] = [
  ['string (raw)', (c, k) => c.set(k, 'hello world')],
  ['string (int)', (c, k) => c.set(k, '-12345')],
  ['string (LZF-compressed by redis-server)', (c, k) => c.set(k, 'abcabcabc'.repeat(500))],
  ['string (binary)', (c, k) => c.set(k, Buffer.from([0, 255, 13, 10, 128, 1]))],
  ['list (listpack)', (c, k) => c.rpush(k, 'a', '1', '-300', 'hello', '', '9223372036854775807')],
  ['list (quicklist)', (c, k) => c.rpush(k, ...range(3000).map((i) => `element-${i}`))],
  ['set (intset)', (c, k) => c.sadd(k, '1', '70000', '-3', '9223372036854775807')],
  ['set (hashtable)', (c, k) => c.sadd(k, 'a', 'b', 'c', '1')],
  ['hash (listpack)', (c, k) => c.hset(k, 'f', 'v', 'n', '12', 'e', '')],
  ['hash (hashtable)', (c, k) => c.hset(k, ...range(600).flatMap((i) => [`f${i}`, `value-${i}`]))],
  ['zset (listpack)', (c, k) => c.zadd(k, '1.5', 'a', '2', 'b', '-inf', 'c', '0.1', 'd', '1e300', 'e')],
  ['zset (skiplist)', (c, k) => c.zadd(k, ...range(300).flatMap((i) => [String(i / 7), `member-${i}`]))],
  [
    'stream (groups, PEL, consumers, deletions)',
    async (c, k) => {
      for (let i = 1; i <= 250; i++) await c.xadd(k, `${1000 + i}-${i % 3}`, ...(i % 10 === 0 ? ['other', String(i)] : ['f', String(i), 'g', 'x'.repeat(i % 4)]));
      await c.xdel(k, '1005-2', '1100-1');
      await c.xgroup('CREATE', k, 'readers', '0');
      await c.xgroup('CREATE', k, 'late', '$');
      await c.xreadgroup('GROUP', 'readers', 'alice', 'COUNT', '5', 'STREAMS', k, '>');
      await c.xreadgroup('GROUP', 'readers', 'bob', 'COUNT', '3', 'STREAMS', k, '>');
      await c.call('XGROUP', 'CREATECONSUMER', k, 'readers', 'carol');
      await c.xack(k, 'readers', '1002-2');
      await c.xclaim(k, 'readers', 'carol', 0, '1001-1');
    },
  ],
];

/** XINFO STREAM FULL as an object (RESP2 flat arrays), with the node layout figures left out. */
function fullInfo(reply: unknown): Record<string, unknown> {
  const obj = (flat: unknown): Record<string, unknown> => {
    const a = flat as unknown[];
    const o: Record<string, unknown> = {};
    for (let i = 0; i < a.length; i += 2) o[String(a[i])] = a[i + 1];
    return o;
  };
  const info = obj(reply);
  delete info['radix-tree-keys'];
  delete info['radix-tree-nodes'];
  info.groups = (info.groups as unknown[]).map((g) => {
    const go = obj(g);
    go.consumers = (go.consumers as unknown[]).map(obj);
    return go;
  });
  return info;
}

/** What a key holds, read back with ordinary commands (the same on either server). */
async function snapshot(c: Redis, key: string): Promise<unknown> {
  const type = await c.type(key);
  const encoding = await c.object('ENCODING', key);
  switch (type) {
    case 'string':
      return [type, encoding, (await c.getBuffer(key))?.toString('hex')];
    case 'list':
      return [type, encoding, await c.lrange(key, 0, -1)];
    case 'set':
      return [type, encoding, (await c.smembers(key)).sort()];
    case 'hash':
      return [type, encoding, await c.hgetall(key)];
    case 'zset':
      // Scores compared as numbers: redis-server 7.0 prints them with %.17g (0.10000000000000001),
      // ringcache with the shortest exact form (0.1, as Redis 7.2 does).
      return [type, encoding, (await c.zrange(key, '0', '-1', 'WITHSCORES')).map((s, i) => (i % 2 === 1 ? Number(s) : s))];
    case 'stream':
      return [type, encoding, await c.xrange(key, '-', '+'), fullInfo(await c.call('XINFO', 'STREAM', key, 'FULL'))];
    default:
      return [type];
  }
}

describe('DUMP / RESTORE / MIGRATE with a real redis-server', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  let rc: Redis;
  let rs: Redis;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode(), startRedisServer()]);
    rc = await connectIoredis(node.port, { protocol: 2 });
    rs = await connectIoredis(redis.port, { protocol: 2 });
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([node?.stop(), redis?.stop()]);
  });
  beforeEach(async () => {
    await Promise.all([rc.flushall(), rs.flushall()]);
  });

  it.each(DATASET)('%s: redis-server DUMP restores into ringcache', async (_name, build) => {
    await build(rs, 'k');
    const payload = (await rs.dumpBuffer('k')) as Buffer;
    expect(await rc.restore('k', 0, payload)).toBe('OK');
    expect(await snapshot(rc, 'k')).toEqual(await snapshot(rs, 'k'));
  });

  it.each(DATASET)('%s: ringcache DUMP restores into redis-server', async (_name, build) => {
    await build(rc, 'k');
    const payload = (await rc.dumpBuffer('k')) as Buffer;
    expect(await rs.restore('k', 0, payload)).toBe('OK');
    expect(await snapshot(rs, 'k')).toEqual(await snapshot(rc, 'k'));
  });

  it('writes the very bytes redis-server writes where Redis does not compress', async () => {
    const same: Builder[] = [
      (c, k) => c.set(k, '123'),
      (c, k) => c.set(k, 'short'),
      (c, k) => c.rpush(k, 'a', 'b', '1', '-5000'),
      (c, k) => c.sadd(k, '1', '2', '-3'),
      (c, k) => c.hset(k, 'f', 'v', 'n', '12'),
      async (c, k) => {
        await c.xadd(k, '1-1', 'a', '1', 'b', '2');
        await c.xadd(k, '1-2', 'a', '3');
        await c.xgroup('CREATE', k, 'g', '0');
        await c.call('XGROUP', 'CREATECONSUMER', k, 'g', 'c');
      },
    ];
    for (const [i, build] of same.entries()) {
      await build(rs, `k${i}`);
      await rc.restore(`k${i}`, 0, (await rs.dumpBuffer(`k${i}`)) as Buffer);
      expect(((await rc.dumpBuffer(`k${i}`)) as Buffer).toString('hex')).toBe(((await rs.dumpBuffer(`k${i}`)) as Buffer).toString('hex'));
    }
  });

  it('TTLs travel both ways, relative and absolute', async () => {
    await rs.set('k', 'v', 'PX', 100_000);
    const p = (await rs.dumpBuffer('k')) as Buffer;
    await rc.restore('k', await rs.pttl('k'), p);
    expect(await rc.pttl('k')).toBeGreaterThan(95_000);
    const at = Date.now() + 50_000;
    await rc.call('RESTORE', 'abs', String(at), p, 'ABSTTL');
    await rs.restore('abs', 0, (await rc.dumpBuffer('abs')) as Buffer, 'ABSTTL');
    expect(await rs.pttl('abs')).toBe(-1);
    const left = await rc.pttl('abs');
    expect(left).toBeGreaterThan(40_000);
    expect(left).toBeLessThanOrEqual(50_000);
  });

  it('answers RESTORE errors exactly as redis-server does', async () => {
    await Promise.all([rc.set('k', 'v'), rs.set('k', 'v')]);
    const good = (await rs.dumpBuffer('k')) as Buffer;
    const w = new RdbWriter();
    w.byte(2);
    w.len(2);
    w.string('a');
    w.string('a');
    w.u16le(10);
    const corrupt = Buffer.concat([w.bytes(), crc64Bytes(w.bytes())]);
    const cases: (string | Buffer)[][] = [
      ['RESTORE', 'k', '0', good],
      ['RESTORE', 'n', '-1', good],
      ['RESTORE', 'n', 'x', good],
      ['RESTORE', 'n', '0', Buffer.from('garbage')],
      ['RESTORE', 'n', '0', good.subarray(0, good.length - 1)],
      ['RESTORE', 'n', '0', corrupt],
      ['RESTORE', 'n', '0', good, 'IDLETIME', '-5'],
      ['RESTORE', 'n', '0', good, 'FREQ', '300'],
      ['RESTORE', 'n', '0', good, 'FREQ', '3', 'IDLETIME', '3'],
      ['RESTORE', 'n', '0', good, 'BOGUS'],
      ['RESTORE', 'n', '0'],
    ];
    const answer = async (c: Redis, argv: (string | Buffer)[]): Promise<string> => {
      try {
        return String(await c.call(argv[0] as string, ...argv.slice(1)));
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const argv of cases) expect(await answer(rc, argv)).toBe(await answer(rs, argv));
  });

  it('MIGRATE moves every type from ringcache to redis-server (KEYS, COPY, TTL)', async () => {
    const keys = DATASET.map((_, i) => `k${i}`);
    for (const [i, [, build]] of DATASET.entries()) await build(rc, `k${i}`);
    await rc.pexpire('k0', 100_000);
    const before = await Promise.all(keys.map((k) => snapshot(rc, k)));
    expect(await rc.call('MIGRATE', '127.0.0.1', String(redis.port), '', '0', '5000', 'COPY', 'KEYS', ...keys, 'missing')).toBe('OK');
    expect(await Promise.all(keys.map((k) => snapshot(rs, k)))).toEqual(before);
    expect(await rc.exists(...keys)).toBe(keys.length);
    expect(await rs.pttl('k0')).toBeGreaterThan(90_000);
    // Without COPY the keys go; a key already on the target needs REPLACE.
    expect(await rc.call('MIGRATE', '127.0.0.1', String(redis.port), 'k1', '0', '5000').catch((e: Error) => e.message)).toBe(
      'ERR Target instance replied with error: BUSYKEY Target key name already exists.',
    );
    expect(await rc.call('MIGRATE', '127.0.0.1', String(redis.port), 'k1', '0', '5000', 'REPLACE')).toBe('OK');
    expect(await rc.exists('k1')).toBe(0);
    expect(await rc.call('MIGRATE', '127.0.0.1', String(redis.port), 'nothing', '0', '5000')).toBe('NOKEY');
  });

  it('MIGRATE from redis-server into ringcache (plain RESTORE), and its errors match', async () => {
    const keys = DATASET.map((_, i) => `k${i}`);
    for (const [i, [, build]] of DATASET.entries()) await build(rs, `k${i}`);
    const before = await Promise.all(keys.map((k) => snapshot(rs, k)));
    expect(await rs.call('MIGRATE', '127.0.0.1', String(node.port), '', '0', '5000', 'KEYS', ...keys)).toBe('OK');
    expect(await rs.exists(...keys)).toBe(0);
    expect(await Promise.all(keys.map((k) => snapshot(rc, k)))).toEqual(before);
    // The same refusal worded the same from both sides.
    await Promise.all([rs.set('dup', '1'), rc.set('dup', '2')]);
    const fromRedis = await rs.call('MIGRATE', '127.0.0.1', String(node.port), 'dup', '0', '5000').catch((e: Error) => e.message);
    const fromRingcache = await rc.call('MIGRATE', '127.0.0.1', String(redis.port), 'dup', '0', '5000').catch((e: Error) => e.message);
    expect(fromRingcache).toBe(fromRedis);
  });

  it('MIGRATE with AUTH and AUTH2 against a password-protected redis-server', async () => {
    await rc.set('a', '1');
    await rs.config('SET', 'requirepass', 'sekret');
    try {
      const port = String(redis.port);
      expect(await rc.call('MIGRATE', '127.0.0.1', port, 'a', '0', '5000', 'COPY').catch((e: Error) => e.message)).toBe(
        'ERR Target instance replied with error: NOAUTH Authentication required.',
      );
      expect(await rc.call('MIGRATE', '127.0.0.1', port, 'a', '0', '5000', 'COPY', 'AUTH', 'wrong').catch((e: Error) => e.message)).toBe(
        'ERR Target instance replied with error: WRONGPASS invalid username-password pair or user is disabled.',
      );
      expect(await rc.call('MIGRATE', '127.0.0.1', port, 'a', '0', '5000', 'COPY', 'AUTH', 'sekret')).toBe('OK');
      expect(await rc.call('MIGRATE', '127.0.0.1', port, 'a', '1', '5000', 'AUTH2', 'default', 'sekret')).toBe('OK');
      expect(await rs.get('a')).toBe('1');
      expect(await rs.call('SELECT', '1').then(() => rs.get('a'))).toBe('1');
      await rs.select(0);
      expect(await rc.exists('a')).toBe(0);
    } finally {
      await rs.config('SET', 'requirepass', '');
    }
  });

  it('MIGRATE to a server that never answers fails with IOERR after the timeout, without stalling the node', async () => {
    const silent = net.createServer((s) => s.on('data', () => undefined));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      await rc.set('k', 'v');
      const other = await connectIoredis(node.port, { protocol: 2 });
      const t0 = Date.now();
      const pending = rc.call('MIGRATE', '127.0.0.1', String(port), 'k', '0', '700').catch((e: Error) => e.message);
      // The node keeps serving other clients while MIGRATE waits.
      const p0 = Date.now();
      expect(await other.ping()).toBe('PONG');
      expect(Date.now() - p0).toBeLessThan(500);
      expect(await pending).toBe('IOERR error or timeout reading to target instance');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
      expect(await rc.get('k')).toBe('v');
    } finally {
      silent.close();
    }
  });

  it('MIGRATE to a closed port answers as redis-server does', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await Promise.all([rc.set('k', 'v'), rs.set('k', 'v')]);
    const ours = await rc.call('MIGRATE', '127.0.0.1', String(closed), 'k', '0', '500').catch((e: Error) => e.message);
    const theirs = await rs.call('MIGRATE', '127.0.0.1', String(closed), 'k', '0', '500').catch((e: Error) => e.message);
    expect(ours).toBe(theirs);
    // A port that is not a number reads as 0 there (atoi), which cannot be connected to either.
    const oursNaN = await rc.call('MIGRATE', '127.0.0.1', 'abc', 'k', '0', '500').catch((e: Error) => e.message);
    const theirsNaN = await rs.call('MIGRATE', '127.0.0.1', 'abc', 'k', '0', '500').catch((e: Error) => e.message);
    expect(oursNaN).toBe(theirsNaN);
    expect(await rc.get('k')).toBe('v');
  });
});

describe('MIGRATE between two ringcache nodes, and RESTORE through the AOF', () => {
  let a: SpawnedNode;
  let b: SpawnedNode;
  afterAll(async () => {
    closeAll();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it('moves a stream with its groups from one node to another', async () => {
    [a, b] = await Promise.all([spawnNode(), spawnNode()]);
    const ca = await connectIoredis(a.port, { protocol: 2 });
    const cb = await connectIoredis(b.port, { protocol: 2 });
    await (DATASET.find(([n]) => n.startsWith('stream'))?.[1] as Builder)(ca, 's');
    const before = await snapshot(ca, 's');
    expect(await ca.call('MIGRATE', '127.0.0.1', String(b.port), 's', '0', '5000')).toBe('OK');
    expect(await ca.exists('s')).toBe(0);
    expect(await snapshot(cb, 's')).toEqual(before);
  });

  it('a restored key survives a restart from the AOF with its absolute TTL', async () => {
    const args = ['--appendonly', 'yes', '--appendfsync', 'always'];
    let n = await spawnNode({ args, keepDir: true });
    try {
      let c = await connectIoredis(n.port, { protocol: 2 });
      await c.hset('h', 'f', 'v');
      const p = (await c.dumpBuffer('h')) as Buffer;
      await c.restore('r', 60_000, p);
      const expireAt = Number(await c.call('PEXPIRETIME', 'r'));
      const port = n.port;
      const dir = n.dir;
      await n.stop();
      n = await spawnNode({ args, keepDir: true, port, dir });
      c = await connectIoredis(n.port, { protocol: 2 });
      await waitUntil(async () => (await c.exists('r')) === 1, 10_000, 'the restored key after restart');
      expect(await c.hgetall('r')).toEqual({ f: 'v' });
      expect(Number(await c.call('PEXPIRETIME', 'r'))).toBe(expireAt);
    } finally {
      await n.stop();
    }
  });
});
