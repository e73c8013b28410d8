// HTTP API hardening: JSON depth and __proto__, Accept q-values, 405, and parse errors, timeouts and oversized headers over real sockets.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { rawRequest, testHttpApp } from '../testing/http-app.js';
import { checkingInterval } from './app.js';
import { clientErrorOf, MethodTable } from './client-errors.js';
import { toHttpError } from './errors.js';
import { jsonDepth, MAX_JSON_DEPTH, parseJsonBody } from './json-body.js';
import { negotiate } from './negotiate.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

function setup(settings: Parameters<typeof testHttpApp>[0] = {}): ReturnType<typeof testHttpApp> {
  const s = testHttpApp(settings);
  apps.push(s.app);
  return s;
}

async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

const errorOf = (res: LightMyRequestResponse | { body: string }): { code: string; message: string } =>
  (JSON.parse(res.body) as { error: { code: string; message: string } }).error;

const putRaw = (app: FastifyInstance, key: string, payload: string | Buffer): Promise<LightMyRequestResponse> =>
  app.inject({ method: 'PUT', url: `/api/cache/${key}`, payload, headers: { 'content-type': 'application/json' } });

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON bodies', () => {
  it('a value nested 5,000 deep is 400 JSON_TOO_DEEP (was 500: JSON.stringify overflowed the stack), nothing stored', async () => {
    const { app, te } = setup();
    const res = await putRaw(app, 'deep', `{"value":${nested(5000)}}`);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('JSON_TOO_DEEP');
    expect(te.run('EXISTS', 'deep')).toBe(0);
    const objects = await putRaw(app, 'deep', `{"value":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`);
    expect(objects.statusCode).toBe(400);
    expect(errorOf(objects).code).toBe('JSON_TOO_DEEP');
  });

  it(`the limit is ${MAX_JSON_DEPTH} levels, the body object included; brackets inside strings do not count`, async () => {
    const { app, te } = setup();
    const ok = await putRaw(app, 'edge', `{"value":${nested(MAX_JSON_DEPTH - 1)}}`);
    expect(ok.statusCode).toBe(200);
    expect(te.run('GET', 'edge')).toBe(nested(MAX_JSON_DEPTH - 1));
    const over = await putRaw(app, 'edge2', `{"value":${nested(MAX_JSON_DEPTH)}}`);
    expect(errorOf(over).code).toBe('JSON_TOO_DEEP');
    const text = await putRaw(app, 's', JSON.stringify({ value: '['.repeat(10_000) + '\\"{' }));
    expect(text.statusCode).toBe(200);
    const batch = await app.inject({ method: 'POST', url: '/api/cache/_batch/set', payload: `{"items":[{"key":"b","value":${nested(5000)}}]}`, headers: { 'content-type': 'application/json' } });
    expect(errorOf(batch).code).toBe('JSON_TOO_DEEP');
  });

  it('jsonDepth counts nesting iteratively and stops at the limit', () => {
    const depth = (s: string, limit = 1000): number => jsonDepth(Buffer.from(s), limit);
    expect(depth('1')).toBe(0);
    expect(depth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(depth('"[[[[\\"[["')).toBe(0);
    expect(depth(nested(3), 2)).toBe(-1);
    expect(depth(nested(1_000_000), 512)).toBe(-1);
  });

  it('stores a value with a "__proto__" key as sent (own data, no prototype touched) and GET returns the same JSON', async () => {
    const { app, te } = setup();
    const body = '{"value":{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"a":[{"__proto__":null}]}}';
    const res = await putRaw(app, 'proto', body);
    expect(res.statusCode).toBe(200);
    const stored = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"a":[{"__proto__":null}]}';
    expect(te.run('GET', 'proto')).toBe(stored);
    const got = await app.inject({ url: '/api/cache/proto' });
    expect(got.json<{ value: string }>().value).toBe(stored);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const parsed = parseJsonBody(Buffer.from(body)) as { value: object };
    expect(Object.getPrototypeOf(parsed.value)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed.value, '__proto__')).toBe(true);
  });

  it('a top-level "__proto__" is an unknown field (400 VALIDATION), not "invalid JSON"', async () => {
    const { app } = setup();
    const res = await putRaw(app, 'k', '{"value":1,"__proto__":{"x":1}}');
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
    expect(errorOf(res).message).not.toMatch(/JSON/);
  });

  it('400 VALIDATION for a number beyond a double (would be stored as "null"), invalid UTF-8 and an empty body; a BOM is skipped', async () => {
    const { app, te } = setup();
    for (const payload of ['{"value":1e400}', '{"value":[-1e309]}', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), '', '   ']) {
      const res = await putRaw(app, 'n', payload);
      expect(res.statusCode, String(payload)).toBe(400);
      expect(errorOf(res).code).toBe('VALIDATION');
    }
    expect(te.run('EXISTS', 'n')).toBe(0);
    const bom = await putRaw(app, 'bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"value":"x"}')]));
    expect(bom.statusCode).toBe(200);
  });
});

