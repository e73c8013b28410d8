// Pub/Sub, transactions and WATCH races against a spawned node, with ioredis and node-redis.
import net from 'node:net';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, openIoredis } from '../testing/clients.js';
import { rawExchange, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

let node: SpawnedNode;
/** Another ioredis connection to the node (closed in afterAll). */
const io = (opts: { protocol?: 2 | 3 } = {}): Redis => openIoredis(node.port, opts);

beforeAll(async () => {
  node = await spawnNode({ args: ['--client-output-buffer-limit-pubsub', '1mb 512kb 60'] });
});
afterAll(async () => {
  closeAll();
  await node.stop();
});

describe('pub/sub', () => {
  it('ioredis subscriber (RESP2) receives messages and pattern messages', async () => {
    const sub = io({ protocol: 2 });
    const pub = io();
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (pat: string, ch: string, msg: string) => got.push(`${pat}|${ch}:${msg}`));
    await sub.subscribe('news', 'sport');
    await sub.psubscribe('n*');
    expect(await pub.publish('news', 'hello')).toBe(2);
    expect(await pub.publish('sport', 'goal')).toBe(1);
    await waitUntil(() => got.length === 3, 5000, 'three messages');
    expect(got).toEqual(['news:hello', 'n*|news:hello', 'sport:goal']);
    // (ioredis refuses non-pub/sub commands itself in this mode; the node's refusal is checked raw below.)
    expect(await pub.pubsub('NUMSUB', 'news')).toEqual(['news', 1]);
    expect(await pub.pubsub('NUMPAT')).toBe(1);
  });

  it('node-redis subscriber in RESP3 gets push messages and keeps using the connection', async () => {
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1' }, RESP: 3 });
    await c.connect();
    try {
      const got: string[] = [];
      await c.subscribe('resp3', (msg) => got.push(msg));
      // RESP3 allows ordinary commands on a subscribed connection.
      expect(await c.set('after-subscribe', 'ok')).toBe('OK');
      const pub = io();
      expect(await pub.publish('resp3', 'pushed')).toBe(1);
      await waitUntil(() => got.length === 1, 5000, 'push message');
      expect(got).toEqual(['pushed']);
    } finally {
      await c.quit();
    }
  });

  it('a RESP2 subscriber may only (un)subscribe, PING, QUIT or RESET', async () => {
    const { data } = await rawExchange(node.port, 'SUBSCRIBE a\r\nGET x\r\nPING\r\n', (b) => b.toString().includes('pong'));
    expect(data.toString()).toContain(
      "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
    );
    expect(data.toString()).toContain('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
  });

  it('binary channel names and payloads round-trip', async () => {
    const sub = io({ protocol: 2 });
    const pub = io();
    const bin = Buffer.from([0, 1, 2, 255, 13, 10]);
    const got: Buffer[] = [];
    sub.on('messageBuffer', (_ch: Buffer, msg: Buffer) => got.push(msg));
    await sub.subscribe('bin');
    await pub.publish('bin', bin);
    await waitUntil(() => got.length === 1, 5000, 'binary message');
    expect(Buffer.compare(got[0] as Buffer, bin)).toBe(0);
  });

  it('a subscriber that never reads is cut off at its output limit while the node stays healthy', async () => {
    const sock = net.connect(node.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    // Subscribe, then stop reading: replies pile up in the node's socket buffer.
    sock.write('SUBSCRIBE flood\r\n');
    const pub = io();
    await waitUntil(async () => (await pub.pubsub('NUMSUB', 'flood'))[1] === 1, 5000, 'subscription');
    sock.pause();
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => undefined);
    const payload = 'x'.repeat(64 * 1024);
    // 1 MB hard limit: well before 64 MB of messages the node must drop the subscriber.
    let sent = 0;
    while (sent < 1000 && (await pub.publish('flood', payload)) === 1) sent++;
    expect(sent).toBeLessThan(1000);
    sock.resume();
    await closed;
    expect(await pub.ping()).toBe('PONG');
    expect(await pub.pubsub('NUMSUB', 'flood')).toEqual(['flood', 0]);
  });
});

describe('transactions', () => {
  it('MULTI/EXEC through ioredis multi()', async () => {
    const c = io();
    const res = await c.multi().set('tx:a', '1').incr('tx:a').get('tx:a').exec();
    expect(res).toEqual([
      [null, 'OK'],
      [null, 2],
      [null, '2'],
    ]);
  });

  it('EXECABORT on a queue-time error', async () => {
    const c = io();
    await expect(c.multi().set('tx:b', '1').call('set', 'only-key').exec()).rejects.toThrow(/EXECABORT/);
    expect(await c.get('tx:b')).toBeNull();
  });

  it('WATCH race: concurrent optimistic increments from 5 connections lose no update', async () => {
    const clients = Array.from({ length: 5 }, () => io());
    await clients[0]?.set('counter', '0');
    let attempts = 0;
    const incrementWithWatch = async (c: Redis): Promise<void> => {
      for (;;) {
        attempts++;
        await c.watch('counter');
        const v = Number(await c.get('counter'));
        const res = await c.multi().set('counter', String(v + 1)).exec();
        if (res !== null) return;
      }
    };
    await Promise.all(
      clients.map(async (c) => {
        for (let i = 0; i < 4; i++) await incrementWithWatch(c);
      }),
    );
    expect(await clients[0]?.get('counter')).toBe('20');
    expect(attempts).toBeGreaterThanOrEqual(20);
  });

  it('WATCH with node-redis: a change by another connection aborts EXEC', async () => {
    const c = createClient({ socket: { port: node.port, host: '127.0.0.1' } });
    await c.connect();
    const other = io();
    try {
      const iso = await c.duplicate().connect();
      await iso.watch('nr:k');
      await other.set('nr:k', 'changed');
      await expect(iso.multi().set('nr:k', 'mine').exec()).rejects.toThrow();
      expect(await other.get('nr:k')).toBe('changed');
      await iso.quit();
    } finally {
      await c.quit();
    }
  });

  it('keyspace notifications for expired keys reach a subscriber', async () => {
    const admin = io();
    await admin.config('SET', 'notify-keyspace-events', 'Ex');
    const sub = io({ protocol: 2 });
    const got: string[] = [];
    sub.on('message', (_ch: string, key: string) => got.push(key));
    await sub.subscribe('__keyevent@0__:expired');
    await admin.set('short-lived', 'v', 'PX', 20);
    // Nobody touches the key: the active expiry cycle must find it and notify.
    await waitUntil(() => got.includes('short-lived'), 5000, 'expired event');
    await admin.config('SET', 'notify-keyspace-events', '');
  });
});
