// Keyspace commands against a spawned node through ioredis, node-redis and redis-cli, including active expiry.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { redisCli, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

describe('keyspace commands against a real node', () => {
  let node: SpawnedNode;
  let io: Redis;

  beforeAll(async () => {
    // DEBUG SET-ACTIVE-EXPIRE below: DEBUG is off by default, as in Redis 7.
    node = await spawnNode({ args: ['--enable-debug-command', 'yes'] });
    io = await connectIoredis(node.port);
  });
  afterAll(async () => {
    closeAll();
    await node?.stop();
  });
  beforeEach(async () => {
    await io.flushall();
  });

  it('DEL, UNLINK, EXISTS, TOUCH, TYPE', async () => {
    await io.mset('a', '1', 'b', '2', 'c', '3');
    expect(await io.exists('a', 'a', 'nokey')).toBe(2);
    expect(await io.touch('a', 'b', 'nokey')).toBe(2);
    expect(await io.type('a')).toBe('string');
    expect(await io.type('nokey')).toBe('none');
    expect(await io.del('a', 'nokey')).toBe(1);
    expect(await io.unlink('b', 'c', 'b')).toBe(2);
    expect(await io.dbsize()).toBe(0);
    await expect(io.call('del')).rejects.toThrow("ERR wrong number of arguments for 'del' command");
  });

  it('TYPE is a status reply on the wire', async () => {
    await io.set('s', 'v');
    const out = await redisCli(node.port, ['--no-raw', 'TYPE', 's']);
    expect(out.stdout.trim()).toBe('string'); // a bulk reply would print quoted: "string"
    const bulk = await redisCli(node.port, ['--no-raw', 'GET', 's']);
    expect(bulk.stdout.trim()).toBe('"v"');
  });

  it('KEYS with glob patterns, binary keys included', async () => {
    await io.mset('user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'hello', 'd', 'hallo', 'e');
    await io.set(Buffer.from([0xff, 0x00, 0x41]), 'bin');
    expect((await io.keys('user:?')).sort()).toEqual(['user:1', 'user:2']);
    expect((await io.keys('h[ae]llo')).sort()).toEqual(['hallo', 'hello']);
    expect(await io.keys('nothing*')).toEqual([]);
    // A Buffer pattern: ioredis would send a JS string as UTF-8.
    const bin = (await io.callBuffer('keys', Buffer.from([0xff, 0x2a]))) as Buffer[];
    expect(bin.map((b) => [...b])).toEqual([[0xff, 0x00, 0x41]]);
    expect((await io.keys('*')).length).toBe(6);
  });

  it('KEYS survives the catastrophic pattern', async () => {
    await io.set('a'.repeat(10_000), 'v');
    expect(await io.keys('a*a*a*a*a*a*a*a*a*a*a*a*a*a*b')).toEqual([]);
  });

  it('SCAN: full iteration with MATCH / COUNT / TYPE through ioredis scanStream', async () => {
    const pipe = io.pipeline();
    for (let i = 0; i < 1000; i++) pipe.set(`item:${i}`, String(i));
    for (let i = 0; i < 50; i++) pipe.set(`other:${i}`, 'x');
    await pipe.exec();
    const collect = (opts: { match?: string; count?: number; type?: string }): Promise<string[]> =>
      new Promise((resolve, reject) => {
        const keys: string[] = [];
        const s = io.scanStream(opts);
        s.on('data', (batch: string[]) => keys.push(...batch));
        s.on('end', () => resolve(keys));
        s.on('error', reject);
      });
    const all = await collect({ count: 37 });
    expect(all).toHaveLength(1050);
    expect(new Set(all).size).toBe(1050);
    const items = await collect({ match: 'item:1*', count: 100 });
    expect(items.sort()).toEqual(Array.from({ length: 1000 }, (_, i) => `item:${i}`).filter((k) => k.startsWith('item:1')).sort());
    expect(await collect({ type: 'string', match: 'other:*' })).toHaveLength(50);
    expect(await collect({ type: 'hash' })).toEqual([]);
  });

  it('SCAN: full iteration with MATCH / COUNT / TYPE through node-redis scanIterator', async () => {
    const pipe = io.pipeline();
    for (let i = 0; i < 500; i++) pipe.set(`nr:${i}`, 'v');
    for (let i = 0; i < 20; i++) pipe.set(`skip:${i}`, 'v');
    await pipe.exec();
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1' } });
    await c.connect();
    try {
      const seen: string[] = [];
      for await (const batch of c.scanIterator({ MATCH: 'nr:*', COUNT: 25, TYPE: 'string' })) seen.push(...batch);
      expect(seen).toHaveLength(500);
      expect(new Set(seen).size).toBe(500);
      const none: string[] = [];
      for await (const batch of c.scanIterator({ TYPE: 'zset' })) none.push(...batch);
      expect(none).toEqual([]);
      // Raw reply shape: [cursor as a bulk string, keys].
      const raw = (await c.sendCommand(['SCAN', '0', 'COUNT', '5'])) as unknown as [string, string[]];
      expect(typeof raw[0]).toBe('string');
      expect(raw[1]).toHaveLength(5);
    } finally {
      await c.quit();
    }
  });

  it('SCAN errors use Redis wording', async () => {
    await expect(io.call('scan', 'abc')).rejects.toThrow('ERR invalid cursor');
    await expect(io.call('scan', '0', 'COUNT', '0')).rejects.toThrow('ERR syntax error');
    await expect(io.call('scan', '0', 'MATCH')).rejects.toThrow('ERR syntax error');
    await expect(io.call('scan', '0', 'COUNT', 'x')).rejects.toThrow('ERR value is not an integer or out of range');
  });

  it('redis-cli --scan --pattern', async () => {
    const pipe = io.pipeline();
    for (let i = 0; i < 300; i++) pipe.set(`cli:${i}`, 'v');
    pipe.set('notme', 'v');
    await pipe.exec();
    const out = await redisCli(node.port, ['--scan', '--pattern', 'cli:*']);
    expect(out.code).toBe(0);
    const lines = out.stdout.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(300);
    expect(new Set(lines).size).toBe(300);
    const narrow = await redisCli(node.port, ['--scan', '--pattern', 'cli:1?']);
    expect(narrow.stdout.split('\n').filter((l) => l !== '').sort()).toEqual(Array.from({ length: 10 }, (_, i) => `cli:1${i}`).sort());
  });

  it('RANDOMKEY and DBSIZE', async () => {
    expect(await io.randomkey()).toBeNull();
    await io.mset('x', '1', 'y', '2');
    expect(['x', 'y']).toContain(await io.randomkey());
    expect(await io.dbsize()).toBe(2);
  });

  it('RENAME and RENAMENX', async () => {
    await io.set('a', 'v', 'EX', 100);
    expect(await io.rename('a', 'b')).toBe('OK');
    expect(await io.get('b')).toBe('v');
    expect(await io.ttl('b')).toBeGreaterThan(90);
    await expect(io.rename('nokey', 'x')).rejects.toThrow('ERR no such key');
    expect(await io.rename('b', 'b')).toBe('OK');
    expect(await io.renamenx('b', 'b')).toBe(0);
    await io.set('c', 'other');
    expect(await io.renamenx('b', 'c')).toBe(0);
    expect(await io.renamenx('b', 'd')).toBe(1);
    expect(await io.rename('d', 'c')).toBe('OK');
    expect(await io.get('c')).toBe('v');
  });

  it('MOVE, COPY, SELECT and SWAPDB across databases', async () => {
    const db3 = await connectIoredis(node.port, { db: 3 });
    await io.set('m', 'v', 'PX', 100_000);
    expect(await io.move('m', 3)).toBe(1);
    expect(await io.exists('m')).toBe(0);
    expect(await db3.get('m')).toBe('v');
    expect(await db3.pttl('m')).toBeGreaterThan(90_000);
    expect(await io.move('nokey', 3)).toBe(0);
    await io.set('m', 'again');
    expect(await io.move('m', 3)).toBe(0);
    await expect(io.move('m', 0)).rejects.toThrow('ERR source and destination objects are the same');
    await expect(io.move('m', 16)).rejects.toThrow('ERR DB index is out of range');

    expect(await io.copy('m', 'm2')).toBe(1);
    expect(await io.copy('m', 'm2')).toBe(0);
    expect(await io.call('copy', 'm', 'm2', 'REPLACE')).toBe(1);
    expect(await io.call('copy', 'm', 'm', 'DB', '5')).toBe(1);
    await expect(io.call('copy', 'm', 'm')).rejects.toThrow('ERR source and destination objects are the same');
    await expect(io.call('copy', 'm', 'x', 'DB')).rejects.toThrow('ERR syntax error');

    const sel = await connectIoredis(node.port);
    expect(await sel.select(5)).toBe('OK');
    expect(await sel.get('m')).toBe('again');
    await expect(sel.select(16)).rejects.toThrow('ERR DB index is out of range');
    await expect(sel.call('select', 'x')).rejects.toThrow('ERR value is not an integer or out of range');

    expect(await io.swapdb(0, 5)).toBe('OK');
    expect(await io.exists('m2')).toBe(0);
    expect(await io.get('m')).toBe('again');
    expect(await sel.get('m2')).toBe('again');
    await expect(io.swapdb(0, 99)).rejects.toThrow('ERR DB index is out of range');
    await expect(io.call('swapdb', 'a', '1')).rejects.toThrow('ERR invalid first DB index');
  });

  it('EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT with NX XX GT LT, TTL family, PERSIST', async () => {
    await io.set('k', 'v');
    expect(await io.ttl('k')).toBe(-1);
    expect(await io.ttl('nokey')).toBe(-2);
    expect(await io.expire('k', 100, 'XX')).toBe(0);
    expect(await io.expire('k', 100, 'NX')).toBe(1);
    expect(await io.expire('k', 50, 'GT')).toBe(0);
    expect(await io.expire('k', 200, 'GT')).toBe(1);
    expect(await io.pexpire('k', 150_000, 'LT')).toBe(1);
    const pttl = await io.pttl('k');
    expect(pttl).toBeGreaterThan(140_000);
    expect(pttl).toBeLessThanOrEqual(150_000);
    expect(await io.expireat('k', 4_000_000_000)).toBe(1);
    expect(await io.expiretime('k')).toBe(4_000_000_000);
    expect(await io.pexpireat('k', 4_000_000_000_123)).toBe(1);
    expect(await io.pexpiretime('k')).toBe(4_000_000_000_123);
    expect(await io.persist('k')).toBe(1);
    expect(await io.persist('k')).toBe(0);
    expect(await io.expiretime('k')).toBe(-1);
    await expect(io.call('expire', 'k', '10', 'NX', 'XX')).rejects.toThrow('ERR NX and XX, GT or LT options at the same time are not compatible');
    await expect(io.call('expire', 'k', '10', 'GT', 'LT')).rejects.toThrow('ERR GT and LT options at the same time are not compatible');
    await expect(io.call('expire', 'k', '10', 'FOO')).rejects.toThrow('ERR Unsupported option FOO');
    await expect(io.call('expire', 'k', '9223372036854775807')).rejects.toThrow("ERR invalid expire time in 'expire' command");
    await expect(io.call('pexpire', 'k', 'abc')).rejects.toThrow('ERR value is not an integer or out of range');
    // A time in the past deletes the key.
    expect(await io.expire('k', -1)).toBe(1);
    expect(await io.exists('k')).toBe(0);
    await io.set('k2', 'v');
    expect(await io.pexpireat('k2', 1)).toBe(1);
    expect(await io.exists('k2')).toBe(0);
  });

  it('a short TTL expires the key on access', async () => {
    await io.set('short', 'v', 'PX', 30);
    await waitUntil(async () => (await io.get('short')) === null, 5000, 'short key to expire');
    expect(await io.exists('short')).toBe(0);
  });

  it('the active expiry cycle reclaims 1000 keys that nobody accesses', async () => {
    // The cycle is paused while loading so the count below cannot race the 50 ms TTLs.
    await io.call('debug', 'set-active-expire', '0');
    const pipe = io.pipeline();
    for (let i = 0; i < 1000; i++) pipe.set(`vol:${i}`, 'v', 'PX', 50);
    pipe.set('stays', 'v');
    await pipe.exec();
    expect(await io.dbsize()).toBe(1001);
    await io.call('debug', 'set-active-expire', '1');
    // DBSIZE and INFO never touch individual keys: only the background cycle can shrink them.
    await waitUntil(async () => (await io.dbsize()) === 1, 10_000, 'active expiry to reclaim the volatile keys');
    const info = await io.info('keyspace');
    expect(info).toMatch(/^db0:keys=1,expires=0,/m);
    const stats = await io.info('stats');
    expect(Number(/expired_keys:(\d+)/.exec(stats)?.[1] ?? -1)).toBeGreaterThanOrEqual(1000);
  });

  it('OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP', async () => {
    await io.set('i', '123');
    await io.set('e', 'short');
    await io.set('r', 'x'.repeat(45));
    expect(await io.object('ENCODING', 'i')).toBe('int');
    expect(await io.object('ENCODING', 'e')).toBe('embstr');
    expect(await io.object('ENCODING', 'r')).toBe('raw');
    expect(await io.object('ENCODING', 'nokey')).toBeNull();
    expect(await io.object('REFCOUNT', 'i')).toBe(2147483647);
    expect(await io.object('REFCOUNT', 'e')).toBe(1);
    expect(await io.object('IDLETIME', 'e')).toBeGreaterThanOrEqual(0);
    await expect(io.object('FREQ', 'e')).rejects.toThrow('ERR An LFU maxmemory policy is not selected, access frequency not tracked.');
    await expect(io.call('object', 'nosuch')).rejects.toThrow("ERR unknown subcommand 'nosuch'. Try OBJECT HELP.");
    await expect(io.call('object', 'encoding')).rejects.toThrow("ERR wrong number of arguments for 'object|encoding' command");
    const help = (await io.call('object', 'help')) as string[];
    expect(help[0]).toBe('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    expect(help).toContain('REFCOUNT <key>');

    await io.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    try {
      expect(await io.object('FREQ', 'e')).toBeGreaterThanOrEqual(0);
      await expect(io.object('IDLETIME', 'e')).rejects.toThrow('ERR An LFU maxmemory policy is selected, idle time not tracked.');
    } finally {
      await io.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('FLUSHDB and FLUSHALL with ASYNC / SYNC', async () => {
    const db1 = await connectIoredis(node.port, { db: 1 });
    await io.set('a', '1');
    await db1.set('b', '2');
    expect(await io.flushdb('ASYNC')).toBe('OK');
    expect(await io.dbsize()).toBe(0);
    expect(await db1.dbsize()).toBe(1);
    await expect(io.call('flushdb', 'nope')).rejects.toThrow('ERR syntax error');
    expect(await io.flushall('SYNC')).toBe('OK');
    expect(await db1.dbsize()).toBe(0);
  });

  it('node-redis: the generic commands with its typed helpers', async () => {
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1' } });
    await c.connect();
    try {
      await c.set('nr', 'v');
      expect(await c.exists(['nr', 'nope'])).toBe(1);
      expect(await c.type('nr')).toBe('string');
      expect(await c.expire('nr', 100, 'NX')).toBe(1);
      expect(await c.ttl('nr')).toBeGreaterThan(90);
      expect(await c.copy('nr', 'nr2', { DB: 2 })).toBe(1);
      expect(await c.rename('nr', 'nr3')).toBe('OK');
      expect(await c.persist('nr3')).toBe(1);
      expect(await c.objectEncoding('nr3')).toBe('embstr');
      expect(await c.del(['nr3'])).toBe(1);
      expect(await c.dbSize()).toBe(0);
    } finally {
      await c.quit();
    }
  });
});
