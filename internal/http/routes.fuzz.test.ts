// Property-based fuzzing of the HTTP API: random methods, paths, keys, headers and bodies through inject and a real socket.
//
// Invariants: never a 5xx, every 4xx in the `{"error":{"code","message"}}` shape with a documented
// code, every request answered (no hang), and JSON values read back as they were stored.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { FUZZ_TEST_TIMEOUT_MS, fuzzParams } from '../testing/fuzz.js';
import { rawRequest, testHttpApp, type TestHttpApp } from '../testing/http-app.js';
import type { HttpErrorCode } from './errors.js';

/** Every code docs/http-api.md lists; a code outside it fails the property. */
const CODES: ReadonlySet<HttpErrorCode> = new Set<HttpErrorCode>([
  'VALIDATION', 'MALFORMED_REQUEST', 'JSON_TOO_DEEP', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'KEY_NOT_FOUND', 'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE', 'REQUEST_TIMEOUT', 'CONDITION_FAILED', 'WRONG_TYPE', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'URI_TOO_LONG',
  'HEADERS_TOO_LARGE', 'MISDIRECTED', 'RATE_LIMITED', 'COMMAND_ERROR', 'CROSS_SLOT', 'OUT_OF_MEMORY', 'PERSISTENCE_ERROR', 'READ_ONLY', 'NOT_READY',
]);

