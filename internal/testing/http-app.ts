// Test fixtures for the HTTP API: buildHttpApp over a test executor, and requests over a raw TCP socket.
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../http/app.js';
import { DEFAULT_HTTP_SETTINGS, type HttpSettings } from '../http/context.js';
import { NodeMetrics } from '../observability/metrics.js';
import { createTestExecutor, type TestExecutor } from './exec.js';

export interface TestHttpApp {
  te: TestExecutor;
  app: FastifyInstance;
}

/** An app over a fresh test executor, ready per `ready` (no listener until the test calls listen). */
export function testHttpApp(settings: Partial<HttpSettings> = {}, ready: () => boolean = () => true): TestHttpApp {
  const te = createTestExecutor({ config: {} });
  const metrics = new NodeMetrics({ nodeId: 'test', figures: () => ({ ...te.server.figures(), up: true }) }, { defaultMetrics: false });
  const app = buildHttpApp({
    nodeId: 'test',
    version: '0.0.0-test',
    startedAt: te.clock.now(),
    now: () => te.clock.now(),
    keys: () => te.store.db(0).size,
    executor: te.executor,
    commandsProcessed: () => te.stats.commandsProcessed,
    ready,
    metrics,
    figures: () => te.server.figures(),
    addresses: () => ({ resp: '127.0.0.1:8080', http: '127.0.0.1:9080' }),
    settings: { ...DEFAULT_HTTP_SETTINGS, ...settings },
    // Requests with Basic credentials run as ACL users, as on a node.
    acl: te.server.acl,
    lookupCommand: (n) => te.server.lookupCommand(n),
  });
  return { te, app };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Milliseconds from connecting to the server closing the connection (or the response being complete). */
  ms: number;
}

/**
 * Writes `chunks` to a fresh TCP connection (each after `gapMs`), reads until the server closes
 * or a whole Content-Length body arrived, and parses the one response. Rejects after `timeoutMs`.
 */
export function rawRequest(port: number, chunks: readonly (string | Buffer)[], opts: { gapMs?: number; timeoutMs?: number } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let done = false;
    const finish = (err?: Error): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const res = parseRaw(Buffer.concat(got));
      if (res === null) return reject(new Error(`no HTTP response; got ${JSON.stringify(Buffer.concat(got).toString('latin1').slice(0, 200))}`));
      resolve({ ...res, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(new Error(`no response within ${opts.timeoutMs ?? 5000} ms`)), opts.timeoutMs ?? 5000);
    socket.on('data', (d: Buffer) => {
      got.push(d);
      const res = parseRaw(Buffer.concat(got));
      if (res !== null && res.complete) finish();
    });
    socket.on('close', () => finish());
    socket.on('error', () => finish());
    let i = 0;
    const writeNext = (): void => {
      if (done || i >= chunks.length) return;
      const c = chunks[i++] as string | Buffer;
      socket.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, () => {
        if (opts.gapMs !== undefined && opts.gapMs > 0) setTimeout(writeNext, opts.gapMs);
        else writeNext();
      });
    };
    socket.on('connect', writeNext);
  });
}

function parseRaw(buf: Buffer): (Omit<RawResponse, 'ms'> & { complete: boolean }) | null {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (m === null) return null;
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
  }
  const rest = buf.subarray(end + 4);
  const len = headers['content-length'];
  // The first response only: bytes past its Content-Length belong to the next (pipelined) one.
  const body = (len === undefined ? rest : rest.subarray(0, Number(len))).toString('utf8');
  return { status: Number(m[1]), headers, body, complete: len !== undefined && rest.length >= Number(len) };
}
