// WAIT and sync-mode write failures of cluster replication on three spawned nodes: WAIT counts acknowledging replica streams; a stopped replica turns a sync write into -NOREPLICAS, the connection stays.
import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { respCommand, startCluster, waitUntil, type SpawnedCluster } from '../testing/harness.js';
import { keyHashSlot } from '../ring/slot.js';

let cluster: SpawnedCluster | null = null;

afterEach(async () => {
  closeAll();
  await cluster?.stop();
  cluster = null;
});

type SlotRow = [number, number, ...[string, number, string?][]];

/**
 * A key owned by the node on `port` whose first replica is another node (or, with `elsewhere`, a key
 * neither owned nor replicated by it): the key and that replica's port.
 */
async function ownedKeyWithReplica(port: number, elsewhere = false): Promise<{ key: string; replicaPort: number }> {
  const r = openIoredis(port);
  try {
    const rows = (await r.call('CLUSTER', 'SLOTS')) as SlotRow[];
    const owner = (x: SlotRow): number => (x[2] as [string, number])[1];
    const replica = (x: SlotRow): number => (x[3] as [string, number])[1];
    const row = rows.find((x) => x.length > 3 && (elsewhere ? owner(x) !== port && replica(x) !== port : owner(x) === port));
    if (row === undefined) throw new Error('no range owned here with a replica');
    for (let i = 0; ; i++) {
      const slot = keyHashSlot(`w:${i}`);
      if (slot >= row[0] && slot <= row[1]) return { key: `w:${i}`, replicaPort: (row[3] as [string, number])[1] };
    }
  } finally {
    r.disconnect();
  }
}

/** Keys owned by the node on `port`, one per replica member: replica port -> key. */
async function ownedKeysByReplica(port: number): Promise<Map<number, string>> {
  const r = openIoredis(port);
  try {
    const rows = (await r.call('CLUSTER', 'SLOTS')) as SlotRow[];
    const out = new Map<number, string>();
    for (const row of rows) {
      if (row.length < 4 || (row[2] as [string, number])[1] !== port) continue;
      const replica = (row[3] as [string, number])[1];
      if (out.has(replica)) continue;
      for (let i = 0; ; i++) {
        const slot = keyHashSlot(`m:${i}`);
        if (slot >= row[0] && slot <= row[1]) {
          out.set(replica, `m:${i}`);
          break;
        }
      }
    }
    return out;
  } finally {
    r.disconnect();
  }
}