/** The response invariant: below 500, and any error in the documented shape. */
function checkResponse(status: number, contentType: string | undefined, body: string, what: string): void {
  expect(status, `${what} -> ${status} ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return;
  expect(contentType, what).toMatch(/^application\/json/);
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(parsed), what).toEqual(['error']);
  expect(CODES.has(parsed.error?.code as HttpErrorCode), `${what}: code ${String(parsed.error?.code)}`).toBe(true);
  expect(typeof parsed.error?.message, what).toBe('string');
}

/** inject, failing instead of hanging past 5 s. */
async function send(app: FastifyInstance, opts: InjectOptions): Promise<LightMyRequestResponse> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in 5 s: ${JSON.stringify(opts).slice(0, 300)}`)), 5000);
  });
  try {
    return await Promise.race([app.inject(opts), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** JSON.stringify writes a lone surrogate as an escape: `\ud800` not followed by `\udc00`-`\udfff`, or a low one alone. */
const LONE_SURROGATE = /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/;

/** %-encodes every byte of the UTF-8 (or given) bytes: what a client sends for any key. */
const pct = (b: Buffer): string => [...b].map((x) => `%${x.toString(16).padStart(2, '0').toUpperCase()}`).join('');

const keyPart = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.:{}-]{1,24}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).map((s) => pct(Buffer.from(s, 'utf8'))),
  fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => pct(Buffer.from(b))), // any bytes, invalid UTF-8 included
  fc.constantFrom('%', '%z1', '%2', '%%', '%00', '..', '.', '/', '//', '%2F', '?', '#', '%C0%AF', '%ED%A0%80', 'a b', 'ключ', '\u00ff'),
  fc.integer({ min: 1, max: 20_000 }).map((n) => 'k'.repeat(n)),
);
const path = fc.oneof(
  { arbitrary: keyPart.map((k) => `/api/cache/${k}`), weight: 6 },
  { arbitrary: keyPart.map((k) => `/api/filters/${k}`), weight: 1 },
  { arbitrary: keyPart.map((k) => `/api/filters/${k}/items`), weight: 1 },
  { arbitrary: keyPart.map((k) => `/api/cluster/owner/${k}`), weight: 1 },
  { arbitrary: fc.constantFrom('/api/cache/_batch/get', '/api/cache/_batch/set', '/stats', '/metrics', '/health', '/ready', '/api/cluster/members', '/api/cluster/ring', '/', '/api', '/api/cache/', '/docs/json', '/nope'), weight: 2 },
);
const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?ttl_seconds=60', '?ttl_seconds=0', '?ttl_seconds=1e999', '?ttl_seconds=99999999999999999999', '?ttl_hours=1&ttl_seconds=1', '?nx=true&xx=true', '?nx=maybe', '?item=a&item=b', '?x=%zz', '?&&=', '?ttl_seconds=0.0000001'),
  fc.string({ maxLength: 30 }).map((s) => `?${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
);
const method = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS');

/** JSON values including keys that are special to JavaScript objects. */
const specialKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '');
const jsonLeaf = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('\ud800', 'a\udfff', '\ud83d\ude00'), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
const { value: anyJson } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonLeaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), specialKey), tie('value'), { maxKeys: 4 }),
  ),
}));

const deep = fc.tuple(fc.integer({ min: 400, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => {
  const close = open === '[' ? ']' : '}';
  return `{"value":${open.repeat(n)}${open === '[' ? '' : '1'}${close.repeat(n)}}`;
});
const body = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null'), weight: 3 },
  { arbitrary: fc.record({ value: anyJson, ttl_seconds: fc.option(fc.double(), { nil: undefined }), nx: fc.option(fc.boolean(), { nil: undefined }) }, { requiredKeys: ['value'] }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.constant('')), { maxLength: 5 }).map((keys) => JSON.stringify({ keys })), weight: 1 },
  { arbitrary: fc.array(fc.record({ key: fc.string({ maxLength: 10 }), value: anyJson }), { maxLength: 5 }).map((items) => JSON.stringify({ items })), weight: 1 },
  { arbitrary: fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }).map((items) => JSON.stringify({ items, type: 'bloom', capacity: 100, error_rate: 0.01 })), weight: 1 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: fc.constantFrom('{"value":1e400}', '{"value":-1e309}', '{"value":123456789012345678901234567890}', '{"value":1', '{"value":"\\ud800"}', '{"value":"\\u0000"}', '{"__proto__":{"value":1}}', '{"value":{"__proto__":{"x":1}}}', '\ufeff{"value":1}', '[]', 'null', ''), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), weight: 2 },
);
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/octet-stream', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'garbage', '');
const accept = fc.constantFrom(undefined, '*/*', 'application/octet-stream', 'application/octet-stream;q=0', 'application/json;q=0', 'text/html', 'application/*;q=0.5, */*;q=0', ';;;', 'application/json;q=abc');

describe('HTTP routes under fuzzing', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  let s: TestHttpApp;
  beforeAll(async () => {
    s = testHttpApp({ bodyLimit: 64 * 1024 });
    await s.app.ready();
  });
  afterAll(async () => {
    await s.app.close();
  });

  it('random requests: never 5xx, errors in the documented shape, always answered', async () => {
    await fc.assert(
      fc.asyncProperty(method, path, query, body, contentType, accept, async (m, p, q, b, ct, acc) => {
        const headers: Record<string, string> = {};
        if (ct !== undefined) headers['content-type'] = ct;
        if (acc !== undefined) headers['accept'] = acc;
        const withBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
        const res = await send(s.app, { method: m, url: p + q, headers, ...(withBody ? { payload: b } : {}) });
        // HEAD answers carry no body to check.
        if (m !== 'HEAD') checkResponse(res.statusCode, res.headers['content-type'] as string | undefined, res.body, `${m} ${(p + q).slice(0, 120)} ${ct ?? ''} ${String(b).slice(0, 80)}`);
        else expect(res.statusCode).toBeLessThan(500);
      }),
      fuzzParams(400),
    );
  });

  it('with a bearer token, a rate limit and a node flipping readiness: still never 5xx, errors in the shape', async () => {
    let ready = true;
    const guarded = testHttpApp({ authToken: () => 's3cret', rateLimit: 50 }, () => ready).app;
    await guarded.ready();
    const auth = fc.constantFrom(undefined, 'Bearer s3cret', 'Bearer wrong', 'Basic Zm9vOmJhcg==', 'Bearer', '', 'bearer s3cret');
    try {
      await fc.assert(
        fc.asyncProperty(method, path, body, contentType, auth, fc.boolean(), async (m, p, b, ct, a, r) => {
          ready = r;
          const headers: Record<string, string> = {};
          if (ct !== undefined) headers['content-type'] = ct;
          if (a !== undefined) headers['authorization'] = a;
          const withBody = b !== undefined && m !== 'GET' && m !== 'HEAD';
          const res = await send(guarded, { method: m, url: p, headers, ...(withBody ? { payload: b } : {}) });
          if (m === 'HEAD') expect(res.statusCode === 503 || res.statusCode < 500).toBe(true);
          else if (res.statusCode !== 503) checkResponse(res.statusCode, res.headers['content-type'] as string | undefined, res.body, `${m} ${p.slice(0, 100)} auth=${String(a)}`);
          else expect(res.json<{ error: { code: string } }>().error.code).toBe('NOT_READY');
        }),
        fuzzParams(200),
      );
    } finally {
      await guarded.close();
    }
  });

  it('any JSON value PUT reads back as stored: strings as themselves, others as their JSON text', async () => {
    await fc.assert(
      fc.asyncProperty(anyJson.filter((v) => v !== null), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }), async (v, key) => {
        const url = `/api/cache/${pct(Buffer.from(key, 'utf8'))}`;
        const put = await send(s.app, { method: 'PUT', url, payload: JSON.stringify({ value: v }), headers: { 'content-type': 'application/json' } });
        // A lone surrogate has no UTF-8 form: refused rather than stored as U+FFFD.
        if (LONE_SURROGATE.test(JSON.stringify(v))) {
          expect(put.statusCode, put.body).toBe(400);
          return;
        }
        expect(put.statusCode, put.body).toBe(200);
        const got = await send(s.app, { method: 'GET', url });
        expect(got.statusCode).toBe(200);
        expect(got.json<{ value: string }>().value).toBe(typeof v === 'string' ? v : JSON.stringify(v));
      }),
      fuzzParams(300),
    );
  });

  it('over a real socket: random request heads are answered in the error shape or succeed, never 5xx', async () => {
    const app = testHttpApp({ headersTimeoutMs: 300, requestTimeoutMs: 600 }).app;
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    try {
      const line = fc.oneof(
        fc.tuple(method, path).map(([m, p]) => `${m} ${p} HTTP/1.1\r\nHost: x\r\n`),
        fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('latin1')),
      );
      const header = fc.oneof(fc.constantFrom('Content-Length: 5', 'Transfer-Encoding: chunked', 'Content-Length: -1', 'Expect: 100-continue', 'Connection: close', 'Content-Type: application/json', 'X: \x01'), fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b).toString('latin1')));
      await fc.assert(
        fc.asyncProperty(line, fc.array(header, { maxLength: 3 }), fc.uint8Array({ maxLength: 20 }), async (l, hs, tail) => {
          const raw = Buffer.concat([Buffer.from(`${l}${hs.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`, 'latin1'), Buffer.from(tail)]);
          const res = await rawRequest(port, [raw], { timeoutMs: 3000 }).catch((e: Error) => (e.message.startsWith('no HTTP response') ? null : Promise.reject(e)));
          // A connection closed without a response (the client's bytes ended mid-request) is allowed; a 5xx or a bare error is not.
          if (res === null) return;
          const what = JSON.stringify(raw.toString('latin1').slice(0, 120));
          if (l.startsWith('HEAD ')) expect(res.status, what).toBeLessThan(500); // no body to check
          else checkResponse(res.status, res.headers['content-type'], res.body, what);
        }),
        fuzzParams(25),
      );
    } finally {
      await app.close();
    }
  });
});
