// Bloom and Cuckoo filters on spawned nodes: ioredis calls, a restart with the AOF on (journal and rewrite), the HTTP routes over real sockets, and a filter owned by another member.
import { rmSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { spawnNode, startCluster, waitUntil, type SpawnedCluster, type SpawnedNode } from '../testing/harness.js';

// redis-server 7.0.15 on this machine has no RedisBloom module, so the expectations are
// RedisBloom 2.6's replies (read from its source) rather than a side-by-side run.
const nodes: SpawnedNode[] = [];
let cluster: SpawnedCluster | undefined;
afterEach(() => closeAll());
afterAll(async () => {
  for (const n of nodes) await n.stop();
  await cluster?.stop();
});

const AOF = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];

async function start(args: string[], reuse?: SpawnedNode): Promise<SpawnedNode> {
  const n = await spawnNode({ args, keepDir: true, ...(reuse ? { port: reuse.port, httpPort: reuse.httpPort, dir: reuse.dir, id: reuse.id } : {}) });
  nodes.push(n);
  return n;
}

async function info(c: Redis): Promise<Record<string, string>> {
  const text = (await c.call('INFO', 'persistence')) as string;
  return Object.fromEntries(text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':', 2) as [string, string]));
}

/** What a filter answers, to compare before and after a restart. */
async function snapshot(c: Redis): Promise<unknown[]> {
  const items = Array.from({ length: 300 }, (_, i) => `item-${i}`);
  return [
    await c.call('BF.INFO', 'bf'),
    await c.call('BF.MEXISTS', 'bf', ...items),
    await c.call('CF.INFO', 'cf'),
    await c.call('CF.MEXISTS', 'cf', ...items),
    await c.call('CF.COUNT', 'cf', 'dup'),
    await c.call('BF.INFO', 'late'),
    await c.call('TYPE', 'bf'),
    await c.call('TYPE', 'cf'),
  ];
}

