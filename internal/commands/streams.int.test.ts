// Streams family against a spawned node: ioredis (RESP3 and RESP2), node-redis, raw RESP, consumer groups and blocked readers woken by other clients.
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { blockedClients, closeAll, connectIoredis, connectRaw, resp, waitBlocked } from '../testing/clients.js';
import { rawExchange, spawnNode, type SpawnedNode } from '../testing/harness.js';

describe('streams over the wire', () => {
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

  describe('entries', () => {
    it('XADD, XRANGE, XREVRANGE, XLEN, XDEL, XTRIM through ioredis (RESP3 and RESP2)', async () => {
      for (const c of [io, io2]) {
        await c.del('s');
        expect(await c.xadd('s', '1-1', 'a', '1')).toBe('1-1');
        expect(await c.xadd('s', '1-*', 'b', '2')).toBe('1-2');
        const auto = await c.xadd('s', '*', 'c', '3');
        expect(auto).toMatch(/^\d+-0$/);
        expect(await c.xadd('s', 'NOMKSTREAM', 'MAXLEN', '=', '10', '*', 'd', '4')).toMatch(/^\d+-\d+$/);
        expect(await c.xadd('none', 'NOMKSTREAM', '*', 'x', 'y')).toBeNull();
        expect(await c.xlen('s')).toBe(4);
        expect(await c.xrange('s', '-', '+', 'COUNT', 2)).toEqual([
          ['1-1', ['a', '1']],
          ['1-2', ['b', '2']],
        ]);
        expect(await c.xrange('s', '(1-1', '(1-2')).toEqual([]);
        expect((await c.xrevrange('s', '+', '-', 'COUNT', 1))[0]?.[1]).toEqual(['d', '4']);
        expect(await c.xdel('s', '1-2', '9-9')).toBe(1);
        expect(await c.xtrim('s', 'MAXLEN', 1)).toBe(2);
        expect(await c.xlen('s')).toBe(1);
        await expect(c.xadd('s', '1-1', 'a', 'b')).rejects.toThrow('ERR The ID specified in XADD is equal or smaller than the target stream top item');
        await expect(c.xadd('s', '0-0', 'a', 'b')).rejects.toThrow('ERR The ID specified in XADD must be greater than 0-0');
        await expect(c.xadd('s', 'bad', 'a', 'b')).rejects.toThrow('ERR Invalid stream ID specified as stream command argument');
        await c.set('str', 'x');
        await expect(c.xadd('str', '*', 'a', 'b')).rejects.toThrow('WRONGTYPE');
        expect(await c.type('s')).toBe('stream');
      }
    });

    it('XREAD of several streams, $ and COUNT; RESP3 and RESP2 give clients the same shape', async () => {
      await io.xadd('s', '1-1', 'a', '1');
      await io.xadd('s', '2-1', 'b', '2');
      await io.xadd('t', '5-1', 'c', '3');
      for (const c of [io, io2]) {
        expect(await c.xread('STREAMS', 's', 't', '1-1', '0')).toEqual([
          ['s', [['2-1', ['b', '2']]]],
          ['t', [['5-1', ['c', '3']]]],
        ]);
        expect(await c.xread('COUNT', 1, 'STREAMS', 's', '0')).toEqual([['s', [['1-1', ['a', '1']]]]]);
        expect(await c.xread('STREAMS', 's', 't', '$', '$')).toBeNull();
      }
    });

    it('node-redis RESP2 and RESP3: typed replies for ranges, reads and XINFO', async () => {
      for (const c of [nr, nr3]) {
        await c.del('n');
        expect(await c.xAdd('n', '1-1', { f: 'v1' })).toBe('1-1');
        expect(await c.xAdd('n', '*', { f: 'v2', g: 'w' }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '=', threshold: 5 } })).toMatch(/^\d+-0$/);
        expect(await c.xRange('n', '-', '+', { COUNT: 1 })).toEqual([{ id: '1-1', message: { f: 'v1' } }]);
        expect(await c.xRead({ key: 'n', id: '0' }, { COUNT: 1 })).toEqual([{ name: 'n', messages: [{ id: '1-1', message: { f: 'v1' } }] }]);
        expect(await c.xLen('n')).toBe(2);
        const info = await c.xInfoStream('n');
        expect(info.length).toBe(2);
        expect(info['first-entry']).toEqual({ id: '1-1', message: { f: 'v1' } });
        expect(info['entries-added']).toBe(2);
      }
    });

    it('null shapes on the wire: RESP2 *-1 / $-1, RESP3 _', async () => {
      await io.xadd('s', '1-1', 'a', '1');
      const cmds = [resp('XRANGE', 's', '-', '+', 'COUNT', '0'), resp('XREAD', 'STREAMS', 's', '$'), resp('XADD', 'n', 'NOMKSTREAM', '*', 'a', 'b')];
      const r2 = await rawExchange(node.port, cmds.join(''), (b) => b.toString().split('\r\n').length > 3);
      expect(r2.data.toString()).toBe('*-1\r\n*-1\r\n$-1\r\n');
      const r3 = await rawExchange(node.port, resp('HELLO', '3') + cmds.join(''), (b) => b.toString().endsWith('_\r\n_\r\n_\r\n'));
      expect(r3.data.toString().endsWith('_\r\n_\r\n_\r\n')).toBe(true);
    });
  });

  describe('consumer groups', () => {
    it('CREATE, READGROUP >, ACK, PENDING, CLAIM, AUTOCLAIM and XINFO through ioredis', async () => {
      for (let i = 1; i <= 5; i++) await io.xadd('s', `${i}-1`, 'f', `v${i}`);
      expect(await io.xgroup('CREATE', 's', 'g', '0')).toBe('OK');
      await expect(io.xgroup('CREATE', 's', 'g', '0')).rejects.toThrow('BUSYGROUP Consumer Group name already exists');
      expect(await io.xgroup('CREATE', 'made', 'g', '$', 'MKSTREAM')).toBe('OK');
      expect(await io.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 2, 'STREAMS', 's', '>')).toEqual([
        ['s', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]]],
      ]);
      expect(await io2.xreadgroup('GROUP', 'g', 'bob', 'COUNT', 2, 'STREAMS', 's', '>')).toEqual([
        ['s', [['3-1', ['f', 'v3']], ['4-1', ['f', 'v4']]]],
      ]);
      // History: alice's own pending entries.
      expect(await io.xreadgroup('GROUP', 'g', 'alice', 'STREAMS', 's', '0')).toEqual([
        ['s', [['1-1', ['f', 'v1']], ['2-1', ['f', 'v2']]]],
      ]);
      expect(await io.xack('s', 'g', '1-1', '9-9')).toBe(1);
      expect(await io.xpending('s', 'g')).toEqual([3, '2-1', '4-1', [['alice', '1'], ['bob', '2']]]);
      const ext = (await io2.xpending('s', 'g', '-', '+', 10)) as [string, string, number, number][];
      expect(ext.map(([id, c, , n]) => [id, c, n])).toEqual([
        ['2-1', 'alice', 2],
        ['3-1', 'bob', 1],
        ['4-1', 'bob', 1],
      ]);
      expect(await io.xclaim('s', 'g', 'carol', 0, '3-1', 'JUSTID')).toEqual(['3-1']);
      expect(await io.xautoclaim('s', 'g', 'dave', 0, '0', 'COUNT', 1)).toEqual(['3-1', [['2-1', ['f', 'v2']]], []]);
      await io.xdel('s', '4-1');
      expect(await io.xautoclaim('s', 'g', 'dave', 0, '3-1', 'JUSTID')).toEqual(['0-0', ['3-1'], ['4-1']]);
      const groups = (await io.xinfo('GROUPS', 's')) as unknown[][];
      // 4-1 was deleted at the group's cursor: the lag cannot be known (nil), as in Redis 7.0.
      expect(groups).toEqual([['name', 'g', 'consumers', 4, 'pending', 2, 'last-delivered-id', '4-1', 'entries-read', 4, 'lag', null]]);
      const consumers = (await io2.xinfo('CONSUMERS', 's', 'g')) as unknown[][];
      expect(consumers.map((c) => [c[1], c[3]])).toEqual([
        ['alice', 0],
        ['bob', 0],
        ['carol', 0],
        ['dave', 2],
      ]);
      const stream = (await io.xinfo('STREAM', 's')) as unknown[];
      expect(stream.slice(0, 14)).toEqual([
        'length', 4,
        'radix-tree-keys', 1,
        'radix-tree-nodes', 2,
        'last-generated-id', '5-1',
        'max-deleted-entry-id', '4-1',
        'entries-added', 5,
        'recorded-first-entry-id', '1-1',
      ]);
      const full = (await io.xinfo('STREAM', 's', 'FULL', 'COUNT', 1)) as unknown[];
      expect(full[full.indexOf('entries') + 1]).toEqual([['1-1', ['f', 'v1']]]);
      await expect(io.xreadgroup('GROUP', 'nog', 'c', 'STREAMS', 's', '>')).rejects.toThrow(
        "NOGROUP No such key 's' or consumer group 'nog' in XREADGROUP with GROUP option",
      );
      expect(await io.xgroup('DELCONSUMER', 's', 'g', 'dave')).toBe(2);
      expect(await io.xgroup('DESTROY', 's', 'g')).toBe(1);
    });

    it('node-redis consumer group helpers (RESP2 and RESP3)', async () => {
      for (const c of [nr, nr3]) {
        await c.del('q');
        await c.xAdd('q', '1-1', { job: 'a' });
        await c.xAdd('q', '2-1', { job: 'b' });
        expect(await c.xGroupCreate('q', 'workers', '0')).toBe('OK');
        expect(await c.xReadGroup('workers', 'w1', { key: 'q', id: '>' }, { COUNT: 1 })).toEqual([
          { name: 'q', messages: [{ id: '1-1', message: { job: 'a' } }] },
        ]);
        expect(await c.xPending('q', 'workers')).toEqual({ pending: 1, firstId: '1-1', lastId: '1-1', consumers: [{ name: 'w1', deliveriesCounter: 1 }] });
        const auto = await c.xAutoClaim('q', 'workers', 'w2', 0, '0');
        expect(auto.nextId).toBe('0-0');
        expect(auto.messages).toEqual([{ id: '1-1', message: { job: 'a' } }]);
        expect(await c.xAck('q', 'workers', '1-1')).toBe(1);
        const groups = await c.xInfoGroups('q');
        expect(groups[0]).toMatchObject({ name: 'workers', pending: 0, 'last-delivered-id': '1-1', 'entries-read': 1, lag: 1 });
      }
    });
  });

  describe('blocking', () => {
    it('a blocked XREAD is woken by XADD from another client; $ is the last ID at the time it blocked', async () => {
      await io.xadd('s', '1-1', 'old', 'x');
      const reader = await connect();
      const p = reader.xread('BLOCK', 0, 'STREAMS', 's', '$');
      await waitBlocked(io, 1);
      const writer = await connect(2);
      const id = await writer.xadd('s', '*', 'new', 'y');
      expect(await p).toEqual([['s', [[id, ['new', 'y']]]]]);
      expect(await blockedClients(io)).toBe(0);
    });

    it('a blocked XREADGROUP is woken by XADD; two consumers of one group get different entries', async () => {
      await io.xgroup('CREATE', 'jobs', 'g', '$', 'MKSTREAM');
      const a = await connect();
      const b = await connect(2);
      const pa = a.xreadgroup('GROUP', 'g', 'alice', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'jobs', '>');
      await waitBlocked(io, 1);
      const pb = b.xreadgroup('GROUP', 'g', 'bob', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'jobs', '>');
      await waitBlocked(io, 2);
      const writer = await connect();
      const pipe = writer.multi();
      pipe.xadd('jobs', '1-1', 'n', '1');
      pipe.xadd('jobs', '2-1', 'n', '2');
      await pipe.exec();
      expect(await pa).toEqual([['jobs', [['1-1', ['n', '1']]]]]);
      expect(await pb).toEqual([['jobs', [['2-1', ['n', '2']]]]]);
      expect(await io.xpending('jobs', 'g')).toEqual([2, '1-1', '2-1', [['alice', '1'], ['bob', '1']]]);
    });

    it('node-redis blocked xRead and xReadGroup on dedicated connections', async () => {
      await nr.xGroupCreate('nq', 'g', '$', { MKSTREAM: true });
      const r1 = nr.duplicate();
      const r2 = nr3.duplicate();
      await Promise.all([r1.connect(), r2.connect()]);
      try {
        const p1 = r1.xRead({ key: 'nq', id: '$' }, { BLOCK: 0 });
        await waitBlocked(io, 1);
        const p2 = r2.xReadGroup('g', 'c', { key: 'nq', id: '>' }, { BLOCK: 0 });
        await waitBlocked(io, 2);
        await nr.xAdd('nq', '7-1', { hello: 'world' });
        const want = [{ name: 'nq', messages: [{ id: '7-1', message: { hello: 'world' } }] }];
        expect(await p1).toEqual(want);
        expect(await p2).toEqual(want);
      } finally {
        await Promise.allSettled([r1.quit(), r2.quit()]);
      }
    });

    it('BLOCK times out with nil; a group destroyed or a stream deleted ends XREADGROUP with an error', async () => {
      const a = await connect();
      const t0 = Date.now();
      expect(await a.xread('BLOCK', 100, 'STREAMS', 'quiet', '$')).toBeNull();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
      await io.xgroup('CREATE', 's', 'g', '$', 'MKSTREAM');
      const p1 = a.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>');
      await waitBlocked(io, 1);
      await io.xgroup('DESTROY', 's', 'g');
      await expect(p1).rejects.toThrow('NOGROUP the consumer group this client was blocked on no longer exists');
      await io.xgroup('CREATE', 's', 'g', '$');
      const p2 = a.xreadgroup('GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 's', '>');
      await waitBlocked(io, 1);
      await io.del('s');
      await expect(p2).rejects.toThrow('UNBLOCKED the stream key no longer exists');
      expect(await blockedClients(io)).toBe(0);
    });

    it('clients that disconnect while blocked are dropped; the entries go to the readers still there', async () => {
      await io.xgroup('CREATE', 'd', 'g', '$', 'MKSTREAM');
      const gone = await connect();
      const stay = await connect(2);
      const pg = gone.xreadgroup('GROUP', 'g', 'gone', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'd', '>');
      pg.catch(() => undefined);
      await waitBlocked(io, 1);
      // A raw socket blocks too and vanishes without QUIT.
      const raw = await connectRaw(node.port);
      raw.send('XREADGROUP', 'GROUP', 'g', 'raw', 'BLOCK', '0', 'STREAMS', 'd', '>');
      await waitBlocked(io, 2);
      const ps = stay.xreadgroup('GROUP', 'g', 'stay', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'd', '>');
      await waitBlocked(io, 3);
      gone.disconnect();
      raw.sock.destroy();
      await waitBlocked(io, 1);
      await io.xadd('d', '1-1', 'k', 'v');
      expect(await ps).toEqual([['d', [['1-1', ['k', 'v']]]]]);
      // Nothing was delivered to (or left pending for) the closed connections.
      expect(await io.xpending('d', 'g')).toEqual([1, '1-1', '1-1', [['stay', '1']]]);
      const consumers = (await io.xinfo('CONSUMERS', 'd', 'g')) as unknown[][];
      expect(consumers.map((c) => c[1])).toEqual(['stay']);
      expect(await blockedClients(io)).toBe(0);
    });
  });
});
