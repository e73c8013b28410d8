// Routing across an in-process 3-node cluster (test membership hub): forwarding, split/merge, CROSSSLOT, MOVED, transactions, blocking, pub/sub, SELECT, dead owners, CLUSTER formats, HTTP.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../ring/slot.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/inproc-cluster.js';
import { closeAll, openIoredis } from '../testing/clients.js';
import { waitUntil } from '../testing/harness.js';
import { clusterNodeId } from '../commands/cluster.js';

let cluster: InProcessCluster;

/** An ioredis connection to node `i` (closed in afterAll); one to a node a test stopped retries in the background, errors ignored. */
function client(i: number, opts: { db?: number } = {}): Redis {
  return openIoredis(cluster.port(i), opts);
}

/** The id of the node owning `key`, read from node 0's ring. */
function ownerOf(key: string): string {
  const parts = cluster.nodes[0]?.cluster;
  if (!parts) throw new Error('no cluster');
  return parts.state.owner(keyHashSlot(key)).id;
}

/** A key owned by node `id` (n1..n3), with an optional prefix. */
function keyOwnedBy(id: string, prefix = 'k'): string {
  for (let i = 0; i < 10_000; i++) if (ownerOf(`${prefix}${i}`) === id) return `${prefix}${i}`;
  throw new Error(`no key owned by ${id}: ring ${String(cluster.nodes[0]?.cluster?.state.ring.members)}`);
}

beforeAll(async () => {
  cluster = await startInProcessCluster(3);
});

afterAll(async () => {
  closeAll();
  await cluster?.stop();
});

