// PeerLink's deadlines and reconnect backoff read its Clock: a manual clock drives them without waiting out real timeouts.
import net from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock/clock.js';
import { waitUntil } from '../testing/harness.js';
import { LinkError, PeerLink } from './link.js';

const log = pino({ level: 'silent' });

/** A RESP port that accepts connections and never answers (an owner that hangs). */
async function silentServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => {
    s.on('error', () => undefined);
    sockets.push(s);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  return {
    port,
    accepted: () => sockets.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

describe('PeerLink clock', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  it('times out the head request when its clock passes the deadline, then backs off by the same clock', async () => {
    const srv = await silentServer();
    cleanup.push(srv.close);
    const clock = new ManualClock();
    const link = new PeerLink({
      peer: 'b',
      host: '127.0.0.1',
      port: srv.port,
      selfId: 'a',
      proto: 2,
      password: () => '',
      timeoutMs: () => 60_000,
      log,
      backoffMinMs: 200,
      clock,
    });
    cleanup.push(() => link.close());
    const reply = link.request([['GET', 'k']], 0);
    reply.catch(() => undefined);
    await waitUntil(() => srv.accepted() === 1, 5000, 'the link to connect');
    // The real time that passes here is far below the deadline: only the manual clock can expire it.
    clock.advance(60_001);
    const err = await reply.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LinkError);
    expect((err as LinkError).kind).toBe('timeout');
    // Within the backoff (read from the same clock) a request fails at once without reconnecting.
    const refused = await link.request([['GET', 'k']], 0).then(
      () => null,
      (e: unknown) => e,
    );
    expect((refused as LinkError).kind).toBe('unreachable');
    expect(srv.accepted()).toBe(1);
    clock.advance(200);
    link.request([['GET', 'k']], 0).catch(() => undefined);
    await waitUntil(() => srv.accepted() === 2, 5000, 'a reconnect after the backoff');
  });
});