describe('filters on a spawned node', () => {
  it('answers over ioredis and survives a restart with the AOF on, across a rewrite', async () => {
    const first = await start(AOF);
    const c = openIoredis(first.port);
    expect(await c.call('BF.RESERVE', 'bf', '0.001', '50', 'EXPANSION', '3')).toBe('OK');
    expect(await c.call('CF.RESERVE', 'cf', '64', 'BUCKETSIZE', '4', 'EXPANSION', '2')).toBe('OK');
    let added = 0;
    for (let i = 0; i < 200; i++) {
      // 0 means a false positive of the filled links (at most a few at 0.001): the item was not added.
      added += (await c.call('BF.ADD', 'bf', `item-${i}`)) as number;
      expect(await c.call('CF.ADD', 'cf', `item-${i}`)).toBe(1);
    }
    expect(added).toBeGreaterThan(195);
    expect(await c.call('CF.ADD', 'cf', 'dup')).toBe(1);
    expect(await c.call('CF.ADD', 'cf', 'dup')).toBe(1);
    expect(await c.call('CF.DEL', 'cf', 'item-7')).toBe(1);
    await expect(c.call('CF.RESERVE', 'cf', '100')).rejects.toThrow('ERR item exists');
    await expect(c.call('CF.RESERVE', 'x', '1')).rejects.toThrow('Capacity must be at least (BucketSize * 2)');
    await expect(c.call('GET', 'bf')).rejects.toThrow('WRONGTYPE');
    expect(await c.call('BF.CARD', 'bf')).toBe(added);
    // Rewrite the AOF (filters become LOADCHUNK commands), then write more on top of the new base.
    expect(await c.bgrewriteaof()).toBe('Background append only file rewriting started');
    await waitUntil(async () => (await info(c))['aof_rewrite_in_progress'] === '0', 15_000, 'the rewrite to finish');
    for (let i = 200; i < 260; i++) await c.call('BF.ADD', 'bf', `item-${i}`);
    await c.call('BF.MADD', 'late', 'a', 'b');
    await c.pexpire('late', 600_000);
    const before = await snapshot(c);
    c.disconnect();
    await first.stop();

    const second = await start(AOF, first);
    const d = openIoredis(second.port);
    expect(await snapshot(d)).toEqual(before);
    expect(await d.pttl('late')).toBeGreaterThan(500_000);
    expect(await d.call('BF.EXISTS', 'bf', 'item-259')).toBe(1);
    expect(await d.call('CF.EXISTS', 'cf', 'item-7')).toBe(0);
    // DUMP/RESTORE between keys of the same node (a module value payload).
    const payload = await d.dumpBuffer('cf');
    expect(await d.restore('cf-copy', 0, payload as Buffer)).toBe('OK');
    expect(await d.call('CF.INFO', 'cf-copy')).toEqual(await d.call('CF.INFO', 'cf'));
    d.disconnect();
    await second.stop();
    rmSync(second.dir, { recursive: true, force: true });
  });

  it('serves /api/filters over a real socket', async () => {
    const n = await start([]);
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${n.httpPort}/ready`)).status === 200, 15_000, 'the HTTP API');
    const base = `http://127.0.0.1:${n.httpPort}/api/filters`;
    const send = (method: string, path: string, payload?: unknown): Promise<Response> =>
      fetch(`${base}${path}`, { method, ...(payload === undefined ? {} : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }) });
    expect((await send('PUT', '/visitors', { type: 'cuckoo', capacity: 1000 })).status).toBe(201);
    expect(await (await send('POST', '/visitors/items', { items: ['ann', 'bob'] })).json()).toMatchObject({ type: 'cuckoo', added: [true, true], full: false });
    expect(await (await send('GET', '/visitors/items?item=ann&item=zed')).json()).toMatchObject({ items: [{ item: 'ann', exists: true }, { item: 'zed', exists: false }] });
    expect(await (await send('GET', '/visitors')).json()).toMatchObject({ info: { number_of_items_inserted: 2, bucket_size: 2 } });
    const c = openIoredis(n.port);
    expect(await c.call('CF.EXISTS', 'visitors', 'bob')).toBe(1);
    expect((await send('DELETE', '/visitors')).status).toBe(200);
    const gone = await send('GET', '/visitors');
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: { code: 'KEY_NOT_FOUND', message: 'no such filter: visitors' } });
  });

  it('forwards a filter owned by another member (RESP and HTTP)', async () => {
    // Without replicas: the non-owner must hold no copy of the filter (with cluster.replicas 1 it would).
    cluster = await startCluster(2, { args: ['--cluster-replicas', '0'] });
    const [a, b] = cluster.nodes as [SpawnedNode, SpawnedNode];
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${a.httpPort}/ready`)).status === 200, 15_000, 'the HTTP API');
    // A key node b owns, found through node a's HTTP API.
    let key = '';
    for (let i = 0; key === ''; i++) {
      const owner = (await (await fetch(`http://127.0.0.1:${a.httpPort}/api/cluster/owner/f${i}`)).json()) as { owner: { id: string } };
      if (owner.owner.id === b.id) key = `f${i}`;
    }
    const put = await fetch(`http://127.0.0.1:${a.httpPort}/api/filters/${key}`, { method: 'PUT', body: JSON.stringify({ type: 'bloom' }), headers: { 'content-type': 'application/json' } });
    expect(put.status).toBe(201);
    expect(put.headers.get('x-served-by')).toBe(b.id);
    const ca = openIoredis(a.port);
    expect(await ca.call('BF.ADD', key, 'x')).toBe(1);
    const cb = openIoredis(b.port);
    expect(await cb.call('BF.EXISTS', key, 'x')).toBe(1);
    expect(await cb.call('DBSIZE')).toBe(1);
    expect(await ca.call('DBSIZE')).toBe(0);
  });
});
