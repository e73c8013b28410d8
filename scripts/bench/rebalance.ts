// Benchmark: rebalancing of a spawned 3-node cluster when a 4th node joins and then leaves: bytes/s moved, the longest write pause, and client errors / nil reads under a mixed workload.
//
// Usage: npm run bench:rebalance [-- --keys 100000 --value 64]
// Spawns three nodes (fast gossip profile, cluster.replicas 1, free loopback ports, temp dirs),
// loads --keys keys of --value bytes, then runs three clients while a 4th node joins and, once
// the cluster settled, leaves (SIGTERM: graceful leave with handoff):
//   - a plain client SETting in a loop through node1: its longest SET latency per phase is the
//     write pause a client sees during the handover;
//   - ioredis Cluster and a plain client (node2, proxy mode) running GET/SET/INCR over disjoint
//     halves of the loaded keys, each checking every GET against its own model: errors and nil
//     or stale reads are counted.
// "Moved" is measured on the receiving side: for the join, the new node's keys (owned and
// replicated) and its total_net_input_bytes over the time from the new ring until every node is
// idle (no handoff in progress, every replica stream in sync, key counts stable); for the leave,
// the keys the leaving node held, over SIGTERM -> settled. Nodes are stopped by PID at the end.
import { performance } from 'node:perf_hooks';
import { Cluster, Redis } from 'ioredis';
import { freePort, respCommand, spawnNode, startCluster, type SpawnedCluster, type SpawnedNode } from '../../internal/testing/harness.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : def;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer`);
  return v;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function info(port: number, section: string): Promise<string> {
  return respCommand(port, ['INFO', section]);
}

const field = (text: string, name: string): number => Number(new RegExp(`(?:^|\\r\\n)${name}:(\\d+)`).exec(text)?.[1] ?? 0);
const dbKeys = async (port: number): Promise<number> => Number(/keys=(\d+)/.exec(await info(port, 'keyspace'))?.[1] ?? 0);

/** Every node idle: no handoff running, every replica stream in sync, and key counts unchanged over two polls. */
async function settled(ports: readonly number[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const infos = await Promise.all(ports.map((p) => info(p, 'cluster')));
    const idle = infos.every((t) => field(t, 'cluster_handoff_in_progress') === 0 && t.split('\r\n').filter((l) => /^cluster_replica\d+:/.test(l)).every((l) => l.includes('in_sync=1')));
    const counts = (await Promise.all(ports.map(dbKeys))).join(',');
    if (idle && counts === last) return performance.now();
    last = idle ? counts : '';
    if (Date.now() > deadline) throw new Error('cluster did not settle');
    await sleep(50);
  }
}

async function knownNodes(port: number): Promise<number> {
  return field(await respCommand(port, ['CLUSTER', 'INFO']), 'cluster_known_nodes');
}

interface Phase {
  maxPauseMs: number;
  sets: number;
  errors: number;
  badReads: number;
  /** Of badReads: GETs answered nil for a key that exists. */
  nilReads: number;
}

/** The three clients; `phase()` starts a new window of counters. */
function workload(ports: readonly number[], keys: number, value: string) {
  let running = true;
  let cur: Phase = { maxPauseMs: 0, sets: 0, errors: 0, badReads: 0, nilReads: 0 };
  const errorSamples: string[] = [];
  const fail = (e: unknown): void => {
    cur.errors++;
    if (errorSamples.length < 5) errorSamples.push(e instanceof Error ? e.message : String(e));
  };
  const loop = new Redis({ port: ports[0], maxRetriesPerRequest: 0 });
  const io = new Cluster([{ host: '127.0.0.1', port: ports[0] as number }], { redisOptions: { maxRetriesPerRequest: 2 } });
  const plain = new Redis({ port: ports[1], maxRetriesPerRequest: 0 });
  const writer = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      try {
        await loop.set(`pause:${i % 1000}`, value);
        cur.maxPauseMs = Math.max(cur.maxPauseMs, performance.now() - t);
        cur.sets++;
      } catch (e) {
        fail(e);
      }
    }
  })();
  const mixed = (c: Redis | Cluster, half: number) => {
    const model = new Map<string, string>();
    const counters = new Map<string, number>();
    const done = (async () => {
      for (let n = 0; running; n++) {
        const i = 2 * Math.floor(Math.random() * (keys / 2)) + half;
        const key = `k:${i}`;
        try {
          const op = n % 4;
          if (op === 0) {
            const v = `${value.slice(0, 48)}${n}`.padEnd(value.length, 'x');
            if ((await c.set(key, v)) === 'OK') model.set(key, v);
          } else if (op === 3) {
            const ck = `ctr:${half}:${n % 50}`;
            const got = await c.incr(ck);
            const want = (counters.get(ck) ?? 0) + 1;
            counters.set(ck, got);
            if (got !== want) cur.badReads++;
          } else {
            const got = await c.get(key);
            if (got !== (model.get(key) ?? value)) {
              cur.badReads++;
              if (got === null) cur.nilReads++;
            }
          }
        } catch (e) {
          fail(e);
        }
      }
    })();
    return { model, done };
  };
  const a = mixed(io, 0);
  const b = mixed(plain, 1);
  return {
    phase(): Phase {
      const p = cur;
      cur = { maxPauseMs: 0, sets: 0, errors: 0, badReads: 0, nilReads: 0 };
      return p;
    },
    errorSamples,
    models: [a.model, b.model],
    stop: async () => {
      running = false;
      await Promise.all([writer, a.done, b.done]);
      loop.disconnect();
      io.disconnect();
      plain.disconnect();
    },
  };
}