describe('cluster replication: WAIT and sync-mode timeouts', () => {
  it('WAIT counts the replicas of the client\'s own writes: another client\'s acknowledged write does not make it 1', async () => {
    cluster = await startCluster(3);
    const port = cluster.nodes[0]!.port;
    const byReplica = await ownedKeysByReplica(port);
    // node1 streams to both other nodes (3 members, 1 replica): a key replicated by each.
    expect(byReplica.size).toBe(2);
    const [[frozenPort, mine], [otherPort, theirs]] = [...byReplica] as [[number, string], [number, string]];
    const frozen = cluster.nodes.find((n) => n.port === frozenPort)!;
    expect(otherPort).not.toBe(frozenPort);
    const a = openIoredis(port);
    const b = openIoredis(port);
    expect(await a.set(mine, '0')).toBe('OK');
    expect(await b.set(theirs, '0')).toBe('OK');
    // Both streams caught up: each client's write is acknowledged by its one replica.
    await waitUntil(async () => Number(await a.call('WAIT', '1', '200')) === 1 && Number(await b.call('WAIT', '1', '200')) === 1, 20_000, 'both writes acknowledged');
    // A client that wrote nothing here: every stream counts at once (as Redis answers with its replicas).
    const c = openIoredis(port);
    expect(Number(await c.call('WAIT', '2', '0'))).toBe(2);
    process.kill(frozen.proc.pid!, 'SIGSTOP');
    try {
      expect(await a.set(mine, '1')).toBe('OK');
      expect(await b.set(theirs, '1')).toBe('OK');
      // b's replica acknowledges b's write; a's replica is frozen: a's WAIT times out with 0, not 1.
      expect(Number(await b.call('WAIT', '1', '1000'))).toBe(1);
      const t0 = performance.now();
      expect(Number(await a.call('WAIT', '1', '200'))).toBe(0);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    } finally {
      process.kill(frozen.proc.pid!, 'SIGCONT');
    }
    // Once it runs again, a's write is acknowledged.
    await waitUntil(async () => Number(await a.call('WAIT', '1', '500')) === 1, 20_000, 'a\'s write acknowledged after SIGCONT');
  }, 120_000);

  it('WAIT numreplicas timeout answers how many replicas acknowledged (ioredis Cluster and a plain client)', async () => {
    cluster = await startCluster(3, { args: ['--cluster-mode', 'redirect'] });
    const io = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], { redisOptions: { maxRetriesPerRequest: 2 } });
    try {
      expect(await io.set('wait:a', '1')).toBe('OK');
      // ioredis sends a keyless command to any master; every node streams to at least one replica.
      expect(Number(await io.call('WAIT', '1', '1000'))).toBeGreaterThanOrEqual(1);
    } finally {
      io.disconnect();
    }
    const port = cluster.nodes[0]!.port;
    const { key } = await ownedKeyWithReplica(port);
    const r = openIoredis(port);
    expect(await r.set(key, 'v')).toBe('OK');
    // As Redis: every replica that acknowledged counts (node1 streams to one or two members).
    const acked = Number(await r.call('WAIT', '1', '1000'));
    expect(acked).toBeGreaterThanOrEqual(1);
    expect(acked).toBeLessThanOrEqual(2);
    // More replicas than exist: waits the timeout, then answers how many acknowledged.
    const t0 = performance.now();
    const n = Number(await r.call('WAIT', '5', '300'));
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThan(5);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    // Inside MULTI it does not block.
    const exec = await r.multi().set(key, 'w').call('WAIT', '5', '0').exec();
    expect(exec?.[1]?.[0]).toBeNull();
  }, 120_000);

  it('sync mode: a replica that does not answer in time fails the write with -NOREPLICAS; the connection stays usable', async () => {
    cluster = await startCluster(3, { args: ['--replication-mode', 'sync', '--replication-sync-timeout-ms', '300'] });
    const port = cluster.nodes[0]!.port;
    const { key, replicaPort } = await ownedKeyWithReplica(port);
    const replica = cluster.nodes.find((x) => x.port === replicaPort)!;
    const r = openIoredis(port, { maxRetriesPerRequest: 0 });
    expect(await r.set(key, 'before')).toBe('OK');
    // A replica still receiving its first copy is not waited for: wait until every stream caught up.
    const ports = cluster.nodes.map((x) => x.port);
    await waitUntil(async () => {
      const infos = await Promise.all(ports.map((p) => respCommand(p, ['INFO', 'cluster'])));
      const lines = infos.flatMap((t) => t.split('\r\n').filter((l) => /^cluster_replica\d+:/.test(l)));
      return lines.length > 0 && lines.every((l) => l.includes('in_sync=1'));
    }, 30_000, 'replica streams in sync');
    const pid = replica.proc.pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      const t0 = performance.now();
      const err = await r.set(key, 'during').then(
        () => null,
        (e: unknown) => e as Error,
      );
      const ms = performance.now() - t0;
      expect(err?.message).toMatch(/^NOREPLICAS .*sync_timeout_ms \(300 ms\)/);
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(300 + 1500);
      // A pipeline mixing a read and a write: only the write's reply is the error.
      const res = (await r.pipeline().get(key).set(key, 'again').exec()) ?? [];
      expect(res[0]?.[0]).toBeNull();
      expect(res[1]?.[0]?.message).toMatch(/^NOREPLICAS/);
      expect(await r.ping()).toBe('PONG');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // Once the replica answers again, sync writes succeed on the same connection.
    await waitUntil(async () => (await r.set(key, 'after').catch(() => null)) === 'OK', 30_000, 'a sync write acknowledged after SIGCONT');
    expect(await r.get(key)).toBe('after');

    // A write this node forwards (proxy mode): the owner's NOREPLICAS comes back through the link.
    const far = await ownedKeyWithReplica(port, true);
    const farPid = cluster.nodes.find((x) => x.port === far.replicaPort)!.proc.pid!;
    expect(await r.set(far.key, 'before')).toBe('OK');
    process.kill(farPid, 'SIGSTOP');
    try {
      await expect(r.set(far.key, 'during')).rejects.toThrow(/^NOREPLICAS .*\(300 ms\)/);
      expect(await r.ping()).toBe('PONG');
    } finally {
      process.kill(farPid, 'SIGCONT');
    }
  }, 120_000);
});
