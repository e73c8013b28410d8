// Lists family against a spawned node: ioredis (RESP2/RESP3), node-redis, redis-cli, raw RESP, and blocking under load.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockedClients, closeAll, connectIoredis, connectRaw, waitBlocked, type RawConnection } from '../testing/clients.js';
import { rawExchange, redisCli, spawnNode, type SpawnedNode } from '../testing/harness.js';

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

describe('lists over the wire', () => {
  let node: SpawnedNode;
  /** ioredis speaks RESP3 by default; `io2` is the RESP2 twin. */
  let io: Redis;
  let io2: Redis;
  let nr: ReturnType<typeof createClient>;
  let nr3: ReturnType<typeof createClient>;

  /** Another ioredis connection (closed in afterAll); one closed on purpose stays closed. */
  const connect = (protocol: 2 | 3 = 3): Promise<Redis> => connectIoredis(node.port, { protocol, stayClosed: true });

  beforeAll(async () => {
    node = await spawnNode();
    [io, io2] = await Promise.all([connectIoredis(node.port), connectIoredis(node.port, { protocol: 2 })]);
    nr = createClient({ socket: { port: node.port, host: '127.0.0.1' }, RESP: 2 });
    nr3 = createClient({ socket: { port: node.port, host: '127.0.0.1' }, RESP: 3 });
    await Promise.all([nr.connect(), nr3.connect()]);
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([nr?.quit(), nr3?.quit()]);
    await node?.stop();
  });

  beforeEach(async () => {
    await io.flushall();
    expect(await blockedClients(io)).toBe(0);
  });

  describe('non-blocking commands', () => {
    it('push, pop, length and ranges through ioredis (RESP3 and RESP2)', async () => {
      for (const c of [io, io2]) {
        await c.del('l');
        expect(await c.lpush('l', 'b', 'a')).toBe(2);
        expect(await c.rpush('l', 'c', 'd')).toBe(4);
        expect(await c.lpushx('none', 'x')).toBe(0);
        expect(await c.rpushx('l', 'e')).toBe(5);
        expect(await c.llen('l')).toBe(5);
        expect(await c.lrange('l', 0, -1)).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await c.lrange('l', -2, 100)).toEqual(['d', 'e']);
        expect(await c.lindex('l', -1)).toBe('e');
        expect(await c.lindex('l', 10)).toBeNull();
        expect(await c.lpop('l')).toBe('a');
        expect(await c.rpop('l')).toBe('e');
        expect(await c.lpop('l', 2)).toEqual(['b', 'c']);
        expect(await c.rpop('l', 0)).toEqual([]);
        expect(await c.rpop('l', 5)).toEqual(['d']);
        expect(await c.exists('l')).toBe(0);
        expect(await c.lpop('l')).toBeNull();
        expect(await c.lpop('l', 3)).toBeNull();
      }
    });

    it('LSET, LINSERT, LREM, LTRIM, LPOS', async () => {
      await io.rpush('l', 'a', 'b', 'a', 'c', 'a');
      expect(await io.lset('l', 1, 'B')).toBe('OK');
      expect(await io.linsert('l', 'BEFORE', 'c', 'x')).toBe(6);
      expect(await io.linsert('l', 'AFTER', 'nope', 'x')).toBe(-1);
      expect(await io.lrange('l', 0, -1)).toEqual(['a', 'B', 'a', 'x', 'c', 'a']);
      expect(await io.lpos('l', 'a')).toBe(0);
      expect(await io.lpos('l', 'a', 'RANK', -1)).toBe(5);
      expect(await io.lpos('l', 'a', 'COUNT', 0)).toEqual([0, 2, 5]);
      expect(await io.lpos('l', 'a', 'COUNT', 0, 'MAXLEN', 3)).toEqual([0, 2]);
      expect(await io.lpos('l', 'zz')).toBeNull();
      expect(await io.lrem('l', -1, 'a')).toBe(1);
      expect(await io.lrem('l', 0, 'a')).toBe(2);
      expect(await io.ltrim('l', 1, -1)).toBe('OK');
      expect(await io.lrange('l', 0, -1)).toEqual(['x', 'c']);
      expect(await io.ltrim('l', 5, 10)).toBe('OK');
      expect(await io.exists('l')).toBe(0);
    });

    it('LMOVE, RPOPLPUSH, LMPOP', async () => {
      await io.rpush('src', '1', '2', '3');
      expect(await io.lmove('src', 'dst', 'LEFT', 'RIGHT')).toBe('1');
      expect(await io.rpoplpush('src', 'dst')).toBe('3');
      expect(await io.lrange('dst', 0, -1)).toEqual(['3', '1']);
      expect(await io.lmove('dst', 'dst', 'RIGHT', 'LEFT')).toBe('1');
      expect(await io.lrange('dst', 0, -1)).toEqual(['1', '3']);
      expect(await io.lmove('none', 'dst', 'LEFT', 'LEFT')).toBeNull();
      expect(await io.lmpop(2, 'none', 'dst', 'LEFT', 'COUNT', 5)).toEqual(['dst', ['1', '3']]);
      expect(await io.lmpop(1, 'none', 'LEFT')).toBeNull();
      expect(await io.exists('dst')).toBe(0);
    });

    it('error paths with Redis wording', async () => {
      await io.set('s', 'x');
      await io.rpush('l', 'a');
      await expect(io.lpush('s', 'x')).rejects.toThrow(WRONGTYPE);
      await expect(io.lrange('s', 0, 1)).rejects.toThrow(WRONGTYPE);
      await expect(io.lmove('l', 's', 'LEFT', 'LEFT')).rejects.toThrow(WRONGTYPE);
      await expect(io.call('LPOP', 'l', '-1')).rejects.toThrow('ERR value is out of range, must be positive');
      await expect(io.call('LSET', 'none', '0', 'x')).rejects.toThrow('ERR no such key');
      await expect(io.call('LSET', 'l', '5', 'x')).rejects.toThrow('ERR index out of range');
      await expect(io.call('LINSERT', 'l', 'MIDDLE', 'a', 'x')).rejects.toThrow('ERR syntax error');
      await expect(io.call('LPOS', 'l', 'a', 'RANK', '0')).rejects.toThrow("ERR RANK can't be zero");
      await expect(io.call('LPOS', 'l', 'a', 'COUNT', '-1')).rejects.toThrow("ERR COUNT can't be negative");
      await expect(io.call('LPOS', 'l', 'a', 'MAXLEN', '-1')).rejects.toThrow("ERR MAXLEN can't be negative");
      await expect(io.call('LMPOP', '0', 'l', 'LEFT')).rejects.toThrow('ERR numkeys should be greater than 0');
      await expect(io.call('LMPOP', '1', 'l', 'LEFT', 'COUNT', '0')).rejects.toThrow('ERR count should be greater than 0');
      await expect(io.call('BLPOP', 'l', 'x')).rejects.toThrow('ERR timeout is not a float or out of range');
      await expect(io.call('BLPOP', 'l', '-1')).rejects.toThrow('ERR timeout is negative');
      await expect(io.call('LPOP', 'l', '1', '2')).rejects.toThrow("ERR wrong number of arguments for 'lpop' command");
      expect(await io.lrange('l', 0, -1)).toEqual(['a']);
    });

    it('node-redis, RESP2 and RESP3', async () => {
      for (const c of [nr, nr3]) {
        await c.del('nl');
        expect(await c.rPush('nl', ['a', 'b', 'c', 'a'])).toBe(4);
        expect(await c.lPush('nl', 'z')).toBe(5);
        expect(await c.lRange('nl', 0, -1)).toEqual(['z', 'a', 'b', 'c', 'a']);
        expect(await c.lPos('nl', 'a', { RANK: 2 })).toBe(4);
        expect(await c.lPosCount('nl', 'a', 0)).toEqual([1, 4]);
        expect(await c.lInsert('nl', 'AFTER', 'b', 'bb')).toBe(6);
        expect(await c.lPopCount('nl', 2)).toEqual(['z', 'a']);
        expect(await c.lPopCount('missing', 2)).toBeNull();
        expect(await c.lPop('missing')).toBeNull();
        expect(await c.lmPop(['missing', 'nl'], 'RIGHT', { COUNT: 2 })).toEqual(['nl', ['a', 'c']]);
        expect(await c.lmPop('missing', 'LEFT')).toBeNull();
        expect(await c.lMove('nl', 'nl2', 'LEFT', 'LEFT')).toBe('b');
        expect(await c.lLen('nl')).toBe(1);
        expect(await c.blPop('missing', 0.01)).toBeNull();
        expect(await c.blPop(['missing', 'nl'], 0)).toEqual({ key: 'nl', element: 'bb' });
        expect(await c.blmPop(0.01, 'missing', 'LEFT')).toBeNull();
        expect(await c.blMove('missing', 'x', 'LEFT', 'LEFT', 0.01)).toBeNull();
        expect(await c.brPopLPush('nl2', 'nl3', 0)).toBe('b');
        await expect(c.sendCommand(['LSET', 'missing', '0', 'x'])).rejects.toThrow('ERR no such key');
      }
    });

    it('redis-cli', async () => {
      expect((await redisCli(node.port, ['RPUSH', 'cli', 'a', 'b c'])).stdout.trim()).toBe('2');
      expect((await redisCli(node.port, ['LRANGE', 'cli', '0', '-1'])).stdout).toBe('a\nb c\n');
      expect((await redisCli(node.port, ['--no-raw', 'BLPOP', 'none', '0.05'])).stdout.trim()).toBe('(nil)');
      expect((await redisCli(node.port, ['--no-raw', 'LPOP', 'cli', '5'])).stdout).toBe('1) "a"\n2) "b c"\n');
    });

    it('null shapes on the wire: RESP2 nil bulk vs nil array, RESP3 _', async () => {
      const cmd = (...a: string[]): string => `*${a.length}\r\n` + a.map((x) => `$${Buffer.byteLength(x)}\r\n${x}\r\n`).join('');
      const cmds = [cmd('LPOP', 'none'), cmd('LPOP', 'none', '1'), cmd('LMPOP', '1', 'none', 'LEFT'), cmd('BLPOP', 'none', '0.01'), cmd('BLMOVE', 'none', 'x', 'LEFT', 'LEFT', '0.01'), cmd('LINDEX', 'none', '0')];
      const r2 = await rawExchange(node.port, cmds.join(''), (b) => b.toString().split('\r\n').length > 6);
      expect(r2.data.toString()).toBe('$-1\r\n*-1\r\n*-1\r\n*-1\r\n*-1\r\n$-1\r\n');
      const r3 = await rawExchange(node.port, cmd('HELLO', '3') + cmds.join(''), (b) => b.toString().endsWith('_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n'));
      expect(r3.data.toString().endsWith('_\r\n_\r\n_\r\n_\r\n_\r\n_\r\n')).toBe(true);
    });
  });

  describe('blocking', () => {
    it('a blocked BLPOP is woken by an LPUSH from another client', async () => {
      const a = await connect();
      const p = a.blpop('k1', 'k2', 0);
      await waitBlocked(io, 1);
      expect(await io.lpush('k2', 'x', 'y')).toBe(2);
      expect(await p).toEqual(['k2', 'y']);
      expect(await io.lrange('k2', 0, -1)).toEqual(['x']);
      expect(await blockedClients(io)).toBe(0);
    });

    it('BRPOP and BLMPOP served later, RESP2 clients', async () => {
      const a = await connect(2);
      const b = await connect(2);
      const pa = a.brpop('q', 0);
      await waitBlocked(io, 1);
      const pb = b.call('BLMPOP', '0', '1', 'q', 'LEFT', 'COUNT', '2');
      await waitBlocked(io, 2);
      await io.rpush('q', '1', '2', '3', '4');
      expect(await pa).toEqual(['q', '4']);
      expect(await pb).toEqual(['q', ['1', '2']]);
      expect(await io.lrange('q', 0, -1)).toEqual(['3']);
    });

    it('BLMOVE and BRPOPLPUSH wait for the source, and their push wakes the next waiter', async () => {
      const a = await connect();
      const b = await connect();
      const c = await connect();
      const pa = a.blmove('src', 'mid', 'RIGHT', 'LEFT', 0);
      await waitBlocked(io, 1);
      const pb = b.brpoplpush('mid', 'dst', 0);
      await waitBlocked(io, 2);
      const pc = c.blpop('dst', 0);
      await waitBlocked(io, 3);
      await io.rpush('src', 'v');
      expect(await pa).toBe('v');
      expect(await pb).toBe('v');
      expect(await pc).toEqual(['dst', 'v']);
      expect(await io.exists('src', 'mid', 'dst')).toBe(0);
    });

    it('BLMOVE with source = destination rotates once the list appears', async () => {
      const a = await connect();
      const p = a.blmove('r', 'r', 'LEFT', 'RIGHT', 0);
      await waitBlocked(io, 1);
      await io.rpush('r', '1', '2', '3');
      expect(await p).toBe('1');
      expect(await io.lrange('r', 0, -1)).toEqual(['2', '3', '1']);
    });

    it('fractional timeouts expire with nil; timeout 0 keeps waiting', async () => {
      const forever = await connect();
      const short = await connect(2);
      const pf = forever.brpop('t0', 0);
      await waitBlocked(io, 1);
      const t0 = Date.now();
      expect(await short.blpop('tf', 0.2)).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      expect(await short.blmove('tf', 'x', 'LEFT', 'LEFT', 0.05)).toBeNull();
      expect(await short.call('BLMPOP', '0.05', '1', 'tf', 'LEFT')).toBeNull();
      // The timeout-0 waiter outlived all of them.
      expect(await blockedClients(io)).toBe(1);
      await io.rpush('t0', 'late');
      expect(await pf).toEqual(['t0', 'late']);
    });

    it('CLIENT UNBLOCK with TIMEOUT answers nil, with ERROR an UNBLOCKED error', async () => {
      const a = await connect();
      const id = Number(await a.client('ID'));
      const p1 = a.blpop('u', 0);
      await waitBlocked(io, 1);
      expect(await io.client('UNBLOCK', id, 'TIMEOUT')).toBe(1);
      expect(await p1).toBeNull();
      const p2 = a.blmove('u', 'v', 'LEFT', 'LEFT', 0);
      await waitBlocked(io, 1);
      expect(await io.client('UNBLOCK', id, 'ERROR')).toBe(1);
      await expect(p2).rejects.toThrow('UNBLOCKED client unblocked via CLIENT UNBLOCK');
      expect(await io.client('UNBLOCK', id)).toBe(0);
      // Nothing is handed to it afterwards.
      await io.rpush('u', 'kept');
      expect(await io.lrange('u', 0, -1)).toEqual(['kept']);
    });

    it('WRONGTYPE: at once, for a destination turned string while waiting, and a key turned string keeps the waiter', async () => {
      await io.set('s', 'x');
      const a = await connect();
      await expect(a.blpop('none', 's', 0)).rejects.toThrow(WRONGTYPE);
      await expect(a.blmove('s', 'd', 'LEFT', 'LEFT', 0)).rejects.toThrow(WRONGTYPE);
      await expect(a.call('BLMPOP', '0', '1', 's', 'LEFT')).rejects.toThrow(WRONGTYPE);

      const pm = a.blmove('src', 'dst', 'LEFT', 'LEFT', 0);
      await waitBlocked(io, 1);
      await io.set('dst', 'string');
      await io.rpush('src', 'e');
      await expect(pm).rejects.toThrow(WRONGTYPE);
      expect(await io.lrange('src', 0, -1)).toEqual(['e']);

      const pk = a.blpop('k', 0);
      await waitBlocked(io, 1);
      await io.set('k', 'string');
      // Served (or not) synchronously after SET: the waiter is still parked.
      expect(await blockedClients(io)).toBe(1);
      await io.del('k');
      await io.rpush('k', 'v');
      expect(await pk).toEqual(['k', 'v']);
    });

    it('100 clients block on the same keys, some disconnect; every element is received once by a live client or stays', async () => {
      const IOREDIS = 90;
      const RAW = 10;
      const clients: Redis[] = await Promise.all(Array.from({ length: IOREDIS }, (_, i) => connect(i % 2 === 0 ? 3 : 2)));
      type Waiting = { i: number; kind: 'blpop' | 'brpop' | 'blmove'; reply: Promise<string | string[] | null> };
      const waiting: Waiting[] = [];
      for (let i = 0; i < IOREDIS; i++) {
        const c = clients[i] as Redis;
        const kind = (['blpop', 'brpop', 'blmove'] as const)[i % 3] as Waiting['kind'];
        const reply =
          kind === 'blpop' ? c.blpop('q1', 'q2', 0) : kind === 'brpop' ? c.brpop('q2', 'q1', 0) : c.blmove('q1', `moved:${i}`, 'LEFT', 'RIGHT', 0);
        // A disconnected client's pending command rejects; that is expected, not a failure.
        reply.catch(() => undefined);
        waiting.push({ i, kind, reply });
      }
      // Ten raw connections block too, then vanish abruptly (destroy, no QUIT).
      const raws: RawConnection[] = [];
      for (let r = 0; r < RAW; r++) {
        const raw = await connectRaw(node.port);
        raws.push(raw);
        raw.sock.write('*4\r\n$5\r\nBLPOP\r\n$2\r\nq1\r\n$2\r\nq2\r\n$1\r\n0\r\n');
      }
      await waitBlocked(io, IOREDIS + RAW);

      // Every fifth ioredis client disconnects cleanly; every raw socket is destroyed.
      const gone = new Set<number>();
      for (let i = 0; i < IOREDIS; i += 5) {
        (clients[i] as Redis).disconnect();
        gone.add(i);
      }
      for (const raw of raws) raw.sock.destroy();
      const live = waiting.filter((w) => !gone.has(w.i));
      await waitBlocked(io, live.length);

      // More elements than live waiters, over both keys and several commands, some from a pipeline.
      const pushed: string[] = [];
      const el = (): string => {
        const v = `e${pushed.length}`;
        pushed.push(v);
        return v;
      };
      const pusher = await connect();
      await pusher.rpush('q1', ...Array.from({ length: 30 }, el));
      await pusher.lpush('q2', ...Array.from({ length: 20 }, el));
      const pipe = pusher.pipeline();
      for (let k = 0; k < 40; k++) pipe.rpush(k % 2 === 0 ? 'q1' : 'q2', el());
      await pipe.exec();
      await pusher.rpush('q1', ...Array.from({ length: 40 }, el));

      const received = new Map<string, number>();
      for (const w of live) {
        const r = await w.reply;
        let v: string;
        if (w.kind === 'blmove') {
          expect(typeof r).toBe('string');
          v = r as string;
          // The moved element sits in that client's own destination, and only there.
          expect(await io.lrange(`moved:${w.i}`, 0, -1)).toEqual([v]);
        } else {
          expect(Array.isArray(r)).toBe(true);
          const [key, value] = r as string[];
          expect(['q1', 'q2']).toContain(key);
          v = value as string;
        }
        received.set(v, (received.get(v) ?? 0) + 1);
      }
      const remaining = [...(await io.lrange('q1', 0, -1)), ...(await io.lrange('q2', 0, -1))];

      // Exactly once: no element twice, none lost, none handed to a closed connection.
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      expect(received.size).toBe(live.length);
      for (const v of remaining) expect(received.has(v)).toBe(false);
      expect(new Set(remaining).size).toBe(remaining.length);
      expect(received.size + remaining.length).toBe(pushed.length);
      expect(new Set([...received.keys(), ...remaining])).toEqual(new Set(pushed));
      for (const i of gone) if (i % 3 === 2) expect(await io.exists(`moved:${i}`)).toBe(0);
      expect(await blockedClients(io)).toBe(0);
    });
  });
});