describe("proxy mode", { timeout: 8000 }, () => {
  it('serves 2,000 keys written through one node from every node', async () => {
    const w = client(0);
    const p = w.pipeline();
    for (let i = 0; i < 2000; i++) p.set(`key:${i}`, `v${i}`);
    const res = await p.exec();
    expect(res?.every(([e, r]) => e === null && r === 'OK')).toBe(true);
    for (let n = 0; n < 3; n++) {
      const r = client(n);
      const q = r.pipeline();
      for (let i = 0; i < 2000; i++) q.get(`key:${i}`);
      const got = await q.exec();
      expect(got?.map(([, v]) => v)).toEqual(Array.from({ length: 2000 }, (_, i) => `v${i}`));
    }
    // Every node holds only its own share.
    const sizes = cluster.nodes.map((nd) => nd.store.db(0).size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(2000);
    expect(Math.min(...sizes)).toBeGreaterThan(400);
  });

  it('keeps reply order in a pipeline mixing local and forwarded commands', async () => {
    const c = client(1);
    const p = c.pipeline();
    for (let i = 0; i < 500; i++) {
      p.set(`ord:${i}`, String(i));
      p.get(`ord:${i}`);
      p.ping();
      p.incr(`ordn:${i % 7}`);
    }
    const res = (await p.exec()) ?? [];
    for (let i = 0; i < 500; i++) {
      expect(res[i * 4]?.[1]).toBe('OK');
      expect(res[i * 4 + 1]?.[1]).toBe(String(i));
      expect(res[i * 4 + 2]?.[1]).toBe('PONG');
    }
  });

  it('splits MGET/MSET/DEL/EXISTS/UNLINK/TOUCH across owners and merges in key order', async () => {
    const c = client(0);
    const keys = ['n1', 'n2', 'n3'].flatMap((id) => [keyOwnedBy(id, 'sm'), keyOwnedBy(id, 'sx')]);
    expect(new Set(keys.map(ownerOf)).size).toBe(3);
    expect(await c.mset(...keys.flatMap((k) => [k, `val-${k}`]))).toBe('OK');
    expect(await c.mget(...keys, 'missing-key')).toEqual([...keys.map((k) => `val-${k}`), null]);
    expect(await c.exists(...keys, keys[0] as string)).toBe(7);
    expect(await c.touch(...keys)).toBe(6);
    expect(await c.unlink(keys[0] as string, keys[1] as string)).toBe(2);
    expect(await c.del(...keys)).toBe(4);
    expect(await c.exists(...keys)).toBe(0);
  });

  it('answers CROSSSLOT for other multi-key commands across slots, as Redis Cluster does', async () => {
    const c = client(0);
    await expect(c.sunionstore('a-dest', 'a1', 'a2')).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");
    await expect(c.rename('foo', 'bar')).rejects.toThrow(/^CROSSSLOT/);
    // Same slot through a hash tag: fine, wherever it lives.
    await c.sadd('{tag}a', 'x');
    await c.sadd('{tag}b', 'y');
    expect((await c.sunion('{tag}a', '{tag}b')).sort()).toEqual(['x', 'y']);
    // Inside MULTI a cross-slot command is refused at queue time and dooms the transaction.
    const m = await c.multi().set('x1', '1').mget('a1', 'a2').exec().catch((e: Error) => e);
    expect(String(m)).toMatch(/EXECABORT/);
  });

  it('runs MULTI/EXEC on the owner of its keys, and WATCH across nodes', async () => {
    const k = `{${keyOwnedBy('n3', 'tx')}}`;
    const c = client(0);
    const res = await c.multi().set(`${k}:a`, '1').incr(`${k}:a`).get(`${k}:a`).exec();
    expect(res).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
    // A transaction spanning slots is refused at EXEC.
    await expect(c.multi().set('x{1}', '1').set('x{2}', '2').exec()).rejects.toThrow(/CROSSSLOT/);
    // WATCH on a remote key, changed by someone else: EXEC aborts (null).
    const watcher = client(0);
    const other = client(1);
    await watcher.watch(`${k}:w`);
    await other.set(`${k}:w`, 'changed');
    expect(await watcher.multi().set(`${k}:w`, 'mine').exec()).toBeNull();
    expect(await other.get(`${k}:w`)).toBe('changed');
    // Unchanged: EXEC runs.
    await watcher.watch(`${k}:w`);
    expect(await watcher.multi().set(`${k}:w`, 'mine').exec()).toEqual([[null, 'OK']]);
    expect(await other.get(`${k}:w`)).toBe('mine');
  });

  it('blocks BLPOP on a remote key without holding other clients', async () => {
    const k = keyOwnedBy('n2', 'bl');
    const blocker = client(0);
    const pending = blocker.blpop(k, 5);
    // Other clients of the same node keep being served while it waits.
    const c = client(0);
    await waitUntil(async () => (await c.ping()) === 'PONG');
    await client(2).rpush(k, 'item');
    expect(await pending).toEqual([k, 'item']);
  });

  it('delivers PUBLISH to subscribers on every node', async () => {
    const subs = [client(0), client(1), client(2)];
    const got: string[][] = [[], [], []];
    for (const [i, s] of subs.entries()) {
      await s.subscribe('news');
      s.on('message', (_ch: string, msg: string) => got[i]?.push(msg));
    }
    const pub = client(1);
    // Locally counted receivers, as Redis Cluster answers.
    expect(await pub.publish('news', 'hello')).toBe(1);
    await waitUntil(() => got.every((g) => g.includes('hello')), 5000, 'message on every node');
    expect(got.map((g) => g.length)).toEqual([1, 1, 1]);
  });

  it('keeps shard subscriptions on the client connection and delivers SPUBLISH on every node', async () => {
    const subs = [client(0), client(1), client(2)];
    const got: string[][] = [[], [], []];
    for (const [i, s] of subs.entries()) {
      await s.ssubscribe('orders');
      s.on('smessage', (_ch: string, msg: string) => got[i]?.push(msg));
    }
    await client(0).spublish('orders', 'o1');
    await waitUntil(() => got.every((g) => g.includes('o1')), 5000, 'shard message on every node');
    // The links still work (a forwarded SSUBSCRIBE would have subscribed a shared link).
    expect(await client(0).get(keyOwnedBy('n2', 'after-sub'))).toBeNull();
  });

  it('carries the selected database with forwarded commands', async () => {
    const k = keyOwnedBy('n3', 'db');
    const c = client(0, { db: 5 });
    await c.set(k, 'in-db-5');
    expect(await c.get(k)).toBe('in-db-5');
    expect(await client(2).get(k)).toBeNull();
    expect(cluster.nodes[2]?.store.db(5).size).toBeGreaterThan(0);
    expect(await client(2, { db: 5 }).get(k)).toBe('in-db-5');
  });

  it('answers CLUSTER SLOTS / NODES / INFO / MYID / KEYSLOT in Redis formats', async () => {
    const c = client(0);
    const slots = (await c.cluster('SLOTS')) as [number, number, [string, number, string, unknown]][];
    let covered = 0;
    for (const [start, end, [host, port, id]] of slots) {
      covered += end - start + 1;
      expect(host).toBe('127.0.0.1');
      expect([cluster.port(0), cluster.port(1), cluster.port(2)]).toContain(port);
      expect(id).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(covered).toBe(16384);
    const nodes = String(await c.cluster('NODES')).trim().split('\n');
    expect(nodes).toHaveLength(3);
    expect(nodes.filter((l) => l.includes('myself'))).toHaveLength(1);
    expect(nodes.find((l) => l.includes('myself'))).toMatch(new RegExp(`^${clusterNodeId('n1')} 127\\.0\\.0\\.1:${cluster.port(0)}@\\d+,n1 myself,master - 0 0 \\d+ connected \\d`));
    const info = String(await c.cluster('INFO'));
    expect(info).toMatch(/cluster_state:ok\r\n/);
    expect(info).toMatch(/cluster_known_nodes:3\r\n/);
    expect(info).toMatch(/cluster_slots_assigned:16384\r\n/);
    expect(await c.cluster('MYID')).toBe(clusterNodeId('n1'));
    expect(await c.cluster('KEYSLOT', 'foo')).toBe(12182);
    expect(await c.info('cluster')).toMatch(/# Cluster\r\ncluster_enabled:1/);
    expect(await c.call('READONLY')).toBe('OK');
    expect(await c.call('ASKING')).toBe('OK');
    const k = keyOwnedBy('n1', 'cnt');
    await c.set(k, '1');
    expect(await c.cluster('COUNTKEYSINSLOT', keyHashSlot(k))).toBeGreaterThanOrEqual(1);
    expect(await c.cluster('GETKEYSINSLOT', keyHashSlot(k), 100)).toContain(k);
    await expect(c.cluster('COUNTKEYSINSLOT', 99999)).rejects.toThrow('ERR Invalid slot');
  });

  it('forwards HTTP cache requests to the owner and names it in X-Served-By', async () => {
    const k = keyOwnedBy('n2', 'http');
    const base = `http://127.0.0.1:${cluster.addresses[0]?.http?.port}`;
    const put = await fetch(`${base}/api/cache/${k}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: 'over-http' }) });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-served-by')).toBe('n2');
    expect(await client(1).get(k)).toBe('over-http');
    const get = await fetch(`${base}/api/cache/${k}`);
    expect(get.headers.get('x-served-by')).toBe('n2');
    expect(((await get.json()) as { value: string }).value).toBe('over-http');
    const owner = (await (await fetch(`${base}/api/cluster/owner/${k}`)).json()) as { owner: { id: string } };
    expect(owner.owner.id).toBe('n2');
    const members = (await (await fetch(`${base}/api/cluster/members`)).json()) as { members: unknown[] };
    expect(members.members).toHaveLength(3);
  });
});

describe('redirect mode', () => {
  it('answers -MOVED slot host:port for keys owned elsewhere (CONFIG SET cluster-mode)', async () => {
    const c = client(0);
    await c.config('SET', 'cluster-mode', 'redirect');
    try {
      const k = keyOwnedBy('n2', 'mv');
      const slot = keyHashSlot(k);
      await expect(c.get(k)).rejects.toThrow(`MOVED ${slot} 127.0.0.1:${cluster.port(1)}`);
      const mine = keyOwnedBy('n1', 'mv');
      expect(await c.set(mine, 'here')).toBe('OK');
      await expect(c.mget(mine, k)).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await c.config('SET', 'cluster-mode', 'proxy');
    }
  });
});

describe('a member that fails', () => {
  it('answers TRYAGAIN for its keys while suspect, then its slots move to the survivors', async () => {
    const k = keyOwnedBy('n3', 'dead');
    const c = client(0);
    await c.set(k, 'before');
    const n3 = cluster.nodes[2];
    // Kill the owner's listener without telling membership (as a crash looks before detection).
    await n3?.stop();
    cluster.hub.setState('n3', 'suspect');
    await expect(c.get(k)).rejects.toThrow(/^TRYAGAIN owner n3/);
    cluster.hub.setState('n3', 'dead');
    // The ring drops n3: its keys are now served by a survivor. n3 was stopped gracefully, so it
    // handed its key off before closing (after a crash the key would be gone: cluster.int.test.ts).
    expect(ownerOf(k)).not.toBe('n3');
    expect(await c.get(k)).toBe('before');
    expect(await c.set(k, 'after')).toBe('OK');
    expect(await client(1).get(k)).toBe('after');
    const info = String(await c.cluster('INFO'));
    expect(info).toMatch(/cluster_known_nodes:2\r\n/);
  });
});

describe('with requirepass', () => {
  it('authenticates the forwarding links and forwards for authenticated clients only', async () => {
    const secured = await startInProcessCluster(2, { requirepass: 'pw' });
    const c = openIoredis(secured.port(0), { password: 'pw' });
    const anon = openIoredis(secured.port(0));
    try {
      const parts = secured.nodes[0]?.cluster;
      let remote = '';
      for (let i = 0; remote === ''; i++) if (parts?.state.owner(keyHashSlot(`pw${i}`)).id === 'n2') remote = `pw${i}`;
      expect(await c.set(remote, 'v')).toBe('OK');
      expect(await c.get(remote)).toBe('v');
      expect(secured.nodes[1]?.store.db(0).size).toBe(1);
      await expect(anon.get(remote)).rejects.toThrow(/NOAUTH/);
    } finally {
      c.disconnect();
      anon.disconnect();
      await secured.stop();
    }
  });
});
