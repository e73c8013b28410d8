// cjson, cmsgpack, bit and struct side by side with redis-server 7.0.15: every script of cases.ts gives the same reply byte for byte (RESP2 and RESP3), and a 1 KB document encodes/decodes alike.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connectIoredis } from '../../testing/clients.js';
import { spawnNode, type SpawnedNode } from '../../testing/harness.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { BIT_CASES, CJSON_CASES, CMSGPACK_CASES, STRUCT_CASES } from './cases.js';

/** A reply in comparable form: Buffers as latin1 strings, errors as `ERR:<message>`. */
async function call(c: Redis, argv: readonly string[]): Promise<unknown> {
  try {
    return normalize(await c.callBuffer(argv[0] as string, ...argv.slice(1)));
  } catch (e) {
    return `ERR:${(e as Error).message}`;
  }
}

function normalize(r: unknown): unknown {
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (Array.isArray(r)) return r.map(normalize);
  return r;
}

const DOC = JSON.stringify({
  id: 12345,
  name: 'ringcache side-by-side document',
  score: 98.625,
  ratio: 1 / 3,
  tags: ['alpha', 'beta', 'gamma'],
  owner: { id: 42, login: 'someone', roles: ['admin', 'dev'], created: 1700000000123 },
  items: [
    { sku: 'A-1', qty: 3, price: 9.99, note: null },
    { sku: 'B-22', qty: 1, price: 149.5, note: 'fragile / "quoted"\n' },
  ],
  history: [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987],
  flags: { a: true, b: false },
  pad: 'x'.repeat(500),
});

describe('Lua C libraries next to redis-server 7.0.15', () => {
  let node: SpawnedNode;
  let redis: RedisServer;
  const clients: Record<'ours' | 'redis', Record<2 | 3, Redis>> = {} as never;

  beforeAll(async () => {
    [node, redis] = await Promise.all([spawnNode({ args: ['--save', ''] }), startRedisServer()]);
    const [o2, o3, r2, r3] = await Promise.all([
      connectIoredis(node.port, { protocol: 2 }),
      connectIoredis(node.port, { protocol: 3 }),
      connectIoredis(redis.port, { protocol: 2 }),
      connectIoredis(redis.port, { protocol: 3 }),
    ]);
    clients.ours = { 2: o2, 3: o3 };
    clients.redis = { 2: r2, 3: r3 };
  });

  afterAll(async () => {
    closeAll();
    await Promise.allSettled([node?.stop(), redis?.stop()]);
  });

  const all = [
    ['bit', BIT_CASES],
    ['struct', STRUCT_CASES],
    ['cmsgpack', CMSGPACK_CASES],
    ['cjson', CJSON_CASES],
  ] as const;

  for (const resp of [2, 3] as const) {
    it(`every case answers alike over RESP${resp}`, async () => {
      const diffs: string[] = [];
      let compared = 0;
      for (const [lib, cases] of all) {
        for (const script of cases) {
          const [ours, theirs] = await Promise.all([call(clients.ours[resp], ['EVAL', script, '0']), call(clients.redis[resp], ['EVAL', script, '0'])]);
          compared++;
          if (JSON.stringify(ours) !== JSON.stringify(theirs)) diffs.push(`${lib}: ${script}\n  ours:  ${JSON.stringify(ours)}\n  redis: ${JSON.stringify(theirs)}`);
        }
      }
      expect(diffs).toEqual([]);
      expect(compared).toBeGreaterThan(200);
    });
  }

  it('a 1 KB document round-trips through cjson and cmsgpack alike', async () => {
    const scripts = [
      'return cjson.encode(cjson.decode(ARGV[1]))',
      'return cmsgpack.pack(cjson.decode(ARGV[1]))',
      'return cjson.encode(cmsgpack.unpack(cmsgpack.pack(cjson.decode(ARGV[1]))))',
      'local t = cjson.decode(ARGV[1]) return {t.id, t.name, t.items[2].note, tostring(t.ratio), t.items[1].note == cjson.null}',
    ];
    for (const s of scripts) {
      const [ours, theirs] = await Promise.all([call(clients.ours[2], ['EVAL', s, '0', DOC]), call(clients.redis[2], ['EVAL', s, '0', DOC])]);
      expect(ours).toEqual(theirs);
    }
  });
});
