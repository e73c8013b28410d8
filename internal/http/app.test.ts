// HTTP API tests with app.inject against a real Executor: every route, every error status, and RESP-level effects.
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { testFigures } from '../testing/figures.js';
import { createTestExecutor, type TestExecutor } from '../testing/exec.js';
import type { ConfigValue } from '../config/schema.js';
import { NodeMetrics } from '../observability/metrics.js';
import { errorReply } from '../resp/reply.js';
import { buildHttpApp } from './app.js';
import { DEFAULT_HTTP_SETTINGS, type HttpSettings } from './context.js';
import { MAX_BATCH } from './schemas.js';

interface Setup {
  te: TestExecutor;
  app: FastifyInstance;
  setReady(v: boolean): void;
  setToken(t: string): void;
}

interface SetupOptions {
  config?: Record<string, ConfigValue>;
  settings?: Partial<HttpSettings>;
  ready?: boolean;
  token?: string;
  log?: Logger;
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function setup(opts: SetupOptions = {}): Setup {
  const te = createTestExecutor({ config: opts.config ?? {} });
  let ready = opts.ready ?? true;
  let token = opts.token ?? '';
  const metrics = new NodeMetrics(
    { nodeId: 'test', figures: () => ({ ...te.server.figures(), up: ready }) },
    { defaultMetrics: false },
  );
  const app = buildHttpApp({
    nodeId: 'test',
    version: '0.0.0-test',
    startedAt: te.clock.now(),
    now: () => te.clock.now(),
    keys: () => te.store.db(0).size,
    executor: te.executor,
    commandsProcessed: () => te.stats.commandsProcessed,
    ready: () => ready,
    metrics,
    figures: () => te.server.figures(),
    addresses: () => ({ resp: '127.0.0.1:8080', http: '127.0.0.1:9080' }),
    settings: { ...DEFAULT_HTTP_SETTINGS, ...opts.settings, authToken: () => token },
    ...(opts.log ? { log: opts.log } : {}),
  });
  apps.push(app);
  return { te, app, setReady: (v) => (ready = v), setToken: (t) => (token = t) };
}

/** UTF-8 text as ringcache's latin1 bytes (what RESP clients see). */
const bytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const json = (res: LightMyRequestResponse): Record<string, unknown> => res.json<Record<string, unknown>>();
const errorOf = (res: LightMyRequestResponse): { code: string; message: string } => (json(res) as { error: { code: string; message: string } }).error;

function put(app: FastifyInstance, key: string, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'PUT', url: `/api/cache/${key}`, payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

describe('PUT and GET /api/cache/<key> (JSON)', () => {
  it('stores a string as its UTF-8 bytes and reads it back, with the serving node', async () => {
    const { app, te } = setup();
    const res = await put(app, 'greeting', { value: 'héllo ✓ 🎉' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ key: 'greeting', stored: true, ttl_seconds: null, node: 'test' });
    expect(res.headers['x-served-by']).toBe('test');
    expect(te.run('GET', 'greeting')).toBe(bytes('héllo ✓ 🎉'));

    const got = await app.inject({ url: '/api/cache/greeting' });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toMatch(/^application\/json/);
    expect(got.headers['x-served-by']).toBe('test');
    expect(json(got)).toEqual({ key: 'greeting', value: 'héllo ✓ 🎉', encoding: 'utf8', ttl_seconds: null, node: 'test' });
  });

  it('reads what a RESP client wrote, byte for byte', async () => {
    const { app, te } = setup();
    te.run('SET', 'k', bytes('naïve'));
    expect(json(await app.inject({ url: '/api/cache/k' }))).toMatchObject({ value: 'naïve', encoding: 'utf8' });
    te.run('SET', 'bin', '\x00\xff\xfe');
    expect(json(await app.inject({ url: '/api/cache/bin' }))).toMatchObject({ value: Buffer.from([0, 255, 254]).toString('base64'), encoding: 'base64' });
  });

  it.each<[unknown, string]>([
    [{ name: 'Ada', tags: ['x'] }, '{"name":"Ada","tags":["x"]}'],
    [42, '42'],
    [1.5, '1.5'],
    [true, 'true'],
    [['a', 'ü'], bytes('["a","ü"]')],
    ['', ''],
  ])('stores the JSON value %j as its JSON text', async (value, stored) => {
    const { app, te } = setup();
    expect((await put(app, 'v', { value })).statusCode).toBe(200);
    expect(te.run('GET', 'v')).toBe(stored);
  });

  it('sets TTLs in hours or seconds; the key expires with the clock', async () => {
    const { app, te } = setup();
    const res = await put(app, 'h', { value: 'x', ttl_hours: 1 });
    expect(json(res)['ttl_seconds']).toBe(3600);
    expect(te.run('PTTL', 'h')).toBe(3_600_000);
    expect(json(await app.inject({ url: '/api/cache/h' }))['ttl_seconds']).toBe(3600);

    expect(json(await put(app, 's', { value: 'x', ttl_seconds: 1.5 }))['ttl_seconds']).toBe(2);
    expect(te.run('PTTL', 's')).toBe(1500);
    te.clock.advance(1499);
    expect((await app.inject({ url: '/api/cache/s' })).statusCode).toBe(200);
    te.clock.advance(1);
    const gone = await app.inject({ url: '/api/cache/s' });
    expect(gone.statusCode).toBe(404);
    expect(errorOf(gone).code).toBe('KEY_NOT_FOUND');
  });

  it('a PUT without TTL clears an old one, as SET does', async () => {
    const { app, te } = setup();
    await put(app, 'k', { value: 'a', ttl_seconds: 100 });
    await put(app, 'k', { value: 'b' });
    expect(te.run('PTTL', 'k')).toBe(-1);
  });

  it('journals the write like a RESP SET, with an absolute expiry', async () => {
    const { app, te } = setup();
    await put(app, 'j', { value: 'v', ttl_seconds: 10 });
    const last = te.journal[te.journal.length - 1];
    expect(last?.db).toBe(0);
    expect(last?.argv[0]?.toUpperCase()).toBe('SET');
    expect(last?.argv.slice(1, 3)).toEqual(['j', 'v']);
    expect(last?.argv.join(' ')).toMatch(/PXAT/i);
  });

  it('nx and xx: 409 CONDITION_FAILED when the condition fails, and nothing changes', async () => {
    const { app, te } = setup();
    expect((await put(app, 'n', { value: 'first', nx: true })).statusCode).toBe(200);
    const again = await put(app, 'n', { value: 'second', nx: true });
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).code).toBe('CONDITION_FAILED');
    expect(te.run('GET', 'n')).toBe('first');
    const xx = await put(app, 'missing', { value: 'v', xx: true });
    expect(xx.statusCode).toBe(409);
    expect(errorOf(xx).code).toBe('CONDITION_FAILED');
    expect(te.run('EXISTS', 'missing')).toBe(0);
    expect((await put(app, 'n', { value: 'third', xx: true })).statusCode).toBe(200);
    expect(te.run('GET', 'n')).toBe('third');
  });

  it.each<[string, unknown]>([
    ['both TTLs', { value: 'x', ttl_hours: 1, ttl_seconds: 5 }],
    ['a zero TTL', { value: 'x', ttl_seconds: 0 }],
    ['a negative TTL', { value: 'x', ttl_hours: -1 }],
    ['a TTL as a string (no coercion)', { value: 'x', ttl_seconds: '60' }],
    ['a TTL beyond 100 years', { value: 'x', ttl_seconds: 1e12 }],
    ['an unknown field', { value: 'x', color: 'red' }],
    ['no value', { ttl_seconds: 5 }],
    ['a null value', { value: null }],
    ['nx and xx together', { value: 'x', nx: true, xx: true }],
    ['nx as a string', { value: 'x', nx: 'yes' }],
    ['a body that is not an object', ['x']],
  ])('400 VALIDATION for %s, and nothing is stored', async (_what, body) => {
    const { app, te } = setup();
    const res = await put(app, 'bad', body);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
    expect(errorOf(res).message.length).toBeGreaterThan(0);
    expect(te.run('EXISTS', 'bad')).toBe(0);
  });

  it('400 VALIDATION for malformed JSON and for options in the query string of a JSON PUT', async () => {
    const { app } = setup();
    const broken = await app.inject({ method: 'PUT', url: '/api/cache/k', payload: '{"value":', headers: { 'content-type': 'application/json' } });
    expect(broken.statusCode).toBe(400);
    expect(errorOf(broken).code).toBe('VALIDATION');
    const q = await app.inject({ method: 'PUT', url: '/api/cache/k?ttl_seconds=5', payload: '{"value":"x"}', headers: { 'content-type': 'application/json' } });
    expect(q.statusCode).toBe(400);
    expect(errorOf(q).code).toBe('VALIDATION');
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for other body types (a value’s bytes are never guessed from a charset)', async () => {
    const { app } = setup();
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await app.inject({ method: 'PUT', url: '/api/cache/k', payload: 'hello', headers: { 'content-type': type } });
      expect(res.statusCode, type).toBe(415);
      expect(errorOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('409 WRONG_TYPE reading a key of another type; 404 KEY_NOT_FOUND for a missing key', async () => {
    const { app, te } = setup();
    te.run('RPUSH', 'list', 'a');
    const res = await app.inject({ url: '/api/cache/list' });
    expect(res.statusCode).toBe(409);
    expect(errorOf(res)).toEqual({ code: 'WRONG_TYPE', message: 'Operation against a key holding the wrong kind of value' });
    const missing = await app.inject({ url: '/api/cache/nope' });
    expect(missing.statusCode).toBe(404);
    expect(errorOf(missing).code).toBe('KEY_NOT_FOUND');
    expect(missing.headers['x-served-by']).toBe('test');
  });

  it('counts hits and misses like GET + PTTL over RESP, so the hit ratio is unchanged', async () => {
    const { app, te } = setup();
    te.run('SET', 'k', 'v');
    const { hits, misses } = te.store.stats;
    await app.inject({ url: '/api/cache/k' });
    await app.inject({ url: '/api/cache/nope' });
    expect(te.store.stats.hits - hits).toBe(2);
    expect(te.store.stats.misses - misses).toBe(2);
  });
});

describe('octet-stream values', () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  it('stores raw bytes and returns them raw with Accept: application/octet-stream', async () => {
    const { app, te } = setup();
    const res = await app.inject({ method: 'PUT', url: '/api/cache/blob?ttl_seconds=30', payload: all, headers: { 'content-type': 'application/octet-stream' } });
    expect(res.statusCode).toBe(200);
    expect(json(res)['ttl_seconds']).toBe(30);
    expect(te.run('GET', 'blob')).toBe(all.toString('latin1'));

    const raw = await app.inject({ url: '/api/cache/blob', headers: { accept: 'application/octet-stream' } });
    expect(raw.statusCode).toBe(200);
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.headers['x-ttl-seconds']).toBe('30');
    expect(raw.headers['x-served-by']).toBe('test');
    expect(raw.rawPayload.equals(all)).toBe(true);

    // The JSON view of non-UTF-8 bytes is base64, lossless.
    expect(json(await app.inject({ url: '/api/cache/blob' }))).toMatchObject({ value: all.toString('base64'), encoding: 'base64' });
  });

  it('takes options from the query string; no X-TTL-Seconds without expiry', async () => {
    const { app, te } = setup();
    const put1 = (url: string): Promise<LightMyRequestResponse> =>
      app.inject({ method: 'PUT', url, payload: Buffer.from('v'), headers: { 'content-type': 'application/octet-stream' } });
    expect((await put1('/api/cache/o?nx=true')).statusCode).toBe(200);
    expect((await put1('/api/cache/o?nx=true')).statusCode).toBe(409);
    expect((await put1('/api/cache/p?xx=true')).statusCode).toBe(409);
    expect((await put1('/api/cache/o?ttl_hours=0.5')).statusCode).toBe(200);
    expect(te.run('PTTL', 'o')).toBe(1_800_000);
    for (const bad of ['ttl_seconds=abc', 'ttl_seconds=0', 'ttl_seconds=-1', 'nx=yes', 'color=red', 'ttl_seconds=1&ttl_hours=1', 'nx=true&xx=true']) {
      const res = await put1(`/api/cache/o?${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(errorOf(res).code, bad).toBe('VALIDATION');
    }
    te.run('SET', 'plain', 'v');
    const raw = await app.inject({ url: '/api/cache/plain', headers: { accept: 'application/octet-stream' } });
    expect(raw.headers['x-ttl-seconds']).toBeUndefined();
    const missing = await app.inject({ url: '/api/cache/none', headers: { accept: 'application/octet-stream' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(errorOf(missing).code).toBe('KEY_NOT_FOUND');
  });

  it('stores an empty body as an empty value', async () => {
    const { app, te } = setup();
    const res = await app.inject({ method: 'PUT', url: '/api/cache/e', payload: Buffer.alloc(0), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.statusCode).toBe(200);
    expect(te.run('GET', 'e')).toBe('');
  });
});

describe('keys in URLs', () => {
  it.each<[string, string]>([
    ['a%2Fb', 'a/b'],
    ['a/b/c', 'a/b/c'],
    ['with%20space', 'with space'],
    [encodeURIComponent('ключ/🔑 x'), bytes('ключ/🔑 x')],
    ['%7Buser%7D%3A1', '{user}:1'],
    ['nul%00byte', 'nul\x00byte'],
    ['plus+sign', 'plus+sign'],
  ])('/api/cache/%s is the key %j on the RESP side', async (path, key) => {
    const { app, te } = setup();
    expect((await put(app, path, { value: 'v' })).statusCode).toBe(200);
    expect(te.run('GET', key)).toBe('v');
    te.run('SET', key, 'from-resp');
    expect(json(await app.inject({ url: `/api/cache/${path}` }))['value']).toBe('from-resp');
    expect((await app.inject({ method: 'DELETE', url: `/api/cache/${path}` })).statusCode).toBe(200);
    expect(te.run('EXISTS', key)).toBe(0);
  });

  it('answers with the key as text', async () => {
    const { app } = setup();
    const res = await put(app, encodeURIComponent('dir/ключ'), { value: 'v' });
    expect(json(res)['key']).toBe('dir/ключ');
  });

  it('400 VALIDATION for an empty key or a broken %-escape', async () => {
    const { app } = setup();
    // %FF alone is not UTF-8: the router refuses it (binary keys are for RESP and batch bodies).
    for (const url of ['/api/cache/', '/api/cache/a%2', '/api/cache/a%zz', '/api/cache/bin%FF']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(errorOf(res).code, url).toBe('VALIDATION');
    }
  });
});

describe('DELETE /api/cache/<key>', () => {
  it('200 {deleted: true} when the key existed, 404 KEY_NOT_FOUND after', async () => {
    const { app, te } = setup();
    te.run('SET', 'd', 'v');
    const res = await app.inject({ method: 'DELETE', url: '/api/cache/d' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ key: 'd', deleted: true, node: 'test' });
    expect(res.headers['x-served-by']).toBe('test');
    const again = await app.inject({ method: 'DELETE', url: '/api/cache/d' });
    expect(again.statusCode).toBe(404);
    expect(errorOf(again).code).toBe('KEY_NOT_FOUND');
  });

  it('deletes keys of any type, as DEL does', async () => {
    const { app, te } = setup();
    te.run('RPUSH', 'l', 'a');
    expect((await app.inject({ method: 'DELETE', url: '/api/cache/l' })).statusCode).toBe(200);
    expect(te.run('EXISTS', 'l')).toBe(0);
  });
});

describe('batch routes', () => {
  const post = (app: FastifyInstance, url: string, body: unknown): Promise<LightMyRequestResponse> =>
    app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('get: items in request order with found flags; one MGET', async () => {
    const { app, te } = setup();
    te.run('SET', 'a', '1');
    te.run('SET', bytes('ü'), bytes('ö'));
    te.run('RPUSH', 'list', 'x');
    const calls = te.executor.commandStats.get('mget')?.calls ?? 0;
    const res = await post(app, '/api/cache/_batch/get', { keys: ['a', 'missing', 'ü', 'list'] });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-served-by']).toBe('test');
    expect(json(res)).toEqual({
      items: [
        { key: 'a', found: true, value: '1', encoding: 'utf8', node: 'test' },
        { key: 'missing', found: false, value: null, encoding: null, node: 'test' },
        { key: 'ü', found: true, value: 'ö', encoding: 'utf8', node: 'test' },
        { key: 'list', found: false, value: null, encoding: null, node: 'test' },
      ],
    });
    expect(te.executor.commandStats.get('mget')?.calls).toBe(calls + 1);
  });

  it('set: one MULTI/EXEC, journaled as one transaction, with per-item TTLs', async () => {
    const { app, te } = setup();
    const res = await post(app, '/api/cache/_batch/set', {
      items: [
        { key: 'x', value: 'one' },
        { key: 'y', value: { n: 2 }, ttl_seconds: 60 },
        { key: 'ключ', value: 'три' },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ stored: 3, nodes: ['test'] });
    expect(te.run('GET', 'x')).toBe('one');
    expect(te.run('GET', 'y')).toBe('{"n":2}');
    expect(te.run('PTTL', 'y')).toBe(60_000);
    expect(te.run('GET', bytes('ключ'))).toBe(bytes('три'));
    const cmds = te.journal.map((j) => (j.argv[0] ?? '').toUpperCase());
    expect(cmds).toEqual(['MULTI', 'SET', 'SET', 'SET', 'EXEC']);
  });

  it.each<[string, string, unknown]>([
    ['get with no keys', 'get', { keys: [] }],
    ['get with too many keys', 'get', { keys: Array.from({ length: MAX_BATCH + 1 }, (_, i) => `k${i}`) }],
    ['get with a non-string key', 'get', { keys: [1] }],
    ['get with an empty key', 'get', { keys: [''] }],
    ['get with an unknown field', 'get', { keys: ['a'], extra: 1 }],
    ['set with no items', 'set', { items: [] }],
    ['set with an item without value', 'set', { items: [{ key: 'a' }] }],
    ['set with an unknown item field', 'set', { items: [{ key: 'a', value: 'v', nx: true }] }],
    ['set with a zero TTL', 'set', { items: [{ key: 'a', value: 'v', ttl_seconds: 0 }] }],
    ['set with too many items', 'set', { items: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ key: `k${i}`, value: 'v' })) }],
  ])('400 VALIDATION for %s', async (_what, op, body) => {
    const { app, te } = setup();
    const res = await post(app, `/api/cache/_batch/${op}`, body);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
    expect(te.store.db(0).size).toBe(0);
  });
});

describe('errors from the executor map through ERROR_KINDS', () => {
  it('503 OUT_OF_MEMORY when maxmemory refuses the write (single and batch)', async () => {
    const { app, te } = setup({ config: { maxmemory: 1 } });
    expect((await put(app, 'first', { value: 'x' })).statusCode).toBe(200);
    const res = await put(app, 'second', { value: 'x' });
    expect(res.statusCode).toBe(503);
    expect(errorOf(res).code).toBe('OUT_OF_MEMORY');
    const batch = await app.inject({
      method: 'POST',
      url: '/api/cache/_batch/set',
      payload: JSON.stringify({ items: [{ key: 'a', value: 'v' }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(batch.statusCode).toBe(503);
    expect(errorOf(batch).code).toBe('OUT_OF_MEMORY');
    expect(te.run('EXISTS', 'second', 'a')).toBe(0);
  });

  it('maps an error reply by its prefix only (MISCONF -> 503 PERSISTENCE_ERROR)', async () => {
    const te = createTestExecutor();
    const metrics = new NodeMetrics(
      { nodeId: 'stub', figures: () => testFigures() },
      { defaultMetrics: false },
    );
    const app = buildHttpApp({
      nodeId: 'stub',
      version: '0',
      startedAt: 0,
      now: () => te.clock.now(),
      keys: () => 0,
      executor: { execute: () => errorReply('MISCONF Errors writing to the AOF file: No space left on device') },
      commandsProcessed: () => 0,
      ready: () => true,
      metrics,
      figures: () => testFigures(),
      addresses: () => ({ resp: 'x:1', http: 'x:2' }),
    });
    apps.push(app);
    const res = await put(app, 'k', { value: 'v' });
    expect(res.statusCode).toBe(503);
    expect(errorOf(res)).toEqual({ code: 'PERSISTENCE_ERROR', message: 'Errors writing to the AOF file: No space left on device' });
  });
});

describe('the executor path applies to HTTP writes as to RESP', () => {
  it('raises keyspace notifications', async () => {
    const { app, te } = setup({ config: { notify_keyspace_events: 'KEA' } });
    const sub = te.newClient();
    te.runAs(sub, 'PSUBSCRIBE', '__keyevent@0__:*');
    te.takePushes(sub);
    await put(app, 'k', { value: 'v' });
    await app.inject({ method: 'DELETE', url: '/api/cache/k' });
    expect(te.takePushes(sub)).toEqual([
      ['pmessage', '__keyevent@0__:*', '__keyevent@0__:set', 'k'],
      ['pmessage', '__keyevent@0__:*', '__keyevent@0__:del', 'k'],
    ]);
  });

  it('invalidates WATCH', async () => {
    const { app, te } = setup();
    const c = te.newClient();
    te.runAs(c, 'WATCH', 'w');
    await put(app, 'w', { value: 'http' });
    te.runAs(c, 'MULTI');
    te.runAs(c, 'SET', 'w', 'resp');
    expect(te.runAs(c, 'EXEC')).toBeNull();
    expect(te.run('GET', 'w')).toBe('http');
  });

  it('counts commands in the node stats', async () => {
    const { app, te } = setup();
    const before = te.stats.commandsProcessed;
    await put(app, 'k', { value: 'v' });
    expect(te.stats.commandsProcessed).toBe(before + 1);
  });

  it('runs as an authenticated client even when requirepass is set', async () => {
    const { app, te } = setup({ config: { requirepass: 'pw' } });
    expect((await put(app, 'k', { value: 'v' })).statusCode).toBe(200);
    expect(te.store.db(0).size).toBe(1);
  });
});

describe('auth (http.auth_token)', () => {
  it('401 UNAUTHORIZED without or with a wrong token, and nothing runs', async () => {
    const { app, te } = setup({ token: 's3cret' });
    const before = te.stats.commandsProcessed;
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer nope' }, { authorization: 's3cret' }, { authorization: 'Basic s3cret' }, { authorization: 'Bearer s3cret ' }];
    for (const headers of attempts) {
      const res = await put(app, 'k', { value: 'v' }, headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(errorOf(res).code).toBe('UNAUTHORIZED');
      expect(res.headers['www-authenticate']).toBe('Bearer');
    }
    expect(te.stats.commandsProcessed).toBe(before);
    expect(te.store.db(0).size).toBe(0);
    const ok = await put(app, 'k', { value: 'v' }, { authorization: 'Bearer s3cret' });
    expect(ok.statusCode).toBe(200);
  });

  it('covers every API route, /stats and /metrics; not /health, /ready or /docs', async () => {
    const { app } = setup({ token: 's3cret' });
    for (const url of ['/api/cache/k', '/api/cache/stats', '/stats', '/metrics', '/api/cluster/members', '/api/cluster/ring', '/api/cluster/owner/k']) {
      expect((await app.inject({ url })).statusCode, url).toBe(401);
    }
    for (const url of ['/health', '/ready', '/docs/json', '/docs/', '/docs/static/swagger-ui.css']) {
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
    const batch = await app.inject({ method: 'POST', url: '/api/cache/_batch/get', payload: '{"keys":["a"]}', headers: { 'content-type': 'application/json' } });
    expect(batch.statusCode).toBe(401);
  });

  it('checks the token before the body: an oversized body without a token is 401', async () => {
    const { app } = setup({ token: 's3cret', settings: { bodyLimit: 1024 } });
    const res = await put(app, 'k', { value: 'x'.repeat(4096) });
    expect(res.statusCode).toBe(401);
  });

  it('rate limits before checking the token, so guessing tokens is limited too', async () => {
    const { app } = setup({ token: 's3cret', settings: { rateLimit: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await app.inject({ url: '/stats', headers: { authorization: `Bearer guess${i}` } })).statusCode);
    expect(codes).toEqual([401, 401, 429]);
  });

  it('reads the token live (CONFIG SET http-auth-token)', async () => {
    const { app, setToken } = setup();
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(200);
    setToken('new');
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/stats', headers: { authorization: 'Bearer new' } })).statusCode).toBe(200);
  });
});

describe('limits', () => {
  it('413 BODY_TOO_LARGE over http.body_limit, and nothing is stored', async () => {
    const { app, te } = setup({ settings: { bodyLimit: 1024 } });
    const res = await put(app, 'big', { value: 'x'.repeat(2000) });
    expect(res.statusCode).toBe(413);
    expect(errorOf(res).code).toBe('BODY_TOO_LARGE');
    const raw = await app.inject({ method: 'PUT', url: '/api/cache/big', payload: Buffer.alloc(2000), headers: { 'content-type': 'application/octet-stream' } });
    expect(raw.statusCode).toBe(413);
    expect(te.run('EXISTS', 'big')).toBe(0);
    expect((await put(app, 'small', { value: 'x'.repeat(900) })).statusCode).toBe(200);
  });

  it('429 RATE_LIMITED over http.rate_limit per client IP, with Retry-After; probes are never limited', async () => {
    const { app } = setup({ settings: { rateLimit: 3 } });
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ url: '/api/cache/k' })).statusCode);
    expect(codes.slice(0, 3)).toEqual([404, 404, 404]);
    expect(codes.slice(3)).toEqual([429, 429]);
    const res = await app.inject({ url: '/stats' });
    expect(res.statusCode).toBe(429);
    expect(errorOf(res).code).toBe('RATE_LIMITED');
    expect(res.headers['retry-after']).toBeDefined();
    for (let i = 0; i < 10; i++) {
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    }
    // Another client address has its own budget.
    expect((await app.inject({ url: '/api/cache/k', remoteAddress: '10.0.0.9' })).statusCode).toBe(404);
  });
});

describe('health and readiness', () => {
  it('/health is 200 even while not ready; /ready and the cache routes are 503 NOT_READY until ready', async () => {
    const { app, setReady, te } = setup({ ready: false });
    te.run('SET', 'k', 'v');
    const health = await app.inject({ url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(json(health)).toEqual({ status: 'ok', node: 'test', version: '0.0.0-test', uptime_seconds: 0, keys: 1 });
    const ready = await app.inject({ url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(errorOf(ready).code).toBe('NOT_READY');
    const get = await app.inject({ url: '/api/cache/k' });
    expect(get.statusCode).toBe(503);
    expect(errorOf(get).code).toBe('NOT_READY');
    // Node-level routes still answer while not ready.
    expect((await app.inject({ url: '/stats' })).statusCode).toBe(200);
    setReady(true);
    expect(json(await app.inject({ url: '/ready' }))).toEqual({ status: 'ready', node: 'test' });
    expect((await app.inject({ url: '/api/cache/k' })).statusCode).toBe(200);
  });
});

describe('stats', () => {
  it('reports keys per db, memory, hits/misses, ratio, ops/s, clients and persistence from the node figures', async () => {
    const { app, te } = setup();
    await app.ready();
    te.run('SET', 'a', '1');
    te.run('SET', 'b', '2', 'EX', '100');
    te.run('SELECT', '3');
    te.run('SET', 'c', '3');
    te.run('SELECT', '0');
    te.run('GET', 'a');
    te.run('GET', 'zz');
    te.clock.advance(2000);
    for (const url of ['/stats', '/api/cache/stats']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      const s = json(res);
      expect(s['node']).toBe('test');
      expect(s['keys']).toEqual({ total: 3, expires: 1, per_db: { '0': 2, '3': 1 } });
      expect(s['hits']).toBe(1);
      expect(s['misses']).toBe(1);
      expect(s['hit_ratio']).toBe(0.5);
      expect(s['ops_per_sec']).toBeGreaterThan(0);
      // The node's figure as it is: reading /stats runs no command (it used to run INFO, counted itself).
      expect(s['commands_processed']).toBe(te.stats.commandsProcessed);
      expect(s['connected_clients']).toEqual(expect.any(Number));
      expect(s['memory']).toMatchObject({ maxmemory_bytes: 0, maxmemory_policy: 'noeviction', dataset_bytes: te.store.usedBytes() });
      expect(s['persistence']).toMatchObject({ loading: 0 });
    }
  });

  it('hit_ratio is null before any lookup', async () => {
    const { app } = setup();
    expect(json(await app.inject({ url: '/stats' }))['hit_ratio']).toBeNull();
  });
});

describe('cluster routes (a single node owns every slot)', () => {
  it('members and ring', async () => {
    const { app } = setup();
    expect(json(await app.inject({ url: '/api/cluster/members' }))).toEqual({
      self: 'test',
      epoch: 0,
      members: [{ id: 'test', resp: '127.0.0.1:8080', http: '127.0.0.1:9080', state: 'alive', self: true }],
    });
    expect(json(await app.inject({ url: '/api/cluster/ring' }))).toEqual({ slots: 16384, epoch: 0, ranges: [{ start: 0, end: 16383, owner: 'test', replicas: [] }] });
  });

  it.each<[string, string, number, string | null]>([
    ['foo', 'foo', 12182, null],
    ['%7Buser1000%7D.following', '{user1000}.following', 3443, 'user1000'],
    ['a/b', 'a/b', 0, null],
    [encodeURIComponent('héllo'), 'héllo', 11061, null],
  ])('owner of %s', async (path, key, slot, tag) => {
    const { app } = setup();
    const res = json(await app.inject({ url: `/api/cluster/owner/${path}` }));
    expect(res['key']).toBe(key);
    if (key !== 'a/b') expect(res['slot']).toBe(slot);
    expect(res['hash_tag']).toBe(tag);
    expect(res['local']).toBe(true);
    expect((res['owner'] as { id: string }).id).toBe('test');
  });
});

describe('GET /metrics', () => {
  it('exposes node gauges read at scrape time and HTTP request durations by route', async () => {
    const { app, te } = setup();
    te.run('SET', 'a', '1');
    te.run('SELECT', '2');
    te.run('SET', 'b', '1');
    await app.inject({ url: '/api/cache/a' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('ringcache_up{node="test"} 1');
    expect(text).toContain('ringcache_db_keys{db="0",node="test"} 1');
    expect(text).toContain('ringcache_db_keys{db="2",node="test"} 1');
    expect(text).toMatch(new RegExp(`ringcache_commands_processed_total\\{node="test"\\} ${te.stats.commandsProcessed}\\b`));
    const count = text.split('\n').filter((l) => l.startsWith('ringcache_http_request_duration_seconds_count{') && l.includes('route="/api/cache/*"'));
    expect(count).toHaveLength(1);
    expect(count[0]).toMatch(/method="GET"/);
    expect(count[0]).toMatch(/status_code="200"/);
    expect(count[0]).toMatch(/ 1$/);
    expect(text).toContain('ringcache_keyspace_hits_total');
  });
});

describe('OpenAPI and /docs', () => {
  it('generates OpenAPI 3 from the route schemas, with keys as {key}', async () => {
    const { app } = setup();
    await app.ready();
    const doc = app.swagger() as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/api/cache/{key}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    for (const p of ['/api/cache/_batch/get', '/api/cache/_batch/set', '/health', '/ready', '/stats', '/api/cache/stats', '/metrics', '/api/cluster/members', '/api/cluster/ring', '/api/cluster/owner/{key}']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.components.schemas['ErrorResponse']).toBeDefined();
    expect(doc.components.securitySchemes['bearer']).toBeDefined();
    const json1 = await app.inject({ url: '/docs/json' });
    expect(json1.statusCode).toBe(200);
    expect(json(json1)['openapi']).toBe(doc.openapi);
  });

  it('serves Swagger UI with its bundled assets (no CDN)', async () => {
    const { app } = setup();
    const page = await app.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/);
    const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
  });
});

describe('requests', () => {
  it('404 NOT_FOUND JSON for unknown routes', async () => {
    const { app } = setup();
    const res = await app.inject({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res)).toEqual({ code: 'NOT_FOUND', message: 'no route GET /nope' });
  });

  it('logs one debug line per request with its request id (a plain X-Request-Id is kept), never the value', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const { app } = setup({ log: pino({ level: 'debug' }, sink) });
    await put(app, 'k', { value: 'top-secret-value' }, { 'x-request-id': 'abc-123' });
    await app.inject({ url: '/api/cache/k', headers: { 'x-request-id': 'bad id with spaces' } });
    await app.inject({ url: '/api/cache/missing' });
    const done = lines.filter((l) => l['msg'] === 'request completed');
    expect(done.map((l) => [l['reqId'], l['method'], l['route'], l['statusCode']])).toEqual([
      ['abc-123', 'PUT', '/api/cache/*', 200],
      [expect.stringMatching(/^test-[0-9a-z]+$/), 'GET', '/api/cache/*', 200],
      [expect.stringMatching(/^test-[0-9a-z]+$/), 'GET', '/api/cache/*', 404],
    ]);
    expect(JSON.stringify(lines)).not.toContain('top-secret-value');
  });

  it('never leaves the internal client inside MULTI', async () => {
    const { app } = setup({ config: { maxmemory: 1 } });
    await put(app, 'a', { value: 'v' });
    await app.inject({ method: 'POST', url: '/api/cache/_batch/set', payload: '{"items":[{"key":"b","value":"v"}]}', headers: { 'content-type': 'application/json' } });
    const res = await app.inject({ url: '/api/cache/a' });
    expect(json(res)['value']).toBe('v');
  });
});
