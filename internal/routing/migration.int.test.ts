// Slot migration with spawned nodes: a join and a leave under a mixed ioredis Cluster + plain-client workload with no errors and no nil reads, and -ASK / ASKING as Redis Cluster defines them.
import { Cluster, Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../ring/slot.js';
import { closeAll, pipelineReplies } from '../testing/clients.js';
import { agree, respCommand, spawnNode, startCluster, waitUntil, type SpawnedCluster, type SpawnedNode } from '../testing/harness.js';

const started: { stop(): Promise<unknown> }[] = [];

afterAll(async () => {
  closeAll();
  for (const s of started.reverse()) await s.stop();
});

function infoField(info: string, field: string): number {
  return Number(new RegExp(`\\r\\n${field}:(\\d+)\\r\\n`).exec(info)?.[1] ?? NaN);
}

/** Every node agrees on the members and slots, no migration or handoff runs, every replica stream is in sync. */
async function settled(nodes: readonly SpawnedNode[]): Promise<boolean> {
  if (!(await agree(nodes))) return false;
  const infos = await Promise.all(nodes.map((n) => respCommand(n.port, ['INFO', 'cluster'])));
  return infos.every((t) => infoField(t, 'cluster_handoff_in_progress') === 0 && t.split('\r\n').every((l) => !/^cluster_replica\d+:/.test(l) || l.includes('in_sync=1')));
}

/** Slot -> RESP port of its owner, from CLUSTER SLOTS asked at `port`. */
async function owners(port: number): Promise<Map<number, number>> {
  const r = new Redis({ port, lazyConnect: true });
  await r.connect();
  try {
    const ranges = (await r.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]]][];
    const out = new Map<number, number>();
    for (const [start, end, [, p]] of ranges) for (let s = start; s <= end; s++) out.set(s, p);
    return out;
  } finally {
    r.disconnect();
  }
}

/** A node's copies count as current (and it migrates the slots it gives up) once it served its ring this long (cluster-replication.ts SETTLE_MS). */
const SETTLE_MS = 2000;

interface Counters {
  ops: number;
  errors: string[];
  nilReads: number;
  staleReads: number;
}

