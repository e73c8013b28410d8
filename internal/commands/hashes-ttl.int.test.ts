// Hash-field expiration on a spawned node over ioredis: lazy and active expiry, the hash going with its last field, notifications, and deadlines across an AOF restart.
import { rmSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

// redis-server 7.0.15 (the one on this machine) has none of these commands, so the expectations
// are Redis 7.4/8's documented replies rather than a side-by-side run.
const nodes: SpawnedNode[] = [];
afterEach(() => closeAll());
afterAll(async () => {
  for (const n of nodes) await n.stop();
});

async function start(args: string[] = [], reuse?: SpawnedNode, keepDir = false): Promise<SpawnedNode> {
  const n = await spawnNode({
    args: ['--enable-debug-command', 'yes', ...args],
    keepDir,
    ...(reuse ? { port: reuse.port, httpPort: reuse.httpPort, dir: reuse.dir, id: reuse.id } : {}),
  });
  nodes.push(n);
  return n;
}

async function subscriber(port: number, pattern: string): Promise<string[]> {
  const sub = openIoredis(port, { protocol: 2 });
  const got: string[] = [];
  sub.on('pmessage', (_p: string, channel: string, message: string) => got.push(`${channel.replace(/^__keyevent@\d+__:/, '')} ${message}`));
  await sub.psubscribe(pattern);
  return got;
}

describe('hash-field expiration (spawned node)', () => {
  it('lazy expiry: with the active cycle off, a field past its deadline reads as gone and is reclaimed when touched', async () => {
    const node = await start();
    const c: Redis = openIoredis(node.port);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.hset('h', 'a', '1', 'b', '2');
    expect(await c.call('HPEXPIRE', 'h', '50', 'FIELDS', '2', 'a', 'nope')).toEqual([1, -2]);
    await waitUntil(async () => JSON.stringify(await c.call('HPTTL', 'h', 'FIELDS', '1', 'a')) === '[-2]', 5000, 'the deadline to pass');
    // Not reclaimed yet: HLEN still counts it (as Redis's does), HGETALL skips it.
    expect(await c.hlen('h')).toBe(2);
    expect(await c.hgetall('h')).toEqual({ b: '2' });
    expect(await c.hget('h', 'a')).toBe(null);
    expect(await c.hlen('h')).toBe(1);
    await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  });

  it('active expiry deletes fields nobody reads, then the hash with its last field; `hexpired` and `del` are published', async () => {
    const node = await start();
    const c: Redis = openIoredis(node.port);
    await c.config('SET', 'notify-keyspace-events', 'KEA');
    const got = await subscriber(node.port, '__keyevent@0__:*');
    await c.hset('session', 'token', 't', 'user', 'u');
    await c.call('HPEXPIRE', 'session', '100', 'FIELDS', '1', 'token');
    await c.call('HPEXPIRE', 'session', '300', 'FIELDS', '1', 'user');
    // Only HLEN (which reclaims nothing) is asked: the fields go by the background cycle alone.
    await waitUntil(async () => (await c.hlen('session')) === 1, 5000, 'the first field to expire actively');
    await waitUntil(async () => (await c.exists('session')) === 0, 5000, 'the hash to go with its last field');
    await waitUntil(() => got.filter((g) => g === 'hexpired session').length === 2 && got.includes('del session'), 5000, 'the events');
    expect(got.filter((g) => g.endsWith(' session'))).toEqual(['hset session', 'hexpire session', 'hexpire session', 'hexpired session', 'hexpired session', 'del session']);
  });

  it('HSETEX, HGETEX, HGETDEL and HPERSIST over the wire', async () => {
    const node = await start();
    const c: Redis = openIoredis(node.port);
    expect(await c.call('HSETEX', 'k', 'FNX', 'EX', '100', 'FIELDS', '2', 'a', '1', 'b', '2')).toBe(1);
    expect(await c.call('HTTL', 'k', 'FIELDS', '3', 'a', 'b', 'c')).toEqual([100, 100, -2]);
    expect(await c.call('HPERSIST', 'k', 'FIELDS', '2', 'a', 'c')).toEqual([1, -2]);
    expect(await c.call('HGETEX', 'k', 'PX', '5000', 'FIELDS', '2', 'a', 'c')).toEqual(['1', null]);
    expect(await c.call('HGETDEL', 'k', 'FIELDS', '2', 'a', 'b')).toEqual(['1', '2']);
    expect(await c.exists('k')).toBe(0);
    await expect(c.call('HEXPIRE', 'k', '10', 'FIELDS', '0', 'a')).rejects.toThrow('Parameter `numFields` should be greater than 0');
  });

  it('field deadlines survive a restart with the AOF on, journaled as absolute times; past ones stay gone', async () => {
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const first = await start(args, undefined, true);
    const c: Redis = openIoredis(first.port);
    await c.hset('h', 'long', '1', 'short', '2', 'plain', '3');
    await c.call('HEXPIRE', 'h', '1000', 'FIELDS', '1', 'long');
    await c.call('HPEXPIRE', 'h', '100', 'FIELDS', '1', 'short');
    const deadline = (await c.call('HPEXPIRETIME', 'h', 'FIELDS', '1', 'long')) as number[];
    await waitUntil(async () => (await c.hlen('h')) === 2, 5000, 'the short field to expire');
    c.disconnect();
    await first.stop();
    const second = await start(args, first, true);
    const d: Redis = openIoredis(second.port);
    expect(await d.hgetall('h')).toEqual({ long: '1', plain: '3' });
    expect(await d.call('HPEXPIRETIME', 'h', 'FIELDS', '3', 'long', 'plain', 'short')).toEqual([deadline[0], -1, -2]);
    d.disconnect();
    await second.stop();
    rmSync(second.dir, { recursive: true, force: true });
  });
});
