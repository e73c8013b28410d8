// Client fixtures for integration tests: ioredis connections and raw RESP sockets, tracked for one closeAll(), and blocked-client polling.
//
// Connections are tracked per test file (vitest loads modules afresh for each file): a file
// calls closeAll() in its afterAll (or afterEach) and need not keep its own list. Closing one
// earlier is fine: it leaves the tracked set once closed for good.
import net from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { frameEnd } from '../resp/reply-reader.js';
import { waitUntil } from './harness.js';

export interface IoredisOptions extends Omit<RedisOptions, 'port' | 'lazyConnect'> {
  /** RESP version (ioredis 6 speaks RESP3 unless told 2). */
  protocol?: 2 | 3;
  db?: number;
  /** Never reconnect: a connection the test closes (or has the server kill) on purpose stays closed. */
  stayClosed?: boolean;
}

const ioredisClients = new Set<Redis>();
const rawSockets = new Set<net.Socket>();

/**
 * A tracked ioredis client on 127.0.0.1:`port`, connecting in the background (commands queue
 * until it is ready). Defaults: no per-command retries (maxRetriesPerRequest 0). Socket errors
 * surface as rejected commands; the 'error' event is swallowed (it would only log).
 */
export function openIoredis(port: number, opts: IoredisOptions = {}): Redis {
  return track(port, opts, false);
}

/** Like openIoredis, but resolves once the connection is ready (HELLO / AUTH / SELECT done). */
export async function connectIoredis(port: number, opts: IoredisOptions = {}): Promise<Redis> {
  const c = track(port, opts, true);
  await c.connect();
  return c;
}

function track(port: number, opts: IoredisOptions, lazyConnect: boolean): Redis {
  const { stayClosed, ...rest } = opts;
  const c = new Redis({
    host: '127.0.0.1',
    maxRetriesPerRequest: 0,
    ...rest,
    ...(stayClosed ? { retryStrategy: () => null } : {}),
    port,
    lazyConnect,
  });
  c.on('error', () => undefined);
  ioredisClients.add(c);
  c.once('end', () => ioredisClients.delete(c));
  return c;
}

/** One RESP command (multibulk) as a string, for raw sockets. */
export function resp(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

/** A raw socket to a RESP port: what it sent back so far (latin1), whether it closed, and a way to send commands. */
export interface RawConnection {
  readonly sock: net.Socket;
  received(): string;
  closed(): boolean;
  send(...argv: string[]): void;
}

/** A tracked raw socket to 127.0.0.1:`port`, resolved once connected; closeAll() destroys it. */
export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    rawSockets.add(sock);
    let data = '';
    let closed = false;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (data += d));
    sock.on('close', () => {
      closed = true;
      rawSockets.delete(sock);
    });
    sock.on('error', () => undefined);
    sock.once('connect', () => resolve({ sock, received: () => data, closed: () => closed, send: (...argv) => sock.write(resp(...argv)) }));
    sock.once('error', reject);
  });
}

/** Disconnects every ioredis client and destroys every raw socket this file opened. */
export function closeAll(): void {
  for (const c of ioredisClients) c.disconnect();
  ioredisClients.clear();
  for (const s of rawSockets) s.destroy();
  rawSockets.clear();
}

/** INFO clients' blocked_clients, read through `conn`. */
export async function blockedClients(conn: Redis): Promise<number> {
  const info = await conn.info('clients');
  const m = /blocked_clients:(\d+)/.exec(info);
  if (m === null) throw new Error(`no blocked_clients in INFO: ${info}`);
  return Number(m[1]);
}

/** Polls INFO through `conn` until exactly `n` clients are parked in a blocking command. */
export async function waitBlocked(conn: Redis, n: number, timeoutMs = 15_000, what = `blocked_clients:${n}`): Promise<void> {
  await waitUntil(async () => (await blockedClients(conn)) === n, timeoutMs, what);
}

/** One command as RESP, each argument's characters taken as bytes (latin1), as ringcache's keys and values are. */
export function respFrame(argv: readonly string[]): Buffer {
  return Buffer.from(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''), 'latin1');
}

/** Splits a stream of whole replies into one latin1 string per reply frame. */
export function splitFrames(text: string): string[] {
  const buf = Buffer.from(text, 'latin1');
  const out: string[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const end = frameEnd(buf, pos);
    if (end < 0) throw new Error(`incomplete reply at ${pos}: ${JSON.stringify(text.slice(pos))}`);
    out.push(buf.toString('latin1', pos, end));
    pos = end;
  }
  return out;
}

const PIPELINE_MARK = '__end__';

/**
 * Sends `cmds` as one pipeline on a fresh connection, then CLIENT REPLY ON and ECHO <mark>, and
 * answers the reply frames of `cmds` (what CLIENT REPLY suppressed is absent, as on the wire).
 * For side-by-side comparisons: the same list goes to redis-server and to a node.
 */
export async function pipelineReplies(port: number, cmds: readonly (readonly string[])[], timeoutMs = 15_000): Promise<string[]> {
  const c = await connectRaw(port);
  try {
    c.sock.write(Buffer.concat([...cmds.map(respFrame), respFrame(['CLIENT', 'REPLY', 'ON']), respFrame(['ECHO', PIPELINE_MARK])]));
    const tail = `+OK\r\n$${PIPELINE_MARK.length}\r\n${PIPELINE_MARK}\r\n`;
    await waitUntil(() => c.received().endsWith(tail), timeoutMs, `pipeline on ${port} to finish`);
    return splitFrames(c.received().slice(0, -tail.length));
  } finally {
    c.sock.destroy();
  }
}