/** GET / SET / INCR over `keys` through `c`, checking every reply against a model of its own. */
function workload(c: Redis | Cluster, keys: readonly string[], initial: string, counters: Counters, tag: string) {
  const model = new Map<string, string>();
  let running = true;
  const done = (async () => {
    for (let n = 0; running; n++) {
      const key = keys[Math.floor(Math.random() * keys.length)] as string;
      try {
        if (n % 4 === 0) {
          const v = `${tag}:${n}`;
          if ((await c.set(key, v)) === 'OK') model.set(key, v);
        } else if (n % 4 === 3) {
          const ck = `{${key}}:ctr`;
          const got = await c.incr(ck);
          const want = Number(model.get(ck) ?? '0') + 1;
          model.set(ck, String(got));
          if (got !== want) counters.staleReads++;
        } else {
          const got = await c.get(key);
          if (got === null) counters.nilReads++;
          else if (got !== (model.get(key) ?? initial)) counters.staleReads++;
        }
        counters.ops++;
      } catch (e) {
        if (counters.errors.length < 20) counters.errors.push(e instanceof Error ? e.message : String(e));
        else counters.errors.push('');
      }
    }
  })();
  return {
    model,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe('slot migration under load', () => {
  it('a join and a graceful leave: no client errors, no nil or stale reads, every final value as the clients wrote it', async () => {
    const cluster: SpawnedCluster = await startCluster(3, { args: ['--loglevel', 'info'] });
    started.push(cluster);
    const ports = cluster.nodes.map((n) => n.port);
    const KEYS = 6000;
    const initial = 'v'.repeat(32);
    const keys = Array.from({ length: KEYS }, (_, i) => `m:${i}`);
    const load = new Redis({ port: ports[0] });
    const p = load.pipeline();
    for (const k of keys) p.set(k, initial);
    expect(((await p.exec()) ?? []).filter(([e]) => e !== null)).toEqual([]);
    load.disconnect();
    await waitUntil(() => settled(cluster.nodes), 30_000, 'the cluster to settle after loading');
    const settledAt = Date.now();
    await waitUntil(() => Date.now() - settledAt > SETTLE_MS, SETTLE_MS + 1000, 'the ring to count as served');

    const counters: Counters = { ops: 0, errors: [], nilReads: 0, staleReads: 0 };
    const io = new Cluster([{ host: '127.0.0.1', port: ports[0] as number }], { redisOptions: { maxRetriesPerRequest: 2 } });
    const plain = new Redis({ port: ports[1], maxRetriesPerRequest: 0 });
    // Disjoint halves: each client's model is the truth for its keys.
    const a = workload(io, keys.filter((_, i) => i % 2 === 0), initial, counters, 'io');
    const b = workload(plain, keys.filter((_, i) => i % 2 === 1), initial, counters, 'plain');
    try {
      await waitUntil(() => counters.ops > 200, 20_000, 'the workload to run');
      const gossip = cluster.nodes.map((n) => `127.0.0.1:${n.gossipPort}`).join(',');
      const joiner = await spawnNode({ id: 'node4', args: ['--cluster-seeds', gossip, '--cluster-profile', 'fast', '--loglevel', 'info'] });
      started.push(joiner);
      const four = [...cluster.nodes, joiner];
      await waitUntil(() => settled(four), 60_000, 'the join to settle');
      const joinedInfo = await respCommand(joiner.port, ['INFO', 'cluster']);
      // About a quarter of the keys moved to the joiner (slot migrations count as handed-off keys).
      expect(infoField(joinedInfo, 'cluster_handoff_keys_received')).toBeGreaterThan(KEYS / 10);
      const afterJoin = { ...counters, errors: [...counters.errors] };
      const joinedAt = Date.now();
      await waitUntil(() => Date.now() - joinedAt > SETTLE_MS, SETTLE_MS + 1000, 'the ring to count as served');

      expect(await joiner.stop()).toBe(0);
      await waitUntil(() => settled(cluster.nodes), 60_000, 'the leave to settle');
      const opsBefore = counters.ops;
      await waitUntil(() => counters.ops > opsBefore + 100, 20_000, 'the workload to go on after the leave');
      console.log(`migration under load: ${counters.ops} operations; join: ${afterJoin.errors.length} errors, ${afterJoin.nilReads} nil, ${afterJoin.staleReads} stale; total: ${counters.errors.length} errors, ${counters.nilReads} nil, ${counters.staleReads} stale`);
    } finally {
      await a.stop();
      await b.stop();
      io.disconnect();
      plain.disconnect();
    }
    if (counters.errors.length + counters.nilReads + counters.staleReads > 0) {
      for (const n of cluster.nodes) console.log(n.output().split('\n').filter((l) => /migration|"level":(40|50)|"warn"/.test(l)).map((l) => l.slice(0, 300)).join('\n'));
    }
    expect(counters.errors.slice(0, 5)).toEqual([]);
    expect(counters.nilReads).toBe(0);
    expect(counters.staleReads).toBe(0);

    // Every key (and counter) reads back as its client last wrote it, through every node.
    const want = new Map<string, string>([...a.model, ...b.model]);
    for (const k of keys) if (!want.has(k)) want.set(k, initial);
    const names = [...want.keys()];
    for (const port of ports) {
      const r = new Redis({ port });
      try {
        const got: (string | null)[] = [];
        for (let i = 0; i < names.length; i += 1000) {
          const pl = r.pipeline();
          for (const k of names.slice(i, i + 1000)) pl.get(k);
          for (const [e, v] of (await pl.exec()) ?? []) got.push(e === null ? (v as string | null) : `error: ${String(e)}`);
        }
        const wrong = names.filter((k, i) => got[i] !== want.get(k));
        expect(wrong.slice(0, 5)).toEqual([]);
      } finally {
        r.disconnect();
      }
    }
  }, 240_000);
});

describe('-ASK and ASKING during a migration (redirect mode)', () => {
  it('the new owner answers -ASK for a slot still being copied; the old owner serves it after ASKING only, once; the write made there reaches the new owner', async () => {
    // A flip delay keeps the slots in the migrating state long enough to look at them.
    const args = ['--cluster-mode', 'redirect', '--cluster-replicas', '0', '--cluster-migration-flip-delay-ms', '8000', '--loglevel', 'info'];
    const cluster = await startCluster(2, { args });
    started.push(cluster);
    const [n1, n2] = cluster.nodes as [SpawnedNode, SpawnedNode];
    const before = await owners(n1.port);
    const keys = Array.from({ length: 400 }, (_, i) => `ask:${i}`);
    // Written to their owners directly (redirect mode answers -MOVED elsewhere).
    for (const k of keys) await respCommand(before.get(keyHashSlot(k)) as number, ['SET', k, `old:${k}`]);
    const settledAt = Date.now();
    await waitUntil(() => Date.now() - settledAt > SETTLE_MS, SETTLE_MS + 1000, 'the ring to count as served');

    const joiner = await spawnNode({ id: 'node3', args: ['--cluster-seeds', `127.0.0.1:${n1.gossipPort},127.0.0.1:${n2.gossipPort}`, '--cluster-profile', 'fast', ...args] });
    started.push(joiner);
    await waitUntil(() => agree([n1, n2, joiner]), 30_000, 'the three nodes to agree on the ring');
    const after = await owners(joiner.port);
    const key = keys.find((k) => after.get(keyHashSlot(k)) === joiner.port) as string;
    expect(key).toBeDefined();
    const slot = keyHashSlot(key);
    const holder = before.get(slot) as number;

    // The new owner's copy is not complete: -ASK names the node still holding the slot.
    const [ask] = await pipelineReplies(joiner.port, [['GET', key]]);
    expect(ask).toBe(`-ASK ${slot} 127.0.0.1:${holder}\r\n`);
    // The holder serves it only after ASKING (its slot map names the new owner), for one command.
    const replies = await pipelineReplies(holder, [['GET', key], ['ASKING'], ['GET', key], ['GET', key], ['ASKING'], ['SET', key, 'during'], ['ASKING'], ['GET', key]]);
    expect(replies).toEqual([
      `-MOVED ${slot} 127.0.0.1:${joiner.port}\r\n`,
      '+OK\r\n',
      `$${`old:${key}`.length}\r\nold:${key}\r\n`,
      `-MOVED ${slot} 127.0.0.1:${joiner.port}\r\n`,
      '+OK\r\n',
      '+OK\r\n',
      '+OK\r\n',
      '$6\r\nduring\r\n',
    ]);
    // A redirect-mode ioredis Cluster follows -ASK transparently.
    const io = new Cluster([{ host: '127.0.0.1', port: joiner.port }]);
    try {
      expect(await io.get(key)).toBe('during');
    } finally {
      io.disconnect();
    }
    const stillAsk = await pipelineReplies(joiner.port, [['GET', key]]);
    expect(stillAsk).toEqual([`-ASK ${slot} 127.0.0.1:${holder}\r\n`]);

    // After the flip the new owner serves the slot, with the write made on the old owner meanwhile.
    await waitUntil(async () => (await pipelineReplies(joiner.port, [['GET', key]]))[0] === '$6\r\nduring\r\n', 30_000, 'the flip').catch(async (e: unknown) => {
      console.log('joiner GET', JSON.stringify(await pipelineReplies(joiner.port, [['GET', key]])), 'holder', JSON.stringify(await pipelineReplies(holder, [['ASKING'], ['GET', key]])));
      throw e;
    });
    expect(await pipelineReplies(holder, [['ASKING'], ['GET', key]])).toEqual(['+OK\r\n', `-MOVED ${slot} 127.0.0.1:${joiner.port}\r\n`]);
    // Every key reads back through its owner once every migration flipped (each holder flips on its own).
    await waitUntil(() => settled([n1, n2, joiner]), 30_000, 'every migration to flip');
    for (const k of keys) {
      const owner = after.get(keyHashSlot(k)) as number;
      expect(await respCommand(owner, ['GET', k])).toBe(k === key ? '$6\r\nduring\r\n' : `$${`old:${k}`.length}\r\nold:${k}\r\n`);
    }
  }, 120_000);
});
