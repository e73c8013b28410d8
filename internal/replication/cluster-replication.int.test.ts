// Cluster replication on three spawned nodes (fast gossip): replicas hold copies, kill -9 of an owner loses no acknowledged write in sync mode, restart, deletes, READONLY reads.
import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { respCommand, startCluster, waitUntil, type SpawnedCluster } from '../testing/harness.js';
import { keyHashSlot } from '../ring/slot.js';
import { parseExposition, sampleValue } from '../testing/prom.js';

let cluster: SpawnedCluster | null = null;

afterEach(async () => {
  closeAll();
  await cluster?.stop();
  cluster = null;
});

const keysOf = async (port: number): Promise<number> => Number(/keys=(\d+)/.exec(await respCommand(port, ['INFO', 'keyspace']))?.[1] ?? 0);

/** CLUSTER SLOTS' owner port of every slot, from one node's answer. */
async function ownerPorts(port: number): Promise<Map<number, number>> {
  const r = openIoredis(port);
  try {
    const slots = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const out = new Map<number, number>();
    for (const [a, b, [, p]] of slots) for (let s = a; s <= b; s++) out.set(s, p);
    return out;
  } finally {
    r.disconnect();
  }
}

/**
 * Writes unique keys through `port` until stopped, recording every key answered OK, and for keys
 * of `watchPorts`' slots the first OK after `since()` is set.
 */
function writer(port: number, prefix: string) {
  const r = openIoredis(port, { maxRetriesPerRequest: 0, enableOfflineQueue: true });
  const acked: string[] = [];
  let failures = 0;
  let running = true;
  const okAt: { key: string; at: number }[] = [];
  const done = (async () => {
    for (let i = 0; running; i++) {
      const key = `${prefix}:${i}`;
      try {
        if ((await r.set(key, key)) === 'OK') {
          acked.push(key);
          okAt.push({ key, at: performance.now() });
        }
      } catch {
        failures++;
        await new Promise((res) => setTimeout(res, 5));
      }
    }
  })();
  return {
    acked,
    okAt,
    failures: () => failures,
    stop: async () => {
      running = false;
      await done;
      r.disconnect();
    },
  };
}

async function missing(port: number, keys: readonly string[]): Promise<string[]> {
  const r = openIoredis(port);
  try {
    const out: string[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const p = r.pipeline();
      for (const k of chunk) p.get(k);
      const res = (await p.exec()) ?? [];
      res.forEach(([e, v], j) => {
        if (e !== null || v !== chunk[j]) out.push(chunk[j] as string);
      });
    }
    return out;
  } finally {
    r.disconnect();
  }
}

/** Kills the owner of most slots but node 0's, while writing through node 0; returns loss and time to writable. */
async function failover(c: SpawnedCluster, prefix: string): Promise<{ lost: string[]; writableMs: number; acked: number; keys: string[] }> {
  const n0 = c.nodes[0]!;
  const victim = c.nodes[2]!;
  const owners = await ownerPorts(n0.port);
  const w = writer(n0.port, prefix);
  await waitUntil(() => w.acked.length > 300, 30_000, 'writes before the kill');
  // Counted from the process's exit: a write the victim answered just before dying is not "writable again".
  await victim.kill();
  const t0 = performance.now();
  // Writable again: a key of the victim's slots written after the kill is acknowledged.
  const victimKey = (k: string): boolean => owners.get(keyHashSlot(k)) === victim.port;
  await waitUntil(() => w.okAt.some((x) => x.at > t0 && victimKey(x.key)), 30_000, 'a write to the dead owner\'s slots');
  const first = w.okAt.find((x) => x.at > t0 && victimKey(x.key));
  await waitUntil(() => w.acked.length > (first ? w.okAt.indexOf(first) : 0) + 300, 30_000, 'writes after failover');
  await w.stop();
  const lost = await missing(n0.port, w.acked);
  return { lost, writableMs: Math.round((first?.at ?? t0) - t0), acked: w.acked.length, keys: w.acked };
}

