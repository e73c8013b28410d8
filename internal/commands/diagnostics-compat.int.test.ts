// MEMORY, LATENCY, OBJECT and expiry times near the 64-bit limit, side by side with redis-server 7.0.15 in RESP2 and RESP3.
//
// The same pipeline goes to a real redis-server and to a ringcache node. Replies that do not
// depend on the server's own figures (errors, help texts, nil, the expiry arithmetic, the doctors'
// texts where both servers are in the same state) must be the same bytes; the others (memory
// figures, timings, latency samples) must have the same RESP shape: types and nesting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectRaw, pipelineReplies } from '../testing/clients.js';
import { spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { replyShape } from '../testing/resp-shape.js';

type Case = readonly ['exact' | 'shape', ...string[]];

const exact = (...argv: string[]): Case => ['exact', ...argv];
const shape = (...argv: string[]): Case => ['shape', ...argv];

const CASES: readonly Case[] = [
  exact('FLUSHALL'),
  // EXPIRE and kin: Redis's checks, LLONG_MAX / 1000 for seconds and LLONG_MAX - basetime.
  exact('SET', 'foo', 'bar'),
  exact('EXPIRE', 'foo', '9223370399119966'),
  exact('EXPIRE', 'foo', '9223372036854776'),
  exact('EXPIRE', 'foo', '10000000000000000'),
  exact('EXPIRE', 'foo', '18446744073709561'),
  exact('PEXPIRE', 'foo', '9223372036854770000'),
  exact('EXPIRE', 'foo', '-9223372036854776'),
  exact('EXPIRE', 'foo', '-9999999999999999'),
  exact('EXPIREAT', 'foo', '9223372036854776'),
  exact('EXPIRE', 'foo', ''),
  exact('EXPIRE', 'foo', '99999999999999999999'),
  exact('TTL', 'foo'),
  exact('PEXPIREAT', 'foo', '9223372036854770000'),
  exact('PEXPIRETIME', 'foo'),
  exact('EXPIRETIME', 'foo'),
  exact('EXPIREAT', 'foo', '9223372036854775'),
  exact('PEXPIRETIME', 'foo'),
  exact('PEXPIREAT', 'foo', '-9223372036854770000'),
  exact('TTL', 'foo'),
  exact('SET', 'foo', 'bar'),
  exact('EXPIRE', 'foo', '9223372036854'),
  exact('TTL', 'foo'),
  exact('SET', 'foo', 'bar'),
  exact('PEXPIRE', 'foo', '-9223372036854775808'),
  exact('EXISTS', 'foo'),
  // SET / SETEX / PSETEX / GETEX: getExpireMillisecondsOrReply.
  exact('SET', 'k', 'v', 'EX', '9223372036854'),
  exact('TTL', 'k'),
  exact('SET', 'k', 'v', 'EX', '10000000000000000'),
  exact('SET', 'k', 'v', 'EX', '-9999999999999999'),
  exact('SET', 'k', 'v', 'PX', '9223372036854775807'),
  exact('SET', 'k', 'v', 'EXAT', '9223372036854776'),
  exact('SET', 'k', 'v', 'PXAT', '9223372036854770000'),
  exact('PEXPIRETIME', 'k'),
  exact('GETEX', 'k', 'EX', '10000000000000000'),
  exact('GETEX', 'k', 'EX', '-9999999999999999'),
  exact('GETEX', 'k', 'PX', '9223372036854775807'),
  exact('GETEX', 'k', 'EXAT', '9223372036854775'),
  exact('PEXPIRETIME', 'k'),
  exact('GETEX', 'nokey', 'EX', '-1'),
  exact('SETEX', 'k', '9223372036855', 'v'),
  exact('TTL', 'k'),
  exact('PSETEX', 'k', '9223372036854775807', 'v'),
  exact('SETEX', 'k', '0', 'v'),
  // OBJECT (no LFU policy: FREQ is an error, IDLETIME a number; OBJECT does not touch).
  exact('SET', 'n', '123'),
  exact('OBJECT', 'HELP'),
  exact('OBJECT', 'FREQ', 'foo'),
  exact('OBJECT', 'FREQ', 'nokey'),
  exact('OBJECT', 'IDLETIME', 'nokey'),
  // Redis's LRU clock ticks in whole seconds: the idle time may read 0 or 1 right after a write.
  shape('OBJECT', 'IDLETIME', 'n'),
  exact('OBJECT', 'REFCOUNT', 'n'),
  exact('OBJECT', 'REFCOUNT', 'k'),
  exact('OBJECT', 'ENCODING', 'n'),
  exact('OBJECT', 'NOPE', 'n'),
  exact('OBJECT', 'HELP', 'x'),
  exact('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'),
  exact('SET', 'fresh', 'v'),
  exact('OBJECT', 'FREQ', 'fresh'),
  exact('OBJECT', 'IDLETIME', 'fresh'),
  exact('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'),
  // MEMORY
  exact('MEMORY', 'HELP'),
  exact('MEMORY', 'HELP', 'x'),
  exact('MEMORY'),
  exact('MEMORY', 'NOPE'),
  exact('MEMORY', 'USAGE'),
  exact('MEMORY', 'USAGE', 'nokey'),
  exact('MEMORY', 'USAGE', 'nokey', 'SAMPLES'),
  exact('MEMORY', 'USAGE', 'nokey', 'SAMPLES', 'x'),
  exact('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '-1'),
  exact('MEMORY', 'USAGE', 'nokey', 'SAMPLES', '0'),
  exact('MEMORY', 'USAGE', 'nokey', 'FOO', '1'),
  exact('MEMORY', 'PURGE'),
  exact('MEMORY', 'STATS', 'x'),
  exact('MEMORY', 'DOCTOR'),
  exact('COMMAND', 'GETKEYS', 'MEMORY', 'USAGE', 'key'),
  shape('MEMORY', 'USAGE', 'n'),
  shape('MEMORY', 'USAGE', 'k', 'SAMPLES', '0'),
  shape('MEMORY', 'STATS'),
  exact('FLUSHALL'),
  shape('MEMORY', 'STATS'),
  // LATENCY, monitor off
  exact('LATENCY', 'HELP'),
  exact('LATENCY', 'HELP', 'x'),
  exact('LATENCY'),
  exact('LATENCY', 'NOPE'),
  exact('LATENCY', 'LATEST'),
  exact('LATENCY', 'HISTORY', 'command'),
  exact('LATENCY', 'HISTORY'),
  exact('LATENCY', 'RESET'),
  exact('LATENCY', 'RESET', 'a', 'b'),
  exact('LATENCY', 'GRAPH', 'command'),
  exact('LATENCY', 'DOCTOR'),
  exact('DEBUG', 'SLEEP', '0.15'),
  exact('LATENCY', 'LATEST'),
  // On, no events yet.
  exact('CONFIG', 'SET', 'latency-monitor-threshold', '100'),
  exact('LATENCY', 'DOCTOR'),
  // A slow command.
  exact('DEBUG', 'SLEEP', '0.15'),
  shape('LATENCY', 'LATEST'),
  shape('LATENCY', 'HISTORY', 'command'),
  exact('LATENCY', 'HISTORY', 'Command'),
  exact('LATENCY', 'GRAPH', 'Command'),
  shape('LATENCY', 'GRAPH', 'command'),
  shape('LATENCY', 'DOCTOR'),
  exact('LATENCY', 'RESET', 'COMMAND', 'command'),
  exact('LATENCY', 'LATEST'),
  exact('CONFIG', 'SET', 'latency-monitor-threshold', '0'),
  // Histograms
  exact('CONFIG', 'RESETSTAT'),
  shape('LATENCY', 'HISTOGRAM'),
  exact('SET', 'a', 'b'),
  exact('CLIENT', 'ID', 'x'),
  shape('LATENCY', 'HISTOGRAM', 'set', 'config|resetstat'),
  shape('LATENCY', 'HISTOGRAM', 'CONFIG'),
  exact('LATENCY', 'HISTOGRAM', 'blabla', 'client|nope', 'set|x'),
];

/** Every case's reply frame, sent as one pipeline (after HELLO for RESP3). */
async function pipeline(port: number, proto: '2' | '3'): Promise<Buffer[]> {
  const hello = proto === '3' ? [['HELLO', '3']] : [];
  const replies = await pipelineReplies(port, [...hello, ...CASES.map((k) => k.slice(1))]);
  return replies.slice(hello.length).map((r) => Buffer.from(r, 'latin1'));
}

/** What is compared for a case: the bytes, or the shape. */
function compared(k: Case, reply: Buffer): string {
  if (k[0] === 'exact') return reply.toString('latin1');
  return replyShape(reply)?.shape ?? '(incomplete)';
}

describe('MEMORY, LATENCY, OBJECT and expiry edges, side by side with redis-server 7.0.15', () => {
  let redis: RedisServer;
  let node: SpawnedNode;

  beforeAll(async () => {
    [redis, node] = await Promise.all([startRedisServer(['--enable-debug-command', 'yes']), spawnNode({ args: ['--enable-debug-command', 'yes'] })]);
  });
  afterAll(async () => {
    closeAll();
    await Promise.all([redis?.stop(), node?.stop()]);
  });

  for (const proto of ['2', '3'] as const) {
    it(`RESP${proto}: the same bytes, or the same shape where the figures are the server's own`, async () => {
      const theirs = await pipeline(redis.port, proto);
      const ours = await pipeline(node.port, proto);
      expect(ours).toHaveLength(CASES.length);
      expect(theirs).toHaveLength(CASES.length);
      const rows = (replies: Buffer[]): string[] => CASES.map((k, i) => `${k.slice(1).join(' ')} => ${compared(k, replies[i] as Buffer)}`);
      expect(rows(ours)).toEqual(rows(theirs));
    }, 30_000);
  }

  it('MEMORY USAGE grows with the value on both servers', async () => {
    const usage = async (port: number): Promise<number[]> => {
      const c = await connectRaw(port);
      try {
        const sizes = [10, 1000, 100_000];
        for (const n of sizes) c.send('SET', `mem:${n}`, 'x'.repeat(n));
        for (const n of sizes) c.send('MEMORY', 'USAGE', `mem:${n}`);
        await waitUntil(() => (c.received().match(/^:\d+\r\n/gm) ?? []).length === sizes.length, 10_000, 'MEMORY USAGE replies');
        return (c.received().match(/^:(\d+)\r\n/gm) ?? []).map((l) => Number(l.slice(1)));
      } finally {
        c.sock.destroy();
      }
    };
    for (const sizes of [await usage(redis.port), await usage(node.port)]) {
      expect(sizes[0]).toBeGreaterThan(10);
      expect(sizes[1]).toBeGreaterThan(sizes[0] as number);
      expect(sizes[2]).toBeGreaterThan(100_000);
    }
  });
});
