// HyperLogLog side by side with redis-server 7.0.15: the same elements give the same PFCOUNT and the same bytes (sparse and dense), values move both ways by GET/SET, corrupt values fail alike; CROSSSLOT in a cluster.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis, openIoredis } from '../testing/clients.js';
import { spawnNode, type SpawnedNode } from '../testing/harness.js';
import { useInProcessCluster } from '../testing/inproc-cluster.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { prng } from '../testing/random.js';
import { keyHashSlot } from '../ring/slot.js';

type Arg = string | Buffer;

/** A reply in comparable form: Buffers as latin1 strings, errors as `ERR:<message>`. */
async function call(c: Redis, argv: readonly Arg[]): Promise<unknown> {
  try {
    const r: unknown = await c.callBuffer(argv[0] as string, ...argv.slice(1));
    return normalize(r);
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

function normalize(r: unknown): unknown {
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(normalize);
  return r;
}

/** Random binary elements of 1-24 bytes (some repeat, as short ones collide). */
function elements(rand: () => number, n: number): Buffer[] {
  return Array.from({ length: n }, () => Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 24) }, () => Math.floor(rand() * 256))));
}

describe('HyperLogLog next to redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  let rc: Redis;
  let rs: Redis;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode({ args: ['--save', ''] }), startRedisServer()]);
    [rc, rs] = await Promise.all([connectIoredis(node.port, { protocol: 2 }), connectIoredis(redis.port, { protocol: 2 })]);
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([node?.stop(), redis?.stop()]);
  });

  /** Runs the same command on both and expects the same reply; returns it. */
  async function same(...argv: Arg[]): Promise<unknown> {
    const [a, b] = await Promise.all([call(rc, argv), call(rs, argv)]);
    expect(a, argv.map(String).join(' ').slice(0, 80)).toEqual(b);
    return a;
  }

  /** Pipelines the commands on both and expects the same replies in order. */
  async function sameAll(cmds: readonly (readonly Arg[])[]): Promise<void> {
    const run = async (c: Redis): Promise<unknown[]> => {
      const p = c.pipeline();
      for (const [name, ...args] of cmds) p.callBuffer(name as string, ...args);
      const res = (await p.exec()) ?? [];
      return res.map(([e, r]) => (e ? `ERR:${e.message}` : normalize(r)));
    };
    const [a, b] = await Promise.all([run(rc), run(rs)]);
    expect(a.length).toBe(cmds.length);
    for (let i = 0; i < a.length; i++) expect(a[i], `${String(cmds[i]?.[0])} #${i}`).toEqual(b[i]);
  }

  it('one element at a time through the sparse -> dense promotion: identical replies and bytes after every PFADD', async () => {
    const els = elements(prng(1), 3500);
    for (let from = 0; from < els.length; from += 500) {
      const cmds: Arg[][] = [];
      for (const e of els.slice(from, from + 500)) cmds.push(['PFADD', 'one', e], ['GET', 'one'], ['PFCOUNT', 'one'], ['GET', 'one']);
      cmds.push(['PFDEBUG', 'ENCODING', 'one']);
      await sameAll(cmds);
    }
    expect(await same('PFDEBUG', 'ENCODING', 'one')).toBe('dense');
  }, 120_000);

  it('100k random elements in batches: identical PFCOUNT and GET bytes after each batch', async () => {
    const els = elements(prng(2), 100_000);
    let batch = 1;
    let counted = 0;
    for (let from = 0; from < els.length; from += batch, batch = Math.min(batch * 2, 5000)) {
      await sameAll([['PFADD', 'big', ...els.slice(from, from + batch)], ['PFCOUNT', 'big'], ['GET', 'big'], ['PFDEBUG', 'ENCODING', 'big']]);
      counted = Math.min(from + batch, els.length);
    }
    expect(counted).toBe(100_000);
    const card = (await same('PFCOUNT', 'big')) as number;
    const distinct = new Set(els.map((e) => e.toString('latin1'))).size;
    expect(Math.abs(card - distinct) / distinct).toBeLessThan(0.02);
    process.stdout.write(`[hll] 100k elements (${distinct} distinct): PFCOUNT ${card} on both\n`);
  }, 120_000);

  it('PFCOUNT over several keys and PFMERGE give the same counts and bytes (sparse, dense, into existing)', async () => {
    const rand = prng(3);
    await sameAll([
      ['PFADD', 'm1', ...elements(rand, 50)],
      ['PFADD', 'm2', ...elements(rand, 300)],
      ['PFADD', 'm3', ...elements(rand, 5000)],
      ['PFCOUNT', 'm1', 'm2'],
      ['PFCOUNT', 'm1', 'm2', 'm3', 'nokey'],
      ['PFMERGE', 'ms', 'm1', 'm2'],
      ['GET', 'ms'],
      ['PFMERGE', 'md', 'm1', 'm3'],
      ['GET', 'md'],
      ['PFMERGE', 'm1', 'm2'],
      ['GET', 'm1'],
      ['PFMERGE', 'empty'],
      ['GET', 'empty'],
      ['PFMERGE', 'empty', 'nokey'],
      ['GET', 'empty'],
      ['PFCOUNT', 'ms'],
      ['PFCOUNT', 'md'],
      ['GET', 'md'],
    ]);
  });

  it('values copied by GET/SET between the servers count the same and keep evolving identically', async () => {
    const rand = prng(4);
    const small = elements(rand, 40);
    const large = elements(rand, 8000);
    const more = elements(rand, 2000);
    for (const [from, to, tag] of [
      [rs, rc, 'r2c'],
      [rc, rs, 'c2r'],
    ] as const) {
      await from.pfadd(`${tag}:s`, ...small);
      await from.pfadd(`${tag}:d`, ...large);
      for (const k of [`${tag}:s`, `${tag}:d`]) {
        const bytes = await from.getBuffer(k);
        expect(bytes).not.toBeNull();
        await to.set(k, bytes as Buffer);
        const other = tag === 'r2c' ? rs : rc;
        expect(await to.pfcount(k)).toBe(await other.pfcount(k));
        await Promise.all([from.pfadd(k, ...more), to.pfadd(k, ...more)]);
        expect(await to.getBuffer(k)).toEqual(await from.getBuffer(k));
        expect(await to.pfcount(k)).toBe(await from.pfcount(k));
      }
    }
  });

  it('hll-sparse-max-bytes moves the promotion point alike', async () => {
    await same('CONFIG', 'SET', 'hll-sparse-max-bytes', '200');
    try {
      const els = elements(prng(5), 400);
      const cmds: Arg[][] = [];
      for (const e of els) cmds.push(['PFADD', 'cfg', e], ['GET', 'cfg']);
      await sameAll(cmds);
      expect(await same('PFDEBUG', 'ENCODING', 'cfg')).toBe('dense');
      await same('CONFIG', 'SET', 'hll-sparse-max-bytes', '0');
      await sameAll([['PFADD', 'zero', 'a'], ['GET', 'zero'], ['PFDEBUG', 'ENCODING', 'zero']]);
    } finally {
      await same('CONFIG', 'SET', 'hll-sparse-max-bytes', '3000');
    }
  });

  it('errors in the same words: wrong types, broken headers, corrupt opcodes, PFDEBUG', async () => {
    await sameAll([
      ['SADD', 'set', 'x'],
      ['SET', 'str', 'bar'],
      ['PFADD', 'set', 'a'],
      ['PFADD', 'str', 'a'],
      ['PFCOUNT', 'str'],
      ['PFCOUNT', 'str', 'set'],
      ['PFMERGE', 'str', 'nokey'],
      ['PFMERGE', 'nokey', 'set'],
      ['PFADD', 'bad', 'a', 'b', 'c'],
      ['APPEND', 'bad', 'hello'],
      ['PFCOUNT', 'bad'],
      ['PFADD', 'bad', 'zzz'],
      ['PFMERGE', 'x', 'bad'],
      ['SETRANGE', 'bad', '4', '\x00'],
      ['PFCOUNT', 'bad'],
      ['PFDEBUG', 'GETREG', 'nokey'],
      ['PFDEBUG', 'DECODE', 'str'],
      ['PFDEBUG', 'WHAT', 'set'],
      ['PFADD', 'dbg', 'a'],
      ['PFDEBUG', 'WHAT', 'dbg'],
      ['PFDEBUG', 'DECODE', 'dbg'],
      ['PFDEBUG', 'GETREG', 'dbg'],
      ['PFDEBUG', 'ENCODING', 'dbg'],
      ['PFDEBUG', 'DECODE', 'dbg'],
      ['PFDEBUG', 'TODENSE', 'dbg'],
      ['PFADD'],
      ['PFDEBUG', 'GETREG'],
    ]);
  });

  it('randomly corrupted values (the Tcl fuzzer) answer, count and change identically', async () => {
    const rand = prng(6);
    for (let round = 0; round < 150; round++) {
      const els = elements(rand, Math.floor(rand() * 3000));
      await sameAll([['DEL', 'fz'], ['PFADD', 'fz', ...els], ['PFADD', 'probe', 'x']]);
      const len = await rs.strlen('fz');
      const cmds: Arg[][] = [];
      for (let i = 0; i < 5; i++) {
        cmds.push(['SETRANGE', 'fz', String(Math.floor(rand() * len)), Buffer.from([Math.floor(rand() * 256)])]);
        if (rand() < 0.5) break;
      }
      cmds.push(['PFCOUNT', 'fz'], ['GET', 'fz'], ['PFADD', 'fz', ...elements(rand, 20)], ['GET', 'fz'], ['PFCOUNT', 'fz', 'probe'], ['PFMERGE', 'fzm', 'fz'], ['GET', 'fzm'], ['DEL', 'fzm']);
      // One at a time, so a difference names the value it started from.
      let state: unknown = null;
      for (const argv of cmds) {
        const [a, b] = await Promise.all([call(rc, argv), call(rs, argv)]);
        expect(a, `round ${round}: ${String(argv[0])} ${argv.slice(2).map((x) => Buffer.from(x).toString('hex')).join(' ')} on ${Buffer.from(String(state), 'latin1').toString('hex')}`).toEqual(b);
        if (argv[0] === 'GET') state = a;
      }
    }
  }, 120_000);

  it('a cardinality past LLONG_MAX answers and caches LLONG_MIN on both', async () => {
    const dense = Buffer.alloc(16 + 12288, 0xff);
    dense.write('HYLL', 0, 'latin1');
    dense.fill(0, 4, 15);
    dense[15] = 0x80;
    await sameAll([['SET', 'ovf', dense], ['PFCOUNT', 'ovf'], ['GETRANGE', 'ovf', '8', '15'], ['PFCOUNT', 'ovf']]);
  });
});

describe('HyperLogLog in a 3-node cluster', () => {
  const cluster = useInProcessCluster(3);

  it('keys in different slots get CROSSSLOT; hash-tagged keys merge and count through any node', async () => {
    const c = openIoredis(cluster().port(0));
    expect(keyHashSlot('a')).not.toBe(keyHashSlot('b'));
    await expect(c.pfmerge('a', 'b')).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");
    await expect(c.pfcount('a', 'b')).rejects.toThrow(/^CROSSSLOT/);
    for (let i = 0; i < 3; i++) {
      const n = openIoredis(cluster().port(i));
      expect(await n.pfadd(`{u${i}}x`, 'a', 'b', 'c')).toBe(1);
      expect(await n.pfadd(`{u${i}}y`, 'c', 'd')).toBe(1);
      expect(await n.pfcount(`{u${i}}x`, `{u${i}}y`)).toBe(4);
      expect(await n.pfmerge(`{u${i}}z`, `{u${i}}x`, `{u${i}}y`)).toBe('OK');
      // Read back through another node: forwarded to the owner.
      expect(await openIoredis(cluster().port((i + 1) % 3)).pfcount(`{u${i}}z`)).toBe(4);
    }
  });
});
