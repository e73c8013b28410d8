// Connection-level commands side by side with redis-server 7.0.15: CLIENT (REPLY, PAUSE, KILL, LIST, INFO...), AUTH/HELLO, MONITOR, LOLWUT, MODULE, ROLE.
//
// The same commands go to a real redis-server and to a ringcache node; replies are compared byte
// for byte after masking what differs by nature (ids, addresses, ports, ages, buffer sizes,
// timestamps, and HELLO's `mode`: a ringcache node is always cluster-enabled).
import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockedClients, closeAll, connectIoredis, connectRaw, pipelineReplies, respFrame, splitFrames, type RawConnection } from '../testing/clients.js';
import { spawnNode, startCluster, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';

/** Masks what differs by nature between two servers. */
function mask(s: string): string {
  return s
    .replace(/\b(id|fd|age|idle|qbuf|qbuf-free|argv-mem|rbs|rbp|obl|oll|omem|tot-mem)=\d+/g, '$1=N')
    .replace(/\bevents=\w+/g, 'events=E')
    .replace(/127\.0\.0\.1:\d+/g, 'ADDR')
    .replace(/^([$=])\d+\r\n(txt:)?id=/, '$1L\r\n$2id=')
    .replace(/\$2\r\nid\r\n:\d+/g, '$2\r\nid\r\n:N')
    .replace(/\$4\r\nmode\r\n\$7\r\ncluster\r\n/g, '$4\r\nmode\r\n$10\r\nstandalone\r\n')
    .replace(/^:\d+\r\n$/, ':N\r\n')
    .replace(/\+\d+\.\d{6} \[/g, '+TS [');
}

/** The reply frames of `cmds`, masked. */
async function pipeline(port: number, cmds: readonly (readonly string[])[]): Promise<string[]> {
  return (await pipelineReplies(port, cmds, 10_000)).map(mask);
}

/** The connection-level cases, run as one pipeline on each server. */
const CASES: string[][] = [
  ['CLIENT', 'SETNAME', 'a b'],
  ['CLIENT', 'SETNAME', '\xc3\xa9'],
  ['CLIENT', 'SETNAME', ''],
  ['CLIENT', 'GETNAME'],
  ['CLIENT', 'SETNAME', 'x'],
  ['CLIENT', 'GETNAME'],
  ['CLIENT', 'GETNAME', 'x'],
  ['CLIENT', 'ID', 'x'],
  ['CLIENT', 'HELP'],
  ['CLIENT', 'NOSUCH'],
  ['CLIENT', 'SETINFO', 'lib-name', 'x'],
  ['CLIENT', 'NO-EVICT', 'foo'],
  ['CLIENT', 'NO-EVICT', 'on'],
  ['CLIENT', 'INFO'],
  ['CLIENT', 'NO-EVICT', 'OFF'],
  ['CLIENT', 'LIST', 'TYPE', 'normal'],
  ['CLIENT', 'LIST', 'TYPE', 'Replica'],
  ['CLIENT', 'LIST', 'TYPE', 'slave'],
  ['CLIENT', 'LIST', 'TYPE', 'master'],
  ['CLIENT', 'LIST', 'TYPE', 'pubsub'],
  ['CLIENT', 'LIST', 'TYPE', 'foo'],
  ['CLIENT', 'LIST', 'ID', 'abc'],
  ['CLIENT', 'LIST', 'ID', '1', 'abc'],
  ['CLIENT', 'LIST', 'ID'],
  ['CLIENT', 'LIST', 'ID', '0', '999999'],
  ['CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1'],
  ['CLIENT', 'LIST', 'foo'],
  ['CLIENT', 'KILL'],
  ['CLIENT', 'KILL', '1.2.3.4:5'],
  ['CLIENT', 'KILL', 'ID'],
  ['CLIENT', 'KILL', 'ID', 'abc'],
  ['CLIENT', 'KILL', 'ID', '0'],
  ['CLIENT', 'KILL', 'ID', '999999'],
  ['CLIENT', 'KILL', 'TYPE', 'foo'],
  ['CLIENT', 'KILL', 'ID', '999999', 'TYPE', 'foo'],
  ['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME'],
  ['CLIENT', 'KILL', 'SKIPME', 'maybe'],
  ['CLIENT', 'KILL', 'foo', 'bar'],
  ['CLIENT', 'KILL', 'MAXAGE', '1'],
  ['CLIENT', 'KILL', 'USER', 'nouser'],
  ['CLIENT', 'KILL', 'USER', 'default', 'ID', '999999'],
  ['CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'],
  ['CLIENT', 'KILL', 'LADDR', '127.0.0.1:1'],
  ['CLIENT', 'KILL', 'SKIPME', 'no', 'ID', '999999'],
  ['CLIENT', 'KILL', 'a', 'b', 'c', 'd', 'e'],
  ['CLIENT', 'UNBLOCK', 'abc'],
  ['CLIENT', 'UNBLOCK', '999999'],
  ['CLIENT', 'UNBLOCK', '999999', 'nope'],
  ['CLIENT', 'UNBLOCK', '1', 'timeout', 'x'],
  ['CLIENT', 'PAUSE'],
  ['CLIENT', 'PAUSE', 'abc'],
  ['CLIENT', 'PAUSE', '-1'],
  ['CLIENT', 'PAUSE', '10', 'foo'],
  ['CLIENT', 'PAUSE', 'abc', 'foo'],
  ['CLIENT', 'PAUSE', '10', 'write', 'x'],
  ['CLIENT', 'PAUSE', '99999999999999999999'],
  ['CLIENT', 'PAUSE', '9223372036854775807'],
  ['CLIENT', 'PAUSE', '0', 'WRITE'],
  ['CLIENT', 'UNPAUSE', 'x'],
  ['CLIENT', 'UNPAUSE'],
  ['CLIENT', 'REPLY'],
  ['CLIENT', 'REPLY', 'foo'],
  ['CLIENT', 'REPLY', 'SKIP'],
  ['PING'],
  ['PING', 'after-skip'],
  ['CLIENT', 'REPLY', 'OFF'],
  ['PING'],
  ['NOSUCH'],
  ['CLIENT', 'REPLY', 'SKIP'],
  ['ECHO', 'off'],
  ['CLIENT', 'REPLY', 'ON'],
  ['ECHO', 'on'],
  ['CLIENT', 'REPLY', 'SKIP'],
  ['CLIENT', 'REPLY', 'ON'],
  ['CLIENT', 'REPLY', 'SKIP'],
  ['CLIENT', 'REPLY', 'SKIP'],
  ['ECHO', 'skipped'],
  ['ECHO', 'shown'],
  ['AUTH', 'pw'],
  ['AUTH', 'default', 'pw'],
  ['AUTH', 'someone', 'pw'],
  ['AUTH', 'a', 'b', 'c'],
  ['HELLO', '1'],
  ['HELLO', 'abc'],
  ['HELLO', '3', 'AUTH', 'default'],
  ['HELLO', '3', 'foo'],
  ['HELLO', '3', 'SETNAME', 'a b'],
  ['HELLO', '3', 'AUTH', 'someone', 'x'],
  ['HELLO', '2', 'AUTH', 'default', 'anything', 'SETNAME', 'nm'],
  ['CLIENT', 'INFO'],
  ['MONITOR', 'x'],
  ['MULTI'],
  ['MONITOR'],
  ['EXEC'],
  ['LOLWUT'],
  ['LOLWUT', 'VERSION'],
  ['LOLWUT', 'VERSION', '4'],
  ['LOLWUT', 'xx', 'yy'],
  ['LOLWUT', 'VERSION', 'abc'],
  ['LOLWUT', 'VERSION', '5', 'x'],
  ['MODULE'],
  ['MODULE', 'foo'],
  ['MODULE', 'HELP'],
  ['MODULE', 'LIST'],
  ['MODULE', 'LOAD'],
  ['MODULE', 'LOAD', '/nonexistent.so', 'a'],
  ['MODULE', 'LOADEX', '/x.so', 'CONFIG', 'a', 'b', 'ARGS', 'c'],
  ['MODULE', 'UNLOAD', 'foo'],
  ['ROLE'],
  ['ROLE', 'x'],
  ['CLIENT', 'NO-EVICT', 'ON'],
  ['RESET'],
  ['CLIENT', 'INFO'],
  ['CLIENT', 'NO-EVICT', 'OFF'],
];

describe('connection commands, side by side with redis-server 7.0.15', () => {
  let redis: RedisServer;
  let node: SpawnedNode;

  beforeAll(async () => {
    [redis, node] = await Promise.all([startRedisServer(), spawnNode()]);
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([redis?.stop(), node?.stop()]);
  });

  for (const proto of ['2', '3']) {
    it(`RESP${proto}: the same reply bytes for every case`, async () => {
      const cmds = proto === '3' ? [['HELLO', '3'], ...CASES] : CASES;
      const [theirs, ours] = await Promise.all([pipeline(redis.port, cmds), pipeline(node.port, cmds)]);
      expect(ours).toEqual(theirs);
      // Sanity: what CLIENT REPLY suppressed is absent from both, the rest answered.
      expect(theirs.length).toBeGreaterThan(CASES.length - 12);
    });
  }

  it('MONITOR shows the same stream: quoting, redactions, MULTI/EXEC, db, no admin commands, the monitor’s own commands', async () => {
    const stream = async (port: number): Promise<string[]> => {
      const mon = await connectRaw(port);
      mon.sock.write(respFrame(['MONITOR']));
      await waitUntil(() => mon.received() === '+OK\r\n', 5000, 'MONITOR +OK');
      const c = await connectRaw(port);
      const cmds = [
        ['AUTH', 'pw'],
        ['AUTH', 'default', 'pw'],
        ['HELLO', '3', 'AUTH', 'default', 'x'],
        ['HELLO', '2', 'AUTH', 'default', 'x', 'SETNAME', 'nm'],
        ['HELLO', '2', 'SETNAME', 'n2', 'AUTH', 'u', 'p'],
        ['SET', 'k', 'a"b\\c\n\r\t\x07\x08\x01\xc3\xa9 z\x7f\xff'],
        ['SELECT', '5'],
        ['SET', 'k2', '123'],
        ['MULTI'],
        ['SET', 'x', '1'],
        ['GET', 'x'],
        ['EXEC'],
        ['NOSUCH', 'a'],
        ['GET'],
        ['CLIENT', 'LIST'],
        ['CLIENT', 'KILL', 'ID', '999999'],
        ['CLIENT', 'PAUSE', '0'],
        ['CONFIG', 'GET', 'hz'],
        ['CLIENT', 'SETNAME', 'zz'],
        ['CLIENT', 'REPLY', 'ON'],
        ['INCR', 'k2'],
        ['BLPOP', 'nolist', '0.01'],
        ['ECHO', ''],
        ['SELECT', '0'],
        ['DEL', 'x', 'k', 'k2'],
        ['MSET', 'a', '1', 'b', '2'],
        ['LOLWUT'],
        ['ROLE'],
        ['MODULE', 'LIST'],
        ['FLUSHALL'],
        ['ECHO', 'done'],
      ];
      c.sock.write(Buffer.concat(cmds.map(respFrame)));
      await waitUntil(() => mon.received().includes('"ECHO" "done"'), 10_000, 'the monitor to see ECHO done');
      // The monitor's own commands: refused keyspace access, replies before their lines, RESET ends it.
      mon.sock.write(Buffer.concat([['PING'], ['CLIENT', 'ID'], ['GET', 'x'], ['RESET'], ['PING', '__end__']].map(respFrame)));
      await waitUntil(() => mon.received().endsWith('$7\r\n__end__\r\n'), 5000, 'the monitor to RESET');
      const out = splitFrames(mon.received()).map(mask);
      mon.sock.destroy();
      c.sock.destroy();
      return out;
    };
    const [theirs, ours] = [await stream(redis.port), await stream(node.port)];
    expect(ours).toEqual(theirs);
    expect(ours).toContain('+TS [0 ADDR] "AUTH" "(redacted)" "(redacted)"\r\n');
  });

  it('redis-cli monitor prints the same lines', async () => {
    const watch = async (port: number): Promise<string[]> => {
      const cli = spawn('redis-cli', ['-p', String(port), 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      cli.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
      try {
        await waitUntil(() => out.startsWith('OK'), 5000, 'redis-cli monitor to start');
        const c = await connectRaw(port);
        c.sock.write(Buffer.concat([['SET', 'greeting', 'hello world'], ['HSET', 'h', 'f', 'v\tw'], ['AUTH', 'default', 'secret'], ['ECHO', 'bye']].map(respFrame)));
        await waitUntil(() => out.includes('"ECHO" "bye"'), 5000, 'redis-cli to print ECHO');
        c.sock.destroy();
      } finally {
        cli.kill('SIGTERM');
      }
      return out
        .trim()
        .split('\n')
        .map((l) => l.replace(/^\d+\.\d{6} \[0 127\.0\.0\.1:\d+\]/, 'TS [0 ADDR]'));
    };
    const [theirs, ours] = [await watch(redis.port), await watch(node.port)];
    expect(ours).toEqual(theirs);
    expect(ours).toEqual(['OK', 'TS [0 ADDR] "SET" "greeting" "hello world"', 'TS [0 ADDR] "HSET" "h" "f" "v\\tw"', 'TS [0 ADDR] "AUTH" "(redacted)" "(redacted)"', 'TS [0 ADDR] "ECHO" "bye"']);
  });

  it('CLIENT PAUSE WRITE and ALL, and expiry standing still meanwhile, observed the same on both', async () => {
    const scenario = async (port: number): Promise<unknown[]> => {
      const seen: unknown[] = [];
      const [a, b, c] = await Promise.all([connectIoredis(port, { protocol: 2 }), connectIoredis(port, { protocol: 2 }), connectIoredis(port, { protocol: 2 })]);
      await a.flushall();
      seen.push(await a.client('PAUSE', '100000', 'WRITE'));
      const set = b.set('k', 'v');
      const pub = c.publish('ch', 'm');
      await waitUntil(async () => (await blockedClients(a)) === 2, 10_000, 'two paused clients');
      seen.push(await a.get('k'), await a.ping(), await a.exists('k'));
      seen.push(await a.client('UNPAUSE'));
      seen.push(await set, await pub, await a.get('k'));
      // Expired keys read as missing but are not deleted (expired_keys stays) until the pause ends.
      const expired = async (): Promise<number> => Number(/expired_keys:(\d+)/.exec(await a.info('stats'))?.[1]);
      const before = await expired();
      await a.set('e', '1', 'PX', '10');
      await a.client('PAUSE', '100000', 'WRITE');
      await waitUntil(async () => (await a.get('e')) === null, 5000, 'e to expire logically');
      seen.push((await expired()) - before, await a.dbsize());
      await a.client('UNPAUSE');
      await a.get('e');
      seen.push((await expired()) - before, await a.dbsize());
      // ALL holds reads too, and ends by itself.
      seen.push(await a.client('PAUSE', '300', 'ALL'));
      const t0 = Date.now();
      seen.push(await b.ping());
      seen.push(Date.now() - t0 >= 250);
      return seen;
    };
    const theirs = await scenario(redis.port);
    const ours = await scenario(node.port);
    expect(ours).toEqual(theirs);
    expect(ours).toEqual(['OK', null, 'PONG', 0, 'OK', 'OK', 0, 'v', 0, 2, 1, 1, 'OK', 'PONG', true]);
  });

  it('CLIENT KILL filters kill the same connections and count the same on both', async () => {
    closeAll();
    const scenario = async (port: number): Promise<unknown[]> => {
      const seen: unknown[] = [];
      const a = await connectIoredis(port, { protocol: 2, stayClosed: true });
      // Connections of earlier tests are gone: the counts below are this scenario's own.
      await waitUntil(async () => ((await a.client('LIST')) as string).trim().split('\n').length === 1, 5000, 'only this client connected');
      const open = async (): Promise<{ c: Redis; closed: () => boolean }> => {
        const c = await connectIoredis(port, { protocol: 2, stayClosed: true });
        let closed = false;
        c.once('end', () => (closed = true));
        return { c, closed: () => closed };
      };
      const [v1, v2, v3, sub] = await Promise.all([open(), open(), open(), open()]);
      await sub.c.subscribe('ch');
      const addrOf = async (c: Redis): Promise<string> => /addr=(\S+)/.exec((await c.client('INFO')) as string)?.[1] as string;
      const laddr = /laddr=(\S+)/.exec((await a.client('INFO')) as string)?.[1] as string;
      seen.push(await a.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
      await waitUntil(sub.closed, 5000, 'subscriber closed');
      seen.push(await a.call('CLIENT', 'KILL', 'ADDR', await addrOf(v1.c), 'TYPE', 'pubsub'));
      seen.push(await a.call('CLIENT', 'KILL', 'ADDR', await addrOf(v1.c), 'SKIPME', 'yes'));
      await waitUntil(v1.closed, 5000, 'v1 closed');
      seen.push(await a.call('CLIENT', 'KILL', await addrOf(v2.c)));
      await waitUntil(v2.closed, 5000, 'v2 closed');
      // Everyone on this port but the caller: v3.
      seen.push(await a.call('CLIENT', 'KILL', 'LADDR', laddr, 'USER', 'default'));
      await waitUntil(v3.closed, 5000, 'v3 closed');
      seen.push(((await a.client('LIST')) as string).trim().split('\n').length);
      const closing = new Promise((r) => a.once('end', r));
      seen.push(await a.call('CLIENT', 'KILL', 'ID', String(await a.client('ID')), 'SKIPME', 'no'));
      await closing;
      return seen;
    };
    const theirs = await scenario(redis.port);
    const ours = await scenario(node.port);
    expect(ours).toEqual(theirs);
    expect(ours).toEqual([1, 0, 1, 'OK', 1, 1, 1]);
  });

  it('clients configured with a password "just in case" connect to a server without one', async () => {
    for (const port of [redis.port, node.port]) {
      const io = await connectIoredis(port, { username: 'default', password: 'anything' });
      expect(await io.ping()).toBe('PONG');
      io.disconnect();
      const nr = createClient({ socket: { port, host: '127.0.0.1' }, password: 'anything', RESP: 3 });
      await nr.connect();
      expect(await nr.ping()).toBe('PONG');
      await nr.close();
    }
  });
});

describe('MONITOR on a node', () => {
  let node: SpawnedNode;
  beforeAll(async () => {
    node = await spawnNode();
  });
  afterAll(async () => {
    closeAll();
    await node?.stop();
  });

  it('shows the HTTP API’s commands, run by its internal client', async () => {
    // The HTTP API starts listening after the RESP port.
    const base = `http://127.0.0.1:${node.httpPort}`;
    await waitUntil(async () => (await fetch(`${base}/health`).catch(() => null))?.ok === true, 10_000, 'the HTTP API');
    const mon = await connectRaw(node.port);
    mon.send('MONITOR');
    await waitUntil(() => mon.received() === '+OK\r\n', 5000, 'MONITOR +OK');
    const res = await fetch(`${base}/api/cache/web-key`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'from http' }),
    });
    expect(res.status).toBe(200);
    await waitUntil(() => mon.received().includes('"web-key"'), 5000, 'the HTTP SET in MONITOR');
    expect(mon.received()).toMatch(/\+\d+\.\d{6} \[0 http\] "SET" "web-key" "[^"]*from http[^"]*"\r\n/);
    mon.sock.destroy();
  });

  it('a monitor that stops reading is closed at the output limit instead of growing the node', async () => {
    const mon: RawConnection = await connectRaw(node.port);
    mon.send('CLIENT', 'ID');
    await waitUntil(() => /^:\d+\r\n$/.test(mon.received()), 5000, 'CLIENT ID');
    const id = mon.received().slice(1, -2);
    mon.send('MONITOR');
    await waitUntil(() => mon.received().endsWith('+OK\r\n'), 5000, 'MONITOR +OK');
    // It reads nothing more: what the node sends it piles up.
    mon.sock.pause();
    const io = await connectIoredis(node.port);
    const listed = async (): Promise<boolean> => ((await io.client('LIST', 'ID', id)) as string) !== '';
    const big = 'x'.repeat(256 * 1024);
    // Each SET shows a 256 KiB line; 32 MiB (the pub/sub class's hard limit) is passed within ~130.
    for (let i = 0; i < 400 && (i % 16 !== 0 || (await listed())); i++) await io.set(`big${i % 4}`, big);
    await waitUntil(async () => !(await listed()), 20_000, 'the slow monitor to be closed');
    expect(await io.ping()).toBe('PONG');
  });
});

describe('MONITOR in a cluster', () => {
  it('each node shows the commands it executes, forwarded ones included, and not those it forwards', async () => {
    // Without replicas: a replica's MONITOR also shows the writes it applies from its owner's stream, as Redis's replicas do.
    const cluster = await startCluster(2, { args: ['--cluster-replicas', '0'] });
    try {
      await cluster.converged();
      const [a, b] = cluster.nodes as [SpawnedNode, SpawnedNode];
      const monitors = await Promise.all([a, b].map(async (n) => {
        const m = await connectRaw(n.port);
        m.send('MONITOR');
        await waitUntil(() => m.received() === '+OK\r\n', 5000, 'MONITOR +OK');
        return m;
      }));
      const io = await connectIoredis(a.port, { protocol: 2 });
      const keys = Array.from({ length: 40 }, (_, i) => `fwd:${i}`);
      for (const k of keys) await io.set(k, 'v');
      const setKeys = (m: RawConnection): string[] => [...m.received().matchAll(/"SET" "(fwd:\d+)" "v"/gi)].map((x) => x[1] as string);
      await waitUntil(() => setKeys(monitors[0] as RawConnection).length + setKeys(monitors[1] as RawConnection).length === keys.length, 10_000, 'every SET seen once');
      const onA = setKeys(monitors[0] as RawConnection);
      const onB = setKeys(monitors[1] as RawConnection);
      expect([...onA, ...onB].sort()).toEqual([...keys].sort());
      // Both own some of 40 keys: B ran the forwarded ones, from A's link.
      expect(onA.length).toBeGreaterThan(0);
      expect(onB.length).toBeGreaterThan(0);
      expect((monitors[1] as RawConnection).received()).toMatch(/\[0 127\.0\.0\.1:\d+\] "SET" "fwd:\d+" "v"/i);
    } finally {
      closeAll();
      await cluster.stop();
    }
  });
});
