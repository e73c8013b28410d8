// Client-side caching across an in-process 3-node cluster: a client on one node is told when keys it read through that node change on their owner (writes from any node, expiry, FLUSHALL), when the link to the owner drops, and when the ring moves the key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRedisCache } from '../testing/node-redis-cache.js';
import { frameEnd } from '../resp/reply-reader.js';
import { keyHashSlot } from '../ring/slot.js';
import { closeAll, connectRaw, type RawConnection } from '../testing/clients.js';
import { waitUntil } from '../testing/harness.js';
import { startInProcessCluster, type InProcessCluster } from '../testing/inproc-cluster.js';

let cluster: InProcessCluster;

/**
 * Whether a member still imports or streams a slot. Members that start together take their slots as
 * imports from whoever the others' ring names until the holder confirms or CONFIRM_MS passes; a
 * command on an importing slot goes to that holder untracked (a known gap of issue 18: client-side
 * caching misses invalidations for a slot while it migrates). These tests are about the steady state.
 */
function migrating(): boolean {
  return cluster.nodes.some((n) => (n.cluster as unknown as { replication: { migrations: { active: boolean } } }).replication.migrations.active);
}

beforeAll(async () => {
  cluster = await startInProcessCluster(3, { 'cluster.forward_timeout_ms': 3000 });
  await waitUntil(() => !migrating(), 20_000, 'start-up slot imports to settle');
});

afterAll(async () => {
  closeAll();
  await cluster?.stop();
});

/** The id of the member owning `key` in node 0's ring. */
function ownerOf(key: string): string {
  return (cluster.nodes[0] as (typeof cluster.nodes)[number]).cluster.state.owner(keyHashSlot(key)).id;
}

/** A fresh key owned by member `id` (n1..n3). */
let seq = 0;
function keyOwnedBy(id: string, prefix = 'ct'): string {
  for (;;) {
    const k = `${prefix}:${seq++}`;
    if (ownerOf(k) === id) return k;
  }
}

/** A raw connection that reads its stream as RESP frames. */
class Conn {
  private taken = 0;
  constructor(readonly raw: RawConnection) {}
  static async open(node: number): Promise<Conn> {
    return new Conn(await connectRaw(cluster.port(node)));
  }
  frames(): string[] {
    const buf = Buffer.from(this.raw.received(), 'latin1');
    const out: string[] = [];
    let pos = 0;
    for (;;) {
      const end = pos < buf.length ? frameEnd(buf, pos) : -1;
      if (end < 0) return out;
      out.push(buf.toString('latin1', pos, end));
      pos = end;
    }
  }
  /** Sends a command and answers the next `n` frames (its reply, and what arrives with it). */
  async cmd(argv: string[], n = 1): Promise<string[]> {
    this.raw.send(...argv);
    return this.next(n);
  }
  async next(n: number): Promise<string[]> {
    const want = this.taken + n;
    await waitUntil(() => this.frames().length >= want, 5000, `${n} frame(s) after ${this.taken}: ${JSON.stringify(this.raw.received())}`);
    const got = this.frames().slice(this.taken, want);
    this.taken = want;
    return got;
  }
  /** Frames that arrived and were not taken yet. */
  pending(): string[] {
    return this.frames().slice(this.taken);
  }
}

const inv = (...keys: string[]): string => `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n${keys.map((k) => `$${k.length}\r\n${k}\r\n`).join('')}`;

async function tracker(node: number, ...opts: string[]): Promise<Conn> {
  const c = await Conn.open(node);
  await c.cmd(['HELLO', '3']);
  expect(await c.cmd(['CLIENT', 'TRACKING', 'ON', ...opts])).toEqual(['+OK\r\n']);
  return c;
}

