// Protected mode and cross-protocol requests over real sockets, side by side with redis-server 7.0.15: the same bytes back, the same closes.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localConfig } from '../config/load.js';
import type { ConfigValue } from '../config/schema.js';
import { createNode, type RingcacheNode } from '../node/node.js';
import { closeAll } from '../testing/clients.js';
import { redisCli, waitUntil } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { PROTECTED_MODE_DENIED } from './security.js';

const dirs: string[] = [];
const nodes: RingcacheNode[] = [];
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterAll(async () => {
  closeAll();
  for (const n of nodes) await n.stop();
  await redis?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startNode(values: Record<string, ConfigValue> = {}): Promise<{ node: RingcacheNode; port: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-sec-'));
  dirs.push(dir);
  const node = createNode(localConfig({ dir, ...values }), { log: pino({ level: 'silent' }) });
  nodes.push(node);
  return { node, port: (await node.start()).resp.port };
}

/**
 * Connects from `from` (127.0.0.2 is loopback to the kernel but not local to Redis, which trusts
 * exactly 127.0.0.1 and ::1), sends `payload`, and collects what comes back until the server closes
 * or `quietMs` pass with the socket still open.
 */
function exchange(port: number, from: string, payload: string, quietMs = 1500): Promise<{ data: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let data = '';
    sock.setEncoding('latin1');
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ data, closed: false });
    }, quietMs);
    sock.on('data', (d: string) => (data += d));
    sock.on('error', (e) => {
      // A reset after the server's close still counts as closed.
      if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve({ data, closed: true });
    });
    sock.on('connect', () => sock.write(payload));
  });
}

const INFO_STATS = ['INFO', 'stats'];
const stat = (info: string, name: string): number => Number(new RegExp(`${name}:(\\d+)`).exec(info)?.[1] ?? NaN);

describe('protected mode', () => {
  it("refuses a non-local client without a password with Redis 7.0's exact -DENIED line, and closes it", async () => {
    const { port } = await startNode();
    const ours = await exchange(port, '127.0.0.2', 'PING\r\n');
    const theirs = await exchange(redis.port, '127.0.0.2', 'PING\r\n');
    expect(theirs).toEqual({ data: PROTECTED_MODE_DENIED, closed: true });
    expect(ours).toEqual(theirs);
    // Counted as rejected, as Redis's stat_rejected_conn.
    expect(stat((await redisCli(port, INFO_STATS)).stdout, 'rejected_connections')).toBe(1);
    // 127.0.0.1 is local: served.
    expect((await exchange(port, '127.0.0.1', 'PING\r\n', 300)).data).toBe('+PONG\r\n');
  });

  it('lets the client in once a password is set (it must AUTH) or protected-mode is off, both at run time', async () => {
    const { port } = await startNode();
    expect((await redisCli(port, ['CONFIG', 'SET', 'requirepass', 's3cret'])).stdout.trim()).toBe('OK');
    const withPass = await exchange(port, '127.0.0.2', 'PING\r\nAUTH s3cret\r\nPING\r\n', 500);
    expect(withPass.data).toBe('-NOAUTH Authentication required.\r\n+OK\r\n+PONG\r\n');
    expect((await redisCli(port, ['-a', 's3cret', '--no-auth-warning', 'CONFIG', 'SET', 'requirepass', ''])).stdout.trim()).toBe('OK');
    expect((await exchange(port, '127.0.0.2', 'PING\r\n')).data).toBe(PROTECTED_MODE_DENIED);
    expect((await redisCli(port, ['CONFIG', 'SET', 'protected-mode', 'no'])).stdout.trim()).toBe('OK');
    expect((await exchange(port, '127.0.0.2', 'PING\r\n', 300)).data).toBe('+PONG\r\n');
  });

  it('counts an ACL password on the default user as a password', async () => {
    const { port } = await startNode();
    expect((await redisCli(port, ['ACL', 'SETUSER', 'default', '>pw'])).stdout.trim()).toBe('OK');
    expect((await exchange(port, '127.0.0.2', 'AUTH pw\r\nPING\r\n', 500)).data).toBe('+OK\r\n+PONG\r\n');
  });
});

describe('cross-protocol requests', () => {
  const HTTP_POST = 'POST /api HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 20\r\n\r\nSET pwned 1\r\n';

  it('closes on POST before running anything and drops the batch, as Redis', async () => {
    const { node, port } = await startNode();
    // Redis frees the client CLOSE_ASAP: the PING queued before it is never answered either.
    const theirs = await exchange(redis.port, '127.0.0.1', `PING\r\n${HTTP_POST}`);
    const ours = await exchange(port, '127.0.0.1', `PING\r\n${HTTP_POST}`);
    expect(theirs).toEqual({ data: '', closed: true });
    expect(ours).toEqual(theirs);
    expect(node.store.db(0).size).toBe(0);
    expect((await redisCli(redis.port, ['EXISTS', 'pwned'])).stdout.trim()).toBe('0');
  });

  it('closes on a Host: line after a GET request line, whatever the case, and inside MULTI', async () => {
    const { node, port } = await startNode();
    const get = 'GET / HTTP/1.1\r\nhOsT: example\r\nSET pwned 1\r\n';
    const theirs = await exchange(redis.port, '127.0.0.1', get);
    const ours = await exchange(port, '127.0.0.1', get);
    expect(theirs.closed).toBe(true);
    expect(ours).toEqual(theirs);
    // A multibulk POST inside a transaction: closed too, the queue never runs.
    const multi = '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*1\r\n$4\r\npost\r\n*1\r\n$4\r\nEXEC\r\n';
    const theirsMulti = await exchange(redis.port, '127.0.0.1', multi);
    const oursMulti = await exchange(port, '127.0.0.1', multi);
    expect(theirsMulti).toEqual({ data: '', closed: true });
    expect(oursMulti).toEqual(theirsMulti);
    expect(node.store.db(0).size).toBe(0);
  });

  it('logs Redis\'s "Possible SECURITY ATTACK detected" warning at most once a minute', async () => {
    const lines: string[] = [];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ringcache-sec-'));
    dirs.push(dir);
    const log = pino({ level: 'warn' }, { write: (s: string) => lines.push(s) });
    const node = createNode(localConfig({ dir }), { log });
    nodes.push(node);
    const port = (await node.start()).resp.port;
    await exchange(port, '127.0.0.1', HTTP_POST);
    await exchange(port, '127.0.0.1', HTTP_POST);
    await waitUntil(() => lines.some((l) => l.includes('Possible SECURITY ATTACK detected')), 5000, 'the warning');
    const warnings = lines.filter((l) => l.includes('Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis.'));
    expect(warnings).toHaveLength(1);
  });
});