async function main(): Promise<void> {
  const keys = arg('keys', 100_000);
  const valueLen = arg('value', 64);
  const value = 'v'.repeat(valueLen);
  let cluster: SpawnedCluster | null = null;
  let fourth: SpawnedNode | null = null;
  const cleanup = (): void => {
    for (const n of [...(cluster?.nodes ?? []), ...(fourth ? [fourth] : [])]) if (n.proc.exitCode === null && n.proc.pid !== undefined) process.kill(n.proc.pid, 'SIGKILL');
  };
  process.on('SIGINT', () => (cleanup(), process.exit(130)));
  process.on('SIGTERM', () => (cleanup(), process.exit(143)));
  try {
    cluster = await startCluster(3);
    const ports = cluster.nodes.map((n) => n.port);
    const load = new Redis({ port: ports[0] });
    for (let i = 0; i < keys; i += 1000) {
      const p = load.pipeline();
      for (let j = i; j < Math.min(keys, i + 1000); j++) p.set(`k:${j}`, value);
      await p.exec();
    }
    load.disconnect();
    await settled(ports, 120_000);
    const recordBytes = `k:${keys - 1}`.length - 1 + valueLen;
    console.log(`loaded ${keys} keys of ${valueLen} bytes; copies per node: ${(await Promise.all(ports.map(dbKeys))).join(', ')}`);

    const w = workload(ports, keys, value);
    await sleep(2000);
    const base = w.phase();

    // --- join --------------------------------------------------------------------------------
    const gossip = cluster.nodes.map((n) => n.gossipPort);
    const spawnAt = performance.now();
    fourth = await spawnNode({ id: 'node4', gossipPort: await freePort(), args: ['--cluster-seeds', gossip.map((p) => `127.0.0.1:${p}`).join(','), '--cluster-profile', 'fast'] });
    const all = [...ports, fourth.port];
    while ((await knownNodes(ports[0] as number)) < 4) await sleep(10);
    const ringAt = performance.now();
    const in0 = field(await info(fourth.port, 'stats'), 'total_net_input_bytes');
    const joinEnd = await settled(all, 300_000);
    const in1 = field(await info(fourth.port, 'stats'), 'total_net_input_bytes');
    const joinKeys = await dbKeys(fourth.port);
    const join = w.phase();
    const joinSec = (joinEnd - ringAt) / 1000;

    await sleep(2000);
    w.phase();

    // --- leave -------------------------------------------------------------------------------
    const leaveKeys = await dbKeys(fourth.port);
    const leaveAt = performance.now();
    await fourth.stop();
    const leaveEnd = await settled(ports, 300_000);
    while ((await knownNodes(ports[0] as number)) > 3) await sleep(10);
    const leave = w.phase();
    const leaveSec = (leaveEnd - leaveAt) / 1000;
    await w.stop();

    // --- final check against the clients' models ---------------------------------------------
    const check = new Redis({ port: ports[2] });
    let mismatched = 0;
    const expected = (k: string): string => w.models[0]?.get(k) ?? w.models[1]?.get(k) ?? value;
    for (let i = 0; i < keys; i += 1000) {
      const p = check.pipeline();
      const batch: string[] = [];
      for (let j = i; j < Math.min(keys, i + 1000); j++) batch.push(`k:${j}`);
      for (const k of batch) p.get(k);
      const res = (await p.exec()) ?? [];
      res.forEach(([e, v], j) => {
        if (e !== null || v !== expected(batch[j] as string)) mismatched++;
      });
    }
    check.disconnect();

    const mb = (b: number): string => (b / 1e6).toFixed(1);
    console.log(`spawn -> 4 known nodes: ${Math.round(ringAt - spawnAt)} ms`);
    console.log(`baseline (2 s, no ring change): longest SET ${base.maxPauseMs.toFixed(1)} ms, ${base.errors} errors, ${base.badReads} bad reads`);
    console.log(`join : ${joinKeys} keys (${mb(joinKeys * recordBytes)} MB of keys+values) reached node4 in ${joinSec.toFixed(2)} s = ${mb((joinKeys * recordBytes) / joinSec)} MB/s payload; node4 wire input ${mb(in1 - in0)} MB = ${mb((in1 - in0) / joinSec)} MB/s; longest SET ${join.maxPauseMs.toFixed(1)} ms; client errors ${join.errors}; bad reads ${join.badReads} (${join.nilReads} nil)`);
    console.log(`leave: ${leaveKeys} keys (${mb(leaveKeys * recordBytes)} MB) handed back in ${leaveSec.toFixed(2)} s = ${mb((leaveKeys * recordBytes) / leaveSec)} MB/s payload; longest SET ${leave.maxPauseMs.toFixed(1)} ms; client errors ${leave.errors}; bad reads ${leave.badReads} (${leave.nilReads} nil)`);
    console.log(`final: ${mismatched} of ${keys} keys differ from the clients' models`);
    if (w.errorSamples.length > 0) console.log(`error samples: ${w.errorSamples.join(' | ')}`);
  } finally {
    if (fourth !== null && fourth.proc.exitCode === null) await fourth.stop();
    await cluster?.stop();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`rebalance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
