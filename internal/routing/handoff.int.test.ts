// Slot handoff with spawned nodes and real gossip: a joiner receives its share of mixed-type keys (TTLs kept), a graceful stop hands its keys to the survivors, a node restarted after kill -9 gets the interim owner's newer writes.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../ring/slot.js';
import { parseExposition, sampleValue } from '../testing/prom.js';
import { closeAll, openIoredis } from '../testing/clients.js';
import { agree, allKnow, respCommand, spawnNode, startCluster, waitUntil, type SpawnedCluster, type SpawnedNode } from '../testing/harness.js';

const STRINGS = 4000;
const EACH = 200; // lists, hashes, sets, zsets
const STREAMS = 50;
const TOTAL = STRINGS + 4 * EACH + STREAMS;
const TTL_MS = 600_000;
/** These tests are about the handoff without replica copies (replication/ tests those). */
const NO_REPLICAS = ['--cluster-replicas', '0'];

let cluster: SpawnedCluster;
let joiner: SpawnedNode | null = null;

beforeAll(async () => {
  // Handoff alone, as without replication (cluster.replicas 0): replica copies are tested in replication/.
  cluster = await startCluster(2, { args: NO_REPLICAS });
});

afterAll(async () => {
  closeAll();
  await joiner?.stop();
  await cluster?.stop();
});

/** Every key of the data set, written through node `port`; returns when all writes were acknowledged. */
async function writeAll(port: number): Promise<void> {
  const r = openIoredis(port);
  try {
    const p = r.pipeline();
    for (let i = 0; i < STRINGS; i++) {
      if (i % 2 === 0) p.set(`s:${i}`, `v:${i}`);
      else p.set(`s:${i}`, `v:${i}`, 'PX', TTL_MS);
    }
    for (let i = 0; i < EACH; i++) {
      p.rpush(`l:${i}`, 'a', 'b', `${i}`);
      p.hset(`h:${i}`, 'f1', `${i}`, 'f2', 'x');
      p.sadd(`set:${i}`, 'm1', 'm2', `${i}`);
      p.zadd(`z:${i}`, '1.5', 'a', String(i), 'b');
    }
    for (let i = 0; i < STREAMS; i++) {
      p.xadd(`x:${i}`, '1-1', 'f', 'a');
      p.xadd(`x:${i}`, '2-1', 'f', `${i}`);
    }
    p.xgroup('CREATE', 'x:0', 'g', '1-1');
    const res = (await p.exec()) ?? [];
    expect(res.filter(([e]) => e !== null)).toEqual([]);
  } finally {
    r.disconnect();
  }
}

/** Reads every key through `port` and returns the names of those that are wrong. */
async function wrongKeys(port: number): Promise<string[]> {
  const r = openIoredis(port);
  try {
    const p = r.pipeline();
    const checks: ((v: unknown) => boolean)[] = [];
    const names: string[] = [];
    const add = (name: string, check: (v: unknown) => boolean): void => {
      names.push(name);
      checks.push(check);
    };
    for (let i = 0; i < STRINGS; i++) {
      p.get(`s:${i}`);
      add(`s:${i}`, (v) => v === `v:${i}`);
      p.pttl(`s:${i}`);
      // TTLs survive the move as absolute times: at most what was set, and not reset or lost.
      add(`s:${i} ttl`, (v) => (i % 2 === 0 ? v === -1 : typeof v === 'number' && v > TTL_MS - 120_000 && v <= TTL_MS));
    }
    for (let i = 0; i < EACH; i++) {
      p.lrange(`l:${i}`, 0, -1);
      add(`l:${i}`, (v) => JSON.stringify(v) === JSON.stringify(['a', 'b', `${i}`]));
      p.hgetall(`h:${i}`);
      add(`h:${i}`, (v) => JSON.stringify(v) === JSON.stringify({ f1: `${i}`, f2: 'x' }));
      p.smembers(`set:${i}`);
      add(`set:${i}`, (v) => Array.isArray(v) && [...(v as string[])].sort().join(',') === ['m1', 'm2', `${i}`].sort().join(','));
      p.zrange(`z:${i}`, '0', '-1', 'WITHSCORES');
      const z = i < 1.5 ? ['b', String(i), 'a', '1.5'] : ['a', '1.5', 'b', String(i)];
      add(`z:${i}`, (v) => JSON.stringify(v) === JSON.stringify(z));
    }
    for (let i = 0; i < STREAMS; i++) {
      p.xrange(`x:${i}`, '-', '+');
      add(`x:${i}`, (v) => JSON.stringify(v) === JSON.stringify([['1-1', ['f', 'a']], ['2-1', ['f', `${i}`]]]));
    }
    p.xinfo('GROUPS', 'x:0');
    add('x:0 group', (v) => JSON.stringify(v).includes('"g"') && JSON.stringify(v).includes('"1-1"'));
    const res = (await p.exec()) ?? [];
    return res.map(([e, v], i) => (e === null && (checks[i] as (v: unknown) => boolean)(v) ? null : names[i] as string)).filter((x): x is string => x !== null);
  } finally {
    r.disconnect();
  }
}