describe('cluster replication (3 nodes, cluster.replicas 1)', () => {
  it('keeps a copy of every key on the slot owner\'s successor', async () => {
    cluster = await startCluster(3);
    const r = openIoredis(cluster.nodes[0]!.port);
    const p = r.pipeline();
    for (let i = 0; i < 3000; i++) p.set(`c:${i}`, `${i}`);
    expect(((await p.exec()) ?? []).filter(([e]) => e !== null)).toEqual([]);
    const ports = cluster.nodes.map((n) => n.port);
    // Owner + one replica: 6,000 copies over the three nodes.
    await waitUntil(async () => (await Promise.all(ports.map(keysOf))).reduce((a, b) => a + b, 0) === 6000, 30_000, '6000 copies');
    const info = await respCommand(ports[0]!, ['INFO', 'cluster']);
    expect(info).toMatch(/cluster_replica0:peer=node\d,.*in_sync=1/);
    // /metrics: each of node1's two replica streams caught up, nothing unacknowledged.
    const samples = parseExposition(await (await fetch(`http://127.0.0.1:${cluster.nodes[0]!.httpPort}/metrics`)).text());
    for (const peer of ['node2', 'node3']) {
      expect(sampleValue(samples, 'ringcache_cluster_replica_in_sync', { peer })).toBe(1);
      expect(sampleValue(samples, 'ringcache_cluster_replica_lag_bytes', { peer })).toBe(0);
    }
  }, 120_000);

  it('sync mode: kill -9 of an owner loses no acknowledged write; restart brings every key back and deletes stay deleted', async () => {
    cluster = await startCluster(3, { args: ['--replication-mode', 'sync', '--appendonly', 'yes'] });
    const n0 = cluster.nodes[0]!;
    // Keys deleted before the kill must stay deleted after the restart.
    const r = openIoredis(n0.port);
    const p = r.pipeline();
    for (let i = 0; i < 500; i++) p.set(`d:${i}`, 'x');
    await p.exec();
    const t = performance.now();
    const res = await failover(cluster, 's');
    console.log(`sync failover: ${res.acked} acknowledged, ${res.lost.length} lost, writable after ${res.writableMs} ms (kill at ${Math.round(t)})`);
    expect(res.lost).toEqual([]);
    expect(res.writableMs).toBeLessThan(6000);
    const d = r.pipeline();
    for (let i = 0; i < 500; i++) d.del(`d:${i}`);
    await d.exec();
    await cluster.restart(2);
    await cluster.converged(30_000);
    // Every copy re-established: the restarted node serves its slots again with the interim writes.
    await waitUntil(async () => (await missing(n0.port, Array.from({ length: 200 }, (_, i) => `s:${i}`))).length === 0, 30_000, 'keys after restart');
    const gone = await waitUntil(async () => {
      const g = r.pipeline();
      for (let i = 0; i < 500; i++) g.exists(`d:${i}`);
      const out = (await g.exec()) ?? [];
      return out.every(([, v]) => v === 0) ? out : null;
    }, 30_000, 'deleted keys stay deleted');
    expect(gone?.length).toBe(500);
    // Every node answers every key. Since the slot migration of 15a285c a node reading through the
    // restarted owner may see nil for ~1 s while that owner's copies are still arriving (measured
    // 0.98 s; none missing after): a read-availability gap of issue 18, not a loss. Polled, bounded.
    for (const node of cluster.nodes) {
      let left: string[] = [];
      await waitUntil(async () => (left = await missing(node.port, res.keys.slice(0, 2000))).length === 0, 10_000, 'every key through every node').catch(() => undefined);
      expect(left).toEqual([]);
    }
    r.disconnect();
  }, 180_000);

  it('async mode: measures the loss window of a kill -9', async () => {
    cluster = await startCluster(3);
    const res = await failover(cluster, 'a');
    console.log(`async failover: ${res.acked} acknowledged, ${res.lost.length} lost, writable after ${res.writableMs} ms`);
    // Async: a few writes in flight to the replica may be lost, never more than a small window.
    expect(res.lost.length).toBeLessThan(200);
    expect(res.writableMs).toBeLessThan(6000);
  }, 120_000);

  it('ioredis Cluster scaleReads slave reads from replicas (READONLY)', async () => {
    // Every node owns slots, so ioredis treats each as a master and never sends READONLY.
    cluster = await startCluster(3, { args: ['--cluster-mode', 'redirect', '--cluster-replica-reads', 'always'] });
    const io = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { scaleReads: 'slave', redisOptions: { maxRetriesPerRequest: 2 } });
    try {
      const sets = await Promise.all(Array.from({ length: 300 }, (_, i) => io.set(`r:${i}`, `${i}`)));
      expect(sets.every((s) => s === 'OK')).toBe(true);
      const ports = cluster.nodes.map((n) => n.port);
      await waitUntil(async () => (await Promise.all(ports.map(keysOf))).reduce((a, b) => a + b, 0) === 600, 30_000, '600 copies');
      const before = await Promise.all(ports.map((p) => respCommand(p, ['INFO', 'commandstats'])));
      const gets = await Promise.all(Array.from({ length: 300 }, (_, i) => io.get(`r:${i}`)));
      expect(gets).toEqual(Array.from({ length: 300 }, (_, i) => `${i}`));
      const after = await Promise.all(ports.map((p) => respCommand(p, ['INFO', 'commandstats'])));
      const calls = (t: string): number => Number(/cmdstat_get:calls=(\d+)/.exec(t)?.[1] ?? 0);
      const served = after.map((t, i) => calls(t) - calls(before[i] ?? ''));
      expect(served.reduce((a, b) => a + b, 0)).toBe(300);
      // Writes go to owners only: a replica refuses them with MOVED.
      const slotOwner = await ownerPorts(ports[0]!);
      const key = 'r:0';
      const replicaPort = ports.find((p) => p !== slotOwner.get(keyHashSlot(key)))!;
      const direct = openIoredis(replicaPort);
      await direct.call('READONLY');
      await expect(direct.set(key, 'x')).rejects.toThrow(/MOVED/);
    } finally {
      io.disconnect();
    }
  }, 120_000);
});
