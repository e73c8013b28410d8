// /api/filters/<name> through app.inject against a real Executor: create, add, membership (query and body), info, delete, errors, and routing through KeyRouting.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import { NodeMetrics } from '../observability/metrics.js';
import type { ClusterMember, KeyRouting } from '../contracts/cluster.js';
import { localKeyRouting } from '../routing/key-routing.js';
import { buildHttpApp } from './app.js';
import { DEFAULT_HTTP_SETTINGS } from './context.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

interface Setup {
  te: TestExecutor;
  app: FastifyInstance;
  /** Keys the HTTP API asked KeyRouting to run commands for. */
  routed: string[];
}

/** An app whose KeyRouting records each key and answers as another member (as a forwarded call would). */
function setup(): Setup {
  const te = createTestExecutor();
  const routed: string[] = [];
  const metrics = new NodeMetrics({ nodeId: 'n1', figures: () => te.server.figures() }, { defaultMetrics: false });
  const owner: ClusterMember = { id: 'n2', host: '127.0.0.1', respPort: 8081, httpPort: 9081, gossipPort: 0, state: 'alive', self: false };
  const local = localKeyRouting((c, argv) => te.executor.execute(c, argv), () => owner);
  const routing: KeyRouting = {
    ownerOf: (slot) => local.ownerOf(slot),
    forKey: (client, key, commands) => {
      routed.push(key);
      return local.forKey(client, key, commands);
    },
    forKeys: (client, keys, build) => local.forKeys(client, keys, build),
  };
  const app = buildHttpApp({
    nodeId: 'n1',
    version: '0.0.0-test',
    startedAt: te.clock.now(),
    now: () => te.clock.now(),
    keys: () => te.store.db(0).size,
    executor: te.executor,
    commandsProcessed: () => te.stats.commandsProcessed,
    ready: () => true,
    metrics,
    figures: () => te.server.figures(),
    addresses: () => ({ resp: '127.0.0.1:8080', http: '127.0.0.1:9080' }),
    settings: DEFAULT_HTTP_SETTINGS,
    log: pino({ level: 'silent' }),
    routing,
  });
  apps.push(app);
  return { te, app, routed };
}

const json = (res: LightMyRequestResponse): Record<string, unknown> => res.json<Record<string, unknown>>();
const errorOf = (res: LightMyRequestResponse): { code: string; message: string } => (json(res) as { error: { code: string; message: string } }).error;
const body = (method: 'PUT' | 'POST', url: string, payload: unknown) => ({ method, url, payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }) as const;