function infoField(info: string, field: string): number {
  return Number(new RegExp(`\\r\\n${field}:(\\d+)\\r\\n`).exec(info)?.[1] ?? NaN);
}

async function dbsize(port: number): Promise<number> {
  return Number(/:(\d+)/.exec(await respCommand(port, ['DBSIZE']))?.[1] ?? NaN);
}

/** Every node sees `nodes` as the members, with the same slots, and no handoff is running or pending. */
async function settled(nodes: SpawnedNode[]): Promise<boolean> {
  if (!(await agree(nodes))) return false;
  const clusterInfos = await Promise.all(nodes.map((n) => respCommand(n.port, ['INFO', 'cluster'])));
  if (!clusterInfos.every((t) => infoField(t, 'cluster_handoff_in_progress') === 0)) return false;
  const sizes = await Promise.all(nodes.map((n) => dbsize(n.port)));
  return sizes.reduce((a, b) => a + b, 0) === TOTAL;
}

describe('slot handoff', () => {
  it('hands a joiner its share of mixed-type keys, TTLs kept, readable through every node; a graceful stop hands its keys to the survivors', async () => {
    const [a, b] = cluster.nodes as [SpawnedNode, SpawnedNode];
    await writeAll(a.port);
    expect((await dbsize(a.port)) + (await dbsize(b.port))).toBe(TOTAL);

    const t0 = Date.now();
    joiner = await spawnNode({ args: ['--cluster-seeds', `127.0.0.1:${a.gossipPort},127.0.0.1:${b.gossipPort}`, '--cluster-profile', 'fast', ...NO_REPLICAS] });
    const three = [a, b, joiner];
    await waitUntil(() => settled(three), 30_000, 'the joiner to receive its keys');
    const joinMs = Date.now() - t0;
    const share = await dbsize(joiner.port);
    // About a third of the keys (the ring gives a joiner ~1/(N+1) of the slots).
    expect(share).toBeGreaterThan(TOTAL * 0.2);
    expect(share).toBeLessThan(TOTAL * 0.5);
    const infos = await Promise.all(three.map((n) => respCommand(n.port, ['INFO', 'cluster'])));
    expect(infoField(infos[2] as string, 'cluster_handoff_keys_received')).toBe(share);
    expect(infoField(infos[0] as string, 'cluster_handoff_keys_sent') + infoField(infos[1] as string, 'cluster_handoff_keys_sent')).toBe(share);
    console.log(`join: ${share} of ${TOTAL} keys handed to the joiner, settled ${joinMs} ms after spawning it`);
    for (const n of three) expect(await wrongKeys(n.port)).toEqual([]);

    // Graceful stop (SIGTERM): leave, hand everything off, then exit.
    const leaving = await dbsize(a.port);
    const t1 = Date.now();
    expect(await a.stop()).toBe(0);
    console.log(`graceful stop: ${leaving} keys handed to the survivors, exited after ${Date.now() - t1} ms`);
    const survivors = [b, joiner];
    await waitUntil(() => settled(survivors), 20_000, 'the survivors to hold every key');
    for (const n of survivors) expect(await wrongKeys(n.port)).toEqual([]);
  }, 90_000);
});

/** The slots CLUSTER SLOTS (asked at `port`) gives the node listening on `owner`. */
async function slotsOf(port: number, owner: number): Promise<Set<number>> {
  const r = openIoredis(port);
  try {
    const ranges = (await r.cluster('SLOTS')) as unknown as [number, number, [string, number, ...unknown[]]][];
    const out = new Set<number>();
    for (const [start, end, [, p]] of ranges) if (p === owner) for (let s = start; s <= end; s++) out.add(s);
    return out;
  } finally {
    r.disconnect();
  }
}

