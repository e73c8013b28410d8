// Standalone primary/replica between spawned nodes: full sync of 100k keys of every type, keeping up under load, partial resync, READONLY, WAIT, promotion.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis, connectRaw } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { caughtUp, diffCount, fill, picture, replInfo } from '../testing/replication.js';

const KEYS = 100_000;

describe('standalone replication between spawned nodes', () => {
  let primary: SpawnedNode;
  let replica: SpawnedNode;
  let chained: SpawnedNode | undefined;
  let p: Redis;
  let r: Redis;

  beforeAll(async () => {
    primary = await spawnNode({ args: ['--loglevel', 'info'] });
    p = await connectIoredis(primary.port, { protocol: 2 });
    await fill(p, KEYS / 2, 'a');
    await p.select(3);
    await fill(p, KEYS / 2, 'b');
    await p.select(0);
    expect(await p.dbsize()).toBe(KEYS / 2);
  }, 240_000);

  afterAll(async () => {
    closeAll();
    await chained?.stop();
    await replica?.stop();
    await primary?.stop();
  });

  it('a new replica gets a full copy of 100k keys of every type, then the stream', async () => {
    const t0 = performance.now();
    replica = await spawnNode({ args: ['--loglevel', 'info', '--redis-replicaof', `127.0.0.1 ${primary.port}`] });
    r = await connectIoredis(replica.port, { protocol: 2 });
    await waitUntil(() => caughtUp(p, r), 120_000, 'replica caught up');
    const ms = performance.now() - t0;
    const done = /"bytes":(\d+),"keys":(\d+),"ms":(\d+)[^\n]*full resynchronization done/.exec(replica.output());
    expect(done).not.toBeNull();
    const bytes = Number(done?.[1]);
    expect(Number(done?.[2])).toBe(KEYS);
    console.log(`full sync: ${KEYS} keys, RDB ${(bytes / 1e6).toFixed(1)} MB; link ${done?.[3]} ms (${(bytes / 1e6 / (Number(done?.[3]) / 1000)).toFixed(1)} MB/s); spawn to caught up ${Math.round(ms)} ms`);
    for (const db of [0, 3]) {
      const [a, b] = await Promise.all([picture(p, db), picture(r, db)]);
      expect(a.size).toBe(KEYS / 2);
      expect(diffCount(a, b)).toBe(0);
    }
    const role = (await r.call('ROLE')) as unknown[];
    expect(role.slice(0, 4)).toEqual(['slave', '127.0.0.1', primary.port, 'connected']);
    const info = await replInfo(p);
    expect(info.get('connected_slaves')).toBe('1');
    expect(info.get('slave0')).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${replica.port},state=online,offset=\\d+,lag=\\d+$`));
  }, 240_000);

  it('keeps up under concurrent write load, MULTI and expiry included', async () => {
    const writers = await Promise.all([0, 1, 2, 3].map(() => connectIoredis(primary.port, { protocol: 2 })));
    let maxLag = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const [pi, ri] = await Promise.all([replInfo(p), replInfo(r)]);
        maxLag = Math.max(maxLag, Number(pi.get('master_repl_offset')) - Number(ri.get('slave_repl_offset')));
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    await Promise.all(
      writers.map(async (w, n) => {
        for (let round = 0; round < 20; round++) {
          const pl = w.pipeline();
          for (let i = 0; i < 500; i++) {
            const k = `load:${n}:${(round * 500 + i) % 3000}`;
            pl.incr(k);
            pl.hincrby(`lh:${n}`, String(i % 50), 1);
            if (i % 50 === 0) pl.set(`tmp:${n}:${i}`, 'x', 'PX', 30);
          }
          pl.call('MULTI').lpush(`ll:${n}`, String(round)).ltrim(`ll:${n}`, 0, 9).call('EXEC');
          await pl.exec();
        }
      }),
    );
    sampling = false;
    await sampler;
    // Keys with a 30 ms TTL: the primary expires them and the replica gets the DELs.
    await waitUntil(async () => (await p.keys('tmp:*')).length === 0 || (await p.dbsize()) < 0, 10_000, 'tmp keys expired');
    expect(Number(await p.call('WAIT', '1', '5000'))).toBe(1);
    await waitUntil(() => caughtUp(p, r), 20_000, 'caught up after the load');
    const [a, b] = await Promise.all([picture(p, 0), picture(r, 0)]);
    expect(diffCount(a, b)).toBe(0);
    console.log(`under load: max replica lag ${maxLag} bytes of stream`);
  }, 120_000);

  it('refuses writes on the replica with READONLY (reads work)', async () => {
    await expect(r.set('x', '1')).rejects.toThrow("READONLY You can't write against a read only replica.");
    await expect(r.call('EVAL', "return redis.call('set','x','1')", '0')).rejects.toThrow(/READONLY/);
    expect(await r.get('a:0')).toBe(await p.get('a:0'));
  });

  it('resyncs partially after a dropped link: +CONTINUE and only the missing bytes', async () => {
    const before = Number((await replInfo(p)).get('master_repl_offset'));
    await r.call('CLIENT', 'KILL', 'TYPE', 'master');
    await p.set('after-kill', 'v');
    await p.del('a:1');
    await waitUntil(() => caughtUp(p, r), 20_000, 'reconnected');
    expect(await r.get('after-kill')).toBe('v');
    expect(await r.exists('a:1')).toBe(0);
    expect(replica.output()).toMatch(/partial resynchronization accepted by the primary/);
    const moved = [...primary.output().matchAll(/"bytes":(\d+),"msg":"partial resynchronization accepted"/g)].pop();
    const after = Number((await replInfo(p)).get('master_repl_offset'));
    expect(Number(moved?.[1])).toBeLessThanOrEqual(after - before);
    console.log(`partial resync moved ${moved?.[1] ?? '?'} bytes (stream grew ${after - before} bytes meanwhile)`);
    // The same from a raw client: PSYNC with the replica's replid and offset answers +CONTINUE then exactly the bytes after it.
    const info = await replInfo(p);
    const replid = info.get('master_replid') as string;
    const off = Number(info.get('master_repl_offset'));
    await p.set('k-psync', 'x');
    const raw = await connectRaw(primary.port);
    raw.send('PSYNC', replid, String(off + 1));
    const set = '*3\r\n$3\r\nSET\r\n$7\r\nk-psync\r\n$1\r\nx\r\n';
    await waitUntil(() => raw.received().includes(set), 5000, 'CONTINUE and the stream');
    expect(raw.received().startsWith('+CONTINUE\r\n')).toBe(true);
    // Only what followed `off` (a PING or GETACK of the primary's may come first).
    expect(raw.received().length - '+CONTINUE\r\n'.length).toBeLessThanOrEqual(set.length + 64);
    raw.sock.destroy();
    await waitUntil(async () => (await replInfo(p)).get('connected_slaves') === '1', 5000, 'raw replica gone');
  }, 60_000);

  it('WAIT counts acknowledging replicas and times out without them', async () => {
    await p.set('w', '1');
    expect(Number(await p.call('WAIT', '1', '2000'))).toBe(1);
    const t0 = Date.now();
    expect(Number(await p.call('WAIT', '2', '300'))).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    await expect(r.call('WAIT', '1', '10')).rejects.toThrow(/WAIT cannot be used with replica instances/);
  });

  it('min-replicas-to-write refuses writes with NOREPLICAS', async () => {
    await p.config('SET', 'min-replicas-to-write', '2');
    await expect(p.set('m', '1')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
    await p.config('SET', 'min-replicas-to-write', '1');
    expect(await p.set('m', '1')).toBe('OK');
    await p.config('SET', 'min-replicas-to-write', '0');
  });

  it('a replica of the replica gets the same stream and offsets (chained), in the right db', async () => {
    chained = await spawnNode({ args: ['--loglevel', 'info', '--redis-replicaof', `127.0.0.1 ${replica.port}`] });
    const c = await connectIoredis(chained.port, { protocol: 2 });
    await p.select(3);
    await p.set('chained-db3', '1');
    await waitUntil(() => caughtUp(r, c), 60_000, 'chained replica caught up');
    // The primary's stream is still in db 3: the next write carries no SELECT.
    await p.set('chained-db3-again', '2');
    await p.select(0);
    await waitUntil(async () => (await caughtUp(p, r)) && (await caughtUp(r, c)), 20_000, 'chain caught up');
    await c.select(3);
    expect(await c.mget('chained-db3', 'chained-db3-again')).toEqual(['1', '2']);
    await c.select(0);
    expect(await c.dbsize()).toBe(await p.dbsize());
  }, 120_000);

  it('REPLICAOF NO ONE promotes the replica, keeping the old history as replid2; its own replica continues', async () => {
    await waitUntil(() => caughtUp(p, r), 10_000, 'caught up');
    const old = await replInfo(p);
    expect(await r.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(await r.set('promoted', '1')).toBe('OK');
    const info = await replInfo(r);
    expect(info.get('role')).toBe('master');
    expect(info.get('master_replid2')).toBe(old.get('master_replid'));
    expect(info.get('second_repl_offset')).toBe(String(Number(old.get('master_repl_offset')) + 1));
    expect(((await r.call('ROLE')) as unknown[])[0]).toBe('master');
    const c = await connectIoredis((chained as SpawnedNode).port, { protocol: 2 });
    await waitUntil(async () => (await c.get('promoted')) === '1', 20_000, 'chained replica follows the promoted node');
    expect((chained as SpawnedNode).output()).toMatch(/partial resynchronization accepted by the primary/);
  });
});