describe('/api/filters/<name>', () => {
  it('creates a Bloom filter, adds items, checks membership and reports info', async () => {
    const { app, te, routed } = setup();
    const created = await app.inject(body('PUT', '/api/filters/seen', { type: 'bloom', capacity: 1000, error_rate: 0.001 }));
    expect(created.statusCode).toBe(201);
    expect(json(created)).toEqual({ name: 'seen', type: 'bloom', created: true, node: expect.any(String) as unknown });
    expect(te.run('TYPE', 'seen')).toBe('+MBbloom--');

    const added = await app.inject(body('POST', '/api/filters/seen/items', { items: ['a', 'b', 'a', 'é'] }));
    expect(added.statusCode).toBe(200);
    expect(json(added)).toMatchObject({ type: 'bloom', added: [true, true, false, true], full: false });
    expect(te.run('BF.EXISTS', 'seen', Buffer.from('é').toString('latin1'))).toBe(1);

    const one = await app.inject({ url: '/api/filters/seen/items?item=a' });
    expect(json(one)).toMatchObject({ items: [{ item: 'a', exists: true }] });
    const many = await app.inject({ url: '/api/filters/seen/items?item=a&item=zz&item=%C3%A9' });
    expect(json(many)).toMatchObject({ items: [{ item: 'a', exists: true }, { item: 'zz', exists: false }, { item: 'é', exists: true }] });
    const posted = await app.inject(body('POST', '/api/filters/seen/exists', { items: ['b', 'c'] }));
    expect(json(posted)).toMatchObject({ items: [{ item: 'b', exists: true }, { item: 'c', exists: false }] });

    const info = await app.inject({ url: '/api/filters/seen' });
    expect(json(info)).toMatchObject({ type: 'bloom', info: { capacity: 1000, number_of_items_inserted: 3, number_of_filters: 1, expansion_rate: 2 } });
    expect(info.headers['x-served-by']).toBe('n2');
    expect(json(info).node).toBe('n2');
    expect(routed.every((k) => k === 'seen')).toBe(true);
    expect(routed.length).toBeGreaterThan(6);
  });

  it('creates a Cuckoo filter, reports fullness and deletes it', async () => {
    const { app, te } = setup();
    expect((await app.inject(body('PUT', '/api/filters/cf', { type: 'cuckoo', capacity: 4, bucket_size: 2, expansion: 0, max_iterations: 3 }))).statusCode).toBe(201);
    const items = Array.from({ length: 30 }, (_, i) => `x${i}`);
    const added = json(await app.inject(body('POST', '/api/filters/cf/items', { items })));
    expect(added.type).toBe('cuckoo');
    expect(added.full).toBe(true);
    const info = json(await app.inject({ url: '/api/filters/cf' }));
    expect(info.info).toMatchObject({ number_of_buckets: 2, bucket_size: 2, expansion_rate: 0, max_iterations: 3 });
    const del = await app.inject({ method: 'DELETE', url: '/api/filters/cf' });
    expect(json(del)).toMatchObject({ name: 'cf', type: 'cuckoo', deleted: true });
    expect(te.run('EXISTS', 'cf')).toBe(0);
  });

  it('answers the API error shape', async () => {
    const { app, te } = setup();
    const missing = await app.inject({ url: '/api/filters/nope' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('KEY_NOT_FOUND');
    expect((await app.inject(body('POST', '/api/filters/nope/items', { items: ['a'] }))).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: '/api/filters/nope' })).statusCode).toBe(404);

    te.run('SET', 'str', 'x');
    const wrong = await app.inject({ url: '/api/filters/str/items?item=a' });
    expect(wrong.statusCode).toBe(409);
    expect(errorOf(wrong).code).toBe('WRONG_TYPE');
    expect((await app.inject({ method: 'DELETE', url: '/api/filters/str' })).statusCode).toBe(409);
    expect(te.run('GET', 'str')).toBe('x');

    await app.inject(body('PUT', '/api/filters/f', { type: 'bloom' }));
    const again = await app.inject(body('PUT', '/api/filters/f', { type: 'cuckoo' }));
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('CONDITION_FAILED');

    const badType = await app.inject(body('PUT', '/api/filters/g', { type: 'quotient' }));
    expect(badType.statusCode).toBe(400);
    expect(errorOf(badType).code).toBe('VALIDATION');
    const mixed = await app.inject(body('PUT', '/api/filters/g', { type: 'bloom', bucket_size: 4 }));
    expect(errorOf(mixed)).toEqual({ code: 'VALIDATION', message: 'bucket_size does not apply to a bloom filter' });
    // RedisBloom's own refusal, carried verbatim.
    const small = await app.inject(body('PUT', '/api/filters/g', { type: 'cuckoo', capacity: 3 }));
    expect(small.statusCode).toBe(400);
    expect(errorOf(small)).toEqual({ code: 'COMMAND_ERROR', message: 'Capacity must be at least (BucketSize * 2)' });
    expect((await app.inject({ url: '/api/filters/f/items' })).statusCode).toBe(400);
    expect((await app.inject(body('POST', '/api/filters/f/exists', { items: [] }))).statusCode).toBe(400);
  });

  it('is in the OpenAPI document', async () => {
    const { app } = setup();
    await app.ready();
    const doc = app.swagger() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/filters/{name}', '/api/filters/{name}/items', '/api/filters/{name}/exists']));
  });
});
