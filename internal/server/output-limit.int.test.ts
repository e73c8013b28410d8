// client-output-buffer-limit's normal class, side by side with redis-server 7.0.15: a reply over the hard limit closes the client with nothing sent.
import { describe, expect, it } from 'vitest';
import { connectIoredis, connectRaw } from '../testing/clients.js';
import { waitUntil } from '../testing/harness.js';
import { useSideBySide } from '../testing/side-by-side.js';

const servers = useSideBySide();

/** What a fresh connection gets for `argv`: the reply text, or null when the server closed it without one. */
async function replyOrClosed(port: number, argv: string[]): Promise<string | null> {
  const c = await connectRaw(port);
  c.send(...argv);
  c.send('PING');
  await waitUntil(() => c.closed() || c.received().endsWith('+PONG\r\n'), 20_000, `${argv[0]} to answer or close`);
  const got = c.received();
  c.sock.destroy();
  return got === '' && c.closed() ? null : got;
}

describe('client-output-buffer-limit normal', () => {
  it('closes a client whose reply is over the hard limit, sends smaller replies, and is off by default', async () => {
    for (const port of [servers.node.port, servers.redis.port]) {
      const io = await connectIoredis(port);
      await io.set('big', 'x'.repeat(2 * 1024 * 1024));
      await io.sadd('s', 'a', 'b', 'c');
      // Redis's default: no limit for normal clients.
      expect((await replyOrClosed(port, ['GET', 'big']))?.length).toBe(2 * 1024 * 1024 + 12 + 7);
      await io.config('SET', 'client-output-buffer-limit', 'normal 1mb 0 0');
      expect(await replyOrClosed(port, ['GET', 'big'])).toBeNull();
      // 300,000 picks: a 2.1 MB reply (the compact random-reply path).
      expect(await replyOrClosed(port, ['SRANDMEMBER', 's', '-300000'])).toBeNull();
      expect(await replyOrClosed(port, ['SRANDMEMBER', 's', '-1000'])).toMatch(/^\*1000\r\n/);
      // The connection that set the limit goes on (its replies are small).
      expect(await io.strlen('big')).toBe(2 * 1024 * 1024);
      await io.config('SET', 'client-output-buffer-limit', 'normal 0 0 0');
      io.disconnect();
    }
  }, 60_000);
});
