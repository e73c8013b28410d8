// CONFIG SET port / bind at run time, side by side with redis-server 7.0.15: the listener moves, a port in use rolls the whole CONFIG SET back, peers learn the new port.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectIoredis } from '../testing/clients.js';
import { canConnect, freePort, spawnNode, waitUntil } from '../testing/harness.js';
import { useSideBySide } from '../testing/side-by-side.js';

/** The error line of a command, or its reply. */
async function answer(port: number, argv: string[]): Promise<string> {
  const c = await connectIoredis(port);
  try {
    return String(await c.call(argv[0] as string, ...argv.slice(1)));
  } catch (e) {
    return (e as Error).message;
  } finally {
    c.disconnect();
  }
}

/** A port some other socket holds (the Tcl test's dummy_accept). */
async function busyPort(): Promise<{ port: number; close: () => void }> {
  const srv = net.createServer(() => undefined);
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return { port: (srv.address() as net.AddressInfo).port, close: () => srv.close() };
}

const servers = useSideBySide();

describe('CONFIG SET port / bind', () => {
  it('a port in use fails with Redis\'s error and rolls back every value of the CONFIG SET, on both servers', async () => {
    const busy = await busyPort();
    try {
      for (const port of [servers.node.port, servers.redis.port]) {
        const before = await answer(port, ['CONFIG', 'GET', 'client-query-buffer-limit']);
        await answer(port, ['CONFIG', 'SET', 'maxmemory', '10000002']);
        const err = await answer(port, ['CONFIG', 'SET', 'maxmemory', '10000001', 'port', String(busy.port), 'client-query-buffer-limit', '10m']);
        expect(err, `port ${port}`).toBe("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.");
        expect(await answer(port, ['CONFIG', 'GET', 'maxmemory'])).toBe('maxmemory,10000002');
        expect(await answer(port, ['CONFIG', 'GET', 'port'])).toBe(`port,${port}`);
        expect(await answer(port, ['CONFIG', 'GET', 'client-query-buffer-limit'])).toBe(before);
        expect(await answer(port, ['PING'])).toBe('PONG');
        await answer(port, ['CONFIG', 'SET', 'maxmemory', '0']);
      }
    } finally {
      busy.close();
    }
  });

  it('an address that cannot be bound fails with Redis\'s error and the listener stays', async () => {
    for (const port of [servers.node.port, servers.redis.port]) {
      expect(await answer(port, ['CONFIG', 'SET', 'bind', '999.999.999.999'])).toBe("ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.");
      expect(await answer(port, ['PING'])).toBe('PONG');
      expect(await answer(port, ['CONFIG', 'GET', 'bind'])).toMatch(/^bind,127\.0\.0\.1/);
    }
  });

  it('a free port moves the listener: new clients connect there, connected ones stay, INFO and CLUSTER SLOTS follow', async () => {
    const next = await freePort();
    const held = await connectIoredis(servers.node.port);
    expect(await held.call('CONFIG', 'SET', 'port', String(next))).toBe('OK');
    expect(await canConnect(servers.node.port)).toBe(false);
    expect(await held.ping()).toBe('PONG');
    expect(await answer(next, ['PING'])).toBe('PONG');
    expect(await answer(next, ['CONFIG', 'GET', 'port'])).toBe(`port,${next}`);
    const moved = await connectIoredis(next);
    expect(String(await moved.info('server'))).toContain(`\r\ntcp_port:${next}\r\n`);
    const slots = (await moved.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string]][];
    expect(slots[0]?.[2][1]).toBe(next);
    // And back, over the moved listener.
    expect(await moved.call('CONFIG', 'SET', 'port', String(servers.node.port))).toBe('OK');
    expect(await answer(servers.node.port, ['PING'])).toBe('PONG');
    expect(await canConnect(next)).toBe(false);
    held.disconnect();
    moved.disconnect();
  });

  it('refuses to move inside MULTI rather than answer before the bind', async () => {
    const c = await connectIoredis(servers.node.port);
    const r = await c.multi().call('CONFIG', 'SET', 'port', String(await freePort())).exec();
    expect(String(r?.[0]?.[0])).toContain('can not move a listener inside a transaction');
    expect(await answer(servers.node.port, ['PING'])).toBe('PONG');
    c.disconnect();
  });
});

describe('CONFIG SET port in a cluster', () => {
  it('re-announces the new RESP port: a peer routes to it (CLUSTER NODES) within the gossip period', async () => {
    const a = await spawnNode({ args: ['--cluster-profile', 'fast'], gossipPort: await freePort() });
    const b = await spawnNode({ args: ['--cluster-profile', 'fast', '--cluster-seeds', `127.0.0.1:${a.gossipPort}`] });
    try {
      const nodesOf = (port: number): Promise<string> => answer(port, ['CLUSTER', 'NODES']);
      await waitUntil(async () => (await nodesOf(b.port)).includes(`:${a.port}@`), 20_000, 'b to see a');
      const next = await freePort();
      expect(await answer(a.port, ['CONFIG', 'SET', 'port', String(next)])).toBe('OK');
      await waitUntil(async () => (await nodesOf(b.port)).includes(`:${next}@`), 20_000, "b to learn a's new port");
      expect(await nodesOf(b.port)).not.toContain(`:${a.port}@`);
      // A key a owns, written through b, is forwarded to a's new port.
      for (let i = 0; i < 20; i++) expect(await answer(b.port, ['SET', `k${i}`, String(i)])).toBe('OK');
      for (let i = 0; i < 20; i++) expect(await answer(next, ['GET', `k${i}`])).toBe(String(i));
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