describe('a client on n1 caching keys owned by n2', { timeout: 20_000 }, () => {
  it('is told when the key changes on its owner, whichever node the write came through', async () => {
    const k = keyOwnedBy('n2');
    const w1 = await Conn.open(0);
    const w3 = await Conn.open(2);
    expect(await w1.cmd(['SET', k, 'v1'])).toEqual(['+OK\r\n']);
    const c = await tracker(0);
    expect(await c.cmd(['GET', k])).toEqual(['$2\r\nv1\r\n']);
    // Written through a third node: n3 forwards to n2, which pushes to n1, which tells the client.
    expect(await w3.cmd(['SET', k, 'v2'])).toEqual(['+OK\r\n']);
    expect(await c.next(1)).toEqual([inv(k)]);
    // Forgotten once invalidated: another write says nothing until the key is read again.
    await w3.cmd(['SET', k, 'v3']);
    expect(await c.cmd(['GET', k])).toEqual(['$2\r\nv3\r\n']);
    const owner = await Conn.open(1);
    await owner.cmd(['APPEND', k, 'x']);
    expect(await c.next(1)).toEqual([inv(k)]);
    expect(c.pending()).toEqual([]);
  });

  it('is told about a write that came in over another node\'s HTTP API', async () => {
    const k = keyOwnedBy('n2');
    const c = await tracker(0);
    await c.cmd(['GET', k]);
    const http = cluster.addresses[2]?.http;
    if (!http) throw new Error('n3 has no HTTP listener');
    const res = await fetch(`http://127.0.0.1:${http.port}/api/cache/${encodeURIComponent(k)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'from-http' }),
    });
    expect(res.status).toBe(200);
    expect(await c.next(1)).toEqual([inv(k)]);
  });

  it('hears about its own forwarded writes after their reply, and about expiry on the owner', async () => {
    const k = keyOwnedBy('n2');
    const c = await tracker(0);
    expect(await c.cmd(['GET', k])).toEqual(['_\r\n']);
    expect(await c.cmd(['SET', k, 'mine', 'PX', '50'], 2)).toEqual(['+OK\r\n', inv(k)]);
    expect(await c.cmd(['GET', k])).toEqual(['$4\r\nmine\r\n']);
    // The owner's active expiry removes it: the invalidation crosses the link by itself.
    expect(await c.next(1)).toEqual([inv(k)]);
  });

  it('tracks every owner of a split MGET, and a transaction run on the owner', async () => {
    const keys = ['n1', 'n2', 'n3'].map((id) => keyOwnedBy(id));
    const c = await tracker(0);
    const [reply] = await c.cmd(['MGET', ...keys]);
    expect(reply).toBe('*3\r\n_\r\n_\r\n_\r\n');
    const w = await Conn.open(1);
    for (const k of keys) await w.cmd(['SET', k, 'x']);
    expect((await c.next(3)).sort()).toEqual(keys.map((k) => inv(k)).sort());

    const t = keyOwnedBy('n3');
    await c.cmd(['MULTI']);
    await c.cmd(['GET', t]);
    expect(await c.cmd(['EXEC'])).toEqual(['*1\r\n_\r\n']);
    await w.cmd(['SET', t, 'y']);
    expect(await c.next(1)).toEqual([inv(t)]);
  });

  it('follows OPTIN: only reads after CLIENT CACHING YES are tracked on the owner', async () => {
    const [a, b] = [keyOwnedBy('n2'), keyOwnedBy('n2')];
    const c = await tracker(0, 'OPTIN');
    await c.cmd(['GET', a]);
    await c.cmd(['CLIENT', 'CACHING', 'YES']);
    await c.cmd(['GET', b]);
    const w = await Conn.open(2);
    await w.cmd(['MSET', a, '1']);
    await w.cmd(['MSET', b, '1']);
    expect(await c.next(1)).toEqual([inv(b)]);
    expect(c.pending()).toEqual([]);
  });

  it('reaches a RESP2 client through REDIRECT to a subscriber on its node', async () => {
    const k = keyOwnedBy('n3');
    const sub = await Conn.open(0);
    const [id] = await sub.cmd(['CLIENT', 'ID']);
    await sub.cmd(['SUBSCRIBE', '__redis__:invalidate']);
    const c = await Conn.open(0);
    expect(await c.cmd(['CLIENT', 'TRACKING', 'ON', 'REDIRECT', (id as string).slice(1, -2)])).toEqual(['+OK\r\n']);
    await c.cmd(['GET', k]);
    const w = await Conn.open(1);
    await w.cmd(['SET', k, 'z']);
    expect(await sub.next(1)).toEqual([`*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$${k.length}\r\n${k}\r\n`]);
  });

  it('is told about every key read from the owner when the owner is flushed', async () => {
    const [a, b] = [keyOwnedBy('n2'), keyOwnedBy('n2')];
    const local = keyOwnedBy('n1');
    const c = await tracker(0);
    await c.cmd(['MGET', a, b]);
    await c.cmd(['GET', local]);
    const owner = await Conn.open(1);
    await owner.cmd(['FLUSHDB']);
    expect((await c.next(2)).sort()).toEqual([inv(a), inv(b)].sort());
    expect(c.pending()).toEqual([]);
  });
});

describe('conservative invalidation', { timeout: 20_000 }, () => {
  it('invalidates what was read from a member when the link to it drops', async () => {
    const k = keyOwnedBy('n2');
    const c = await tracker(0);
    await c.cmd(['GET', k]);
    // n2 closes the tracking peer connection it holds for n1 (the one flagged `t`).
    const n2 = await Conn.open(1);
    const [list] = await n2.cmd(['CLIENT', 'LIST']);
    const ids = [...(list as string).matchAll(/id=(\d+) [^\n]*flags=t[^\n]*cmd=get/g)].map((m) => m[1] as string);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) await n2.cmd(['CLIENT', 'KILL', 'ID', id]);
    expect(await c.next(1)).toEqual([inv(k)]);
    // Reads are tracked again over the new link.
    expect(await c.cmd(['GET', k])).toEqual(['_\r\n']);
    await n2.cmd(['SET', k, 'after']);
    expect(await c.next(1)).toEqual([inv(k)]);
  });

  it('invalidates keys whose slot moved to another member', async () => {
    const k = keyOwnedBy('n3');
    const c = await tracker(0);
    await c.cmd(['GET', k]);
    cluster.hub.setState('n3', 'dead');
    try {
      expect(await c.next(1)).toEqual([inv(k)]);
    } finally {
      cluster.hub.setState('n3', 'alive');
    }
    await waitUntil(() => ownerOf(k) === 'n3', 5000, 'n3 owning its slots again');
  });
});

describe('node-redis client-side caching through a cluster node', { timeout: 20_000 }, () => {
  it('caches a GET of a key another node owns and sees a SET made through a third node', async () => {
    await nodeRedisCache(cluster.port(0), cluster.port(2), keyOwnedBy('n2', 'nr'));
  });
});