describe('regressions found by the fuzzers (routes.fuzz.test.ts)', () => {
  it('PUT with neither a body nor a Content-Type is 400 VALIDATION (was 500: the handler read .value of undefined)', async () => {
    const { app, te } = setup();
    const res = await app.inject({ method: 'PUT', url: '/api/cache/k' });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
    expect(te.run('EXISTS', 'k')).toBe(0);
    const port = await listen(app);
    const raw = await rawRequest(port, ['PUT /api/cache/k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(raw.status).toBe(400);
    expect(errorOf(raw).code).toBe('VALIDATION');
  });

  it('a string with a lone surrogate ("\\ud800") is 400 VALIDATION, not silently stored as U+FFFD', async () => {
    const { app, te } = setup();
    for (const payload of ['{"value":"\\ud800"}', '{"value":"a\\udc00b"}', '{"value":{"\\udbff":1}}']) {
      const res = await putRaw(app, 'sur', payload);
      expect(res.statusCode, payload).toBe(400);
      expect(errorOf(res).code).toBe('VALIDATION');
    }
    expect(te.run('EXISTS', 'sur')).toBe(0);
    const pair = await putRaw(app, 'pair', '{"value":"\\ud83d\\ude00"}');
    expect(pair.statusCode).toBe(200);
    expect((await app.inject({ url: '/api/cache/pair' })).json<{ value: string }>().value).toBe('😀');
  });
});

describe('Accept negotiation', () => {
  it('negotiate: q-values, specificity, ties to the first offer', () => {
    const offers = ['application/json', 'application/octet-stream'] as const;
    const cases: [string | undefined, string | null][] = [
      [undefined, 'application/json'],
      ['*/*', 'application/json'],
      ['application/octet-stream', 'application/octet-stream'],
      ['application/octet-stream;q=0', null],
      ['application/octet-stream; q=0.0', null],
      ['text/html', null],
      ['text/html, */*;q=0.8', 'application/json'],
      ['application/json;q=0, application/octet-stream', 'application/octet-stream'],
      ['*/*;q=0.1, application/octet-stream;q=0.5', 'application/octet-stream'],
      ['*/*, application/json;q=0', 'application/octet-stream'],
      ['application/*;q=0', null],
      ['APPLICATION/OCTET-STREAM', 'application/octet-stream'],
      ['application/json, application/octet-stream', 'application/json'],
      ['application/octet-stream;q=2', 'application/json'], // malformed q: the range is ignored, nothing valid left
      ['garbage', 'application/json'],
    ];
    for (const [accept, want] of cases) expect(negotiate(accept, offers), String(accept)).toBe(want);
  });

  it('GET answers 406 NOT_ACCEPTABLE (error shape) when Accept excludes both types, before running anything', async () => {
    const { app, te } = setup();
    te.run('SET', 'k', 'v');
    const before = te.stats.commandsProcessed;
    const res = await app.inject({ url: '/api/cache/k', headers: { accept: 'application/octet-stream;q=0' } });
    expect(res.statusCode).toBe(406);
    expect(errorOf(res).code).toBe('NOT_ACCEPTABLE');
    expect(te.stats.commandsProcessed).toBe(before);
    const raw = await app.inject({ url: '/api/cache/k', headers: { accept: 'application/json;q=0.1, application/octet-stream' } });
    expect(raw.headers['content-type']).toBe('application/octet-stream');
    expect(raw.body).toBe('v');
    const js = await app.inject({ url: '/api/cache/k', headers: { accept: '*/*, application/octet-stream;q=0' } });
    expect(js.json<{ value: string }>().value).toBe('v');
  });
});

describe('405 and the status table', () => {
  it('405 METHOD_NOT_ALLOWED with Allow for a path that exists under another method; 404 otherwise', async () => {
    const { app } = setup();
    const del = await app.inject({ method: 'DELETE', url: '/stats' });
    expect(del.statusCode).toBe(405);
    expect(errorOf(del).code).toBe('METHOD_NOT_ALLOWED');
    expect(del.headers['allow']).toBe('GET, HEAD');
    const patch = await app.inject({ method: 'PATCH', url: '/api/cache/some/key' });
    expect(patch.statusCode).toBe(405);
    expect(patch.headers['allow']).toBe('DELETE, GET, HEAD, PUT');
    const none = await app.inject({ method: 'PATCH', url: '/nowhere' });
    expect(none.statusCode).toBe(404);
    expect(errorOf(none).code).toBe('NOT_FOUND');
  });

  it('MethodTable matches :params as one segment and * as the rest', () => {
    const t = new MethodTable();
    t.add({ method: 'GET', url: '/a/:name/items' });
    t.add({ method: ['PUT', 'GET'], url: '/b/*' });
    expect(t.allowed('/a/x/items')).toEqual(['GET']);
    expect(t.allowed('/a/x/y/items')).toEqual([]);
    expect(t.allowed('/b/c/d')).toEqual(['GET', 'PUT']);
  });

  it('every status the server produces maps to a stable code', () => {
    const codes: Record<number, string> = { 400: 'VALIDATION', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 406: 'NOT_ACCEPTABLE', 408: 'REQUEST_TIMEOUT', 413: 'BODY_TOO_LARGE', 414: 'URI_TOO_LONG', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'RATE_LIMITED', 431: 'HEADERS_TOO_LARGE', 503: 'NOT_READY' };
    for (const [status, code] of Object.entries(codes)) expect(toHttpError(Object.assign(new Error('x'), { statusCode: Number(status) })).code).toBe(code);
    expect(toHttpError(new RangeError('Maximum call stack size exceeded')).body()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(clientErrorOf({ code: 'ERR_HTTP_REQUEST_TIMEOUT' }).statusCode).toBe(408);
    expect(clientErrorOf({ code: 'HPE_HEADER_OVERFLOW' }).code).toBe('HEADERS_TOO_LARGE');
    expect(clientErrorOf({ code: 'HPE_INVALID_METHOD' }).code).toBe('MALFORMED_REQUEST');
  });

  it('timeouts are checked at a tenth of the shorter one, between 50 ms and 1 s', () => {
    expect(checkingInterval({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 })).toBe(1000);
    expect(checkingInterval({ headersTimeoutMs: 3000, requestTimeoutMs: 30_000 })).toBe(300);
    expect(checkingInterval({ headersTimeoutMs: 10_000, requestTimeoutMs: 0 })).toBe(1000);
    expect(checkingInterval({ headersTimeoutMs: 100, requestTimeoutMs: 200 })).toBe(50);
  });
});

describe('over real sockets', () => {
  it('garbage bytes: 400 MALFORMED_REQUEST in the error shape, connection closed', async () => {
    const { app } = setup();
    const port = await listen(app);
    for (const junk of ['\x00\x01\x02 hello\r\n\r\n', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', 'GET /x HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n', 'GET /x HTTP/1.1\r\nbad header\r\n\r\n', 'PUT /api/cache/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', 'PUT /api/cache/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n']) {
      const res = await rawRequest(port, [junk]);
      expect(res.status, JSON.stringify(junk)).toBe(400);
      expect(errorOf(res).code).toBe('MALFORMED_REQUEST');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('oversized headers and URLs: 431 HEADERS_TOO_LARGE in the error shape', async () => {
    const { app } = setup();
    const port = await listen(app);
    const big = await rawRequest(port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expect(big.status).toBe(431);
    expect(errorOf(big).code).toBe('HEADERS_TOO_LARGE');
    const url = await rawRequest(port, [`GET /api/cache/${'k'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`]);
    expect(url.status).toBe(431);
    expect(errorOf(url).code).toBe('HEADERS_TOO_LARGE');
  });

  it('slow headers: 408 REQUEST_TIMEOUT close to http.headers_timeout_ms, not up to 30 s later', async () => {
    const { app } = setup({ headersTimeoutMs: 400, requestTimeoutMs: 2000 });
    const port = await listen(app);
    // Headers trickle in and never end; the server must cut the request off at ~400 ms (+ one 50 ms check).
    const chunks = ['GET /health HTTP/1.1\r\n', ...Array.from({ length: 60 }, (_, i) => `X-H${i}: 1\r\n`)];
    const res = await rawRequest(port, chunks, { gapMs: 50, timeoutMs: 5000 });
    expect(res.status).toBe(408);
    expect(errorOf(res).code).toBe('REQUEST_TIMEOUT');
    expect(res.ms).toBeGreaterThanOrEqual(380);
    expect(res.ms).toBeLessThan(1000);
  });

  it('a body that trickles past http.request_timeout_ms: 408 REQUEST_TIMEOUT in the error shape, nothing stored', async () => {
    const { app, te } = setup({ headersTimeoutMs: 300, requestTimeoutMs: 600 });
    const port = await listen(app);
    const head = 'PUT /api/cache/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100\r\n\r\n';
    const res = await rawRequest(port, [head, ...Array.from({ length: 40 }, () => 'x')], { gapMs: 50, timeoutMs: 5000 });
    expect(res.status).toBe(408);
    expect(errorOf(res).code).toBe('REQUEST_TIMEOUT');
    expect(res.ms).toBeLessThan(1500);
    expect(te.run('EXISTS', 'slow')).toBe(0);
  });

  it('a request arriving on a keep-alive connection while the app closes is 503 NOT_READY in the error shape (not Fastify\'s)', async () => {
    const { app } = setup();
    let release: () => void = () => undefined;
    const conn: { socket?: Socket } = {};
    const held = new Promise<void>((r) => (release = r));
    // Remove the app from the afterEach list: this test closes it itself.
    apps.splice(apps.indexOf(app), 1);
    app.get('/test-slow', async () => {
      await held;
      return { ok: true };
    });
    // Once the app is closing (after its own preClose hook), a second request arrives on the busy
    // connection, then the first is answered.
    app.addHook('preClose', (done) => {
      conn.socket?.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n', () => release());
      done();
    });
    const port = await listen(app);
    const socket = connect(port, '127.0.0.1');
    conn.socket = socket;
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write('GET /test-slow HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 200 && text === '' && !socket.destroyed; i++) await new Promise((r) => setImmediate(r));
    const closing = app.close();
    await closed;
    await closing;
    const second = text.slice(text.indexOf('HTTP/1.1', 1));
    expect(text.startsWith('HTTP/1.1 200')).toBe(true);
    expect(second.startsWith('HTTP/1.1 503')).toBe(true);
    expect(second).toContain('{"error":{"code":"NOT_READY","message":"the node is shutting down"}}');
  });

  it('a valid request after all that still works, and a deep body over a socket is 400, not 500', async () => {
    const { app } = setup();
    const port = await listen(app);
    const body = `{"value":${nested(5000)}}`;
    const res = await rawRequest(port, [`PUT /api/cache/d HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`]);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('JSON_TOO_DEEP');
    const ok = await rawRequest(port, ['GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
    expect(ok.status).toBe(200);
  });
});