describe('restart after kill -9: which copy wins', () => {
  const KEYS = 300;
  const AOF_ALWAYS = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
  let crashed: SpawnedCluster | null = null;

  afterAll(async () => {
    await crashed?.stop();
  });

  it('the interim owner\'s newer writes replace the restarted node\'s disk copies; its untouched keys stay', async () => {
    crashed = await startCluster(3, { args: [...AOF_ALWAYS, ...NO_REPLICAS] });
    const c = crashed;
    const node = (i: number): SpawnedNode => c.nodes[i] as SpawnedNode;
    const client = (i: number): Redis => openIoredis(node(i).port);

    // Acknowledged writes are on the owners' disks (appendfsync always).
    const w = client(0);
    try {
      const p = w.pipeline();
      for (let i = 0; i < KEYS; i++) p.set(`r:${i}`, `old:${i}`);
      expect(((await p.exec()) ?? []).filter(([e]) => e !== null)).toEqual([]);
    } finally {
      w.disconnect();
    }
    const mine = await slotsOf(node(0).port, node(2).port);
    const owned = Array.from({ length: KEYS }, (_, i) => i).filter((i) => mine.has(keyHashSlot(`r:${i}`)));
    expect(owned.length).toBeGreaterThan(KEYS * 0.15);
    // Every other key of the victim's is rewritten while it is down, one of them with another type.
    const rewritten = owned.filter((_, j) => j % 2 === 0);
    const untouched = owned.filter((_, j) => j % 2 === 1);
    const retyped = rewritten[0] as number;
    let fresh = 0;
    while (!mine.has(keyHashSlot(`fresh:${fresh}`))) fresh++;

    await node(2).kill();
    await waitUntil(() => allKnow([node(0), node(1)], 2), 10_000, 'the survivors to declare the killed node dead');
    await c.converged();
    const s = client(1);
    try {
      // The survivors own the victim's slots now: its keys read as nil there, new writes land there.
      expect(await s.get(`r:${untouched[0] as number}`)).toBeNull();
      const p = s.pipeline();
      for (const i of rewritten) {
        if (i === retyped) p.hset(`r:${i}`, 'f', `new:${i}`);
        else p.set(`r:${i}`, `new:${i}`);
      }
      p.set(`fresh:${fresh}`, 'born while the owner was down');
      expect(((await p.exec()) ?? []).filter(([e]) => e !== null)).toEqual([]);
    } finally {
      s.disconnect();
    }

    const t0 = Date.now();
    await c.restart(2);
    await c.converged();
    // Settled: nothing in flight anywhere, and the restarted node took every interim key.
    await waitUntil(
      async () => {
        const infos = await Promise.all([0, 1, 2].map((i) => respCommand(node(i).port, ['INFO', 'cluster'])));
        if (!infos.every((t) => infoField(t, 'cluster_handoff_in_progress') === 0)) return false;
        const a = infos[2] as string;
        return infoField(a, 'cluster_handoff_keys_replaced') + infoField(a, 'cluster_handoff_keys_received') + infoField(a, 'cluster_handoff_keys_skipped') === rewritten.length + 1;
      },
      20_000,
      'the restarted node to receive the interim owners\' keys',
    );
    console.log(`restart after kill -9: ${rewritten.length} disk copies replaced, 1 key received, settled ${Date.now() - t0} ms after restarting`);
    const a = await respCommand(node(2).port, ['INFO', 'cluster']);
    expect(infoField(a, 'cluster_handoff_keys_replaced')).toBe(rewritten.length);
    expect(infoField(a, 'cluster_handoff_keys_received')).toBe(1);
    expect(infoField(a, 'cluster_handoff_keys_skipped')).toBe(0);
    const samples = parseExposition(await (await fetch(`http://127.0.0.1:${node(2).httpPort}/metrics`)).text());
    expect(sampleValue(samples, 'ringcache_cluster_handoff_keys_total', { outcome: 'replaced' })).toBe(rewritten.length);
    const survivors = await Promise.all([0, 1].map((i) => respCommand(node(i).port, ['INFO', 'cluster'])));
    expect(survivors.reduce((n, t) => n + infoField(t, 'cluster_handoff_keys_sent'), 0)).toBe(rewritten.length + 1);

    for (const i of [0, 1, 2]) {
      const r = client(i);
      try {
        const p = r.pipeline();
        for (let k = 0; k < KEYS; k++) {
          if (k === retyped) p.hgetall(`r:${k}`);
          else p.get(`r:${k}`);
        }
        p.get(`fresh:${fresh}`);
        const res = (await p.exec()) ?? [];
        expect(res.filter(([e]) => e !== null)).toEqual([]);
        const values = res.map(([, v]) => v);
        const want = Array.from({ length: KEYS }, (_, k) => (k === retyped ? { f: `new:${k}` } : rewritten.includes(k) ? `new:${k}` : `old:${k}`));
        expect(values).toEqual([...want, 'born while the owner was down']);
      } finally {
        r.disconnect();
      }
    }
  }, 60_000);
});
