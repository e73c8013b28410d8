// HTTP API over real sockets against spawned nodes: the README's curl examples verbatim, RESP <-> HTTP bytes, auth, 413, 429.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyHashSlot } from '../ring/slot.js';
import { closeAll, connectIoredis } from '../testing/clients.js';
import { REPO_ROOT, run, spawnNode, waitUntil, type SpawnedNode } from '../testing/harness.js';

/** Waits until the node's HTTP API says it is ready (spawnNode only waits for the RESP port). */
async function httpReady(node: SpawnedNode): Promise<void> {
  await waitUntil(async () => (await fetch(`http://127.0.0.1:${node.httpPort}/ready`)).status === 200, 15_000, `HTTP API of ${node.port}`);
}

/** The shell lines of the README's "HTTP API" example block, exactly as written there. */
function readmeExamples(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## HTTP API'));
  const block = /```sh(?: runnable)?\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```sh block under "## HTTP API"');
  return block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

type Json = Record<string, unknown>;
const parse = (s: string): Json => JSON.parse(s) as Json;

describe('HTTP API on a spawned node', () => {
  let node: SpawnedNode;
  let io: Redis;
  let base: string;

  beforeAll(async () => {
    node = await spawnNode();
    await httpReady(node);
    base = `http://127.0.0.1:${node.httpPort}`;
    io = await connectIoredis(node.port);
  });

  afterAll(async () => {
    closeAll();
    await node?.stop();
  });

  it("runs the README's curl examples verbatim", async () => {
    const lines = readmeExamples();
    // Each README line, keyed by what it does, with what its output must show.
    const expectations: [RegExp, (out: string) => void][] = [
      [/-X PUT localhost:\d+\/api\/cache\/greeting /, (o) => expect(parse(o)).toMatchObject({ key: 'greeting', stored: true, ttl_seconds: 3600 })],
      [/^curl -s localhost:\d+\/api\/cache\/greeting$/, (o) => expect(parse(o)).toMatchObject({ key: 'greeting', value: 'hello', encoding: 'utf8', ttl_seconds: 3600 })],
      [/^redis-cli .* get greeting$/, (o) => expect(o).toBe('hello\n')],
      [/-X PUT 'localhost:\d+\/api\/cache\/user%2F42'/, (o) => expect(parse(o)).toMatchObject({ key: 'user/42', stored: true, ttl_seconds: 60 })],
      [
        /_batch\/get/,
        (o) =>
          expect((parse(o)['items'] as Json[]).map((i) => [i['key'], i['found'], i['value']])).toEqual([
            ['greeting', true, 'hello'],
            ['user/42', true, '{"name":"Ada"}'],
            ['nope', false, null],
          ]),
      ],
      [/-X PUT localhost:\d+\/api\/cache\/readme /, (o) => expect(parse(o)).toMatchObject({ key: 'readme', stored: true })],
      [/cmp - README.md/, (o) => expect(o).toBe('same bytes\n')],
      [/-X DELETE/, (o) => expect(parse(o)).toMatchObject({ key: 'greeting', deleted: true })],
      [/cluster\/owner\/greeting/, (o) => expect(parse(o)).toMatchObject({ key: 'greeting', slot: keyHashSlot('greeting'), local: true })],
      [/\/stats$/, (o) => expect(parse(o)).toMatchObject({ keys: { total: 2 } })],
      [/\/metrics/, (o) => expect(o).toMatch(/^ringcache_db_keys\{db="0",node="[^"]+"\} 2$/m)],
    ];
    expect(lines.length).toBe(expectations.length);
    for (const [i, line] of lines.entries()) {
      const cmd = line.replace(/localhost:9080/g, `localhost:${node.httpPort}`).replace(/-p 8080/g, `-p ${node.port}`);
      const res = await runShell(cmd);
      expect(res.code, `${line}\n${res.stderr}`).toBe(0);
      const [pattern, check] = expectations[i] as [RegExp, (out: string) => void];
      expect(cmd, `README line ${i + 1} is not the expected example`).toMatch(pattern);
      check(res.stdout);
    }
  });

  it('a key SET over RESP reads back over HTTP byte for byte, and the other way', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    await io.set('rt:bin', all);
    const res = await fetch(`${base}/api/cache/rt:bin`, { headers: { accept: 'application/octet-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-served-by')).toBe(`test-${node.port}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(all)).toBe(true);

    const random = randomBytes(64 * 1024);
    const put = await fetch(`${base}/api/cache/rt:random?ttl_seconds=120`, { method: 'PUT', body: random, headers: { 'content-type': 'application/octet-stream' } });
    expect(put.status).toBe(200);
    expect((await io.getBuffer('rt:random'))?.equals(random)).toBe(true);
    expect(await io.ttl('rt:random')).toBe(120);

    const text = 'héllo ✓ 🎉 — 字';
    await fetch(`${base}/api/cache/rt:text`, { method: 'PUT', body: JSON.stringify({ value: text }), headers: { 'content-type': 'application/json' } });
    expect((await io.getBuffer('rt:text'))?.equals(Buffer.from(text, 'utf8'))).toBe(true);
    await io.set('rt:text2', text);
    expect(((await (await fetch(`${base}/api/cache/rt:text2`)).json()) as Json)['value']).toBe(text);
  });

  it('round-trips keys with slashes, spaces and unicode, URL-encoded', async () => {
    for (const key of ['a/b/c', 'with space', 'ключ/🔑', '{tag}:x?y#z&w=1', '100%']) {
      const url = `${base}/api/cache/${encodeURIComponent(key)}`;
      const put = await fetch(url, { method: 'PUT', body: JSON.stringify({ value: `v:${key}` }), headers: { 'content-type': 'application/json' } });
      expect(put.status, key).toBe(200);
      expect(((await put.json()) as Json)['key']).toBe(key);
      expect(await io.get(key), key).toBe(`v:${key}`);
      await io.set(key, `resp:${key}`);
      expect(((await (await fetch(url)).json()) as Json)['value'], key).toBe(`resp:${key}`);
      expect(((await (await fetch(`${base}/api/cluster/owner/${encodeURIComponent(key)}`)).json()) as Json)['slot']).toBe(keyHashSlot(Buffer.from(key).toString('latin1')));
      expect((await fetch(url, { method: 'DELETE' })).status).toBe(200);
      expect(await io.exists(key)).toBe(0);
    }
  });

  it('answers the documented errors over the wire: 400, 404, 409, 415', async () => {
    const call = async (url: string, init: RequestInit = {}): Promise<[number, string]> => {
      const res = await fetch(`${base}${url}`, init);
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    const json = (body: unknown): RequestInit => ({ method: 'PUT', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(await call('/api/cache/e', json({ value: 'x', ttl_hours: 1, ttl_seconds: 1 }))).toEqual([400, 'VALIDATION']);
    expect(await call('/api/cache/e', json({ value: 'x', ttl_seconds: -5 }))).toEqual([400, 'VALIDATION']);
    expect(await call('/api/cache/missing-key')).toEqual([404, 'KEY_NOT_FOUND']);
    await io.rpush('e:list', 'a');
    expect(await call('/api/cache/e:list')).toEqual([409, 'WRONG_TYPE']);
    await io.set('e:nx', 'v');
    expect(await call('/api/cache/e:nx', json({ value: 'x', nx: true }))).toEqual([409, 'CONDITION_FAILED']);
    expect(await call('/api/cache/e', { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } })).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('413 BODY_TOO_LARGE over the default 1 MB body limit', async () => {
    const res = await fetch(`${base}/api/cache/huge`, { method: 'PUT', body: Buffer.alloc(1024 * 1024 + 1), headers: { 'content-type': 'application/octet-stream' } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    expect(await io.exists('huge')).toBe(0);
  });

  it('serves /health, /ready, /metrics and the docs (offline assets)', async () => {
    expect(((await (await fetch(`${base}/health`)).json()) as Json)['status']).toBe('ok');
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^ringcache_up\{node="[^"]+"\} 1$/m);
    expect(metrics).toContain('process_cpu_seconds_total');
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('./static/swagger-ui-bundle.js');
    expect((await fetch(`${base}/docs/static/swagger-ui-bundle.js`)).status).toBe(200);
    expect((((await (await fetch(`${base}/docs/json`)).json()) as Json)['paths'] as Json)['/api/cache/{key}']).toBeDefined();
  });
});

describe('HTTP API with a token, a small body limit and a rate limit', () => {
  let node: SpawnedNode;
  let io: Redis;
  let base: string;
  const auth = { authorization: 'Bearer s3cret' };

  beforeAll(async () => {
    node = await spawnNode({ args: ['--http-auth-token', 's3cret', '--http-body-limit', '1kb', '--http-rate-limit', '20'] });
    await httpReady(node);
    base = `http://127.0.0.1:${node.httpPort}`;
    io = await connectIoredis(node.port);
  });

  afterAll(async () => {
    closeAll();
    await node?.stop();
  });

  it('401 UNAUTHORIZED without or with a wrong token, and nothing runs', async () => {
    const put = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${base}/api/cache/secret`, { method: 'PUT', body: '{"value":"v"}', headers: { 'content-type': 'application/json', ...headers } });
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }];
    for (const headers of attempts) {
      const res = await put(headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    expect(await io.exists('secret')).toBe(0);
    // The curl form from docs/http-api.md.
    const curl = await runShell(`curl -s -o /dev/null -w '%{http_code}' localhost:${node.httpPort}/stats`);
    expect(curl.stdout).toBe('401');
    expect((await put(auth)).status).toBe(200);
    expect(await io.get('secret')).toBe('v');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
  });

  it('413 BODY_TOO_LARGE over --http-body-limit', async () => {
    const res = await fetch(`${base}/api/cache/big`, { method: 'PUT', body: JSON.stringify({ value: 'x'.repeat(2000) }), headers: { 'content-type': 'application/json', ...auth } });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BODY_TOO_LARGE');
    expect(await io.exists('big')).toBe(0);
  });

  it('429 RATE_LIMITED over --http-rate-limit, with Retry-After; /health is never limited', async () => {
    // 200 requests at once against 20 per second: they cannot all fit, however slow the machine.
    const results = await Promise.all(Array.from({ length: 200 }, () => fetch(`${base}/api/cache/secret`, { headers: auth })));
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await limited[0]?.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    await Promise.all(results.map((r) => (r.bodyUsed ? undefined : r.body?.cancel())));
    const health = await Promise.all(Array.from({ length: 40 }, () => fetch(`${base}/health`)));
    expect(health.every((r) => r.status === 200)).toBe(true);
  });
});

function runShell(cmd: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  // From the repository root, as the README's readers run it (the octet-stream example reads README.md).
  return run('bash', ['-c', `cd ${JSON.stringify(REPO_ROOT)} && ${cmd}`]);
}
